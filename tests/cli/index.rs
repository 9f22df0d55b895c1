//! The index layer as a user meets it: loops, damage, concurrency, crashes,
//! stale statuses and byte-identical answers (issue 14). Each of the five
//! failures the issue lists has a regression test here named after it.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::util;

use util::PrivateKb as Kb;

impl Kb {
    /// Entries of `index/` other than CURRENT and the lock file.
    fn leftovers(&self) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(&self.index)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n != "CURRENT" && n != ".lock")
            .collect();
        v.sort();
        v
    }

    /// [`Kb::edit`], then moves the file's modification time on, so that
    /// two edits within the file system's clock tick still count.
    fn edit_bumped(&self, file: &str, from: &str, to: &str) {
        self.edit(file, from, to);
        bump(&self.knowledge.join(file));
    }
}

/// Sets a file's modification time to a fresh value.
fn bump(p: &Path) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    let when = SystemTime::now() + Duration::from_secs(N.fetch_add(1, Ordering::Relaxed));
    std::fs::File::options()
        .write(true)
        .open(p)
        .and_then(|f| f.set_modified(when))
        .unwrap();
}

fn graph() -> PathBuf {
    util::fixture("graph")
}

/// The JSON a command prints, parsed.
fn json(kb: &Kb, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let (code, out, err) = kb.run(&all);
    assert!(code == 0 || code == 1, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

/// Failure 1: two symbolic links back to the top made every refreshing
/// command walk an exponential tree. Now queries end at once, answer, and
/// name the loops in one warning.
#[cfg(unix)]
#[test]
fn issue14_symlink_loops_do_not_hang_queries() {
    let kb = Kb::copy_of(&graph());
    for d in ["a", "b"] {
        std::fs::create_dir_all(kb.knowledge.join(d)).unwrap();
        std::os::unix::fs::symlink("..", kb.knowledge.join(d).join("up")).unwrap();
    }
    let started = Instant::now();
    for args in [
        &["search", "widget"][..],
        &["show", "order-alpha"],
        &["index"],
    ] {
        let mut child = util::std_cmd(&kb.knowledge, &kb.index)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                panic!("`{args:?}` still running after 20 s with two symlink loops");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.contains("a/up") && err.contains("b/up"), "{err}");
    }
    assert!(started.elapsed() < Duration::from_secs(60));
    let (code, out, err) = kb.run(&["check"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("a/up") && out.contains("symbolic link back to"),
        "{out}{err}"
    );
}

/// Hostile trees: an unreadable directory, a FIFO named like an entity,
/// and a file replaced by a directory between two runs. Each query
/// finishes with a clear message.
#[cfg(unix)]
#[test]
fn hostile_trees_give_answers_and_one_warning() {
    use std::os::unix::fs::PermissionsExt;
    let kb = Kb::copy_of(&graph());
    let (code, _, err) = kb.run(&["index"]);
    assert_eq!(code, 0, "{err}");
    // A FIFO: reading it would block forever.
    let fifo = kb.knowledge.join("pipe.ron");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    // A file replaced by a directory.
    let victim = kb.knowledge.join("lonely-report.ron");
    std::fs::remove_file(&victim).unwrap();
    std::fs::create_dir(&victim).unwrap();
    // An unreadable directory (root reads it anyway; then it is just empty).
    let locked = kb.knowledge.join("locked");
    std::fs::create_dir(&locked).unwrap();
    std::fs::write(locked.join("x.ron"), "(id: ").unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let (code, out, err) = kb.run(&["search", "widget"]);
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(err.matches("warning:").count(), 1, "{err}");
    assert!(err.contains("lonely-report.ron"), "{err}");
    if made {
        assert!(
            err.contains("pipe.ron") || err.contains("files with errors"),
            "{err}"
        );
    }
}

/// Failure 2: a damaged generation (a truncated `meta.json`) blocked every
/// command, `index --force` included. Now it is rebuilt with one note;
/// `--no-refresh` says how to repair it.
#[test]
fn issue14_damaged_index_heals() {
    let kb = Kb::copy_of(&graph());
    let (code, _, err) = kb.run(&["index"]);
    assert_eq!(code, 0, "{err}");
    let damage = |kb: &Kb| {
        let cur = std::fs::read_to_string(kb.index.join("CURRENT")).unwrap();
        let meta = kb.index.join(cur.trim()).join("meta.json");
        let text = std::fs::read(&meta).unwrap();
        std::fs::write(&meta, &text[..text.len() / 2]).unwrap();
    };
    damage(&kb);
    let (code, out, err) = kb.run(&["--no-refresh", "search", "widget"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("policygraph index --force"), "{err}");
    let (code, out, err) = kb.run(&["search", "widget"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.is_empty());
    assert_eq!(err.matches("note:").count(), 1, "{err}");
    assert!(err.contains("could not be opened"), "{err}");
    damage(&kb);
    let (code, out, err) = kb.run(&["index", "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("indexed"), "{out}");
    // The damaged generations are gone.
    assert_eq!(kb.leftovers().len(), 1, "{:?}", kb.leftovers());
}

/// Failure 3: four queries started at once after an edit each rebuilt,
/// deleted each other's generations and left orphans. Now one refreshes,
/// the others wait and use its result, and one generation is left.
#[test]
fn issue14_concurrent_queries_refresh_once() {
    let kb = Kb::copy_of(&graph());
    let (code, _, err) = kb.run(&["index"]);
    assert_eq!(code, 0, "{err}");
    for round in 0..3 {
        kb.edit_bumped(
            "order-alpha.ron",
            if round == 0 {
                "Study widget"
            } else {
                "Look at widget"
            },
            "Look at widget",
        );
        // A rename, so that the round is not a patch of the same size.
        std::fs::write(
            kb.knowledge.join(format!("extra-{round}.ron")),
            format!(
                "(\n    id: \"extra-{round}\",\n    kind: report,\n    name: \"Extra report {round}\",\n    jurisdiction: \"US\",\n    sources: [(title: \"x\")],\n)\n"
            ),
        )
        .unwrap();
        let children: Vec<_> = (0..4)
            .map(|_| {
                util::std_cmd(&kb.knowledge, &kb.index)
                    .args(["--json", "search", "widget"])
                    .stdout(Stdio::piped())
                    .stderr(Stdio::piped())
                    .spawn()
                    .unwrap()
            })
            .collect();
        let mut notes = 0;
        for c in children {
            let out = c.wait_with_output().unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(0), "{err}");
            let v: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert!(v["hits"].as_array().is_some_and(|h| !h.is_empty()), "{v}");
            // A process that waits long for the lock (on a loaded
            // machine) says so; only the refresh itself counts here.
            notes += err
                .lines()
                .filter(|l| l.starts_with("note:") && !l.contains("waiting for"))
                .count();
        }
        assert_eq!(notes, 1, "exactly one process refreshes the index");
        assert_eq!(kb.leftovers().len(), 1, "{:?}", kb.leftovers());
    }
}

/// Failure 4: an edit and a passed event date on the same run patched the
/// index and kept yesterday's statuses for one run.
#[test]
fn issue14_passed_event_and_edit_on_the_same_run() {
    let kb = Kb::copy_of(&graph());
    let (code, _, err) = kb.run(&["index"]);
    assert_eq!(code, 0, "{err}");
    kb.edit_bumped("order-alpha.ron", "Study widget", "Look at widget");
    let (code, out, err) = kb.run_env(
        &[("POLICYGRAPH_TODAY", "2027-01-15")],
        &["--json", "search", "status:enacted"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("widget-act"), "{out}");
    assert!(err.contains("an event date has passed"), "{err}");
}

/// Failure 5: after a patch, `show --json` listed `incoming` in another
/// order than after a full rebuild.
#[test]
fn issue14_patched_answers_equal_rebuilt_ones() {
    let kb = Kb::copy_of(&graph());
    let (code, _, err) = kb.run(&["index"]);
    assert_eq!(code, 0, "{err}");
    // A new relation from an entity whose id sorts before the others.
    std::fs::write(
        kb.knowledge.join("aaa-memo.ron"),
        "(\n    id: \"aaa-memo\",\n    kind: report,\n    name: \"A memo\",\n    jurisdiction: \"US\",\n    relations: [(rel: cites, to: \"order-alpha\")],\n    sources: [(title: \"x\")],\n)\n",
    )
    .unwrap();
    let (code, _, err) = kb.run(&["show", "order-alpha"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("updated"), "patched: {err}");
    let patched = json(&kb, &["show", "order-alpha"]);
    let (code, _, err) = kb.run(&["index", "--force"]);
    assert_eq!(code, 0, "{err}");
    let rebuilt = json(&kb, &["show", "order-alpha"]);
    assert_eq!(patched, rebuilt);
}

/// An invalid `POLICYGRAPH_TODAY` is an error, not silently the clock.
#[test]
fn invalid_pinned_today_is_an_error() {
    let kb = Kb::copy_of(&graph());
    let (code, out, err) = kb.run_env(
        &[("POLICYGRAPH_TODAY", "2026-13-45")],
        &["show", "order-alpha"],
    );
    assert_eq!(code, 2, "{out}{err}");
    assert!(
        err.contains("POLICYGRAPH_TODAY") && err.contains("2026-13-45"),
        "{err}"
    );
}

/// Crash tests: `kill -9` at random moments during a full rebuild and
/// during a patch; after each kill the next query answers as a fresh build
/// does, and nothing is left behind.
#[cfg(unix)]
#[test]
fn killed_refreshes_leave_a_working_index() {
    let kb = Kb::synth(1500);
    let (code, _, err) = kb.run(&["index"]);
    assert_eq!(code, 0, "{err}");
    let expected = json(&kb, &["list"]);
    let victim = std::fs::read_dir(kb.knowledge.join("reports"))
        .map(|mut rd| rd.next().unwrap().unwrap().path())
        .unwrap_or_else(|_| {
            walkdir::WalkDir::new(&kb.knowledge)
                .into_iter()
                .filter_map(Result::ok)
                .find(|e| e.path().extension().is_some_and(|x| x == "ron"))
                .unwrap()
                .into_path()
        });
    // A cheap, deterministic spread of delays.
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut delay = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        Duration::from_millis(seed % 700)
    };
    for round in 0..40 {
        let args: &[&str] = if round % 2 == 0 {
            &["index", "--force"]
        } else {
            // A patch: touch one file.
            bump(&victim);
            &["show", "executive-order-1"]
        };
        let mut child = util::std_cmd(&kb.knowledge, &kb.index)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay());
        let _ = child.kill();
        let _ = child.wait();
        let got = json(&kb, &["list"]);
        assert_eq!(
            got, expected,
            "round {round}: the answer changed after a kill"
        );
        assert_eq!(
            kb.leftovers().len(),
            1,
            "round {round}: {:?}",
            kb.leftovers()
        );
    }
}

/// The patch checks corpus-wide rules with `check`'s own code: a second
/// `part_of` link that closes a cycle through unchanged entities is found
/// (the patch's own walk used to follow the first link only), and the
/// query reports it like a full check would.
#[test]
fn a_patch_finds_a_part_of_cycle_through_a_second_link() {
    let kb = Kb::copy_of(&graph());
    let (code, _, err) = kb.run(&["index"]);
    assert_eq!(code, 0, "{err}");
    // `mint` is part of `treasury-dept`, which is part of `cabinet`. A
    // second link, `treasury-dept` part of `mint`, closes a cycle.
    kb.edit_bumped(
        "treasury-dept.ron",
        "note: \"Joined the cabinet in 2026.\", source: 0),\n",
        "note: \"Joined the cabinet in 2026.\", source: 0),\n        (rel: part_of, to: \"mint\", source: 0),\n",
    );
    let (code, out, _) = kb.run(&["check"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("part-of-cycle"), "{out}");
    let (code, _, err) = kb.run(&["show", "mint"]);
    assert!(!err.contains("updated"), "a cycle was patched in: {err}");
    assert!(err.contains("left out"), "{err} ({code})");
}

/// Freshness sees what git sees: a rewrite that keeps a file's size and
/// modification time (set back, or a replacement renamed into place as
/// editors and `git checkout` do) changes its ctime or inode, and the next
/// query answers from the new text, by a patch.
#[test]
fn a_same_size_rewrite_with_the_old_mtime_is_seen() {
    let kb = Kb::copy_of(&graph());
    let file = kb.knowledge.join("order-alpha.ron");
    let name = |kb: &Kb| -> String {
        let v = json(kb, &["show", "order-alpha"]);
        v["entity"]["name"].as_str().unwrap().to_owned()
    };
    assert_eq!(name(&kb), "Order on Strategic Widget Reserves");
    let rewrite = |from: &str, to: &str, by_rename: bool| {
        let before = std::fs::metadata(&file).unwrap();
        let text = std::fs::read_to_string(&file).unwrap().replace(from, to);
        let target = if by_rename {
            kb.knowledge.join(".order-alpha.ron.tmp")
        } else {
            file.clone()
        };
        std::fs::write(&target, text).unwrap();
        std::fs::File::options()
            .write(true)
            .open(&target)
            .and_then(|f| f.set_modified(before.modified().unwrap()))
            .unwrap();
        if by_rename {
            std::fs::rename(&target, &file).unwrap();
        }
        let after = std::fs::metadata(&file).unwrap();
        assert_eq!(
            (after.len(), after.modified().unwrap()),
            (before.len(), before.modified().unwrap())
        );
    };
    // In place, the modification time set back.
    rewrite("Widget Reserves", "Gadget Reserves", false);
    let (code, _, err) = kb.run(&["show", "order-alpha"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("updated"), "patched: {err}");
    assert_eq!(name(&kb), "Order on Strategic Gadget Reserves");
    // A new file renamed over the old one, with its size and time.
    rewrite("Gadget Reserves", "Sprock Reserves", true);
    let (code, _, err) = kb.run(&["show", "order-alpha"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("updated"), "patched: {err}");
    assert_eq!(name(&kb), "Order on Strategic Sprock Reserves");
}
