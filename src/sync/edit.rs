//! Editing `sources.ron` and `watches.ron` in place, so that a person's
//! comments and layout survive `sync add` and `watch add|remove`: a new
//! entry goes in after the last one, in the file's indentation; a removed
//! entry's span is cut out. The text is scanned as RON (strings, raw
//! strings, comments and brackets), the result is parsed again and
//! compared with the list it must hold before it is written (atomically),
//! and a file the scan cannot follow is written whole instead.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Serialize;

/// The top-level list of a RON file: where its brackets are, and the span
/// of each entry (from its first character to just after its last).
#[derive(Debug, PartialEq, Eq)]
struct List {
    close: usize,
    items: Vec<(usize, usize)>,
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Where a string, raw string, character or comment that starts at `i`
/// ends (just after it), or `None` when none starts there.
fn skip_token(b: &[u8], i: usize) -> Option<usize> {
    let c = *b.get(i)?;
    let next = b.get(i + 1).copied();
    match c {
        b'/' if next == Some(b'/') => {
            let end = b[i..]
                .iter()
                .position(|&x| x == b'\n')
                .map_or(b.len(), |k| i + k);
            Some(end)
        }
        b'/' if next == Some(b'*') => {
            // RON's block comments nest.
            let (mut j, mut depth) = (i + 2, 1usize);
            while j < b.len() && depth > 0 {
                if b[j] == b'/' && b.get(j + 1) == Some(&b'*') {
                    depth += 1;
                    j += 2;
                } else if b[j] == b'*' && b.get(j + 1) == Some(&b'/') {
                    depth -= 1;
                    j += 2;
                } else {
                    j += 1;
                }
            }
            Some(j)
        }
        b'"' | b'\'' => {
            let mut j = i + 1;
            while j < b.len() {
                match b[j] {
                    b'\\' => j += 2,
                    x if x == c => return Some(j + 1),
                    _ => j += 1,
                }
            }
            Some(b.len())
        }
        b'r' if (next == Some(b'"') || next == Some(b'#')) && (i == 0 || !is_ident(b[i - 1])) => {
            let hashes = b[i + 1..].iter().take_while(|&&x| x == b'#').count();
            let open = i + 1 + hashes;
            if b.get(open) != Some(&b'"') {
                return None;
            }
            let mut j = open + 1;
            while j < b.len() {
                if b[j] == b'"'
                    && b.len() >= j + 1 + hashes
                    && b[j + 1..].iter().take(hashes).all(|&x| x == b'#')
                {
                    return Some(j + 1 + hashes);
                }
                j += 1;
            }
            Some(b.len())
        }
        _ => None,
    }
}

/// Scans the file's top-level list; `None` when the text is not one list
/// (after comments and `#![...]` attributes) the scan can follow.
fn scan(text: &str) -> Option<List> {
    let b = text.as_bytes();
    let (mut i, mut depth) = (0usize, 0usize);
    let mut opened = false;
    let mut items = Vec::new();
    let mut start: Option<usize> = None;
    let mut last_end = 0usize;
    while i < b.len() {
        let c = b[i];
        if c == b'#' && depth == 0 && !opened {
            // An attribute, `#![enable(implicit_some)]`.
            let close = b[i..].iter().position(|&x| x == b']')?;
            i += close + 1;
            continue;
        }
        if let Some(end) = skip_token(b, i) {
            let comment = c == b'/';
            if !comment {
                if depth == 0 {
                    return None;
                }
                if depth == 1 && start.is_none() {
                    start = Some(i);
                }
                last_end = end;
            }
            i = end;
            continue;
        }
        match c {
            b'[' | b'(' | b'{' => {
                if depth == 0 {
                    if c != b'[' || opened {
                        return None;
                    }
                    opened = true;
                } else if depth == 1 && start.is_none() {
                    start = Some(i);
                }
                depth += 1;
            }
            b']' | b')' | b'}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    if c != b']' {
                        return None;
                    }
                    if let Some(s) = start.take() {
                        items.push((s, last_end));
                    }
                    return Some(List { close: i, items });
                }
                last_end = i + 1;
            }
            b',' if depth == 1 => {
                items.push((start.take()?, last_end));
            }
            c if c.is_ascii_whitespace() => {}
            _ => {
                if depth == 0 {
                    return None;
                }
                if depth == 1 && start.is_none() {
                    start = Some(i);
                }
                last_end = i + 1;
            }
        }
        i += 1;
    }
    None
}

/// The first character after `i` that is not blank or in a comment.
fn next_significant(b: &[u8], mut i: usize) -> Option<usize> {
    while i < b.len() {
        if b[i].is_ascii_whitespace() {
            i += 1;
        } else if b[i] == b'/' && matches!(b.get(i + 1), Some(b'/' | b'*')) {
            i = skip_token(b, i)?;
        } else {
            return Some(i);
        }
    }
    None
}

fn line_start(text: &str, i: usize) -> usize {
    text[..i].rfind('\n').map_or(0, |k| k + 1)
}

