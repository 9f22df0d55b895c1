//! Tests of `policygraph export` (issue #6): goldens per format, every
//! selection option, atomic `-o`, Graphviz rendering and its absence, and a
//! hostile corpus whose names try to break DOT and Mermaid.
//!
//! Every DOT document these tests produce goes through [`dot`], which has
//! real Graphviz parse it (skipping loudly when Graphviz is missing), and
//! every Mermaid document through [`mermaid`], a checker of the syntax
//! rules the writer promises.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use crate::util;

fn corpus() -> std::path::PathBuf {
    util::fixture("export")
}

fn hostile() -> std::path::PathBuf {
    util::fixture("hostile-export")
}

/// A search index for a fixture, built once per test binary under
/// `CARGO_TARGET_TMPDIR` and shared, since building one per run would
/// dominate the run time.
fn index_for(knowledge: &Path) -> std::path::PathBuf {
    static BUILT: OnceLock<Mutex<BTreeSet<std::path::PathBuf>>> = OnceLock::new();
    let name = knowledge.file_name().unwrap().to_string_lossy();
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("export-index-{name}"));
    let mut built = BUILT.get_or_init(Mutex::default).lock().unwrap();
    if built.insert(dir.clone()) {
        let (code, out, err) = util::run_with_index(knowledge, &dir, &["index"]);
        assert_eq!(code, 0, "cannot index {}: {out}{err}", knowledge.display());
    }
    dir
}

/// Runs policygraph on a fixture with its shared index; returns (exit
/// code, stdout, stderr).
fn run(knowledge: &Path, args: &[&str]) -> (i32, String, String) {
    util::run_with_index(knowledge, &index_for(knowledge), args)
}

/// Runs `policygraph <global...> export <args...>` and expects success.
fn export_ok(knowledge: &Path, args: &[&str]) -> String {
    let (code, out, err) = run(knowledge, args);
    assert_eq!(code, 0, "policygraph {args:?} failed:\n{err}");
    out
}

/// DOT output, checked by Graphviz.
fn dot(knowledge: &Path, args: &[&str]) -> String {
    let mut all = vec!["export", "dot"];
    all.extend_from_slice(args);
    let out = export_ok(knowledge, &all);
    graphviz_accepts(&out);
    out
}

/// Mermaid output, checked by [`check_mermaid`].
fn mermaid(knowledge: &Path, args: &[&str]) -> String {
    let mut all = vec!["export", "mermaid"];
    all.extend_from_slice(args);
    let out = export_ok(knowledge, &all);
    check_mermaid(&out);
    out
}

