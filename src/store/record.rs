use std::collections::HashMap;
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::check::Corpus;
use crate::model::{Date, Entity, Kind, Relation};
use crate::Result;

/// The other end of a relation, as much as a graph walk needs to know
/// without reading that entity's document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Peer {
    /// Its id.
    pub id: String,
    /// Its kind.
    pub kind: Kind,
    /// Its English name.
    pub name: String,
    /// Its first date (see [`Entity::first_seen`]).
    pub first_seen: Option<Date>,
}

impl Peer {
    /// Whether the peer existed on `as_of`.
    pub fn exists_on(&self, as_of: Option<Date>) -> bool {
        match (as_of, self.first_seen) {
            (Some(d), Some(f)) => f <= d,
            _ => true,
        }
    }
}

/// One entity with its neighbourhood: the unit the snapshot stores.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// The entity itself.
    pub entity: Entity,
    /// The file it came from, relative to `knowledge/`.
    pub path: String,
    /// The imported files merged into it, relative to `knowledge/`, in
    /// path order (see [`crate::check::merge`]).
    pub merged: Vec<String>,
    /// The target of each of `entity.relations`, in the same order.
    pub out: Vec<Peer>,
    /// Relations pointing at this entity: the source and the relation.
    pub incoming: Vec<(Peer, Relation)>,
}

/// A node's relations as `show` and the site list them (see
/// [`Node::grouped`]).
pub type Groups<'a> = std::collections::BTreeMap<&'static str, Vec<(&'a Peer, &'a Relation)>>;

impl Node {
    /// The relations of this node that exist on `as_of`, both ways, as
    /// `show` and the site list them: its own grouped by relation name, in
    /// file order; those pointing at it grouped by the inverse name
    /// (`directed_by`), ordered by relation, then by the other end's id.
    pub fn grouped(&self, as_of: Option<Date>) -> (Groups<'_>, Groups<'_>) {
        let live = |r: &Relation, p: &Peer| {
            crate::graph::relation_exists_on(r, as_of) && p.exists_on(as_of)
        };
        let mut outgoing: Groups = Groups::new();
        for (r, p) in self.entity.relations.iter().zip(&self.out) {
            if live(r, p) {
                outgoing.entry(r.rel.name()).or_default().push((p, r));
            }
        }
        let mut inc: Vec<_> = self.incoming.iter().collect();
        inc.sort_by(|a, b| (a.1.rel, &a.0.id).cmp(&(b.1.rel, &b.0.id)));
        let mut incoming: Groups = Groups::new();
        for (p, r) in inc {
            if live(r, p) {
                incoming
                    .entry(r.rel.inverse_name())
                    .or_default()
                    .push((p, r));
            }
        }
        (outgoing, incoming)
    }
}

/// Anything that can hand out nodes by id: the in-memory corpus or the
/// on-disk store. Graph questions are written once against this.
pub trait NodeSource {
    /// The node with this id, if any.
    fn node(&self, id: &str) -> Result<Option<Rc<Node>>>;
}

/// A [`Peer`] borrowed from the corpus; encoded exactly as a `Peer` is.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct PeerRef<'a> {
    pub(super) id: &'a str,
    kind: Kind,
    name: &'a str,
    first_seen: Option<Date>,
}

