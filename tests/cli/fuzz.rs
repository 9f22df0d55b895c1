//! Fuzzing the parsers (issue 14): the RON entity loader and the search
//! query parser never panic, whatever they are given, and their errors
//! point inside the text.
//!
//! Property tests (proptest) feed arbitrary strings, token soups built from
//! each language's syntax, and mutations of real entity files (truncations,
//! byte flips, inserted syntax, deleted and repeated lines). A panic fails
//! the test with the smallest input proptest can shrink it to.
//!
//! The importers and the site (issue 23):
//!
//! - the importers' readers never panic on mutations of the recorded
//!   input (every Federal Register file, and congress, LegiScan and Open
//!   States bill files, an API page among them): byte mutations as above
//!   with JSON syntax inserted, and structural edits of the JSON (a
//!   hostile value, a cleared list or object, an element or field added
//!   or removed, anywhere in the tree), which get past the parser to the
//!   records. Each input goes the whole library way: `import::json` (a
//!   syntax error must point inside the input), the source's reader
//!   (`federal_register::read`, `congress`/`legiscan`/`openstates::parse`
//!   and `bills::batch`), then `import::apply` with `--dry-run` on a small
//!   knowledge base. Arbitrary bytes go through `json::read_value` and
//!   `bills::batch` from a file;
//! - through the binary, a few damaged inputs: `import` exits 0, 1 or 2,
//!   never with "panicked";
//! - the site's manifest (`.policygraph-site`, postcard) replaced by
//!   random bytes or mutated: `site` still exits 0, deletes none of the
//!   foreign files planted beside the site, and makes the same site as an
//!   undamaged build.
//!
//! `PG_FUZZ_CASES=N` sets the cases per property (default 300);
//! `PG_FUZZ_BIN_CASES=N` the cases of the properties that run the binary
//! (default 8). A long run:
//! `PG_FUZZ_CASES=100000 cargo test --test cli fuzz -- --nocapture`.

use std::path::Path;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use policygraph::import::{self, bill::BillSource, federal_register as fr};
use policygraph::model::Date;
use policygraph::search::{self, SearchOptions};
use policygraph::store;

use crate::util;

fn runner() -> TestRunner {
    let cases = std::env::var("PG_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    runner_with(cases)
}

fn runner_with(cases: u32) -> TestRunner {
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
    mutation_with(RON_BITS)
}

/// A mutation that inserts fragments of `bits`.
fn mutation_with(bits: &'static [&'static str]) -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        at.prop_map(Mutation::Truncate),
        (at, 1u8..=255).prop_map(|(p, m)| Mutation::Flip(p, m)),
        (at, proptest::sample::select(bits)).prop_map(|(p, s)| Mutation::Insert(p, s)),
        (at, 1usize..40).prop_map(|(p, n)| Mutation::Delete(p, n)),
        at.prop_map(Mutation::RepeatLine),
        (at, any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
    ]
}

