//! The context every command runs in: where the knowledge base and the index
//! are, and the global options.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use policygraph::check::{Checked, Corpus};
use std::io::Write as _;

use policygraph::model::Date;
use policygraph::store::{self, Store};

use super::args::Args;
use super::render;

/// Resolved global options.
#[allow(dead_code)] // some fields are read only by the query commands
pub struct Ctx {
    /// The knowledge directory.
    pub knowledge: PathBuf,
    /// The index directory.
    pub index: PathBuf,
    /// `--json`.
    pub json: bool,
    /// `--as-of`.
    pub as_of: Option<Date>,
    /// Whether to check the index against `knowledge/` before use.
    pub refresh: bool,
    /// `--lang`.
    pub lang: Option<String>,
}

impl Ctx {
    /// Finds the knowledge and index directories.
    pub fn new(args: &Args) -> anyhow::Result<Ctx> {
        let (knowledge, default_index) = match &args.knowledge {
            Some(k) => {
                if k.exists() && !k.is_dir() {
                    return Err(policygraph::Error::Usage(format!(
                        "`{}` is a file; --knowledge takes the directory that holds the entity files",
                        k.display()
                    ))
                    .into());
                }
                if !k.is_dir() {
                    return Err(policygraph::Error::NoKnowledge(k.clone()).into());
                }
                (k.clone(), sibling_index(k))
            }
            None => match find_knowledge()? {
                Some(k) => {
                    let idx = sibling_index(&k);
                    (k, idx)
                }
                None => {
                    let cache = cache_dir().context("no knowledge directory here, and no cache directory (set HOME or XDG_CACHE_HOME) for the built-in one")?;
                    let k = policygraph::embedded::materialize(&cache)?;
                    let idx = k.with_file_name("index");
                    (k, idx)
                }
            },
        };
        Ok(Ctx {
            knowledge,
            index: args.index.clone().unwrap_or(default_index),
            json: args.json,
            as_of: args.as_of,
            refresh: !args.no_refresh,
            lang: args.lang.clone(),
        })
    }

    /// Loads and checks the knowledge base from its files.
    pub fn checked(&self) -> anyhow::Result<Checked> {
        Ok(policygraph::check::check_dir(&self.knowledge)?)
    }

    /// The validated corpus, decoded from the (fresh) snapshot.
    pub fn corpus(&self) -> anyhow::Result<Corpus> {
        Ok(self.store()?.corpus()?)
    }
}

/// The corpus of a knowledge base that passed `check`; otherwise prints
/// the diagnostics and fails.
fn valid_corpus(checked: Checked) -> anyhow::Result<Corpus> {
    let errors = checked.errors();
    match checked.corpus {
        Some(c) => Ok(c),
        None => {
            render::diagnostics_stderr(&checked.diagnostics, &checked.files);
            Err(policygraph::Error::Invalid(errors).into())
        }
    }
}

impl Ctx {
    /// The store (snapshot and search index), fresh against `knowledge/`:
    /// rebuilt first, with a note on stderr, when any file was added,
    /// edited or removed. With `--no-refresh`, an existing index is used
    /// as is.
    pub fn store(&self) -> anyhow::Result<Store> {
        let existing = Store::open(&self.index)?;
        let existing = match existing {
            Some(s) if !self.refresh => return Ok(s),
            other => other,
        };
        // The common case, an unchanged knowledge base, needs only the
        // fingerprint; the list of files is made when something changed.
        let fresh = |s: &Store, fp: &str| {
            s.fingerprint == fp && s.valid_until.is_none_or(|d| d > Date::today())
        };
        let existing = match existing {
            Some(s) if fresh(&s, &store::fingerprint(&self.knowledge)?) => return Ok(s),
            other => other,
        };
        let Some(s) = existing else {
            note(&format!("building the index in {}", self.index.display()));
            return self.rebuild(None);
        };
        let scan = store::scan(&self.knowledge)?;
        let fp = store::fingerprint_of(&scan);
        if fresh(&s, &fp) {
            // Changed back between the two walks.
            return Ok(s);
        }
        if s.fingerprint == fp {
            note("an event date has passed since the index was built; rebuilding it so statuses are current");
            drop(s);
            return self.rebuild(Some(&scan));
        }
        // Any failure of the patch (an index from an older version, say)
        // falls back to a full rebuild.
        if let Ok(Some(n)) = store::update(&self.index, &self.knowledge, s, &scan) {
            note(&format!(
                "knowledge base changed; updated {n} entities in the index"
            ));
            if let Some(s) = Store::open(&self.index)? {
                return Ok(s);
            }
        }
        note("knowledge base changed; rebuilding the index");
        self.rebuild(Some(&scan))
    }

