//! Setup shared by the process benchmarks (`e2e`, `import`, `import_bills`):
//! the repository root, the run count from `PG_BENCH_RUNS`, tree copying and
//! counting, and the median/minimum summary every report line prints.
//!
//! Each bench target includes this with `mod common;`, so a helper one of
//! them does not call is not dead code for the others.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::time::Duration;

/// The repository root (where `knowledge/` and `target/` are).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Timed runs per measurement: `PG_BENCH_RUNS`, or `default` when it is
/// unset or not a number.
pub fn runs(default: usize) -> usize {
    std::env::var("PG_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Logical cores this process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// Copies the tree under `from` to `to`, creating directories as needed.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Regular files under `dir` (0 when it does not exist).
pub fn count_files(dir: &Path) -> usize {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .count()
}

/// The median of `v` (the upper one for an even count).
pub fn median(v: &[Duration]) -> Duration {
    let mut s = v.to_vec();
    s.sort();
    s[s.len() / 2]
}

/// The fastest of `v` (zero when empty).
pub fn min(v: &[Duration]) -> Duration {
    v.iter().min().copied().unwrap_or_default()
}

/// `d` in milliseconds.
pub fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