/// An entry as the file's other entries are written: pretty RON, without
/// `Some(..)` (the files are read with `implicit_some`), each line after
/// `indent`.
fn render<T: Serialize>(entry: &T, indent: &str) -> crate::Result<String> {
    let pretty = ron::ser::PrettyConfig::new()
        .struct_names(false)
        .extensions(ron::extensions::Extensions::IMPLICIT_SOME);
    let text = ron::ser::to_string_pretty(entry, pretty)
        .map_err(|e| crate::Error::Usage(format!("cannot write the entry: {e}")))?;
    let lines: Vec<String> = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("#!["))
        .map(|l| format!("{indent}{l}"))
        .collect();
    Ok(lines.join("\n"))
}

/// The text with `entry` added after the last entry.
fn added<T: Serialize>(text: &str, list: &List, entry: &T) -> crate::Result<String> {
    let b = text.as_bytes();
    let indent = list
        .items
        .first()
        .map(|&(s, _)| &text[line_start(text, s)..s])
        .filter(|p| p.chars().all(|c| c == ' ' || c == '\t'))
        .unwrap_or("    ");
    let entry = render(entry, indent)?;
    let mut out = String::with_capacity(text.len() + entry.len() + 4);
    match list.items.last() {
        Some(&(_, end)) => {
            let next = next_significant(b, end).unwrap_or(list.close);
            let (head, mut pos) = if b.get(next) == Some(&b',') {
                (text[..next + 1].to_owned(), next + 1)
            } else {
                (format!("{},", &text[..end]), end)
            };
            // After a comment that ends the last entry's line.
            let eol = text[pos..].find('\n').map_or(text.len(), |k| pos + k);
            let rest = text[pos..eol].trim();
            let mut head = head;
            if rest.is_empty() || rest.starts_with("//") {
                head.push_str(&text[pos..eol]);
                pos = eol;
            }
            out.push_str(&head);
            out.push('\n');
            out.push_str(&entry);
            out.push(',');
            out.push_str(&text[pos..]);
        }
        None => {
            let ls = line_start(text, list.close);
            if text[ls..list.close].trim().is_empty() {
                out.push_str(&text[..ls]);
                out.push_str(&entry);
                out.push_str(",\n");
                out.push_str(&text[ls..]);
            } else {
                out.push_str(&text[..list.close]);
                out.push('\n');
                out.push_str(&entry);
                out.push_str(",\n");
                out.push_str(&text[list.close..]);
            }
        }
    }
    Ok(out)
}

/// The text without entry `n` (and its comma). When the entry has lines of
/// its own, the comment after it on its last line and the comment lines
/// just above it (no blank line between) go with it, as they describe it;
/// every other comment stays.
fn removed(text: &str, list: &List, n: usize) -> Option<String> {
    let b = text.as_bytes();
    let &(s, e) = list.items.get(n)?;
    let mut end = match next_significant(b, e) {
        Some(k) if b[k] == b',' => k + 1,
        _ => e,
    };
    let eol = text[end..].find('\n').map(|k| end + k);
    let mut start = s;
    if let Some(eol) = eol {
        let ls = line_start(text, s);
        let rest = text[end..eol].trim();
        if (rest.is_empty() || is_comment_line(rest)) && text[ls..s].trim().is_empty() {
            start = ls;
            end = eol + 1;
            while start > 0 {
                let above = line_start(text, start - 1);
                if !is_comment_line(text[above..start].trim()) {
                    break;
                }
                start = above;
            }
        }
    }
    Some(format!("{}{}", &text[..start], &text[end..]))
}

/// A line that is one comment and nothing else: `// ...`, or `/* ... */`
/// closed on the same line.
fn is_comment_line(line: &str) -> bool {
    let b = line.as_bytes();
    line.starts_with("//") || (line.starts_with("/*") && skip_token(b, 0) == Some(b.len()))
}

/// How a list file was written.
#[derive(Debug, PartialEq, Eq)]
pub enum Written {
    /// Edited in place: comments and layout kept.
    Edited,
    /// A new file, written whole.
    New,
    /// Written whole, as the scan could not follow the file: its comments
    /// are not kept.
    Whole,
}

impl Written {
    /// A note for the user when comments were lost.
    pub fn note(&self, path: &Path) -> Option<String> {
        (*self == Written::Whole).then(|| {
            format!(
                "rewrote {} whole: its comments could not be kept",
                path.display()
            )
        })
    }
}

fn parses_to<T: DeserializeOwned + PartialEq>(text: &str, want: &[T]) -> bool {
    crate::load::ron_options()
        .from_str::<Vec<T>>(text)
        .is_ok_and(|got| got == want)
}

