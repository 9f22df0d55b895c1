//! End-to-end benchmark: whole `policygraph` processes on the shipped
//! knowledge base and on synthetic corpora, beside the naive alternatives a
//! user has (`find` for the metadata walk, `rg -i -l` for search), timed in
//! the same run so that their ratios are meaningful on a noisy machine.
//!
//! Run with `cargo bench --bench e2e`. Environment:
//! - `PG_BENCH_SIZES`: synthetic sizes, default `10000,100000` (add `1000000`
//!   for the big one; generating it takes a while and ~4 GB of disk);
//! - `PG_BENCH_RUNS`: timed runs per measurement, default 11;
//! - `PG_BENCH_DIR`: where corpora are generated and kept, default
//!   `target/bench-corpora/`;
//! - `PG_BENCH_BASELINE`: another `policygraph` binary (for example one
//!   built from `main`): the whole-corpus lines (`check`, `index --force`,
//!   `site`) run it too, on the same corpus in the same run, and print the
//!   ratios of time and peak memory;
//! - `PG_BENCH_BIN`: the `policygraph` binary to time instead of the one
//!   cargo built for the benchmark (for example a `release` build, when
//!   the `bench` profile's LTO build would take too long);
//! - `PG_BENCH_SITE=0`: leave out the `site` line (a site of a million
//!   entities takes many minutes per run).
//!
//! Whole-corpus lines print each run's peak resident memory (the largest
//! `ru_maxrss` of the runs, from `wait4`) and bytes per entity.
//! Corpora are generated once and reused.

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

/// The binary cargo built for the benchmark.
const BUILT: &str = env!("CARGO_BIN_EXE_policygraph");

/// The binary to time: `PG_BENCH_BIN`, or the one cargo built.
fn bin() -> String {
    std::env::var("PG_BENCH_BIN").unwrap_or_else(|_| BUILT.to_owned())
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is expected.
    let runs = common::runs(11);
    let sizes: Vec<usize> = std::env::var("PG_BENCH_SIZES")
        .unwrap_or_else(|_| "10000,100000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let root = repo_root();
    let base = std::env::var_os("PG_BENCH_DIR")
        .map_or_else(|| root.join("target/bench-corpora"), PathBuf::from);
    let baseline = std::env::var_os("PG_BENCH_BASELINE").map(PathBuf::from);
    let bin = bin();
    let have_rg = Command::new("rg")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok();
    println!("policygraph end-to-end benchmark: {runs} runs per line, median (min) in ms");
    println!("machine: {} cores, {}", cores(), cpu_model());
    println!("load average at start: {}", load_average());
    println!("binary: {bin}");
    if let Some(b) = &baseline {
        println!("baseline: {}", b.display());
    }
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
                &[&bin, "synth", &n.to_string(), knowledge.to_str().unwrap()],
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
        bench_corpus(c, runs, have_rg, baseline.as_deref());
    }
    println!("\nload average at end: {}", load_average());
}

struct Corpus {
    name: String,
    knowledge: PathBuf,
    index: PathBuf,
    entities: usize,
}

impl Corpus {
    fn pg(&self, extra: &[&str]) -> Vec<String> {
        self.pg_with(Path::new(&bin()), extra)
    }

