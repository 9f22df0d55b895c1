//! Graph questions, written once against [`NodeSource`] so that they run on
//! the on-disk store (reading only the nodes they visit) or on a corpus in
//! memory: which agencies an entity touches and why, neighbours, and the
//! shortest chains between two entities.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::rc::Rc;

use serde::Serialize;

use crate::graph::Direction;
use crate::model::{Date, Event, Kind, Relation, RelationKind, Stage};
use crate::store::{Node, NodeSource, Peer};
use crate::{Error, Result};

/// One hop of a chain, as the relation is written: `from --rel--> to`; or,
/// in `agencies`, an event of `from` whose actor (`by:`) is `to`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Step {
    /// The entity whose file holds the relation (or the event).
    pub from: String,
    /// The relation; `None` for an event step.
    pub relation: Option<RelationKind>,
    /// For an event step, the stage of the event (`vetoed`); else `None`.
    pub event: Option<Stage>,
    /// The relation's target.
    pub to: String,
    /// Whether the walk went against the relation (from `to` to `from`);
    /// read it with the inverse name.
    pub reversed: bool,
    /// The relation read in the direction walked (`directs`, or
    /// `directed_by` when reversed); `by` for an event step.
    pub reads: &'static str,
    /// The relation's date.
    pub date: Option<Date>,
    /// The relation's note.
    pub note: String,
    /// Where the document's text says so (relations read from a text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub evidence: Option<crate::model::Evidence>,
}

impl Step {
    /// The step as a chain reads it, with the entity it reaches:
    /// `─directs→ dol`, `←implements─ rule`, or for an event and its actor
    /// `─vetoed 2025-05-12 by→ az-governor`.
    pub fn arrow(&self) -> (String, &str) {
        match (self.relation, self.event) {
            (Some(rel), _) if self.reversed => (format!("←{rel}─"), &self.from),
            (Some(rel), _) => (format!("─{rel}→"), &self.to),
            (None, stage) => {
                let what = stage.map_or("event", |s| s.name());
                let when = self.date.map(|d| format!(" {d}")).unwrap_or_default();
                (format!("─{what}{when} by→"), &self.to)
            }
        }
    }

    fn new(here: &str, peer: &Peer, r: &Relation, outgoing: bool) -> Step {
        let (from, to) = if outgoing {
            (here.to_owned(), peer.id.clone())
        } else {
            (peer.id.clone(), here.to_owned())
        };
        Step {
            from,
            relation: Some(r.rel),
            event: None,
            to,
            reversed: !outgoing,
            reads: if outgoing {
                r.rel.name()
            } else {
                r.rel.inverse_name()
            },
            date: r.date,
            note: r.note.clone(),
            evidence: r.evidence.clone(),
        }
    }

    /// The step from an entity to the actor of one of its events.
    fn event(here: &str, ev: &Event, actor: &str) -> Step {
        Step {
            from: here.to_owned(),
            relation: None,
            event: Some(ev.stage),
            to: actor.to_owned(),
            reversed: false,
            reads: "by",
            date: Some(ev.date),
            note: ev.note.clone(),
            evidence: None,
        }
    }
}

/// An edge as seen from a node: the peer, the relation, and its direction.
struct Adj<'a> {
    peer: &'a Peer,
    rel: &'a Relation,
    outgoing: bool,
}

/// The edges of a node that exist on `as_of`, in a stable order: outgoing
/// first in file order, then incoming sorted by source id.
fn adjacent(node: &Node, direction: Direction, as_of: Option<Date>) -> Vec<Adj<'_>> {
    let mut out = Vec::new();
    if direction != Direction::In {
        for (r, p) in node.entity.relations.iter().zip(&node.out) {
            out.push(Adj {
                peer: p,
                rel: r,
                outgoing: true,
            });
        }
    }
    if direction != Direction::Out {
        let mut inc: Vec<_> = node.incoming.iter().collect();
        inc.sort_by(|a, b| (&a.0.id, a.1.rel).cmp(&(&b.0.id, b.1.rel)));
        for (p, r) in inc {
            out.push(Adj {
                peer: p,
                rel: r,
                outgoing: false,
            });
        }
    }
    out.retain(|a| crate::graph::relation_exists_on(a.rel, as_of) && a.peer.exists_on(as_of));
    out
}

