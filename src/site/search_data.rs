//! The data the in-browser search reads: one JavaScript file that sets a
//! global, so that it loads from `file://` (where `fetch` is refused).
//!
//! The page ranks as `policygraph search` does, from the same decisions,
//! exported here rather than written twice:
//!
//! - the terms of each entity's text fields (`name`, `ident`, `body`,
//!   `procedural`), as the index's own tokenizer makes them
//!   ([`crate::text::analyzer`]: English stems, Chinese pairs folded to
//!   Simplified, `401(k)` as `401k`), with their counts, and each field's
//!   length, so that the page computes the same BM25;
//! - the weights of the fields and the entities' priors
//!   ([`crate::search::weights`]), the exact-name bonus and the keys that
//!   earn it ([`crate::resolve::keys`]);
//! - the synonym table ([`crate::search::synonyms::SYNONYMS`]) as tokens;
//! - for query words, the stem of every word form the texts contain (the
//!   browser has no stemmer), and the folding table of Traditional
//!   characters whose Simplified form occurs in the data (a query character
//!   outside it cannot match anything either way);
//! - each entity's status on the site's day, computed as `search` computes
//!   it, and the instruments that established it (see `follow_founders`).
//!
//! Matching is by whole terms, so `S. 1582` never matches a document number
//! that merely begins with 1582.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;
use tantivy::fieldnorm::FieldNormReader;
use tantivy::tokenizer::TokenStream;

use crate::check::Corpus;
use crate::model::{Date, RelationKind};
use crate::resolve::normalize;
use crate::search::weights::{self, FIELD_WEIGHTS};
use crate::store::NodeRef;

/// One searchable entity: `[id, kind, jurisdiction, English name, zh-Hant
/// name, zh-Hans name, status, prior, field lengths, founders (row
/// numbers), names (normalized, one a line)]`.
type Row<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    f64,
    Vec<u32>,
    Vec<usize>,
    String,
);

#[derive(Serialize)]
struct Data<'a> {
    /// Pairs of characters, Traditional then Simplified.
    fold: String,
    /// The text fields, in the order of the field numbers in `terms`.
    fields: Vec<&'static str>,
    /// Their weights.
    weights: Vec<f32>,
    /// Their average length in terms, over the rows.
    avg: Vec<f64>,
    /// BM25's parameters (tantivy's).
    k1: f64,
    b: f64,
    /// What an exact name or alias adds after the prior.
    exact_bonus: f32,
    rows: Vec<Row<'a>>,
    /// The number of files the terms are split into
    /// (`assets/search-terms-N.js`, by [`shard_of`] the term), loaded as a
    /// query needs them: each stays small whatever the size of the site.
    shards: u32,
    /// Word forms (lowercase) whose term differs: `assets` → `asset`.
    stems: BTreeMap<String, String>,
    /// Normalized names, aliases and identifiers → rows.
    keys: BTreeMap<String, Vec<usize>>,
    /// Each synonym group: its entries as terms.
    synonyms: Vec<Vec<Vec<String>>>,
    /// The weight of a synonym against the word as typed.
    synonym_weight: f32,
}

/// About how many bytes of postings go in one file of terms.
const SHARD_BYTES: usize = 128_000;

/// Which file of terms holds `term`, of `shards`: FNV-1a over its code
/// points, as `search.js` computes it.
pub(crate) fn shard_of(term: &str, shards: u32) -> u32 {
    let mut h: u32 = 2_166_136_261;
    for c in term.chars() {
        h = (h ^ c as u32).wrapping_mul(16_777_619);
    }
    h % shards.max(1)
}

