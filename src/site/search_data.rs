//! The data the in-browser search reads: one JavaScript file that sets a
//! global, so that it loads from `file://` (where `fetch` is refused).
//!
//! Text is stored in the form [`crate::resolve::normalize`] gives it
//! (lowercase, Traditional Chinese folded to Simplified, no space beside a
//! Chinese character), as the CLI looks names up. The browser cannot fold
//! Chinese by itself, so the file also carries the folding table, cut
//! down to the characters whose Simplified form occurs in the data: a
//! query character outside it cannot match anything either way.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::check::Corpus;
use crate::resolve::normalize;

/// One searchable entity: `[id, kind, jurisdiction, English name,
/// zh-Hant name, zh-Hans name, names text, summaries text]`, the names
/// empty when missing.
type Row<'a> = (
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    &'a str,
    String,
    String,
);

#[derive(Serialize)]
struct Data<'a> {
    /// Pairs of characters, Traditional then Simplified.
    fold: String,
    rows: Vec<Row<'a>>,
}

/// The contents of `assets/search-data.js` for the entities at
/// `positions` (ascending).
pub(crate) fn search_data(corpus: &Corpus, positions: &[usize]) -> crate::Result<Vec<u8>> {
    let mut rows = Vec::with_capacity(positions.len());
    let mut seen: BTreeSet<char> = BTreeSet::new();
    for &i in positions {
        let e = &corpus.entities[i];
        let names: Vec<&str> = std::iter::once(e.id.as_str())
            .chain(std::iter::once(e.name.as_str()))
            .chain(e.names.values().map(String::as_str))
            .chain(e.aliases.iter().map(String::as_str))
            .chain(e.identifiers.iter().map(|i| i.value.as_str()))
            .collect();
        let names = join_normalized(names);
        let summaries = join_normalized(
            std::iter::once(e.summary.as_str())
                .chain(e.summaries.values().map(String::as_str))
                .collect(),
        );
        seen.extend(
            names
                .chars()
                .chain(summaries.chars())
                .filter(|c| *c as u32 >= 0x2E80),
        );
        let local = |k: &str| e.names.get(k).map_or("", String::as_str);
        rows.push((
            e.id.as_str(),
            e.kind.name(),
            e.jurisdiction.as_str(),
            e.name.as_str(),
            local("zh-Hant"),
            local("zh-Hans"),
            names,
            summaries,
        ));
    }
    let data = Data {
        fold: fold_table(&seen),
        rows,
    };
    let mut out = b"window.PG_SEARCH=".to_vec();
    serde_json::to_writer(&mut out, &data)
        .map_err(|e| crate::Error::Index(format!("search data: {e}")))?;
    out.extend_from_slice(b";\n");
    Ok(out)
}

/// Normalized texts, each on its own line.
fn join_normalized(texts: Vec<&str>) -> String {
    let mut out = String::new();
    for t in texts {
        let n = normalize(t);
        if !n.is_empty() {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&n);
        }
    }
    out
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
                if s != c && targets.contains(&s) {
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
    fn folds_traditional_to_simplified_present() {
        let targets: BTreeSet<char> = "币".chars().collect();
        let t = fold_table(&targets);
        assert!(t.contains("幣币"), "{t}");
        assert!(!t.contains('勞'));
    }
}
