//! The table of officials' titles and agency names (`titles.tsv`, data
//! reviewable in one place) and the scan that finds them in a sentence.

use std::collections::HashMap;
use std::sync::OnceLock;

/// One way of naming an agency, and the agency.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Title {
    /// As written: `Secretary of the Treasury`.
    pub title: &'static str,
    /// The Federal Register agency slug: `treasury-department`.
    pub slug: &'static str,
    /// The agency's name: `Department of the Treasury`.
    pub agency: &'static str,
}

const TABLE: &str = include_str!("titles.tsv");

/// Titles by their first word, longest first.
struct Table {
    by_first: HashMap<&'static str, Vec<Title>>,
}

fn table() -> &'static Table {
    static T: OnceLock<Table> = OnceLock::new();
    T.get_or_init(|| {
        let mut by_first: HashMap<&'static str, Vec<Title>> = HashMap::new();
        for line in TABLE.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(title), Some(slug), Some(agency)) = (cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let first = title.split(' ').next().unwrap_or(title);
            by_first.entry(first).or_default().push(Title {
                title,
                slug,
                agency,
            });
        }
        for v in by_first.values_mut() {
            v.sort_by_key(|t| std::cmp::Reverse(t.title.len()));
            v.dedup_by(|a, b| a.title == b.title);
        }
        Table { by_first }
    })
}

/// Every title of the table, for tests and docs.
pub fn all() -> Vec<Title> {
    let mut v: Vec<Title> = table().by_first.values().flatten().cloned().collect();
    v.sort_by(|a, b| a.title.cmp(b.title));
    v
}

/// A title found in a sentence, by byte range.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    /// Start.
    pub start: usize,
    /// End.
    pub end: usize,
    /// What it stands for.
    pub title: Title,
}

/// Words that open an official's title: one of these followed by "of" or
/// "for" and a capitalised name, matching no row, is an unknown title.
pub const TITLE_WORDS: &[&str] = &[
    "Secretary",
    "Director",
    "Administrator",
    "Chairman",
    "Chair",
    "Chairperson",
    "Commissioner",
    "Assistant",
];

/// The titles in `s`, left to right, longest match at each place, plus
/// the aliases a document defines (`the Secretary of Labor (Secretary)`).
pub fn mentions(s: &str, aliases: &HashMap<String, Title>) -> Vec<Mention> {
    let t = table();
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        // Word starts only.
        if i > 0 && (bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'-') {
            i += 1;
            continue;
        }
        if !bytes[i].is_ascii_uppercase() {
            i += 1;
            continue;
        }
        let rest = &s[i..];
        let word_end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .unwrap_or(rest.len());
        let word = rest[..word_end].trim_end_matches('.');
        if word == "Secretaries" {
            let plural = secretaries(s, i);
            if !plural.is_empty() {
                i = plural.last().map_or(i + 1, |m| m.end);
                out.extend(plural);
                continue;
            }
        }
        let mut best: Option<Title> = None;
        if let Some(cands) = t.by_first.get(word) {
            for c in cands {
                if rest.starts_with(c.title) && boundary(rest, c.title.len()) {
                    best = Some(c.clone());
                    break;
                }
            }
        }
        if best.is_none() {
            // The document's own short names: the longest that matches here.
            let mut found: Option<(&String, &Title)> = None;
            for (a, title) in aliases {
                if rest.starts_with(a.as_str())
                    && boundary(rest, a.len())
                    && found.is_none_or(|(f, _)| a.len() > f.len())
                {
                    found = Some((a, title));
                }
            }
            if let Some((a, title)) = found {
                out.push(Mention {
                    start: i,
                    end: i + a.len(),
                    title: title.clone(),
                });
                i += a.len();
                continue;
            }
        }
        match best {
            Some(title) => {
                let end = i + title.title.len();
                out.push(Mention {
                    start: i,
                    end,
                    title,
                });
                i = end;
            }
            None => i += word_end.max(1),
        }
    }
    out
}

/// "The Secretaries of State, Defense, Commerce, and Energy": one mention
/// for each department named, the first spanning "Secretaries of State".
fn secretaries(s: &str, at: usize) -> Vec<Mention> {
    let t = table();
    let mut out = Vec::new();
    let Some(list) = s[at..].strip_prefix("Secretaries of ") else {
        return out;
    };
    let mut pos = at + "Secretaries of ".len();
    let mut rest = list;
    loop {
        let start = if out.is_empty() { at } else { pos };
        let mut found = None;
        for name in [rest, rest.strip_prefix("the ").unwrap_or(rest)] {
            let title = format!("Secretary of {name}");
            if let Some(c) = t.by_first.get("Secretary").and_then(|cands| {
                cands.iter().find(|c| {
                    let tail = &c.title["Secretary of ".len().min(c.title.len())..];
                    c.title.starts_with("Secretary of ")
                        && title.starts_with(c.title)
                        && boundary(name, tail.len())
                })
            }) {
                let skip = rest.len() - name.len();
                let len = c.title.len() - "Secretary of ".len();
                found = Some((c.clone(), skip + len));
                break;
            }
        }
        let Some((title, len)) = found else { break };
        out.push(Mention {
            start,
            end: pos + len,
            title,
        });
        pos += len;
        rest = &s[pos..];
        let Some(r) = [", and ", " and ", ", "]
            .iter()
            .find_map(|j| rest.strip_prefix(j))
        else {
            break;
        };
        pos += rest.len() - r.len();
        rest = r;
    }
    out
}

fn boundary(rest: &str, len: usize) -> bool {
    rest[len..]
        .chars()
        .next()
        .is_none_or(|c| !(c.is_alphanumeric() || c == '-'))
}

/// Titles that look like an official's but match no row: `Director of the
/// Office of Foo`, as written, for the import report.
pub fn unknown_titles(s: &str, known: &[Mention]) -> Vec<String> {
    let mut out = Vec::new();
    for w in TITLE_WORDS {
        for (pos, _) in s.match_indices(w) {
            if known.iter().any(|m| m.start <= pos && pos < m.end) {
                continue;
            }
            if pos > 0 && s.as_bytes()[pos - 1].is_ascii_alphanumeric() {
                continue;
            }
            let after = &s[pos + w.len()..];
            let Some(tail) = after
                .strip_prefix(" of ")
                .or_else(|| after.strip_prefix(" for "))
            else {
                continue;
            };
            // The capitalised words of the name, "the" and "of" and "and" inside.
            let mut end = 0;
            let mut last_cap = 0;
            for word in tail.split(' ') {
                let w2 = word.trim_end_matches([',', '.', ';', ':', ')']);
                let cap = w2.starts_with(|c: char| c.is_uppercase());
                if cap || matches!(w2, "the" | "of" | "and" | "for" | "on") {
                    end += word.len() + 1;
                    if cap {
                        last_cap = end - (word.len() - w2.len()) - 1;
                    }
                    if w2.len() != word.len() {
                        break;
                    }
                } else {
                    break;
                }
            }
            if last_cap > 0 {
                let name = format!(
                    "{w}{}{}",
                    &after[..after.len() - tail.len()],
                    &tail[..last_cap]
                );
                out.push(name);
            }
        }
    }
    out
}
