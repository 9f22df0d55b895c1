//! The one table of ranking weights: how much a match in each text field
//! counts, and the query-independent prior of each entity, computed from
//! the graph at index time (see [`prior`]). The CLI's search, `--explain`
//! and the site's in-browser search all read them from here.
//!
//! Whoever adds a text field adds its row to [`FIELD_WEIGHTS`].

use crate::model::{Kind, RelationKind};

/// A searchable text field and the weight of a match in it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FieldWeight {
    /// The field's name in the index and in queries (`name:`).
    pub field: &'static str,
    /// The boost of a match in it (BM25 score times this).
    pub weight: f32,
    /// What it holds, for `--help`, the docs and `--explain`.
    pub holds: &'static str,
}

/// Every text field that a query without a field searches, highest weight
/// first. A match in a name, alias or identifier ranks above a match in a
/// summary; procedural text (bill actions, referrals to committees, source
/// titles) counts far less, so that fifty bills referred to the
/// "Subcommittee on Commodity Markets, Digital Assets, and Rural
/// Development" do not outrank a law about digital assets.
pub const FIELD_WEIGHTS: &[FieldWeight] = &[
    FieldWeight {
        field: "name",
        weight: 4.0,
        holds: "names in every language and aliases",
    },
    FieldWeight {
        field: "ident",
        weight: 3.0,
        holds: "official identifiers (EO number, bill number, public law, citations)",
    },
    FieldWeight {
        field: "body",
        weight: 1.0,
        holds: "summaries, notes, deadline and relation notes, tags, sponsors",
    },
    FieldWeight {
        field: "text",
        weight: 0.5,
        holds: "a document's own full text, where it was imported (docs/search.md)",
    },
    FieldWeight {
        field: "procedural",
        weight: 0.1,
        holds: "event notes (bill actions, referrals to committees) and source titles",
    },
];

/// The weight of a field by name (1 for a field not in the table).
pub fn weight_of(field: &str) -> f32 {
    FIELD_WEIGHTS
        .iter()
        .find(|w| w.field == field)
        .map_or(1.0, |w| w.weight)
}

/// The prior of a kind. What is in force (a law, an order, a final rule,
/// a program) ranks a little above a bill or a guidance of the same words,
/// so that the Laken Riley Act that became law comes before the House bill
/// of the same name; instruments, programs and classes rank above the
/// actors that an instrument directs, creates or names (agencies, offices,
/// bodies, classes of firms, people).
pub fn kind_prior(kind: Kind) -> f64 {
    match kind {
        Kind::Statute | Kind::ExecutiveOrder | Kind::Rule | Kind::Program => 1.1,
        Kind::Bill | Kind::Guidance | Kind::Report | Kind::PlanType | Kind::AssetClass => 1.0,
        Kind::Event | Kind::Figure => 0.9,
        Kind::Agency | Kind::Office | Kind::Body | Kind::Organization | Kind::Person => 0.8,
    }
}

/// Whether a kind is a topic (an asset class, a plan type), whose links
/// do not count for its prior.
pub fn is_topic(kind: Kind) -> bool {
    matches!(kind, Kind::AssetClass | Kind::PlanType)
}

/// How much each linked entity adds, on a log scale.
pub const DEGREE_WEIGHT: f64 = 0.3;

/// Whether a relation says something of substance about both ends: an
/// instrument directs, consults, establishes, implements, amends, revokes,
/// supersedes, continues, supplements, governs, covers, enacts, cites or
/// recommends; an actor administers. Not counted: `issued_by` (an agency
/// that issues ten thousand notices is not ten thousand times the answer),
/// the structure of government (`part_of`, `member_of`, `leads`,
/// `holds`), `related` (companion bills, which import in bulk) and
/// `rule_for` (the House rules that scheduled a bill's debate).
pub fn counts_for_prior(rel: RelationKind) -> bool {
    use RelationKind as R;
    !matches!(
        rel,
        R::IssuedBy | R::PartOf | R::MemberOf | R::Leads | R::Holds | R::Related | R::RuleFor
    )
}

/// The query-independent prior of an entity, which multiplies its score:
/// `kind_prior(kind) × (1 + 0.3 × ln(1 + n))`, where `n` is the number of
/// distinct entities linked to it, either way, by relations that
/// [count](counts_for_prior) (none for a [topic](is_topic)).
///
/// Both ways, because an instrument points at what it directs and creates:
/// the GENIUS Act directs six regulators, establishes a committee, covers
/// digital assets, and is enacted, implemented and covered by three more
/// (n = 11); the committee it creates has one such link, and the class of
/// issuers none. Counting only what points at an entity would rank the
/// committee (whose members point at it) above the Act.
///
/// It depends only on the entity and its relations both ways, which its
/// index record holds, so a patched index computes the same prior as a
/// rebuilt one; rounded to three decimals, so that the site's copy is the
/// same number.
pub fn prior(kind: Kind, linked: usize) -> f64 {
    // Classes of assets and plans are topics: every instrument about
    // digital assets covers them, which says nothing of their weight as an
    // answer. Their links are not counted.
    let linked = if is_topic(kind) { 0 } else { linked };
    let p = kind_prior(kind) * (1.0 + DEGREE_WEIGHT * (1.0 + linked as f64).ln());
    (p * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_linked_law_outranks_the_body_it_creates() {
        assert!(prior(Kind::Statute, 11) > 1.7 * prior(Kind::Body, 1));
        assert_eq!(prior(Kind::Bill, 0), 1.0);
        // More links, more weight, but slowly.
        assert!(prior(Kind::Bill, 1000) < 3.5);
        assert!(prior(Kind::Bill, 100) > prior(Kind::Bill, 10));
        assert!(!counts_for_prior(RelationKind::IssuedBy));
        assert!(counts_for_prior(RelationKind::Directs));
    }

    #[test]
    fn names_weigh_most_and_procedural_text_least() {
        let w: Vec<f32> = FIELD_WEIGHTS.iter().map(|f| f.weight).collect();
        assert!(w.windows(2).all(|p| p[0] >= p[1]), "{w:?}");
        assert!(weight_of("procedural") * 5.0 <= weight_of("body"));
    }
}
