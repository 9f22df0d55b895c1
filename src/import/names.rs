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

/// Whether an agency's own description says it is gone: "The Amtrak
/// Reform Council was …", "Name changed … to Office of Investment
/// Security", "Renamed the Bureau of Industry and Security", abolished,
/// terminated.
fn says_defunct(name: &str, description: &str) -> bool {
    let d = description.trim().to_lowercase();
    let n = name.trim().to_lowercase();
    let was = [format!("the {n} was "), format!("{n} was ")]
        .iter()
        .find_map(|p| d.strip_prefix(p.as_str()).map(str::to_owned));
    // "was established in 1905" says when it began, not that it ended.
    was.is_some_and(|rest| {
        !["established", "created", "formed", "founded", "set up"]
            .iter()
            .any(|w| rest.starts_with(w))
    }) || [
        "name changed",
        "renamed",
        "abolished",
        "terminated",
        "was dissolved",
        "ceased to exist",
        "no longer exists",
    ]
    .iter()
    .any(|w| d.contains(w))
}

/// The agencies of one Federal Register list (`(id, name, short name,
/// description)`) that lose their short name: where several share one
/// short name, those that are defunct (by their own description, or
/// because another of them is "the successor agency to" them) while a
/// live one remains. A defunct agency never takes a live one's short name
/// (PRC is the Postal Regulatory Commission, not the Postal Rate
/// Commission; IIO the Investment Security Office). Where several live
/// agencies share it (FS: the Fiscal Service and the Forest Service), all
/// keep it, a reference by it is ambiguous, and the clash is reported.
/// Returns the ids that lose it, and the warnings.
pub(super) fn short_name_clashes(
    agencies: &[(String, String, String, String)],
) -> (std::collections::HashSet<String>, Vec<String>) {
    let mut by_short: std::collections::BTreeMap<String, Vec<usize>> = Default::default();
    for (i, (_, _, short, _)) in agencies.iter().enumerate() {
        if !short.trim().is_empty() {
            by_short.entry(norm(short)).or_default().push(i);
        }
    }
    let mut lose = std::collections::HashSet::new();
    let mut warnings = Vec::new();
    for group in by_short.values().filter(|g| g.len() > 1) {
        let defunct = |i: usize| {
            let (_, name, _, desc) = &agencies[i];
            let n = name.trim().to_lowercase();
            says_defunct(name, desc)
                || group.iter().any(|&j| {
                    j != i && {
                        let other = agencies[j].3.to_lowercase();
                        other.contains(&format!("successor agency to the {n}"))
                            || other.contains(&format!("successor to the {n}"))
                    }
                })
        };
        let live: Vec<usize> = group.iter().copied().filter(|&i| !defunct(i)).collect();
        let short = &agencies[group[0]].2;
        let names = |v: &[usize]| {
            v.iter()
                .map(|&i| format!("{} ({})", agencies[i].1, agencies[i].0))
                .collect::<Vec<_>>()
                .join(", ")
        };
        if live.is_empty() || live.len() == group.len() {
            warnings.push(format!(
                "short name `{short}` is shared by {}; a reference by it is ambiguous",
                names(group)
            ));
            continue;
        }
        let gone: Vec<usize> = group
            .iter()
            .copied()
            .filter(|i| !live.contains(i))
            .collect();
        warnings.push(format!(
            "short name `{short}` stays with {}; not made an alias of the defunct {}",
            names(&live),
            names(&gone)
        ));
        for i in gone {
            lose.insert(agencies[i].0.clone());
        }
    }
    (lose, warnings)
}

#[cfg(test)]
mod tests {
    use super::norm;

    #[test]
    fn a_defunct_agency_never_takes_a_live_ones_short_name() {
        let a = |id: &str, name: &str, short: &str, desc: &str| {
            (
                id.to_owned(),
                name.to_owned(),
                short.to_owned(),
                desc.to_owned(),
            )
        };
        // From the Federal Register's agency list.
        let list = [
            a("21", "Amtrak Reform Council", "ARC", "The Amtrak Reform Council was an independent bipartisan Federal commission"),
            a("25", "Appalachian Regional Commission", "ARC", "The Appalachian Regional Commission (ARC) is a regional economic development agency"),
            a("564", "Postal Rate Commission", "PRC", "The Postal Regulatory Commission (PRC) is an independent agency"),
            a("409", "Postal Regulatory Commission", "PRC", "The Postal Regulatory Commission is the successor agency to the Postal Rate Commission, which was created"),
            a("259", "International Investment Office", "IIO", "Name changed Nov. 21, 2008 (73 FR 70716) to Office of Investment Security."),
            a("603", "Investment Security Office", "IIO", "The Investment Security office is responsible for"),
            a("150", "Export Administration Bureau", "EAB", "Renamed the Bureau of Industry and Security by order of April 18, 2002"),
            a("118", "Economic Analysis Bureau", "EAB", "The Bureau of Economic Analysis (BEA) promotes"),
            a("585", "Fiscal Service", "FS", ""),
            a("209", "Forest Service", "FS", "The U.S.Forest Service was established in 1905"),
        ];
        let (lose, warnings) = super::short_name_clashes(&list);
        let mut lose: Vec<&str> = lose.iter().map(String::as_str).collect();
        lose.sort_unstable();
        assert_eq!(lose, ["150", "21", "259", "564"]);
        assert!(
            warnings.iter().any(|w| w.contains("`FS` is shared by")),
            "{warnings:?}"
        );
        assert_eq!(warnings.len(), 5);
    }

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
