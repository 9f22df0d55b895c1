//! The refresh policy: the one entry point through which every command,
//! test and benchmark gets a store that answers for `knowledge/` as it is
//! now.
//!
//! 1. Open the current generation and fingerprint `knowledge/` (one
//!    metadata walk). Fresh means: same fingerprint, and no event date has
//!    passed since the build (statuses are stored). A fresh index is used
//!    at once, without a lock: the common case stays one walk and one open.
//! 2. Otherwise take the knowledge base's one write lock ([`crate::lock`]).
//!    Another process that needs a refresh at the same moment, or is
//!    importing or building a site, holds it; this one waits (as
//!    [`Options::wait`] says) and then, finding the index fresh, uses the
//!    result instead of rebuilding again. The kernel drops the lock of a
//!    process that dies, so a killed writer never blocks the next one.
//! 3. Under the lock: a missing, damaged or foreign-format index is built;
//!    a passed event date forces a rebuild; otherwise a patch is tried
//!    ([`update`]) and a rebuild done when it cannot apply. Both write a
//!    new generation and swap it in, so a reader never sees a half-done
//!    one. Then [`clean`] removes what no reader can be using.
//!
//! A knowledge base with errors is indexed from its valid part
//! ([`crate::check::valid_part`]): queries keep answering, and the store
//! says which files were left out ([`Store::left_out`]).

use std::path::Path;
use std::time::Duration;

use super::watched::{self, Watched};
use super::*;
use crate::check::{Checked, Corpus};
use crate::lock::{self, Holder, Wait};
use crate::model::Date;
use crate::walk;
use crate::{Error, Result};

/// How to refresh.
#[derive(Clone, Debug)]
pub struct Options {
    /// Compare the index with `knowledge/` (false: `--no-refresh`, use an
    /// existing index as it is).
    pub check_freshness: bool,
    /// Rebuild even when fresh (`index --force`).
    pub force: bool,
    /// How long to wait for another writer (an import, a site build, a
    /// refresh) to finish.
    pub wait: Wait,
    /// Called once when another process holds the write lock and this one
    /// starts waiting, with what the lock file says of the holder.
    pub on_wait: fn(Option<&Holder>),
    /// The day whose statuses are stored.
    pub today: Date,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            check_freshness: true,
            force: false,
            wait: Wait::For(Duration::from_secs(600)),
            on_wait: |_| {},
            today: Date::today(),
        }
    }
}

/// What [`refresh`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The index was fresh.
    Fresh,
    /// Used as it is, without looking at `knowledge/` (`--no-refresh`).
    Unchecked,
    /// Another process refreshed it while this one waited for the lock.
    RefreshedByOther,
    /// There was no index; one was built.
    Built,
    /// The index was patched: this many documents were rewritten.
    Patched(usize),
    /// The index was rebuilt, for this reason.
    Rebuilt(Reason),
}

/// Why an index was rebuilt rather than patched or used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// `index --force`.
    Forced,
    /// The current generation could not be opened.
    Damaged(String),
    /// It was written by a version of policygraph with another format.
    OtherFormat,
    /// An event date has passed since the build, so stored statuses are stale.
    EventPassed,
    /// Files changed and a patch could not apply.
    Changed(&'static str),
    /// Files changed and the patch failed.
    PatchFailed(String),
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reason::Forced => write!(f, "as asked (--force)"),
            Reason::Damaged(why) => write!(f, "the index could not be opened ({why})"),
            Reason::OtherFormat => {
                write!(f, "the index was written by another version of policygraph")
            }
            Reason::EventPassed => write!(
                f,
                "an event date has passed since the index was built, so statuses changed"
            ),
            Reason::Changed(why) => write!(f, "the knowledge base changed and {why}"),
            Reason::PatchFailed(why) => {
                write!(f, "the knowledge base changed and patching failed ({why})")
            }
        }
    }
}

/// A store fresh for `knowledge/`, and how it got so.
pub struct Refreshed {
    /// The store.
    pub store: Store,
    /// What was done.
    pub outcome: Outcome,
    /// Whether the file-system monitor told what changed, so that no walk
    /// of `knowledge/` was needed (see [`crate::monitor`]).
    pub watched: bool,
}

