//! The documentation's links: `README.md` and every `docs/*.md`.
//!
//! Every Markdown link outside code (`[text](target)`, images, and
//! reference-style `[text][label]` with its `[label]: target`) is checked:
//! a relative target must exist inside the repository, and a `#fragment`
//! (on a Markdown page, or alone for the same page) must be the slug of one
//! of that page's headings, made as GitHub makes it. Web addresses and other
//! schemes (`https:`, `mailto:`) are not fetched. Every page under `docs/`
//! must be linked from the README or from `docs/README.md`, and the README
//! stays a short front door.
//!
//! The Markdown is scanned by hand, enough for these pages: fenced code
//! blocks and code spans are skipped, headings are ATX (`## ...`).
//! Failures are collected and reported together, each with its file, line
//! and link.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::util;

/// A link found in a page.
#[derive(Debug)]
struct Link {
    /// 1-based line of its `[`.
    line: usize,
    /// The link as written (`[text](target)`), for messages.
    written: String,
    /// The destination: a path, `path#fragment`, `#fragment` or a URL.
    target: String,
}

/// What the checks need of one page.
#[derive(Debug, Default)]
struct Page {
    links: Vec<Link>,
    /// The anchor of every heading, as GitHub makes it.
    anchors: BTreeSet<String>,
}

/// The pages checked: `README.md` and `docs/*.md`, sorted.
fn pages(root: &Path) -> Vec<PathBuf> {
    let mut out = vec![root.join("README.md")];
    let mut docs: Vec<PathBuf> = std::fs::read_dir(root.join("docs"))
        .unwrap_or_else(|e| panic!("read docs/: {e}"))
        .map(|e| e.unwrap_or_else(|e| panic!("read docs/: {e}")).path())
        .filter(|p| p.extension().is_some_and(|x| x == "md") && p.is_file())
        .collect();
    docs.sort();
    out.extend(docs);
    out
}

/// GitHub's anchor for a heading: the rendered text in lower case, every
/// character but letters, marks, digits, `-`, `_` and spaces dropped, and
/// spaces made `-`. Letters of any script (Chinese included) are kept.
fn slug(heading: &str) -> String {
    heading_text(heading)
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | '_' => Some(c),
            c if c.is_alphanumeric() || is_mark(c) => Some(c),
            _ => None,
        })
        .collect()
}

/// Combining marks, which GitHub keeps in anchors (`\p{M}`), for the
/// common blocks.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}' | '\u{1ab0}'..='\u{1aff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
}

