use tantivy::schema::{
    DateOptions, Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing,
    TextOptions, FAST, STORED, STRING,
};
use tantivy::{DateTime, TantivyDocument};

use super::*;
use crate::model::{Date, Entity};
use crate::text::TOKENIZER;
use crate::{Error, Result};

/// The fields of the schema, defined in one place.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// Entity id, raw.
    pub id: Field,
    /// Normalized lookup keys (id, names, aliases), raw.
    pub key: Field,
    /// Kind name, raw.
    pub kind: Field,
    /// Jurisdiction code, raw.
    pub jurisdiction: Field,
    /// Status today, raw (`none` when the kind has no status).
    pub status: Field,
    /// The stage of every event that sets a status, raw: a status on
    /// another day can only be one of these, so `list --status --as-of`
    /// reads only the records that could match.
    pub stage: Field,
    /// Tags, raw.
    pub tag: Field,
    /// The words of every sponsor's name (see [`crate::model::Sponsor::words`]),
    /// raw: `list --sponsor` reads only the records that can match.
    pub sponsor: Field,
    /// Ids of the entities that owe this entity's deadlines, raw: `show`
    /// finds what an agency owes without reading every record.
    pub owes: Field,
    /// Every event date, deadline and figure date.
    pub date: Field,
    /// Names in every language and aliases: tokenized, stored.
    pub name: Field,
    /// Identifiers: tokenized.
    pub ident: Field,
    /// Summaries, notes, deadline and relation notes, tags, sponsors: tokenized.
    pub body: Field,
    /// A document's own text (see [`crate::doctext`]): tokenized with
    /// positions for phrases, not stored (snippets are cut from the text
    /// file beside the entity's file).
    pub text: Field,
    /// Procedural text: event notes (bill actions, referrals) and source
    /// titles: tokenized, weighed far below `body` (see
    /// [`crate::search::weights`]).
    pub procedural: Field,
    /// `/kind/..`, `/jurisdiction/..`, `/status/..` facets.
    pub facet: Field,
    /// The postcard-encoded [`Node`].
    pub record: Field,
    /// A hash of the id ([`tiebreak`]), fast: cuts ties among equal scores.
    pub tiebreak: Field,
    /// The entity's query-independent prior ([`crate::search::weights::prior`]),
    /// fast: multiplies its score.
    pub prior: Field,
}

impl Fields {
    pub(super) fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let text = |stored: bool| {
            let idx = TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions);
            let o = TextOptions::default().set_indexing_options(idx);
            if stored {
                o.set_stored()
            } else {
                o
            }
        };
        let fields = Fields {
            id: b.add_text_field("id", STRING | STORED),
            key: b.add_text_field("key", STRING),
            kind: b.add_text_field("kind", STRING | FAST),
            jurisdiction: b.add_text_field("jurisdiction", STRING | FAST),
            status: b.add_text_field("status", STRING | FAST),
            stage: b.add_text_field("stage", STRING),
            tag: b.add_text_field("tag", STRING),
            sponsor: b.add_text_field("sponsor", STRING),
            owes: b.add_text_field("owes", STRING),
            date: b.add_date_field("date", DateOptions::default().set_indexed().set_fast()),
            name: b.add_text_field("name", text(false)),
            ident: b.add_text_field("ident", text(false)),
            body: b.add_text_field("body", text(false)),
            text: b.add_text_field("text", text(false)),
            procedural: b.add_text_field("procedural", text(false)),
            facet: b.add_facet_field("facet", FacetOptions::default()),
            record: b.add_bytes_field("record", STORED),
            tiebreak: b.add_u64_field(crate::rank::TIEBREAK_FIELD, FAST),
            prior: b.add_f64_field(crate::rank::PRIOR_FIELD, FAST),
        };
        (b.build(), fields)
    }

    pub(super) fn from_schema(schema: &Schema) -> Result<Fields> {
        let f = |name: &str| {
            schema.get_field(name).map_err(|_| {
                Error::Index(format!(
                    "index schema lacks field `{name}`; rebuild with `policygraph index`"
                ))
            })
        };
        Ok(Fields {
            id: f("id")?,
            key: f("key")?,
            kind: f("kind")?,
            jurisdiction: f("jurisdiction")?,
            status: f("status")?,
            stage: f("stage")?,
            tag: f("tag")?,
            sponsor: f("sponsor")?,
            owes: f("owes")?,
            date: f("date")?,
            name: f("name")?,
            ident: f("ident")?,
            body: f("body")?,
            text: f("text")?,
            procedural: f("procedural")?,
            facet: f("facet")?,
            record: f("record")?,
            tiebreak: f(crate::rank::TIEBREAK_FIELD)?,
            prior: f(crate::rank::PRIOR_FIELD)?,
        })
    }
}

