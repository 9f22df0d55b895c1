//! Turning what a user types into an entity: an id, an alias, or a name in
//! any language, case-insensitively, with Traditional and Simplified
//! Chinese treated alike.

use std::collections::BTreeMap;

use crate::model::Entity;

/// The normal form of a lookup key: trimmed, lowercased, inner whitespace
/// collapsed, Traditional Chinese folded to Simplified, and no space next
/// to a Chinese character (Chinese text is written without spaces, so
/// `第 14330 號行政命令` and `第14330號行政命令` are one key).
pub fn normalize(s: &str) -> String {
    let folded = fast2s::convert(s.trim());
    let mut out = String::with_capacity(folded.len());
    let mut last: Option<char> = None;
    for word in folded.split_whitespace() {
        let first = word.chars().next();
        let cjk = |c: Option<char>| c.is_some_and(|c| c as u32 >= 0x2E80);
        if last.is_some() && !cjk(last) && !cjk(first) {
            out.push(' ');
        }
        out.extend(word.chars().flat_map(char::to_lowercase));
        last = word.chars().last();
    }
    out
}

/// The lookup key of a bill number, so that `S 1582`, `S. 1582` and
/// `s1582` find the same bill: prefix and number run together (`s1582`).
/// `None` when `s` is not a bill number.
pub fn bill_form(s: &str) -> Option<String> {
    crate::import::bill::BillNumber::parse(s)
        .map(|b| format!("{}{}", b.prefix, b.number).to_lowercase())
}

/// Every key an entity can be found by: id, English name, other names,
/// aliases, identifier values, and the [`bill_form`] of bill numbers.
/// Normalized and deduplicated.
pub fn keys(e: &Entity) -> Vec<String> {
    let mut out: Vec<String> = std::iter::once(e.id.as_str())
        .chain(std::iter::once(e.name.as_str()))
        .chain(e.names.values().map(String::as_str))
        .chain(e.aliases.iter().map(String::as_str))
        .chain(e.identifiers.iter().map(|i| i.value.as_str()))
        .map(normalize)
        .chain(
            e.identifiers
                .iter()
                .filter(|i| i.scheme == crate::model::IdScheme::Bill)
                .filter_map(|i| bill_form(&i.value)),
        )
        .filter(|k| !k.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// A lookup table from normalized keys to entity positions.
#[derive(Debug, Default, Clone)]
pub struct KeyIndex {
    map: BTreeMap<String, Vec<usize>>,
}

impl KeyIndex {
    /// Indexes every entity's keys; `entities[i]` is position `i`.
    pub fn new(entities: &[Entity]) -> KeyIndex {
        let mut map: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, e) in entities.iter().enumerate() {
            for k in keys(e) {
                map.entry(k).or_default().push(i);
            }
        }
        KeyIndex { map }
    }

    /// Resolves a reference: an exact id wins; otherwise every entity with a
    /// matching key is a candidate.
    pub fn resolve(&self, entities: &[Entity], reference: &str) -> crate::Result<usize> {
        if let Ok(i) = entities.binary_search_by(|e| e.id.as_str().cmp(reference)) {
            return Ok(i);
        }
        let key = normalize(reference);
        let found = self
            .map
            .get(&key)
            .or_else(|| bill_form(reference).and_then(|b| self.map.get(&b)));
        match found.map(Vec::as_slice) {
            Some([one]) => Ok(*one),
            Some(many) if !many.is_empty() => Err(crate::Error::Ambiguous {
                reference: reference.to_owned(),
                candidates: many
                    .iter()
                    .map(|&i| (entities[i].id.clone(), entities[i].name.clone()))
                    .collect(),
            }),
            _ => Err(crate::Error::UnknownEntity {
                reference: reference.to_owned(),
                suggestions: suggest(
                    &key,
                    self.map.iter().map(|(k, v)| (k.as_str(), v.as_slice())),
                    entities,
                ),
            }),
        }
    }
}

/// The closest ids and names to an unknown key, best first: `id (name)`.
pub fn suggest<'a>(
    key: &str,
    keys: impl Iterator<Item = (&'a str, &'a [usize])>,
    entities: &[Entity],
) -> Vec<String> {
    let mut scored: Vec<(f64, usize)> = Vec::new();
    for (k, ids) in keys {
        let s = strsim::jaro_winkler(key, k);
        if s >= 0.8 {
            for &i in ids {
                scored.push((s, i));
            }
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut seen = Vec::new();
    for (_, i) in scored {
        if !seen.contains(&i) {
            seen.push(i);
        }
        if seen.len() == 5 {
            break;
        }
    }
    seen.into_iter()
        .map(|i| format!("{} ({})", entities[i].id, entities[i].name))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_case_space_and_script() {
        assert_eq!(normalize("  Department   of Labor "), "department of labor");
        assert_eq!(normalize("勞工部"), normalize("劳工部"));
        assert_eq!(normalize("比特幣戰略儲備"), "比特币战略储备");
        assert_eq!(
            normalize("第 14330 號行政命令"),
            normalize("第14330號行政命令")
        );
        assert_eq!(normalize("EO 14330"), "eo 14330");
    }
}
