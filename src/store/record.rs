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
    /// For a statute, the day it became law (see [`Entity::law_since`]):
    /// before it, the peer is a bill.
    pub law_since: Option<Date>,
}

impl Peer {
    /// Whether the peer existed on `as_of`.
    pub fn exists_on(&self, as_of: Option<Date>) -> bool {
        match (as_of, self.first_seen) {
            (Some(d), Some(f)) => f <= d,
            _ => true,
        }
    }

    /// Its kind on `day` (a statute is a bill before it became law).
    pub fn kind_on(&self, day: Date) -> Kind {
        match self.law_since {
            Some(d) if d > day => Kind::Bill,
            _ => self.kind,
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
            // A symmetric relation (`related`) stated from both sides is
            // shown once, with the outgoing ones.
            let both_ways = r.rel.inverse_name() == r.rel.name()
                && outgoing
                    .get(r.rel.name())
                    .is_some_and(|v| v.iter().any(|(q, _)| q.id == p.id));
            if live(r, p) && !both_ways {
                incoming
                    .entry(r.rel.inverse_name())
                    .or_default()
                    .push((p, r));
            }
        }
        (outgoing, incoming)
    }
}

impl Node {
    /// The node as it stood on `day` (see [`Entity::on`]): its entity
    /// then, its relations and incoming relations dated by then between
    /// entities that existed then, and its peers' kinds then.
    /// A node that did not exist yet on `day` is returned unchanged (see
    /// [`Entity::on`]).
    pub fn on(&self, day: Date) -> Node {
        let as_of = Some(day);
        if !self.entity.exists_on(as_of) {
            return self.clone();
        }
        let live = |r: &Relation, p: &Peer| {
            crate::graph::relation_exists_on(r, as_of) && p.exists_on(as_of)
        };
        let peer = |p: &Peer| Peer {
            kind: p.kind_on(day),
            ..p.clone()
        };
        let mut entity = self.entity.on(day);
        let (relations, out): (Vec<Relation>, Vec<Peer>) = self
            .entity
            .relations
            .iter()
            .zip(&self.out)
            .filter(|(r, p)| live(r, p))
            .map(|(r, p)| (r.clone(), peer(p)))
            .unzip();
        entity.relations = relations;
        Node {
            entity,
            path: self.path.clone(),
            merged: self.merged.clone(),
            out,
            incoming: self
                .incoming
                .iter()
                .filter(|(p, r)| live(r, p))
                .map(|(p, r)| (peer(p), r.clone()))
                .collect(),
        }
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
    law_since: Option<Date>,
}

impl<'a> PeerRef<'a> {
    pub(super) fn of(e: &'a Entity) -> PeerRef<'a> {
        PeerRef {
            id: &e.id,
            kind: e.kind,
            name: &e.name,
            first_seen: e.first_seen(),
            law_since: e.law_since(),
        }
    }

    pub(super) fn from(p: &'a Peer) -> PeerRef<'a> {
        PeerRef {
            id: &p.id,
            kind: p.kind,
            name: &p.name,
            first_seen: p.first_seen,
            law_since: p.law_since,
        }
    }

    pub(super) fn missing(id: &'a str) -> PeerRef<'a> {
        PeerRef {
            id,
            kind: Kind::Event,
            name: id,
            first_seen: None,
            law_since: None,
        }
    }

    pub(super) fn to_peer(self) -> Peer {
        Peer {
            id: self.id.to_owned(),
            kind: self.kind,
            name: self.name.to_owned(),
            first_seen: self.first_seen,
            law_since: self.law_since,
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

impl<'a> NodeRef<'a> {
    /// The entity this node is about.
    pub fn entity(&self) -> &'a Entity {
        self.entity
    }

    /// The relations pointing at this node: the source's id and the
    /// relation.
    pub fn incoming(&self) -> impl Iterator<Item = (&'a str, &'a Relation)> + '_ {
        self.incoming.iter().map(|(p, r)| (p.id, *r))
    }

    /// An owned copy of the node.
    pub fn to_node(&self) -> Node {
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
pub fn node_refs(corpus: &Corpus) -> Vec<NodeRef<'_>> {
    let links = Links::of(corpus);
    (0..corpus.len()).map(|i| links.node(i)).collect()
}

/// Calls `f` with each node of a corpus, borrowed from it, in id order,
/// building each only when its turn comes: the nodes of a large corpus
/// (their peers both ways) are never all held at once.
pub(super) fn for_each_node<'a>(
    corpus: &'a Corpus,
    mut f: impl FnMut(NodeRef<'a>) -> Result<()>,
) -> Result<()> {
    let links = Links::of(corpus);
    (0..corpus.len()).try_for_each(|i| f(links.node(i)))
}

/// Who points at whom in a corpus, as positions: for each entity, the
/// relations pointing at it as (source entity, relation) in one flat
/// array (8 bytes a relation), from which its [`NodeRef`] is built.
struct Links<'a> {
    corpus: &'a Corpus,
    /// `incoming[start[i]..start[i + 1]]` point at entity `i`.
    start: Vec<u32>,
    incoming: Vec<(u32, u32)>,
}

impl<'a> Links<'a> {
    fn of(corpus: &'a Corpus) -> Links<'a> {
        let n = corpus.len();
        let pos = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        let mut count = vec![0u32; n + 1];
        for e in &corpus.entities {
            for r in &e.relations {
                if let Some(j) = corpus.index_of(&r.to) {
                    count[j + 1] += 1;
                }
            }
        }
        for i in 0..n {
            count[i + 1] += count[i];
        }
        let start = count.clone();
        let mut incoming = vec![(0u32, 0u32); count[n] as usize];
        // Sources in id order, their relations in file order, as before.
        for (i, e) in corpus.entities.iter().enumerate() {
            for (k, r) in e.relations.iter().enumerate() {
                if let Some(j) = corpus.index_of(&r.to) {
                    incoming[count[j] as usize] = (pos(i), pos(k));
                    count[j] += 1;
                }
            }
        }
        Links {
            corpus,
            start,
            incoming,
        }
    }

    fn node(&self, i: usize) -> NodeRef<'a> {
        let corpus = self.corpus;
        let e = &corpus.entities[i];
        let peer = |j: usize| PeerRef::of(&corpus.entities[j]);
        let range = self.start[i] as usize..self.start[i + 1] as usize;
        NodeRef {
            out: e
                .relations
                .iter()
                .map(|r| {
                    corpus
                        .index_of(&r.to)
                        .map_or_else(|| PeerRef::missing(&r.to), peer)
                })
                .collect(),
            entity: e,
            path: slashed(&corpus.paths[i]),
            merged: corpus
                .merged
                .get(&e.id)
                .map(|v| v.iter().map(|p| slashed(p)).collect())
                .unwrap_or_default(),
            incoming: self.incoming[range]
                .iter()
                .map(|&(j, k)| {
                    let from = &corpus.entities[j as usize];
                    (PeerRef::of(from), &from.relations[k as usize])
                })
                .collect(),
        }
    }
}

/// A relative path with `/` between its parts, on every system.
pub(super) fn slashed(path: &std::path::Path) -> std::borrow::Cow<'_, str> {
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