/// JSON output, parsed.
fn json(knowledge: &Path, args: &[&str]) -> Value {
    let mut all = vec!["export", "json"];
    all.extend_from_slice(args);
    let out = export_ok(knowledge, &all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{out}"))
}

/// Runs Graphviz on a DOT document; returns its `-T` output, or `None`
/// (after a loud SKIPPED line) when Graphviz is not installed.
fn run_graphviz(dot_source: &str, format: &str) -> Option<Vec<u8>> {
    if !util::have("dot") {
        return None;
    }
    let mut child = Command::new("dot")
        .arg(format!("-T{format}"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let text = dot_source.to_owned();
    let feeder = std::thread::spawn(move || stdin.write_all(text.as_bytes()));
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap().unwrap();
    assert!(
        out.status.success(),
        "Graphviz rejected the DOT:\n{}\n--- DOT ---\n{dot_source}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(out.stdout)
}

/// Graphviz must parse and lay out the document without complaint.
fn graphviz_accepts(dot_source: &str) {
    if let Some(svg) = run_graphviz(dot_source, "svg") {
        assert!(String::from_utf8_lossy(&svg).contains("<svg"));
    }
}

/// What Graphviz itself sees in a document: node names and the number of
/// edges (from `dot -Tjson`), or `None` without Graphviz.
fn graphviz_view(dot_source: &str) -> Option<(BTreeSet<String>, usize, Value)> {
    let out = run_graphviz(dot_source, "json")?;
    let v: Value = serde_json::from_slice(&out).unwrap();
    let names = v["objects"]
        .as_array()
        .map(|objs| {
            objs.iter()
                .filter(|o| o.get("nodes").is_none()) // clusters list their nodes
                .filter_map(|o| o["name"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let edges = v["edges"].as_array().map_or(0, Vec::len);
    Some((names, edges, v))
}

/// Node ids and `(source, relation, target)` edges of a JSON export.
fn graph_of(v: &Value) -> (BTreeSet<String>, BTreeSet<(String, String, String)>) {
    let nodes = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect();
    let edges = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let s = |k: &str| e[k].as_str().unwrap().to_owned();
            (s("source"), s("relation"), s("target"))
        })
        .collect();
    (nodes, edges)
}

fn ids(list: &[&str]) -> BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// Node ids declared and edges drawn in policygraph's DOT (legend
/// excluded). Entity ids never hold a quote, so the first quoted string
/// of a statement is an id, and what follows it tells nodes from edges.
fn dot_statements(dot: &str) -> (BTreeSet<String>, usize) {
    let mut nodes = BTreeSet::new();
    let mut edges = 0;
    for l in dot.lines().map(str::trim_start) {
        let Some(rest) = l.strip_prefix('"') else {
            continue;
        };
        let Some((id, after)) = rest.split_once('"') else {
            continue;
        };
        if after.starts_with(" -> ") {
            edges += 1;
        } else if after.starts_with(" [") && !id.starts_with("legend_") {
            nodes.insert(id.to_owned());
        }
    }
    (nodes, edges)
}

fn dot_nodes(dot: &str) -> BTreeSet<String> {
    dot_statements(dot).0
}

/// Node ids declared in policygraph's Mermaid, mapped back to entity ids.
fn mermaid_nodes(m: &str) -> BTreeSet<String> {
    m.lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with("n_") && !l.contains("-->") && !l.contains("-.->"))
        .map(|l| {
            let id: String = l[2..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            id.replace('_', "-")
        })
        .collect()
}

// ---------------------------------------------------------------------------
// A checker of the Mermaid rules the writer promises.

const MERMAID_KEYWORDS: &[&str] = &[
    "end",
    "subgraph",
    "graph",
    "flowchart",
    "class",
    "classDef",
    "style",
    "click",
    "linkStyle",
    "default",
    "direction",
];

fn safe_mermaid_id(id: &str) -> bool {
    let mut chars = id.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !MERMAID_KEYWORDS.contains(&id)
}

/// A quoted label's text: no quote, no control character, no raw `<` or
/// `>` but `<br>`, no backtick or `%`, and `#` only in `#name;` codes.
fn check_label(label: &str, line: &str) {
    let text = label.replace("<br>", "\u{1}");
    assert!(!text.contains('"'), "quote inside a label: {line}");
    assert!(
        !text.contains(['<', '>', '`', '%', '\n', '\r']),
        "unescaped character in a label: {line}"
    );
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\u{1}'),
        "control character in a label: {line}"
    );
    let mut rest = text.as_str();
    while let Some(at) = rest.find('#') {
        let after = &rest[at + 1..];
        let end = after
            .find(';')
            .unwrap_or_else(|| panic!("bare # in a label: {line}"));
        assert!(
            end > 0 && after[..end].chars().all(|c| c.is_ascii_alphanumeric()),
            "bad entity code in a label: {line}"
        );
        rest = &after[end + 1..];
    }
}

/// Splits `"label"rest` into the label and what follows its closing quote.
fn quoted<'a>(s: &'a str, line: &str) -> (&'a str, &'a str) {
    let inner = s
        .strip_prefix('"')
        .unwrap_or_else(|| panic!("label not quoted: {line}"));
    let end = inner
        .find('"')
        .unwrap_or_else(|| panic!("unbalanced quotes: {line}"));
    (&inner[..end], &inner[end + 1..])
}

fn leading_id(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    (&s[..end], &s[end..])
}

/// Checks a Mermaid flowchart line by line; returns (nodes, edges).
fn check_mermaid(doc: &str) -> (usize, usize) {
    const SHAPES: &[(&str, &str)] = &[
        ("[[", "]]"),
        ("[(", ")]"),
        ("([", "])"),
        ("((", "))"),
        ("{{", "}}"),
        ("[/", "/]"),
        ("[", "]"),
        ("(", ")"),
        (">", "]"),
        ("{", "}"),
    ];
    let mut declared: BTreeSet<String> = BTreeSet::new();
    let mut used: Vec<String> = Vec::new();
    let mut depth = 0usize;
    let mut edges = 0;
    let mut saw_header = false;
    for line in doc.lines() {
        let l = line.trim();
        assert!(!line.contains('\r'), "carriage return in: {line:?}");
        if l.starts_with("%%") {
            assert!(!l.starts_with("%%{"), "directive injected: {line}");
            continue;
        }
        if !saw_header {
            assert_eq!(l, "flowchart LR", "the first statement must be the header");
            saw_header = true;
            continue;
        }
        if l == "end" {
            assert!(depth > 0, "`end` without `subgraph`");
            depth -= 1;
            continue;
        }
        if let Some(rest) = l.strip_prefix("subgraph ") {
            let (id, rest) = leading_id(rest);
            assert!(safe_mermaid_id(id), "unsafe subgraph id: {line}");
            let (label, tail) = quoted(rest.strip_prefix('[').unwrap(), line);
            check_label(label, line);
            assert_eq!(tail, "]", "junk after subgraph title: {line}");
            depth += 1;
            continue;
        }
        if let Some(rest) = l.strip_prefix("classDef ") {
            let (name, props) = rest.split_once(' ').unwrap();
            assert!(safe_mermaid_id(name), "unsafe class name: {line}");
            assert!(
                props
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || ":#,-".contains(c)),
                "odd classDef: {line}"
            );
            continue;
        }
        if let Some(rest) = l.strip_prefix("class ") {
            let (list, name) = rest.split_once(' ').unwrap();
            assert!(safe_mermaid_id(name), "unsafe class name: {line}");
            for id in list.split(',') {
                assert!(safe_mermaid_id(id), "unsafe id: {line}");
                used.push(id.to_owned());
            }
            continue;
        }
        if let Some(rest) = l.strip_prefix("style ") {
            let (id, props) = rest.split_once(' ').unwrap();
            assert!(safe_mermaid_id(id), "unsafe id: {line}");
            assert!(props
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || ":-".contains(c)));
            used.push(id.to_owned());
            continue;
        }
        let (id, rest) = leading_id(l);
        assert!(safe_mermaid_id(id), "unsafe or missing id: {line}");
        if let Some(arrow) = ["-->|", "-.->|"]
            .iter()
            .find(|a| rest.starts_with(&format!(" {a}")))
        {
            let (label, tail) = quoted(&rest[arrow.len() + 1..], line);
            check_label(label, line);
            let target = tail
                .strip_prefix("| ")
                .unwrap_or_else(|| panic!("bad edge: {line}"));
            assert!(safe_mermaid_id(target), "unsafe edge target: {line}");
            used.push(id.to_owned());
            used.push(target.to_owned());
            edges += 1;
            continue;
        }
        let (open, close) = SHAPES
            .iter()
            .find(|(o, _)| rest.starts_with(o) && rest[o.len()..].starts_with('"'))
            .unwrap_or_else(|| panic!("not a node, edge, class or subgraph statement: {line}"));
        let (label, tail) = quoted(&rest[open.len()..], line);
        check_label(label, line);
        assert_eq!(tail, *close, "junk after a node label: {line}");
        assert!(
            declared.insert(id.to_owned()),
            "node declared twice: {line}"
        );
    }
    assert!(saw_header, "no `flowchart LR` header");
    assert_eq!(depth, 0, "unclosed subgraph");
    for id in used {
        assert!(declared.contains(&id), "`{id}` used but never declared");
    }
    (declared.len(), edges)
}

// ---------------------------------------------------------------------------
// Goldens.

#[test]
fn golden_dot_focus() {
    let out = dot(&corpus(), &["--focus", "eo-14330", "--depth", "2"]);
    insta::assert_snapshot!("dot_focus_eo_14330", out);
}

#[test]
fn golden_dot_whole_clustered() {
    let out = dot(&corpus(), &["--cluster", "jurisdiction"]);
    insta::assert_snapshot!("dot_whole_clustered", out);
}

#[test]
fn golden_mermaid_clustered() {
    let out = mermaid(&corpus(), &["--cluster", "jurisdiction"]);
    insta::assert_snapshot!("mermaid_whole_clustered", out);
}

#[test]
fn golden_mermaid_focus() {
    let out = mermaid(&corpus(), &["--focus", "eo-14330", "--depth", "1"]);
    insta::assert_snapshot!("mermaid_focus_eo_14330", out);
}

#[test]
fn golden_json_focus() {
    let (code, out, err) = run(
        &corpus(),
        &[
            "--as-of",
            "2025-12-31",
            "export",
            "json",
            "--focus",
            "tx-sb-21",
            "--depth",
            "1",
        ],
    );
    assert_eq!(code, 0, "{err}");
    serde_json::from_str::<Value>(&out).unwrap();
    insta::assert_snapshot!("json_focus_tx_sb_21", out);
}

// ---------------------------------------------------------------------------
// Selection.

#[test]
fn focus_depth_counts_hops() {
    let (n0, e0) = graph_of(&json(&corpus(), &["--focus", "eo-14330", "--depth", "0"]));
    assert_eq!(n0, ids(&["eo-14330"]));
    assert!(e0.is_empty());

    let (n1, e1) = graph_of(&json(&corpus(), &["--focus", "EO 14330", "--depth", "1"]));
    assert_eq!(
        n1,
        ids(&[
            "alternative-assets",
            "dol",
            "dol-dia-proposed-rule",
            "eo-14330",
            "president",
            "treasury"
        ])
    );
    assert!(e1.contains(&("eo-14330".into(), "directs".into(), "dol".into())));
    assert!(
        !e1.iter().any(|e| e.1 == "part_of"),
        "ebsa is two hops away"
    );

    // The default depth is 2: EBSA, part of DOL, joins; Texas never does.
    let (n2, e2) = graph_of(&json(&corpus(), &["--focus", "eo-14330"]));
    assert!(n2.contains("ebsa"));
    assert!(e2.contains(&("ebsa".into(), "part_of".into(), "dol".into())));
    assert!(!n2.iter().any(|n| n.starts_with("tx-")));

    // A huge depth ends as soon as nothing new is in reach.
    let (n_max, _) = graph_of(&json(
        &corpus(),
        &["--focus", "eo-14330", "--depth", "18446744073709551615"],
    ));
    assert_eq!(n_max, n2);

    // The focus is marked in every format.
    let d = dot(&corpus(), &["--focus", "eo-14330", "--depth", "1"]);
    let focus_line = d
        .lines()
        .find(|l| l.trim_start().starts_with("\"eo-14330\" ["))
        .unwrap();
    assert!(focus_line.contains("penwidth=\"3\""));
    assert_eq!(dot_nodes(&d), n1);
    let m = mermaid(&corpus(), &["--focus", "eo-14330", "--depth", "1"]);
    assert!(m.contains("style n_eo_14330 stroke-width:3px"));
    assert_eq!(mermaid_nodes(&m), n1);
}

#[test]
fn kind_filter_keeps_the_focus() {
    let (n, e) = graph_of(&json(&corpus(), &["--kind", "agency"]));
    assert_eq!(n, ids(&["dol", "ebsa", "treasury"]));
    assert_eq!(e, [("ebsa".into(), "part_of".into(), "dol".into())].into());

    let (n, _) = graph_of(&json(&corpus(), &["--kind", "agency", "--kind", "office"]));
    assert_eq!(
        n,
        ids(&["dol", "ebsa", "president", "treasury", "tx-governor"])
    );

    // The order is not an agency, but it is the focus.
    let (n, e) = graph_of(&json(
        &corpus(),
        &["--focus", "eo-14330", "--kind", "agency"],
    ));
    assert_eq!(n, ids(&["dol", "ebsa", "eo-14330", "treasury"]));
    assert!(e.contains(&("eo-14330".into(), "consults".into(), "treasury".into())));
    let d = dot(&corpus(), &["--focus", "eo-14330", "--kind", "agency"]);
    assert_eq!(dot_nodes(&d), n);
    assert!(d.contains("\"legend_agency\"") && d.contains("\"legend_executive_order\""));
    assert!(
        !d.contains("\"legend_rule\""),
        "the legend lists only kinds shown"
    );
}

#[test]
fn relation_filter_follows_and_draws_only_those_relations() {
    let (n, e) = graph_of(&json(&corpus(), &["--relation", "part_of"]));
    assert_eq!(n, ids(&["dol", "ebsa"]), "unconnected entities are dropped");
    assert_eq!(e.len(), 1);

    let (n, e) = graph_of(&json(
        &corpus(),
        &["--relation", "issued_by", "--relation", "implements"],
    ));
    assert_eq!(
        n,
        ids(&["dol", "dol-dia-proposed-rule", "eo-14330", "president"])
    );
    assert!(e.iter().all(|e| e.1 == "issued_by" || e.1 == "implements"));

    // From the order, following only `directs`: DOL, and not EBSA behind it.
    let (n, _) = graph_of(&json(
        &corpus(),
        &[
            "--focus",
            "eo-14330",
            "--relation",
            "directs",
            "--depth",
            "3",
        ],
    ));
    assert_eq!(n, ids(&["dol", "eo-14330"]));
    let d = dot(&corpus(), &["--focus", "eo-14330", "--relation", "directs"]);
    assert!(d.contains("label=\"directs\""));
    assert!(!d.contains("label=\"issued by\""));
    assert!(
        d.contains("  directs\\l") && !d.contains("  covers\\l"),
        "legend lists relations used"
    );
}

#[test]
fn jurisdiction_filter_matches_codes_states_and_the_federal_level() {
    let texas = ids(&["tx-bitcoin-reserve", "tx-governor", "tx-sb-21"]);
    let (n, e) = graph_of(&json(&corpus(), &["--jurisdiction", "US-"]));
    assert_eq!(n, texas, "`US-` is every state");
    assert_eq!(e.len(), 2);
    let (n, _) = graph_of(&json(&corpus(), &["--jurisdiction", "us-tx"]));
    assert_eq!(n, texas, "case does not matter");
    let (n, _) = graph_of(&json(
        &corpus(),
        &["--jurisdiction", "US-TX", "--kind", "bill"],
    ));
    assert_eq!(n, ids(&["tx-sb-21"]));
    // `US` is the federal level only: every entity but the three Texan ones.
    let (n, _) = graph_of(&json(&corpus(), &["--jurisdiction", "US"]));
    assert_eq!(n.len(), 10 - texas.len(), "`US` is federal only");
    assert!(n.iter().all(|id| !texas.contains(id)), "{n:?}");
    let m = mermaid(
        &corpus(),
        &["--jurisdiction", "US-", "--cluster", "jurisdiction"],
    );
    assert!(m.contains("subgraph j_US_TX[\"US-TX\"]"));
    assert!(!m.contains("subgraph j_US[\"US\"]"));
}

#[test]
fn as_of_hides_later_entities_relations_and_events() {
    // Before the order was signed, and before Texas signed its bill.
    let v = json(&corpus(), &["--as-of", "2025-05-01"]);
    assert_eq!(v["as_of"], "2025-05-01");
    let (n, e) = graph_of(&v);
    assert!(!n.contains("eo-14330"), "signed 2025-08-07");
    assert!(!n.contains("dol-dia-proposed-rule"), "proposed 2026-01-20");
    assert!(!n.contains("tx-bitcoin-reserve"), "created 2025-06-20");
    assert!(n.contains("tx-sb-21") && n.contains("tx-governor") && n.contains("dol"));
    assert!(
        !e.iter().any(|e| e.1 == "enacts"),
        "the governor signed on 2025-06-20"
    );
    let bill = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "tx-sb-21")
        .unwrap();
    assert_eq!(bill["status"], "passed_one_chamber");
    assert_eq!(
        bill["events"].as_array().unwrap().len(),
        2,
        "the signing has not happened"
    );

    // At the end of 2025 the order is there, the proposed rule is not.
    let (n, e) = graph_of(&json(
        &corpus(),
        &["--as-of", "2025-12-31", "--focus", "dol", "--depth", "1"],
    ));
    assert_eq!(n, ids(&["dol", "ebsa", "eo-14330"]));
    assert!(e.contains(&("eo-14330".into(), "directs".into(), "dol".into())));
    let d = dot(
        &corpus(),
        &["--as-of", "2025-12-31", "--focus", "dol", "--depth", "1"],
    );
    assert!(!d.contains("dol-dia-proposed-rule"));
    assert!(d.contains("as of 2025-12-31"));

    // Without a date, everything.
    let (n, _) = graph_of(&json(&corpus(), &[]));
    assert_eq!(n.len(), 10);
}

#[test]
fn lang_labels_fall_back_to_english() {
    let d = dot(&corpus(), &["--focus", "dol", "--depth", "1"]);
    assert!(d.contains("label=\"Department of Labor\\ndol\""));
    let (code, d, err) = run(
        &corpus(),
        &[
            "--lang", "zh-Hant", "export", "dot", "--focus", "dol", "--depth", "1",
        ],
    );
    assert_eq!(code, 0, "{err}");
    graphviz_accepts(&d);
    assert!(d.contains("label=\"勞工部\\ndol\""));
    assert!(
        d.contains("label=\"Fiduciary Duties in Selecting"),
        "no Chinese name: English"
    );
    let (_, m, _) = run(
        &corpus(),
        &["--lang", "zh-Hant", "export", "mermaid", "--no-ids"],
    );
    check_mermaid(&m);
    assert!(m.contains("n_dol[\"勞工部\"]"));
    let (_, j, _) = run(
        &corpus(),
        &[
            "--lang", "zh-Hant", "export", "json", "--focus", "dol", "--depth", "0",
        ],
    );
    let j: Value = serde_json::from_str(&j).unwrap();
    assert_eq!(j["nodes"][0]["label"], "勞工部");
    assert_eq!(j["nodes"][0]["name"], "Department of Labor");
}

#[test]
fn output_is_deterministic() {
    for format in ["dot", "mermaid", "json"] {
        let args = ["export", format, "--cluster", "jurisdiction"];
        let args: &[&str] = if format == "json" { &args[..2] } else { &args };
        let a = export_ok(&corpus(), args);
        let b = export_ok(&corpus(), args);
        assert_eq!(a, b, "{format} differs between runs");
    }
}

#[test]
fn bad_selections_fail_cleanly() {
    let (code, out, err) = run(&corpus(), &["export", "dot", "--focus", "eo-99999"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("no entity matches `eo-99999`"), "{err}");

    let (code, out, err) = run(&corpus(), &["export", "mermaid", "--jurisdiction", "US-CA"]);
    assert_eq!(code, 1, "nothing selected is exit 1");
    assert!(out.is_empty());
    assert!(err.contains("nothing to export"), "{err}");

    let (code, _, err) = run(&corpus(), &["export", "dot", "--depth", "3"]);
    assert_eq!(code, 2, "--depth needs --focus: {err}");
    let (code, _, err) = run(&corpus(), &["export", "dot", "--kind", "agnecy"]);
    assert_eq!(code, 2);
    assert!(err.contains("expected one of"), "{err}");
    let (code, _, err) = run(&corpus(), &["export", "json", "--cluster", "jurisdiction"]);
    assert_eq!(code, 2);
    assert!(err.contains("--cluster"), "{err}");
}

// ---------------------------------------------------------------------------
// Files, rendering and Graphviz.

/// Names in a directory, sorted.
fn listing(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn output_file_is_written_whole_and_atomically() {
    let dir = util::tmp();
    let path = dir.path().join("eo.dot");
    std::fs::write(&path, "old").unwrap();
    let p = path.to_string_lossy().into_owned();
    let (code, out, err) = run(
        &corpus(),
        &["export", "dot", "--focus", "eo-14330", "-o", &p],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty(), "nothing on stdout with -o");
    let written = std::fs::read_to_string(&path).unwrap();
    assert_eq!(written, dot(&corpus(), &["--focus", "eo-14330"]));
    assert_eq!(listing(dir.path()), ["eo.dot"], "no temporary file left");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o044, 0o044, "the diagram stays readable: {mode:o}");
    }

    // A failed export leaves the old file alone and no litter.
    let (code, _, _) = run(&corpus(), &["export", "dot", "--focus", "nope", "-o", &p]);
    assert_eq!(code, 1);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), written);
    assert_eq!(listing(dir.path()), ["eo.dot"]);

    // A missing directory is an I/O error (exit 2), and nothing is created.
    let missing = dir.path().join("no/such/dir/x.json");
    let (code, _, err) = run(
        &corpus(),
        &["export", "json", "-o", &missing.to_string_lossy()],
    );
    assert_eq!(code, 2, "{err}");
    assert!(!missing.exists());
    assert_eq!(listing(dir.path()), ["eo.dot"]);
}

