//! Documents' texts benchmark (issue 21, "Performance"): on the texts of
//! real executive orders,
//!
//! - reading the files bare, against reading them and normalising and
//!   extracting (`doctext::normalise` + `doctext::extract::extract`), in
//!   MB/s of the files read;
//! - `index --force` of the shipped knowledge base plus the orders
//!   imported without texts (`--no-text`) and with them (`--text`);
//! - the index's size against the raw text kept (`.txt` files);
//! - `search --no-refresh` of a phrase found only in orders' bodies, on the
//!   orders with texts plus a synthetic corpus.
//!
//! Inputs: `PG_BENCH_EO` is a directory of the public corpus
//! tony-landreth/presidential_executive_order_corpus (`EO_NNNNN.json`
//! records and `.htm` / `.html` / `.xml` texts; about 1,000 orders); without
//! it, the orders of `tests/fixtures/eo-labels` and `tests/fixtures/fr-text`
//! (texts only for the first part, the four fr-text records for the rest).
//! `PG_BENCH_ORDERS` caps the orders used, `PG_BENCH_SYNTH` sets the
//! synthetic corpus's size (default 100000; `0` skips that line),
//! `PG_BENCH_RUNS` the timed runs (default 5). Work files go under
//! `target/bench-text/`.
//!
//! `PG_BENCH_EO=/tmp/data/eo/executive_orders cargo bench --bench text`
//! measures what `dist` ships; a debug check of the bench itself:
//! `PG_BENCH_SYNTH=1000 PG_BENCH_RUNS=1 cargo bench --bench text --profile dev`.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::{copy_tree, cores, median, min, ms, repo_root};
use policygraph::doctext::{extract::extract, normalise};

const BIN: &str = env!("CARGO_BIN_EXE_policygraph");

/// One order: its record (if any) and its text files, best first.
struct Order {
    number: String,
    record: Option<PathBuf>,
    texts: Vec<PathBuf>,
}

fn main() {
    let runs = common::runs(5);
    let root = repo_root();
    let work = root.join("target/bench-text");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let cap: usize = env_num("PG_BENCH_ORDERS", usize::MAX);
    let synth: usize = env_num("PG_BENCH_SYNTH", 100_000);
    let mut orders = match std::env::var_os("PG_BENCH_EO") {
        Some(dir) => corpus(Path::new(&dir)),
        None => fixtures(&root),
    };
    orders.truncate(cap);
    let files: Vec<&PathBuf> = orders.iter().flat_map(|o| &o.texts).collect();
    let bytes: u64 = files
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    println!("policygraph text benchmark: {runs} runs per line, median (min)");
    println!("machine: {} cores", cores());
    println!(
        "{} orders, {} text files, {:.1} MB",
        orders.len(),
        files.len(),
        bytes as f64 / 1e6
    );

    // 1. Reading, against reading + normalising + extracting.
    let mut bare = Vec::new();
    let mut norm = Vec::new();
    let mut read = Vec::new();
    let mut failed = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let mut n = 0usize;
        for p in &files {
            n += std::fs::read(p).unwrap().len();
        }
        std::hint::black_box(n);
        bare.push(start.elapsed());
        let start = Instant::now();
        for p in &files {
            let b = std::fs::read(p).unwrap();
            std::hint::black_box(normalise(&b, None).is_ok());
        }
        norm.push(start.elapsed());
        let start = Instant::now();
        let mut found = 0usize;
        failed = 0;
        for p in &files {
            let b = std::fs::read(p).unwrap();
            match normalise(&b, None) {
                Ok((text, _)) => found += extract(&text, None).findings.len(),
                Err(_) => failed += 1,
            }
        }
        std::hint::black_box(found);
        read.push(start.elapsed());
    }
    let mbs = |d: Duration| bytes as f64 / 1e6 / d.as_secs_f64();
    println!("\nreading the texts ({failed} files not usable)");
    println!(
        "  bare read                        {:8.1} MB/s ({:.1} ms)",
        mbs(median(&bare)),
        ms(median(&bare))
    );
    println!(
        "  read + normalise                 {:8.1} MB/s ({:.1} ms)",
        mbs(median(&norm)),
        ms(median(&norm))
    );
    println!(
        "  read + normalise + extract       {:8.1} MB/s ({:.1} ms)",
        mbs(median(&read)),
        ms(median(&read))
    );
    println!(
        "  ratio (target at least 0.25)     {:8.3}",
        median(&bare).as_secs_f64() / median(&read).as_secs_f64()
    );

    // 2. The records imported without and with texts, and the index.
    let texts = work.join("texts");
    std::fs::create_dir_all(&texts).unwrap();
    let mut records = Vec::new();
    for o in &orders {
        let Some(r) = &o.record else { continue };
        records.push(r.display().to_string());
        for t in &o.texts {
            let ext = t.extension().unwrap().to_string_lossy();
            std::fs::copy(t, texts.join(format!("{}.{ext}", o.number))).unwrap();
        }
    }
    if records.is_empty() {
        println!("\nno records: import, index and search lines skipped");
        return;
    }
    let mut kbs = Vec::new();
    for (name, with_text) in [("without texts", false), ("with texts", true)] {
        let dir = work.join(name.replace(' ', "-"));
        copy_tree(&root.join("knowledge"), &dir.join("knowledge"));
        let mut args = pg(&dir, &["import", "federal-register"]);
        args.extend(records.iter().cloned());
        if with_text {
            args.extend(["--text".to_owned(), texts.display().to_string()]);
        } else {
            args.push("--no-text".to_owned());
        }
        run(&args);
        let mut force = Vec::new();
        for _ in 0..runs {
            force.push(time(&pg(&dir, &["index", "--force"])));
        }
        let raw = sum_files(&dir.join("knowledge"), "txt");
        let index = sum_files(&dir.join("index"), "");
        kbs.push((name, dir, force, raw, index));
    }
    println!(
        "\nindex --force, shipped knowledge base + {} orders",
        records.len()
    );
    for (name, _, force, _, _) in &kbs {
        println!("  {name:<32} {}", stat(force));
    }
    let (_, _, _, raw, with) = &kbs[1];
    let (_, _, _, _, without) = &kbs[0];
    println!("\nindex size");
    println!(
        "  raw text kept (.txt)             {:8.2} MB",
        *raw as f64 / 1e6
    );
    println!(
        "  index without texts              {:8.2} MB",
        *without as f64 / 1e6
    );
    println!(
        "  index with texts                 {:8.2} MB",
        *with as f64 / 1e6
    );
    println!(
        "  growth / raw text (target <= 1)  {:8.3}",
        (*with as f64 - *without as f64) / (*raw).max(1) as f64
    );
    println!(
        "  index with texts / raw text      {:8.3}",
        *with as f64 / (*raw).max(1) as f64
    );

    // 3. A phrase only in orders' bodies, on the orders + a synthetic corpus.
    let phrase = "\"order of succession\"";
    let mut lines = vec![("orders with texts".to_owned(), kbs[1].1.clone())];
    if synth > 0 {
        let dir = work.join(format!("synth-{synth}"));
        run(&[
            BIN.to_owned(),
            "synth".to_owned(),
            synth.to_string(),
            dir.join("knowledge").display().to_string(),
        ]);
        let mut args = pg(&dir, &["import", "federal-register"]);
        args.extend(records.iter().cloned());
        args.extend(["--text".to_owned(), texts.display().to_string()]);
        run(&args);
        run(&pg(&dir, &["index", "--force"]));
        lines.push((format!("orders + synth {synth}"), dir));
    }
    println!("\nsearch --no-refresh {phrase}");
    for (name, dir) in &lines {
        run(&pg(dir, &["index"]));
        let mut t = Vec::new();
        for _ in 0..runs.max(3) {
            t.push(time(&pg(dir, &["--no-refresh", "search", phrase])));
        }
        println!(
            "  {name:<32} {} ms (target < 20 at 1,000 orders + 100k)",
            stat(&t)
        );
    }
}

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// The corpus: `EO_NNNNN.json` with its document number, and its texts.
fn corpus(dir: &Path) -> Vec<Order> {
    let mut by_eo: BTreeMap<String, Order> = BTreeMap::new();
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    for p in names {
        let stem = p.file_stem().unwrap().to_string_lossy().to_string();
        let Some(eo) = stem.strip_prefix("EO_") else {
            continue;
        };
        let ext = p.extension().map(|e| e.to_string_lossy().to_string());
        let o = by_eo.entry(eo.to_owned()).or_insert_with(|| Order {
            number: String::new(),
            record: None,
            texts: Vec::new(),
        });
        match ext.as_deref() {
            Some("json") => {
                let v: serde_json::Value =
                    serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
                if let Some(n) = v["document_number"].as_str() {
                    o.number = n.to_owned();
                    o.record = Some(p);
                }
            }
            Some("htm" | "html" | "xml") => o.texts.push(p),
            _ => {}
        }
    }
    by_eo
        .into_values()
        .filter(|o| o.record.is_some() && !o.texts.is_empty())
        .collect()
}

