//! `sync`: sources.ron, cursors, one request for an unchanged source,
//! retries, keys, failures that do not stop the others, interruptions.
//! Every test runs against the local replay server (`api_server.rs`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::api_server::{Fault, Server, LS_KEY, OS_KEY};
use crate::util;

/// A knowledge base (a copy of `tests/fixtures/clean`), its index, and the
/// three sources pointed at a replay server.
pub struct SyncKb {
    pub dir: tempfile::TempDir,
    pub server: Server,
}

impl SyncKb {
    pub fn new() -> SyncKb {
        let dir = util::tmp();
        util::copy_tree(&util::fixture("clean"), &dir.path().join("knowledge"));
        let kb = SyncKb {
            dir,
            server: Server::start(),
        };
        let url = kb.server.url.clone();
        for args in [
            vec![
                "sync",
                "add",
                "federal-register",
                "--name",
                "fr",
                "--since",
                "2024-01-01",
                "--base-url",
                &format!("{url}/fr"),
            ],
            vec![
                "sync",
                "add",
                "openstates",
                "--name",
                "nh",
                "--jurisdiction",
                "NH",
                "--session",
                "2025",
                "--base-url",
                &format!("{url}/os"),
            ],
            vec![
                "sync",
                "add",
                "legiscan",
                "--name",
                "ga",
                "--state",
                "GA",
                "--base-url",
                &format!("{url}/ls"),
            ],
        ] {
            let (code, out, err) = kb.run(&args);
            assert_eq!(code, 0, "{args:?}\n{out}\n{err}");
        }
        kb
    }

    pub fn knowledge(&self) -> PathBuf {
        self.dir.path().join("knowledge")
    }

    pub fn index(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    /// Runs the binary with the API keys in the environment.
    pub fn run_env(&self, env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
        let mut c = util::std_cmd(&self.knowledge(), &self.index());
        c.env("OPENSTATES_API_KEY", OS_KEY)
            .env("LEGISCAN_API_KEY", LS_KEY);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.args(args).output().unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        self.run_env(&[], args)
    }

    /// `sync --json`, which must exit 0.
    pub fn sync(&self) -> Value {
        let (code, out, err) = self.run(&["sync", "--json"]);
        assert_eq!(code, 0, "{out}\n{err}");
        serde_json::from_str(&out).unwrap()
    }

    /// Every file under `knowledge/`, with its bytes.
    pub fn files(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        files_under(&self.knowledge())
    }

    pub fn assert_check_clean(&self) {
        let (code, out, err) = self.run(&["check"]);
        assert_eq!(code, 0, "check:\n{out}\n{err}");
    }
}

pub fn files_under(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            out.insert(
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                std::fs::read(e.path()).unwrap(),
            );
        }
    }
    out
}

/// A source's run in `sync --json`.
fn source<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no {name} in {v}"))
}

