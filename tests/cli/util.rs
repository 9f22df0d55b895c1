//! Helpers shared by the integration tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fixture directory under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// The binary with a clean environment: no colour, no inherited
/// POLICYGRAPH_* variables, a fixed "today", and a private cache and index.
pub fn cmd(knowledge: &Path, index: &Path) -> Command {
    Command::from_std(std_cmd(knowledge, index))
}

/// [`cmd`] as a plain `std::process::Command`, for tests that manage the
/// child's pipes themselves.
pub fn std_cmd(knowledge: &Path, index: &Path) -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("policygraph"));
    c.env_clear()
        .env("NO_COLOR", "1")
        .env("POLICYGRAPH_TODAY", "2026-11-27")
        .env("HOME", index.join("home"))
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .arg("--knowledge")
        .arg(knowledge)
        .arg("--index")
        .arg(index)
        .current_dir(root());
    c
}

/// A temporary directory that lives as long as the value.
pub fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

/// Runs the binary on a fixture with a throwaway index; returns
/// (exit code, stdout, stderr).
pub fn run(knowledge: &Path, args: &[&str]) -> (i32, String, String) {
    let idx = tmp();
    run_with_index(knowledge, idx.path(), args)
}

/// Like [`run`] with a given index directory.
pub fn run_with_index(knowledge: &Path, index: &Path, args: &[&str]) -> (i32, String, String) {
    let out = cmd(knowledge, index)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The shipped knowledge base.
pub fn shipped() -> PathBuf {
    root().join("knowledge")
}

/// Copies a directory tree (for tests that edit a corpus).
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap_or_else(|e| panic!("walk: {e}"));
        let rel = entry
            .path()
            .strip_prefix(from)
            .unwrap_or_else(|e| panic!("{e}"));
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap_or_else(|e| panic!("mkdir: {e}"));
        } else {
            std::fs::copy(entry.path(), &dest).unwrap_or_else(|e| panic!("copy: {e}"));
        }
    }
}

/// Whether an external tool is on PATH. Tests that need one call this and
/// skip loudly when it is missing: the message goes straight to the
/// terminal, past the test harness's capture. Where a skip would hide a
/// missing check (CI sets `POLICYGRAPH_REQUIRE_TOOLS=1`), it fails instead.
pub fn have(tool: &str) -> bool {
    use std::io::Write as _;
    let ok = std::process::Command::new(tool).arg("-V").output().is_ok();
    if !ok {
        let msg = format!(
            "SKIPPED: `{tool}` is not installed; install it (apt-get install -y graphviz) to run this check"
        );
        if std::env::var_os("POLICYGRAPH_REQUIRE_TOOLS").is_some_and(|v| v == "1") {
            panic!("{msg} (POLICYGRAPH_REQUIRE_TOOLS=1: a skip would hide the check)");
        }
        let _ = writeln!(std::io::stderr().lock(), "\n*** {msg} ***");
    }
    ok
}

/// A private knowledge base and its own index directory, both inside one
/// temporary directory that lives as long as the value: for tests that
/// edit a corpus or damage an index.
pub struct PrivateKb {
    pub dir: tempfile::TempDir,
    pub knowledge: PathBuf,
    pub index: PathBuf,
}

impl PrivateKb {
    /// A copy of the corpus at `from`.
    pub fn copy_of(from: &Path) -> PrivateKb {
        let dir = tmp();
        let knowledge = dir.path().join("knowledge");
        copy_tree(from, &knowledge);
        PrivateKb {
            index: dir.path().join("index"),
            knowledge,
            dir,
        }
    }

    /// A synthetic corpus of `n` entities (see [`synth`]).
    pub fn synth(n: usize) -> PrivateKb {
        let dir = tmp();
        let knowledge = dir.path().join("knowledge");
        synth(&knowledge, n);
        PrivateKb {
            index: dir.path().join("index"),
            knowledge,
            dir,
        }
    }

    /// Runs the binary on this corpus and index; returns
    /// (exit code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        run_with_index(&self.knowledge, &self.index, args)
    }

    /// Like [`PrivateKb::run`] with extra environment variables.
    pub fn run_env(&self, env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
        let mut c = std_cmd(&self.knowledge, &self.index);
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.args(args).output().unwrap_or_else(|e| panic!("run: {e}"));
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// Replaces text in a file of the corpus; fails when `from` is absent.
    pub fn edit(&self, file: &str, from: &str, to: &str) {
        let p = self.knowledge.join(file);
        let text = std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert!(text.contains(from), "{file} lacks `{from}`");
        std::fs::write(&p, text.replace(from, to)).unwrap_or_else(|e| panic!("{file}: {e}"));
    }
}

/// Writes a synthetic corpus of `n` entities to `knowledge` with the
/// binary's `synth` subcommand; fails the test with its stderr if it fails.
pub fn synth(knowledge: &Path, n: usize) {
    let unused = knowledge
        .parent()
        .unwrap_or_else(|| panic!("{} has no parent", knowledge.display()))
        .join("unused");
    let out = std_cmd(knowledge, &unused)
        .args(["synth", &n.to_string()])
        .arg(knowledge)
        .output()
        .unwrap_or_else(|e| panic!("synth: {e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every file of a site's directory, relative path -> bytes, but the
/// manifest; a stage left behind fails the test.
pub fn site_files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        let rel = e
            .path()
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        assert!(
            !rel.starts_with(".policygraph-stage"),
            "a stage was left behind: {rel}"
        );
        if e.file_type().is_file() && rel != policygraph::site::MANIFEST {
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}