/// A heading's text as rendered, near enough for its slug: a link or image
/// keeps its text and loses its `(target)`; HTML tags are dropped. (Other
/// markup, such as backticks, is punctuation that [`slug`] drops.)
fn heading_text(heading: &str) -> String {
    let chars: Vec<char> = heading.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == ']' && chars.get(i + 1) == Some(&'(') {
            if let Some(close) = matching(&chars, i + 1, '(', ')') {
                i = close + 1;
                continue;
            }
        }
        if chars[i] == '<' {
            if let Some(end) = chars[i..].iter().position(|&c| c == '>') {
                let tag: String = chars[i + 1..i + end].iter().collect();
                if tag.starts_with('/') || tag.starts_with(|c: char| c.is_ascii_alphabetic()) {
                    i += end + 1;
                    continue;
                }
            }
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// The index of the `close` that matches the `open` at `start`, counting
/// nesting and skipping backslash escapes; `None` when there is none or a
/// blank line (a paragraph's end) comes first.
fn matching(chars: &[char], start: usize, open: char, close: char) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = start;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '\n' if chars.get(i + 1) == Some(&'\n') => return None,
            c if c == open => depth += 1,
            c if c == close => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// The opening fence of a fenced code block (```` ``` ```` or `~~~`, at
/// most three spaces in): its character and length.
fn fence(line: &str) -> Option<(char, usize)> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let c = rest.chars().next()?;
    if c != '`' && c != '~' {
        return None;
    }
    let n = rest.chars().take_while(|&x| x == c).count();
    // A backtick fence's info string may not hold a backtick.
    (n >= 3 && !(c == '`' && rest[n..].contains('`'))).then_some((c, n))
}

/// An ATX heading's text (`## Text ##` gives `Text`).
fn atx_heading(line: &str) -> Option<&str> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let rest = &line[indent..];
    let level = rest.chars().take_while(|&c| c == '#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let text = &rest[level..];
    if !(text.is_empty() || text.starts_with([' ', '\t'])) {
        return None;
    }
    let text = text.trim();
    // A closing sequence of `#`s, after a space, is not part of the text.
    let stripped = text.trim_end_matches('#');
    let text = if stripped.is_empty() || stripped.ends_with([' ', '\t']) {
        stripped.trim_end()
    } else {
        text
    };
    Some(text)
}

/// A reference definition `[label]: target` (at most three spaces in).
fn definition(line: &str) -> Option<(String, String)> {
    let rest = line
        .strip_prefix("   ")
        .or_else(|| line.strip_prefix("  "))
        .or_else(|| line.strip_prefix(' '))
        .unwrap_or(line);
    let rest = rest.strip_prefix('[')?;
    let (label, after) = rest.split_once("]:")?;
    if label.trim().is_empty() || label.contains(['[', ']']) {
        return None;
    }
    let target = destination(after.trim())?;
    Some((normalize_label(label), target))
}

/// A reference label as matched: case and runs of white space do not count.
fn normalize_label(label: &str) -> String {
    label
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The destination of `(destination "title")`: `<...>` or up to the first
/// white space.
fn destination(inside: &str) -> Option<String> {
    let inside = inside.trim();
    if let Some(rest) = inside.strip_prefix('<') {
        return rest.split_once('>').map(|(d, _)| d.to_owned());
    }
    inside.split_whitespace().next().map(str::to_owned)
}

/// Scans one page: its headings' anchors and its links.
fn parse(text: &str) -> Page {
    let mut page = Page::default();

    // Fenced code blocks become blank lines, so that line numbers hold.
    let mut prose: Vec<String> = Vec::new();
    let mut open: Option<(char, usize)> = None;
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut definitions: BTreeMap<String, (usize, String)> = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        if let Some((c, len)) = open {
            let closes = fence(line).is_some_and(|(c2, len2)| {
                c2 == c && len2 >= len && line.trim().chars().all(|x| x == c)
            });
            if closes {
                open = None;
            }
            prose.push(String::new());
            continue;
        }
        if let Some(f) = fence(line) {
            open = Some(f);
            prose.push(String::new());
            continue;
        }
        if let Some(heading) = atx_heading(line) {
            // GitHub numbers repeated anchors: `a`, `a-1`, `a-2`.
            let base = slug(heading);
            let mut anchor = base.clone();
            while seen.contains_key(&anchor) {
                let count = seen.entry(base.clone()).or_default();
                *count += 1;
                anchor = format!("{base}-{count}");
            }
            seen.insert(anchor.clone(), 0);
            page.anchors.insert(anchor);
        }
        if let Some((label, target)) = definition(line) {
            definitions.entry(label).or_insert((n + 1, target));
            prose.push(String::new());
            continue;
        }
        prose.push(line.to_owned());
    }
    for (label, (line, target)) in &definitions {
        page.links.push(Link {
            line: *line,
            written: format!("[{label}]: {target}"),
            target: target.clone(),
        });
    }

    let prose = prose.join("\n");
    // Code spans are blanked where links are looked for; the links are
    // shown as written.
    let chars = without_code_spans(&prose);
    let original: Vec<char> = prose.chars().collect();
    let line_of = |at: usize| chars[..at].iter().filter(|&&c| c == '\n').count() + 1;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' {
            i += 2;
            continue;
        }
        if chars[i] != '[' {
            i += 1;
            continue;
        }
        let Some(close) = matching(&chars, i, '[', ']') else {
            i += 1;
            continue;
        };
        let text: String = original[i + 1..close].iter().collect();
        let after = chars.get(close + 1).copied();
        let found = match after {
            Some('(') => matching(&chars, close + 1, '(', ')').map(|end| {
                let inside: String = chars[close + 2..end].iter().collect();
                let written: String = original[i..=end].iter().collect();
                (destination(&inside).unwrap_or_default(), written)
            }),
            Some('[') => matching(&chars, close + 1, '[', ']').map(|end| {
                let label: String = original[close + 2..end].iter().collect();
                let label = if label.trim().is_empty() {
                    text.clone()
                } else {
                    label
                };
                let written: String = original[i..=end].iter().collect();
                let target = definitions.get(&normalize_label(&label)).map_or_else(
                    || format!("\0undefined reference `{label}`"),
                    |(_, t)| t.clone(),
                );
                (target, written)
            }),
            // A shortcut reference `[label]`, when the label is defined.
            _ => definitions
                .get(&normalize_label(&text))
                .map(|(_, t)| (t.clone(), format!("[{text}]"))),
        };
        if let Some((target, written)) = found {
            page.links.push(Link {
                line: line_of(i),
                written: written.split_whitespace().collect::<Vec<_>>().join(" "),
                target,
            });
        }
        // Go on inside the brackets: an image may sit inside a link's text.
        i += 1;
    }
    page.links.sort_by_key(|l| l.line);
    page
}

