//! `policygraph check`: the clean corpus passes, every broken corpus fails
//! with the diagnostics a user should see (golden snapshots), hostile input
//! gives a diagnostic instead of a panic or a hang, and the exit codes and
//! JSON shape hold.

use std::path::Path;
use std::time::Duration;

use crate::util;

/// Runs `check` with a deadline, so that a hang fails the test instead of
/// stalling the suite; returns (exit code, stdout, stderr).
fn check(knowledge: &Path, args: &[&str]) -> (i32, String, String) {
    let idx = util::tmp();
    let out = util::cmd(knowledge, idx.path())
        .arg("check")
        .args(args)
        .timeout(Duration::from_secs(60))
        .output()
        .unwrap();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    );
    assert!(
        !stderr.contains("panicked") && !stdout.contains("panicked"),
        "policygraph panicked:\n{stderr}"
    );
    // A killed (timed-out) process has no exit code.
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("no exit code (killed after the timeout?)\nstderr: {stderr}"));
    (code, stdout, stderr)
}

/// The `path:line:col: severity[code]` head lines of human output, in order.
fn heads(stdout: &str) -> Vec<&str> {
    stdout
        .lines()
        .filter(|l| l.contains(": error[") || l.contains(": warning["))
        .collect()
}

// ---------------------------------------------------------------- clean ---

#[test]
fn clean_corpus_passes_with_deny_warnings() {
    let (code, out, err) = check(&util::fixture("clean"), &["--deny-warnings"]);
    assert_eq!(code, 0, "stdout:\n{out}\nstderr:\n{err}");
    assert_eq!(out, "ok: 9 entities in 9 files, no problems\n");
    assert_eq!(err, "");
}

