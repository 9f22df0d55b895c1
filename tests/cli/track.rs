//! Tests of `timeline`, `deadlines` and `changes` (issue #7) against the
//! fixture corpora `tests/fixtures/track/` and `tests/fixtures/track-v2/`.
//! "Today" is pinned to 2026-11-27 by `util::cmd`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

use crate::util;

fn corpus() -> PathBuf {
    util::fixture("track")
}

fn v2() -> PathBuf {
    util::fixture("track-v2")
}

/// Runs on the track corpus and parses stdout as JSON; asserts exit 0.
fn json(args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let (code, out, err) = util::run(&corpus(), &all);
    assert_eq!(code, 0, "{args:?}: stderr: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// `date entity stage` of every event of a `timeline --json` run.
fn timeline(args: &[&str]) -> Vec<String> {
    let mut all = vec!["timeline"];
    all.extend_from_slice(args);
    json(&all)["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                str(&e["date"]),
                str(&e["entity"]),
                str(&e["stage"])
            )
        })
        .collect()
}

fn str(v: &Value) -> &str {
    v.as_str().unwrap_or("null")
}

/// Entity ids of a timeline, deduplicated in order of first appearance.
fn entities(args: &[&str]) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for line in timeline(args) {
        let id = line.split(' ').nth(1).unwrap().to_owned();
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

#[test]
fn timeline_is_in_date_order_with_ties_by_id_then_file_order() {
    let all = timeline(&[]);
    assert_eq!(all.len(), 17);
    let mut sorted = all.clone();
    sorted.sort_by(|a, b| a[..10].cmp(&b[..10]));
    assert_eq!(all, sorted, "date order");
    let pos = |s: &str| all.iter().position(|l| l == s).unwrap();
    // Same day, two entities: by id.
    assert!(pos("2025-08-07 eo-100 signed") < pos("2025-08-07 hr-55 vetoed"));
    // Same day, one entity: file order.
    assert!(pos("2026-02-03 dol-alt-rule proposed") < pos("2026-02-03 dol-alt-rule comment_open"));
    // Future events are included unless --as-of cuts them off.
    assert_eq!(all.last().unwrap(), "2027-03-15 summit-2027 held");
}

#[test]
fn timeline_human_output() {
    let (code, out, _) = util::run(&corpus(), &["timeline", "--since", "2025-08-01"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("timeline_since", out);
}

#[test]
fn timeline_since_and_until_are_inclusive() {
    assert_eq!(
        timeline(&["--since", "2026-02-03", "--until", "2026-03-02"]),
        [
            "2026-02-03 dol-alt-rule proposed",
            "2026-02-03 dol-alt-rule comment_open",
            "2026-03-02 res-report published",
        ]
    );
}

#[test]
fn timeline_filters_by_kind_stage_and_jurisdiction() {
    assert_eq!(entities(&["--kind", "bill"]), ["tx-sb-9", "hr-55"]);
    assert_eq!(
        entities(&["--kind", "report", "--kind", "executive-order"]),
        ["eo-100", "res-report"]
    );
    assert_eq!(
        timeline(&["--stage", "signed", "--stage", "vetoed"]),
        [
            "2025-06-15 tx-sb-9 signed",
            "2025-08-07 eo-100 signed",
            "2025-08-07 hr-55 vetoed",
        ]
    );
    // `US-` is every state; `us-tx`, `TX` and `Texas` are Texas; `US` is
    // the federal level only.
    assert_eq!(entities(&["--jurisdiction", "US-"]), ["tx-sb-9"]);
    assert_eq!(entities(&["--jurisdiction", "us-tx"]), ["tx-sb-9"]);
    assert_eq!(entities(&["--jurisdiction", "Texas"]), ["tx-sb-9"]);
    let all = timeline(&[]).len();
    let texan = timeline(&["--jurisdiction", "TX"]).len();
    assert_eq!(timeline(&["--jurisdiction", "US"]).len(), all - texan);
    assert!(texan > 0);
}

#[test]
fn timeline_of_an_entity_and_its_neighbours() {
    assert_eq!(entities(&["--entity", "eo-100"]), ["eo-100"]);
    // By alias, with its neighbours one relation away (both directions).
    assert_eq!(
        entities(&[
            "--entity",
            "Test Order on Retirement Assets",
            "--depth",
            "1"
        ]),
        ["eo-100", "dol-alt-rule", "res-report"]
    );
    // Two away from the Labor Department: dol -> eo-100 -> res-report.
    assert_eq!(
        entities(&["--entity", "DOL", "--depth", "2"]),
        ["eo-100", "dol-alt-rule", "res-report"]
    );
}

#[test]
fn timeline_as_of_drops_later_events() {
    let all = timeline(&["--as-of", "2026-02-03"]);
    assert_eq!(all.last().unwrap(), "2026-02-03 dol-alt-rule comment_open");
    assert_eq!(all.len(), 13);
    let v = json(&["timeline", "--as-of", "2026-02-03"]);
    assert_eq!(v["as_of"], "2026-02-03");
    // Neighbours are seen as of the day too: res-report did not exist yet.
    assert_eq!(
        entities(&[
            "--as-of",
            "2026-02-03",
            "--entity",
            "eo-100",
            "--depth",
            "1"
        ]),
        ["eo-100", "dol-alt-rule"]
    );
    // Scheduled events are marked in text output.
    let (_, out, _) = util::run(&corpus(), &["timeline", "--since", "2027-01-01"]);
    assert!(out.contains("held (scheduled)"), "{out}");
}

#[test]
fn timeline_json_shape() {
    let v = json(&["timeline", "--stage", "vetoed"]);
    assert_eq!(
        v,
        serde_json::json!({
            "as_of": null,
            "events": [{
                "date": "2025-08-07",
                "entity": "hr-55",
                "kind": "bill",
                "name": "Retirement Savings Test Act",
                "jurisdiction": "US",
                "stage": "vetoed",
                "note": "Vetoed.",
                "by": "president",
                "confidence": "verified"
            }]
        })
    );
}

#[test]
fn timeline_with_no_events_exits_1() {
    let (code, out, err) = util::run(&corpus(), &["timeline", "--until", "2024-12-31"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("no events match"), "{err}");
}

#[test]
fn timeline_errors() {
    let cases: &[(&[&str], i32, &str)] = &[
        (&["--since", "2026-02-30"], 2, "impossible date"),
        (
            &["--since", "2026-03-01", "--until", "2026-02-01"],
            2,
            "is after",
        ),
        (&["--jurisdiction", "US_TX"], 2, "unknown jurisdiction"),
        (&["--stage", "pased"], 2, "unknown stage"),
        (&["--depth", "1"], 2, "--entity"),
        (&["--entity", "eo-10"], 1, "no entity matches `eo-10`"),
    ];
    for (args, want, msg) in cases {
        let mut all = vec!["timeline"];
        all.extend_from_slice(args);
        let (code, _, err) = util::run(&corpus(), &all);
        assert_eq!(code, *want, "{args:?}: {err}");
        assert!(err.contains(msg), "{args:?}: {err}");
    }
}

/// `due state days_left days_late` of every deadline, judged as of `day`.
fn deadlines(args: &[&str]) -> Vec<String> {
    let mut all = vec!["deadlines"];
    all.extend_from_slice(args);
    json(&all)["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let mut s = format!("{} {}", str(&d["due"]), str(&d["state"]));
            if let Some(n) = d["days_left"].as_i64() {
                s.push_str(&format!(" left={n}"));
            }
            if let Some(n) = d["days_late"].as_i64() {
                s.push_str(&format!(" late={n}"));
            }
            if let Some(t) = d["met"]["on_time"].as_bool() {
                s.push_str(if t { " on_time" } else { " late" });
            }
            s
        })
        .collect()
}

fn deadline_on(day: &str, due: &str) -> String {
    deadlines(&["--as-of", day])
        .into_iter()
        .find(|d| d.starts_with(due))
        .unwrap_or_else(|| panic!("no deadline due {due}"))
}

#[test]
fn deadlines_today() {
    assert_eq!(
        deadlines(&[]),
        [
            "2026-02-03 met on_time",
            "2026-03-01 met late=1 late",
            "2026-06-30 overdue late=150",
            "2026-12-15 upcoming left=18",
        ]
    );
    let (code, out, _) = util::run(&corpus(), &["deadlines"]);
    assert_eq!(code, 0);
    insta::assert_snapshot!("deadlines_today", out);
}

#[test]
fn deadline_states_around_the_due_date() {
    let cases = [
        // Unmet: the day before, the day of, the day after.
        ("2026-06-29", "2026-06-30", "2026-06-30 upcoming left=1"),
        ("2026-06-30", "2026-06-30", "2026-06-30 upcoming left=0"),
        ("2026-07-01", "2026-06-30", "2026-06-30 overdue late=1"),
        // Met on the due date; the announcement before it does not count.
        ("2026-02-02", "2026-02-03", "2026-02-03 upcoming left=1"),
        ("2026-02-03", "2026-02-03", "2026-02-03 met on_time"),
        ("2026-02-04", "2026-02-03", "2026-02-03 met on_time"),
        // Met the day after the due date.
        ("2026-02-28", "2026-03-01", "2026-03-01 upcoming left=1"),
        ("2026-03-01", "2026-03-01", "2026-03-01 upcoming left=0"),
        ("2026-03-02", "2026-03-01", "2026-03-01 met late=1 late"),
    ];
    for (day, due, want) in cases {
        assert_eq!(deadline_on(day, due), want, "as of {day}");
    }
}

#[test]
fn deadlines_json_shape() {
    let v = json(&["deadlines", "--met"]);
    assert_eq!(v["as_of"], "2026-11-27");
    let d = &v["deadlines"][1];
    assert_eq!(
        d,
        &serde_json::json!({
            "due": "2026-03-01",
            "what": "Report on digital asset reserves.",
            "kind": "owed",
            "owner": {"id": "treasury", "name": "Department of the Treasury"},
            "set_by": {"id": "eo-100", "name": "Test Order on Retirement Assets"},
            "set_by_kind": "executive_order",
            "state": "met",
            "days_left": null,
            "days_late": 1,
            "met": {
                "date": "2026-03-02",
                "by": {"id": "res-report", "name": "Report on Digital Asset Reserves"},
                "stage": "published",
                "on_time": false
            },
            "fulfilled_by": ["res-report"],
            "confidence": "verified"
        })
    );
}

#[test]
fn deadline_filters() {
    let dues = |args: &[&str]| -> Vec<String> {
        deadlines(args).iter().map(|d| d[..10].to_owned()).collect()
    };
    assert_eq!(dues(&["--upcoming"]), ["2026-12-15"]);
    assert_eq!(dues(&["--overdue"]), ["2026-06-30"]);
    assert_eq!(dues(&["--met"]), ["2026-02-03", "2026-03-01"]);
    assert_eq!(
        dues(&["--overdue", "--upcoming"]),
        ["2026-06-30", "2026-12-15"]
    );
    // 2026-12-15 is 18 days after 2026-11-27; the bound is inclusive.
    assert_eq!(dues(&["--within", "30d"]), ["2026-12-15"]);
    assert_eq!(dues(&["--within", "18"]), ["2026-12-15"]);
    assert_eq!(
        dues(&["--within", "4w", "--as-of", "2026-02-03"]),
        ["2026-02-03", "2026-03-01"]
    );
    let (code, _, err) = util::run(&corpus(), &["deadlines", "--within", "2w"]);
    assert_eq!(code, 1);
    assert!(err.contains("no deadlines match"), "{err}");
    let (code, _, err) = util::run(&corpus(), &["deadlines", "--within", "3m"]);
    assert_eq!(code, 2);
    assert!(err.contains("invalid span `3m`"), "{err}");
}

#[test]
fn deadlines_of_an_order_not_yet_signed_are_not_shown() {
    let (code, out, _) = util::run(&corpus(), &["deadlines", "--as-of", "2025-08-06"]);
    assert_eq!((code, out.as_str()), (1, ""));
}

fn changes_json(knowledge: &Path, args: &[&str]) -> Value {
    let mut all = vec!["--json", "changes"];
    all.extend_from_slice(args);
    let (code, out, err) = util::run(knowledge, &all);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap()
}

/// The parts of a `changes --json` report that do not depend on labels.
fn summary(v: &Value) -> Vec<String> {
    let ids = |k: &str| -> Vec<String> {
        v[k].as_array()
            .unwrap()
            .iter()
            .map(|e| format!("{k} {} {}", str(&e["id"]), str(&e["status"])))
            .collect()
    };
    let mut out = ids("added");
    out.extend(ids("removed"));
    for m in v["modified"].as_array().unwrap() {
        out.push(format!("modified {} {}", str(&m["id"]), m["fields"]));
    }
    for s in v["status_changes"].as_array().unwrap() {
        out.push(format!(
            "status {} {} -> {}",
            str(&s["id"]),
            str(&s["before"]),
            str(&s["after"])
        ));
    }
    for k in ["relations_added", "relations_removed"] {
        for r in v[k].as_array().unwrap() {
            out.push(format!(
                "{k} {} {} {}",
                str(&r["from"]),
                str(&r["rel"]),
                str(&r["to"])
            ));
        }
    }
    out
}

const V1_TO_V2: &[&str] = &[
    "added hr-77 introduced",
    "removed hr-55 vetoed",
    r#"modified dol-alt-rule ["events"]"#,
    r#"modified eo-100 ["relations","summary"]"#,
    "status dol-alt-rule comment_closed -> final",
    "relations_added eo-100 consults treasury",
    "relations_added hr-77 cites eo-100",
    "relations_removed eo-100 directs treasury",
];

#[test]
fn changes_between_directories() {
    let (old, new) = (corpus(), v2());
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
    let v = changes_json(&old, &["--dirs", o, n]);
    // A reformatted file with reordered fields (tx-sb-9) is not a change.
    assert_eq!(summary(&v), V1_TO_V2);
    assert_eq!(v["old"], o);
    assert_eq!(v["warnings"], serde_json::json!([]));
    assert_eq!(
        v["added"][0],
        serde_json::json!({"id": "hr-77", "kind": "bill", "name": "Retirement Access Test Act", "status": "introduced"})
    );

    let (code, out, _) = util::run(
        &old,
        &[
            "changes",
            "--dirs",
            "tests/fixtures/track",
            "tests/fixtures/track-v2",
        ],
    );
    assert_eq!(code, 0);
    insta::assert_snapshot!("changes_dirs", out);
}

#[test]
fn status_follows_events_as_of_a_day() {
    let (old, new) = (corpus(), v2());
    let (o, n) = (old.to_str().unwrap(), new.to_str().unwrap());
    // On 2026-02-03 the rule was proposed and its comment period opened:
    // the later event in the file wins, in both versions. hr-77 had no
    // event yet, and an event (the summit) has no status at all.
    let v = changes_json(&old, &["--as-of", "2026-02-03", "--dirs", o, n]);
    assert_eq!(v["status_changes"], serde_json::json!([]));
    assert_eq!(v["added"][0]["status"], Value::Null);
    assert_eq!(v["removed"][0]["status"], "vetoed");
    let v = changes_json(&old, &["--as-of", "2026-02-02", "--dirs", n, o]);
    assert_eq!(v["added"][0]["status"], "vetoed");
    let v = changes_json(&old, &["--as-of", "2026-10-01", "--dirs", o, n]);
    assert_eq!(
        v["status_changes"],
        serde_json::json!([{"id": "dol-alt-rule", "name": "Alternative Assets in Defined Contribution Plans", "before": "comment_closed", "after": "final"}])
    );
    // An event (kind) has no status: moving its event changes only events.
    let dir = util::tmp();
    util::copy_tree(&old, dir.path());
    let summit = dir.path().join("summit-2027.ron");
    let text = std::fs::read_to_string(&summit).unwrap();
    std::fs::write(&summit, text.replace("2027-03-15", "2027-03-16")).unwrap();
    let d = dir.path().to_str().unwrap();
    let v = changes_json(&old, &["--dirs", o, d]);
    assert_eq!(summary(&v), [r#"modified summit-2027 ["events"]"#]);
}

#[test]
fn changes_with_nothing_changed_exits_1() {
    let o = corpus();
    let o = o.to_str().unwrap();
    let (code, out, err) = util::run(&corpus(), &["changes", "--dirs", o, o]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "{out}");
    assert!(err.contains("no changes"), "{err}");
}

#[test]
fn changes_usage_errors() {
    let (code, _, err) = util::run(&corpus(), &["changes", "--dirs", "tests/fixtures/track"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = util::run(
        &corpus(),
        &["changes", "--dirs", "no/such/dir", "tests/fixtures/track"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no/such/dir"), "{err}");
}

/// A git repository with `knowledge/` committed twice (track, then
/// track-v2) and a working tree like the second commit.
fn repo() -> tempfile::TempDir {
    let dir = util::tmp();
    let k = dir.path().join("knowledge");
    git(dir.path(), &["init", "-q"]);
    std::fs::create_dir(&k).unwrap();
    util::copy_tree(&corpus(), &k);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "v1"]);
    git(dir.path(), &["tag", "v1"]);
    std::fs::remove_dir_all(&k).unwrap();
    std::fs::create_dir(&k).unwrap();
    util::copy_tree(&v2(), &k);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "v2"]);
    dir
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(["-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn changes_between_git_revisions() {
    if !util::have("git") {
        return;
    }
    let repo = repo();
    let k = repo.path().join("knowledge");
    let v = changes_json(&k, &["HEAD~1", "HEAD"]);
    assert_eq!(summary(&v), V1_TO_V2);
    assert_eq!((&v["old"], &v["new"]), (&"HEAD~1".into(), &"HEAD".into()));

    // A tag against the working tree, with an uncommitted deletion and a
    // file that does not parse (a warning, not a failure).
    std::fs::remove_file(k.join("hr-77.ron")).unwrap();
    std::fs::write(k.join("broken.ron"), "(id: \"broken\",").unwrap();
    let v = changes_json(&k, &["v1"]);
    assert_eq!(v["new"], "working tree");
    assert!(!summary(&v).iter().any(|s| s.contains("hr-77")));
    assert!(summary(&v).contains(&"removed hr-55 vetoed".to_owned()));
    let w = v["warnings"].as_array().unwrap();
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        str(&w[0]).starts_with("working tree: broken.ron:1:"),
        "{w:?}"
    );

    let (code, _, err) = util::run(&k, &["changes", "HEAD", "HEAD"]);
    assert_eq!(code, 1);
    assert!(err.contains("no changes between HEAD and HEAD"), "{err}");
}

#[test]
fn changes_git_errors_exit_2() {
    if !util::have("git") {
        return;
    }
    let repo = repo();
    let k = repo.path().join("knowledge");
    for rev in ["nope", "HEAD~5", "--all"] {
        let (code, _, err) = util::run(&k, &["changes", "--", rev, "HEAD"]);
        assert_eq!(code, 2, "{rev}: {err}");
        assert!(err.contains(&format!("unknown revision `{rev}`")), "{err}");
    }
    let plain = util::tmp();
    util::copy_tree(&corpus(), plain.path());
    let (code, _, err) = util::run(plain.path(), &["changes", "HEAD"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("is not inside a git repository"), "{err}");
    assert!(err.contains("--dirs"), "{err}");
}

/// Issue 25: a past-due deadline with no fulfilment recorded is not called
/// overdue: the knowledge base does not know that the work was not done.
/// Only a recorded `unmet_on` day makes it overdue.
#[test]
fn past_due_without_a_recorded_fulfilment_is_not_overdue() {
    let kb = util::PrivateKb::copy_of(&util::shipped());
    let (_, out, _) = kb.run_env(
        &[("POLICYGRAPH_TODAY", "2026-12-08")],
        &["deadlines", "--owner", "occ"],
    );
    assert!(out.contains("no fulfilment recorded"), "{out}");
    assert!(!out.contains("overdue by"), "{out}");
    let (_, json, _) = kb.run_env(
        &[("POLICYGRAPH_TODAY", "2026-12-08")],
        &["deadlines", "--owner", "occ", "--json"],
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["deadlines"][0]["state"], "unrecorded", "{json}");
    assert_eq!(v["deadlines"][0]["set_by_kind"], "statute", "{json}");
    // `--overdue` still finds it: past due, and not known to be met.
    let (code, out, _) = kb.run_env(
        &[("POLICYGRAPH_TODAY", "2026-12-08")],
        &["deadlines", "--owner", "occ", "--overdue"],
    );
    assert_eq!(code, 0, "{out}");
    // A verified absence is overdue (the fixture records one).
    let (_, out, _) = util::run(&util::fixture("track"), &["deadlines", "--overdue"]);
    assert!(out.contains("overdue by 150 days"), "{out}");
}

/// Issue 25: `deadlines --kind`, `--since` and `--until`.
#[test]
fn deadlines_by_kind_of_setter_and_due_period() {
    let kb = util::PrivateKb::copy_of(&util::shipped());
    let (_, json, _) = kb.run(&["deadlines", "--kind", "statute", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let ds = v["deadlines"].as_array().unwrap();
    assert!(!ds.is_empty());
    assert!(ds.iter().all(|d| d["set_by_kind"] == "statute"), "{json}");
    let (_, json, _) = kb.run(&[
        "deadlines",
        "--since",
        "2026-07",
        "--until",
        "2026-07",
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let ds = v["deadlines"].as_array().unwrap();
    assert!(
        ds.iter().any(|d| d["set_by"]["id"] == "genius-act"),
        "{json}"
    );
    assert!(
        ds.iter()
            .all(|d| d["due"].as_str().unwrap().starts_with("2026-07")),
        "{json}"
    );
    let (_, json, _) = kb.run(&["deadlines", "--kind", "executive_order", "--json"]);
    assert!(!json.contains("genius-act"), "{json}");
}

/// Issue 25: the timeline names each entity by its title, and `--major`
/// leaves out procedural actions.
#[test]
fn timeline_titles_and_major_events() {
    let (_, out, _) = util::run(&util::shipped(), &["timeline", "--entity", "genius-act"]);
    assert!(
        out.contains("Guiding and Establishing National Innovation"),
        "{out}"
    );
    let dir = util::tmp();
    let k = dir.path().join("knowledge");
    std::fs::create_dir_all(&k).unwrap();
    std::fs::write(
        k.join("b.ron"),
        r#"(id: "b", kind: bill, name: "A bill", jurisdiction: "US",
    events: [
        (date: "2025-01-03", stage: introduced, note: "Introduced in Senate"),
        (date: "2025-01-04", stage: action, note: "Held at the desk."),
        (date: "2025-01-05", stage: passed_one_chamber, note: "Passed Senate"),
    ],
    sources: [(title: "x", url: "https://www.congress.gov/")])"#,
    )
    .unwrap();
    let (_, all, _) = util::run(&k, &["timeline"]);
    assert!(all.contains("Held at the desk"), "{all}");
    let (_, major, _) = util::run(&k, &["timeline", "--major"]);
    assert!(!major.contains("Held at the desk"), "{major}");
    assert!(major.contains("Passed Senate"), "{major}");
    let (_, asked, _) = util::run(&k, &["timeline", "--major", "--stage", "action"]);
    assert!(asked.contains("Held at the desk"), "{asked}");
}

/// `changes` in git mode reads only the files that differ and the other
/// files of their ids; `--full` reads every file of both versions. Both
/// give the same answer across an import merged into hand-written ids, a
/// removal, a rename and an edit, between a revision and the working tree
/// and between two revisions; a file whose id is not its name makes the
/// fast way give up (with a note) rather than guess.
#[test]
fn changes_in_git_mode_reads_what_differs_and_agrees_with_a_full_read() {
    if !util::have("git") {
        return;
    }
    let dir = util::tmp();
    let k = dir.path().join("knowledge");
    git(dir.path(), &["init", "-q"]);
    util::copy_tree(&util::shipped(), &k);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-q", "-m", "before"]);
    let bills = util::fixture("bills").join("openstates");
    let docs = util::fixture("federal-register").join("documents-2024-01-sample.json");
    for args in [
        vec!["import", "openstates", bills.to_str().unwrap()],
        vec!["import", "federal-register", docs.to_str().unwrap()],
    ] {
        let (code, out, err) = util::run(&k, &args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
    }
    std::fs::remove_file(k.join("events/crypto-week-2025.ron")).unwrap();
    std::fs::create_dir(k.join("figures/moved")).unwrap();
    std::fs::rename(
        k.join("figures/fig-415c-limit-2025.ron"),
        k.join("figures/moved/fig-415c-limit-2025.ron"),
    )
    .unwrap();
    let report = k.join("reports/pwg-report-2025.ron");
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("within 180 days"));
    std::fs::write(
        &report,
        text.replace("within 180 days", "within 180 days (six months)"),
    )
    .unwrap();

    let both = |args: &[&str]| {
        let fast = util::run(&k, &[&["--json", "changes"], args].concat());
        let full = util::run(&k, &[&["--json", "changes", "--full"], args].concat());
        assert_eq!(fast.0, 0, "{}", fast.2);
        assert_eq!(fast.1, full.1, "{args:?}");
        let v: Value = serde_json::from_str(&fast.1).unwrap();
        (v, fast.2)
    };
    for args in [&["HEAD"][..], &["HEAD~1", "HEAD"][..]] {
        if args.len() == 2 {
            git(dir.path(), &["add", "-A"]);
            git(dir.path(), &["commit", "-q", "-m", "after"]);
        }
        let (v, err) = both(args);
        assert!(!err.contains("every file"), "{err}");
        let ids = |key: &str| -> Vec<String> {
            v[key]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| str(&e["id"]).to_owned())
                .collect()
        };
        for id in ["genius-act", "nh-hb-302", "pwg-report-2025"] {
            assert!(ids("modified").contains(&id.to_owned()), "{id}: {v:#}");
        }
        assert_eq!(ids("removed"), ["crypto-week-2025"], "{v:#}");
        assert!(!ids("added").is_empty(), "{v:#}");
        let all = [ids("added"), ids("modified")].concat();
        assert!(!all.iter().any(|id| id == "fig-415c-limit-2025"), "{v:#}");
    }
    // An id that is not its file's name: every file is read.
    std::fs::write(
        k.join("figures/odd-name.ron"),
        "(id: \"odd-id\", kind: figure, name: \"Odd\", jurisdiction: \"US\")\n",
    )
    .unwrap();
    let (v, err) = both(&["HEAD"]);
    assert!(err.contains("every file of both versions is read"), "{err}");
    assert_eq!(v["added"][0]["id"], "odd-id", "{v:#}");
}
