//! `policygraph site`: the static web site. The site is built by the real
//! binary into temporary directories; pages are checked as files (escaping,
//! links, determinism, incremental rebuilds) and in headless Chromium
//! (search, language switch, diagram links), when it is installed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::util;

/// Builds the site of `knowledge` into `out`; returns the JSON report and
/// stderr. Fails the test on a non-zero exit.
fn build(knowledge: &Path, index: &Path, out: &Path, extra: &[&str]) -> (Value, String) {
    let mut args = vec!["--json", "site", "-o", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = util::run_with_index(knowledge, index, &args);
    assert_eq!(code, 0, "site {extra:?} failed:\n{stdout}\n{stderr}");
    let report =
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    (report, stderr)
}

/// The diagram layouts to build with: the built-in one, and Graphviz's
/// when it is installed.
fn layouts() -> Vec<&'static str> {
    let mut layouts = vec!["builtin"];
    if util::have("dot") {
        layouts.push("dot");
    }
    layouts
}

/// Every file of a site, relative path to bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

fn read(dir: &Path, rel: &str) -> String {
    std::fs::read_to_string(dir.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Undoes the HTML escapes minijinja writes in attribute values.
fn unescape(s: &str) -> String {
    s.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#45;", "-")
        .replace("&amp;", "&")
}

/// The values of `href`, `xlink:href` and `src` attributes in a page.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " xlink:href=\"", " src=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            let end = rest.find('"').unwrap();
            out.push(unescape(&rest[..end]));
            rest = &rest[end..];
        }
    }
    out
}

/// The `id` attributes of a page.
fn ids(html: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = html;
    while let Some(at) = rest.find(" id=\"") {
        rest = &rest[at + 5..];
        let end = rest.find('"').unwrap();
        out.insert(unescape(&rest[..end]));
    }
    out
}

/// `base/../x` without touching the file system.
fn join(base: &Path, rel: &str) -> PathBuf {
    let mut out = PathBuf::new();
    for c in base.join(rel).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            c => out.push(c),
        }
    }
    out
}

/// Checks every internal link and fragment of a site, and that every page
/// but the root is linked from another page. Returns the number of links.
fn check_links(site: &Path) -> usize {
    let all = files(site);
    let pages: BTreeMap<&String, String> = all
        .iter()
        .filter(|(k, _)| k.ends_with(".html"))
        .map(|(k, v)| (k, String::from_utf8(v.clone()).unwrap()))
        .collect();
    let mut linked: BTreeSet<String> = BTreeSet::new();
    let mut count = 0;
    for (rel, html) in &pages {
        let dir = Path::new(rel.as_str()).parent().unwrap_or(Path::new(""));
        for l in links(html) {
            if l.starts_with("http://") || l.starts_with("https://") {
                continue;
            }
            assert!(!l.contains(':'), "{rel}: unexpected scheme in link `{l}`");
            count += 1;
            let (path, frag) = match l.split_once('#') {
                Some((p, f)) => (p, Some(f)),
                None => (l.as_str(), None),
            };
            let path = path.split('?').next().unwrap();
            let target = if path.is_empty() {
                PathBuf::from(rel.as_str())
            } else {
                join(dir, path)
            };
            let key = target.to_string_lossy().into_owned();
            assert!(
                all.contains_key(&key),
                "{rel}: broken link `{l}` (to {key})"
            );
            if let (Some(f), Some(t)) = (frag, pages.get(&key)) {
                assert!(
                    ids(t).contains(f),
                    "{rel}: link `{l}` to a missing fragment"
                );
            }
            if key != **rel {
                linked.insert(key);
            }
        }
    }
    for rel in pages.keys() {
        if rel.as_str() != "index.html" {
            assert!(linked.contains(rel.as_str()), "orphan page: {rel}");
        }
    }
    count
}

#[test]
fn shipped_site_builds_without_warning_and_every_link_resolves() {
    let idx = util::tmp();
    let out = util::tmp();
    let site = out.path().join("site");
    let (report, err) = build(
        &util::shipped(),
        idx.path(),
        &site,
        &["--diagrams", "builtin"],
    );
    assert!(!err.to_lowercase().contains("warning"), "{err}");
    let n = report["entities"].as_u64().unwrap();
    assert!(n >= 70, "{report}");
    for rel in [
        "index.html",
        "en/index.html",
        "zh-Hant/index.html",
        "zh-Hans/index.html",
        "en/e/eo-14330.html",
        "zh-Hant/e/eo-14330.html",
        "en/search.html",
        "en/deadlines.html",
        "en/timeline/index.html",
        "en/kind/executive_order.html",
        "en/jurisdiction/states.html",
        "assets/style.css",
        "assets/search.js",
        "assets/search-data.js",
    ] {
        assert!(site.join(rel).is_file(), "missing {rel}");
    }
    let links = check_links(&site);
    assert!(links > 1000, "only {links} links");
    // No external assets: nothing is loaded from another host.
    for (rel, bytes) in files(&site) {
        let text = String::from_utf8_lossy(&bytes);
        for pat in ["src=\"http", "href=\"//", "@import", "url(http"] {
            assert!(!text.contains(pat), "{rel} loads an external asset ({pat})");
        }
        if rel.ends_with(".html") && rel != "index.html" {
            assert!(
                text.contains("<link rel=\"stylesheet\""),
                "{rel} has no style sheet"
            );
        }
    }
}

