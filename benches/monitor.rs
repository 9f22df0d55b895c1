//! The file-system monitor's benchmark: a fresh query and edit-then-query,
//! without a monitor and with one, on a synthetic corpus, beside the bare
//! `find` walk (see docs/performance.md, "File-system monitor").
//!
//! Run with `cargo bench --bench monitor` (or `--profile release` to reuse
//! a plain release build). Environment:
//! - `PG_BENCH_SIZES`: synthetic sizes, default `100000` (`1000000` takes
//!   several GB of disk);
//! - `PG_BENCH_RUNS`: timed runs per line, default 7;
//! - `PG_BENCH_OLD_BIN`: another build of policygraph (today's main, say)
//!   timed on the same lines without a monitor, in the same run.
//!
//! Corpora are shared with the e2e benchmark under
//! `target/bench-corpora/synth-N/knowledge`; this benchmark keeps its own
//! index directories beside them.

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

use common::{median, min, ms, repo_root};

const BIN: &str = env!("CARGO_BIN_EXE_policygraph");

fn main() {
    let runs = common::runs(7);
    let sizes: Vec<usize> = std::env::var("PG_BENCH_SIZES")
        .unwrap_or_else(|_| "100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let old = std::env::var_os("PG_BENCH_OLD_BIN").map(PathBuf::from);
    let base = repo_root().join("target/bench-corpora");
    println!("policygraph monitor benchmark: {runs} runs per line, median (min) in ms");
    for n in sizes {
        let dir = base.join(format!("synth-{n}"));
        let knowledge = dir.join("knowledge");
        if !knowledge.is_dir() {
            eprintln!("generating {n} entities into {} ...", knowledge.display());
            let ok = Command::new(BIN)
                .args(["synth", &n.to_string()])
                .arg(&knowledge)
                .status()
                .unwrap()
                .success();
            assert!(ok, "synth failed");
        }
        println!("\n== synth-{n} ==");
        let find = time_one(runs, || {
            sh(&format!(
                "find '{}' -name '*.ron' -printf '%s %T@\\n' > /dev/null",
                knowledge.display()
            ))
        });
        report("find walk", &find);
        let file = first_ron(&knowledge);
        let original = std::fs::read_to_string(&file).unwrap();
        let mut edits = 0;
        let mut edit = || {
            edits += 1;
            let edited = original.replacen("name: \"", &format!("name: \"Edited{edits} "), 1);
            std::fs::write(&file, edited).unwrap();
        };
        let mut bins = vec![("this build", PathBuf::from(BIN))];
        if let Some(old) = &old {
            bins.push(("PG_BENCH_OLD_BIN", old.clone()));
        }
        for (label, bin) in &bins {
            let index = dir.join(format!("index-monitor-bench-{}", label.replace(' ', "-")));
            let pg = |args: &[&str]| pg(bin, &knowledge, &index, args);
            pg(&["index"]);
            report(
                &format!("{label}: fresh show, no monitor"),
                &time_one(runs, || pg(&["show", "agency-0"])),
            );
            report(
                &format!("{label}: edit one file, then search, no monitor"),
                &time_one(runs, || {
                    edit();
                    let t = Instant::now();
                    pg(&["search", "edited"]);
                    t.elapsed()
                }),
            );
            report(
                &format!("{label}: search --no-refresh"),
                &time_one(runs, || pg(&["--no-refresh", "search", "edited"])),
            );
        }
        let index = dir.join("index-monitor-bench-this-build");
        let pg = |args: &[&str]| pg(Path::new(BIN), &knowledge, &index, args);
        let t = Instant::now();
        pg(&["monitor", "start"]);
        println!(
            "{:<52} {:>9.1}",
            "monitor start (returns once watching)",
            ms(t.elapsed())
        );
        pg(&["show", "agency-0"]);
        report(
            "with monitor: fresh show",
            &time_one(runs, || pg(&["show", "agency-0"])),
        );
        report(
            "with monitor: edit one file, then search",
            &time_one(runs, || {
                edit();
                let t = Instant::now();
                pg(&["search", "edited"]);
                t.elapsed()
            }),
        );
        pg(&["monitor", "stop"]);
        std::fs::write(&file, &original).unwrap();
    }
}

/// Runs policygraph; panics when it fails. Returns the time it took.
fn pg(bin: &Path, knowledge: &Path, index: &Path, args: &[&str]) -> Duration {
    let t = Instant::now();
    let out = Command::new(bin)
        .arg("--knowledge")
        .arg(knowledge)
        .arg("--index")
        .arg(index)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let took = t.elapsed();
    assert!(
        out.status.success() || args.contains(&"search"),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    took
}

fn sh(script: &str) -> Duration {
    let t = Instant::now();
    let ok = Command::new("sh")
        .args(["-c", script])
        .status()
        .unwrap()
        .success();
    assert!(ok, "{script}");
    t.elapsed()
}

fn time_one(runs: usize, mut f: impl FnMut() -> Duration) -> Vec<Duration> {
    (0..runs).map(|_| f()).collect()
}

fn report(label: &str, samples: &[Duration]) {
    println!(
        "{label:<52} {:>9.1} ({:.1})",
        ms(median(samples)),
        ms(min(samples))
    );
}

/// The first agency file: `show agency-0` and the edits use it.
fn first_ron(knowledge: &Path) -> PathBuf {
    let p = knowledge.join("agency/000/agency-0.ron");
    assert!(p.is_file(), "{} is missing", p.display());
    p
}
