//! Diagrams of a [`Subgraph`]: Graphviz DOT, Mermaid and node-link JSON.
//!
//! Every writer works over `impl std::io::Write`, is deterministic (the same
//! subgraph gives byte-identical output) and is safe with any text: names,
//! notes and summaries are escaped by the rules of each format, so no
//! entity can break the syntax or inject statements.
//!
//! Besides the writers, this module renders DOT with Graphviz
//! ([`graphviz`]) and writes files atomically ([`write_atomic`]).

mod dot;
mod graphviz;
mod json;
mod mermaid;

use std::io::{self, Write};
use std::path::Path;

use crate::model::{Entity, Kind, RelationKind};
use crate::select::Subgraph;

pub use dot::write_dot;
pub use graphviz::{cjk_font_installed, graphviz, graphviz_formats, RenderFormat};
pub use json::write_json;
pub use mermaid::write_mermaid;

/// A diagram format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Graphviz DOT.
    Dot,
    /// A Mermaid `flowchart`, as GitHub renders in Markdown.
    Mermaid,
    /// Node-link JSON.
    Json,
}

/// How to group nodes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Cluster {
    /// One box per jurisdiction (`US`, `US-TX`).
    Jurisdiction,
}

/// Presentation options shared by the writers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// Language of the labels (`zh-Hant`); English where a name is missing.
    pub lang: Option<String>,
    /// Grouping of nodes (DOT and Mermaid).
    pub cluster: Option<Cluster>,
    /// Leave the id line out of node labels.
    pub hide_ids: bool,
    /// The language of the words around the names (kinds, relations,
    /// statuses, the legend) in DOT, for the site's diagrams. `None`
    /// writes them as `policygraph export` always has: the vocabulary's
    /// own names, in English.
    pub words: Option<crate::site::Lang>,
}

/// Writes `sub` in `format`.
pub fn write(
    format: Format,
    out: &mut impl Write,
    sub: &Subgraph<'_>,
    opts: &Options,
) -> io::Result<()> {
    match format {
        Format::Dot => write_dot(out, sub, opts),
        Format::Mermaid => write_mermaid(out, sub, opts),
        Format::Json => write_json(out, sub, opts),
    }
}

/// How a kind is drawn: a Graphviz shape, whether its corners are
/// rounded, and fill and border colours (shared by DOT and Mermaid).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct KindStyle {
    /// Graphviz node shape.
    pub shape: &'static str,
    /// Rounded corners (boxes).
    pub rounded: bool,
    /// Fill colour.
    pub fill: &'static str,
    /// Border colour.
    pub stroke: &'static str,
}

/// The style of each kind: actors are boxes (blue to violet), orders and
/// rules are notes (warm), laws and bills are folders (red, orange),
/// subjects are ellipses and hexagons (green, cyan).
pub(crate) fn kind_style(kind: Kind) -> KindStyle {
    let (shape, rounded, fill, stroke) = match kind {
        Kind::Agency => ("box", false, "#bfdbfe", "#1e40af"),
        Kind::Office => ("box", true, "#c7d2fe", "#3730a3"),
        Kind::Body => ("box3d", false, "#ddd6fe", "#5b21b6"),
        Kind::Person => ("ellipse", false, "#fbcfe8", "#9d174d"),
        Kind::Organization => ("component", false, "#e5e7eb", "#374151"),
        Kind::ExecutiveOrder => ("note", false, "#fde68a", "#92400e"),
        Kind::Statute => ("folder", false, "#fca5a5", "#991b1b"),
        Kind::Bill => ("folder", false, "#fed7aa", "#9a3412"),
        Kind::Rule => ("note", false, "#fecdd3", "#9f1239"),
        Kind::Guidance => ("note", false, "#fef9c3", "#854d0e"),
        Kind::Report => ("tab", false, "#f5f5f4", "#44403c"),
        Kind::Program => ("cylinder", false, "#99f6e4", "#115e59"),
        Kind::PlanType => ("hexagon", false, "#a5f3fc", "#155e75"),
        Kind::AssetClass => ("ellipse", false, "#bbf7d0", "#166534"),
        Kind::Event => ("cds", false, "#f5d0fe", "#86198f"),
        Kind::Figure => ("parallelogram", false, "#e7e5e4", "#292524"),
    };
    KindStyle {
        shape,
        rounded,
        fill,
        stroke,
    }
}