/// Without the corpus: the labelled orders' texts and the four fr-text
/// orders (records and every rendition).
fn fixtures(root: &Path) -> Vec<Order> {
    let mut out = Vec::new();
    let fr = root.join("tests/fixtures/fr-text");
    for n in ["2011-10732", "2012-7636", "2017-02762", "2019-22623"] {
        out.push(Order {
            number: n.to_owned(),
            record: Some(fr.join(format!("{n}.json"))),
            texts: ["xml", "html", "htm"]
                .iter()
                .map(|e| fr.join(format!("{n}.{e}")))
                .collect(),
        });
    }
    let labels = root.join("tests/fixtures/eo-labels");
    let mut names: Vec<PathBuf> = std::fs::read_dir(&labels)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml" || e == "htm"))
        .collect();
    names.sort();
    for p in names {
        out.push(Order {
            number: p.file_stem().unwrap().to_string_lossy().to_string(),
            record: None,
            texts: vec![p],
        });
    }
    out
}

fn pg(dir: &Path, args: &[&str]) -> Vec<String> {
    let mut v = vec![
        BIN.to_owned(),
        "--knowledge".to_owned(),
        dir.join("knowledge").display().to_string(),
        "--index".to_owned(),
        dir.join("index").display().to_string(),
    ];
    v.extend(args.iter().map(|s| (*s).to_owned()));
    v
}

/// Bytes of the files under `dir` ending in `.ext` (every file for "").
fn sum_files(dir: &Path, ext: &str) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter(|e| ext.is_empty() || e.path().extension().is_some_and(|x| x == ext))
        .map(|e| e.metadata().unwrap().len())
        .sum()
}

/// Runs a command to completion; fails loudly with its output.
fn run(args: &[String]) {
    let out = Command::new(&args[0])
        .args(&args[1..])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs a command, output discarded, and times it.
fn time(args: &[String]) -> Duration {
    let start = Instant::now();
    let status = Command::new(&args[0])
        .args(&args[1..])
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    let took = start.elapsed();
    assert!(status.success(), "{args:?}: {status}");
    took
}

fn stat(v: &[Duration]) -> String {
    format!("{:8.1} ({:.1})", ms(median(v)), ms(min(v)))
}