    /// Checks the knowledge base and builds a new index generation. Without
    /// a `scan` at hand, the metadata walk runs beside the loading, on the
    /// core that listing the files leaves idle.
    pub fn rebuild(&self, scan: Option<&[store::FileMeta]>) -> anyhow::Result<Store> {
        use policygraph::load;
        let k = self.knowledge.as_path();
        // Both walks finish before any file is read, so that the
        // fingerprint never describes files newer than those indexed.
        let (listed, walked) = match scan {
            Some(_) => (load::list_files(k), None),
            None => std::thread::scope(|s| {
                let walk = s.spawn(|| store::scan(k));
                let listed = load::list_files(k);
                let walked = walk.join().unwrap_or_else(|_| {
                    Err(policygraph::Error::Index("the metadata walk failed".into()))
                });
                (listed, Some(walked))
            }),
        };
        let listed = listed?;
        let walked = walked.transpose()?;
        let corpus = valid_corpus(policygraph::check::check(load::load_listed(k, listed)))?;
        let scan = scan.or(walked.as_deref()).unwrap_or_default();
        store::build(&self.index, &corpus, scan)?;
        // Freeing a large corpus takes a while and nothing waits on it.
        let _ = std::thread::Builder::new().spawn(move || drop(corpus));
        Store::open(&self.index)?.ok_or_else(|| {
            policygraph::Error::Index("the new index cannot be opened".into()).into()
        })
    }
}

impl Ctx {
    /// The name of `id` in the `--lang` language, else `english`. Reads the
    /// entity only when a language was asked for.
    pub fn local_name(&self, store: &Store, id: &str, english: &str) -> String {
        use policygraph::store::NodeSource as _;
        let Some(lang) = self.lang.as_deref() else {
            return english.to_owned();
        };
        match store.node(id) {
            Ok(Some(n)) => n.entity.name_in(Some(lang)).to_owned(),
            _ => english.to_owned(),
        }
    }
}

/// A progress note on stderr.
pub fn note(msg: &str) {
    let mut e = anstream::stderr().lock();
    let _ = writeln!(
        e,
        "{}note:{} {msg}",
        render::DIM.render(),
        render::DIM.render_reset()
    );
}

/// A warning on stderr: the command goes on, but the user should know.
pub fn warn(msg: &str) {
    let mut e = anstream::stderr().lock();
    let _ = writeln!(
        e,
        "{}warning:{} {msg}",
        render::WARN.render(),
        render::WARN.render_reset()
    );
}

fn sibling_index(knowledge: &Path) -> PathBuf {
    let abs = std::path::absolute(knowledge).unwrap_or_else(|_| knowledge.to_path_buf());
    match abs.parent() {
        Some(p) => p.join("index"),
        None => PathBuf::from("index"),
    }
}

/// `knowledge/` in the current directory or the nearest parent with one.
fn find_knowledge() -> anyhow::Result<Option<PathBuf>> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    Ok(cwd
        .ancestors()
        .map(|d| d.join("knowledge"))
        .find(|k| k.is_dir()))
}

/// The user's cache directory for policygraph.
fn cache_dir() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME")
                .filter(|v| !v.is_empty())
                .map(|h| PathBuf::from(h).join(".cache"))
        })?;
    Some(base.join("policygraph"))
}