fn mutate(text: &str, m: &Mutation) -> String {
    // A flip or a cut may break UTF-8; the loader reports that before
    // parsing (`encoding`), so the parser sees text.
    String::from_utf8_lossy(&mutate_bytes(text.as_bytes(), m)).into_owned()
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

// ---- the importers' readers (issue 23) --------------------------------------

/// `PG_FUZZ_BIN_CASES`: cases per property that run the binary (slow).
fn binary_cases() -> u32 {
    std::env::var("PG_FUZZ_BIN_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8)
}

/// JSON fragments, valid and not, and field names the importers read.
const JSON_BITS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    "\"",
    "\\",
    "\\u0000",
    "\\ud800",
    "null",
    "true",
    "false",
    "0",
    "-1",
    "1e999",
    "-0.0",
    "18446744073709551616",
    "-9223372036854775809",
    "\"\"",
    "{}",
    "[]",
    "\"2024-02-30\"",
    "\"2024-13-01\"",
    "\"0000-00-00\"",
    "\"results\":",
    "\"document_number\":",
    "\"executive_order_number\":",
    "\"type\": \"Rule\",",
    "\"agencies\": [",
    "\"parent_id\":",
    "\"slug\":",
    "\"id\":",
    "\"bill\":",
    "\"actions\": [",
    "\"date\":",
    "\"勞工部\"",
    "\u{feff}",
    "é",
    "\n",
    " ",
];

/// A hostile value to put in place of any part of a record.
fn hostile(i: usize) -> serde_json::Value {
    use serde_json::json;
    match i % 30 {
        0 => json!(null),
        1 => json!(true),
        2 => json!(0),
        3 => json!(-1),
        4 => json!(1.5),
        5 => json!(u64::MAX),
        6 => json!(i64::MIN),
        7 => json!(1e308),
        8 => json!(""),
        9 => json!("   "),
        10 => json!("2024-02-30"),
        11 => json!("2024-13-01"),
        12 => json!("9999-12-31"),
        13 => json!("0001-01-01T25:61:00Z"),
        14 => json!("13180"),
        15 => json!("x".repeat(5000)),
        16 => json!("勞工部 比特幣"),
        17 => json!("\u{0}\u{feff}\n\"\\ )]}"),
        18 => json!([]),
        19 => json!({}),
        20 => json!([null]),
        21 => json!({ "id": null, "slug": 7 }),
        22 => json!("Amended by: EO 99999999999999999999, June 4, 2002"),
        23 => json!("Revoked by: EO 13304; See: EO 1; Supersedes: EO 13180, 13181"),
        24 => json!("https://www.federalregister.gov/documents/2024/01/02/2023-28855"),
        25 => json!("-"),
        26 => json!("../../etc/passwd"),
        27 => json!("CON"),
        28 => json!("a/b\\c.ron"),
        _ => json!([[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]),
    }
}

/// One structural edit of a JSON document: at the node a random walk
/// from the root reaches, a hostile value, a cleared container, or an
/// element or field added.
#[derive(Clone, Debug)]
struct ValueEdit {
    walk: u64,
    op: u8,
    value: usize,
}

fn value_edit() -> impl Strategy<Value = ValueEdit> {
    (any::<u64>(), 0u8..4, any::<usize>()).prop_map(|(walk, op, value)| ValueEdit {
        walk,
        op,
        value,
    })
}

fn edit_value(v: &mut serde_json::Value, e: &ValueEdit) {
    fn at(v: &mut serde_json::Value, s: u64, depth: u32, e: &ValueEdit) {
        use serde_json::Value;
        let next = s.rotate_left(17).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0x5DEE_CE66;
        // Down at least to a record's field most of the time.
        let descend = depth < 2 || (depth < 12 && !s.is_multiple_of(7));
        match v {
            Value::Array(a) if descend && !a.is_empty() => {
                let i = (s >> 8) as usize % a.len();
                return at(&mut a[i], next, depth + 1, e);
            }
            Value::Object(m) if descend && !m.is_empty() => {
                let k = m.keys().nth((s >> 8) as usize % m.len()).cloned().unwrap();
                return at(m.get_mut(&k).unwrap(), next, depth + 1, e);
            }
            _ => {}
        }
        match (e.op, &mut *v) {
            (1, Value::Array(a)) => a.clear(),
            (1, Value::Object(m)) => m.clear(),
            (2, Value::Array(a)) => {
                let x = a.first().cloned().unwrap_or_else(|| hostile(e.value));
                a.push(x);
            }
            (2, Value::Object(m)) => {
                m.insert("x-extra".into(), hostile(e.value));
            }
            (3, Value::Object(m)) if !m.is_empty() => {
                let k = m.keys().nth(e.value % m.len()).cloned().unwrap();
                m.remove(&k);
            }
            _ => *v = hostile(e.value),
        }
    }
    // Most edits land inside one record: the walk starts at a record of
    // the list (an agency list, a page's `results`) or at a LegiScan
    // file's `bill`, and goes down at least into one of its fields.
    if !e.walk.is_multiple_of(8) {
        if let Some(bill) = v.get_mut("bill").filter(|b| b.is_object()) {
            return at(bill, e.walk >> 3, 1, e);
        }
        let list = if v.is_array() {
            v.as_array_mut()
        } else {
            v.get_mut("results")
                .and_then(serde_json::Value::as_array_mut)
        };
        if let Some(a) = list.filter(|a| !a.is_empty()) {
            let i = (e.walk >> 3) as usize % a.len();
            return at(&mut a[i], e.walk.rotate_left(29), 1, e);
        }
    }
    at(v, e.walk, 0, e);
}

fn mutate_bytes(bytes: &[u8], m: &Mutation) -> Vec<u8> {
    let mut bytes = bytes.to_vec();
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
            let mut lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
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
    bytes
}

/// How an input is damaged: byte mutations, or structural edits of its
/// JSON (which get past the parser to the records).
#[derive(Clone, Debug)]
enum Damage {
    Bytes(Vec<Mutation>),
    Values(Vec<ValueEdit>),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        proptest::collection::vec(mutation_with(JSON_BITS), 1..4).prop_map(Damage::Bytes),
        proptest::collection::vec(value_edit(), 1..5).prop_map(Damage::Values),
    ]
}

fn damaged(bytes: &[u8], d: &Damage) -> Vec<u8> {
    match d {
        Damage::Bytes(ms) => ms.iter().fold(bytes.to_vec(), |b, m| mutate_bytes(&b, m)),
        Damage::Values(es) => {
            let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
            for e in es {
                edit_value(&mut v, e);
            }
            serde_json::to_vec_pretty(&v).unwrap()
        }
    }
}

/// Which importer reads an input.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Reader {
    FederalRegister,
    Bills(BillSource),
}

