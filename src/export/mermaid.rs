//! Mermaid `flowchart LR`, as GitHub renders inside a ```` ```mermaid ````
//! block: a node shape and a `classDef` per kind, edges `-->|relation|`,
//! an optional `subgraph` per jurisdiction.
//!
//! Safety: node ids are `n_` plus the entity id with `-` made `_` (so never
//! a keyword such as `end`), and every label is a double-quoted string in
//! which `"`, `#`, `&`, `<`, `>`, `` ` ``, `%`, `:` and `;` are Mermaid
//! entity codes (`#quot;`, `#35;`, ...) and control characters are spaces,
//! so no text can end the string, start HTML or Markdown, or open a
//! comment.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};

use super::{caption, kind_style, name_lines, relation_label, Cluster, Options};
use crate::model::Kind;
use crate::select::Subgraph;

/// Writes `sub` as a Mermaid flowchart.
pub fn write_mermaid(out: &mut impl Write, sub: &Subgraph<'_>, opts: &Options) -> io::Result<()> {
    let corpus = sub.corpus;
    writeln!(out, "%% policygraph export: {}", caption(sub))?;
    writeln!(out, "flowchart LR")?;
    match opts.cluster {
        None => {
            for &i in &sub.nodes {
                write_node(out, sub, opts, i, "  ")?;
            }
        }
        Some(Cluster::Jurisdiction) => {
            for (j, members) in sub.by_jurisdiction() {
                writeln!(out, "  subgraph {}[\"{}\"]", safe_id("j_", j), esc(j))?;
                for i in members {
                    write_node(out, sub, opts, i, "    ")?;
                }
                writeln!(out, "  end")?;
            }
        }
    }
    for &(s, t, r) in &sub.edges {
        let arrow = match r.rel {
            crate::model::RelationKind::Cites
            | crate::model::RelationKind::Related
            | crate::model::RelationKind::RuleFor => "-.->",
            _ => "-->",
        };
        writeln!(
            out,
            "  {} {arrow}|\"{}\"| {}",
            node_id(&corpus.entities[s].id),
            esc(&relation_label(r.rel)),
            node_id(&corpus.entities[t].id)
        )?;
    }
    let mut by_kind: BTreeMap<Kind, Vec<String>> = BTreeMap::new();
    for &i in &sub.nodes {
        let e = &corpus.entities[i];
        by_kind.entry(e.kind).or_default().push(node_id(&e.id));
    }
    let kinds: BTreeSet<Kind> = by_kind.keys().copied().collect();
    for k in &kinds {
        let st = kind_style(*k);
        writeln!(
            out,
            "  classDef {} fill:{},stroke:{},color:#111827",
            k.name(),
            st.fill,
            st.stroke
        )?;
    }
    for (k, ids) in &by_kind {
        writeln!(out, "  class {} {}", ids.join(","), k.name())?;
    }
    if let Some(f) = sub.focus {
        writeln!(
            out,
            "  style {} stroke-width:3px",
            node_id(&corpus.entities[f].id)
        )?;
    }
    Ok(())
}

/// One node statement, its shape chosen by kind.
fn write_node(
    out: &mut impl Write,
    sub: &Subgraph<'_>,
    opts: &Options,
    i: usize,
    indent: &str,
) -> io::Result<()> {
    let e = &sub.corpus.entities[i];
    let mut lines: Vec<String> = name_lines(e, opts).iter().map(|l| esc(l)).collect();
    if !opts.hide_ids {
        lines.push(esc(&e.id));
    }
    let (open, close) = shape(e.kind);
    writeln!(
        out,
        "{indent}{}{open}\"{}\"{close}",
        node_id(&e.id),
        lines.join("<br>")
    )
}

/// Opening and closing brackets of the node shape of a kind.
fn shape(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Office | Kind::Person => ("(", ")"),
        Kind::ExecutiveOrder | Kind::Rule | Kind::Guidance => (">", "]"),
        Kind::Statute | Kind::Bill => ("[[", "]]"),
        Kind::Program => ("[(", ")]"),
        Kind::AssetClass => ("([", "])"),
        Kind::PlanType => ("{{", "}}"),
        Kind::Figure => ("[/", "/]"),
        Kind::Event => ("((", "))"),
        Kind::Agency | Kind::Body | Kind::Organization | Kind::Report => ("[", "]"),
    }
}

/// The Mermaid id of an entity: `eo-14330` is `n_eo_14330`.
fn node_id(id: &str) -> String {
    safe_id("n_", id)
}

/// A prefix plus the text with everything but ASCII letters and digits
/// made `_`.
fn safe_id(prefix: &str, s: &str) -> String {
    let mut out = String::from(prefix);
    out.extend(
        s.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }),
    );
    out
}

/// Escapes text for the inside of a double-quoted Mermaid label.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '&' => out.push_str("#amp;"),
            '<' => out.push_str("#lt;"),
            '>' => out.push_str("#gt;"),
            '`' => out.push_str("#96;"),
            '%' => out.push_str("#37;"),
            ':' => out.push_str("#58;"),
            ';' => out.push_str("#59;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_labels_and_ids() {
        assert_eq!(esc(r#"a"b<c>#1;"#), "a#quot;b#lt;c#gt;#35;1#59;");
        assert_eq!(esc("x\ny"), "x y");
        assert_eq!(node_id("end"), "n_end");
        assert_eq!(node_id("eo-14330"), "n_eo_14330");
    }
}
