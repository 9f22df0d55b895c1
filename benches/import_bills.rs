//! Benchmark of the bill importers on a whole real session: `policygraph
//! import openstates DIR` into a copy of the shipped knowledge base, beside
//! `python3` merely running `json.load` over the same `.json` files; then
//! the re-import of the unchanged input, `check`, and a first and a second
//! query on the result. Not a test: it needs data that is too big for the
//! repository.
//!
//! Run with `PG_BENCH_BILLS=DIR[,DIR...] cargo bench --bench import_bills`,
//! where each DIR is an Open States bulk tree (for example the 119th
//! Congress of govbot-data/usa-legislation, `country:us/state:usa/sessions/119`,
//! or a New Hampshire session of govbot-data/nh-legislation). `PG_BENCH_RUNS`
//! sets the timed runs per line (default 3). Medians are printed, with the
//! minimum in brackets, and the peak memory of the import (from
//! `/usr/bin/time -f %M` when it is installed).

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{copy_tree, cores, count_files, median, min, ms, repo_root};

const BIN: &str = env!("CARGO_BIN_EXE_policygraph");

const PY_LOAD: &str = r#"
import json, os, sys
n = 0
for root, dirs, files in os.walk(sys.argv[1]):
    dirs[:] = sorted(d for d in dirs if not d.startswith('.'))
    for f in sorted(files):
        if f.endswith('.json'):
            p = os.path.join(root, f)
            if os.path.islink(p):
                continue
            with open(p, 'rb') as fh:
                json.load(fh)
            n += 1
print(n)
"#;

fn main() {
    let runs = common::runs(3);
    let Ok(dirs) = std::env::var("PG_BENCH_BILLS") else {
        eprintln!("set PG_BENCH_BILLS=DIR[,DIR...] to Open States bulk trees; nothing to do");
        return;
    };
    let root = repo_root();
    println!("bill import benchmark: {runs} runs per line, median (min) in ms");
    println!("machine: {} cores", cores());
    for dir in dirs.split(',').map(PathBuf::from) {
        bench_dir(&root, &dir, runs);
    }
}