#[test]
fn clean_corpus_json() {
    let (code, out, _) = check(&util::fixture("clean"), &["--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["errors"], 0);
    assert_eq!(v["warnings"], 0);
    assert_eq!(v["files"], 9);
    assert_eq!(v["entities"], 9);
    assert_eq!(v["diagnostics"], serde_json::json!([]));
}

// --------------------------------------------------------------- broken ---

/// One test per broken corpus: the exit code, and a golden snapshot of the
/// human output (in `tests/cli/snapshots/`).
macro_rules! broken {
    ($($name:ident => $code:expr;)+) => {$(
        #[test]
        fn $name() {
            let dir = stringify!($name).replace('_', "-");
            let (code, out, err) = check(&util::fixture(&dir), &[]);
            assert_eq!(code, $code, "{dir}: stdout:\n{out}\nstderr:\n{err}");
            assert_eq!(err, "", "{dir}: diagnostics go to stdout");
            insta::assert_snapshot!(dir.clone(), out);
        }
    )+};
}

broken! {
    broken_syntax => 1;
    broken_unknown_field => 1;
    broken_missing_field => 1;
    broken_duplicate_id => 1;
    broken_id_mismatch => 1;
    broken_dangling => 1;
    broken_relation_kinds => 1;
    broken_dates => 1;
    broken_cycle => 1;
    broken_unsourced => 0;
    broken_bad_source_index => 1;
    broken_many => 1;
}

// The snapshots show everything; these pin the facts that matter most, so
// that a careless re-bless cannot lose them.

#[test]
fn syntax_error_points_at_the_token() {
    let (_, out, _) = check(&util::fixture("broken-syntax"), &[]);
    assert_eq!(
        heads(&out),
        ["dol.ron:5:32: error[syntax]: expected a comma"]
    );
    assert!(out.contains("help: separate fields and list items with `,`"));
}

#[test]
fn unknown_field_lists_the_expected_fields() {
    let (_, out, _) = check(&util::fixture("broken-unknown-field"), &[]);
    let head = heads(&out);
    assert_eq!(head.len(), 1);
    assert!(head[0].starts_with("eo-1.ron:7:5: error[unknown-field]: unknown field `isued_by`"));
    assert!(head[0].contains("expected one of `id`, `kind`, `name`"));
    assert!(out.contains("help: `issued_by` is a relation, not a field"));
}

#[test]
fn missing_field_is_named() {
    let (_, out, _) = check(&util::fixture("broken-missing-field"), &[]);
    assert_eq!(
        heads(&out),
        ["dol.ron:7:1: error[missing-field]: missing field `jurisdiction` in the entity"]
    );
}

#[test]
fn duplicate_id_shows_both_places() {
    let (_, out, _) = check(&util::fixture("broken-duplicate-id"), &[]);
    assert_eq!(
        heads(&out),
        ["b/dol.ron:3:9: error[duplicate-id]: duplicate id `dol`"]
    );
    assert!(out.contains("a/dol.ron:2:9: note: first defined here"));
    assert!(out.contains("╭─[a/dol.ron:2:9]"));
}

#[test]
fn id_mismatch_suggests_both_fixes() {
    let (_, out, _) = check(&util::fixture("broken-id-mismatch"), &[]);
    assert!(out.contains("labor.ron:3:9: error[id-mismatch]"));
    assert!(out.contains("rename the file to `dol.ron`, or change the id to `labor`"));
}

#[test]
fn dangling_reference_suggests_the_closest_id() {
    let (_, out, _) = check(&util::fixture("broken-dangling"), &[]);
    assert_eq!(
        heads(&out),
        ["eo-1.ron:9:29: error[dangling-reference]: relation `consults` points at unknown entity `tresury`"]
    );
    assert!(out.contains("help: did you mean `treasury`?"));
}

#[test]
fn relation_kinds_point_at_the_right_relation() {
    let (_, out, _) = check(&util::fixture("broken-relation-kinds"), &[]);
    // Line 9 is `part_of` from a bill (the `rel` is wrong); line 10 is
    // `issued_by` to an asset class (the target is wrong). Line 8 also
    // names `private-equity` and must not be blamed.
    assert_eq!(
        heads(&out),
        [
            "hr-1.ron:9:15: error[relation-kinds]: relation `part_of` makes no sense from a bill (`hr-1`)",
            "hr-1.ron:10:30: error[relation-kinds]: relation `issued_by` makes no sense to an asset_class (`private-equity`)",
        ]
    );
}

#[test]
fn impossible_date_and_event_order() {
    let (_, out, _) = check(&util::fixture("broken-dates"), &[]);
    assert_eq!(
        heads(&out),
        [
            "eo-1.ron:8:16: error[invalid-date]: impossible date `2025-02-30`: no such day in the calendar",
            "hr-1.ron:10:16: warning[event-order]: event on 2025-05-01 comes after an event on 2025-06-10; events are listed oldest first",
        ]
    );
}

#[test]
fn part_of_cycle_shows_the_path() {
    let (_, out, _) = check(&util::fixture("broken-cycle"), &[]);
    assert_eq!(
        heads(&out),
        ["dol.ron:6:36: error[part-of-cycle]: `part_of` forms a cycle: dol -> ebsa -> dol"]
    );
    assert!(out.contains("ebsa.ron:6:36: note: `ebsa` is part of `dol`"));
}

#[test]
fn unsourced_is_a_warning_unless_denied() {
    let dir = util::fixture("broken-unsourced");
    let (code, out, _) = check(&dir, &[]);
    assert_eq!(code, 0);
    assert!(out.contains("ebsa.ron:3:9: warning[no-source]: entity `ebsa` has no source"));
    assert!(out.ends_with("ok: 1 warning in 2 files\n"), "{out}");
    let (code, out, _) = check(&dir, &["--deny-warnings"]);
    assert_eq!(code, 1);
    assert!(out.contains("ebsa.ron:3:9: error[no-source]"));
    assert!(out.ends_with("1 error, 0 warnings in 2 files\n"), "{out}");
}

#[test]
fn wikipedia_mirror_sources_are_a_warning_unless_denied() {
    let dir = util::fixture("broken-mirror");
    let (code, out, _) = check(&dir, &[]);
    assert_eq!(code, 0, "{out}");
    // The proxied Wikisource copy and the mirror host are blamed at their
    // URLs; Congress.gov and Wikipedia's own address are not.
    assert_eq!(
        heads(&out),
        [
            "erisa.ron:8:40: warning[mirror-source]: source 0 cites `file-hippo.netlify.app`, which serves a copy of a wikisource.org page",
            "genius.ron:9:57: warning[mirror-source]: source 1 cites `www.wikiwand.com`, a mirror of Wikipedia",
        ]
    );
    assert!(out.contains("help: cite the primary record instead: congress.gov"));
    assert!(out.ends_with("ok: 2 warnings in 2 files\n"), "{out}");
    let (code, out, _) = check(&dir, &["--deny-warnings"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("genius.ron:9:57: error[mirror-source]"),
        "{out}"
    );
    assert!(out.ends_with("2 errors, 0 warnings in 2 files\n"), "{out}");
}

#[test]
fn instrument_without_an_official_source_is_a_warning_unless_denied() {
    let dir = util::fixture("unofficial");
    let (code, out, _) = check(&dir, &[]);
    assert_eq!(code, 0, "{out}");
    // Only the bill cited by the press and the rule on a lookalike host:
    // not the law on congress.gov, the New Hampshire law on its General
    // Court's host, the guidance whose imported file brings the Federal
    // Register address, the imported order, the imported bill that names
    // only Open States, the imported placeholder, the agency or the report.
    assert_eq!(
        heads(&out),
        [
            "bill.ron:7:5: warning[no-official-source]: a bill `bill` cites no official source",
            "lookalike.ron:7:5: warning[no-official-source]: a rule `lookalike` cites no official source",
        ]
    );
    assert!(
        out.contains("help: add the official record's address"),
        "{out}"
    );
    assert!(out.ends_with("ok: 2 warnings in 11 files\n"), "{out}");
    let (code, out, _) = check(&dir, &["--deny-warnings"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("bill.ron:7:5: error[no-official-source]"),
        "{out}"
    );
    assert!(out.ends_with("2 errors, 0 warnings in 11 files\n"), "{out}");
}

#[test]
fn bad_source_index_points_at_the_bad_index() {
    let (_, out, _) = check(&util::fixture("broken-bad-source-index"), &[]);
    // The event's valid `source: 1` on line 8 comes first in the file; the
    // problem is the relation's `source: 2` on line 12.
    assert_eq!(
        heads(&out),
        ["eo-1.ron:12:44: error[bad-source]: relation `consults` cites source 2, but the entity has 2 sources (0 to 1)"]
    );
}

#[test]
fn many_problems_in_one_run_sorted_by_file_and_line() {
    let (code, out, _) = check(&util::fixture("broken-many"), &[]);
    assert_eq!(code, 1);
    let heads = heads(&out);
    let codes: Vec<&str> = heads
        .iter()
        .map(|h| {
            h.split('[')
                .nth(1)
                .and_then(|s| s.split(']').next())
                .unwrap()
        })
        .collect();
    assert_eq!(
        codes,
        [
            "syntax",
            "event-order",
            "dangling-reference",
            "bad-source",
            "id-mismatch",
            "invalid-jurisdiction",
            "unknown-value",
        ]
    );
    let keys: Vec<(String, usize, usize)> = heads
        .iter()
        .map(|h| {
            let mut p = h.splitn(4, ':');
            let path = p.next().unwrap().to_owned();
            let line = p.next().unwrap().parse().unwrap();
            let col = p.next().unwrap().parse().unwrap();
            (path, line, col)
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "diagnostics are sorted by file, line, column");
    assert!(out.ends_with("6 errors, 1 warning in 5 files\n"), "{out}");
}

// ----------------------------------------------------------------- json ---

#[test]
fn json_shape() {
    let dir = util::fixture("broken-many");
    for args in [&["--format", "json"][..], &["--json"][..]] {
        let idx = util::tmp();
        let out = if args == ["--json"] {
            // `--json` is global: it goes before the subcommand too.
            util::cmd(&dir, idx.path())
                .args(["--json", "check"])
                .output()
                .unwrap()
        } else {
            util::cmd(&dir, idx.path())
                .arg("check")
                .args(args)
                .output()
                .unwrap()
        };
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["errors"], 6, "{args:?}");
        assert_eq!(v["warnings"], 1);
        assert_eq!(v["files"], 5);
        assert!(v["entities"].is_null(), "no corpus when there are errors");
        let diags = v["diagnostics"].as_array().unwrap();
        assert_eq!(diags.len(), 7);
        for d in diags {
            assert!(
                matches!(d["severity"].as_str(), Some("error" | "warning")),
                "{d}"
            );
            assert!(d["code"].is_string() && d["message"].is_string(), "{d}");
            let loc = &d["location"];
            assert!(loc["path"].is_string(), "{d}");
            assert!(loc["line"].as_u64().unwrap() >= 1, "{d}");
            assert!(loc["col"].as_u64().unwrap() >= 1, "{d}");
            assert!(d["related"].is_array(), "{d}");
        }
        let dangling = diags
            .iter()
            .find(|d| d["code"] == "dangling-reference")
            .unwrap();
        assert_eq!(dangling["location"]["path"], "b/eo-2.ron");
        assert_eq!(dangling["location"]["line"], 13);
        assert_eq!(dangling["location"]["col"], 28);
        assert_eq!(dangling["help"], "did you mean `dol`?");
        let warning = diags.iter().find(|d| d["code"] == "event-order").unwrap();
        assert_eq!(warning["severity"], "warning");
    }
}

#[test]
fn json_related_locations_and_deny_warnings() {
    let (code, out, _) = check(&util::fixture("broken-duplicate-id"), &["--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let related = &v["diagnostics"][0]["related"][0];
    assert_eq!(related["location"]["path"], "a/dol.ron");
    assert_eq!(related["location"]["line"], 2);
    assert_eq!(related["label"], "first defined here");

    let (code, out, _) = check(
        &util::fixture("broken-unsourced"),
        &["--format", "json", "--deny-warnings"],
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (v["errors"].as_u64(), v["warnings"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(v["diagnostics"][0]["severity"], "error");
}

// ----------------------------------------------------------- exit codes ---

#[test]
fn exit_2_when_the_knowledge_dir_is_missing() {
    let (code, out, err) = check(Path::new("/nonexistent/knowledge"), &[]);
    assert_eq!(code, 2);
    assert_eq!(out, "");
    assert!(
        err.contains("knowledge directory `/nonexistent/knowledge` not found"),
        "{err}"
    );
}

#[test]
fn exit_2_when_the_knowledge_path_is_a_file() {
    let dir = util::tmp();
    let file = dir.path().join("knowledge");
    std::fs::write(&file, "").unwrap();
    let (code, _, err) = check(&file, &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("is a file; --knowledge takes the directory"),
        "{err}"
    );
}

#[test]
fn exit_2_on_a_bad_argument() {
    let (code, _, err) = check(&util::fixture("clean"), &["--format", "xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid value 'xml'"), "{err}");
}

#[test]
fn exit_1_when_there_is_nothing_to_check() {
    let dir = util::tmp();
    std::fs::write(dir.path().join("README.md"), "not an entity").unwrap();
    let (code, out, _) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        out.contains("error[empty]: no entity files (`*.ron`) found"),
        "{out}"
    );
}

// -------------------------------------------------------------- hostile ---

/// A valid entity, so that every hostile corpus also shows that the other
/// files are still checked.
const DOL: &str = r#"(id: "dol", kind: agency, name: "Department of Labor", jurisdiction: "US", sources: [(title: "About DOL")])"#;

/// A temp knowledge dir holding `dol.ron`.
fn corpus() -> tempfile::TempDir {
    let dir = util::tmp();
    std::fs::write(dir.path().join("dol.ron"), DOL).unwrap();
    dir
}

/// Runs `check` on a hostile corpus: it must fail with exit 1 and report
/// `code` for `path`, and still have read `dol.ron`.
fn expect_problem(dir: &Path, path: &str, code: &str) -> String {
    let (exit, out, err) = check(dir, &[]);
    assert_eq!(exit, 1, "stdout:\n{out}\nstderr:\n{err}");
    let head = format!("{path}:");
    assert!(
        out.lines()
            .any(|l| l.starts_with(&head) && l.contains(&format!("error[{code}]"))),
        "expected error[{code}] on {path}:\n{out}"
    );
    // Only the hostile entry is a problem: `dol.ron` loaded fine.
    assert!(!out.contains("dol.ron:"), "{out}");
    out
}

#[test]
fn hostile_empty_file() {
    let dir = corpus();
    std::fs::write(dir.path().join("empty.ron"), "").unwrap();
    std::fs::write(dir.path().join("blank.ron"), "  \n\t\n").unwrap();
    let out = expect_problem(dir.path(), "empty.ron", "empty-file");
    assert!(out.contains("blank.ron:1:1: error[empty-file]: file is empty"));
}

#[test]
fn hostile_comment_only_file() {
    let dir = corpus();
    std::fs::write(dir.path().join("c.ron"), "// nothing here\n").unwrap();
    expect_problem(dir.path(), "c.ron", "syntax");
}

#[test]
fn hostile_non_utf8() {
    let dir = corpus();
    let mut bytes = b"(\n    id: \"x\",\n    name: \"caf".to_vec();
    bytes.extend([0xe9, 0xff, b'"', b')']);
    std::fs::write(dir.path().join("x.ron"), bytes).unwrap();
    let out = expect_problem(dir.path(), "x.ron", "encoding");
    assert!(
        out.contains(
            "x.ron:3:15: error[encoding]: file is not valid UTF-8 (invalid byte at offset 29)"
        ),
        "{out}"
    );
}

#[test]
fn hostile_50_mb_file() {
    let dir = corpus();
    let path = dir.path().join("huge.ron");
    let f = std::fs::File::create(&path).unwrap();
    // Sparse: 50 MB on paper, nothing on disk. The size alone refuses it.
    f.set_len(50 * 1024 * 1024).unwrap();
    drop(f);
    let out = expect_problem(dir.path(), "huge.ron", "too-large");
    assert!(out.contains("file is 52428800 bytes; entity files are limited to 4194304 bytes"));
}

#[test]
fn hostile_large_but_allowed_file_parses_in_time() {
    // Just under the limit: one real entity with a 3 MB summary. It is
    // valid, so the corpus passes; the timeout in `check` guards speed.
    let dir = corpus();
    let summary = "policy ".repeat(3 * 1024 * 1024 / 7);
    let text = format!(
        "(id: \"big\", kind: report, name: \"Big\", jurisdiction: \"US\", summary: \"{summary}\", sources: [(title: \"x\")])"
    );
    std::fs::write(dir.path().join("big.ron"), text).unwrap();
    let (code, out, _) = check(dir.path(), &[]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn hostile_deep_nesting() {
    // Entity fields are typed, so ron stops at the first bracket that does
    // not fit (long before its recursion limit); 100,000 levels of brackets
    // or of nested comments still give one clear diagnostic each, and the
    // one-line files are not dumped to the terminal as snippets.
    let dir = corpus();
    let depth = 100_000;
    let text = format!(
        "(id: \"deep\", kind: agency, name: \"Deep\", jurisdiction: \"US\", tags: {}{})",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    std::fs::write(dir.path().join("deep.ron"), text).unwrap();
    let unclosed = format!("(id: \"open\", tags: {}", "(".repeat(depth));
    std::fs::write(dir.path().join("open.ron"), unclosed).unwrap();
    let comments = format!("{}\n(id: \"c\")", "/*".repeat(depth));
    std::fs::write(dir.path().join("comments.ron"), comments).unwrap();
    let out = expect_problem(dir.path(), "deep.ron", "syntax");
    assert_eq!(
        heads(&out),
        [
            "comments.ron:1:200001: error[syntax]: unclosed block comment",
            "deep.ron:1:69: error[syntax]: expected string",
            "open.ron:1:19: error[syntax]: expected opening `[`",
        ]
    );
    assert!(out.len() < 4_000, "huge lines must not be printed:\n{out}");
}

#[test]
fn hostile_nested_options() {
    // `Some(Some(Some(...)))` 10,000 deep around the figure block: one
    // diagnostic at the second `Some`, no stack overflow.
    let dir = corpus();
    let text = format!(
        "(id: \"x\", kind: figure, name: \"X\", jurisdiction: \"US\", figure: {}(value: 1, unit: \"u\", as_of: \"2025-01-01\"){})",
        "Some(".repeat(10_000),
        ")".repeat(10_000)
    );
    std::fs::write(dir.path().join("x.ron"), text).unwrap();
    let (code, out, _) = check(dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert_eq!(
        heads(&out),
        ["x.ron:1:69: error[syntax]: expected struct `Figure` but found `Some`"]
    );
}

#[test]
fn hostile_thousands_of_problems_in_one_file() {
    // Every relation dangles: each diagnostic must be located and rendered
    // in constant time, or this takes minutes.
    let dir = corpus();
    let rels: Vec<String> = (0..5_000)
        .map(|i| format!("        (rel: directs, to: \"nobody-{i}\", source: 0),"))
        .collect();
    let text = format!(
        "(\n    id: \"eo-1\",\n    kind: executive_order,\n    name: \"X\",\n    jurisdiction: \"US\",\n    relations: [\n{}\n    ],\n    sources: [(title: \"x\", url: \"https://www.federalregister.gov/\")],\n)\n",
        rels.join("\n")
    );
    std::fs::write(dir.path().join("eo-1.ron"), text).unwrap();
    let started = std::time::Instant::now();
    let (code, out, _) = check(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    let heads = heads(&out);
    assert_eq!(heads.len(), 5_000);
    assert_eq!(
        heads[4_999],
        "eo-1.ron:5006:28: error[dangling-reference]: relation `directs` points at unknown entity `nobody-4999`"
    );
    assert!(out.contains("note: 4900 more problems; showing their first lines only"));
    assert!(out.ends_with("5000 errors, 0 warnings in 2 files\n"));
}

#[cfg(unix)]
#[test]
fn hostile_symlink_loops() {
    let dir = corpus();
    // A directory link back to the root, and two file links to each other.
    std::os::unix::fs::symlink(dir.path(), dir.path().join("loop")).unwrap();
    std::os::unix::fs::symlink("b.ron", dir.path().join("a.ron")).unwrap();
    std::os::unix::fs::symlink("a.ron", dir.path().join("b.ron")).unwrap();
    let out = expect_problem(dir.path(), "loop", "symlink-loop");
    assert!(out.contains("a.ron:1:1: error[symlink-loop]"), "{out}");
    assert!(out.contains("b.ron:1:1: error[symlink-loop]"), "{out}");
}

#[cfg(unix)]
#[test]
fn hostile_broken_link() {
    let dir = corpus();
    std::os::unix::fs::symlink("nowhere.ron", dir.path().join("gone.ron")).unwrap();
    // A stale link that is not an entity file is ignored.
    std::os::unix::fs::symlink("nowhere.md", dir.path().join("README.md")).unwrap();
    let out = expect_problem(dir.path(), "gone.ron", "broken-link");
    assert!(!out.contains("README"), "{out}");
}

/// Permission bits do not stop root. When the tests run as root, run the
/// check as `nobody` through `setpriv` instead; `None` when that is not
/// possible either (the caller then skips loudly).
#[cfg(unix)]
fn check_unprivileged(dir: &Path) -> Option<(i32, String, String)> {
    use std::os::unix::fs::PermissionsExt;
    let bin = assert_cmd::cargo::cargo_bin("policygraph");
    // `nobody` must be able to enter the temp dir.
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755)).ok()?;
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&bin)
        .arg("--knowledge")
        .arg(dir)
        .args(["--index", "/nonexistent-index", "check"])
        .env_clear()
        .env("NO_COLOR", "1")
        .output()
        .ok()?;
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // setpriv itself failing (not installed, not permitted) is not our exit 1/2.
    let code = out.status.code()?;
    if !matches!(code, 0 | 1) || stderr.contains("setpriv:") {
        return None;
    }
    Some((
        code,
        String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr,
    ))
}

/// Runs `check` on a corpus with an entry that must be unreadable, as
/// this user or, as root, as `nobody`; `None` (after a loud skip) when
/// neither can see the permission bits.
#[cfg(unix)]
fn check_unreadable(dir: &Path, probe: impl Fn() -> bool, test: &str) -> Option<String> {
    if !probe() {
        let (code, out, err) = check(dir, &[]);
        assert_eq!(code, 1, "stdout:\n{out}\nstderr:\n{err}");
        return Some(out);
    }
    match check_unprivileged(dir) {
        Some((code, out, err)) => {
            assert!(!err.contains("panicked"), "{err}");
            assert_eq!(code, 1, "stdout:\n{out}\nstderr:\n{err}");
            Some(out)
        }
        None => {
            eprintln!(
                "SKIPPED: {test}: `chmod 000` does not stop this user (running as root?) and \
                 `setpriv` could not drop privileges; unreadable entries are not tested here"
            );
            None
        }
    }
}

#[cfg(unix)]
#[test]
fn hostile_unreadable_file() {
    use std::os::unix::fs::PermissionsExt;
    let dir = corpus();
    let path = dir.path().join("secret.ron");
    std::fs::write(&path, DOL.replace("dol", "secret")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
    let probe = || std::fs::read(&path).is_ok();
    let Some(out) = check_unreadable(dir.path(), probe, "hostile_unreadable_file") else {
        return;
    };
    assert!(
        out.contains(
            "secret.ron:1:1: error[unreadable]: cannot read `secret.ron`: Permission denied"
        ),
        "{out}"
    );
    assert!(out.ends_with("1 error, 0 warnings in 1 file\n"), "{out}");
}

#[cfg(unix)]
#[test]
fn hostile_unreadable_directory() {
    use std::os::unix::fs::PermissionsExt;
    let dir = corpus();
    let sub = dir.path().join("locked");
    std::fs::create_dir(&sub).unwrap();
    std::fs::write(sub.join("x.ron"), DOL).unwrap();
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o000)).unwrap();
    let probe = || std::fs::read_dir(&sub).is_ok();
    let out = check_unreadable(dir.path(), probe, "hostile_unreadable_directory");
    // Let the temp dir be removed.
    std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
    let Some(out) = out else {
        return;
    };
    assert!(
        out.contains("locked:1:1: error[unreadable]: cannot read `locked`: Permission denied"),
        "{out}"
    );
}

#[test]
fn hostile_directory_named_ron() {
    let dir = corpus();
    std::fs::create_dir(dir.path().join("x.ron")).unwrap();
    let out = expect_problem(dir.path(), "x.ron", "not-a-file");
    assert!(
        out.contains("`x.ron` is a directory, not an entity file"),
        "{out}"
    );
}

#[cfg(unix)]
#[test]
fn hostile_fifo_does_not_hang() {
    let dir = corpus();
    let fifo = dir.path().join("pipe.ron");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED: hostile_fifo_does_not_hang: `mkfifo` is not available");
        return;
    }
    // Opening a FIFO for reading blocks until a writer comes; `check` must
    // refuse it without opening it.
    let out = expect_problem(dir.path(), "pipe.ron", "not-a-file");
    assert!(out.contains("`pipe.ron` is not a regular file"), "{out}");
}

#[cfg(unix)]
#[test]
fn hostile_everything_at_once() {
    let dir = corpus();
    let p = dir.path();
    std::fs::write(p.join("a-empty.ron"), "").unwrap();
    std::fs::write(p.join("b-bytes.ron"), [0xff, 0xfe, 0x00]).unwrap();
    std::fs::create_dir(p.join("c-dir.ron")).unwrap();
    std::os::unix::fs::symlink(p, p.join("d-loop")).unwrap();
    std::fs::write(p.join("e-deep.ron"), "[".repeat(10_000)).unwrap();
    let (code, out, _) = check(p, &[]);
    assert_eq!(code, 1);
    let codes: Vec<&str> = heads(&out)
        .iter()
        .map(|h| {
            h.split('[')
                .nth(1)
                .and_then(|s| s.split(']').next())
                .unwrap()
        })
        .collect();
    assert_eq!(
        codes,
        [
            "empty-file",
            "encoding",
            "not-a-file",
            "symlink-loop",
            "syntax"
        ],
        "{out}"
    );
    assert!(out.ends_with("5 errors, 0 warnings in 3 files\n"), "{out}");
}

/// Two entities that share an alias: a warning at the second, pointing at
/// the first (issue 17).
#[test]
fn issue_17_shared_alias_is_a_warning() {
    let dir = util::tmp();
    util::copy_tree(&util::fixture("clean"), dir.path());
    let ebsa = dir.path().join("agencies/ebsa.ron");
    let text = std::fs::read_to_string(&ebsa).unwrap();
    std::fs::write(
        &ebsa,
        text.replace(
            "aliases: [\"EBSA\"]",
            "aliases: [\"EBSA\", \"labor department\"]",
        ),
    )
    .unwrap();
    let (code, out, _) = check(dir.path(), &[]);
    assert_eq!(code, 0, "a warning only:\n{out}");
    let h = heads(&out);
    assert_eq!(h.len(), 1, "{out}");
    assert!(
        h[0].starts_with("agencies/ebsa.ron:6:")
            && h[0].contains("warning[shared-alias]: alias `labor department` of `ebsa` is also an alias of `dol`"),
        "{out}"
    );
    assert!(
        out.contains("agencies/dol.ron:7:"),
        "the first owner is shown:\n{out}"
    );
    let (code, _, _) = check(dir.path(), &["--deny-warnings"]);
    assert_eq!(code, 1);
}

/// Bug 11: a DAG of symbolic links with no loop (each directory holding two
/// links to the next) made the walk exponential, 2^30 ways down at 30 deep.
/// Each directory is now read once, by device and inode: `check` ends at
/// once, reads the one entity once, and names every second way into a
/// directory in a warning.
#[cfg(unix)]
#[test]
fn hostile_symlink_dag_30_deep_is_read_once() {
    const DEPTH: usize = 30;
    let t = util::tmp();
    let d = |i: usize| t.path().join(format!("d{i:02}"));
    for i in 0..=DEPTH {
        std::fs::create_dir(d(i)).unwrap();
    }
    for i in 0..DEPTH {
        for link in ["a", "b"] {
            std::os::unix::fs::symlink(format!("../d{:02}", i + 1), d(i).join(link)).unwrap();
        }
    }
    std::fs::write(d(DEPTH).join("dol.ron"), DOL).unwrap();
    let idx = util::tmp();
    // A regression fails here rather than hanging the suite.
    let out = util::cmd(&d(0), idx.path())
        .args(["--json", "check"])
        .timeout(Duration::from_secs(20))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code = out
        .status
        .code()
        .unwrap_or_else(|| panic!("`check` still walking after 20 s\nstderr: {stderr}"));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(code, 0, "warnings only: {v:#}");
    assert_eq!(v["errors"], 0, "{v:#}");
    assert_eq!(v["files"], 1, "{v:#}");
    assert_eq!(v["entities"], 1, "{v:#}");
    // The second link of each directory, in path order: `b`, `a/b`, ...
    let diags = v["diagnostics"].as_array().unwrap();
    let mut seen: Vec<(&str, &str)> = diags
        .iter()
        .map(|d| {
            (
                d["location"]["path"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
            )
        })
        .collect();
    seen.sort_unstable();
    let mut expected: Vec<String> = (0..DEPTH).map(|i| format!("{}b", "a/".repeat(i))).collect();
    expected.sort_unstable();
    let expected: Vec<(&str, &str)> = expected
        .iter()
        .map(|p| (p.as_str(), "walked-twice"))
        .collect();
    assert_eq!(seen, expected, "{v:#}");
    let second = diags
        .iter()
        .find(|d| d["location"]["path"] == "a/b")
        .unwrap();
    assert_eq!(second["severity"], "warning");
    assert_eq!(
        second["message"],
        "`a/b` leads to a directory already walked as `a/a`; its files are read from there only"
    );
    let (code, _, _) = check(&d(0), &["--deny-warnings"]);
    assert_eq!(code, 1);
}
