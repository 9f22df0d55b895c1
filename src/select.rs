//! Choosing the part of the graph a diagram shows: a focus and its
//! neighbourhood, kinds, relations, jurisdictions and a date. Written once
//! here and shared by every [`crate::export`] writer.
//!
//! The rules, in order:
//!
//! 1. As of a date, entities whose first event is later are hidden
//!    ([`Entity::exists_on`](crate::model::Entity::exists_on)), and so are
//!    relations dated later ([`relation_exists_on`]).
//! 2. With a focus, only entities within `depth` hops of it remain,
//!    following the selected relations both ways (through entities of any
//!    kind or jurisdiction).
//! 3. The kind and jurisdiction filters then apply to what remains; the
//!    focus itself is always kept.
//! 4. Edges are the selected relations between remaining entities.
//! 5. With a relation filter, entities left without any edge are dropped
//!    (except the focus), so `--relation part_of` draws the hierarchy rather
//!    than every entity in the corpus.

use petgraph::graph::NodeIndex;
use petgraph::visit::EdgeRef;

use crate::check::Corpus;
use crate::graph::{relation_exists_on, Graph};
use crate::model::{Date, Kind, Relation, RelationKind};

/// What to show. The default selects the whole graph.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// The entity (its position in the corpus) whose neighbourhood to show.
    pub focus: Option<usize>,
    /// Hops from the focus; ignored without a focus.
    pub depth: usize,
    /// Kinds to keep; empty keeps every kind.
    pub kinds: Vec<Kind>,
    /// Relations to keep; empty keeps every relation.
    pub relations: Vec<RelationKind>,
    /// Jurisdiction prefixes to keep (`US-` is every state, `US-TX` one
    /// state), compared case-insensitively; empty keeps every jurisdiction.
    pub jurisdictions: Vec<String>,
    /// See the graph as it stood on this day.
    pub as_of: Option<Date>,
}

/// The selected part of the graph, in a deterministic order.
#[derive(Clone, Debug)]
pub struct Subgraph<'c> {
    /// The corpus the positions refer to.
    pub corpus: &'c Corpus,
    /// Entity positions, ascending (hence sorted by id).
    pub nodes: Vec<usize>,
    /// `(source, target, relation)` as entity positions, sorted by source,
    /// target and relation, then file order.
    pub edges: Vec<(usize, usize, &'c Relation)>,
    /// The focus, when there was one.
    pub focus: Option<usize>,
    /// The date the selection was made for.
    pub as_of: Option<Date>,
}

impl Subgraph<'_> {
    /// The selected nodes grouped by jurisdiction, both in sorted order:
    /// the clusters of `--cluster jurisdiction`, in every format.
    pub fn by_jurisdiction(&self) -> std::collections::BTreeMap<&str, Vec<usize>> {
        let mut groups: std::collections::BTreeMap<&str, Vec<usize>> =
            std::collections::BTreeMap::new();
        for &i in &self.nodes {
            groups
                .entry(self.corpus.entities[i].jurisdiction.as_str())
                .or_default()
                .push(i);
        }
        groups
    }

    /// Whether nothing was selected.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }
}

/// Applies a selection to a graph.
pub fn select<'c>(g: &Graph<'c>, sel: &Selection) -> Subgraph<'c> {
    let corpus = g.corpus;
    let n = g.graph.node_count();
    let focus = sel.focus.filter(|&f| f < n);
    let edge_ok = |r: &Relation| {
        relation_exists_on(r, sel.as_of)
            && (sel.relations.is_empty() || sel.relations.contains(&r.rel))
    };
    let alive = |i: usize| corpus.entities[i].exists_on(sel.as_of);

    // Rules 1 and 2: who is in reach.
    let mut keep: Vec<bool> = match focus {
        None => (0..n).map(alive).collect(),
        Some(f) => {
            let mut seen = vec![false; n];
            seen[f] = true;
            let mut frontier = vec![f];
            for _ in 0..sel.depth {
                if frontier.is_empty() {
                    break;
                }
                let mut next = Vec::new();
                for &at in &frontier {
                    let node = NodeIndex::new(at);
                    let outs = g
                        .graph
                        .edges_directed(node, petgraph::Direction::Outgoing)
                        .map(|e| (e.target(), *e.weight()));
                    let ins = g
                        .graph
                        .edges_directed(node, petgraph::Direction::Incoming)
                        .map(|e| (e.source(), *e.weight()));
                    for (other, r) in outs.chain(ins) {
                        let o = other.index();
                        if !seen[o] && edge_ok(r) && alive(o) {
                            seen[o] = true;
                            next.push(o);
                        }
                    }
                }
                frontier = next;
            }
            seen
        }
    };

    // Rule 3: kind and jurisdiction filters, sparing the focus.
    for (i, k) in keep.iter_mut().enumerate() {
        if *k && Some(i) != focus && !node_ok(corpus, i, sel) {
            *k = false;
        }
    }

    // Rule 4: edges between what remains.
    let mut edges: Vec<(usize, usize, usize, &'c Relation)> = g
        .graph
        .edge_references()
        .filter(|e| keep[e.source().index()] && keep[e.target().index()] && edge_ok(e.weight()))
        .map(|e| {
            (
                e.source().index(),
                e.target().index(),
                e.id().index(),
                *e.weight(),
            )
        })
        .collect();
    edges.sort_by_key(|&(s, t, id, r)| (s, t, r.rel, id));

    // Rule 5: a relation filter drops entities it leaves unconnected.
    if !sel.relations.is_empty() {
        let mut touched = vec![false; n];
        for &(s, t, _, _) in &edges {
            touched[s] = true;
            touched[t] = true;
        }
        for (i, k) in keep.iter_mut().enumerate() {
            *k = *k && (touched[i] || Some(i) == focus);
        }
    }

    Subgraph {
        corpus,
        nodes: keep
            .iter()
            .enumerate()
            .filter_map(|(i, &k)| k.then_some(i))
            .collect(),
        edges: edges.into_iter().map(|(s, t, _, r)| (s, t, r)).collect(),
        focus,
        as_of: sel.as_of,
    }
}

/// Whether entity `i` passes the kind and jurisdiction filters.
fn node_ok(corpus: &Corpus, i: usize, sel: &Selection) -> bool {
    let e = &corpus.entities[i];
    let kind_ok = sel.kinds.is_empty() || sel.kinds.contains(&e.kind);
    let jur_ok = sel.jurisdictions.is_empty()
        || sel.jurisdictions.iter().any(|j| {
            e.jurisdiction
                .get(..j.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(j))
        });
    kind_ok && jur_ok
}