/// Brings the index in `index_dir` up to date with `knowledge` (see the
/// module documentation) and opens it.
///
/// A knowledge base with errors is indexed from its valid part; when no
/// part is valid, the error is [`Error::Rejected`] with every diagnostic.
pub fn refresh(knowledge: &Path, index_dir: &Path, opts: &Options) -> Result<Refreshed> {
    let existing = if opts.force {
        None
    } else {
        Some(Store::open(index_dir))
    };
    match existing {
        Some(Ok(Some(s))) if !opts.check_freshness => {
            return Ok(Refreshed {
                watched: false,
                store: s,
                outcome: Outcome::Unchecked,
            })
        }
        Some(Err(e)) if !opts.check_freshness => {
            return Err(Error::Index(format!(
            "the index in {} cannot be opened ({}); run `policygraph index --force` to rebuild it",
            index_dir.display(),
            bare(&e)
        )))
        }
        Some(Ok(Some(s))) => {
            // The monitor, when one runs and vouches for the index; else
            // the walk, claimed fresh as of a token taken before it.
            match watched::ask(index_dir, knowledge, &s) {
                Watched::Fresh if s.valid_until.is_none_or(|d| d > opts.today) => {
                    tidy(index_dir, &s);
                    return Ok(Refreshed {
                        watched: true,
                        store: s,
                        outcome: Outcome::Fresh,
                    });
                }
                Watched::Fresh | Watched::Changes(..) => {}
                Watched::Walk => {
                    let token = watched::token_now(index_dir, knowledge);
                    if is_fresh(&s, &fingerprint(knowledge)?, opts.today) {
                        watched::claim(index_dir, &s, token.as_deref());
                        tidy(index_dir, &s);
                        return Ok(Refreshed {
                            watched: false,
                            store: s,
                            outcome: Outcome::Fresh,
                        });
                    }
                }
            }
            drop(s); // its reader lock would keep `clean` off it
        }
        other => drop(other),
    }
    // Something must change: one process at a time.
    let lock = lock::acquire(index_dir, "index", opts.wait, &mut |h| (opts.on_wait)(h))?;
    let waited = lock.waited();
    if !opts.force {
        if let Some(done) = by_monitor(knowledge, index_dir, opts.today, waited)? {
            clean(index_dir);
            drop(lock);
            return Ok(done);
        }
    }
    let token = watched::token_now(index_dir, knowledge);
    let walked = walk::list(knowledge)?;
    let scan = scan_of(&walked);
    let fp = fingerprint_of(&scan);
    let rebuild = |reason: Option<Reason>| -> Result<Refreshed> {
        let store = rebuild(knowledge, index_dir, &walked, &scan, opts.today)?;
        Ok(Refreshed {
            watched: false,
            store,
            outcome: reason.map_or(Outcome::Built, Outcome::Rebuilt),
        })
    };
    let done = if opts.force {
        rebuild(Some(Reason::Forced))?
    } else {
        match Store::open(index_dir) {
            Err(e) => rebuild(Some(Reason::Damaged(bare(&e))))?,
            Ok(None) if super::current_generation(index_dir).is_some() => {
                rebuild(Some(Reason::OtherFormat))?
            }
            Ok(None) => rebuild(None)?,
            Ok(Some(s)) if is_fresh(&s, &fp, opts.today) => Refreshed {
                watched: false,
                store: s,
                outcome: if waited {
                    Outcome::RefreshedByOther
                } else {
                    Outcome::Fresh
                },
            },
            Ok(Some(s)) if s.valid_until.is_some_and(|d| d <= opts.today) => {
                drop(s);
                rebuild(Some(Reason::EventPassed))?
            }
            Ok(Some(s)) => match update(index_dir, knowledge, &s, &scan, opts.today) {
                Ok(Patch::Patched(n)) => {
                    drop(s);
                    match Store::open(index_dir)? {
                        Some(store) => Refreshed {
                            watched: false,
                            store,
                            outcome: Outcome::Patched(n),
                        },
                        None => rebuild(Some(Reason::PatchFailed(
                            "the patched index cannot be opened".into(),
                        )))?,
                    }
                }
                Ok(Patch::Rebuild(why)) => {
                    drop(s);
                    rebuild(Some(Reason::Changed(why)))?
                }
                Err(e) => {
                    drop(s);
                    rebuild(Some(Reason::PatchFailed(e.to_string())))?
                }
            },
        }
    };
    if done.store.fingerprint == fp {
        watched::claim(index_dir, &done.store, token.as_deref());
    }
    clean(index_dir);
    drop(lock);
    Ok(done)
}