fn fetch(src: &dyn NodeSource, id: &str) -> Result<Rc<Node>> {
    src.node(id)?.ok_or_else(|| Error::UnknownEntity {
        reference: id.to_owned(),
        suggestions: Vec::new(),
    })
}

/// The start entity, failing clearly when it did not exist on `as_of`.
fn start_node(src: &dyn NodeSource, id: &str, as_of: Option<Date>) -> Result<Rc<Node>> {
    let n = fetch(src, id)?;
    if !n.entity.exists_on(as_of) {
        return Err(Error::Usage(format!(
            "`{id}` did not exist yet on {} (its first event is {})",
            as_of.map(|d| d.to_string()).unwrap_or_default(),
            n.entity
                .first_seen()
                .map(|d| d.to_string())
                .unwrap_or_default()
        )));
    }
    Ok(n)
}

/// An agency, office or body that an entity touches.
#[derive(Clone, Debug, Serialize)]
pub struct AgencyHit {
    /// Its id.
    pub id: String,
    /// Its kind (agency, office or body).
    pub kind: Kind,
    /// Its English name.
    pub name: String,
    /// Number of relations between the entity and it (the roll-up adds one).
    pub distance: usize,
    /// Why: the chain of relations from the entity to it.
    pub chain: Vec<Step>,
    /// True when it is reached only as the parent (`part_of`) of a touched one.
    pub rollup: bool,
    /// Its parents through `part_of`, nearest first.
    pub parents: Vec<String>,
    /// Every other chain that reaches it within the depth, in the order
    /// the walk found them: an order that both directs and consults an
    /// agency shows both.
    pub also: Vec<Vec<Step>>,
}

/// Kinds a walk for agencies passes through. Actors end a chain; asset
/// classes, plan types and figures are hubs that would connect everything.
fn passes_through(k: Kind) -> bool {
    k.is_instrument() || matches!(k, Kind::Program | Kind::Event)
}

