//! Turning what a user types into an entity: an id, an alias, or a name in
//! any language, case-insensitively, with Traditional and Simplified
//! Chinese treated alike.
//!
//! The rules, shared by the in-memory corpus ([`KeyIndex`]) and the index
//! (`Store::resolve`):
//! 1. an exact id wins;
//! 2. else the entities with that key; when several, those that have it as
//!    a name or alias win over those that have it only as an identifier
//!    (`ERISA 404(a)` is the alias of the section, and a citation in the
//!    act);
//! 3. else a unique prefix of names and aliases, ending where a word ends
//!    (`Texas SB 21` for `Texas SB 21 (Texas Strategic Bitcoin
//!    Reserve)`), of three characters or more.

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

/// How a key names an entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Strength {
    /// Only as an official identifier (a citation, a number).
    Identifier,
    /// As its id, a name in some language, or an alias.
    Name,
}

/// How `key` (normalized) names `e`, if it does.
pub fn strength(e: &Entity, key: &str) -> Option<Strength> {
    if name_keys(e).any(|k| k == key) {
        Some(Strength::Name)
    } else if e.identifiers.iter().any(|i| normalize(&i.value) == key) {
        Some(Strength::Identifier)
    } else {
        None
    }
}

/// The id, names and aliases of `e`, normalized: the keys a prefix may
/// match.
pub fn name_keys(e: &Entity) -> impl Iterator<Item = String> + '_ {
    std::iter::once(e.id.as_str())
        .chain(std::iter::once(e.name.as_str()))
        .chain(e.names.values().map(String::as_str))
        .chain(e.aliases.iter().map(String::as_str))
        .map(normalize)
}

/// Keeps the candidates that `key` names most strongly (rule 2).
pub fn strongest<'e, T: 'e>(
    candidates: Vec<T>,
    key: &str,
    entity: impl Fn(&T) -> &'e Entity,
) -> Vec<T> {
    let best = candidates
        .iter()
        .filter_map(|c| strength(entity(c), key))
        .max();
    candidates
        .into_iter()
        .filter(|c| strength(entity(c), key) == best)
        .collect()
}

/// Whether `key` is a prefix of `of` that may stand for it (rule 3): at
/// least three characters, and ending where a word ends (always, in
/// Chinese, which has no spaces).
pub fn is_prefix_of(key: &str, of: &str) -> bool {
    if key.chars().count() < 3 || key.len() >= of.len() || !of.starts_with(key) {
        return false;
    }
    let last = key.chars().next_back();
    let next = of[key.len()..].chars().next();
    let cjk = |c: Option<char>| c.is_some_and(crate::text::is_cjk);
    cjk(last)
        || !next.is_some_and(char::is_alphanumeric)
        || !last.is_some_and(char::is_alphanumeric)
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

    /// Resolves a reference by the rules of this module.
    pub fn resolve(&self, entities: &[Entity], reference: &str) -> crate::Result<usize> {
        if let Ok(i) = entities.binary_search_by(|e| e.id.as_str().cmp(reference)) {
            return Ok(i);
        }
        let key = normalize(reference);
        // `S 1582`, `S. 1582` and `s1582` are one bill number.
        let (key, exact) = match self.map.get(&key) {
            Some(v) => (key, v.clone()),
            None => {
                match bill_form(reference).and_then(|b| self.map.get(&b).map(|v| (b, v.clone()))) {
                    Some(found) => found,
                    None => (key, Vec::new()),
                }
            }
        };
        let mut found = strongest(exact, &key, |&i| &entities[i]);
        if found.is_empty() && key.chars().count() >= 3 {
            for (k, ids) in self.map.range(key.clone()..) {
                if !k.starts_with(&key) {
                    break;
                }
                for &i in ids {
                    if is_prefix_of(&key, k) && name_keys(&entities[i]).any(|n| n == *k) {
                        found.push(i);
                    }
                }
            }
            found.sort_unstable();
            found.dedup();
        }
        match found.as_slice() {
            [one] => Ok(*one),
            [] => Err(crate::Error::UnknownEntity {
                reference: reference.to_owned(),
                suggestions: suggest(
                    &key,
                    self.map.iter().map(|(k, v)| (k.as_str(), v.as_slice())),
                    entities,
                ),
            }),
            many => Err(crate::Error::Ambiguous {
                reference: reference.to_owned(),
                candidates: many
                    .iter()
                    .map(|&i| (entities[i].id.clone(), entities[i].name.clone()))
                    .collect(),
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

    #[test]
    fn prefixes_end_where_words_end() {
        assert!(is_prefix_of(
            "texas sb 21",
            "texas sb 21 (texas strategic bitcoin reserve)"
        ));
        assert!(!is_prefix_of(
            "texas sb 2",
            "texas sb 21 (texas strategic bitcoin reserve)"
        ));
        assert!(!is_prefix_of("te", "texas"));
        assert!(!is_prefix_of("texas", "texas"));
        assert!(is_prefix_of("比特币战略", "比特币战略储备"));
    }
}