/// Adds `entry` to the list file at `path`, which holds `old` (as read by
/// [`super::config::read_list`]).
pub fn add<T>(path: &Path, header: &str, old: &[T], entry: T) -> crate::Result<Written>
where
    T: Serialize + DeserializeOwned + PartialEq + Clone,
{
    let mut want = old.to_vec();
    want.push(entry.clone());
    let Some(text) = read(path)?.filter(|t| !t.trim().is_empty()) else {
        super::config::write_list(path, header, &want)?;
        return Ok(Written::New);
    };
    if let Some(list) = scan(&text) {
        let new = added(&text, &list, &entry)?;
        if parses_to(&new, &want) {
            crate::fsio::write_atomic(path, new.as_bytes())?;
            return Ok(Written::Edited);
        }
    }
    super::config::write_list(path, header, &want)?;
    Ok(Written::Whole)
}

/// Removes entry `n` of the list file at `path`, which holds `old`.
pub fn remove<T>(path: &Path, header: &str, old: &[T], n: usize) -> crate::Result<Written>
where
    T: Serialize + DeserializeOwned + PartialEq + Clone,
{
    let mut want = old.to_vec();
    if n < want.len() {
        want.remove(n);
    }
    if let Some(text) = read(path)? {
        if let Some(new) = scan(&text).and_then(|list| removed(&text, &list, n)) {
            if parses_to(&new, &want) {
                crate::fsio::write_atomic(path, new.as_bytes())?;
                return Ok(Written::Edited);
            }
        }
    }
    super::config::write_list(path, header, &want)?;
    Ok(Written::Whole)
}

fn read(path: &Path) -> crate::Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(crate::Error::io(path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
    struct W {
        name: String,
        #[serde(default)]
        depth: Option<u32>,
    }

    fn w(name: &str) -> W {
        W {
            name: name.into(),
            depth: Some(2),
        }
    }

    const FILE: &str = "// My watches.\n#![enable(implicit_some)]\n[\n    // the first\n    (\n        name: \"a\", // why \"a\" (\n    ),\n    /* b, with ] and ) */\n    (name: \"b\", depth: 1), // trailing\n]\n// end\n";

    #[test]
    fn the_scan_finds_each_entry() {
        let l = scan(FILE).unwrap();
        let spans: Vec<&str> = l.items.iter().map(|&(s, e)| &FILE[s..e]).collect();
        assert_eq!(
            spans,
            [
                "(\n        name: \"a\", // why \"a\" (\n    )",
                "(name: \"b\", depth: 1)"
            ]
        );
        assert_eq!(scan("[]").unwrap().items, []);
        assert_eq!(scan("[r#\"x]\"#, 'y']").unwrap().items.len(), 2);
        assert!(scan("(name: \"x\")").is_none());
        assert!(scan("[(name: \"x\"").is_none());
    }

    #[test]
    fn adding_and_removing_keep_comments() {
        let list = scan(FILE).unwrap();
        let text = added(FILE, &list, &w("c")).unwrap();
        assert_eq!(
            text,
            "// My watches.\n#![enable(implicit_some)]\n[\n    // the first\n    (\n        name: \"a\", // why \"a\" (\n    ),\n    /* b, with ] and ) */\n    (name: \"b\", depth: 1), // trailing\n    (\n        name: \"c\",\n        depth: 2,\n    ),\n]\n// end\n"
        );
        let a = W {
            name: "a".into(),
            depth: None,
        };
        let b = W {
            name: "b".into(),
            depth: Some(1),
        };
        assert!(parses_to(&text, &[a, b, w("c")]));
        let list = scan(&text).unwrap();
        let gone = removed(&text, &list, 0).unwrap();
        assert_eq!(
            gone,
            "// My watches.\n#![enable(implicit_some)]\n[\n    /* b, with ] and ) */\n    (name: \"b\", depth: 1), // trailing\n    (\n        name: \"c\",\n        depth: 2,\n    ),\n]\n// end\n"
        );
        let list = scan(&gone).unwrap();
        let gone = removed(&gone, &list, 0).unwrap();
        assert_eq!(
            gone,
            "// My watches.\n#![enable(implicit_some)]\n[\n    (\n        name: \"c\",\n        depth: 2,\n    ),\n]\n// end\n"
        );
        // A comment set apart by a blank line is not the entry's.
        let apart = "[\n    // all of them\n\n    (name: \"a\"),\n    (name: \"b\"),\n]\n";
        let gone = removed(apart, &scan(apart).unwrap(), 0).unwrap();
        assert_eq!(gone, "[\n    // all of them\n\n    (name: \"b\"),\n]\n");
        // Into an empty list, and after an entry without a comma.
        let empty = "[\n    // none yet\n]\n";
        let one = added(empty, &scan(empty).unwrap(), &w("x")).unwrap();
        assert_eq!(
            one,
            "[\n    // none yet\n    (\n        name: \"x\",\n        depth: 2,\n    ),\n]\n"
        );
        let flat = "[(name: \"a\")]";
        let two = added(flat, &scan(flat).unwrap(), &w("x")).unwrap();
        assert!(
            parses_to(
                &two,
                &[
                    W {
                        name: "a".into(),
                        depth: None
                    },
                    w("x")
                ]
            ),
            "{two}"
        );
    }
}