/// Every agency, office or body `id` touches within `depth` relations (in
/// either direction), each with its chain, plus their `part_of` parents as a
/// roll-up. Sorted by distance, then name.
pub fn agencies(
    src: &dyn NodeSource,
    id: &str,
    depth: usize,
    direct: bool,
    as_of: Option<Date>,
) -> Result<Vec<AgencyHit>> {
    let depth = if direct { 1 } else { depth };
    let start = start_node(src, id, as_of)?;
    let mut best: BTreeMap<String, AgencyHit> = BTreeMap::new();
    let mut seen: BTreeSet<String> = BTreeSet::from([id.to_owned()]);
    // An agency the entity directs is followed one step further, along
    // its own `consults` only: "directs dol, which consults treasury".
    let mut queue: VecDeque<(Rc<Node>, Vec<Step>, bool)> =
        VecDeque::from([(start, Vec::new(), false)]);
    while let Some((node, chain, consults_only)) = queue.pop_front() {
        if chain.len() >= depth {
            continue;
        }
        for a in adjacent(&node, Direction::Both, as_of) {
            if consults_only && !(a.outgoing && a.rel.rel == RelationKind::Consults) {
                continue;
            }
            let mut next = chain.clone();
            next.push(Step::new(&node.entity.id, a.peer, a.rel, a.outgoing));
            if a.peer.kind.is_agency_like() && a.peer.id != id {
                match best.get_mut(&a.peer.id) {
                    Some(hit) => {
                        if hit.chain != next && !hit.also.contains(&next) {
                            hit.also.push(next.clone());
                        }
                    }
                    None => {
                        best.insert(
                            a.peer.id.clone(),
                            AgencyHit {
                                id: a.peer.id.clone(),
                                kind: a.peer.kind,
                                name: a.peer.name.clone(),
                                distance: next.len(),
                                chain: next.clone(),
                                rollup: false,
                                parents: Vec::new(),
                                also: Vec::new(),
                            },
                        );
                    }
                }
            }
            // `cites`, `related` and `rule_for` are weak links: they end a chain.
            let strong = !matches!(
                a.rel.rel,
                RelationKind::Cites | RelationKind::Related | RelationKind::RuleFor
            );
            if strong && passes_through(a.peer.kind) && seen.insert(a.peer.id.clone()) {
                queue.push_back((fetch(src, &a.peer.id)?, next, false));
            } else if !consults_only
                && a.outgoing
                && a.rel.rel == RelationKind::Directs
                && a.peer.kind.is_agency_like()
                && node.entity.id == id
            {
                queue.push_back((fetch(src, &a.peer.id)?, next, true));
            }
        }
        // The actor of an event (`by:`, a governor that vetoed, a chamber
        // that passed) is touched too, one step further. Actors end a chain.
        for ev in &node.entity.events {
            let Some(actor) = ev.by.as_deref() else {
                continue;
            };
            if actor == id || as_of.is_some_and(|d| ev.date > d) || best.contains_key(actor) {
                continue;
            }
            let Some(who) = src.node(actor)? else {
                continue;
            };
            if !who.entity.kind.is_agency_like() || !who.entity.exists_on(as_of) {
                continue;
            }
            let mut next = chain.clone();
            next.push(Step::event(&node.entity.id, ev, actor));
            best.insert(
                actor.to_owned(),
                AgencyHit {
                    id: actor.to_owned(),
                    kind: who.entity.kind,
                    name: who.entity.name.clone(),
                    distance: next.len(),
                    chain: next,
                    rollup: false,
                    parents: Vec::new(),
                    also: Vec::new(),
                },
            );
        }
    }
    // Roll-up: parents through part_of, for every agency found.
    let found: Vec<String> = best.keys().cloned().collect();
    for aid in found {
        // The whole `part_of` chain above the agency, nearest first.
        let mut ancestors: Vec<(Step, Peer)> = Vec::new();
        let mut cur = fetch(src, &aid)?;
        let mut guard = BTreeSet::from([aid.clone()]);
        while let Some((r, p)) = part_of(&cur, as_of) {
            if !guard.insert(p.id.clone()) {
                break;
            }
            ancestors.push((Step::new(&cur.entity.id, p, r, true), p.clone()));
            cur = fetch(src, &p.id)?;
        }
        let ids: Vec<String> = ancestors.iter().map(|a| a.1.id.clone()).collect();
        let mut chain = best.get(&aid).map(|h| h.chain.clone()).unwrap_or_default();
        for (k, (step, p)) in ancestors.into_iter().enumerate() {
            chain.push(step);
            // A parent reached by the walk keeps that; one reached only by
            // roll-up keeps its shortest chain, whichever agency it came
            // through (agencies are visited in id order, not by distance).
            let nearer = best
                .get(&p.id)
                .is_none_or(|h| h.rollup && h.distance > chain.len());
            if !direct && p.id != id && nearer {
                // A parent's own parents are the rest of the same chain.
                best.insert(
                    p.id.clone(),
                    AgencyHit {
                        id: p.id.clone(),
                        kind: p.kind,
                        name: p.name.clone(),
                        distance: chain.len(),
                        chain: chain.clone(),
                        rollup: true,
                        parents: ids[k + 1..].to_vec(),
                        also: Vec::new(),
                    },
                );
            }
        }
        if let Some(h) = best.get_mut(&aid) {
            h.parents = ids;
        }
    }
    let mut out: Vec<AgencyHit> = best.into_values().collect();
    out.sort_by(|a, b| (a.distance, &a.name, &a.id).cmp(&(b.distance, &b.name, &b.id)));
    Ok(out)
}

/// The first `part_of` relation of a node that holds on `as_of`, with its
/// target.
fn part_of(node: &Node, as_of: Option<Date>) -> Option<(&Relation, &Peer)> {
    node.entity.relations.iter().zip(&node.out).find(|(r, p)| {
        r.rel == RelationKind::PartOf
            && crate::graph::relation_exists_on(r, as_of)
            && p.exists_on(as_of)
    })
}

