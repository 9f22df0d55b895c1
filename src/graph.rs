//! The knowledge graph: a petgraph graph with entities as nodes and
//! relations as edges, plus `stats`.

use std::collections::BTreeMap;

use petgraph::graph::{DiGraph, NodeIndex};
use serde::Serialize;

use crate::check::Corpus;
use crate::model::{Kind, Relation, RelationKind};

/// The corpus as a directed graph. Node `i` is `corpus.entities[i]`, so
/// nodes are in id order; edges follow each entity's relations in file order.
pub struct Graph<'c> {
    /// The corpus the graph was built from.
    pub corpus: &'c Corpus,
    /// Nodes hold entity positions; edges hold the relation.
    pub graph: DiGraph<usize, &'c Relation>,
}

impl<'c> Graph<'c> {
    /// Builds the graph of a validated corpus.
    pub fn new(corpus: &'c Corpus) -> Graph<'c> {
        let mut graph = DiGraph::with_capacity(corpus.len(), corpus.len() * 3);
        for i in 0..corpus.len() {
            graph.add_node(i);
        }
        for (i, e) in corpus.entities.iter().enumerate() {
            for r in &e.relations {
                if let Some(j) = corpus.index_of(&r.to) {
                    graph.add_edge(NodeIndex::new(i), NodeIndex::new(j), r);
                }
            }
        }
        Graph { corpus, graph }
    }
}

/// Counts by kind, relation, jurisdiction and tag.
#[derive(Debug, Serialize)]
pub struct Stats {
    /// The day counted (`--as-of`), or `None` for everything.
    pub as_of: Option<crate::model::Date>,
    /// Number of entities.
    pub entities: usize,
    /// Number of relations.
    pub relations: usize,
    /// Entities per kind.
    pub by_kind: BTreeMap<Kind, usize>,
    /// Relations per relation kind.
    pub by_relation: BTreeMap<RelationKind, usize>,
    /// Entities per jurisdiction.
    pub by_jurisdiction: BTreeMap<String, usize>,
    /// Entities per tag (tags compared case-insensitively, shown in
    /// lowercase).
    pub by_tag: BTreeMap<String, usize>,
}

/// Counts the corpus as it stood on `as_of` (everything when `None`):
/// entities that existed then, and relations dated by then between them.
pub fn stats(g: &Graph<'_>, as_of: Option<crate::model::Date>) -> Stats {
    let mut s = Stats {
        as_of,
        entities: 0,
        relations: 0,
        by_kind: BTreeMap::new(),
        by_relation: BTreeMap::new(),
        by_jurisdiction: BTreeMap::new(),
        by_tag: BTreeMap::new(),
    };
    let alive: Vec<bool> = g
        .corpus
        .entities
        .iter()
        .map(|e| e.exists_on(as_of))
        .collect();
    for (e, _) in g.corpus.entities.iter().zip(&alive).filter(|(_, a)| **a) {
        s.entities += 1;
        *s.by_kind.entry(e.kind).or_default() += 1;
        *s.by_jurisdiction.entry(e.jurisdiction.clone()).or_default() += 1;
        let tags: std::collections::BTreeSet<String> =
            e.tags.iter().map(|t| t.to_lowercase()).collect();
        for t in tags {
            *s.by_tag.entry(t).or_default() += 1;
        }
    }
    for e in g.graph.raw_edges() {
        let r = e.weight;
        if alive[e.source().index()] && alive[e.target().index()] && relation_exists_on(r, as_of) {
            s.relations += 1;
            *s.by_relation.entry(r.rel).or_default() += 1;
        }
    }
    s
}

/// Which way to follow relations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// From the entity to the targets of its relations.
    Out,
    /// From entities whose relations point at this one.
    In,
    /// Both ways.
    #[default]
    Both,
}

impl std::str::FromStr for Direction {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "out" => Ok(Direction::Out),
            "in" => Ok(Direction::In),
            "both" => Ok(Direction::Both),
            _ => Err(format!("unknown direction `{s}`, expected in, out or both")),
        }
    }
}

/// Whether a relation exists on `as_of`: undated relations always do;
/// dated ones from their date on.
pub fn relation_exists_on(r: &Relation, as_of: Option<crate::model::Date>) -> bool {
    match (as_of, r.date) {
        (Some(day), Some(d)) => d <= day,
        _ => true,
    }
}

impl Graph<'_> {
    /// Entity positions within `depth` hops of `start` (itself included),
    /// following relations in `direction`, seeing the world as of `as_of`
    /// (entities not yet existing and relations not yet dated are skipped).
    /// Unless `through_hubs`, asset classes and plan types
    /// ([`Kind::is_hub`]) other than `start` are reached but not walked
    /// through. Sorted by position, hence by id.
    pub fn neighbourhood(
        &self,
        start: usize,
        depth: usize,
        direction: Direction,
        as_of: Option<crate::model::Date>,
        through_hubs: bool,
    ) -> Vec<usize> {
        use petgraph::visit::EdgeRef;
        let mut seen = vec![false; self.graph.node_count()];
        let mut frontier = vec![start];
        seen[start] = true;
        for _ in 0..depth {
            let mut next = Vec::new();
            for &n in &frontier {
                if n != start && !through_hubs && self.corpus.entities[n].kind.is_hub() {
                    continue;
                }
                let node = NodeIndex::new(n);
                let mut visit = |other: NodeIndex, r: &Relation| {
                    let o = other.index();
                    if !seen[o]
                        && relation_exists_on(r, as_of)
                        && self.corpus.entities[o].exists_on(as_of)
                    {
                        seen[o] = true;
                        next.push(o);
                    }
                };
                if direction != Direction::In {
                    for e in self
                        .graph
                        .edges_directed(node, petgraph::Direction::Outgoing)
                    {
                        visit(e.target(), e.weight());
                    }
                }
                if direction != Direction::Out {
                    for e in self
                        .graph
                        .edges_directed(node, petgraph::Direction::Incoming)
                    {
                        visit(e.source(), e.weight());
                    }
                }
            }
            frontier = next;
        }
        seen.iter()
            .enumerate()
            .filter_map(|(i, &s)| s.then_some(i))
            .collect()
    }
}