impl Reader {
    fn command(self) -> &'static str {
        match self {
            Reader::FederalRegister => "federal-register",
            Reader::Bills(s) => s.name(),
        }
    }
}

/// The recorded inputs: every Federal Register file, and bill files of
/// each source (an API page among them).
fn recorded_inputs() -> Vec<(Reader, String, Vec<u8>)> {
    let fr = util::fixture("federal-register");
    let bills = util::fixture("bills");
    let mut out = Vec::new();
    for f in [
        "agencies-sample.json",
        "documents-2024-01-sample.json",
        "executive-orders-13180-13199.json",
    ] {
        out.push((
            Reader::FederalRegister,
            f.to_owned(),
            std::fs::read(fr.join(f)).unwrap(),
        ));
    }
    for (source, f) in [
        (BillSource::Congress, "congress/hr4173-111.json"),
        (BillSource::Congress, "two-sources/s1582-119.json"),
        (BillSource::Legiscan, "legiscan/HB1.json"),
        (BillSource::Legiscan, "legiscan/HB100.json"),
        (BillSource::OpenStates, "openstates/usa-119/S1582.json"),
        (BillSource::OpenStates, "openstates/nh-2025/HB1.json"),
        (BillSource::OpenStates, "openstates-api/bills-page-1.json"),
        (
            BillSource::OpenStates,
            "openstates-scrape/alone/bill_HB302.json",
        ),
    ] {
        out.push((
            Reader::Bills(source),
            f.to_owned(),
            std::fs::read(bills.join(f)).unwrap(),
        ));
    }
    out
}

/// A small knowledge base to import into, its index directory (for the
/// write lock), the lock, and how far the cases got.
struct Target {
    _dir: tempfile::TempDir,
    knowledge: std::path::PathBuf,
    scratch: std::path::PathBuf,
    lock: policygraph::lock::WriteLock,
    reached: std::cell::RefCell<std::collections::BTreeMap<&'static str, usize>>,
    /// The first few errors `apply` gave, with the input's name.
    refusals: std::cell::RefCell<Vec<String>>,
}

impl Target {
    fn new() -> Target {
        let dir = util::tmp();
        let knowledge = dir.path().join("knowledge");
        util::copy_tree(&util::fixture("clean"), &knowledge);
        let scratch = dir.path().join("scratch");
        std::fs::create_dir_all(&scratch).unwrap();
        let lock = policygraph::lock::acquire(
            &dir.path().join("index"),
            "fuzz",
            policygraph::lock::Wait::For(std::time::Duration::from_secs(30)),
            &mut |_| {},
        )
        .unwrap();
        Target {
            _dir: dir,
            knowledge,
            scratch,
            lock,
            reached: Default::default(),
            refusals: Default::default(),
        }
    }

