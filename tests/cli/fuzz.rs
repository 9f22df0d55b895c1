//! Fuzzing the parsers (issue 14): the RON entity loader and the search
//! query parser never panic, whatever they are given, and their errors
//! point inside the text.
//!
//! Property tests (proptest) feed arbitrary strings, token soups built from
//! each language's syntax, and mutations of real entity files (truncations,
//! byte flips, inserted syntax, deleted and repeated lines). A panic fails
//! the test with the smallest input proptest can shrink it to.
//!
//! `PG_FUZZ_CASES=N` sets the cases per property (default 300). A long run:
//! `PG_FUZZ_CASES=100000 cargo test --test cli fuzz -- --nocapture`.

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use policygraph::search::{self, SearchOptions};
use policygraph::store;

use crate::util;

fn runner() -> TestRunner {
    let cases = std::env::var("PG_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    })
}

/// Every entity file of the fixtures and of the shipped knowledge base.
fn real_files() -> Vec<String> {
    let mut out = Vec::new();
    for root in [util::root().join("tests/fixtures"), util::shipped()] {
        for e in walkdir::WalkDir::new(root).sort_by_file_name() {
            let e = e.unwrap();
            if e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "ron") {
                if let Ok(t) = std::fs::read_to_string(e.path()) {
                    out.push(t);
                }
            }
        }
    }
    assert!(out.len() > 100, "{} files", out.len());
    out
}

/// RON fragments, valid and not, that steer the parser into its corners.
const RON_BITS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "\"",
    "'",
    "\\",
    "\\u{",
    "r#\"",
    "\"#",
    "//",
    "/*",
    "*/",
    "\n",
    " ",
    "id",
    "kind",
    "name",
    "agency",
    "executive_order",
    "Some(",
    "None",
    "true",
    "1e999",
    "-0",
    "0x1F",
    "18446744073709551616",
    "relations: [",
    "(rel: directs, to: \"x\")",
    "date: \"2025-02-30\"",
    "date: \"2025-13-01\"",
    "events: [(",
    "figure: (value: ",
    "sources: []",
    "é",
    "勞工部",
    "\u{0}",
    "\u{feff}",
    "#![enable(implicit_some)]",
    "name: \"a\", name: \"b\"",
];

/// Query fragments, valid and not.
const QUERY_BITS: &[&str] = &[
    "bitcoin",
    "reserve",
    "widget",
    "AND",
    "OR",
    "NOT",
    "AND NOT",
    "-",
    "+",
    "(",
    ")",
    "\"",
    "kind:",
    "kind:bill",
    "status:enacted",
    "id:",
    "name:",
    "ident:",
    "body:",
    "tag:",
    "jurisdiction:us-",
    "nmae:",
    "401(k)",
    "404(a)",
    "*",
    "~",
    "~2",
    "^2",
    "^",
    "[",
    "]",
    "{",
    "}",
    "TO",
    "\\",
    ":",
    "比特幣",
    "勞工部",
    "战略",
    "EO 14330",
    "S. 1582",
    "http://x",
    "'",
    "!",
    "&&",
    "||",
    " ",
    "IN",
    "é",
    "\u{0}",
    "\u{3000}",
];

fn soup(bits: &'static [&'static str], max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(bits), 0..max).prop_map(|v| v.concat())
}