#[test]
fn svg_png_and_pdf_are_rendered_by_graphviz() {
    if !util::have("dot") {
        return;
    }
    let dir = util::tmp();
    for (ext, magic) in [
        ("svg", &b"<?xml"[..]),
        ("png", &b"\x89PNG"[..]),
        ("pdf", &b"%PDF"[..]),
    ] {
        let path = dir.path().join(format!("eo.{ext}"));
        let (code, out, err) = run(
            &corpus(),
            &[
                "export",
                "dot",
                "--focus",
                "eo-14330",
                "-o",
                &path.to_string_lossy(),
            ],
        );
        assert_eq!(code, 0, "{ext}: {err}");
        assert!(out.is_empty());
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            bytes.starts_with(magic),
            "{ext} does not start with {magic:?}"
        );
    }
    let svg = std::fs::read_to_string(dir.path().join("eo.svg")).unwrap();
    assert!(svg.contains("Department of Labor"));
    assert_eq!(listing(dir.path()), ["eo.pdf", "eo.png", "eo.svg"]);

    // Only DOT can be rendered.
    let path = dir.path().join("m.svg");
    let (code, _, err) = run(
        &corpus(),
        &["export", "mermaid", "-o", &path.to_string_lossy()],
    );
    assert_eq!(code, 2);
    assert!(err.contains("export dot"), "{err}");
    assert!(!path.exists());
}

