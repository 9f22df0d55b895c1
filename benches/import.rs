//! Import benchmark: whole `policygraph import federal-register` processes
//! on a 1,000-document `documents.json` page and a 457-agency list, and the
//! first query after each (which pays for rebuilding the index).
//!
//! The real samples in `tests/fixtures/federal-register/` are small (35
//! documents, 13 agencies), so the page and the list are made from them:
//! each real record repeated with a new document number (or agency id and
//! slug), everything else as recorded.
//!
//! Run with `cargo bench --bench import`; `PG_BENCH_RUNS` sets the timed
//! runs per line (default 7), `PG_BENCH_FR_PAGE` a real recorded page to
//! use instead of the made-up one. Work files go under
//! `target/bench-import/`.

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
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_policygraph");

fn main() {
    let runs = common::runs(7);
    let root = repo_root();
    let work = root.join("target/bench-import");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let fixtures = root.join("tests/fixtures/federal-register");

    // A 1,000-document page from the 35 real ones, unless `PG_BENCH_FR_PAGE`
    // names a real recorded page (such as the first 2024 page kept in the
    // public mfebrizio/fr-toolbelt repository, tests/test_documents.json).
    let real_page = std::env::var_os("PG_BENCH_FR_PAGE").map(PathBuf::from);
    let page: Value = read_json(&fixtures.join("documents-2024-01-sample.json"));
    let real = page["results"].as_array().unwrap().clone();
    let mut results = Vec::with_capacity(1000);
    for i in 0..1000 {
        let mut d = real[i % real.len()].clone();
        d["document_number"] = Value::String(format!("2024-{:05}", 90000 + i));
        results.push(d);
    }
    let mut big = page.clone();
    big["results"] = Value::Array(results);
    big["next_page_url"] = Value::Null;
    let page_path = match &real_page {
        Some(p) => p.clone(),
        None => {
            let p = work.join("documents-1000.json");
            std::fs::write(&p, big.to_string()).unwrap();
            p
        }
    };
    println!("page: {}", page_path.display());

    // A 457-agency list from the 13 real ones (parents kept inside the list).
    let agencies: Vec<Value> =
        serde_json::from_value(read_json(&fixtures.join("agencies-sample.json"))).unwrap();
    let mut list = Vec::with_capacity(457);
    for i in 0..457 {
        let mut a = agencies[i % agencies.len()].clone();
        let round = i / agencies.len();
        if round > 0 {
            let id = a["id"].as_u64().unwrap() + 10_000 * round as u64;
            a["id"] = Value::from(id);
            a["slug"] = Value::String(format!("{}-{round}", a["slug"].as_str().unwrap()));
            if let Some(p) = a["parent_id"].as_u64() {
                a["parent_id"] = Value::from(p + 10_000 * round as u64);
            }
        }
        list.push(a);
    }
    let agencies_path = work.join("agencies-457.json");
    std::fs::write(&agencies_path, Value::Array(list).to_string()).unwrap();

    println!("policygraph import benchmark: {runs} runs per line, median (min) in ms");
    println!("machine: {} cores", cores());
    for (name, input) in [
        ("1,000-document page", &page_path),
        ("457-agency list", &agencies_path),
    ] {
        let mut import = Vec::new();
        let mut again = Vec::new();
        let mut first = Vec::new();
        let mut files = 0;
        for run in 0..runs {
            let dir = work.join(format!("run-{run}"));
            let _ = std::fs::remove_dir_all(&dir);
            copy_tree(&root.join("knowledge"), &dir.join("knowledge"));
            let k = dir.join("knowledge");
            let idx = dir.join("index");
            // An index of the knowledge base as it was, as a user has.
            time(&[
                BIN,
                "--knowledge",
                k.to_str().unwrap(),
                "--index",
                idx.to_str().unwrap(),
                "index",
            ]);
            let args = [
                BIN,
                "--knowledge",
                k.to_str().unwrap(),
                "--index",
                idx.to_str().unwrap(),
                "import",
                "federal-register",
                input.to_str().unwrap(),
            ];
            import.push(time(&args));
            again.push(time(&args));
            first.push(time(&[
                BIN,
                "--knowledge",
                k.to_str().unwrap(),
                "--index",
                idx.to_str().unwrap(),
                "search",
                "regional haze",
            ]));
            files = count_files(&k.join("imported"));
            let _ = std::fs::remove_dir_all(&dir);
        }
        println!("\n{name} ({files} files written)");
        println!("  import                       {}", stat(&import));
        println!("  import again (no change)     {}", stat(&again));
        println!("  first query after (search)   {}", stat(&first));
    }
}

fn read_json(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

/// Runs a command to completion, output discarded; fails loudly.
fn time(args: &[&str]) -> Duration {
    let start = Instant::now();
    let status = Command::new(args[0])
        .args(&args[1..])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    let took = start.elapsed();
    assert!(
        status.success() || status.code() == Some(1),
        "{args:?}: {status}"
    );
    took
}

fn stat(v: &[Duration]) -> String {
    format!("{:8.1} ({:.1})", ms(median(v)), ms(min(v)))
}