#[test]
fn synthetic_site_builds_without_warning() {
    let dir = util::tmp();
    let k = dir.path().join("knowledge");
    let (code, _, err) = util::run(&k, &["synth", "300", k.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let site = dir.path().join("site");
    let (report, err) = build(
        &k,
        &dir.path().join("index"),
        &site,
        &["--diagrams", "builtin"],
    );
    assert!(!err.to_lowercase().contains("warning"), "{err}");
    assert_eq!(report["entities"], 300, "{report}");
    check_links(&site);
}

#[test]
fn entity_pages_answer_as_the_cli_does() {
    let idx = util::tmp();
    let out = util::tmp();
    let site = out.path().join("s");
    build(
        &util::shipped(),
        idx.path(),
        &site,
        &["--diagrams", "builtin"],
    );
    // "Which agencies" on a directive page: the ids `agencies` prints, in
    // its order.
    let (code, stdout, err) = util::run_with_index(
        &util::shipped(),
        idx.path(),
        &["--json", "agencies", "eo-14330"],
    );
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let expected: Vec<String> = v["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(expected.len() >= 3, "{expected:?}");
    let html = read(&site, "en/e/eo-14330.html");
    let section = &html[html.find("id=\"h-agencies\"").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    let shown: Vec<String> = section
        .split("<li>")
        .skip(1)
        .map(|li| {
            let l = links(li);
            let first = l.first().unwrap();
            first
                .rsplit('/')
                .next()
                .unwrap()
                .trim_end_matches(".html")
                .to_owned()
        })
        .collect();
    assert_eq!(shown, expected);
    // The reason chains are there, as the CLI writes them.
    assert!(section.contains("─directs→"), "{section}");
    // Deadlines: as many on the deadlines page as `deadlines` lists.
    let (code, stdout, err) =
        util::run_with_index(&util::shipped(), idx.path(), &["--json", "deadlines"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let n = v["deadlines"].as_array().unwrap().len();
    let page = read(&site, "en/deadlines.html");
    assert_eq!(page.matches("<tr class=\"dl-").count(), n, "deadlines page");
    // Timeline: every event `timeline` lists is on its year's page.
    let (code, stdout, err) =
        util::run_with_index(&util::shipped(), idx.path(), &["--json", "timeline"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    let mut per_year: BTreeMap<String, usize> = BTreeMap::new();
    for ev in v["events"].as_array().unwrap() {
        *per_year
            .entry(ev["date"].as_str().unwrap()[..4].to_owned())
            .or_default() += 1;
    }
    for (year, n) in per_year {
        let page = read(&site, &format!("en/timeline/{year}.html"));
        assert_eq!(page.matches("<tr><td><time").count(), n, "timeline {year}");
    }
    // Relations both ways: the incoming side of an agency.
    let dol = read(&site, "en/e/dol.html");
    assert!(
        dol.contains("directed by"),
        "incoming relations grouped by inverse name"
    );
    assert!(
        links(&dol).iter().any(|l| l.ends_with("/e/eo-14330.html")),
        "dol links back to the order"
    );
}

#[test]
fn builds_are_deterministic() {
    let idx = util::tmp();
    let out = util::tmp();
    let layouts = layouts();
    for layout in layouts {
        let a = out.path().join(format!("{layout}-a"));
        let b = out.path().join(format!("{layout}-b"));
        let opts = ["--diagrams", layout];
        build(&util::fixture("graph"), idx.path(), &a, &opts);
        build(&util::fixture("graph"), idx.path(), &b, &opts);
        let (fa, fb) = (files(&a), files(&b));
        assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
        for (k, v) in &fa {
            assert!(v == &fb[k], "{layout}: {k} differs between two builds");
        }
        // Building again in place rewrites nothing.
        let (report, _) = build(&util::fixture("graph"), idx.path(), &a, &opts);
        assert_eq!(report["written"], 0, "{report}");
        assert_eq!(report["rendered"], 0, "{report}");
        assert_eq!(files(&a), fa);
    }
    // Another layout is another site: every page is rendered again.
    let a = out.path().join("builtin-a");
    let (report, _) = build(
        &util::fixture("graph"),
        idx.path(),
        &a,
        &["--diagrams", "builtin", "--as-of", "2026-01-01"],
    );
    assert!(report["rendered"].as_u64().unwrap() > 0, "{report}");
}

#[cfg(unix)]
fn stamp(p: &Path) -> (u64, std::time::SystemTime, Vec<u8>) {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(p).unwrap();
    (m.ino(), m.modified().unwrap(), std::fs::read(p).unwrap())
}

#[cfg(unix)]
#[test]
fn an_edit_rewrites_only_the_pages_it_affects() {
    let dir = util::tmp();
    let k = dir.path().join("knowledge");
    util::copy_tree(&util::fixture("hostile-site"), &k);
    let idx = dir.path().join("index");
    let site = dir.path().join("site");
    let (first, _) = build(&k, &idx, &site, &["--diagrams", "builtin"]);
    assert_eq!(first["rendered"], 3, "{first}");
    let unrelated = site.join("en/e/plain-report.html");
    let affected = site.join("en/e/evil-order.html");
    let neighbour = site.join("zh-Hant/e/evil-agency.html");
    let (before_u, before_a, before_n) = (stamp(&unrelated), stamp(&affected), stamp(&neighbour));
    // Edit the agency's Chinese name: its own pages change, and so does
    // the order that names it in its relations and diagram.
    std::thread::sleep(Duration::from_millis(1100));
    let f = k.join("evil-agency.ron");
    let text = std::fs::read_to_string(&f).unwrap();
    std::fs::write(&f, text.replace("機構]]><!--", "改名的機構")).unwrap();
    let (second, _) = build(&k, &idx, &site, &["--diagrams", "builtin"]);
    assert_eq!(second["rendered"], 2, "{second}");
    let after_u = stamp(&unrelated);
    assert_eq!(before_u, after_u, "an unrelated page was rewritten");
    let after_n = stamp(&neighbour);
    assert_ne!(
        before_n.2, after_n.2,
        "the edited entity's page did not change"
    );
    assert!(String::from_utf8_lossy(&after_n.2).contains("改名的機構"));
    let after_a = stamp(&affected);
    // The English page of the order shows English names only: same bytes.
    assert_eq!(before_a.2, after_a.2);
    let zh_order = read(&site, "zh-Hant/e/evil-order.html");
    assert!(
        zh_order.contains("改名的機構"),
        "the order's Chinese page names the agency anew"
    );
    // Nothing half-built is left beside the site.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn hostile_names_render_as_text() {
    let idx = util::tmp();
    let out = util::tmp();
    let layouts = layouts();
    for layout in layouts {
        let site = out.path().join(layout);
        build(
            &util::fixture("hostile-site"),
            idx.path(),
            &site,
            &["--diagrams", layout],
        );
        for (rel, bytes) in files(&site) {
            if !rel.ends_with(".html") {
                continue;
            }
            let html = String::from_utf8(bytes).unwrap();
            let scripts = html.matches("<script").count();
            let allowed = if rel.ends_with("search.html") { 2 } else { 0 };
            assert_eq!(scripts, allowed, "{layout} {rel}: a <script> got through");
            for bad in [
                "<img",
                "<svg onload",
                "</title><",
                "<b>bold",
                "<i>ID",
                "javascript:alert('pg-xss-url')\"",
            ] {
                assert!(!html.contains(bad), "{layout} {rel}: `{bad}` is raw");
            }
            assert_eq!(
                html.matches("</title>").count(),
                html.matches("<title").count(),
                "{layout} {rel}"
            );
            assert!(!html.contains("href=\"javascript"), "{layout} {rel}");
        }
        let page = read(&site, "en/e/evil-order.html");
        assert!(
            page.contains("&lt;script&gt;alert("),
            "the name shows as text"
        );
        assert!(
            page.contains("\u{202E}reversed"),
            "RTL marks are kept as text"
        );
        // A javascript: source is shown but not linked; an https one is.
        assert!(page.contains("https:"), "{page}");
        let zh = read(&site, "zh-Hant/e/evil-order.html");
        assert!(
            zh.contains("惡意命令&lt;&#x2f;h1&gt;&lt;img"),
            "Chinese name escaped"
        );
    }
}

#[test]
fn bad_options_fail_cleanly() {
    let out = util::tmp();
    let file = out.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let (code, _, err) = util::run(
        &util::fixture("graph"),
        &["site", "-o", file.to_str().unwrap()],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not a directory"), "{err}");
    let busy = out.path().join("busy");
    std::fs::create_dir(&busy).unwrap();
    std::fs::write(busy.join("keep.txt"), "mine").unwrap();
    let (code, _, err) = util::run(
        &util::fixture("graph"),
        &["site", "-o", busy.to_str().unwrap()],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("holds no policygraph site"), "{err}");
    assert_eq!(
        std::fs::read_to_string(busy.join("keep.txt")).unwrap(),
        "mine"
    );
    let (code, _, err) = util::run(
        &util::fixture("graph"),
        &[
            "--lang",
            "fr",
            "site",
            "-o",
            out.path().join("s").to_str().unwrap(),
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("zh-Hant"), "{err}");
    let (code, _, err) = util::run(
        &util::fixture("graph"),
        &[
            "site",
            "-o",
            out.path().join("s").to_str().unwrap(),
            "--jurisdiction",
            "U$",
        ],
    );
    assert_eq!(code, 2, "{err}");
    assert!(!out.path().join("s").exists());
}

// ------------------------------------------------- the reader's language

/// Every string literal of the RON files under `dir`: names, summaries,
/// notes, titles, ids, identifiers, addresses. Whatever a page shows from
/// the knowledge is one of them (or a piece of one); the interface words
/// are not, since vocabularies (kinds, stages, relations, schemes) are
/// written bare in RON (`kind: bill`).
fn knowledge_strings(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        if entry.path().extension().is_some_and(|x| x == "ron") {
            ron_strings(&std::fs::read_to_string(entry.path()).unwrap(), &mut out);
        }
    }
    out
}

/// The string literals of one RON text, unescaped (comments skipped, raw
/// strings read).
fn ron_strings(text: &str, out: &mut Vec<String>) {
    let c: Vec<char> = text.chars().collect();
    let ident = |ch: char| ch.is_alphanumeric() || ch == '_';
    let mut i = 0;
    while i < c.len() {
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            i += 2;
            while i + 1 < c.len() && !(c[i] == '*' && c[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c[i] == 'r'
            && (i == 0 || !ident(c[i - 1]))
            && matches!(c.get(i + 1), Some('"') | Some('#'))
        {
            let mut j = i + 1;
            let mut hashes = 0;
            while c.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if c.get(j) != Some(&'"') {
                i += 1;
                continue;
            }
            j += 1;
            let mut s = String::new();
            while j < c.len() {
                if c[j] == '"' && (0..hashes).all(|k| c.get(j + 1 + k) == Some(&'#')) {
                    break;
                }
                s.push(c[j]);
                j += 1;
            }
            out.push(s);
            i = j + 1 + hashes;
        } else if c[i] == '"' {
            let mut j = i + 1;
            let mut s = String::new();
            while j < c.len() && c[j] != '"' {
                if c[j] == '\\' {
                    j += 1;
                    match c.get(j) {
                        Some('n') => s.push('\n'),
                        Some('t') => s.push('\t'),
                        Some('r') => s.push('\r'),
                        Some('0') => s.push('\0'),
                        Some('u') => {
                            let end = (j..c.len()).find(|&k| c[k] == '}').unwrap();
                            let hex: String = c[j + 2..end].iter().collect();
                            s.push(char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap());
                            j = end;
                        }
                        Some('x') => {
                            let hex: String = c[j + 1..j + 3].iter().collect();
                            s.push(char::from(u8::from_str_radix(&hex, 16).unwrap()));
                            j += 2;
                        }
                        Some(&other) => s.push(other),
                        None => {}
                    }
                } else {
                    s.push(c[j]);
                }
                j += 1;
            }
            out.push(s);
            i = j + 1;
        } else {
            i += 1;
        }
    }
}

/// Text as pages show it: control and bidirectional characters as
/// spaces, runs of whitespace as one space, trimmed.
fn squash(s: &str) -> String {
    s.chars()
        .map(|ch| {
            if ch.is_control() || matches!(ch, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{200E}' | '\u{200F}' | '\u{061C}') {
                ' '
            } else {
                ch
            }
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Decodes the character references of HTML and SVG text.
fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let ch = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some('\u{a0}'),
            n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match ch {
            Some(ch) => {
                out.push(ch);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// What a reader sees of a page: its text, and the attributes a browser
/// shows (tooltips, labels, placeholders, the search page's messages).
/// Scripts, styles and comments are left out, and so are the entity's
/// free tags (`<span class="tag">`), which are knowledge written as
/// words (`agency`, `vetoed`) and shown as written. Each piece comes
/// with whether it is the text of a diagram, where names are wrapped
/// and cut into lines.
fn visible_pieces(html: &str) -> Vec<(String, bool)> {
    let mut page = html.to_owned();
    for (open, close) in [
        ("<script", "</script>"),
        ("<style", "</style>"),
        ("<!--", "-->"),
    ] {
        while let Some(a) = page.find(open) {
            let b = page[a..]
                .find(close)
                .map_or(page.len(), |b| a + b + close.len());
            page.replace_range(a..b, " ");
        }
    }
    let mut pieces = Vec::new();
    let mut rest = page.as_str();
    let mut in_tag_span = false;
    let mut in_svg = false;
    while let Some(lt) = rest.find('<') {
        if !in_tag_span {
            pieces.push((rest[..lt].to_owned(), in_svg));
        }
        let gt = rest[lt..].find('>').map_or(rest.len(), |g| lt + g);
        let tag = &rest[lt..gt];
        in_tag_span = tag.starts_with("<span class=\"tag\"");
        if tag.starts_with("<svg") {
            in_svg = true;
        } else if tag.starts_with("</svg") {
            in_svg = false;
        }
        for attr in [
            " title=\"",
            " xlink:title=\"",
            " aria-label=\"",
            " placeholder=\"",
            " alt=\"",
            " data-results=\"",
            " data-none=\"",
        ] {
            if let Some(a) = tag.find(attr) {
                let v = &tag[a + attr.len()..];
                pieces.push((v[..v.find('"').unwrap_or(v.len())].to_owned(), in_svg));
            }
        }
        rest = &rest[(gt + 1).min(rest.len())..];
    }
    pieces.push((rest.to_owned(), in_svg));
    pieces
        .iter()
        .map(|(p, svg)| (squash(&decode(p)), *svg))
        .filter(|(p, _)| !p.is_empty())
        .collect()
}

fn word_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || ch == '_'
}

/// The words of a text, lowercased: runs of ASCII letters, digits and `_`
/// (so `legend_agency` is one word, and `signed` is not inside it).
fn words_of(s: &str) -> Vec<String> {
    s.split(|ch: char| !word_char(ch))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect()
}

/// The English interface words of the site, lowercased, generated from
/// the closed vocabularies (every kind, stage, relation both ways,
/// identifier scheme and confidence, in snake case and in words), the
/// English interface table, and the diagrams' and figures' own words.
fn interface_words() -> BTreeSet<String> {
    use policygraph::model::{Confidence, IdScheme, Kind, RelationKind, Stage};
    use policygraph::site::Lang;
    let mut names: Vec<String> = Vec::new();
    names.extend(Kind::ALL.iter().map(|k| k.name().to_owned()));
    names.extend(Stage::ALL.iter().map(|s| s.name().to_owned()));
    names.extend(RelationKind::ALL.iter().map(|r| r.name().to_owned()));
    names.extend(
        RelationKind::ALL
            .iter()
            .map(|r| r.inverse_name().to_owned()),
    );
    names.extend(IdScheme::ALL.iter().map(|s| s.name().to_owned()));
    names.extend(Confidence::ALL.iter().map(|c| c.name().to_owned()));
    let spaced: Vec<String> = names.iter().map(|n| n.replace('_', " ")).collect();
    names.extend(spaced);
    for w in [
        "Legend",
        "relations",
        "since",
        "by",
        "trillion",
        "billion",
        "million",
    ] {
        names.push(w.to_owned());
    }
    // The interface table, where Chinese has a word of its own.
    let hant = Lang::ZhHant.words();
    for (k, en) in Lang::En.words() {
        if hant.get(k) != Some(&en) {
            names.push(en.to_owned());
        }
    }
    names
        .iter()
        .map(|n| n.to_ascii_lowercase())
        .filter(|n| !words_of(n).is_empty())
        .collect()
}

/// English that Chinese pages write on purpose: the language switch's
/// endonym, the program's name, and names of services.
const PROPER_NOUNS: &[&str] = &[
    "English",
    "policygraph",
    "JavaScript",
    "Open States",
    "LegiScan",
    "GovTrack",
];

/// Finds interface words in a piece of text once the knowledge is taken
/// out of it: whole knowledge strings at word boundaries, and a
/// knowledge string cut short before an ellipsis. A piece that is a
/// knowledge string, or in a diagram lies within one (a wrapped line of
/// a name), is knowledge, unless it is an interface word and nothing
/// else (a status badge reading `signed`, a heading reading `covers`).
struct Scanner {
    /// Interface words, as sequences of words to find whole.
    vocab: Vec<Vec<String>>,
    /// Knowledge strings, squashed, longest first.
    data: Vec<String>,
    /// The same, sorted, for prefix look-ups.
    sorted: Vec<String>,
    exact: BTreeSet<String>,
    /// Every knowledge string, one per line.
    joined: String,
}

impl Scanner {
    fn new(knowledge: &Path) -> Scanner {
        let words = interface_words();
        let mut vocab: Vec<Vec<String>> = words.iter().map(|w| words_of(w)).collect();
        vocab.sort();
        vocab.dedup();
        let mut data: Vec<String> = knowledge_strings(knowledge)
            .iter()
            .map(|s| squash(s))
            .filter(|s| !s.is_empty())
            // A knowledge string that is itself one interface word (a tag
            // `vetoed`) must not hide that word wherever it appears; a
            // longer one (the publisher `Federal Register`) is knowledge.
            .filter(|s| !(words.contains(&s.to_ascii_lowercase()) && words_of(s).len() == 1))
            .collect();
        data.sort();
        data.dedup();
        let sorted = data.clone();
        data.sort_by_key(|s| std::cmp::Reverse(s.len()));
        Scanner {
            vocab,
            exact: data.iter().cloned().collect(),
            joined: data.join("\n"),
            data,
            sorted,
        }
    }

    fn hits(&self, text: &str) -> Vec<String> {
        let w = words_of(text);
        self.vocab
            .iter()
            .filter(|v| w.windows(v.len()).any(|win| win == v.as_slice()))
            .map(|v| v.join(" "))
            .collect()
    }

    /// The interface words left in `piece` once the knowledge is out.
    fn scan(&self, piece: &str, in_svg: bool) -> Vec<String> {
        let mut text = piece.to_owned();
        for p in PROPER_NOUNS {
            text = text.replace(p, " ");
        }
        if self.hits(&text).is_empty() {
            return Vec::new();
        }
        // A piece that is knowledge, whole or cut, unless it reads as
        // one interface word and nothing else.
        let core = piece.trim_end_matches('…').trim();
        if !self.vocab.contains(&words_of(core))
            && (self.exact.contains(piece) || in_svg && self.joined.contains(core))
        {
            return Vec::new();
        }
        // A knowledge string cut short with an ellipsis (a tooltip),
        // before anything inside it is taken out.
        while let Some(at) = text.find('…') {
            let before = &text[..at];
            let starts: Vec<usize> = before
                .char_indices()
                .filter(|&(k, ch)| {
                    !ch.is_whitespace() && (k == 0 || before[..k].ends_with(char::is_whitespace))
                })
                .map(|(k, _)| k)
                .collect();
            let mut cut = at;
            for s in starts {
                let tail = before[s..].trim_end();
                if tail.chars().count() < 12 {
                    break;
                }
                let k = self.sorted.partition_point(|d| d.as_str() < tail);
                if self.sorted.get(k).is_some_and(|d| d.starts_with(tail)) {
                    cut = s;
                    break;
                }
            }
            text.replace_range(cut..at + '…'.len_utf8(), " ");
        }
        // Whole knowledge strings, at word boundaries.
        for d in &self.data {
            if !text.contains(d.as_str()) {
                continue;
            }
            let first = d.chars().next().is_some_and(word_char);
            let last = d.chars().last().is_some_and(word_char);
            let mut out = String::with_capacity(text.len());
            let mut rest = text.as_str();
            while let Some(at) = rest.find(d.as_str()) {
                out.push_str(&rest[..at]);
                let before = out.chars().last().is_some_and(word_char);
                let after = rest[at + d.len()..].chars().next().is_some_and(word_char);
                if (before && first) || (after && last) {
                    out.push_str(d);
                } else {
                    out.push(' ');
                }
                rest = &rest[at + d.len()..];
            }
            out.push_str(rest);
            text = out;
        }
        self.hits(&text)
    }
}

/// What English interface words the Chinese pages of a site show (none,
/// when they show no status, kind, relation, identifier scheme, legend
/// or "since" outside the names and texts of the knowledge itself), as a
/// report to fail with.
fn english_on_chinese_pages(site: &Path, scanner: &Scanner, layout: &str) -> Option<String> {
    let mut found: BTreeMap<String, (usize, String, String)> = BTreeMap::new();
    let mut seen: BTreeMap<(String, bool), Vec<String>> = BTreeMap::new();
    let mut pages = 0;
    for (rel, bytes) in files(site) {
        if !(rel.starts_with("zh-Hant/") || rel.starts_with("zh-Hans/")) || !rel.ends_with(".html")
        {
            continue;
        }
        pages += 1;
        let html = String::from_utf8(bytes).unwrap();
        // Graphviz's hover titles of the legend are DOT names, unless
        // the site gives them words.
        for made_up in ["<title>cluster_legend<", "<title>legend_"] {
            if html.contains(made_up) {
                let e =
                    found
                        .entry(made_up.to_owned())
                        .or_insert((0, rel.clone(), made_up.to_owned()));
                e.0 += 1;
            }
        }
        for (piece, in_svg) in visible_pieces(&html) {
            let hits = seen
                .entry((piece.clone(), in_svg))
                .or_insert_with(|| scanner.scan(&piece, in_svg));
            for h in hits.iter() {
                let e = found
                    .entry(h.clone())
                    .or_insert((0, rel.clone(), piece.clone()));
                e.0 += 1;
            }
        }
    }
    assert!(pages > 100, "{layout}: only {pages} Chinese pages");
    if !found.is_empty() {
        let report: Vec<String> = found
            .iter()
            .map(|(w, (n, rel, piece))| {
                let piece: String = piece.chars().take(120).collect();
                format!("  `{w}` ×{n}, first in {rel}: {piece:?}")
            })
            .collect();
        return Some(format!(
            "{layout}: English interface words on Chinese pages ({} words):\n{}",
            found.len(),
            report.join("\n")
        ));
    }
    None
}

#[test]
fn chinese_pages_show_no_english_interface_words() {
    let scanner = Scanner::new(&util::shipped());
    // The scanner itself: interface words are found, knowledge is not.
    assert_eq!(scanner.scan("published", false), vec!["published"]);
    assert_eq!(scanner.scan("vetoed", true), vec!["vetoed"]);
    assert!(scanner
        .scan("─directs→", false)
        .contains(&"directs".to_owned()));
    assert!(scanner.scan("Legend", true).contains(&"legend".to_owned()));
    assert!(scanner
        .scan("8.7 trillion", false)
        .contains(&"trillion".to_owned()));
    assert!(scanner.scan("Pub. L. 119-27", false).is_empty());
    assert!(scanner.scan("— Federal Register,", false).is_empty());
    assert!(scanner.scan("legend_agency", true).is_empty());
    let long = scanner
        .data
        .iter()
        .find(|d| d.len() > 200 && d.is_ascii() && d[..100].contains(" published "))
        .unwrap();
    let cut = format!("某機構 (機構, US): {}…", &long[..120]);
    assert!(scanner.scan(&cut, true).is_empty(), "{cut}");
    assert!(!scanner
        .scan(&cut.replace("機構,", "agency,"), true)
        .is_empty());
    let idx = util::tmp();
    let out = util::tmp();
    let layouts = layouts();
    let mut reports = Vec::new();
    for layout in layouts {
        let site = out.path().join(layout);
        build(&util::shipped(), idx.path(), &site, &["--diagrams", layout]);
        reports.extend(english_on_chinese_pages(&site, &scanner, layout));
    }
    assert!(reports.is_empty(), "{}", reports.join("\n"));
}

/// The values of the attributes that hold addresses, as written.
fn raw_urls(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " xlink:href=\"", " src=\"", " action=\""] {
        let mut rest = html;
        while let Some(at) = rest.find(attr) {
            rest = &rest[at + attr.len()..];
            let end = rest.find('"').unwrap();
            out.push(rest[..end].to_owned());
            rest = &rest[end..];
        }
    }
    out
}

#[test]
fn links_are_written_as_addresses_not_as_escaped_text() {
    let idx = util::tmp();
    let out = util::tmp();
    let layouts = layouts();
    for layout in layouts {
        let site = out.path().join(layout);
        build(&util::shipped(), idx.path(), &site, &["--diagrams", layout]);
        let mut bad: Vec<String> = Vec::new();
        let mut n = 0;
        for (rel, bytes) in files(&site) {
            if !rel.ends_with(".html") {
                continue;
            }
            for u in raw_urls(&String::from_utf8(bytes).unwrap()) {
                n += 1;
                if u.contains("&#x2f;") || u.contains("&#47;") {
                    bad.push(format!("{rel}: {u}"));
                }
            }
        }
        assert!(n > 1000, "{layout}: only {n} addresses");
        assert!(
            bad.is_empty(),
            "{layout}: {} addresses with an escaped `/`, such as:\n{}",
            bad.len(),
            bad[..bad.len().min(5)].join("\n")
        );
    }
    // Addresses are still escaped as attribute values: a source address
    // with a quote or an ampersand cannot end the attribute.
    let site = out.path().join("hostile");
    build(
        &util::fixture("hostile-site"),
        idx.path(),
        &site,
        &["--diagrams", "builtin"],
    );
    for (rel, bytes) in files(&site) {
        if !rel.ends_with(".html") {
            continue;
        }
        for u in raw_urls(&String::from_utf8(bytes).unwrap()) {
            assert!(!u.contains(['<', '>', '\'']), "{rel}: raw `{u}`");
            let amps = u.matches('&').count();
            let refs = u.matches("&amp;").count()
                + u.matches("&quot;").count()
                + u.matches("&#x27;").count()
                + u.matches("&lt;").count()
                + u.matches("&gt;").count();
            assert_eq!(amps, refs, "{rel}: a raw `&` in `{u}`");
        }
    }
}

// ------------------------------------------------------------ in a browser

/// Headless Chromium, or `None` after saying loudly why the browser tests
/// skip. In CI (`CI` or `POLICYGRAPH_REQUIRE_TOOLS` set) a missing browser
/// fails instead.
pub(crate) fn chromium() -> Option<PathBuf> {
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        let found = Command::new(name)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if found {
            return Some(PathBuf::from(name));
        }
    }
    let required = std::env::var_os("CI").is_some()
        || std::env::var_os("POLICYGRAPH_REQUIRE_TOOLS").is_some_and(|v| v != "0");
    assert!(
        !required,
        "headless Chromium is required here (CI or POLICYGRAPH_REQUIRE_TOOLS) but is not installed: apt-get install -y chromium"
    );
    eprintln!("SKIPPED: browser tests need headless Chromium, which is not installed; run `apt-get install -y chromium` to run them");
    None
}

/// The DOM of a page after its scripts ran, as headless Chromium dumps it.
pub(crate) fn dump_dom(browser: &Path, url: &str) -> String {
    let profile = util::tmp();
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=5000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", browser.display()));
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).unwrap();
        s
    });
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("Chromium did not finish loading {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    reader.join().unwrap()
}

pub(crate) fn url(site: &Path, rel: &str) -> String {
    format!("file://{}/{rel}", site.canonicalize().unwrap().display())
}

/// The entity ids of the search results in a dumped DOM, in order.
pub(crate) fn result_ids(dom: &str) -> Vec<String> {
    let list = &dom[dom.find("id=\"search-results\"").expect("results list")..];
    let list = &list[..list.find("</ol>").unwrap()];
    // Result names are text and may hold quotes: read the links' own
    // attribute only.
    list.split("<a href=\"e/")
        .skip(1)
        .map(|s| s[..s.find(".html").unwrap()].to_owned())
        .collect()
}

#[test]
fn in_a_browser_pages_search_and_links_work() {
    let Some(browser) = chromium() else { return };
    let idx = util::tmp();
    let out = util::tmp();
    let site = out.path().join("site");
    build(
        &util::shipped(),
        idx.path(),
        &site,
        &["--diagrams", "builtin"],
    );

    // The root sends the reader to the default language's home page.
    let home = dump_dom(&browser, &url(&site, "index.html"));
    assert!(home.contains("<html lang=\"en\">"), "{home}");
    assert!(
        home.contains("href=\"kind/executive_order.html\""),
        "home lists kinds"
    );

    // An entity page in Traditional Chinese.
    let dom = dump_dom(&browser, &url(&site, "zh-Hant/e/eo-14330.html"));
    assert!(dom.contains("lang=\"zh-Hant\""), "page language");
    assert!(
        dom.contains("為 401(k) 投資者開放另類資產的行政命令"),
        "Chinese name"
    );
    assert!(
        dom.contains("勞工部"),
        "names of related entities in Chinese"
    );
    // The language switch keeps the reader on the same entity.
    let page_dir = site.join("zh-Hant/e");
    let switch: Vec<String> = links(&dom)
        .into_iter()
        .filter(|l| l.ends_with("/e/eo-14330.html"))
        .collect();
    for lang in ["en", "zh-Hans"] {
        let l = switch
            .iter()
            .find(|l| l.contains(&format!("/{lang}/")))
            .unwrap_or_else(|| panic!("no switch to {lang}: {switch:?}"));
        assert!(join(&page_dir, l).is_file(), "{l}");
        let other = dump_dom(&browser, &url(&site, &format!("{lang}/e/eo-14330.html")));
        assert!(other.contains(&format!("lang=\"{lang}\"")));
    }
    // Every diagram node links to a page that exists.
    let svg = &dom[dom.find("<svg").unwrap()..dom.find("</svg>").unwrap()];
    let diagram_links = links(svg);
    assert!(diagram_links.len() >= 5, "{diagram_links:?}");
    for l in &diagram_links {
        let p = l.split('#').next().unwrap();
        if !p.is_empty() {
            assert!(join(&page_dir, p).is_file(), "diagram link {l}");
        }
    }
    assert!(
        diagram_links.iter().any(|l| l == "dol.html"),
        "{diagram_links:?}"
    );

    // Search, in English and in Chinese (Traditional query, either script).
    let dom = dump_dom(
        &browser,
        &format!("{}?q=stablecoin", url(&site, "en/search.html")),
    );
    let hits = result_ids(&dom);
    assert!(hits.contains(&"genius-act".to_owned()), "{hits:?}");
    for lang in ["zh-Hant", "zh-Hans"] {
        let dom = dump_dom(
            &browser,
            &format!("{}?q=比特幣", url(&site, &format!("{lang}/search.html"))),
        );
        let hits = result_ids(&dom);
        assert!(hits.contains(&"eo-14233".to_owned()), "{lang}: {hits:?}");
        assert!(
            hits.contains(&"strategic-bitcoin-reserve".to_owned()),
            "{lang}: {hits:?}"
        );
        // Each result names its kind in the page's language.
        let list = &dom[dom.find("id=\"search-results\"").unwrap()..];
        let list = &list[..list.find("</ol>").unwrap()];
        assert!(
            list.contains(" · 行政命令 · US · eo-14233"),
            "{lang}: {list}"
        );
        for english in ["executive order", "program", "bill"] {
            assert!(
                !list.contains(&format!(" · {english} · ")),
                "{lang}: {list}"
            );
        }
    }
    let dom = dump_dom(
        &browser,
        &format!("{}?q=bitcoin", url(&site, "en/search.html")),
    );
    assert!(dom.contains(" · Executive order · US · eo-14233"), "{dom}");
    let simplified = dump_dom(
        &browser,
        &format!("{}?q=比特币", url(&site, "en/search.html")),
    );
    assert_eq!(
        result_ids(&simplified).len(),
        result_ids(&dump_dom(
            &browser,
            &format!("{}?q=比特幣", url(&site, "en/search.html"))
        ))
        .len(),
        "Traditional and Simplified queries find the same"
    );
    // The query box shows the query, so the link can be shared and edited.
    assert!(dom.contains("id=\"search-status\""));
}

#[test]
fn in_a_browser_hostile_names_run_no_code() {
    let Some(browser) = chromium() else { return };
    let idx = util::tmp();
    let out = util::tmp();
    let site = out.path().join("site");
    build(
        &util::fixture("hostile-site"),
        idx.path(),
        &site,
        &["--diagrams", "builtin"],
    );
    for rel in [
        "en/e/evil-order.html",
        "zh-Hant/e/evil-order.html",
        "zh-Hans/e/evil-order.html",
    ] {
        let dom = dump_dom(&browser, &url(&site, rel));
        // The title is the escaped name, not what a script would set.
        assert!(!dom.contains("<title>pg-xss"), "{rel}");
        assert!(
            !dom.contains("<script>alert"),
            "{rel}: a script element was created"
        );
        assert!(
            !dom.contains("<img src=\"x\""),
            "{rel}: an img element was created"
        );
        assert!(dom.contains("&lt;script&gt;"), "{rel}: the text is shown");
    }
    // Searching for the hostile text shows it as text. Words match whole,
    // as in the CLI: `alert` is a word of both names (`javascript:alert`),
    // and the order, which has it in every field, ranks first.
    let dom = dump_dom(
        &browser,
        &format!("{}?q=alert", url(&site, "en/search.html")),
    );
    assert_eq!(
        result_ids(&dom),
        vec!["evil-order".to_owned(), "evil-agency".to_owned()]
    );
    assert!(!dom.contains("<script>alert"));
    assert!(
        !dom.contains("<a href=\"javascript"),
        "a link was created from a name"
    );
}