/// The text with every code span's content (backticks included) made
/// spaces; newlines stay, so that line numbers hold. A run of backticks
/// with no closing run of the same length is literal.
fn without_code_spans(text: &str) -> Vec<char> {
    let mut chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' {
            i += 2;
            continue;
        }
        if chars[i] != '`' {
            i += 1;
            continue;
        }
        let n = chars[i..].iter().take_while(|&&c| c == '`').count();
        let mut j = i + n;
        let mut end = None;
        while j < chars.len() {
            if chars[j] == '`' {
                let m = chars[j..].iter().take_while(|&&c| c == '`').count();
                if m == n {
                    end = Some(j + m);
                    break;
                }
                j += m;
            } else if chars[j] == '\n' && chars.get(j + 1) == Some(&'\n') {
                break;
            } else {
                j += 1;
            }
        }
        match end {
            Some(end) => {
                for c in &mut chars[i..end] {
                    if *c != '\n' {
                        *c = ' ';
                    }
                }
                i = end;
            }
            None => i += n,
        }
    }
    chars
}

/// `%E6%AF%94` and the like, decoded; anything else as it is.
fn percent_decode(s: &str) -> String {
    let hex = |b: u8| char::from(b).to_digit(16);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push(u8::try_from(hi * 16 + lo).unwrap_or_default());
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Reads and scans a page once; `None` when it cannot be read.
fn load<'a>(parsed: &'a mut BTreeMap<PathBuf, Page>, path: &Path) -> Option<&'a Page> {
    if !parsed.contains_key(path) {
        let text = std::fs::read_to_string(path).ok()?;
        parsed.insert(path.to_owned(), parse(&text));
    }
    parsed.get(path)
}

/// Whether a target names a scheme (`https:`, `mailto:`): not a file here.
fn has_scheme(target: &str) -> bool {
    let Some((scheme, _)) = target.split_once(':') else {
        return false;
    };
    scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        && !scheme.contains('/')
}

/// Every broken link of `files` (paths under `root`), one message each:
/// `file:line: [text](target): what is wrong`.
fn broken_links(root: &Path, files: &[PathBuf]) -> Vec<String> {
    let root = root
        .canonicalize()
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()));
    let mut parsed: BTreeMap<PathBuf, Page> = BTreeMap::new();
    let mut failures = Vec::new();
    for file in files {
        let file = file
            .canonicalize()
            .unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let shown = file
            .strip_prefix(&root)
            .unwrap_or(&file)
            .display()
            .to_string();
        let links: Vec<(usize, String, String)> = load(&mut parsed, &file)
            .unwrap_or_else(|| panic!("cannot read {}", file.display()))
            .links
            .iter()
            .map(|l| (l.line, l.written.clone(), l.target.clone()))
            .collect();
        for (line, written, target) in links {
            let mut fail = |why: String| failures.push(format!("{shown}:{line}: {written}: {why}"));
            if let Some(why) = target.strip_prefix('\0') {
                fail(why.to_owned());
                continue;
            }
            if target.is_empty() {
                fail("empty target".to_owned());
                continue;
            }
            if has_scheme(&target) || target.starts_with("//") {
                continue; // a web address: not fetched
            }
            let (path, fragment) = match target.split_once('#') {
                Some((p, f)) => (p, Some(percent_decode(f))),
                None => (target.as_str(), None),
            };
            let path = percent_decode(path.split('?').next().unwrap_or_default());
            let dest = if path.is_empty() {
                file.clone()
            } else {
                let joined = match path.strip_prefix('/') {
                    Some(from_root) => root.join(from_root),
                    None => file.parent().unwrap_or(&root).join(&path),
                };
                match joined.canonicalize() {
                    Ok(p) if p.starts_with(&root) => p,
                    Ok(_) => {
                        fail(format!("`{path}` is outside the repository"));
                        continue;
                    }
                    Err(_) => {
                        fail(format!("no such file `{path}`"));
                        continue;
                    }
                }
            };
            let Some(fragment) = fragment else { continue };
            if dest.extension().is_none_or(|x| x != "md") {
                continue; // a fragment of a source file (`#L10`) is not a heading
            }
            let Some(target_page) = load(&mut parsed, &dest) else {
                fail(format!("cannot read `{path}`"));
                continue;
            };
            if !target_page.anchors.contains(&fragment) {
                let page = dest
                    .strip_prefix(&root)
                    .unwrap_or(&dest)
                    .display()
                    .to_string();
                fail(format!(
                    "no heading with the anchor `#{fragment}` in {page}"
                ));
            }
        }
    }
    failures
}

fn assert_none(failures: &[String], what: &str) {
    assert!(
        failures.is_empty(),
        "{} {what}:\n  {}",
        failures.len(),
        failures.join("\n  ")
    );
}