/// The tie-breaking key of an entity: a hash of its id.
pub fn tiebreak(id: &str) -> u64 {
    let mut h = Fnv::new();
    h.write(id.as_bytes());
    mix(h.0)
}

/// The converted date of a day, for date fields.
pub fn tantivy_date(d: Date) -> DateTime {
    DateTime::from_timestamp_secs(d.unix_days() * 86_400)
}

/// Tantivy's error, kept as the source.
pub(super) fn ix(e: tantivy::TantivyError) -> Error {
    Error::Tantivy(e)
}

pub(super) fn document(f: &Fields, node: &NodeRef, today: Date) -> Result<TantivyDocument> {
    let e = &node.entity;
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &e.id);
    for k in crate::resolve::keys(e) {
        doc.add_text(f.key, &k);
    }
    doc.add_text(f.kind, e.kind.name());
    doc.add_text(f.jurisdiction, &e.jurisdiction);
    // Only kinds that have a status get one (a person's appointment is an
    // event, not a status), as `show` and `list` print it.
    let status = if e.kind.has_status() {
        e.status(Some(today)).map_or("none", |s| s.name())
    } else {
        "none"
    };
    doc.add_text(f.status, status);
    let mut stages: Vec<&str> = e
        .events
        .iter()
        .filter(|ev| e.kind.has_status() && ev.stage.sets_status())
        .map(|ev| ev.stage.name())
        .collect();
    stages.sort_unstable();
    stages.dedup();
    for s in stages {
        doc.add_text(f.stage, s);
    }
    // Tags match case-insensitively: indexed, and asked for, in lowercase.
    for t in &e.tags {
        doc.add_text(f.tag, t.to_lowercase());
    }
    for d in &e.deadlines {
        doc.add_text(f.owes, &d.owner);
    }
    let mut words: Vec<String> = e
        .sponsors
        .iter()
        .flat_map(|s| crate::model::Sponsor::words(&s.name))
        .collect();
    words.sort_unstable();
    words.dedup();
    for w in words {
        doc.add_text(f.sponsor, w);
    }
    let dates = e
        .events
        .iter()
        .map(|ev| ev.date)
        .chain(e.deadlines.iter().map(|d| d.due))
        .chain(e.figure.as_ref().map(|fig| fig.as_of));
    for d in dates {
        doc.add_date(f.date, tantivy_date(d));
    }
    for n in name_texts(e) {
        doc.add_text(f.name, n);
    }
    for i in ident_texts(e) {
        doc.add_text(f.ident, &i);
    }
    for text in body_texts(e) {
        doc.add_text(f.body, text);
    }
    if let Some(t) = &e.text {
        doc.add_text(f.text, &**t);
    }
    for text in procedural_texts(e) {
        doc.add_text(f.procedural, text);
    }
    doc.add_facet(f.facet, Facet::from_path(["kind", e.kind.name()]));
    doc.add_facet(
        f.facet,
        Facet::from_path(["jurisdiction", e.jurisdiction.as_str()]),
    );
    doc.add_facet(f.facet, Facet::from_path(["status", status]));
    let bytes = postcard::to_stdvec(node)
        .map_err(|e| Error::Index(format!("cannot encode `{}`: {e}", node.entity.id)))?;
    doc.add_bytes(f.record, &bytes);
    doc.add_u64(f.tiebreak, tiebreak(&e.id));
    doc.add_f64(f.prior, prior_of(node));
    Ok(doc)
}