/// Under the write lock: the store made fresh from the monitor's list of
/// changes, when a monitor runs and can vouch for them and the patch
/// applies; `None` when a walk must decide.
fn by_monitor(
    knowledge: &Path,
    index_dir: &Path,
    today: Date,
    waited: bool,
) -> Result<Option<Refreshed>> {
    let Ok(Some(s)) = Store::open(index_dir) else {
        return Ok(None);
    };
    if s.valid_until.is_some_and(|d| d <= today) {
        return Ok(None);
    }
    let (changes, token) = match watched::ask(index_dir, knowledge, &s) {
        Watched::Fresh => {
            return Ok(Some(Refreshed {
                watched: true,
                store: s,
                outcome: if waited {
                    Outcome::RefreshedByOther
                } else {
                    Outcome::Fresh
                },
            }))
        }
        Watched::Walk => return Ok(None),
        Watched::Changes(changes, token) => (changes, token),
    };
    let Some(manifest) = read_manifest(&s.dir, &s.fingerprint) else {
        return Ok(None);
    };
    match patch(index_dir, knowledge, &s, &manifest, &changes, today) {
        Ok(Patch::Patched(n)) => {
            drop(s);
            let Some(store) = Store::open(index_dir)? else {
                return Ok(None);
            };
            watched::claim(index_dir, &store, Some(&token));
            Ok(Some(Refreshed {
                watched: true,
                store,
                outcome: Outcome::Patched(n),
            }))
        }
        Ok(Patch::Rebuild(_)) | Err(_) => Ok(None),
    }
}

/// An index error's message without its `index error: ` head, to quote
/// inside another index error.
fn bare(e: &Error) -> String {
    let text = e.to_string();
    text.strip_prefix("index error: ")
        .map_or(text.clone(), str::to_owned)
}

/// Removes what a killed process left, when there is any and no other
/// process is refreshing: a fresh query costs one listing of `index/`.
fn tidy(index_dir: &Path, current: &Store) {
    let Ok(rd) = std::fs::read_dir(index_dir) else {
        return;
    };
    let current_name = current.dir.file_name();
    let litter = rd.flatten().any(|e| {
        let name = e.file_name();
        name != "CURRENT"
            && name != lock::LOCK_FILE
            && name != crate::monitor::DIR_NAME
            && Some(name.as_os_str()) != current_name
    });
    if !litter {
        return;
    }
    if let Ok(Some(_lock)) = lock::try_acquire(index_dir, "index") {
        clean(index_dir);
    }
}

/// Whether a store answers for the files whose fingerprint is `fp`, today.
fn is_fresh(s: &Store, fp: &str, today: Date) -> bool {
    s.fingerprint == fp && s.valid_until.is_none_or(|d| d > today)
}

/// Checks the knowledge base, indexes it (or its valid part) as a new
/// generation and opens it.
fn rebuild(
    knowledge: &Path,
    index_dir: &Path,
    walked: &[(String, walk::Found)],
    scan: &[FileMeta],
    today: Date,
) -> Result<Store> {
    let listed = crate::load::listed_of(walked);
    let checked = crate::check::check(crate::load::load_listed(knowledge, listed));
    let (corpus, left_out) = usable(checked)?;
    build_with(index_dir, &corpus, scan, &left_out, today)?;
    // Freeing a large corpus takes a while and nothing waits on it.
    let _ = std::thread::Builder::new().spawn(move || drop(corpus));
    Store::open(index_dir)?.ok_or_else(|| Error::Index("the new index cannot be opened".into()))
}

/// The corpus to index: all of it, or its valid part.
fn usable(checked: Checked) -> Result<(Corpus, LeftOut)> {
    let errors = checked.errors();
    if errors == 0 {
        if let Some(c) = checked.corpus {
            return Ok((c, LeftOut::default()));
        }
    }
    match crate::check::valid_part(&checked) {
        Some(part) => Ok((
            part.corpus,
            LeftOut {
                files: part
                    .left_out
                    .iter()
                    .map(|p| p.to_string_lossy().replace('\\', "/"))
                    .collect(),
                errors,
            },
        )),
        None => Err(Error::Rejected(Box::new(checked))),
    }
}