/// The ids of the non-placeholder files of a source's report with this
/// change.
fn changed_files(v: &Value, name: &str, change: &str) -> Vec<String> {
    source(v, name)["report"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["change"] == change && f["incomplete"] == false)
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

fn counts(v: &Value, name: &str) -> (u64, u64, u64) {
    let r = &source(v, name)["report"];
    (
        r["added"].as_u64().unwrap(),
        r["changed"].as_u64().unwrap(),
        r["unchanged"].as_u64().unwrap(),
    )
}

#[test]
fn two_days_of_three_apis_then_one_request_per_unchanged_source() {
    let kb = SyncKb::new();
    let sources = std::fs::read_to_string(kb.dir.path().join("sources.ron")).unwrap();
    assert!(sources.contains("OPENSTATES_API_KEY") && !sources.contains(OS_KEY));

    // Day 1: everything is new.
    let day1 = kb.sync();
    assert_eq!(day1["failed"], serde_json::json!([]));
    assert_eq!(source(&day1, "fr")["report"]["records"], 3);
    assert_eq!(source(&day1, "nh")["report"]["records"], 2);
    assert_eq!(source(&day1, "ga")["report"]["records"], 2);
    // Open States pages two bills at a time: one page; LegiScan: the
    // list and two bills.
    assert_eq!(source(&day1, "nh")["requests"], 1);
    assert_eq!(source(&day1, "ga")["requests"], 3);
    let after1 = kb.files();
    assert!(
        after1.keys().any(
            |p| p.to_string_lossy().contains("hb-302") || p.to_string_lossy().contains("hb302")
        ),
        "{:?}",
        after1.keys()
    );
    kb.assert_check_clean();

    // Day 2: new documents and actions.
    kb.server.set_day(2);
    kb.server.clear();
    let day2 = kb.sync();
    // The Federal Register is asked from the day after the last one seen:
    // two new documents.
    assert_eq!(
        changed_files(&day2, "fr", "added"),
        ["fr-2023-28724", "fr-2023-28995"]
    );
    assert_eq!(changed_files(&day2, "fr", "changed"), Vec::<String>::new());
    // Open States: from the last `updated_at` seen (HB 1's, unchanged);
    // HB 302 got its later actions, SB 100 is new; two pages.
    assert_eq!(source(&day2, "nh")["requests"], 2);
    assert_eq!(changed_files(&day2, "nh", "added"), ["us-nh-2025-sb-100"]);
    assert_eq!(changed_files(&day2, "nh", "changed"), ["us-nh-2025-hb-302"]);
    // LegiScan: only the changed HB 11 and the new HB 100 are fetched.
    assert_eq!(source(&day2, "ga")["requests"], 3);
    assert_eq!(kb.server.count("/ls/?key"), 3);
    assert_eq!(changed_files(&day2, "ga", "added"), ["us-ga-2023-hb-100"]);
    assert_eq!(changed_files(&day2, "ga", "changed"), ["us-ga-2023-hb-11"]);
    kb.assert_check_clean();

    // A third sync of unchanged sources: one request each, nothing written.
    kb.server.clear();
    let before = kb.files();
    let day3 = kb.sync();
    for name in ["fr", "nh", "ga"] {
        assert_eq!(source(&day3, name)["requests"], 1, "{name}: {day3}");
        let (added, changed, _) = counts(&day3, name);
        assert_eq!((added, changed), (0, 0), "{name}: {day3}");
    }
    assert_eq!(kb.server.count("/"), 3);
    assert_eq!(kb.files(), before);

    // `sync list` shows the cursors.
    let (code, out, _) = kb.run(&["sync", "list"]);
    assert_eq!(code, 0);
    assert!(out.contains("published 2024-01-03"), "{out}");
    assert!(out.contains("updated 2025-06-13"), "{out}");
    assert!(out.contains("3 bill hash(es)"), "{out}");

    // The keys are nowhere on disk.
    for (path, bytes) in files_under(kb.dir.path()) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(OS_KEY) && !text.contains(LS_KEY),
            "a key in {}",
            path.display()
        );
    }
}

