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
//!    kind or jurisdiction, except that asset classes and plan types are
//!    reached but not walked through unless `through_hubs`). Agencies,
//!    offices and bodies are hubs for imported documents: the walk goes on
//!    through them to hand-written entities, but not to the hundreds of
//!    Federal Register notices an agency issued, unless `through_hubs`.
//! 3. The kind and jurisdiction filters then apply to what remains; the
//!    focus itself is always kept.
//! 4. Edges are the selected relations between remaining entities; a
//!    `related` link written on both sides is drawn once.
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
    /// Jurisdictions to keep (any of them); empty keeps every jurisdiction.
    pub jurisdictions: Vec<Jurisdiction>,
    /// See the graph as it stood on this day.
    pub as_of: Option<Date>,
    /// Walk from the focus on through asset classes and plan types
    /// ([`Kind::is_hub`](crate::model::Kind::is_hub)); without it they are
    /// drawn but not walked through.
    pub through_hubs: bool,
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
                    // A hub (other than the focus) ends the walk.
                    if at != f && !sel.through_hubs && corpus.entities[at].kind.is_hub() {
                        continue;
                    }
                    let node = NodeIndex::new(at);
                    let outs = g
                        .graph
                        .edges_directed(node, petgraph::Direction::Outgoing)
                        .map(|e| (e.target(), *e.weight()));
                    let ins = g
                        .graph
                        .edges_directed(node, petgraph::Direction::Incoming)
                        .map(|e| (e.source(), *e.weight()));
                    // An agency (other than the focus) is a hub for
                    // imported documents.
                    let agency_hub =
                        at != f && !sel.through_hubs && corpus.entities[at].kind.is_agency_like();
                    for (other, r) in outs.chain(ins) {
                        let o = other.index();
                        let imported_doc = || {
                            let e = &corpus.entities[o];
                            e.provenance.is_some() && !e.kind.is_actor()
                        };
                        if !seen[o] && edge_ok(r) && alive(o) && !(agency_hub && imported_doc()) {
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
    // A `related` link written on both sides is one link: keep the one
    // from the lower position.
    let pairs: std::collections::HashSet<(usize, usize)> = edges
        .iter()
        .filter(|e| e.3.rel == RelationKind::Related)
        .map(|e| (e.0, e.1))
        .collect();
    edges.retain(|&(s, t, _, r)| {
        r.rel != RelationKind::Related || s < t || !pairs.contains(&(t, s))
    });

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
        || sel.jurisdictions.iter().any(|j| j.matches(&e.jurisdiction));
    kind_ok && jur_ok
}

/// A `--jurisdiction` filter, read once from what the user typed. The rule,
/// shared by `list`, `search`, `timeline` and `export`:
///
/// - `US` (or `federal`) is the federal level only, never the states;
/// - a state is named by its code (`US-TX`), its postal code (`TX`) or its
///   name (`Texas`, `new york`), in any case;
/// - `US-` (or `states`) is every state;
/// - any other code is taken as it is (`EU` is `EU`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Jurisdiction {
    /// Exactly this jurisdiction code.
    Exact(String),
    /// Every state (`US-XX`).
    States,
}

/// U.S. states, the District of Columbia and the territories: postal code
/// and name.
const STATES: &[(&str, &str)] = &[
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
    ("DC", "District of Columbia"),
    ("PR", "Puerto Rico"),
    ("GU", "Guam"),
    ("VI", "U.S. Virgin Islands"),
    ("AS", "American Samoa"),
    ("MP", "Northern Mariana Islands"),
];

impl std::str::FromStr for Jurisdiction {
    type Err = String;
    fn from_str(s: &str) -> Result<Jurisdiction, String> {
        let t = s.trim();
        let words: String = t
            .split(|c: char| c.is_whitespace() || c == '_')
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        let upper = t.to_ascii_uppercase();
        let lower = words.to_ascii_lowercase();
        if upper == "US" || lower == "federal" {
            return Ok(Jurisdiction::Exact("US".into()));
        }
        if upper == "US-" || upper == "US-*" || lower == "states" {
            return Ok(Jurisdiction::States);
        }
        let state = |code: &str| STATES.iter().find(|(c, _)| *c == code).map(|(c, _)| *c);
        if let Some(c) = state(&upper) {
            return Ok(Jurisdiction::Exact(format!("US-{c}")));
        }
        if let Some((c, _)) = STATES
            .iter()
            .find(|(_, name)| name.eq_ignore_ascii_case(&lower))
        {
            return Ok(Jurisdiction::Exact(format!("US-{c}")));
        }
        if crate::model::valid_jurisdiction(&upper) {
            return Ok(Jurisdiction::Exact(upper));
        }
        Err(format!(
            "unknown jurisdiction `{s}`: use `US` (or `federal`) for federal entities, \
             `US-TX`, `TX` or `Texas` for a state, `US-` (or `states`) for every state"
        ))
    }
}

impl std::fmt::Display for Jurisdiction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Jurisdiction::Exact(c) => f.write_str(c),
            Jurisdiction::States => f.write_str("US-"),
        }
    }
}

impl Jurisdiction {
    /// Whether an entity's jurisdiction code passes the filter.
    pub fn matches(&self, code: &str) -> bool {
        match self {
            Jurisdiction::Exact(c) => code.eq_ignore_ascii_case(c),
            Jurisdiction::States => code.len() > 3 && code[..3].eq_ignore_ascii_case("US-"),
        }
    }

    /// The filter as a regular expression over whole codes (for the index).
    pub fn pattern(&self) -> String {
        match self {
            Jurisdiction::Exact(c) => c.replace('-', "\\-"),
            Jurisdiction::States => "US\\-[A-Z]+".to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Jurisdiction;

    fn j(s: &str) -> Jurisdiction {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    #[test]
    fn jurisdictions_by_code_postal_code_and_name() {
        for s in ["US-TX", "us-tx", "TX", "tx", "Texas", " texas "] {
            assert_eq!(j(s), Jurisdiction::Exact("US-TX".into()), "{s}");
        }
        assert_eq!(j("new york"), Jurisdiction::Exact("US-NY".into()));
        assert_eq!(j("New_York"), Jurisdiction::Exact("US-NY".into()));
        assert_eq!(j("US"), Jurisdiction::Exact("US".into()));
        assert_eq!(j("Federal"), Jurisdiction::Exact("US".into()));
        assert_eq!(j("US-"), Jurisdiction::States);
        assert_eq!(j("states"), Jurisdiction::States);
        assert!("Texass"
            .parse::<Jurisdiction>()
            .unwrap_err()
            .contains("`TX`"));
        assert!(j("US").matches("US") && !j("US").matches("US-TX"));
        assert!(j("states").matches("US-TX") && !j("states").matches("US"));
        assert!(j("tx").matches("US-TX") && !j("tx").matches("US-NY"));
    }
}