/// Longest label line, in columns (a wide CJK character counts two).
const WRAP_COLUMNS: usize = 30;
/// Longest label, in characters, before it is cut with an ellipsis; the
/// whole name stays in the tooltip (DOT) and in JSON.
const MAX_LABEL_CHARS: usize = 120;

/// The label lines of an entity: its name in the chosen language, wrapped
/// and cut to a readable size, with control characters made spaces.
pub(crate) fn name_lines(e: &Entity, opts: &Options) -> Vec<String> {
    let name = clean(e.name_in(opts.lang.as_deref()));
    let name = if name.trim().is_empty() {
        clean(&e.name)
    } else {
        name
    };
    let mut cut: String = name.chars().take(MAX_LABEL_CHARS).collect();
    if cut.len() < name.len() {
        cut.push('…');
    }
    wrap(&cut, WRAP_COLUMNS)
}

/// A relation as shown on an edge: `issued_by` reads `issued by`.
pub(crate) fn relation_label(rel: RelationKind) -> String {
    rel.name().replace('_', " ")
}

/// Replaces control characters (newlines, tabs, escapes, bidirectional
/// overrides) with spaces, and collapses runs of whitespace.
pub(crate) fn clean(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        let c = if c.is_control() || is_bidi_control(c) {
            ' '
        } else {
            c
        };
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Bidirectional formatting characters, which could make a label display
/// text in an order other than the one it is stored in.
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}')
}

/// Display width of a character: two columns for East Asian wide ones.
fn width(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1FAFF | 0x20000..=0x3FFFD);
    if wide {
        2
    } else {
        1
    }
}

/// Greedy word wrap to `columns`; words longer than a line (and text
/// without spaces, such as Chinese) are broken between characters.
pub(crate) fn wrap(text: &str, columns: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split_whitespace() {
        let w: usize = word.chars().map(width).sum();
        if used > 0 && used + 1 + w <= columns {
            line.push(' ');
            line.push_str(word);
            used += 1 + w;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        for c in word.chars() {
            let cw = width(c);
            if used > 0 && used + cw > columns {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// A one-line description of the selection for the comment at the top of
/// a diagram: `7 entities, 9 relations, around eo-14330, as of 2025-08-07`.
/// It holds ids, numbers and dates only, never free text, so it is safe in
/// any comment syntax.
pub(crate) fn caption(sub: &Subgraph<'_>) -> String {
    let mut parts = Vec::new();
    if let Some(f) = sub.focus {
        parts.push(format!("around {}", sub.corpus.entities[f].id));
    }
    if let Some(d) = sub.as_of {
        parts.push(format!("as of {d}"));
    }
    let mut s = format!(
        "{} entities, {} relations",
        sub.nodes.len(),
        sub.edges.len()
    );
    for p in parts {
        s.push_str(", ");
        s.push_str(&p);
    }
    s
}

/// Writes a file atomically ([`crate::fsio::write_atomic_with`]), into a
/// directory that must exist: an output path in a missing directory is a
/// typo to report, not a directory to make.
pub fn write_atomic(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> crate::Result<()>,
) -> crate::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    // One clear message, naming the directory once, rather than the
    // temporary file's error.
    if !dir.is_dir() {
        return Err(crate::Error::Usage(format!(
            "the output directory {} does not exist; create it first or choose another path",
            dir.display()
        )));
    }
    crate::fsio::write_atomic_with(path, fill)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_words_and_cjk() {
        assert_eq!(wrap("a bb ccc", 4), vec!["a bb", "ccc"]);
        assert_eq!(wrap("", 4), vec![""]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("勞工部勞工部", 4), vec!["勞工", "部勞", "工部"]);
    }

    #[test]
    fn clean_controls() {
        assert_eq!(clean("a\n\tb\u{202E}c  d\r\n"), "a b c d");
    }
}