/// One edit of a file's bytes.
#[derive(Clone, Debug)]
enum Mutation {
    Truncate(usize),
    Flip(usize, u8),
    Insert(usize, &'static str),
    Delete(usize, usize),
    RepeatLine(usize),
    SwapLines(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        at.prop_map(Mutation::Truncate),
        (at, 1u8..=255).prop_map(|(p, m)| Mutation::Flip(p, m)),
        (at, proptest::sample::select(RON_BITS)).prop_map(|(p, s)| Mutation::Insert(p, s)),
        (at, 1usize..40).prop_map(|(p, n)| Mutation::Delete(p, n)),
        at.prop_map(Mutation::RepeatLine),
        (at, any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn mutate(text: &str, m: &Mutation) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let pos = |p: usize, len: usize| if len == 0 { 0 } else { p % (len + 1) };
    match m {
        Mutation::Truncate(p) => bytes.truncate(pos(*p, bytes.len())),
        Mutation::Flip(p, mask) => {
            if !bytes.is_empty() {
                let i = p % bytes.len();
                bytes[i] ^= mask;
            }
        }
        Mutation::Insert(p, s) => {
            let i = pos(*p, bytes.len());
            bytes.splice(i..i, s.bytes());
        }
        Mutation::Delete(p, n) => {
            let i = pos(*p, bytes.len());
            let j = (i + n).min(bytes.len());
            bytes.drain(i..j);
        }
        Mutation::RepeatLine(p) | Mutation::SwapLines(p, _) => {
            let mut lines: Vec<&str> = text.split_inclusive('\n').collect();
            if !lines.is_empty() {
                let i = p % lines.len();
                match m {
                    Mutation::SwapLines(_, q) => {
                        let j = q % lines.len();
                        lines.swap(i, j);
                    }
                    _ => lines.insert(i, lines[i]),
                }
            }
            return lines.concat();
        }
    }
    // A flip or a cut may break UTF-8; the loader reports that before
    // parsing (`encoding`), so the parser sees text.
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Parses `text`; an error must point inside it.
fn parse_ok_or_located(text: &str) -> Result<(), TestCaseError> {
    let rel = Path::new("fuzz/entity.ron");
    match policygraph::load::parse_entity(rel, text) {
        Ok(_) => Ok(()),
        Err(d) => {
            let l = &d.location;
            prop_assert_eq!(&l.path, rel);
            prop_assert!(l.offset + l.len <= text.len(), "{:?} past the end", l);
            prop_assert!(text.is_char_boundary(l.offset), "{:?}", l);
            prop_assert!(
                l.line <= text.matches('\n').count() + 1,
                "line {} of {}",
                l.line,
                text.lines().count()
            );
            prop_assert!(!d.message.is_empty());
            Ok(())
        }
    }
}

#[test]
fn fuzz_entity_parser_on_arbitrary_text() {
    runner()
        .run(&any::<String>(), |t| parse_ok_or_located(&t))
        .unwrap();
    runner()
        .run(&soup(RON_BITS, 80), |t| parse_ok_or_located(&t))
        .unwrap();
}

#[test]
fn fuzz_entity_parser_on_mutated_real_files() {
    let files = real_files();
    let n = files.len();
    let strategy = (0..n, proptest::collection::vec(mutation(), 1..4));
    runner()
        .run(&strategy, |(i, ms)| {
            let mut text = files[i].clone();
            for m in &ms {
                text = mutate(&text, m);
            }
            parse_ok_or_located(&text)
        })
        .unwrap();
    // Deep nesting stops at the recursion limit with an error.
    for deep in ["(".repeat(100_000), "[".repeat(100_000), "{".repeat(50_000)] {
        assert!(policygraph::load::parse_entity(Path::new("deep.ron"), &deep).is_err());
    }
}

/// A store over the graph fixture, for the query parser.
fn graph_store() -> (tempfile::TempDir, store::Store) {
    let dir = util::tmp();
    let opts = store::Options {
        today: "2026-11-27".parse().unwrap(),
        ..store::Options::default()
    };
    let r = store::refresh(&util::fixture("graph"), &dir.path().join("index"), &opts).unwrap();
    (dir, r.store)
}

/// Runs a query every way a user can; errors are fine, panics are not, and
/// a query error's position lies inside the query.
fn query_never_panics(st: &store::Store, q: &str, facets: bool) -> Result<(), TestCaseError> {
    if let Err(policygraph::Error::Query {
        position: Some(p), ..
    }) = search::prepare_query(q)
    {
        prop_assert!(p <= q.chars().count(), "position {} in {:?}", p, q);
    }
    for lang in [None, Some("zh-Hant")] {
        let opts = SearchOptions {
            query: q.to_owned(),
            limit: 5,
            facets,
            ..SearchOptions::default()
        };
        let _ = search::search(st, &opts, lang);
    }
    let _ = st.resolve(q);
    Ok(())
}

#[test]
fn fuzz_search_query_parser() {
    let (_dir, st) = graph_store();
    runner()
        .run(&(any::<String>(), any::<bool>()), |(q, f)| {
            query_never_panics(&st, &q, f)
        })
        .unwrap();
    runner()
        .run(&(soup(QUERY_BITS, 24), any::<bool>()), |(q, f)| {
            query_never_panics(&st, &q, f)
        })
        .unwrap();
}