    fn count(&self, what: &'static str, n: usize) {
        *self.reached.borrow_mut().entry(what).or_default() += n;
    }

    /// Applies a batch without writing (`--dry-run`): placing, links,
    /// placeholders and rendering all run. Returns how far it got.
    fn dry_run(&self, batch: import::Batch) -> &'static str {
        self.count("records read", batch.records.len());
        self.count("records unreadable", batch.unreadable.len());
        let opts = import::Options {
            dry_run: true,
            stop_after: None,
        };
        let reached = match import::apply(&self.knowledge, batch, &opts, &self.lock) {
            Ok(_) => "applied (dry run)",
            Err(e) => {
                let mut r = self.refusals.borrow_mut();
                if r.len() < 5 {
                    r.push(e.to_string());
                }
                "refused by apply"
            }
        };
        self.count(reached, 1);
        reached
    }
}

/// Reads `bytes` as `reader` would, from bytes to a dry-run import: the
/// JSON parser, the source's reader, then `apply`. Errors are fine; a
/// panic fails the case, and a JSON error must point inside the input.
/// Returns how far it got.
fn read_never_panics(
    t: &Target,
    reader: Reader,
    name: &str,
    bytes: &[u8],
) -> Result<&'static str, TestCaseError> {
    let today: Date = "2026-11-27".parse().unwrap();
    let reached = match reader {
        Reader::FederalRegister => match import::json::parse_value(name, bytes) {
            Err(import::ImportError::Json { line, column, .. }) => {
                let lines = bytes.iter().filter(|b| **b == b'\n').count() + 1;
                prop_assert!(line >= 1 && line <= lines, "line {} of {}", line, lines);
                prop_assert!(column <= bytes.len(), "column {}", column);
                "not JSON"
            }
            Err(other) => {
                prop_assert!(false, "not a JSON error: {}", other);
                unreachable!()
            }
            Ok(value) => {
                let input = fr::Input {
                    name: name.to_owned(),
                    value,
                };
                match fr::read(vec![input], today) {
                    Ok(batch) => t.dry_run(batch),
                    Err(_) => "refused by the reader",
                }
            }
        },
        Reader::Bills(source) => {
            let _ = match source {
                BillSource::Congress => import::congress::parse(bytes),
                BillSource::Legiscan => import::legiscan::parse(bytes),
                BillSource::OpenStates => {
                    let _ = import::openstates::parse(bytes, Some("US-NH"));
                    import::openstates::parse(bytes, None)
                }
            };
            // The whole front half, from a file: `bills::batch`.
            let p = t.scratch.join(name.replace('/', "-"));
            std::fs::write(&p, bytes).unwrap();
            match import::bills::batch(source, &[p], today, None) {
                Ok(batch) => t.dry_run(batch),
                Err(_) => "refused by the reader",
            }
        }
    };
    if matches!(reached, "not JSON" | "refused by the reader") {
        t.count(reached, 1);
    }
    Ok(reached)
}

#[test]
fn fuzz_importer_readers_on_mutated_recorded_input() {
    let inputs = recorded_inputs();
    let t = Target::new();
    // Unchanged, they read and apply.
    for (reader, name, bytes) in &inputs {
        let reached = read_never_panics(&t, *reader, name, bytes).unwrap();
        assert_eq!(reached, "applied (dry run)", "{name}");
    }
    t.reached.borrow_mut().clear();
    let strategy = (0..inputs.len(), damage());
    let mut r = runner();
    let cases = r.config().cases;
    r.run(&strategy, |(i, d)| {
        let (reader, name, bytes) = &inputs[i];
        t.count(
            match d {
                Damage::Bytes(_) => "byte mutations",
                Damage::Values(_) => "structural edits",
            },
            1,
        );
        read_never_panics(&t, *reader, name, &damaged(bytes, &d)).map(|_| ())
    })
    .unwrap();
    eprintln!(
        "importer readers: {cases} cases; how far they got: {:?}; apply refused: {:?}",
        t.reached.borrow(),
        t.refusals.borrow()
    );
    // Deep nesting stops with an error.
    let deep = "[".repeat(100_000);
    assert!(import::json::parse_value("deep.json", deep.as_bytes()).is_err());
}