/// The texts of an entity's `ident` field: its identifiers, and the
/// run-together form of identifiers and of aliases that carry a number
/// (`EO14330`, `HR3633`, `PubL119-27` written without spaces).
pub fn ident_texts(e: &Entity) -> Vec<std::borrow::Cow<'_, str>> {
    let mut out: Vec<std::borrow::Cow<'_, str>> = e
        .identifiers
        .iter()
        .map(|i| std::borrow::Cow::Borrowed(i.value.as_str()))
        .collect();
    for v in e
        .identifiers
        .iter()
        .map(|i| i.value.as_str())
        .chain(e.aliases.iter().map(String::as_str))
    {
        if v.chars().any(|c| c.is_ascii_digit()) && v.contains([' ', '.']) {
            let compact: String = v
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '.')
                .collect();
            out.push(std::borrow::Cow::Owned(compact));
        }
    }
    out
}

/// The names of an entity in every language, and its aliases: what the
/// `name` field indexes. Not stored in the index (the record has them);
/// snippets are cut from these same texts.
pub fn name_texts(e: &Entity) -> impl Iterator<Item = &str> {
    std::iter::once(e.name.as_str())
        .chain(e.names.values().map(String::as_str))
        .chain(e.aliases.iter().map(String::as_str))
}

/// The texts of an entity that full-text search reads besides its names
/// and its procedural text (sponsors' names included, so `search Lummis`
/// finds her bills).
pub fn body_texts(e: &Entity) -> impl Iterator<Item = &str> {
    std::iter::once(e.summary.as_str())
        .chain(e.summaries.values().map(String::as_str))
        .chain(e.notes.iter().map(String::as_str))
        .chain(e.deadlines.iter().map(|d| d.what.as_str()))
        .chain(e.relations.iter().map(|r| r.note.as_str()))
        .chain(e.tags.iter().map(String::as_str))
        .chain(e.sponsors.iter().map(|s| s.name.as_str()))
        .filter(|s| !s.is_empty())
}

/// The procedural texts of an entity: its events' notes (a bill's actions,
/// "Referred to the Subcommittee on ...") and its sources' titles. They
/// are searched, at a weight far below the body's.
pub fn procedural_texts(e: &Entity) -> impl Iterator<Item = &str> {
    e.events
        .iter()
        .map(|ev| ev.note.as_str())
        .chain(e.sources.iter().map(|s| s.title.as_str()))
        .filter(|s| !s.is_empty())
}

/// The number of distinct other entities linked to `e`, either way, by
/// relations that count for its prior (see
/// [`crate::search::weights::counts_for_prior`]); `incoming` is the
/// relations pointing at it, as its source's id and the relation.
pub fn linked<'a>(
    e: &'a Entity,
    incoming: impl Iterator<Item = (&'a str, crate::model::RelationKind)>,
) -> usize {
    use crate::search::weights::counts_for_prior;
    let mut ids: Vec<&str> = e
        .relations
        .iter()
        .filter(|r| counts_for_prior(r.rel))
        .map(|r| r.to.as_str())
        .chain(
            incoming
                .filter(|(_, r)| counts_for_prior(*r))
                .map(|(id, _)| id),
        )
        .filter(|id| *id != e.id)
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

/// The prior of a node: its kind and the entities linked to it.
fn prior_of(node: &NodeRef) -> f64 {
    let n = linked(
        node.entity,
        node.incoming.iter().map(|(p, r)| (p.id, r.rel)),
    );
    crate::search::weights::prior(node.entity.kind, n)
}