/// Options of [`neighbors`].
#[derive(Clone, Debug, Default)]
pub struct NeighborOptions {
    /// How many relations away.
    pub depth: usize,
    /// Only these relations (any, when empty).
    pub relations: Vec<RelationKind>,
    /// Only list these kinds (any, when empty); the walk still passes through others.
    pub kinds: Vec<Kind>,
    /// Which way to follow relations.
    pub direction: Direction,
    /// See the world as of this day.
    pub as_of: Option<Date>,
    /// Walk on through asset classes and plan types ([`Kind::is_hub`]).
    /// Without it they are listed but not walked through.
    pub through_hubs: bool,
}

/// A neighbour of an entity.
#[derive(Clone, Debug, Serialize)]
pub struct Neighbor {
    /// Its id.
    pub id: String,
    /// Its kind.
    pub kind: Kind,
    /// Its English name.
    pub name: String,
    /// Relations away.
    pub distance: usize,
    /// The chain that reached it first.
    pub chain: Vec<Step>,
}

/// Entities within `depth` relations of `id`, sorted by distance then id.
pub fn neighbors(src: &dyn NodeSource, id: &str, opts: &NeighborOptions) -> Result<Vec<Neighbor>> {
    let start = start_node(src, id, opts.as_of)?;
    let mut seen: BTreeSet<String> = BTreeSet::from([id.to_owned()]);
    let mut out = Vec::new();
    let mut frontier: Vec<(Rc<Node>, Vec<Step>)> = vec![(start, Vec::new())];
    for d in 1..=opts.depth {
        let mut next = Vec::new();
        for (node, chain) in &frontier {
            for a in adjacent(node, opts.direction, opts.as_of) {
                if !opts.relations.is_empty() && !opts.relations.contains(&a.rel.rel) {
                    continue;
                }
                if !seen.insert(a.peer.id.clone()) {
                    continue;
                }
                let mut c = chain.clone();
                c.push(Step::new(&node.entity.id, a.peer, a.rel, a.outgoing));
                if opts.kinds.is_empty() || opts.kinds.contains(&a.peer.kind) {
                    out.push(Neighbor {
                        id: a.peer.id.clone(),
                        kind: a.peer.kind,
                        name: a.peer.name.clone(),
                        distance: d,
                        chain: c.clone(),
                    });
                }
                if d < opts.depth && (opts.through_hubs || !a.peer.kind.is_hub()) {
                    next.push((fetch(src, &a.peer.id)?, c));
                }
            }
        }
        frontier = next;
    }
    out.sort_by(|a, b| (a.distance, &a.id).cmp(&(b.distance, &b.id)));
    Ok(out)
}

/// The nodes within `depth` relations of `id`, itself included, in id
/// order: the same set as [`crate::graph::Graph::neighbourhood`], read
/// from a [`NodeSource`] one node at a time. Entities that did not exist on
/// `as_of` and relations dated after it are not followed; unless
/// `through_hubs`, asset classes and plan types other than `id` are reached
/// but not walked through.
pub fn reach(
    src: &dyn NodeSource,
    id: &str,
    depth: usize,
    direction: Direction,
    as_of: Option<Date>,
    through_hubs: bool,
) -> Result<Vec<Rc<Node>>> {
    let start = fetch(src, id)?;
    let mut seen: BTreeMap<String, Rc<Node>> = BTreeMap::new();
    seen.insert(id.to_owned(), start.clone());
    let mut frontier = vec![start];
    for _ in 0..depth {
        let mut next = Vec::new();
        for node in &frontier {
            if node.entity.id != id && !through_hubs && node.entity.kind.is_hub() {
                continue;
            }
            for a in adjacent(node, direction, as_of) {
                if seen.contains_key(&a.peer.id) {
                    continue;
                }
                // A dangling reference has no node: `check` reports it.
                let Some(n) = src.node(&a.peer.id)? else {
                    continue;
                };
                seen.insert(a.peer.id.clone(), n.clone());
                next.push(n);
            }
        }
        frontier = next;
    }
    Ok(seen.into_values().collect())
}