/// The files of the in-browser search, relative to the site's root:
/// `assets/search-data.js` for the entities at `positions` (ascending),
/// with statuses as of `day`, and the files of terms.
pub(crate) fn search_data(
    corpus: &Corpus,
    nodes: &[NodeRef<'_>],
    positions: &[usize],
    day: Date,
) -> crate::Result<Vec<(String, Vec<u8>)>> {
    let mut rows = Vec::with_capacity(positions.len());
    let mut seen: BTreeSet<char> = BTreeSet::new();
    let mut terms: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut stems: BTreeMap<String, String> = BTreeMap::new();
    let mut keys: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut totals = vec![0u64; FIELD_WEIGHTS.len()];
    let mut analyzer = crate::text::analyzer();
    let row_of: BTreeMap<&str, usize> = positions
        .iter()
        .enumerate()
        .map(|(row, &i)| (corpus.entities[i].id.as_str(), row))
        .collect();
    for (row, &i) in positions.iter().enumerate() {
        let e = &corpus.entities[i];
        let node = &nodes[i];
        let mut lens = Vec::with_capacity(FIELD_WEIGHTS.len());
        for (field, w) in FIELD_WEIGHTS.iter().enumerate() {
            let texts: Vec<String> = match w.field {
                "name" => crate::store::name_texts(e).map(str::to_owned).collect(),
                "ident" => crate::store::ident_texts(e)
                    .into_iter()
                    .map(|c| c.into_owned())
                    .collect(),
                "body" => crate::store::body_texts(e).map(str::to_owned).collect(),
                "procedural" => crate::store::procedural_texts(e)
                    .map(str::to_owned)
                    .collect(),
                // A field this page does not search (a document's full
                // text): left out of the data, and of the query.
                _ => Vec::new(),
            };
            let mut counts: BTreeMap<String, u32> = BTreeMap::new();
            let mut len = 0u32;
            for text in &texts {
                seen.extend(text.chars().filter(|c| *c as u32 >= 0x2E80));
                let mut stream = analyzer.token_stream(text);
                while stream.advance() {
                    let t = stream.token();
                    len += 1;
                    *counts.entry(t.text.clone()).or_default() += 1;
                    if let Some(surface) = text.get(t.offset_from..t.offset_to) {
                        let surface = surface.to_lowercase();
                        if surface != t.text && !surface.chars().any(crate::text::is_cjk) {
                            stems.entry(surface).or_insert_with(|| t.text.clone());
                        }
                    }
                }
            }
            totals[field] += u64::from(len);
            // BM25 reads the length as the index stores it, in one byte
            // (exact up to 40 terms, then in steps).
            lens.push(FieldNormReader::id_to_fieldnorm(
                FieldNormReader::fieldnorm_to_id(len),
            ));
            for (term, n) in counts {
                terms
                    .entry(term)
                    .or_default()
                    .extend([row as u32, field as u32, n]);
            }
        }
        for k in crate::resolve::keys(e) {
            keys.entry(k).or_default().push(row);
        }
        let founders: Vec<usize> = node
            .incoming()
            .filter(|(_, r)| r.rel == RelationKind::Establishes)
            .take(3)
            .filter_map(|(id, _)| row_of.get(id).copied())
            .collect();
        let linked =
            crate::store::linked(node.entity(), node.incoming().map(|(id, r)| (id, r.rel)));
        let status = if e.kind.has_status() {
            e.status(Some(day)).map_or("", |s| s.name())
        } else {
            ""
        };
        let local = |k: &str| e.names.get(k).map_or("", String::as_str);
        let names = crate::store::name_texts(e)
            .map(normalize)
            .collect::<Vec<_>>()
            .join("\n");
        rows.push((
            e.id.as_str(),
            e.kind.name(),
            e.jurisdiction.as_str(),
            e.name.as_str(),
            local("zh-Hant"),
            local("zh-Hans"),
            status,
            weights::prior(e.kind, linked),
            lens,
            founders,
            names,
        ));
    }
    let n = positions.len().max(1) as f64;
    // The synonyms as terms; their words' stems join the table, so that a
    // query word that only the synonym table has (`stable token`) is
    // stemmed as the CLI stems it.
    let synonyms = crate::search::synonyms::SYNONYMS
        .iter()
        .map(|group| {
            group
                .iter()
                .map(|entry| {
                    let mut stream = analyzer.token_stream(entry);
                    let mut out = Vec::new();
                    while stream.advance() {
                        let t = stream.token();
                        if let Some(surface) = entry.get(t.offset_from..t.offset_to) {
                            let surface = surface.to_lowercase();
                            if surface != t.text && !surface.chars().any(crate::text::is_cjk) {
                                stems.entry(surface).or_insert_with(|| t.text.clone());
                            }
                        }
                        out.push(t.text.clone());
                    }
                    out
                })
                .collect()
        })
        .collect();
    // Postings take about 3 numbers of 4 bytes each in JSON, and a term
    // its text: a rough measure, enough to keep each file small.
    let size: usize = terms.iter().map(|(t, p)| t.len() + 4 + p.len() * 4).sum();
    let shards = u32::try_from(size.div_ceil(SHARD_BYTES).max(1)).unwrap_or(u32::MAX);
    let mut parts: Vec<BTreeMap<String, Vec<u32>>> = vec![BTreeMap::new(); shards as usize];
    for (term, postings) in terms {
        let k = shard_of(&term, shards) as usize;
        if let Some(part) = parts.get_mut(k) {
            part.insert(term, postings);
        }
    }
    let data = Data {
        fold: fold_table(&seen),
        fields: FIELD_WEIGHTS.iter().map(|w| w.field).collect(),
        weights: FIELD_WEIGHTS.iter().map(|w| w.weight).collect(),
        avg: totals.iter().map(|t| *t as f64 / n).collect(),
        k1: 1.2,
        b: 0.75,
        exact_bonus: crate::rank::EXACT_NAME_BONUS,
        rows,
        shards,
        stems,
        keys,
        synonyms,
        synonym_weight: crate::search::synonyms::SYNONYM_WEIGHT,
    };
    let json = |e: serde_json::Error| crate::Error::Index(format!("search data: {e}"));
    let mut out = b"window.PG_SEARCH=".to_vec();
    serde_json::to_writer(&mut out, &data).map_err(json)?;
    out.extend_from_slice(b";\n");
    let mut files = vec![("assets/search-data.js".to_owned(), out)];
    for (k, part) in parts.iter().enumerate() {
        let mut out = format!("(window.PG_TERMS=window.PG_TERMS||{{}})[{k}]=").into_bytes();
        serde_json::to_writer(&mut out, part).map_err(json)?;
        out.extend_from_slice(b";\n");
        files.push((format!("assets/search-terms-{k}.js"), out));
    }
    Ok(files)
}

/// Every CJK character that folds to a different, single character that
/// is in `targets`, as `TSTS...` pairs.
fn fold_table(targets: &BTreeSet<char>) -> String {
    let ranges = [
        0x3400u32..=0x4DBF,
        0x4E00..=0x9FFF,
        0xF900..=0xFAFF,
        0x20000..=0x2FA1F,
    ];
    let mut out = String::new();
    let mut buf = [0u8; 4];
    for r in ranges {
        for cp in r {
            let Some(c) = char::from_u32(cp) else {
                continue;
            };
            let folded = fast2s::convert(c.encode_utf8(&mut buf));
            let mut chars = folded.chars();
            if let (Some(s), None) = (chars.next(), chars.next()) {
                if s != c && (targets.contains(&s) || targets.contains(&c)) {
                    out.push(c);
                    out.push(s);
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_fnv1a_of_code_points() {
        // The same numbers as `search.js` gives (checked in a browser by
        // tests/cli/ranking.rs through every query's terms).
        assert_eq!(shard_of("", 7), 2_166_136_261 % 7);
        assert_eq!(shard_of("a", 1), 0);
        let h = (2_166_136_261u32 ^ 0x7a33).wrapping_mul(16_777_619);
        assert_eq!(shard_of("稳", 1000), h % 1000);
    }

    #[test]
    fn folds_traditional_to_simplified_present() {
        let targets: BTreeSet<char> = "币".chars().collect();
        let t = fold_table(&targets);
        assert!(t.contains("幣币"), "{t}");
        assert!(!t.contains('勞'));
    }
}
