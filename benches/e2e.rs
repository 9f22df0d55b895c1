//! End-to-end benchmark: whole `policygraph` processes on the shipped
//! knowledge base and on synthetic corpora, beside the naive alternatives a
//! user has (`find` for the metadata walk, `rg -i -l` for search), timed in
//! the same run so that their ratios are meaningful on a noisy machine.
//!
//! Run with `cargo bench --bench e2e`. Environment:
//! - `PG_BENCH_SIZES`: synthetic sizes, default `10000,100000` (add `1000000`
//!   for the big one; generating it takes a while and ~4 GB of disk);
//! - `PG_BENCH_RUNS`: timed runs per measurement, default 11.
//!
//! Corpora are generated once under `target/bench-corpora/` and reused.

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

use common::{copy_tree, cores, median, min, ms, repo_root};

const BIN: &str = env!("CARGO_BIN_EXE_policygraph");

fn main() {
    // `cargo bench` passes `--bench`; nothing else is expected.
    let runs = common::runs(11);
    let sizes: Vec<usize> = std::env::var("PG_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let root = repo_root();
    let base = root.join("target/bench-corpora");
    let have_rg = Command::new("rg")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok();
    println!("policygraph end-to-end benchmark: {runs} runs per line, median (min) in ms");
    println!("machine: {} cores, {}", cores(), cpu_model());
    if !have_rg {
        println!("note: `rg` is not installed; the ripgrep comparison is skipped");
    }

    // A copy of the shipped knowledge base (the edit benchmark writes to
    // it, and must never touch the repository's files), refreshed each run.
    let shipped_dir = base.join("shipped");
    let _ = std::fs::remove_dir_all(&shipped_dir);
    copy_tree(&root.join("knowledge"), &shipped_dir.join("knowledge"));
    let shipped = Corpus {
        name: "shipped".into(),
        knowledge: shipped_dir.join("knowledge"),
        index: shipped_dir.join("index"),
        entities: count_files(&root.join("knowledge")),
    };
    let mut corpora = vec![shipped];
    for n in sizes {
        let dir = base.join(format!("synth-{n}"));
        let knowledge = dir.join("knowledge");
        if !knowledge.is_dir() {
            eprintln!("generating {n} entities into {} ...", knowledge.display());
            run_ok(
                &[BIN, "synth", &n.to_string(), knowledge.to_str().unwrap()],
                &root,
            );
        }
        corpora.push(Corpus {
            name: format!("synth-{n}"),
            knowledge,
            index: dir.join("index"),
            entities: n,
        });
    }
    for c in &corpora {
        bench_corpus(c, runs, have_rg);
    }
}

struct Corpus {
    name: String,
    knowledge: PathBuf,
    index: PathBuf,
    entities: usize,
}

impl Corpus {
    fn pg(&self, extra: &[&str]) -> Vec<String> {
        let mut v = vec![
            BIN.to_owned(),
            "--knowledge".into(),
            self.knowledge.display().to_string(),
            "--index".into(),
            self.index.display().to_string(),
        ];
        v.extend(extra.iter().map(|s| (*s).to_owned()));
        v
    }

    /// Brings the index up to date (and warms the page cache).
    fn index_ok(&self, cwd: &Path) {
        let args = self.pg(&["index"]);
        run_ok(&args.iter().map(String::as_str).collect::<Vec<_>>(), cwd);
    }
}

fn bench_corpus(c: &Corpus, runs: usize, have_rg: bool) {
    println!("\n== {} ({} entities)", c.name, c.entities);
    let synthetic = c.name.starts_with("synth");
    let (show_id, from, to, query) = if synthetic {
        ("bill-5", "executive-order-3", "bill-77", "bitcoin reserve")
    } else {
        ("eo-14330", "eo-14330", "ebsa", "stablecoin")
    };
    let parent = c.knowledge.parent().unwrap().to_path_buf();
    let heavy = runs.clamp(1, 3);

    // Throughput: validate everything, and a full rebuild.
    let check = time(&c.pg(&["check"]), &parent, heavy);
    report("check (load + validate)", &check, Some(c.entities));
    let rebuild = time(&c.pg(&["index", "--force"]), &parent, heavy);
    report(
        "index --force (check, load, index)",
        &rebuild,
        Some(c.entities),
    );

    // Warm the page cache and the index.
    c.index_ok(&parent);

    let walk = time_sh(
        "find knowledge -type f -printf '%T@ %s\\n' > /dev/null",
        &parent,
        runs,
    );
    report("find knowledge (bare metadata walk)", &walk, None);
    let mut lines: Vec<(&str, Vec<Duration>)> = Vec::new();
    for (label, args) in [
        ("show", vec!["show", show_id]),
        ("agencies", vec!["agencies", from]),
        ("path", vec!["path", from, to]),
        ("search", vec!["search", query]),
    ] {
        let fresh = time(&c.pg(&args), &parent, runs);
        let mut nr = vec!["--no-refresh"];
        nr.extend(args.iter().copied());
        let skipped = time(&c.pg(&nr), &parent, runs);
        report(&format!("{label} (fresh check)"), &fresh, None);
        println!("{:>44}  {:.2}x the find walk", "", ratio(&fresh, &walk));
        report(&format!("{label} --no-refresh"), &skipped, None);
        lines.push((label, fresh));
    }
    if have_rg {
        let word = query.split(' ').next().unwrap_or(query);
        let rg = time_sh(
            &format!("rg -i -l '{word}' knowledge > /dev/null"),
            &parent,
            runs,
        );
        report(&format!("rg -i -l {word} knowledge"), &rg, None);
        if let Some((_, s)) = lines.iter().find(|l| l.0 == "search") {
            println!("{:>44}  search is {:.1}x faster than rg", "", ratio(&rg, s));
        }
    }

    // Edit one file, then time the next query (the index is patched).
    let file = find_file(&c.knowledge, show_id);
    if let Some(file) = file {
        let original = std::fs::read_to_string(&file).unwrap();
        let mut samples = Vec::new();
        for i in 0..heavy.max(3) {
            let edited = original.replacen("name: \"", &format!("name: \"Edited{i} "), 1);
            std::fs::write(&file, edited).unwrap();
            samples.push(time(&c.pg(&["show", show_id]), &parent, 1)[0]);
        }
        std::fs::write(&file, original).unwrap();
        report("edit one file, then show", &samples, None);
        c.index_ok(&parent);
    }
    let export = time(&c.pg(&["--no-refresh", "export", "dot"]), &parent, heavy);
    report("export dot (whole graph)", &export, Some(c.entities));
}

/// Every `.ron` file under `dir`.
fn ron_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "ron") {
                out.push(p);
            }
        }
    }
    out
}

