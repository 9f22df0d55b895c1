//! Names an import must not take over: an imported agency is matched to a
//! hand-written one by name or short name when no identifier matched, and
//! an imported alias that a hand-written entity already answers to stays
//! that entity's.
//!
//! The Federal Register's agency list names the curated `nec` and
//! `us-house` exactly as they are written ("National Economic Council",
//! "U.S. House of Representatives") but carries no identifier they hold,
//! and gives the defunct Employment Standards Administration the short
//! name "DOL". Without these rules an import made `NEC`, `House` and `DOL`
//! ambiguous.

use std::collections::HashMap;

use crate::model::{Entity, IdScheme, Kind};

use super::{Catalog, Key, Placed};

/// A name as it is compared: lower case, `&` read as `and`, full stops
/// dropped (`U.S.` is `us`), other punctuation a space, a leading `the`
/// dropped, runs of spaces one.
pub(super) fn norm(s: &str) -> String {
    let mut t = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => t.push_str(" and "),
            '.' | '\'' | '’' => {}
            c if c.is_alphanumeric() => t.extend(c.to_lowercase()),
            _ => t.push(' '),
        }
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    let words = match words.first() {
        Some(&"the") if words.len() > 1 => &words[1..],
        _ => &words[..],
    };
    words.join(" ")
}

/// Kinds that are matched by name: the actors a document names.
fn by_name(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Agency | Kind::Office | Kind::Body | Kind::Organization
    )
}

/// The names of a hand-written entity, normalised, each with the entity's
/// place in the catalog: its id, name and aliases. Built once per import.
pub(super) fn index(catalog: &Catalog) -> HashMap<String, Vec<usize>> {
    let mut out: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, k) in catalog.known.iter().enumerate() {
        if !k.curated {
            continue;
        }
        let e = &k.entity;
        let mut names: Vec<String> = std::iter::once(&e.name)
            .chain(&e.aliases)
            .map(|n| norm(n))
            .chain(std::iter::once(e.id.replace('-', " ")))
            .filter(|n| !n.is_empty())
            .collect();
        names.sort();
        names.dedup();
        for n in names {
            out.entry(n).or_default().push(i);
        }
    }
    out
}

/// Whether `e` holds an identifier of a scheme among `keys` but none of
/// the values: then it is another agency of the same list, whatever its
/// names say (the Employment Standards Administration, id 134, is not
/// the Department of Labor, id 271, though both are "DOL").
fn conflicts(e: &Entity, keys: &[Key]) -> bool {
    [IdScheme::FrAgencyId, IdScheme::FrAgency].iter().any(|&s| {
        let mine: Vec<&Key> = keys.iter().filter(|k| k.scheme == s).collect();
        let theirs: Vec<Key> = e
            .identifiers
            .iter()
            .filter(|i| i.scheme == s)
            .map(|i| Key::new(s, &i.value))
            .collect();
        !mine.is_empty() && !theirs.is_empty() && !mine.iter().any(|k| theirs.contains(k))
    })
}

/// The hand-written actor an imported actor is, by its name, then by its
/// aliases (a short name): the first that names one hand-written entity
/// of an actor kind without a conflicting identifier. `None` for other
/// kinds, and when a name is ambiguous.
pub(super) fn curated_match(
    catalog: &Catalog,
    names: &HashMap<String, Vec<usize>>,
    rec_keys: &[Key],
    e: &Entity,
) -> Option<usize> {
    if !by_name(e.kind) {
        return None;
    }
    std::iter::once(&e.name).chain(&e.aliases).find_map(|n| {
        let fits: Vec<usize> = names
            .get(&norm(n))?
            .iter()
            .copied()
            .filter(|&i| {
                let k = &catalog.known[i].entity;
                by_name(k.kind) && !conflicts(k, rec_keys)
            })
            .collect();
        match fits.as_slice() {
            [one] => Some(*one),
            _ => None,
        }
    })
}

/// Leaves out of each imported entity the aliases that a hand-written
/// entity (another one) answers to by id, name or alias, and says so:
/// a reference by that alias would turn ambiguous, and a defunct agency's
/// short name would lead readers away from the live one.
pub(super) fn drop_clashing_aliases(
    placed: &mut [Placed],
    catalog: &Catalog,
    names: &HashMap<String, Vec<usize>>,
    warnings: &mut Vec<String>,
) {
    for p in placed {
        let id = p.record.entity.id.clone();
        let label = p.record.label.clone();
        p.record.entity.aliases.retain(|a| {
            let owner = names.get(&norm(a)).and_then(|v| {
                v.iter()
                    .map(|&i| &catalog.known[i].id)
                    .find(|owner| **owner != id)
            });
            match owner {
                Some(owner) => {
                    warnings.push(format!(
                        "{label}: `{a}` is a name of the hand-written `{owner}`; it is not made an alias of `{id}`"
                    ));
                    false
                }
                None => true,
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::norm;

    #[test]
    fn names_compare_without_punctuation_or_case() {
        assert_eq!(
            norm("U.S. House of Representatives"),
            "us house of representatives"
        );
        assert_eq!(norm("The White House Office"), "white house office");
        assert_eq!(norm("AI & Crypto"), "ai and crypto");
        assert_eq!(norm("  DOL "), "dol");
        assert_eq!(norm("Anti-CBDC Act"), "anti cbdc act");
    }
}