#[test]
fn missing_graphviz_says_how_to_install_it() {
    let dir = util::tmp();
    let empty_path = util::tmp();
    let out = dir.path().join("eo.svg");
    std::fs::write(&out, "old").unwrap();
    let res = util::cmd(&corpus(), &index_for(&corpus()))
        .env("PATH", empty_path.path())
        .args(["export", "dot", "--focus", "eo-14330", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&res.stderr);
    assert_eq!(res.status.code(), Some(2), "{err}");
    assert!(err.contains("Graphviz"), "{err}");
    assert!(err.contains("apt-get install graphviz"), "{err}");
    assert!(err.contains("brew install graphviz"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "old",
        "old file untouched"
    );
    assert_eq!(listing(dir.path()), ["eo.svg"], "no temporary file left");
}

// ---------------------------------------------------------------------------
// Hostile text.

#[test]
fn hostile_corpus_passes_check() {
    let (code, out, err) = run(&hostile(), &["check"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn hostile_names_cannot_break_or_inject_into_dot() {
    let variants: [&[&str]; 5] = [
        &["export", "dot"],
        &["export", "dot", "--cluster", "jurisdiction"],
        &["--lang", "zh-Hant", "export", "dot"],
        &[
            "export", "dot", "--no-ids", "--focus", "subgraph", "--depth", "1",
        ],
        &[
            "--lang",
            "zh-Hant",
            "export",
            "dot",
            "--focus",
            "node",
            "--cluster",
            "jurisdiction",
        ],
    ];
    let entities = ids(&["backslash-office", "edge", "end", "node", "subgraph"]);
    for args in variants {
        let d = export_ok(&hostile(), args);
        graphviz_accepts(&d);
        for line in d.lines() {
            assert!(!line.contains('\r'), "raw carriage return: {line:?}");
        }
        // What Graphviz parsed: exactly our entities (plus the legend), and
        // the four relations, with no attribute injected.
        if let Some((names, edges, v)) = graphviz_view(&d) {
            let shown: BTreeSet<String> = names
                .into_iter()
                .filter(|n| !n.starts_with("legend_"))
                .collect();
            let expected: BTreeSet<String> = if args.contains(&"--focus") {
                dot_nodes(&d)
            } else {
                entities.clone()
            };
            assert_eq!(shown, expected, "{args:?}");
            assert!(shown.is_subset(&entities));
            let want_edges = if args.contains(&"--focus") {
                dot_statements(&d).1
            } else {
                4
            };
            assert_eq!(edges, want_edges, "{args:?}");
            for o in v["objects"].as_array().unwrap() {
                assert_ne!(
                    o.get("color").and_then(Value::as_str),
                    Some("red"),
                    "injected attribute: {o}"
                );
            }
        }
    }
    // The texts survive as text: escaped, not interpreted.
    let d = export_ok(&hostile(), &["export", "dot"]);
    assert!(
        d.contains(r#"label="Evil \"Agency\"]; \"x\" -> \"y\"\n[color=red]; // \\\nnode""#),
        "{d}"
    );
    assert!(d.contains(r#""backslash-office" [label="\\\nbackslash-office""#));
    assert!(
        d.contains("&amp;"),
        "& is escaped so that Graphviz shows it as written"
    );
    if let Some(svg) = run_graphviz(&d, "svg") {
        let svg = String::from_utf8(svg).unwrap();
        assert!(
            svg.contains("Evil &quot;Agency&quot;]; &quot;x&quot; &#45;&gt; &quot;y&quot;")
                || svg.contains("Evil &quot;Agency&quot;]; &quot;x&quot; -&gt; &quot;y&quot;"),
            "{svg}"
        );
        assert!(!svg.contains("<script"));
    }
}

#[test]
fn hostile_names_cannot_break_or_inject_into_mermaid() {
    let variants: [&[&str]; 4] = [
        &["export", "mermaid"],
        &["export", "mermaid", "--cluster", "jurisdiction"],
        &["--lang", "zh-Hant", "export", "mermaid"],
        &[
            "--lang", "zh-Hant", "export", "mermaid", "--no-ids", "--focus", "subgraph",
        ],
    ];
    for args in variants {
        let m = export_ok(&hostile(), args);
        let (nodes, edges) = check_mermaid(&m);
        assert_eq!((nodes, edges), (5, 4), "{args:?}:\n{m}");
        assert!(!m.contains("%%{"), "directive injected");
        assert!(
            !m.contains("<script") && !m.contains("<b>"),
            "HTML passed through"
        );
        assert!(
            !m.lines().any(|l| l.trim_start().starts_with("click")),
            "interaction injected"
        );
        assert!(
            m.contains("n_end")
                && !m
                    .lines()
                    .any(|l| l.trim() == "end" && !args.contains(&"--cluster"))
        );
    }
    let m = export_ok(&hostile(), &["--lang", "zh-Hant", "export", "mermaid"]);
    assert!(
        m.contains("惡意#quot;機構#quot;<br>#lt;script#gt;alert(1)#lt;/script#gt;"),
        "{m}"
    );
    assert!(m.contains("#96;**markdown**#96; #35;35#59;"), "{m}");
}

#[test]
fn hostile_text_round_trips_through_json() {
    let v = json(&hostile(), &[]);
    let (nodes, edges) = graph_of(&v);
    assert_eq!(nodes.len(), 5);
    assert_eq!(edges.len(), 4);
    let node = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["id"] == "node")
        .unwrap();
    assert_eq!(
        node["name"],
        "Evil \"Agency\"]; \"x\" -> \"y\" [color=red]; // \\"
    );
    assert_eq!(
        node["names"]["zh-Hant"],
        "惡意\"機構\"\n<script>alert(1)</script>"
    );
    assert_eq!(node["notes"][1], "right-to-left \u{202E}override");
    let directs = v["edges"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["relation"] == "directs")
        .unwrap();
    assert_eq!(directs["note"], "\"]; evil -> injected [label=\"x");
    assert_eq!(directs["inverse"], "directed_by");
    assert_eq!(directs["source_ref"]["publisher"], "Pub | lisher");
}
