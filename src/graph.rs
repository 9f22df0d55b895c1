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

/// Counts by kind, relation and jurisdiction.
#[derive(Debug, Serialize)]
pub struct Stats {
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
}

/// Counts the corpus.
pub fn stats(g: &Graph<'_>) -> Stats {
    let mut s = Stats {
        entities: g.graph.node_count(),
        relations: g.graph.edge_count(),
        by_kind: BTreeMap::new(),
        by_relation: BTreeMap::new(),
        by_jurisdiction: BTreeMap::new(),
    };
    for e in &g.corpus.entities {
        *s.by_kind.entry(e.kind).or_default() += 1;
        *s.by_jurisdiction.entry(e.jurisdiction.clone()).or_default() += 1;
    }
    for r in g.graph.edge_weights() {
        *s.by_relation.entry(r.rel).or_default() += 1;
    }
    s
}
