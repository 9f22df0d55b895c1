//! Neighbourhood diagrams of entity pages, as inline SVG in which every
//! node links to its page.
//!
//! The diagram shows what `show` lists: the entity, the targets of its
//! relations and the entities whose relations point at it, as they stand
//! on the site's date. A hub is cut to [`MAX_PEERS`] neighbours plus a
//! "more" node that links to the full list on the page.
//!
//! Two layouts:
//! - [`Layout::Dot`]: the DOT of `policygraph export` (same shapes and
//!   colours, through [`crate::export::write_dot`]) laid out by Graphviz,
//!   with a `URL` per node;
//! - [`Layout::Builtin`]: a fixed three-column layout (entities that point
//!   at this one, this one, what it points at), for machines without
//!   Graphviz and for large sites, where running `dot` for every page
//!   costs minutes (see docs/site.md, "Diagrams").

use std::collections::BTreeMap;

use serde::Serialize;

use crate::check::Corpus;
use crate::export::{self, kind_style, Options};
use crate::model::{Entity, Relation, RelationKind};
use crate::select::Subgraph;
use crate::Result;

use super::Lang;

/// At most this many neighbours are drawn.
pub const MAX_PEERS: usize = 24;

/// How diagrams are laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub enum Layout {
    /// Graphviz `dot`.
    Dot,
    /// The built-in three-column layout.
    Builtin,
}

impl Layout {
    /// Its name, as on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Layout::Dot => "dot",
            Layout::Builtin => "builtin",
        }
    }
}

/// The neighbourhood to draw: positions in the corpus.
pub(crate) struct Hood<'c> {
    /// The entity of the page.
    pub focus: usize,
    /// Neighbours, in the order they are drawn, at most [`MAX_PEERS`].
    pub peers: Vec<usize>,
    /// Relations between the focus and the drawn neighbours, as
    /// `(source, target, relation)`.
    pub edges: Vec<(usize, usize, &'c Relation)>,
    /// Neighbours left out.
    pub more: usize,
}

/// How a node is labelled and where it links.
pub(crate) struct NodeText {
    /// The name shown (in the page's language, else English).
    pub name: String,
    /// Set when the name is the English fallback.
    pub fallback: bool,
    /// Its page, relative to the entity page; `None` when it has none.
    pub href: Option<String>,
}

/// Renders the diagram as SVG markup for the page.
#[allow(clippy::too_many_arguments)] // the page's pieces, passed once
pub(crate) fn render(
    env: &minijinja::Environment<'_>,
    corpus: &Corpus,
    hood: &Hood<'_>,
    text: &dyn Fn(usize) -> NodeText,
    lang: Lang,
    title: &str,
    more_label: &str,
    layout: Layout,
) -> Result<String> {
    match layout {
        Layout::Builtin => builtin(env, corpus, hood, text, lang, title, more_label),
        Layout::Dot => dot(corpus, hood, text, lang, more_label),
    }
}

#[derive(Serialize)]
struct SvgNode {
    title: String,
    href: Option<String>,
    lines: Vec<String>,
    lang: Option<&'static str>,
    x: i64,
    y: i64,
    w: i64,
    h: i64,
    fill: &'static str,
    stroke: &'static str,
    focus: bool,
}

#[derive(Serialize)]
struct SvgEdge {
    d: String,
    label: String,
    lx: i64,
    ly: i64,
    anchor: &'static str,
    weak: bool,
}

const NODE_W: i64 = 210;
const GAP_X: i64 = 160;
const GAP_Y: i64 = 12;
const LINE_H: i64 = 15;
const PAD: i64 = 10;
const WRAP: usize = 28;
const MAX_LINES: usize = 3;
const MAX_EDGE_LABEL: usize = 26;

fn lines_of(name: &str) -> Vec<String> {
    let mut lines = export::wrap(&export::clean(name), WRAP);
    if lines.len() > MAX_LINES {
        lines.truncate(MAX_LINES);
        if let Some(l) = lines.last_mut() {
            l.push('…');
        }
    }
    lines
}