#[test]
fn fuzz_import_json_files_on_arbitrary_bytes() {
    let t = Target::new();
    let p = t.scratch.join("input.json");
    runner()
        .run(&proptest::collection::vec(any::<u8>(), 0..400), |bytes| {
            std::fs::write(&p, &bytes).unwrap();
            match import::json::read_value(&p) {
                Ok(_) | Err(import::ImportError::Json { .. }) => {}
                Err(other) => prop_assert!(false, "not a JSON error: {}", other),
            }
            for source in [
                BillSource::Congress,
                BillSource::Legiscan,
                BillSource::OpenStates,
            ] {
                let _ = import::bills::batch(
                    source,
                    std::slice::from_ref(&p),
                    "2026-11-27".parse().unwrap(),
                    None,
                );
            }
            Ok(())
        })
        .unwrap();
}

/// Runs the binary's `import` on a damaged input: exit 0, 1 or 2, and
/// no panic.
#[test]
fn fuzz_importers_through_the_binary() {
    let inputs = recorded_inputs();
    let kb = util::PrivateKb::copy_of(&util::fixture("clean"));
    let input = kb.dir.path().join("input.json");
    let exits = std::cell::RefCell::new(std::collections::BTreeMap::<i32, usize>::new());
    runner_with(binary_cases())
        .run(&(0..inputs.len(), damage()), |(i, d)| {
            let (reader, _, bytes) = &inputs[i];
            std::fs::write(&input, damaged(bytes, &d)).unwrap();
            let (code, out, err) = kb.run(&["import", reader.command(), input.to_str().unwrap()]);
            *exits.borrow_mut().entry(code).or_default() += 1;
            prop_assert!(
                matches!(code, 0..=2) && !err.contains("panicked"),
                "import {}: exit {}\n{}\n{}",
                reader.command(),
                code,
                out,
                err
            );
            Ok(())
        })
        .unwrap();
    eprintln!(
        "importers through the binary: exit codes {:?}",
        exits.borrow()
    );
}

// ---- the site's manifest (issue 23) ----------------------------------------

/// How the manifest is damaged: other bytes altogether, or mutations of
/// its own bytes.
#[derive(Clone, Debug)]
enum ManifestDamage {
    Replace(Vec<u8>),
    Mutate(Vec<Mutation>),
}

/// A damaged manifest never makes `site` delete a file that is not the
/// site's own, nor fail: the build exits 0, the foreign files are intact,
/// and the site is what an undamaged build makes.
#[test]
fn fuzz_site_manifest_damage_keeps_foreign_files() {
    let kb = util::PrivateKb::copy_of(&util::fixture("clean"));
    let out = kb.dir.path().join("public");
    let build = || {
        let (code, o, e) = kb.run(&["site", "--diagrams", "builtin", "-o", out.to_str().unwrap()]);
        (code, format!("{o}\n{e}"))
    };
    let (code, said) = build();
    assert_eq!(code, 0, "{said}");
    let site = util::site_files(&out);
    let foreign: &[(&str, &str)] = &[
        (".git/HEAD", "ref: refs/heads/gh-pages\n"),
        ("CNAME", "policy.example.org\n"),
        ("about.html", "<p>mine</p>\n"),
        ("en/notes.html", "<p>mine too</p>\n"),
    ];
    for (rel, text) in foreign {
        let p = out.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let manifest = out.join(policygraph::site::MANIFEST);
    let strategy = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..300).prop_map(ManifestDamage::Replace),
        proptest::collection::vec(mutation_with(RON_BITS), 1..4).prop_map(ManifestDamage::Mutate),
    ];
    runner_with(binary_cases())
        .run(&strategy, |d| {
            let good = std::fs::read(&manifest).unwrap();
            let bad = match &d {
                ManifestDamage::Replace(b) => b.clone(),
                ManifestDamage::Mutate(ms) => ms.iter().fold(good, |b, m| mutate_bytes(&b, m)),
            };
            std::fs::write(&manifest, &bad).unwrap();
            let (code, said) = build();
            prop_assert_eq!(code, 0, "{}", said);
            let mut now = util::site_files(&out);
            for (rel, text) in foreign {
                let got = now.remove(*rel);
                prop_assert_eq!(
                    got.as_deref(),
                    Some(text.as_bytes()),
                    "{} was deleted or changed",
                    rel
                );
            }
            prop_assert!(now == site, "the site differs from an undamaged build");
            Ok(())
        })
        .unwrap();
}

