//! Scoring statistics that count live documents only, so that a patched
//! index ranks exactly as a rebuilt one.
//!
//! BM25 reads three numbers from the index: how many documents there are,
//! how many contain a term, and how many tokens a field holds in all. A
//! patch deletes documents and adds their new versions, and tantivy's own
//! numbers keep counting the deleted ones until segments are merged (and
//! its merger then estimates token totals from lossy field norms). Here:
//!
//! - the number of documents is the number of live ones;
//! - a term's document frequency skips deleted documents, in the segments
//!   that have any (segments without deletions answer from their
//!   dictionaries, as before);
//! - each field's token total is kept exactly in `tokens.json` beside a
//!   patched generation: the total before, minus the tokens of the
//!   documents deleted (their text is re-analysed from the stored record),
//!   plus those added.
//!
//! A freshly built generation has no deletions and needs none of this: it
//! answers from tantivy's numbers, which are then exact.

use std::collections::BTreeMap;
use std::path::Path;

use tantivy::query::Bm25StatisticsProvider;
use tantivy::schema::{Field, FieldType, IndexRecordOption};
use tantivy::{DocSet, Index, Searcher, TantivyDocument, Term, TERMINATED};

use crate::{Error, Result};

/// The file of exact token totals in a patched generation.
pub(super) const TOKENS: &str = "tokens.json";

/// Token totals by field id.
pub(super) type Totals = BTreeMap<u32, u64>;

/// The tokens each indexed field of `doc` adds to the index: what the
/// field's analyzer produces from every text value.
pub(super) fn doc_tokens(index: &Index, doc: &TantivyDocument, into: &mut Totals, sign: i64) {
    use tantivy::schema::document::{Document, Value};
    let schema = index.schema();
    for (field, value) in doc.iter_fields_and_values() {
        let entry = schema.get_field_entry(field);
        let FieldType::Str(opts) = entry.field_type() else {
            continue;
        };
        let Some(indexing) = opts.get_indexing_options() else {
            continue;
        };
        let Some(text) = value.as_value().as_str() else {
            continue;
        };
        let Some(mut analyzer) = index.tokenizers().get(indexing.tokenizer()) else {
            continue;
        };
        let mut stream = analyzer.token_stream(text);
        let mut n: u64 = 0;
        while stream.advance() {
            n += 1;
        }
        let total = into.entry(field.field_id()).or_insert(0);
        if sign >= 0 {
            *total += n;
        } else {
            *total = total.saturating_sub(n);
        }
    }
}

/// The exact token totals of a generation: its `tokens.json` when it was
/// patched, else (no deletions) tantivy's own totals. `None` when neither
/// can be trusted.
pub(super) fn totals(dir: &Path, searcher: &Searcher) -> Result<Option<Totals>> {
    if let Some(t) = read(dir)? {
        return Ok(Some(t));
    }
    if searcher
        .segment_readers()
        .iter()
        .any(|s| s.num_deleted_docs() > 0)
    {
        return Ok(None);
    }
    let schema = searcher.schema();
    let mut out = Totals::new();
    for (field, entry) in schema.fields() {
        if !entry.is_indexed() {
            continue;
        }
        if let FieldType::Str(_) = entry.field_type() {
            let n = Bm25StatisticsProvider::total_num_tokens(searcher, field)
                .map_err(Error::Tantivy)?;
            out.insert(field.field_id(), n);
        }
    }
    Ok(Some(out))
}

/// The token totals written beside a patched generation, if any.
pub(super) fn read(dir: &Path) -> Result<Option<Totals>> {
    let path = dir.join(TOKENS);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| Error::Index(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// Writes the token totals of a generation being built. Its directory
/// holds hard links to the previous generation's files, this one's
/// included: the write replaces the link ([`crate::fsio::write_new`]) and
/// never changes the totals a reader of that generation scores with.
pub(super) fn write(dir: &Path, totals: &Totals) -> Result<()> {
    let path = dir.join(TOKENS);
    let text = serde_json::to_string(totals)
        .map_err(|e| Error::Index(format!("cannot encode {}: {e}", path.display())))?;
    crate::fsio::write_new(&path, text.as_bytes())
}

/// The statistics a store scores with (see the module documentation).
pub struct LiveStats<'a> {
    pub(super) searcher: &'a Searcher,
    /// Exact totals when the store has deletions; `None` without any.
    pub(super) totals: Option<&'a Totals>,
}

impl LiveStats<'_> {
    /// The number of live documents holding `term`.
    pub fn live_doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        if self.totals.is_none() {
            return self.searcher.doc_freq(term);
        }
        let mut n: u64 = 0;
        for seg in self.searcher.segment_readers() {
            let inv = seg.inverted_index(term.field())?;
            let Some(alive) = seg.alive_bitset() else {
                n += u64::from(inv.doc_freq(term)?);
                continue;
            };
            let Some(mut postings) = inv.read_postings(term, IndexRecordOption::Basic)? else {
                continue;
            };
            let mut doc = postings.doc();
            while doc != TERMINATED {
                if alive.is_alive(doc) {
                    n += 1;
                }
                doc = postings.advance();
            }
        }
        Ok(n)
    }
}

impl Bm25StatisticsProvider for LiveStats<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        match self.totals.and_then(|t| t.get(&field.field_id())) {
            Some(&n) => Ok(n),
            None => Bm25StatisticsProvider::total_num_tokens(self.searcher, field),
        }
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        match self.totals {
            Some(_) => Ok(self.searcher.num_docs()),
            None => Bm25StatisticsProvider::total_num_docs(self.searcher),
        }
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.live_doc_freq(term)
    }
}
