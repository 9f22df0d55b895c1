//! `changes` across an import reads the same knowledge base as `check` and
//! the index (issue 25): a hand-written file and the files imported for
//! its id are one entity, so an import shows only additions and
//! enrichments, between directories and between git revisions.

use std::path::Path;
use std::process::Command;

use crate::util::{self, fixture, shipped};

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

/// Imports the real bill and Federal Register samples into `knowledge`.
fn import(knowledge: &Path) {
    let bills = fixture("bills").join("openstates");
    let docs = fixture("federal-register").join("documents-2024-01-sample.json");
    for args in [
        vec!["import", "openstates", bills.to_str().unwrap()],
        vec!["import", "federal-register", docs.to_str().unwrap()],
    ] {
        let (code, out, err) = util::run(knowledge, &args);
        assert_eq!(code, 0, "{args:?}: {out}{err}");
    }
}

/// What an import may change: entities added, entities modified (enriched),
/// relations added, statuses moved by the imported events. Nothing removed
/// and no warning.
fn only_additions(v: &serde_json::Value) {
    assert_eq!(v["removed"], serde_json::json!([]), "{v:#}");
    assert_eq!(v["relations_removed"], serde_json::json!([]), "{v:#}");
    assert_eq!(v["warnings"], serde_json::json!([]), "{v:#}");
    assert!(!v["added"].as_array().unwrap().is_empty(), "{v:#}");
    let modified: Vec<&str> = v["modified"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    // The GENIUS Act and NH HB 302 are enriched by their official records.
    assert!(
        modified.contains(&"genius-act") && modified.contains(&"nh-hb-302"),
        "{modified:?}"
    );
}

#[test]
fn changes_across_an_import_lists_only_additions_and_enrichments() {
    let dir = util::tmp();
    let old = dir.path().join("old");
    let new = dir.path().join("new");
    util::copy_tree(&shipped(), &old);
    util::copy_tree(&shipped(), &new);
    import(&new);
    let (code, out, err) = util::run(
        &new,
        &[
            "--json",
            "changes",
            "--dirs",
            old.to_str().unwrap(),
            new.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    only_additions(&json(&out));

    // The same in git mode.
    if !util::have("git") {
        return;
    }
    let repo = util::tmp();
    let k = repo.path().join("knowledge");
    git(repo.path(), &["init", "-q"]);
    util::copy_tree(&shipped(), &k);
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "before"]);
    import(&k);
    let (code, out, err) = util::run(&k, &["--json", "changes", "HEAD"]);
    assert_eq!(code, 0, "{err}");
    only_additions(&json(&out));
    git(repo.path(), &["add", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "after"]);
    let (code, out, err) = util::run(&k, &["--json", "changes", "HEAD~1", "HEAD"]);
    assert_eq!(code, 0, "{err}");
    only_additions(&json(&out));
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
        .args(["-c", "commit.gpgsign=false"])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}