/// The shortest chains of relations between `a` and `b`, in either
/// direction: one, or with `all` every shortest chain up to `limit`.
/// Empty when there is none. The walk meets in the middle, always growing
/// the smaller side, so that it reads few nodes even around hubs. Unless
/// `through_hubs`, no chain passes through an asset class or a plan type
/// ([`Kind::is_hub`]); either may still be an end.
pub fn paths(
    src: &dyn NodeSource,
    a: &str,
    b: &str,
    all: bool,
    limit: usize,
    as_of: Option<Date>,
    through_hubs: bool,
) -> Result<Vec<Vec<Step>>> {
    let sa = start_node(src, a, as_of)?;
    let sb = start_node(src, b, as_of)?;
    if a == b {
        return Ok(vec![Vec::new()]);
    }
    // Predecessors on each side: node -> [(previous node, step)].
    type Preds = HashMap<String, Vec<(String, Step)>>;
    let mut pred_a: Preds = HashMap::from([(a.to_owned(), Vec::new())]);
    let mut pred_b: Preds = HashMap::from([(b.to_owned(), Vec::new())]);
    // Frontiers are ids: a node is read only when its side grows, so the
    // level that meets the other side is never read at all.
    let mut front_a: Vec<String> = vec![sa.entity.id.clone()];
    let mut front_b: Vec<String> = vec![sb.entity.id.clone()];
    let meet: Vec<String> = loop {
        if front_a.is_empty() || front_b.is_empty() {
            return Ok(Vec::new());
        }
        let grow_a = front_a.len() <= front_b.len();
        let (front, pred, other) = if grow_a {
            (&mut front_a, &mut pred_a, &pred_b)
        } else {
            (&mut front_b, &mut pred_b, &pred_a)
        };
        let mut level: BTreeMap<String, Vec<(String, Step)>> = BTreeMap::new();
        for id in front.iter() {
            let node = fetch(src, id)?;
            for adj in adjacent(&node, Direction::Both, as_of) {
                if pred.contains_key(&adj.peer.id) {
                    continue;
                }
                let end = adj.peer.id == a || adj.peer.id == b;
                if !through_hubs && !end && adj.peer.kind.is_hub() {
                    continue;
                }
                let step = Step::new(&node.entity.id, adj.peer, adj.rel, adj.outgoing);
                level
                    .entry(adj.peer.id.clone())
                    .or_default()
                    .push((node.entity.id.clone(), step));
            }
        }
        let meet: Vec<String> = level
            .keys()
            .filter(|k| other.contains_key(*k))
            .cloned()
            .collect();
        let ids: Vec<String> = level.keys().cloned().collect();
        pred.extend(level);
        if !meet.is_empty() {
            break meet;
        }
        *front = ids;
    };
    let limit = if all { limit.max(1) } else { 1 };
    let mut out: Vec<Vec<Step>> = Vec::new();
    for m in meet {
        let left = unwind(&pred_a, &m, limit);
        let right = unwind(&pred_b, &m, limit);
        for l in &left {
            for r in &right {
                let mut chain = l.clone();
                // The right half was walked from `b`: reverse it.
                for s in r.iter().rev() {
                    let mut s = s.clone();
                    s.reversed = !s.reversed;
                    // Path steps are relations, never events.
                    if let Some(rel) = s.relation {
                        s.reads = if s.reversed {
                            rel.inverse_name()
                        } else {
                            rel.name()
                        };
                    }
                    chain.push(s);
                }
                out.push(chain);
            }
        }
    }
    out.sort_by(|x, y| {
        let kx: Vec<(&str, &str)> = x.iter().map(|s| (s.from.as_str(), s.to.as_str())).collect();
        let ky: Vec<(&str, &str)> = y.iter().map(|s| (s.from.as_str(), s.to.as_str())).collect();
        kx.cmp(&ky)
    });
    out.dedup();
    out.truncate(limit);
    Ok(out)
}

/// Every chain from a side's root to `node`, at most `limit`, root first.
fn unwind(pred: &HashMap<String, Vec<(String, Step)>>, node: &str, limit: usize) -> Vec<Vec<Step>> {
    match pred.get(node) {
        None => Vec::new(),
        Some(ps) if ps.is_empty() => vec![Vec::new()],
        Some(ps) => {
            let mut out = Vec::new();
            for (prev, step) in ps {
                for mut chain in unwind(pred, prev, limit) {
                    chain.push(step.clone());
                    out.push(chain);
                    if out.len() >= limit {
                        return out;
                    }
                }
            }
            out
        }
    }
}