#[test]
fn docs_links_resolve() {
    let root = util::root();
    assert_none(
        &broken_links(&root, &pages(&root)),
        "broken link(s) in README.md and docs/",
    );
}

#[test]
fn docs_pages_are_all_linked_from_the_readme_or_the_index() {
    let root = util::root().canonicalize().unwrap();
    let mut linked = BTreeSet::new();
    for from in [root.join("README.md"), root.join("docs/README.md")] {
        let page = parse(&std::fs::read_to_string(&from).unwrap());
        for link in page.links {
            let path = link.target.split('#').next().unwrap_or_default();
            if path.is_empty() || has_scheme(path) {
                continue;
            }
            if let Ok(p) = from
                .parent()
                .unwrap()
                .join(percent_decode(path))
                .canonicalize()
            {
                linked.insert(p);
            }
        }
    }
    let orphans: Vec<String> = pages(&root)
        .into_iter()
        .skip(1) // README.md itself
        .filter(|p| !linked.contains(p))
        .map(|p| {
            format!(
                "{} is linked from neither README.md nor docs/README.md",
                p.strip_prefix(&root).unwrap().display()
            )
        })
        .collect();
    assert_none(&orphans, "page(s) nobody links to");
}

#[test]
fn docs_readme_stays_a_front_door() {
    let readme = std::fs::read_to_string(util::root().join("README.md")).unwrap();
    let lines = readme.lines().count();
    assert!(
        lines < 400,
        "README.md has {lines} lines; the reference belongs in docs/"
    );
    assert!(
        readme.contains("cargo test"),
        "README.md must name the test command"
    );
}

#[test]
fn docs_slugs_are_githubs() {
    assert_eq!(
        slug("Quick start — the two commands"),
        "quick-start--the-two-commands"
    );
    assert_eq!(slug("What `check` reports"), "what-check-reports");
    assert_eq!(
        slug("Importing bills: Open States, LegiScan, unitedstates/congress"),
        "importing-bills-open-states-legiscan-unitedstatescongress"
    );
    assert_eq!(
        slug("The loop-safe walker and the lock (2026-11-29)"),
        "the-loop-safe-walker-and-the-lock-2026-11-29"
    );
    assert_eq!(slug("比特幣 儲備"), "比特幣-儲備");
    assert_eq!(
        slug("snake_case and [a link](x.md) <em>here</em>"),
        "snake_case-and-a-link-here"
    );
    let page = parse("# A\n\n## The mapping\n\n```\n# not a heading\n```\n\n## The mapping\n### The mapping ###\n");
    let anchors: Vec<&str> = page.anchors.iter().map(String::as_str).collect();
    assert_eq!(
        anchors,
        ["a", "the-mapping", "the-mapping-1", "the-mapping-2"]
    );
}

#[test]
fn docs_checker_reports_each_broken_link_with_its_line() {
    let dir = util::tmp();
    std::fs::create_dir(dir.path().join("docs")).unwrap();
    std::fs::write(
        dir.path().join("README.md"),
        "# Top\n\nSee [the page](docs/page.md#real-heading) and [`gone`](docs/gone.md).\n\
         A [bad anchor](docs/page.md#no-such-heading), [here](#top), [not here](#nowhere),\n\
         [a ref][r] and [an undefined ref][nope], `[in code](nowhere.md)`, [the web](https://example.com/x).\n\
         A [link that spans\nlines](docs/missing.md).\n\n\
         ```md\n[in a fence](nowhere.md)\n```\n\n[r]: docs/page.md#real-heading\n[s]: docs/also-gone.md\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("docs/page.md"),
        "# Page\n\n## Real heading\n\n[up](../README.md#top) [out](../../x.md)\n",
    )
    .unwrap();
    let files = pages(dir.path());
    let failures = broken_links(dir.path(), &files);
    let got: Vec<&str> = failures.iter().map(String::as_str).collect();
    assert_eq!(
        got,
        [
            "README.md:3: [`gone`](docs/gone.md): no such file `docs/gone.md`",
            "README.md:4: [bad anchor](docs/page.md#no-such-heading): no heading with the anchor `#no-such-heading` in docs/page.md",
            "README.md:4: [not here](#nowhere): no heading with the anchor `#nowhere` in README.md",
            "README.md:5: [an undefined ref][nope]: undefined reference `nope`",
            "README.md:6: [link that spans lines](docs/missing.md): no such file `docs/missing.md`",
            "README.md:14: [s]: docs/also-gone.md: no such file `docs/also-gone.md`",
            "docs/page.md:5: [out](../../x.md): no such file `../../x.md`",
        ],
        "{failures:#?}"
    );
}
