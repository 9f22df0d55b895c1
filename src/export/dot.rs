//! Graphviz DOT: one node style per kind, edges labelled with their
//! relation, an optional cluster per jurisdiction, and a legend of the
//! kinds and relations used.
//!
//! Safety: every ID and attribute value is a double-quoted string in which
//! `\` and `"` are escaped, control characters are spaces and `&` is
//! `&amp;` (Graphviz reads HTML entities even in plain labels). No label is
//! HTML-like and no shape is a record, so `<>{}|` are plain characters.

use std::collections::BTreeSet;
use std::io::{self, Write};

use super::{caption, clean, kind_style, name_lines, relation_label, Cluster, Options};
use crate::model::{Date, Kind, RelationKind, Stage};
use crate::select::Subgraph;
use crate::site::Lang;

const FONT: &str = "Helvetica,Arial,sans-serif";
/// Longest tooltip, in characters.
const MAX_TOOLTIP_CHARS: usize = 400;

/// Writes `sub` as a Graphviz `digraph`.
pub fn write_dot(out: &mut impl Write, sub: &Subgraph<'_>, opts: &Options) -> io::Result<()> {
    let corpus = sub.corpus;
    writeln!(out, "// policygraph export: {}", caption(sub))?;
    writeln!(out, "digraph \"policygraph\" {{")?;
    write!(
        out,
        "  graph [rankdir=\"LR\", fontname={f}, fontsize=\"16\", nodesep=\"0.3\", ranksep=\"0.8\", pad=\"0.3\"",
        f = q(FONT)
    )?;
    if let Some(t) = title(sub, opts) {
        write!(out, ", labelloc=\"t\", label={}", q(&t))?;
    }
    writeln!(out, "];")?;
    writeln!(
        out,
        "  node [fontname={}, fontsize=\"11\", style=\"filled\", margin=\"0.15,0.06\"];",
        q(FONT)
    )?;
    writeln!(
        out,
        "  edge [fontname={}, fontsize=\"9\", color=\"#4b5563\", fontcolor=\"#374151\", arrowsize=\"0.7\"];",
        q(FONT)
    )?;

    match opts.cluster {
        None => {
            for &i in &sub.nodes {
                write_node(out, sub, opts, i, "  ")?;
            }
        }
        Some(Cluster::Jurisdiction) => {
            for (j, members) in sub.by_jurisdiction() {
                writeln!(out, "  subgraph {} {{", q(&cluster_id(j)))?;
                writeln!(
                    out,
                    "    graph [label={}, style=\"rounded,filled\", fillcolor=\"#f9fafb\", color=\"#9ca3af\", fontsize=\"12\"];",
                    q(j)
                )?;
                for i in members {
                    write_node(out, sub, opts, i, "    ")?;
                }
                writeln!(out, "  }}")?;
            }
        }
    }

    for &(s, t, r) in &sub.edges {
        let from = &corpus.entities[s];
        let to = &corpus.entities[t];
        let rel = match opts.words {
            Some(l) => l.relation(r.rel).to_owned(),
            None => r.rel.name().to_owned(),
        };
        let mut tip = format!("{} {rel} {}", from.id, to.id);
        if let Some(d) = r.date {
            tip.push_str(&format!(" ({})", since(opts.words, d)));
        }
        if !r.note.trim().is_empty() {
            tip.push_str(": ");
            tip.push_str(&r.note);
        }
        write!(
            out,
            "  {} -> {} [label={}, tooltip={}",
            q(&from.id),
            q(&to.id),
            q(&edge_label(opts.words, r.rel)),
            q(&shorten(&tip))
        )?;
        if matches!(
            r.rel,
            RelationKind::Cites | RelationKind::Related | RelationKind::RuleFor
        ) {
            write!(out, ", style=\"dashed\"")?;
        }
        writeln!(out, "];")?;
    }

    write_legend(out, sub, opts.words)?;
    writeln!(out, "}}")
}

/// One node statement.
fn write_node(
    out: &mut impl Write,
    sub: &Subgraph<'_>,
    opts: &Options,
    i: usize,
    indent: &str,
) -> io::Result<()> {
    let e = &sub.corpus.entities[i];
    let st = kind_style(e.kind);
    let mut lines: Vec<String> = name_lines(e, opts).iter().map(|l| esc(l)).collect();
    if !opts.hide_ids {
        lines.push(esc(&e.id));
    }
    let mut tip = format!(
        "{} ({}, {}",
        e.name_in(opts.lang.as_deref()),
        kind_text(opts.words, e.kind),
        e.jurisdiction
    );
    if let Some(s) = e.kind.has_status().then(|| e.status(sub.as_of)).flatten() {
        tip.push_str(&format!(", {}", stage_text(opts.words, s)));
    }
    tip.push(')');
    let summary = e
        .summaries
        .get(opts.lang.as_deref().unwrap_or("en"))
        .unwrap_or(&e.summary);
    if !summary.trim().is_empty() {
        tip.push_str(": ");
        tip.push_str(summary);
    }
    let style = if st.rounded {
        "rounded,filled"
    } else {
        "filled"
    };
    write!(
        out,
        "{indent}{} [label=\"{}\", shape=\"{}\", style=\"{style}\", fillcolor=\"{}\", color=\"{}\", tooltip={}",
        q(&e.id),
        lines.join("\\n"),
        st.shape,
        st.fill,
        st.stroke,
        q(&shorten(&tip))
    )?;
    if Some(i) == sub.focus {
        write!(out, ", penwidth=\"3\"")?;
    }
    writeln!(out, "];")
}

