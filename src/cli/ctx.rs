//! The context every command runs in: where the knowledge base and the index
//! are, and the global options.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use policygraph::check::{Checked, Corpus};
use std::io::Write as _;

use policygraph::lock;
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
    /// `--no-wait`.
    pub no_wait: bool,
}

impl Ctx {
    /// Finds the knowledge and index directories.
    pub fn new(args: &Args) -> anyhow::Result<Ctx> {
        // `Date::today` falls back to the clock on a value it cannot read;
        // a typo in a pinned date must not pass unnoticed.
        if let Some(v) = std::env::var_os("POLICYGRAPH_TODAY") {
            let v = v.to_string_lossy();
            if let Err(e) = v.parse::<Date>() {
                return Err(policygraph::Error::Usage(format!(
                    "POLICYGRAPH_TODAY=`{v}` is not a date: {e} (write YYYY-MM-DD, or unset it)"
                ))
                .into());
            }
        }
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
            no_wait: args.no_wait,
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

impl Ctx {
    /// How long a writer waits for another: until it is done, or not at
    /// all with `--no-wait`.
    fn wait(&self) -> lock::Wait {
        if self.no_wait {
            lock::Wait::No
        } else {
            lock::Wait::Forever
        }
    }

    /// Takes the knowledge base's write lock for `command` (see
    /// [`policygraph::lock`]), saying so on stderr when another process
    /// holds it and this one waits.
    pub fn lock(&self, command: &str) -> anyhow::Result<lock::WriteLock> {
        Ok(lock::acquire(
            &self.index,
            command,
            self.wait(),
            &mut |h| say_waiting(h),
        )?)
    }

    /// The store (snapshot and search index), fresh against `knowledge/`
    /// (see [`policygraph::store::refresh`]), with a note on stderr saying
    /// what was done when it was not fresh. With `--no-refresh`, an
    /// existing index is used as is.
    pub fn store(&self) -> anyhow::Result<Store> {
        Ok(self.refreshed(false)?.store.at(self.as_of))
    }

    /// Refreshes the index, or rebuilds it with `force`, and says so.
    pub fn refreshed(&self, force: bool) -> anyhow::Result<store::Refreshed> {
        let opts = store::Options {
            check_freshness: self.refresh,
            force,
            wait: self.wait(),
            on_wait: say_waiting,
            ..store::Options::default()
        };
        let done = match store::refresh(&self.knowledge, &self.index, &opts) {
            Ok(done) => done,
            Err(policygraph::Error::Rejected(checked)) => {
                render::diagnostics_stderr(&checked.diagnostics, &checked.files);
                return Err(policygraph::Error::Invalid(checked.errors()).into());
            }
            Err(e) => return Err(e.into()),
        };
        let dir = self.index.display();
        match &done.outcome {
            store::Outcome::Fresh
            | store::Outcome::Unchecked
            | store::Outcome::RefreshedByOther => {}
            store::Outcome::Built => note(&format!(
                "built the index in {dir} ({} entities)",
                done.store.len()
            )),
            store::Outcome::Patched(n) => note(&format!(
                "knowledge base changed; updated {n} entities in the index"
            )),
            // `index --force` says what it did on stdout.
            store::Outcome::Rebuilt(store::Reason::Forced) => {}
            store::Outcome::Rebuilt(why) => note(&format!("rebuilt the index: {why}")),
        }
        let left = &done.store.left_out;
        if !left.files.is_empty() {
            warn_left_out(left);
        }
        Ok(done)
    }
}

/// The note a writer gives once when it waits for another.
fn say_waiting(holder: Option<&lock::Holder>) {
    match holder {
        Some(h) => note(&format!(
            "waiting for another policygraph process to finish writing this knowledge base: {h} (--no-wait refuses instead)"
        )),
        None => note(
            "waiting for another policygraph process to finish writing this knowledge base (--no-wait refuses instead)",
        ),
    }
}

/// The one warning a query gives when it answers from the valid part of a
/// knowledge base with errors.
fn warn_left_out(left: &store::LeftOut) {
    let n = left.files.len();
    let mut names: Vec<&str> = left.files.iter().map(String::as_str).take(3).collect();
    if n > 3 {
        names.push("...");
    }
    let mut e = anstream::stderr().lock();
    let _ = writeln!(
        e,
        "{}warning:{} {} with errors left out of this answer ({}); `policygraph check` shows the {} error(s)",
        render::WARN.render(),
        render::WARN.render_reset(),
        if n == 1 { "1 file".to_owned() } else { format!("{n} files") },
        names.join(", "),
        left.errors
    );
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