impl<'a> PeerRef<'a> {
    pub(super) fn of(e: &'a Entity) -> PeerRef<'a> {
        PeerRef {
            id: &e.id,
            kind: e.kind,
            name: &e.name,
            first_seen: e.first_seen(),
        }
    }

    pub(super) fn from(p: &'a Peer) -> PeerRef<'a> {
        PeerRef {
            id: &p.id,
            kind: p.kind,
            name: &p.name,
            first_seen: p.first_seen,
        }
    }

    pub(super) fn missing(id: &'a str) -> PeerRef<'a> {
        PeerRef {
            id,
            kind: Kind::Event,
            name: id,
            first_seen: None,
        }
    }

    pub(super) fn to_peer(self) -> Peer {
        Peer {
            id: self.id.to_owned(),
            kind: self.kind,
            name: self.name.to_owned(),
            first_seen: self.first_seen,
        }
    }
}

/// A [`Node`] borrowed from the corpus, so that indexing encodes every
/// entity without copying it first; encoded exactly as a `Node` is.
#[derive(Debug, Serialize)]
pub struct NodeRef<'a> {
    pub(super) entity: &'a Entity,
    path: std::borrow::Cow<'a, str>,
    merged: Vec<std::borrow::Cow<'a, str>>,
    out: Vec<PeerRef<'a>>,
    pub(super) incoming: Vec<(PeerRef<'a>, &'a Relation)>,
}

impl NodeRef<'_> {
    pub(super) fn to_node(&self) -> Node {
        Node {
            entity: self.entity.clone(),
            path: self.path.clone().into_owned(),
            merged: self.merged.iter().map(|p| p.clone().into_owned()).collect(),
            out: self.out.iter().map(|p| p.to_peer()).collect(),
            incoming: self
                .incoming
                .iter()
                .map(|(p, r)| (p.to_peer(), (*r).clone()))
                .collect(),
        }
    }
}

impl Node {
    /// This node, borrowed, as indexing encodes it.
    pub(super) fn as_ref(&self) -> NodeRef<'_> {
        NodeRef {
            entity: &self.entity,
            path: std::borrow::Cow::Borrowed(&self.path),
            merged: self
                .merged
                .iter()
                .map(|p| std::borrow::Cow::Borrowed(p.as_str()))
                .collect(),
            out: self.out.iter().map(PeerRef::from).collect(),
            incoming: self
                .incoming
                .iter()
                .map(|(p, r)| (PeerRef::from(p), r))
                .collect(),
        }
    }
}

/// The nodes of a corpus, borrowed from it, in id order.
pub(super) fn node_refs(corpus: &Corpus) -> Vec<NodeRef<'_>> {
    let peers: Vec<PeerRef> = corpus.entities.iter().map(PeerRef::of).collect();
    let mut incoming: Vec<Vec<(PeerRef, &Relation)>> = vec![Vec::new(); corpus.len()];
    for (e, me) in corpus.entities.iter().zip(&peers) {
        for r in &e.relations {
            if let Some(j) = corpus.index_of(&r.to) {
                incoming[j].push((*me, r));
            }
        }
    }
    corpus
        .entities
        .iter()
        .zip(&corpus.paths)
        .zip(incoming)
        .map(|((e, path), incoming)| NodeRef {
            out: e
                .relations
                .iter()
                .map(|r| {
                    corpus
                        .index_of(&r.to)
                        .and_then(|j| peers.get(j).copied())
                        .unwrap_or_else(|| PeerRef::missing(&r.to))
                })
                .collect(),
            entity: e,
            path: slashed(path),
            merged: corpus
                .merged
                .get(&e.id)
                .map(|v| v.iter().map(|p| slashed(p)).collect())
                .unwrap_or_default(),
            incoming,
        })
        .collect()
}

/// A relative path with `/` between its parts, on every system.
fn slashed(path: &std::path::Path) -> std::borrow::Cow<'_, str> {
    match path.to_string_lossy() {
        std::borrow::Cow::Borrowed(p) if !p.contains('\\') => std::borrow::Cow::Borrowed(p),
        p => std::borrow::Cow::Owned(p.replace('\\', "/")),
    }
}

/// Builds the nodes of a corpus, in id order.
pub fn build_nodes(corpus: &Corpus) -> Vec<Node> {
    node_refs(corpus).iter().map(NodeRef::to_node).collect()
}

/// Nodes held in memory (for a corpus that was just loaded).
pub struct MemNodes {
    map: HashMap<String, Rc<Node>>,
}

impl MemNodes {
    /// Builds the nodes of a corpus.
    pub fn new(corpus: &Corpus) -> MemNodes {
        MemNodes {
            map: build_nodes(corpus)
                .into_iter()
                .map(|n| (n.entity.id.clone(), Rc::new(n)))
                .collect(),
        }
    }
}

impl NodeSource for MemNodes {
    fn node(&self, id: &str) -> Result<Option<Rc<Node>>> {
        Ok(self.map.get(id).cloned())
    }
}