fn bench_dir(root: &Path, data: &Path, runs: usize) {
    println!("\n== {}", data.display());
    let work = tempfile::tempdir().unwrap();

    let py = time(runs, || {
        let out = Command::new("python3")
            .arg("-c")
            .arg(PY_LOAD)
            .arg(data)
            .output()
            .expect("python3");
        assert!(out.status.success());
    });
    line("python3 json.load of every file", &py);

    // A fresh import each run, into a fresh copy of the shipped base made
    // before the clock starts. The trees are kept until every run is done:
    // deleting thousands of files just before creating as many makes
    // ext4's inode allocator skip the recently freed ones, which slowed
    // the next import by seconds and measured the deletion, not us.
    let mut peak_kb = None;
    let mut trees = Vec::new();
    let mut import = Vec::new();
    for n in 0..runs.max(1) {
        let tree = work.path().join(format!("fresh-{n}"));
        copy_tree(&root.join("knowledge"), &tree.join("knowledge"));
        let t = Instant::now();
        let (ok, peak) = run_measured(
            &tree.join("knowledge"),
            &tree.join("index"),
            &["import", "openstates"],
            data,
        );
        import.push(t.elapsed());
        assert!(ok, "import failed");
        peak_kb = peak.or(peak_kb);
        trees.push(tree);
    }
    line("import openstates (fresh)", &import);
    println!(
        "  ratio import / python: {:.2}",
        median(&import).as_secs_f64() / median(&py).as_secs_f64()
    );
    if let Some(k) = peak_kb {
        println!("  peak memory of the import: {} MiB", k / 1024);
    }
    // The queries run on the first tree.
    let first_tree = trees.remove(0);
    let kb = first_tree.join("knowledge");
    let idx = first_tree.join("index");
    for t in trees {
        let _ = std::fs::remove_dir_all(t);
    }
    let files = count_files(&kb.join("imported"));
    println!("  files written: {files}");

    let again = time(runs, || {
        let (ok, _) = run_measured(&kb, &idx, &["import", "openstates"], data);
        assert!(ok, "re-import failed");
    });
    line("re-import, unchanged input", &again);
    println!(
        "  ratio re-import / python: {:.2}",
        median(&again).as_secs_f64() / median(&py).as_secs_f64()
    );

    let check = time(runs, || {
        let st = pg(&kb, &idx)
            .args(["check", "--no-refresh"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert!(st.code().is_some_and(|c| c <= 1));
    });
    line("check", &check);

    // The first query after an import builds the index; later ones use it.
    let _ = std::fs::remove_dir_all(&idx);
    let first = time(1, || {
        let st = pg(&kb, &idx)
            .args(["list", "--kind", "bill", "--status", "signed"])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(st.success());
    });
    line("first query (builds the index)", &first);
    let list = time(runs, || {
        let st = pg(&kb, &idx)
            .args(["list", "--kind", "bill", "--status", "signed"])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(st.success());
    });
    line("list --kind bill --status signed", &list);
    let query = |args: &[&str]| {
        time(runs, || {
            let st = pg(&kb, &idx)
                .args(args)
                .stdout(Stdio::null())
                .status()
                .unwrap();
            assert!(st.code().is_some_and(|c| c <= 1), "{args:?}");
        })
    };
    let as_of = query(&[
        "--as-of",
        "2025-09-01",
        "list",
        "--kind",
        "bill",
        "--status",
        "signed",
    ]);
    line(
        "--as-of 2025-09-01 list --kind bill --status signed",
        &as_of,
    );
    // The same bare walk as the e2e benchmark: every file's metadata.
    let walk = time(runs, || {
        let st = Command::new("find")
            .arg(&kb)
            .args(["-type", "f", "-printf", "%T@ %s\\n"])
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(st.success());
    });
    line("find knowledge -type f -printf (bare metadata walk)", &walk);
    let show = query(&["show", "genius-act"]);
    line("show genius-act", &show);
    let search = query(&["search", "stablecoin reserve requirements"]);
    line("search \"stablecoin reserve requirements\"", &search);
    let tl = query(&["timeline", "--entity", "S 1582"]);
    line("timeline --entity \"S 1582\"", &tl);
    let recent = query(&["timeline", "--since", "2025-11-01", "--kind", "statute"]);
    line("timeline --since 2025-11-01 --kind statute", &recent);
    let owed = query(&["deadlines"]);
    line("deadlines", &owed);
    for (what, v) in [
        ("list --status", &list),
        ("--as-of list --status", &as_of),
        ("show", &show),
        ("search", &search),
        ("timeline --entity", &tl),
        ("timeline --since --kind", &recent),
        ("deadlines", &owed),
    ] {
        println!(
            "  ratio {what} / walk: {:.2}",
            median(v).as_secs_f64() / median(&walk).as_secs_f64()
        );
    }
}

fn pg(kb: &Path, idx: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.env("NO_COLOR", "1")
        .arg("--knowledge")
        .arg(kb)
        .arg("--index")
        .arg(idx);
    c
}

/// Runs an import, under `/usr/bin/time -f %M` when it exists, and returns
/// success and the peak resident memory in KiB.
fn run_measured(kb: &Path, idx: &Path, args: &[&str], data: &Path) -> (bool, Option<u64>) {
    let timed = Path::new("/usr/bin/time").exists();
    let mut c = if timed {
        let mut c = Command::new("/usr/bin/time");
        c.args(["-f", "%M"]).arg(BIN);
        c
    } else {
        Command::new(BIN)
    };
    c.env("NO_COLOR", "1")
        .arg("--knowledge")
        .arg(kb)
        .arg("--index")
        .arg(idx)
        .args(args)
        .arg(data)
        .stdout(Stdio::null());
    let out = c.stderr(Stdio::piped()).output().unwrap();
    let peak = timed
        .then(|| {
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .and_then(|l| l.trim().parse().ok())
        })
        .flatten();
    (out.status.code().is_some_and(|c| c <= 1), peak)
}

fn time(runs: usize, mut f: impl FnMut()) -> Vec<Duration> {
    (0..runs.max(1))
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect()
}

fn line(what: &str, v: &[Duration]) {
    println!("  {what:52} {:>9.1} ({:.1})", ms(median(v)), ms(min(v)));
}