fn find_file(dir: &Path, id: &str) -> Option<PathBuf> {
    let name = format!("{id}.ron");
    ron_files(dir)
        .into_iter()
        .find(|p| p.file_name().is_some_and(|n| n == name.as_str()))
}

fn count_files(dir: &Path) -> usize {
    ron_files(dir).len()
}

/// `args` as a command run in `cwd`, its output discarded.
fn quiet<S: AsRef<std::ffi::OsStr>>(args: &[S], cwd: &Path) -> Command {
    let mut cmd = Command::new(&args[0]);
    cmd.args(&args[1..])
        .current_dir(cwd)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

fn run_ok(args: &[&str], cwd: &Path) {
    let st = quiet(args, cwd).status().unwrap();
    assert!(st.success(), "{args:?} failed");
}

fn time(args: &[String], cwd: &Path, runs: usize) -> Vec<Duration> {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            let st = quiet(args, cwd).status().unwrap();
            let d = t.elapsed();
            assert!(st.code().is_some_and(|c| c <= 1), "{args:?} failed: {st}");
            d
        })
        .collect()
}

fn time_sh(script: &str, cwd: &Path, runs: usize) -> Vec<Duration> {
    let args = vec!["sh".to_owned(), "-c".to_owned(), script.to_owned()];
    time(&args, cwd, runs)
}

fn ratio(a: &[Duration], b: &[Duration]) -> f64 {
    median(a).as_secs_f64() / median(b).as_secs_f64().max(1e-9)
}

fn report(label: &str, v: &[Duration], entities: Option<usize>) {
    let med = median(v);
    let rate = entities
        .map(|n| format!("  {:.0} entities/s", n as f64 / med.as_secs_f64().max(1e-9)))
        .unwrap_or_default();
    println!("{label:<44}  {:>9.1} ms ({:.1}){rate}", ms(med), ms(min(v)));
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}
