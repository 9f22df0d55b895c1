//! Benchmark of `policygraph site` on a synthetic corpus: a full build into
//! an empty directory, and a rebuild after one entity's summary changed
//! (which also patches the index, as a real edit does).
//!
//! Run with `cargo bench --bench site`. Environment:
//! - `PG_SITE_BENCH_SIZES`: synthetic sizes, default `100000`;
//! - `PG_SITE_BENCH_RUNS`: timed runs per measurement, default 3;
//! - `PG_SITE_BENCH_DIAGRAMS`: `builtin` (default) or `dot`.
//!
//! Corpora are generated once under `target/bench-corpora/` (shared with
//! the e2e benchmark); sites are written beside them.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_policygraph");

fn main() {
    let runs: usize = std::env::var("PG_SITE_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let sizes: Vec<usize> = std::env::var("PG_SITE_BENCH_SIZES")
        .unwrap_or_else(|_| "100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let diagrams = std::env::var("PG_SITE_BENCH_DIAGRAMS").unwrap_or_else(|_| "builtin".into());
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let base = root.join("target/bench-corpora");
    println!("policygraph site benchmark: {runs} runs per line, median (min) in s, diagrams by {diagrams}");
    println!(
        "machine: {} cores",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    for n in sizes {
        let dir = base.join(format!("synth-{n}"));
        let knowledge = dir.join("knowledge");
        if !knowledge.is_dir() {
            eprintln!("generating {n} entities into {} ...", knowledge.display());
            ok(Command::new(BIN)
                .args(["synth", &n.to_string()])
                .arg(&knowledge));
        }
        // The edit benchmark writes to the corpus: work on a copy.
        let work = base.join(format!("site-{n}"));
        let _ = std::fs::remove_dir_all(&work);
        copy_tree(&knowledge, &work.join("knowledge"));
        let k = work.join("knowledge");
        let index = work.join("index");
        let site = work.join("site");
        let pg = |extra: &[&str]| {
            let mut c = Command::new(BIN);
            c.arg("--knowledge")
                .arg(&k)
                .arg("--index")
                .arg(&index)
                .args(extra)
                .stdout(Stdio::piped())
                .stderr(Stdio::null());
            c
        };
        ok(&mut pg(&["index"]));
        let site_args = [
            "--json",
            "site",
            "-o",
            site.to_str().unwrap(),
            "--diagrams",
            &diagrams,
        ];
        let mut full = Vec::new();
        for _ in 0..runs {
            let _ = std::fs::remove_dir_all(&site);
            let (t, _) = timed(&mut pg(&site_args));
            full.push(t);
        }
        report(&format!("site, full build, {n} entities"), &full);
        // One edit: a summary, so that the entity's pages and those that
        // read it change.
        let target = find(&k, "executive-order-1.ron").expect("an executive order to edit");
        let original = std::fs::read_to_string(&target).unwrap();
        let mut edit = Vec::new();
        let mut rendered = Vec::new();
        for r in 0..runs {
            let text = original.replacen("summary: \"", &format!("summary: \"Edit {r}. "), 1);
            std::fs::write(&target, text).unwrap();
            let (t, out) = timed(&mut pg(&site_args));
            edit.push(t);
            let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
            rendered.push(v["rendered"].as_u64().unwrap_or(0));
        }
        report(
            &format!("site, rebuild after one edit ({rendered:?} entity pages rendered)"),
            &edit,
        );
        println!(
            "  ratio: a rebuild after one edit takes {:.1}% of a full build",
            100.0 * median(&edit).as_secs_f64() / median(&full).as_secs_f64()
        );
        let (t, _) = timed(&mut pg(&site_args));
        println!("  no change: {:.2} s", t.as_secs_f64());
        std::fs::write(&target, original).unwrap();
    }
}

fn ok(c: &mut Command) {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{c:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn timed(c: &mut Command) -> (Duration, Vec<u8>) {
    let start = Instant::now();
    let out = c.output().unwrap();
    let t = start.elapsed();
    assert!(
        out.status.success(),
        "{c:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (t, out.stdout)
}

fn median(v: &[Duration]) -> Duration {
    let mut s = v.to_vec();
    s.sort();
    s[s.len() / 2]
}

fn report(label: &str, v: &[Duration]) {
    let min = v.iter().min().copied().unwrap_or_default();
    println!(
        "{label:<70} {:>8.2} ({:.2})",
        median(v).as_secs_f64(),
        min.as_secs_f64()
    );
}

fn find(dir: &Path, name: &str) -> Option<PathBuf> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .find(|e| e.file_name().to_string_lossy() == name)
        .map(|e| e.into_path())
}

fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let dest = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}