fn builtin(
    env: &minijinja::Environment<'_>,
    corpus: &Corpus,
    hood: &Hood<'_>,
    text: &dyn Fn(usize) -> NodeText,
    lang: Lang,
    title: &str,
    more_label: &str,
) -> Result<String> {
    let f = hood.focus;
    // Which side each neighbour goes: right when the focus points at it.
    let mut right: Vec<usize> = Vec::new();
    let mut left: Vec<usize> = Vec::new();
    let mut labels: BTreeMap<(usize, bool), Vec<&str>> = BTreeMap::new();
    for &p in &hood.peers {
        let points_at = hood.edges.iter().any(|&(s, t, _)| s == f && t == p);
        if points_at {
            right.push(p);
        } else {
            left.push(p);
        }
    }
    for &(s, t, r) in &hood.edges {
        let peer = if s == f { t } else { s };
        let on_right = right.contains(&peer);
        // On the right, labels read from the focus: an incoming relation
        // reads by its inverse name.
        let label = if on_right && s != f {
            lang.inverse(r.rel)
        } else {
            lang.relation(r.rel)
        };
        let v = labels.entry((peer, on_right)).or_default();
        if !v.contains(&label) {
            v.push(label);
        }
    }
    let node = |i: usize, x: i64, focus: bool| {
        let t = text(i);
        let e: &Entity = &corpus.entities[i];
        let st = kind_style(e.kind);
        let lines = lines_of(&t.name);
        let h = lines.len() as i64 * LINE_H + 12;
        SvgNode {
            title: format!(
                "{} ({}, {})",
                export::clean(&t.name),
                lang.kind_label(e.kind),
                e.jurisdiction
            ),
            href: if focus { None } else { t.href },
            lines,
            lang: t.fallback.then_some("en"),
            x,
            y: 0,
            w: NODE_W,
            h,
            fill: st.fill,
            stroke: st.stroke,
            focus,
        }
    };
    let xl = PAD;
    let xc = PAD + NODE_W + GAP_X;
    let xr = xc + NODE_W + GAP_X;
    let mut lcol: Vec<SvgNode> = left.iter().map(|&i| node(i, xl, false)).collect();
    let mut rcol: Vec<SvgNode> = right.iter().map(|&i| node(i, xr, false)).collect();
    let more = (hood.more > 0).then(|| SvgNode {
        title: format!("+{} {more_label}", hood.more),
        href: Some("#relations".into()),
        lines: vec![format!("+{}", hood.more), more_label.to_owned()],
        lang: None,
        x: xr,
        y: 0,
        w: NODE_W,
        h: 2 * LINE_H + 12,
        fill: "#ffffff",
        stroke: "#6b7280",
        focus: false,
    });
    if let Some(m) = more {
        rcol.push(m);
    }
    let mut center = node(f, xc, true);
    let col_h = |c: &[SvgNode]| -> i64 {
        c.iter().map(|n| n.h).sum::<i64>() + GAP_Y * (c.len() as i64 - 1).max(0)
    };
    let height = col_h(&lcol).max(col_h(&rcol)).max(center.h) + 2 * PAD;
    let place = |c: &mut [SvgNode]| {
        let mut y = (height - col_h(c)) / 2;
        for n in c.iter_mut() {
            n.y = y;
            y += n.h + GAP_Y;
        }
    };
    place(&mut lcol);
    place(&mut rcol);
    center.y = (height - center.h) / 2;
    let fcy = center.y + center.h / 2;
    let mut edges = Vec::new();
    let cut = |v: &[&str]| {
        let s = v.join(lang.list_separator());
        if s.chars().count() > MAX_EDGE_LABEL {
            let mut c: String = s.chars().take(MAX_EDGE_LABEL - 1).collect();
            c.push('…');
            c
        } else {
            s
        }
    };
    let weak = |peer: usize| {
        hood.edges
            .iter()
            .filter(|&&(s, t, _)| s == peer || t == peer)
            .all(|&(_, _, r)| {
                matches!(
                    r.rel,
                    RelationKind::Cites | RelationKind::Related | RelationKind::RuleFor
                )
            })
    };
    for (n, &i) in lcol.iter().zip(&left) {
        let (x1, y1) = (n.x + n.w, n.y + n.h / 2);
        let (x2, y2) = (xc, fcy);
        let xm = (x1 + x2) / 2;
        edges.push(SvgEdge {
            d: format!("M{x1},{y1} C{xm},{y1} {xm},{y2} {x2},{y2}"),
            label: cut(labels.get(&(i, false)).map_or(&[][..], Vec::as_slice)),
            lx: x1 + 6,
            ly: y1 - 4,
            anchor: "start",
            weak: weak(i),
        });
    }
    for (k, n) in rcol.iter().enumerate() {
        let (x1, y1) = (xc + NODE_W, fcy);
        let (x2, y2) = (n.x, n.y + n.h / 2);
        let xm = (x1 + x2) / 2;
        let (label, w) = match right.get(k) {
            Some(&i) => (
                cut(labels.get(&(i, true)).map_or(&[][..], Vec::as_slice)),
                weak(i),
            ),
            None => (String::new(), true),
        };
        edges.push(SvgEdge {
            d: format!("M{x1},{y1} C{xm},{y1} {xm},{y2} {x2},{y2}"),
            label,
            lx: x2 - 6,
            ly: y2 - 4,
            anchor: "end",
            weak: w,
        });
    }
    let mut nodes = lcol;
    nodes.push(center);
    nodes.extend(rcol);
    let width = xr + NODE_W + PAD;
    let tpl = env.get_template("diagram.svg").map_err(template_error)?;
    tpl.render(minijinja::context! {
        width, height, title, nodes, edges
    })
    .map_err(template_error)
}