/// The site's manifest as `src/site/mod.rs` writes it (postcard; the
/// fields in this order), to damage one on purpose.
#[derive(serde::Serialize, serde::Deserialize)]
struct SiteManifest {
    format: u32,
    key: u64,
    pages: std::collections::BTreeMap<String, (u64, Vec<String>)>,
    files: Vec<String>,
}

/// Found while fuzzing the manifest (issue 23): a damaged manifest whose
/// list of files names one of the site's directories (`en`, what the
/// entry `en/index.html` reads as when its length byte is damaged) made
/// `site` exit 2 with "`<dir>/en`: Is a directory (os error 21)", and every
/// later build fail the same way. Now a listed name that is not a regular
/// file is never deleted.
#[test]
fn a_damaged_manifest_naming_a_directory_does_not_break_the_site() {
    let kb = util::PrivateKb::copy_of(&util::fixture("clean"));
    let out = kb.dir.path().join("public");
    let build = || {
        let (code, o, e) = kb.run(&["site", "--diagrams", "builtin", "-o", out.to_str().unwrap()]);
        (code, format!("{o}\n{e}"))
    };
    let (code, said) = build();
    assert_eq!(code, 0, "{said}");
    let site = util::site_files(&out);
    let path = out.join(policygraph::site::MANIFEST);
    let mut m: SiteManifest = postcard::from_bytes(&std::fs::read(&path).unwrap()).unwrap();
    let entry = m.files.iter_mut().find(|f| *f == "en/index.html").unwrap();
    *entry = "en".to_owned();
    std::fs::write(&path, postcard::to_stdvec(&m).unwrap()).unwrap();
    for attempt in ["the build after the damage", "the build after that"] {
        let (code, said) = build();
        assert_eq!(code, 0, "{attempt}: {said}");
        assert!(
            util::site_files(&out) == site,
            "{attempt}: the site differs"
        );
    }
}

/// Found by `fuzz_importer_readers_on_mutated_recorded_input` (issue 23;
/// `apply --dry-run` refused one case with "File name too long"): the
/// session of an Open States bill becomes a directory under
/// `imported/openstates/<jurisdiction>/` as its slug, whatever its length
/// (the id is shortened, the directory is not). A session of 300
/// characters makes the whole import exit 2 with "`…/openstates/us-nh/
/// xxx…`: File name too long (os error 36)": the other bill of the same
/// import is lost too, and `--dry-run` says both would be written.
/// Now every part of a record's directory is shortened as ids are
/// (`import::fit_dir`): the bill is imported, and the rest with it.
#[test]
fn a_bill_with_an_overlong_session_does_not_fail_the_whole_import() {
    let kb = util::PrivateKb::copy_of(&util::fixture("clean"));
    let input = kb.dir.path().join("input");
    std::fs::create_dir_all(&input).unwrap();
    let nh = util::fixture("bills/openstates/nh-2025");
    std::fs::copy(nh.join("SB100.json"), input.join("SB100.json")).unwrap();
    let mut bill: serde_json::Value =
        serde_json::from_slice(&std::fs::read(nh.join("HB1.json")).unwrap()).unwrap();
    bill["legislative_session"] = serde_json::Value::String("x".repeat(300));
    std::fs::write(input.join("HB1.json"), bill.to_string()).unwrap();
    let args = [
        "--json",
        "import",
        "openstates",
        "--jurisdiction",
        "NH",
        input.to_str().unwrap(),
    ];
    let (code, out, err) = kb.run(&args);
    assert!(matches!(code, 0 | 1), "exit {code}\n{out}\n{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let ids: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["id"].as_str())
        .collect();
    assert!(ids.iter().any(|id| id.contains("sb-100")), "{report}");
    let (code, out, _) = kb.run(&["check"]);
    assert_eq!(code, 0, "{out}");
}