    /// [`Corpus::pg`] with another binary.
    fn pg_with(&self, bin: &Path, extra: &[&str]) -> Vec<String> {
        let mut v = vec![
            bin.display().to_string(),
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

fn bench_corpus(c: &Corpus, runs: usize, have_rg: bool, baseline: Option<&Path>) {
    println!("\n== {} ({} entities)", c.name, c.entities);
    let synthetic = c.name.starts_with("synth");
    let (show_id, from, to, query) = if synthetic {
        ("bill-5", "executive-order-3", "bill-77", "bitcoin reserve")
    } else {
        ("eo-14330", "eo-14330", "ebsa", "stablecoin")
    };
    let parent = c.knowledge.parent().unwrap().to_path_buf();
    let heavy = runs.clamp(1, 3);

    // Throughput and peak memory: validate everything, a full rebuild and
    // the site; the baseline's run right after ours, on the same corpus.
    let site_dir = parent.join("site-out");
    let site_out = site_dir.display().to_string();
    let whole: [(&str, Vec<&str>); 3] = [
        ("check (load + validate)", vec!["check"]),
        (
            "index --force (check, load, index)",
            vec!["index", "--force"],
        ),
        (
            "site -o DIR (builtin diagrams)",
            vec!["site", "-o", &site_out, "--diagrams", "builtin"],
        ),
    ];
    let with_site = std::env::var("PG_BENCH_SITE").map_or(true, |v| v != "0");
    for (label, args) in whole {
        if args[0] == "site" && !with_site {
            continue;
        }
        let ours = measure(&c.pg(&args), &parent, heavy);
        let pages = args[0] == "site";
        let units = if pages {
            count_pages(&site_dir)
        } else {
            c.entities
        };
        report_heavy(label, &ours, c.entities, units, pages);
        if let Some(b) = baseline {
            let theirs = measure(&c.pg_with(b, &args), &parent, heavy);
            let units = if pages {
                count_pages(&site_dir)
            } else {
                c.entities
            };
            report_heavy(
                &format!("{label}, baseline"),
                &theirs,
                c.entities,
                units,
                pages,
            );
            println!(
                "{:>44}  {:.2}x the baseline's time, {:.2}x its peak memory",
                "",
                ratio(&ours.times, &theirs.times),
                ours.peak_kb as f64 / theirs.peak_kb.max(1) as f64
            );
            // Leave the index as our build wrote it.
            run_ok(
                &c.pg(&["index", "--force"])
                    .iter()
                    .map(String::as_str)
                    .collect::<Vec<_>>(),
                &parent,
            );
        }
    }
    let _ = std::fs::remove_dir_all(&site_dir);

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
    let export = measure(&c.pg(&["--no-refresh", "export", "dot"]), &parent, heavy);
    report_heavy(
        "export dot (whole graph)",
        &export,
        c.entities,
        c.entities,
        false,
    );
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

/// The times of some runs, and the largest peak resident memory among them.
struct Measured {
    times: Vec<Duration>,
    peak_kb: u64,
}

/// `args` run `runs` times, each waited for with `wait4` so that its own
/// peak resident memory (`ru_maxrss`, in KiB on Linux) is known.
fn measure(args: &[String], cwd: &Path, runs: usize) -> Measured {
    let mut m = Measured {
        times: Vec::new(),
        peak_kb: 0,
    };
    for _ in 0..runs {
        let t = Instant::now();
        let child = quiet(args, cwd).spawn().unwrap();
        let (code, rss) = wait_rusage(child);
        m.times.push(t.elapsed());
        assert!(code.is_some_and(|c| c <= 1), "{args:?} failed: {code:?}");
        m.peak_kb = m.peak_kb.max(rss);
    }
    m
}

/// Waits for `child`; its exit code and its peak resident memory in KiB.
#[cfg(unix)]
fn wait_rusage(child: std::process::Child) -> (Option<i32>, u64) {
    let pid = child.id() as libc::pid_t;
    let mut status: libc::c_int = 0;
    // SAFETY: `rusage` is plain data, zeroed is a valid value; `wait4`
    // writes it and `status` for our own child, which is then reaped
    // (`Child` does not wait on drop).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4 failed");
    let code = libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status));
    (code, u64::try_from(usage.ru_maxrss).unwrap_or(0))
}

#[cfg(not(unix))]
fn wait_rusage(mut child: std::process::Child) -> (Option<i32>, u64) {
    (child.wait().unwrap().code(), 0)
}

/// A whole-corpus line: time, rate, peak memory and bytes per entity.
fn report_heavy(label: &str, m: &Measured, entities: usize, units: usize, pages: bool) {
    let med = median(&m.times).as_secs_f64().max(1e-9);
    let what = if pages { "pages" } else { "entities" };
    println!(
        "{label:<44}  {:>9.1} ms ({:.1})  {:.0} {what}/s",
        ms(median(&m.times)),
        ms(min(&m.times)),
        units as f64 / med
    );
    println!(
        "{:>44}  peak {:.0} MiB, {:.0} bytes per entity",
        "",
        m.peak_kb as f64 / 1024.0,
        m.peak_kb as f64 * 1024.0 / entities.max(1) as f64
    );
}

/// `.html` files under `dir`.
fn count_pages(dir: &Path) -> usize {
    let mut n = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "html") {
                n += 1;
            }
        }
    }
    n
}

/// `/proc/loadavg`'s three load averages, or `unknown`.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|| "unknown".into())
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
