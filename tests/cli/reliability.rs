//! Nothing lost, nothing silently wrong (issue 23): the one write lock,
//! the one stage-and-swap, an index that heals from damage, and a
//! regression test for each bug the outside review confirmed. Each test
//! named `issue23_N_…` failed on the code before the fix for bug N.
//!
//! The concurrency tests run `PG_RELIABILITY_ROUNDS` rounds (3 by
//! default; the issue's 20 with `PG_RELIABILITY_ROUNDS=20`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value;

use crate::util::{self, PrivateKb};

fn fr(name: &str) -> PathBuf {
    util::fixture("federal-register").join(name)
}

const DOCS: &str = "documents-2024-01-sample.json";
const ORDERS: &str = "executive-orders-13180-13199.json";

fn rounds() -> usize {
    std::env::var("PG_RELIABILITY_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
}

fn spawn(kb: &PrivateKb, args: &[&str]) -> Child {
    util::std_cmd(&kb.knowledge, &kb.index)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

fn finish(c: Child) -> (i32, String, String) {
    let out = c.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn import_args(file: &Path) -> Vec<String> {
    vec![
        "import".into(),
        "federal-register".into(),
        file.display().to_string(),
    ]
}

fn ok(kb: &PrivateKb, args: &[&str]) -> String {
    let (code, out, err) = kb.run(args);
    assert_eq!(code, 0, "{args:?}\nstdout: {out}\nstderr: {err}");
    out
}

/// Every path under `dir` (files and directories), relative, sorted.
fn tree(dir: &Path) -> BTreeSet<String> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(|e| e.unwrap())
        .map(|e| {
            e.path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect()
}

/// Names of stages anywhere under `dir`: what a writer left behind.
fn stages(dir: &Path) -> Vec<String> {
    tree(dir)
        .into_iter()
        .filter(|p| {
            let name = p.rsplit('/').next().unwrap_or(p);
            name.contains(".import-")
                || name.contains(".build-")
                || name.contains("stage-")
                || name.contains(".building-")
                || name.ends_with(".tmp")
        })
        .collect()
}

/// A process that stays alive while the test needs a live pid.
fn live_process() -> Child {
    Command::new("sleep").arg("60").spawn().unwrap()
}

/// A pid above Linux's maximum: no process has it.
const DEAD_PID: u32 = 4_194_305;

#[test]
fn issue23_1_an_import_removes_only_the_stages_of_dead_processes() {
    let kb = PrivateKb::copy_of(&util::shipped());
    let mut alive = live_process();
    let running = kb
        .knowledge
        .join(format!(".imported.import-{}-abc", alive.id()));
    let dead = kb
        .knowledge
        .join(format!(".imported.import-{DEAD_PID}-abc"));
    for d in [&running, &dead] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::write(d.join("x.ron"), "(half written").unwrap();
    }
    let args = import_args(&fr(ORDERS));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&kb, &args);
    assert!(
        running.join("x.ron").exists(),
        "a running import's stage was deleted"
    );
    assert!(!dead.exists(), "a dead import's stage was left behind");
    let _ = alive.kill();
    let _ = alive.wait();
}

/// Imports that run at the same time wait for each other and lose nothing.
#[test]
fn issue23_1_two_imports_at_once_lose_nothing() {
    // What the two give one after the other.
    let want = {
        let kb = PrivateKb::copy_of(&util::shipped());
        for f in [DOCS, ORDERS] {
            let args = import_args(&fr(f));
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            ok(&kb, &args);
        }
        tree(&kb.knowledge.join("imported"))
    };
    for round in 0..rounds() {
        let kb = PrivateKb::copy_of(&util::shipped());
        let a = import_args(&fr(DOCS));
        let b = import_args(&fr(ORDERS));
        let a = spawn(&kb, &a.iter().map(String::as_str).collect::<Vec<_>>());
        let b = spawn(&kb, &b.iter().map(String::as_str).collect::<Vec<_>>());
        for (code, out, err) in [finish(a), finish(b)] {
            assert_eq!(code, 0, "round {round}\n{out}\n{err}");
        }
        assert_eq!(tree(&kb.knowledge.join("imported")), want, "round {round}");
        assert_eq!(stages(&kb.knowledge), Vec::<String>::new(), "round {round}");
        let (code, out, err) = kb.run(&["check"]);
        assert_eq!(code, 0, "round {round}\n{out}\n{err}");
    }
}

/// An import, a site build and queries at the same time; two site builds
/// at the same time. Afterwards every record is there, `check` is clean,
/// no stage is left, and the site is whole.
#[test]
fn issue23_writers_at_the_same_time_take_turns() {
    for round in 0..rounds() {
        let kb = PrivateKb::copy_of(&util::shipped());
        let site = kb.dir.path().join("site");
        let site_s = site.display().to_string();
        ok(&kb, &["index"]);
        let imp = import_args(&fr(ORDERS));
        let imp = spawn(&kb, &imp.iter().map(String::as_str).collect::<Vec<_>>());
        let s1 = spawn(&kb, &["site", "-o", &site_s, "--diagrams", "builtin"]);
        let s2 = spawn(&kb, &["site", "-o", &site_s, "--diagrams", "builtin"]);
        let q: Vec<Child> = (0..2)
            .map(|_| spawn(&kb, &["--json", "search", "stablecoin"]))
            .collect();
        for c in [imp, s1, s2].into_iter().chain(q) {
            let (code, out, err) = finish(c);
            assert_eq!(code, 0, "round {round}\n{out}\n{err}");
        }
        let (code, out, err) = kb.run(&["check"]);
        assert_eq!(code, 0, "round {round}\n{out}\n{err}");
        assert!(
            kb.knowledge
                .join("imported/federal-register/executive-orders/eo-13183.ron")
                .is_file(),
            "round {round}"
        );
        assert_eq!(stages(&kb.knowledge), Vec::<String>::new(), "round {round}");
        assert_eq!(stages(&kb.index), Vec::<String>::new(), "round {round}");
        assert_eq!(stages(&site), Vec::<String>::new(), "round {round}");
        assert!(site.join("en/e/genius-act.html").is_file(), "round {round}");
    }
}

#[test]
fn the_lock_names_its_holder_no_wait_refuses_and_a_writer_waits_its_turn() {
    let kb = PrivateKb::copy_of(&util::shipped());
    ok(&kb, &["index"]);
    let lock = policygraph::lock::acquire(
        &kb.index,
        "test-holder",
        policygraph::lock::Wait::No,
        &mut |_| {},
    )
    .unwrap();
    let args = import_args(&fr(ORDERS));
    let mut no_wait: Vec<&str> = vec!["--no-wait"];
    no_wait.extend(args.iter().map(String::as_str));
    let (code, _, err) = kb.run(&no_wait);
    assert_eq!(code, 2, "{err}");
    let me = std::process::id();
    assert!(
        err.contains(&format!("`test-holder` (pid {me}, since ")),
        "{err}"
    );
    assert!(!kb.knowledge.join("imported").exists(), "nothing written");
    // A fresh index answers without the lock.
    ok(&kb, &["--no-wait", "search", "stablecoin"]);
    // A writer that may wait, waits, says for whom, then does its work.
    let waiting = spawn(&kb, &args.iter().map(String::as_str).collect::<Vec<_>>());
    std::thread::sleep(Duration::from_millis(2500));
    drop(lock);
    let (code, out, err) = finish(waiting);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        err.contains("waiting for another policygraph process") && err.contains("test-holder"),
        "{err}"
    );
    assert!(kb
        .knowledge
        .join("imported/federal-register/executive-orders/eo-13183.ron")
        .is_file());
}

/// The generation directory CURRENT names.
fn current(index: &Path) -> PathBuf {
    index.join(
        std::fs::read_to_string(index.join("CURRENT"))
            .unwrap()
            .trim(),
    )
}

/// `search --json` of a fresh build of the same knowledge, in its own
/// index directory.
fn fresh_answer(kb: &PrivateKb, args: &[&str]) -> Value {
    let other = kb.dir.path().join("fresh-index");
    let _ = std::fs::remove_dir_all(&other);
    let (code, out, err) = util::run_with_index(&kb.knowledge, &other, args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

/// Two search answers are the same: every field, the hits in the same
/// order; scores equal up to `f32` rounding (a patched index sums the same
/// per-field scores in another order than a fresh build, which moves the
/// last bit).
fn same_answer(got: &Value, want: &Value, what: &str) {
    let strip = |v: &Value| {
        let mut v = v.clone();
        let mut scores = Vec::new();
        if let Some(hits) = v["hits"].as_array_mut() {
            for h in hits {
                scores.push(h["score"].as_f64().unwrap_or(f64::NAN));
                h["score"] = Value::Null;
            }
        }
        (v, scores)
    };
    let (g, gs) = strip(got);
    let (w, ws) = strip(want);
    assert_eq!(g, w, "{what}: a different answer");
    for (a, b) in gs.iter().zip(&ws) {
        assert!(
            (a - b).abs() <= 1e-5 * b.abs().max(1.0),
            "{what}: scores {a} and {b} differ"
        );
    }
}

fn answer(kb: &PrivateKb, args: &[&str]) -> (Value, String) {
    let (code, out, err) = kb.run(args);
    assert_eq!(code, 0, "{args:?}\n{out}\n{err}");
    (serde_json::from_str(&out).unwrap(), err)
}

#[test]
fn issue23_2_a_patch_never_changes_the_generation_a_reader_holds() {
    let kb = PrivateKb::copy_of(&util::shipped());
    let q = ["--json", "search", "stablecoin"];
    answer(&kb, &q);
    kb.edit(
        "law/genius-act.ron",
        "Federal stablecoin law.",
        "Federal stablecoin law. A stablecoin law.",
    );
    let (_, err) = answer(&kb, &q);
    assert!(err.contains("updated"), "a patch: {err}");
    let held = current(&kb.index);
    let tokens = std::fs::read(held.join("tokens.json")).unwrap();
    let reader = policygraph::store::Store::open(&kb.index).unwrap().unwrap();
    kb.edit(
        "law/genius-act.ron",
        "A stablecoin law.",
        "A stablecoin law, a stablecoin statute.",
    );
    let (patched, err) = answer(&kb, &q);
    assert!(err.contains("updated"), "a patch: {err}");
    assert_ne!(current(&kb.index), held);
    assert_eq!(
        std::fs::read(held.join("tokens.json")).unwrap(),
        tokens,
        "the held generation's totals changed under its reader"
    );
    drop(reader);
    same_answer(&patched, &fresh_answer(&kb, &q), "patched and rebuilt");
}

/// One way to damage a file.
#[derive(Clone, Copy, Debug)]
enum Damage {
    Truncate,
    Zero,
    Flip,
    Delete,
}

fn damage(path: &Path, how: Damage) {
    let bytes = std::fs::read(path).unwrap();
    match how {
        Damage::Truncate => std::fs::write(path, &bytes[..bytes.len() / 2]).unwrap(),
        Damage::Zero => std::fs::write(path, vec![0u8; bytes.len()]).unwrap(),
        Damage::Flip => {
            let mut b = bytes;
            let n = b.len();
            for i in [n / 3, n / 2, n.saturating_sub(1)] {
                if let Some(x) = b.get_mut(i) {
                    *x ^= 0xa5;
                }
            }
            std::fs::write(path, b).unwrap();
        }
        Damage::Delete => std::fs::remove_file(path).unwrap(),
    }
}

/// One file of each type in the current generation.
fn file_types(gen: &Path) -> Vec<PathBuf> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(gen)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    names.sort();
    for p in names {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        if name == ".readers" || name.ends_with(".lock") {
            continue;
        }
        let kind = match name.rsplit_once('.') {
            Some((stem, ext)) if !stem.is_empty() => ext.to_owned(),
            _ => name.clone(),
        };
        let kind = if name.starts_with("manifest-") {
            "manifest".to_owned()
        } else {
            kind
        };
        if seen.insert(kind) {
            out.push(p);
        }
    }
    out
}

/// Damages each file type of a patched generation in each way `modes`
/// gives it; the next query answers as a fresh build does, with one note,
/// and a query with `--no-refresh` either answers the same or exits 2
/// naming `index --force`. `touch` is a file whose comment lines can grow:
/// each round patches the index with it first, so that the generation has
/// every type of file (deletions, token totals), and the answer stays.
fn damage_heals(kb: &PrivateKb, touch: &str, q: &[&str], modes: impl Fn(usize) -> Vec<Damage>) {
    let mut n = 0;
    let mut patch = || {
        n += 1;
        let p = kb.knowledge.join(touch);
        let mut text = std::fs::read_to_string(&p).unwrap();
        text.push_str(&format!("// touched {n}\n"));
        std::fs::write(&p, text).unwrap();
        let (_, err) = answer(kb, q);
        assert!(err.contains("updated"), "not a patch: {err}");
    };
    patch();
    let want = fresh_answer(kb, q);
    let (got, _) = answer(kb, q);
    same_answer(&got, &want, "before any damage");
    let types = file_types(&current(&kb.index));
    assert!(types.len() >= 9, "{types:?}");
    for (i, sample) in types.iter().enumerate() {
        let name = sample.file_name().unwrap().to_string_lossy().into_owned();
        let ext = name.rsplit('.').next().unwrap_or(&name).to_owned();
        for how in modes(i) {
            patch();
            // The same type of file in today's generation.
            let gen = current(&kb.index);
            let target = file_types(&gen)
                .into_iter()
                .find(|p| {
                    let n = p.file_name().unwrap().to_string_lossy().into_owned();
                    n.rsplit('.').next() == Some(ext.as_str())
                        && n.starts_with("manifest-") == name.starts_with("manifest-")
                })
                .unwrap_or_else(|| panic!("no {ext} file in {}", gen.display()));
            damage(&target, how);
            let mut unchecked = vec!["--no-refresh"];
            unchecked.extend_from_slice(q);
            let (code, out, err) = kb.run(&unchecked);
            let what = format!("{how:?} {}", target.display());
            match code {
                0 => same_answer(
                    &serde_json::from_str::<Value>(&out).unwrap(),
                    &want,
                    &format!("{what}: --no-refresh"),
                ),
                2 => {
                    assert!(err.contains("index --force"), "{what}: {err}");
                    // Each cause once.
                    let first = err.lines().next().unwrap_or("");
                    for part in first.split(": ").filter(|p| p.len() > 20) {
                        assert_eq!(first.matches(part).count(), 1, "{what}: {err}");
                    }
                }
                _ => panic!("{what}: exit {code}: {err}"),
            }
            let (code, out, err) = kb.run(q);
            assert_eq!(code, 0, "{what}: {err}");
            same_answer(
                &serde_json::from_str::<Value>(&out).unwrap(),
                &want,
                &format!("{what}: after healing"),
            );
            assert_eq!(err.matches("note:").count(), 1, "{what}: {err}");
            // And it stays healed.
            let (code, _, err) = kb.run(q);
            assert_eq!((code, err.as_str()), (0, ""), "{what}");
        }
    }
}

#[test]
fn issue23_3_damage_to_any_file_of_a_generation_heals_on_the_shipped_base() {
    let kb = PrivateKb::copy_of(&util::shipped());
    let q = ["--json", "search", "stablecoin"];
    answer(&kb, &q);
    damage_heals(&kb, "law/genius-act.ron", &q, |_| {
        vec![Damage::Truncate, Damage::Zero, Damage::Flip, Damage::Delete]
    });
}

#[test]
fn issue23_3_damage_heals_on_a_synthetic_base() {
    let kb = PrivateKb::synth(2000);
    let q = ["--json", "search", "fiduciary"];
    answer(&kb, &q);
    let touch = walkdir::WalkDir::new(&kb.knowledge)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .find(|e| e.file_type().is_file())
        .unwrap();
    let touch = touch.path().strip_prefix(&kb.knowledge).unwrap().to_owned();
    // One way per file type, a different one for each.
    let all = [Damage::Flip, Damage::Truncate, Damage::Delete, Damage::Zero];
    damage_heals(&kb, touch.to_str().unwrap(), &q, |i| {
        vec![all[i % all.len()]]
    });
}

#[test]
fn issue23_2_a_killed_patch_leaves_answers_equal_to_a_rebuild() {
    let kb = PrivateKb::copy_of(&util::shipped());
    let q = ["--json", "search", "stablecoin"];
    answer(&kb, &q);
    for (round, delay) in [0u64, 3, 8, 15, 30, 60, 120].into_iter().enumerate() {
        // A reader holds the generation the patch starts from.
        let reader = policygraph::store::Store::open(&kb.index).unwrap().unwrap();
        let (from, to) = if round % 2 == 0 {
            (
                "Federal stablecoin law.",
                "Federal stablecoin law, a token law.",
            )
        } else {
            (
                "Federal stablecoin law, a token law.",
                "Federal stablecoin law.",
            )
        };
        kb.edit("law/genius-act.ron", from, to);
        let mut c = spawn(&kb, &q);
        std::thread::sleep(Duration::from_millis(delay));
        let _ = c.kill();
        let _ = c.wait();
        let (after, _) = answer(&kb, &q);
        drop(reader);
        same_answer(
            &after,
            &fresh_answer(&kb, &q),
            &format!("killed after {delay} ms"),
        );
    }
    // The stages of the killed processes are gone once a writer runs.
    ok(&kb, &["index"]);
    assert_eq!(stages(&kb.index), Vec::<String>::new());
}

#[test]
fn issue23_5_imported_ids_are_valid_even_for_names_without_latin_letters() {
    let kb = PrivateKb::copy_of(&util::shipped());
    let long = "Office of ".to_owned() + &"Very Long Words ".repeat(6);
    let agencies = serde_json::json!([
        {"id": 9001, "name": "數位資產管理局", "slug": null, "short_name": null, "parent_id": null},
        {"id": 9002, "name": "Digital Asset Desk", "slug": "digital-asset-desk", "parent_id": 9001},
        {"id": 9003, "name": format!("{long}Alpha"), "parent_id": null},
        {"id": 9004, "name": format!("{long}Beta"), "parent_id": null},
    ]);
    let file = kb.dir.path().join("agencies.json");
    std::fs::write(&file, agencies.to_string()).unwrap();
    let args = import_args(&file);
    let (code, out, err) = kb.run(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(code, 0, "{out}\n{err}");
    let dir = kb.knowledge.join("imported/federal-register/agencies");
    let names: Vec<String> = tree(&dir).into_iter().collect();
    assert!(
        names.iter().all(|n| !n.starts_with('.')),
        "a hidden file: {names:?}"
    );
    assert_eq!(names.len(), 4, "{names:?}");
    let (code, out, err) = kb.run(&["check"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let desk = std::fs::read_to_string(dir.join("digital-asset-desk.ron")).unwrap();
    assert!(
        desk.contains("(rel: part_of, to: \"fr-agency-id-9001\""),
        "{desk}"
    );
    let show = ok(&kb, &["show", "fr-agency-id-9001"]);
    assert!(show.contains("數位資產管理局"), "{show}");
}

#[test]
fn issue23_6_a_hand_edited_imported_file_with_a_typo_is_left_alone() {
    let kb = PrivateKb::copy_of(&util::shipped());
    let args = import_args(&fr(ORDERS));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ok(&kb, &args);
    let p = kb
        .knowledge
        .join("imported/federal-register/executive-orders/eo-13183.ron");
    let mut text = std::fs::read_to_string(&p).unwrap();
    text = text.replacen("(\n", "(\n    notes: [\"my own analysis\"],\n    oops\n", 1);
    std::fs::write(&p, &text).unwrap();
    let (code, out, err) = kb.run(&args);
    assert_eq!(code, 1, "a record not written is reported\n{out}\n{err}");
    assert!(
        out.contains("eo-13183.ron") && out.contains("does not parse"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&p).unwrap(), text, "overwritten");
}

fn site(kb: &PrivateKb, out: &Path) -> (i32, String, String) {
    kb.run(&["site", "-o", out.to_str().unwrap(), "--diagrams", "builtin"])
}

#[test]
fn issue23_7_8_a_site_build_keeps_what_is_not_its_own_and_what_it_left() {
    let kb = PrivateKb::copy_of(&util::shipped());
    let out = kb.dir.path().join("public");
    assert_eq!(site(&kb, &out).0, 0);
    std::fs::create_dir_all(out.join(".git")).unwrap();
    std::fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    std::fs::write(out.join("CNAME"), "policy.example.org\n").unwrap();
    std::fs::write(out.join("about.html"), "<p>mine</p>").unwrap();
    std::fs::write(out.join("en/notes.html"), "<p>mine too</p>").unwrap();
    let mut alive = live_process();
    let running = out.join(format!(".policygraph-stage-{}-x", alive.id()));
    let dead = out.join(format!(".policygraph-stage-{DEAD_PID}-x"));
    for d in [&running, &dead] {
        std::fs::create_dir_all(d).unwrap();
    }
    // An entity comes and goes: its pages go with it, nothing else does.
    let extra = kb.knowledge.join("orgs/zz-test-only.ron");
    std::fs::write(
        &extra,
        "(\n    id: \"zz-test-only\",\n    kind: organization,\n    name: \"A test organisation\",\n    jurisdiction: \"US\",\n    sources: [(title: \"x\", url: \"https://example.org\")],\n)\n",
    )
    .unwrap();
    let (code, o, e) = site(&kb, &out);
    assert_eq!(code, 0, "{o}\n{e}");
    assert!(out.join("en/e/zz-test-only.html").is_file());
    std::fs::remove_file(&extra).unwrap();
    let (code, o, e) = site(&kb, &out);
    assert_eq!(code, 0, "{o}\n{e}");
    assert!(!out.join("en/e/zz-test-only.html").exists(), "a stale page");
    for kept in [".git/HEAD", "CNAME", "about.html", "en/notes.html"] {
        assert!(out.join(kept).is_file(), "{kept} was deleted");
    }
    assert!(running.exists(), "a running build's stage was deleted");
    assert!(!dead.exists(), "a dead build's stage was left behind");
    let _ = alive.kill();
    let _ = alive.wait();
}

#[cfg(unix)]
#[test]
fn issue23_9_10_a_symlinked_target_and_dot_inside_a_site() {
    let kb = PrivateKb::copy_of(&util::shipped());
    let real = kb.dir.path().join("webroot");
    let link = kb.dir.path().join("public");
    std::fs::create_dir_all(&real).unwrap();
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let (code, o, e) = site(&kb, &link);
    assert_eq!(code, 0, "{o}\n{e}");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(real.join("en/e/genius-act.html").is_file());
    // Twice: the second build replaces the first through the link.
    let (code, o, e) = site(&kb, &link);
    assert_eq!(code, 0, "{o}\n{e}");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    // `-o .` inside the site.
    let out = util::std_cmd(&kb.knowledge, &kb.index)
        .current_dir(&real)
        .args(["site", "-o", ".", "--diagrams", "builtin"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stages(&real), Vec::<String>::new());
    assert!(real.join("en/e/genius-act.html").is_file());
    assert_eq!(stages(kb.dir.path()), Vec::<String>::new());
}
