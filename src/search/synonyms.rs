//! The synonyms of the domain, in one table, applied at query time: a
//! query word (or run of words) that is one of a group's entries matches
//! any entry of the group. Entries are compared as the tokenizer makes
//! them, so plurals, case and Traditional or Simplified Chinese need no
//! entries of their own (`digital assets` is `digital asset`, `加密货币`
//! is `加密貨幣`).
//!
//! Applying them at query time, and only there, keeps the index free of
//! them: the table can change without a rebuild, and a quoted phrase or a
//! `name:` field stays exact.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use tantivy::tokenizer::TokenStream;

/// Each group: words and phrases that mean the same thing in a query.
/// Keep it small and certain: every entry widens every query that uses it.
pub const SYNONYMS: &[&[&str]] = &[
    &[
        "crypto",
        "cryptocurrency",
        "crypto asset",
        "cryptoasset",
        "digital asset",
        "digital currency",
        "virtual currency",
        "blockchain",
        "加密貨幣",
        "加密資產",
        "數字資產",
        "數位資產",
        "數字貨幣",
        "虛擬貨幣",
        "區塊鏈",
    ],
    &["401k", "defined contribution", "確定提撥"],
    &[
        "stablecoin",
        "payment stablecoin",
        "stable coin",
        "stable token",
        "穩定幣",
    ],
    &["CBDC", "central bank digital currency", "央行數字貨幣"],
];

/// The weight of a synonym against the word as typed (1).
pub const SYNONYM_WEIGHT: f32 = 0.2;

/// The tokens of every entry, by group.
fn table() -> &'static [Vec<Vec<String>>] {
    static TABLE: OnceLock<Vec<Vec<Vec<String>>>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut a = crate::text::analyzer();
        SYNONYMS
            .iter()
            .map(|group| group.iter().map(|e| tokens(&mut a, e)).collect())
            .collect()
    })
}

fn tokens(a: &mut tantivy::tokenizer::TextAnalyzer, text: &str) -> Vec<String> {
    let mut stream = a.token_stream(text);
    let mut out = Vec::new();
    while stream.advance() {
        out.push(stream.token().text.clone());
    }
    out
}

/// For each run of plain words (`Some`) in a query's pieces, the synonym
/// groups found in it: the index of a group's first piece, the number of
/// pieces it covers, and the group as query text: the words as typed, or
/// any other entry of the group, which weighs less so that the word the
/// user chose ranks first:
/// `(crypto OR cryptocurrency^0.2 OR "digital asset"^0.2 …)`.
///
/// The other entries weigh [`SYNONYM_WEIGHT`] each, and their scores add
/// up (tantivy's `OR`): an entity that lists every synonym among its
/// aliases (the digital-assets class) would otherwise outrank the one whose
/// name has the word as typed.
pub fn expand(pieces: &[Option<&str>]) -> BTreeMap<usize, (usize, String)> {
    let mut out = BTreeMap::new();
    if pieces.iter().all(Option::is_none) {
        return out;
    }
    let table = table();
    let mut a = crate::text::analyzer();
    let words: Vec<Option<Vec<String>>> = pieces
        .iter()
        .map(|p| p.map(|w| tokens(&mut a, w)))
        .collect();
    let mut k = 0;
    while k < words.len() {
        // The longest entry that starts at word k and ends at a word's end.
        let mut found: Option<(usize, usize)> = None;
        let mut seq: Vec<String> = Vec::new();
        for (end, w) in words.iter().enumerate().skip(k).take(4) {
            let Some(w) = w else { break };
            seq.extend(w.iter().cloned());
            if let Some(g) = table
                .iter()
                .position(|group| group.iter().any(|e| !e.is_empty() && *e == seq))
            {
                found = Some((end + 1 - k, g));
            }
        }
        match found {
            Some((len, g)) => {
                let typed: Vec<&str> = pieces[k..k + len].iter().flatten().copied().collect();
                let seq: Vec<String> = words[k..k + len]
                    .iter()
                    .flatten()
                    .flatten()
                    .cloned()
                    .collect();
                out.insert(k, (len, group_text(g, &typed, &seq)));
                k += len;
            }
            None => k += 1,
        }
    }
    out
}

/// A group as an alternative in query syntax; entries of several tokens
/// are phrases.
fn group_text(g: usize, typed: &[&str], seq: &[String]) -> String {
    let as_query = |e: &str, toks: usize| {
        if toks == 1 && e.chars().all(|c| c.is_ascii_alphanumeric()) {
            e.to_owned()
        } else {
            format!("\"{e}\"")
        }
    };
    let mut entries = vec![as_query(&typed.join(" "), seq.len())];
    entries.extend(
        SYNONYMS[g]
            .iter()
            .zip(&table()[g])
            .filter(|(_, toks)| toks.as_slice() != seq)
            .map(|(e, toks)| format!("{}^{SYNONYM_WEIGHT}", as_query(e, toks.len()))),
    );
    format!("({})", entries.join(" OR "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_match_as_tokens() {
        let q = ["Digital", "Assets", "in", "401k"].map(Some);
        let e = expand(&q);
        assert_eq!(e.len(), 2);
        assert_eq!(e[&0].0, 2);
        assert!(e[&0]
            .1
            .starts_with("(\"Digital Assets\" OR crypto^0.2 OR cryptocurrency^0.2"));
        assert_eq!(
            e[&3].1,
            "(401k OR \"defined contribution\"^0.2 OR \"確定提撥\"^0.2)"
        );
        // Simplified Chinese matches the Traditional entry.
        assert_eq!(expand(&[Some("加密货币")]).len(), 1);
        // An excluded or field word (`None`) breaks a run.
        assert!(expand(&[Some("digital"), None, Some("asset")]).is_empty());
    }
}