/// Lays the neighbourhood out with Graphviz, from the DOT that `export`
/// writes, plus a link on every node.
fn dot(
    corpus: &Corpus,
    hood: &Hood<'_>,
    text: &dyn Fn(usize) -> NodeText,
    lang: Lang,
    more_label: &str,
) -> Result<String> {
    let mut nodes: Vec<usize> = hood.peers.clone();
    nodes.push(hood.focus);
    nodes.sort_unstable();
    nodes.dedup();
    let mut edges = hood.edges.clone();
    edges.sort_by_key(|&(s, t, r)| (s, t, r.rel));
    let sub = Subgraph {
        corpus,
        nodes: nodes.clone(),
        edges,
        focus: Some(hood.focus),
        as_of: None,
    };
    let opts = Options {
        lang: lang.key().map(str::to_owned),
        cluster: None,
        hide_ids: false,
        words: Some(lang),
    };
    let mut src = Vec::new();
    export::write_dot(&mut src, &sub, &opts).map_err(|e| crate::Error::Tool(e.to_string()))?;
    // Drop the closing brace, add the links (ids are `[a-z0-9-]`, so they
    // need no quoting beyond the quotes), and close again.
    while src.last().is_some_and(|b| b.is_ascii_whitespace()) {
        src.pop();
    }
    if src.last() == Some(&b'}') {
        src.pop();
    }
    let mut tail = String::new();
    for &i in &nodes {
        if let Some(href) = text(i).href.filter(|_| i != hood.focus) {
            tail.push_str(&format!(
                "  \"{}\" [URL=\"{}\", target=\"_top\"];\n",
                corpus.entities[i].id, href
            ));
        }
    }
    if hood.more > 0 {
        tail.push_str(&format!(
            "  \"more\" [label=\"+{} {}\", shape=\"plaintext\", URL=\"#relations\", target=\"_top\"];\n  \"{}\" -> \"more\" [style=\"dotted\", arrowhead=\"none\"];\n",
            hood.more,
            more_label.replace(['"', '\\'], ""),
            corpus.entities[hood.focus].id
        ));
    }
    tail.push_str("}\n");
    src.extend_from_slice(tail.as_bytes());
    let svg = export::graphviz(&src, export::RenderFormat::SVG)?;
    let svg = String::from_utf8_lossy(&svg);
    // Inline SVG needs no prolog or doctype.
    let start = svg.find("<svg").unwrap_or(0);
    Ok(retitle(svg[start..].trim_end(), lang, more_label))
}

/// Graphviz gives every cluster, node and edge a `<title>` holding its
/// DOT name, which browsers show on hover. An entity's is its id; the
/// legend's and the "more" node's are names made up for the DOT
/// (`cluster_legend`, `legend_asset_class`, `dol->more`): they get the
/// words they stand for, in the page's language.
fn retitle(svg: &str, lang: Lang, more_label: &str) -> String {
    const OPEN: &str = "<title>";
    const CLOSE: &str = "</title>";
    let mut out = String::with_capacity(svg.len());
    let mut rest = svg;
    while let Some(at) = rest.find(OPEN) {
        let body = at + OPEN.len();
        let Some(len) = rest[body..].find(CLOSE) else {
            break;
        };
        let name = &rest[body..body + len];
        let words = match name {
            "cluster_legend" => Some(lang.legend()),
            "legend_relations" => Some(lang.legend_relations().trim_end_matches([':', '：'])),
            "more" => Some(more_label),
            n if n.ends_with("&#45;&gt;more") => Some(more_label),
            n => n
                .strip_prefix("legend_")
                .and_then(|k| k.parse::<crate::model::Kind>().ok())
                .map(|k| lang.kind_label(k)),
        };
        out.push_str(&rest[..body]);
        match words {
            Some(w) => {
                for c in w.chars() {
                    match c {
                        '&' => out.push_str("&amp;"),
                        '<' => out.push_str("&lt;"),
                        '>' => out.push_str("&gt;"),
                        c => out.push(c),
                    }
                }
            }
            None => out.push_str(name),
        }
        rest = &rest[body + len..];
    }
    out.push_str(rest);
    out
}

fn template_error(e: minijinja::Error) -> crate::Error {
    crate::Error::Tool(format!("site template: {e:#}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legend_titles_read_as_words() {
        let svg = "<title>cluster_legend</title><title>legend_asset_class</title>\
                   <title>legend_relations</title><title>dol</title>\
                   <title>dol&#45;&gt;more</title><title>legend_nope</title>";
        assert_eq!(
            retitle(svg, Lang::ZhHant, "更多"),
            "<title>圖例</title><title>資產類別</title><title>關係</title>\
             <title>dol</title><title>更多</title><title>legend_nope</title>"
        );
    }
}
