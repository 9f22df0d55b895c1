//! The freshness check and the optional file-system monitor
//! (`policygraph monitor`, docs/performance.md#file-system-monitor): every
//! answer equals a fresh build's, with the monitor and without it.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util::{self, PrivateKb};

/// A hand-edited `<id>.txt` (the text kept beside `<id>.ron`) is seen by
/// the next query, as an edit of its `.ron` is: no `index --force`.
#[test]
fn a_hand_edited_text_is_seen_without_force() {
    let kb = PrivateKb::copy_of(&util::fixture("graph"));
    let text = kb.knowledge.join("ny-widget-bill.txt");
    std::fs::write(&text, "Sec. 1. The zanzibarish provision.\n").unwrap();
    let (code, out, err) = kb.run(&["search", "zanzibarish"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ny-widget-bill"), "{out}");
    std::fs::write(&text, "Sec. 1. The quokkaesque provision, rewritten.\n").unwrap();
    let (_, out, err) = kb.run(&["search", "quokkaesque"]);
    assert!(out.contains("ny-widget-bill"), "{out}{err}");
    assert!(err.contains("updated"), "a patch, not a rebuild: {err}");
    let (_, out, _) = kb.run(&["search", "zanzibarish"]);
    assert!(!out.contains("ny-widget-bill"), "{out}");
    std::fs::remove_file(&text).unwrap();
    let (_, out, _) = kb.run(&["search", "quokkaesque"]);
    assert!(!out.contains("ny-widget-bill"), "{out}");
}

/// A running monitor, stopped when dropped.
struct Monitor {
    knowledge: PathBuf,
    index: PathBuf,
}

impl Monitor {
    /// Starts the monitor of `knowledge` for `index`, with extra
    /// environment variables for the daemon; `start` returns once it
    /// watches.
    fn start(knowledge: &Path, index: &Path, env: &[(&str, &str)]) -> Monitor {
        let mut c = util::std_cmd(knowledge, index);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.args(["monitor", "start"]).output().unwrap();
        let said = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && said.contains("watching"),
            "{said}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Monitor {
            knowledge: knowledge.to_path_buf(),
            index: index.to_path_buf(),
        }
    }

    fn status(&self) -> Value {
        let out = util::std_cmd(&self.knowledge, &self.index)
            .args(["monitor", "status", "--json"])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

impl Drop for Monitor {
    fn drop(&mut self) {
        let _ = util::std_cmd(&self.knowledge, &self.index)
            .args(["monitor", "stop"])
            .output();
    }
}

/// `start` returns once the daemon watches, `status` says so with its
/// pid (and in JSON), `stop` stops it, and a second `start` finds the
/// first.
#[cfg(unix)]
#[test]
fn monitor_start_status_stop() {
    let kb = PrivateKb::copy_of(&util::fixture("graph"));
    let (_, out, _) = kb.run(&["monitor", "status"]);
    assert!(out.contains("not running"), "{out}");
    let m = Monitor::start(&kb.knowledge, &kb.index, &[]);
    let st = m.status();
    assert_eq!(st["running"], true, "{st}");
    let pid = st["pid"].as_u64().unwrap();
    assert!(std::path::Path::new(&format!("/proc/{pid}")).exists() || !cfg!(target_os = "linux"));
    let (_, out, _) = kb.run(&["monitor", "status"]);
    assert!(out.contains(&format!("(pid {pid})")), "{out}");
    let (_, again, _) = kb.run(&["monitor", "start"]);
    assert!(again.contains("already running"), "{again}");
    let (code, out, err) = kb.run(&["monitor", "stop"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("stopped (pid {pid})")), "{out}");
    assert_eq!(m.status()["running"], false);
}

/// The differential suite with the monitor watching: every answer of the
/// index refreshed from the monitor's changes equals a fresh build's, and
/// the monitor did answer (no walk) for most of them.
#[cfg(unix)]
#[test]
fn differential_with_the_monitor_equals_a_fresh_build() {
    let tally = crate::differential::run_watched(
        &util::fixture("graph"),
        crate::differential::cases(12),
        crate::differential::seed() ^ 0x3131,
        |k, a| Monitor::start(k, a, &[]),
    );
    assert!(tally.watched > 0, "the monitor never answered: {tally:?}");
}

/// What a user sees of the knowledge base: the list of every entity and
/// a search, as JSON, from the index in `index`.
fn answers(knowledge: &Path, index: &Path, word: &str) -> String {
    let run = |args: &[&str]| {
        let out = util::std_cmd(knowledge, index).args(args).output().unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    run(&["list", "--json"]) + &run(&["search", word, "--json"])
}

/// The entity files in `dir`, sorted.
fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// Edits a file's name to hold `word`.
fn rename_entity(path: &Path, word: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    let start = text.find("name: \"").unwrap() + 7;
    let end = start + text[start..].find('"').unwrap();
    let new = format!("{}{word} {}", &text[..start], &text[end..]);
    std::fs::write(path, new).unwrap();
}

/// Faults: the daemon killed mid-stream, its journal overflowing
/// (hundreds of files changed at once), a directory renamed, an edit
/// through a symbolic link, `git checkout` of another branch. After each,
/// the monitored index answers as a fresh build does.
#[cfg(unix)]
#[test]
fn monitor_faults_never_give_a_wrong_answer() {
    let kb = PrivateKb::synth(300);
    let fresh = |n: usize| kb.dir.path().join(format!("fresh-{n}"));
    let mut step = 0;
    let mut same = |what: &str, word: &str| {
        step += 1;
        let a = answers(&kb.knowledge, &kb.index, word);
        let b = answers(&kb.knowledge, &fresh(step), word);
        assert!(b.to_lowercase().contains(word), "{what}: {b}");
        assert_eq!(a, b, "{what}");
        std::fs::remove_dir_all(fresh(step)).unwrap();
    };
    // A small journal, so that changing many files at once overflows it.
    let env = [("POLICYGRAPH_MONITOR_JOURNAL", "100")];
    let m = Monitor::start(&kb.knowledge, &kb.index, &env);
    same("at the start", "innovation");
    let person = files_in(&kb.knowledge.join("rule/000"))[1].clone();
    rename_entity(&person, "zebrafinch");
    same("one edit", "zebrafinch");

    // The daemon killed: queries walk.
    let pid = m.status()["pid"].as_u64().unwrap();
    let killed = std::process::Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    rename_entity(&person, "quetzal");
    same("after the daemon was killed", "quetzal");
    drop(m);
    let m = Monitor::start(&kb.knowledge, &kb.index, &env);
    same("after a restart", "quetzal");

    // Hundreds of files changed at once: the journal overflows.
    for b in &files_in(&kb.knowledge.join("bill/000")) {
        rename_entity(b, "overflowed");
    }
    let status = m.status();
    assert_ne!(status["token"], "", "{status}");
    same("after an overflow", "overflowed");

    // A directory renamed.
    std::fs::rename(kb.knowledge.join("rule"), kb.knowledge.join("rules")).unwrap();
    same("after a directory was renamed", "quetzal");
    rename_entity(&files_in(&kb.knowledge.join("rules/000"))[2], "kingfisher");
    same("an edit in the renamed directory", "kingfisher");

    // An editor's save (as `sed -i` does): a temporary file renamed over
    // the entity file.
    let saved = files_in(&kb.knowledge.join("rules/000"))[3].clone();
    let tmp = kb.knowledge.join("rules/000/save-tmp");
    std::fs::copy(&saved, &tmp).unwrap();
    rename_entity(&tmp, "narwhal");
    std::fs::rename(&tmp, &saved).unwrap();
    same("a save through a temporary file", "narwhal");
    // A subdirectory of the renamed directory moved out of the tree.
    std::fs::rename(
        kb.knowledge.join("rules/000"),
        kb.dir.path().join("moved-out"),
    )
    .unwrap();
    same("a directory moved out", "innovation");

    // An edit through a symbolic link to a file outside.
    let outside = kb.dir.path().join("outside");
    std::fs::create_dir(&outside).unwrap();
    let linked = files_in(&kb.knowledge.join("guidance/000"))[0].clone();
    std::fs::rename(&linked, outside.join("linked.ron")).unwrap();
    std::os::unix::fs::symlink(outside.join("linked.ron"), &linked).unwrap();
    same("a link made", "kingfisher");
    rename_entity(&outside.join("linked.ron"), "axolotl");
    same("an edit through a link", "axolotl");
    drop(m);
}

/// `git checkout` of another branch, with the monitor watching.
#[cfg(unix)]
#[test]
fn monitor_sees_a_git_checkout() {
    let kb = PrivateKb::synth(120);
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "init.defaultBranch=main",
            ])
            .args(args)
            .current_dir(&kb.knowledge)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "one"]);
    git(&["checkout", "-qb", "other"]);
    let rules = files_in(&kb.knowledge.join("rule/000"));
    rename_entity(&rules[0], "pangolin");
    std::fs::remove_file(&rules[1]).unwrap();
    git(&["add", "-A"]);
    git(&["commit", "-qm", "two"]);
    git(&["checkout", "-q", "main"]);
    let _m = Monitor::start(&kb.knowledge, &kb.index, &[]);
    let fresh = kb.dir.path().join("fresh");
    let a = answers(&kb.knowledge, &kb.index, "pangolin");
    assert_eq!(a, answers(&kb.knowledge, &fresh, "pangolin"));
    for (n, branch) in ["other", "main", "other"].iter().enumerate() {
        git(&["checkout", "-q", branch]);
        let f = kb.dir.path().join(format!("fresh-{n}"));
        let a = answers(&kb.knowledge, &kb.index, "pangolin");
        assert_eq!(a, answers(&kb.knowledge, &f, "pangolin"), "on {branch}");
        // The name holds the word (a search echoes it as its query).
        assert_eq!(
            a.contains("pangolin "),
            *branch == "other",
            "on {branch}: {a}"
        );
    }
}