/// The legend: a sample node for every kind shown, and the relations used.
fn write_legend(out: &mut impl Write, sub: &Subgraph<'_>, words: Option<Lang>) -> io::Result<()> {
    let kinds: BTreeSet<Kind> = sub
        .nodes
        .iter()
        .map(|&i| sub.corpus.entities[i].kind)
        .collect();
    if kinds.is_empty() {
        return Ok(());
    }
    let rels: BTreeSet<RelationKind> = sub.edges.iter().map(|e| e.2.rel).collect();
    writeln!(out, "  subgraph \"cluster_legend\" {{")?;
    writeln!(
        out,
        "    graph [label={}, style=\"rounded\", color=\"#9ca3af\", fontsize=\"11\"];",
        q(words.map_or("Legend", Lang::legend))
    )?;
    for k in kinds {
        let st = kind_style(k);
        let style = if st.rounded {
            "rounded,filled"
        } else {
            "filled"
        };
        writeln!(
            out,
            "    {} [label={}, shape=\"{}\", style=\"{style}\", fillcolor=\"{}\", color=\"{}\", fontsize=\"9\", height=\"0.3\", margin=\"0.08,0.03\"];",
            q(&format!("legend_{}", k.name())),
            q(&kind_text(words, k)),
            st.shape,
            st.fill,
            st.stroke
        )?;
    }
    if !rels.is_empty() {
        let mut label = format!(
            "{}\\l",
            esc(words.map_or("relations:", Lang::legend_relations))
        );
        for r in rels {
            label.push_str(&format!("  {}\\l", esc(&edge_label(words, r))));
        }
        writeln!(
            out,
            "    \"legend_relations\" [label=\"{label}\", shape=\"plaintext\", style=\"\", fontsize=\"9\"];"
        )?;
    }
    writeln!(out, "  }}")
}

/// The diagram title: the focus and the date, when there are any.
fn title(sub: &Subgraph<'_>, opts: &Options) -> Option<String> {
    let focus = sub.focus.map(|f| {
        let e = &sub.corpus.entities[f];
        format!("{} ({})", clean(e.name_in(opts.lang.as_deref())), e.id)
    });
    let date = sub.as_of.map(|d| match opts.words {
        Some(l) => l.as_of(&d.to_string()),
        None => format!("as of {d}"),
    });
    match (focus, date) {
        (Some(f), Some(d)) => Some(format!("{f}, {d}")),
        (Some(x), None) | (None, Some(x)) => Some(x),
        (None, None) => None,
    }
}

/// `executive_order` reads `executive order`.
fn kind_label(k: Kind) -> String {
    k.name().replace('_', " ")
}

/// A kind in the words of `words`, else as [`kind_label`] writes it.
fn kind_text(words: Option<Lang>, k: Kind) -> String {
    words.map_or_else(|| kind_label(k), |l| l.kind_label(k).to_owned())
}

/// A relation on an edge, in the words of `words`, else as
/// [`relation_label`] writes it.
fn edge_label(words: Option<Lang>, r: RelationKind) -> String {
    words.map_or_else(|| relation_label(r), |l| l.relation(r).to_owned())
}

/// A status in the words of `words`, else by its name.
fn stage_text(words: Option<Lang>, s: Stage) -> String {
    words.map_or_else(|| s.name().to_owned(), |l| l.stage(s).to_owned())
}

/// `since 2025-08-12`, in the words of `words`.
fn since(words: Option<Lang>, d: Date) -> String {
    let d = d.to_string();
    words.map_or_else(|| format!("since {d}"), |l| l.since(&d))
}

/// The name of a jurisdiction's cluster: `cluster_US_TX`.
fn cluster_id(j: &str) -> String {
    let safe: String = j
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("cluster_{safe}")
}

/// Cleans text and cuts it to a tooltip's length.
fn shorten(s: &str) -> String {
    let c = clean(s);
    let mut cut: String = c.chars().take(MAX_TOOLTIP_CHARS).collect();
    if cut.len() < c.len() {
        cut.push('…');
    }
    cut
}

/// Escapes text for the inside of a DOT double-quoted string.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '&' => out.push_str("&amp;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A DOT double-quoted string.
fn q(s: &str) -> String {
    format!("\"{}\"", esc(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_quotes_backslashes_and_controls() {
        assert_eq!(q(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(q("x\ny & z"), "\"x y &amp; z\"");
        assert_eq!(q("trailing\\"), "\"trailing\\\\\"");
        assert_eq!(cluster_id("US-TX"), "cluster_US_TX");
    }
}