#[test]
fn retries_429_500_and_a_cut_body_and_keeps_keys_out_of_messages() {
    let kb = SyncKb::new();
    kb.server.fault("/fr/", Fault::TooMany(1));
    kb.server.fault("/os/", Fault::ServerError);
    kb.server.fault("/ls/", Fault::CutBody);
    let (code, out, err) = kb.run(&["sync"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(err.contains("HTTP 429; trying again in 1.0 s"), "{err}");
    assert!(err.contains("HTTP 500"), "{err}");
    assert!(err.contains("reading the answer failed"), "{err}");
    assert!(err.contains("key=REDACTED"), "{err}");
    assert!(!err.contains(LS_KEY) && !out.contains(LS_KEY), "{err}");
    for name in ["fr", "nh", "ga"] {
        assert!(out.contains(&format!("{name} (")), "{out}");
    }
    // Each fault cost one more request.
    assert_eq!(kb.server.count("/fr/"), 2);
    assert_eq!(kb.server.count("/os/"), 2);
    assert_eq!(kb.server.count("/ls/"), 4);
}

#[test]
fn a_failing_source_does_not_stop_the_others_and_the_next_run_completes_it() {
    let kb = SyncKb::new();
    kb.server.fault("/os/", Fault::CutJson);
    let (code, out, err) = kb.run(&["sync"]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("nh (openstates): failed"), "{out}");
    assert!(out.contains("fr (federal-register): 1 request(s)"), "{out}");
    assert!(out.contains("ga (legiscan): 3 request(s)"), "{out}");
    assert!(err.contains("1 of the sources failed: nh"), "{err}");
    let (_, list, _) = kb.run(&["sync", "list", "--json"]);
    let list: Value = serde_json::from_str(&list).unwrap();
    let nh = list
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "nh")
        .unwrap();
    assert_eq!(nh["state"]["failures"], 1);
    assert!(
        nh["state"]["cursor"].as_object().unwrap().is_empty(),
        "{nh}"
    );

    // A missing key fails that source alone, naming the variable only.
    let mut c = util::std_cmd(&kb.knowledge(), &kb.index());
    let out = c.args(["sync", "ga"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(err.contains("LEGISCAN_API_KEY, which is not set"), "{err}");

    let again = kb.sync();
    assert!(source(&again, "nh")["report"]["added"].as_u64().unwrap() > 0);
    kb.assert_check_clean();
}

/// The knowledge base an uninterrupted day 1 + day 2 leaves.
fn reference() -> BTreeMap<PathBuf, Vec<u8>> {
    let kb = SyncKb::new();
    kb.sync();
    kb.server.set_day(2);
    kb.sync();
    without_urls(kb.files(), &kb.server.url)
}

/// Files with the server's address (in provenance) blanked, so that two
/// servers' runs compare.
fn without_urls(files: BTreeMap<PathBuf, Vec<u8>>, url: &str) -> BTreeMap<PathBuf, Vec<u8>> {
    files
        .into_iter()
        .map(|(p, b)| {
            let t = String::from_utf8_lossy(&b).replace(url, "http://SERVER");
            (p, t.into_bytes())
        })
        .collect()
}

#[test]
fn a_sync_killed_at_spread_moments_is_completed_by_the_next_run() {
    let want = reference();
    let moments: Vec<(&str, &str)> = vec![
        ("POLICYGRAPH_SYNC_ABORT_AT", "fetched"),
        ("POLICYGRAPH_SYNC_ABORT_AT", "written"),
        ("POLICYGRAPH_IMPORT_STOP_AFTER", "1"),
        ("POLICYGRAPH_IMPORT_STOP_AFTER", "3"),
    ];
    for (var, value) in moments {
        let kb = SyncKb::new();
        kb.sync();
        kb.server.set_day(2);
        let (code, out, err) = kb.run_env(&[(var, value)], &["sync"]);
        assert_ne!(code, 0, "{var}={value}: {out}\n{err}");
        kb.assert_check_clean();
        kb.sync();
        kb.assert_check_clean();
        assert_same(
            &without_urls(kb.files(), &kb.server.url),
            &want,
            &format!("{var}={value}"),
        );
    }
    // Killed (SIGKILL) while a request is open.
    let kb = SyncKb::new();
    kb.sync();
    kb.server.set_day(2);
    let (tell, told) = std::sync::mpsc::channel();
    kb.server.fault("/ls/", Fault::Hang(tell));
    let mut c = util::std_cmd(&kb.knowledge(), &kb.index());
    c.env("OPENSTATES_API_KEY", OS_KEY)
        .env("LEGISCAN_API_KEY", LS_KEY)
        .arg("sync")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    let mut child = c.spawn().unwrap();
    told.recv_timeout(std::time::Duration::from_secs(120))
        .unwrap();
    child.kill().unwrap();
    child.wait().unwrap();
    kb.assert_check_clean();
    kb.sync();
    assert_same(&without_urls(kb.files(), &kb.server.url), &want, "killed");
}

/// Two knowledge bases hold the same files, byte for byte; the first
/// difference is shown as text.
pub fn assert_same(
    got: &BTreeMap<PathBuf, Vec<u8>>,
    want: &BTreeMap<PathBuf, Vec<u8>>,
    what: &str,
) {
    let names = |m: &BTreeMap<PathBuf, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(names(got), names(want), "{what}: the files differ");
    for (p, b) in got {
        assert_eq!(
            String::from_utf8_lossy(b),
            String::from_utf8_lossy(&want[p]),
            "{what}: {} differs",
            p.display()
        );
    }
}

#[test]
fn a_broken_sources_file_is_an_error_at_its_line_and_column() {
    let dir = util::tmp();
    util::copy_tree(&util::fixture("clean"), &dir.path().join("knowledge"));
    std::fs::write(
        dir.path().join("sources.ron"),
        "[\n    (\n        name: \"fr\",\n        api: FederalRegister(agency: [\"x\"]),\n    ),\n]\n",
    )
    .unwrap();
    let (code, out, err) = util::run_with_index(
        &dir.path().join("knowledge"),
        &dir.path().join("index"),
        &["sync"],
    );
    assert_eq!(code, 2, "{out}\n{err}");
    assert!(err.contains("sources.ron:4:"), "{err}");
    assert!(err.contains("unknown field `agency`"), "{err}");
    assert!(err.contains("agencies"), "{err}");
    // An unknown source name is a usage error that lists the sources.
    std::fs::write(
        dir.path().join("sources.ron"),
        "[(name: \"fr\", api: FederalRegister())]\n",
    )
    .unwrap();
    let (code, _, err) = util::run_with_index(
        &dir.path().join("knowledge"),
        &dir.path().join("index"),
        &["sync", "nope"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("no source named `nope`") && err.contains("fr"),
        "{err}"
    );
}

#[test]
fn a_dry_run_reports_and_writes_nothing_and_keeps_the_cursors() {
    let kb = SyncKb::new();
    kb.sync();
    kb.server.set_day(2);
    let before = files_under(kb.dir.path());
    let (code, out, err) = kb.run(&["sync", "--dry-run", "--json", "nh"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["sources"].as_array().unwrap().len(), 1);
    assert_eq!(changed_files(&v, "nh", "added"), ["us-nh-2025-sb-100"]);
    let after = files_under(kb.dir.path());
    let knowledge_and_state = |m: &BTreeMap<PathBuf, Vec<u8>>| {
        m.iter()
            .filter(|(p, _)| p.starts_with("knowledge") || p.ends_with("state.json"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect::<BTreeMap<_, _>>()
    };
    assert_same(
        &knowledge_and_state(&after),
        &knowledge_and_state(&before),
        "dry run",
    );
    // The real run after it finds the same news.
    let v = kb.sync();
    assert_eq!(changed_files(&v, "nh", "added"), ["us-nh-2025-sb-100"]);
}

#[test]
fn comments_survive_sync_add_and_watch_add_and_remove() {
    let dir = util::tmp();
    let (k, index) = (dir.path().join("knowledge"), dir.path().join("index"));
    util::copy_tree(&util::fixture("clean"), &k);
    let run = |args: &[&str]| {
        let (code, out, err) = util::run_with_index(&k, &index, args);
        assert_eq!(code, 0, "{args:?}\n{out}\n{err}");
        out
    };
    let sources = dir.path().join("sources.ron");
    std::fs::write(
        &sources,
        "// Our sources; ask Ana before changing.\n[\n    // Orders only.\n    (name: \"eo\", api: FederalRegister(executive_orders: true)), // since 2025\n]\n",
    )
    .unwrap();
    run(&["sync", "add", "openstates", "--jurisdiction", "NH"]);
    let text = std::fs::read_to_string(&sources).unwrap();
    for c in [
        "// Our sources; ask Ana before changing.",
        "// Orders only.",
        "// since 2025",
    ] {
        assert!(text.contains(c), "{c}: {text}");
    }
    let listed: Value = serde_json::from_str(&run(&["--json", "sync", "list"])).unwrap();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["eo", "openstates-nh"], "{listed:#}");

    let watches = dir.path().join("watches.ron");
    std::fs::write(
        &watches,
        "// What the team follows.\n#![enable(implicit_some)]\n[\n    // Everything, for now.\n    (\n        name: \"all\", // everything\n    ),\n    /* old: (name: \"x\") */\n    (name: \"bills\", kinds: [bill]),\n]\n",
    )
    .unwrap();
    run(&["watch", "add", "due", "--deadlines", "30"]);
    run(&["watch", "remove", "all"]);
    let text = std::fs::read_to_string(&watches).unwrap();
    for c in ["// What the team follows.", "/* old: (name: \"x\") */"] {
        assert!(text.contains(c), "{c}: {text}");
    }
    assert!(!text.contains("name: \"all\""), "{text}");
    // The comment just above the removed watch described it: it goes too.
    assert!(!text.contains("Everything, for now."), "{text}");
    let listed: Value = serde_json::from_str(&run(&["--json", "watch", "list"])).unwrap();
    let names: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["bills", "due"], "{listed:#}");
}
