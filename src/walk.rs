//! The one walk of `knowledge/`, shared by loading (which files to read)
//! and by the index's freshness check (what the files look like now), so
//! that the two can never disagree about which files make the knowledge base.
//!
//! It is ripgrep's parallel walker (`ignore`) with every ignore-file rule
//! off: it follows symbolic links, skips names that start with `.`, and
//! stops at a link that leads back to one of its own ancestors (a loop
//! would otherwise make the walk exponential). Entries it cannot follow are
//! reported, never dropped: each becomes a [`Problem`] that `check` turns
//! into a diagnostic and the fingerprint counts by name.

use std::fs::FileType;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::UNIX_EPOCH;

use ignore::{DirEntry, ParallelVisitor, ParallelVisitorBuilder, WalkState};

/// Why an entry could not be followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// A link back to `ancestor` (relative to the walked directory when it
    /// is inside it).
    Loop {
        /// The directory the link leads back to.
        ancestor: PathBuf,
    },
    /// A link to nothing.
    BrokenLink,
    /// A link that points at itself, or a chain of links that does
    /// (`ELOOP` from the operating system).
    SelfLink,
    /// Anything else: permissions, an I/O error.
    Unreadable(String),
}

/// What the walk found at one path.
#[derive(Clone, Debug)]
pub enum Found {
    /// A regular `.ron` file: its size and modification time (nanoseconds
    /// since the epoch, 0 when unknown).
    File {
        /// Size in bytes.
        size: u64,
        /// Modification time in nanoseconds since the epoch.
        mtime: u128,
    },
    /// Something named `*.ron` that is not a regular file: a directory, a
    /// FIFO, a socket, a device.
    NotAFile(FileType),
    /// An entry the walk could not follow.
    Problem(Problem),
}

/// What a walk visitor receives: the path relative to the walked
/// directory, with `/` separators, and what is there.
pub trait Visit: Default + Send {
    /// One entry. Only `.ron` names and problems are visited.
    fn visit(&mut self, rel: &str, found: Found);
    /// Folds another thread's results in.
    fn merge(&mut self, other: Self);
}

/// Every `.ron` entry and problem, as a list (unsorted).
impl Visit for Vec<(String, Found)> {
    fn visit(&mut self, rel: &str, found: Found) {
        self.push((rel.to_owned(), found));
    }
    fn merge(&mut self, other: Self) {
        self.extend(other);
    }
}

/// Walks `dir` on a few threads, giving each `.ron` entry and each problem
/// to a visitor of type `V`; the visitors of all threads are merged.
pub fn walk<V: Visit>(dir: &Path) -> crate::Result<V> {
    if !dir.is_dir() {
        return Err(crate::Error::NoKnowledge(dir.to_path_buf()));
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let done: Mutex<Vec<V>> = Mutex::new(Vec::new());
    let mut builder = Builder {
        root: dir,
        done: &done,
    };
    ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .hidden(true)
        .follow_links(true)
        .threads(threads)
        .build_parallel()
        .visit(&mut builder);
    let parts = match done.into_inner() {
        Ok(p) => p,
        Err(poisoned) => poisoned.into_inner(),
    };
    let mut all = V::default();
    for p in parts {
        all.merge(p);
    }
    Ok(all)
}

/// Every `.ron` entry and problem under `dir`, sorted by path.
pub fn list(dir: &Path) -> crate::Result<Vec<(String, Found)>> {
    let mut all: Vec<(String, Found)> = walk(dir)?;
    all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(all)
}

struct Builder<'a, V> {
    root: &'a Path,
    done: &'a Mutex<Vec<V>>,
}

impl<'s, V: Visit + 's> ParallelVisitorBuilder<'s> for Builder<'s, V> {
    fn build(&mut self) -> Box<dyn ParallelVisitor + 's> {
        Box::new(Visitor {
            root: self.root,
            done: self.done,
            mine: V::default(),
        })
    }
}

/// One thread's visitor; hands its results over when the walk drops it.
struct Visitor<'a, V: Visit> {
    root: &'a Path,
    done: &'a Mutex<Vec<V>>,
    mine: V,
}

impl<V: Visit> Drop for Visitor<'_, V> {
    fn drop(&mut self) {
        let mine = std::mem::take(&mut self.mine);
        match self.done.lock() {
            Ok(mut d) => d.push(mine),
            Err(poisoned) => poisoned.into_inner().push(mine),
        }
    }
}

impl<V: Visit> ParallelVisitor for Visitor<'_, V> {
    fn visit(&mut self, entry: Result<DirEntry, ignore::Error>) -> WalkState {
        match entry {
            Ok(e) => self.entry(&e),
            Err(err) => self.problem(&err),
        }
        WalkState::Continue
    }
}

impl<V: Visit> Visitor<'_, V> {
    fn rel(&self, path: &Path) -> String {
        let rel = path.strip_prefix(self.root).unwrap_or(path);
        let s = rel.to_string_lossy();
        if std::path::MAIN_SEPARATOR == '/' {
            s.into_owned()
        } else {
            s.replace(std::path::MAIN_SEPARATOR, "/")
        }
    }

    fn entry(&mut self, e: &DirEntry) {
        if e.depth() == 0 || !e.file_name().as_encoded_bytes().ends_with(b".ron") {
            return;
        }
        let rel = self.rel(e.path());
        let Some(ft) = e.file_type() else { return };
        if !ft.is_file() {
            // A directory called `x.ron` is still walked into; it is
            // reported as not a file.
            self.mine.visit(&rel, Found::NotAFile(ft));
            return;
        }
        match e.metadata() {
            Ok(m) => {
                let mtime = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                self.mine.visit(
                    &rel,
                    Found::File {
                        size: m.len(),
                        mtime,
                    },
                );
            }
            Err(err) => {
                let (_, inner) = unwrap_error(&err);
                let problem = match inner.io_error() {
                    Some(io) if io.kind() == std::io::ErrorKind::NotFound => Problem::BrokenLink,
                    _ => Problem::Unreadable(inner.to_string()),
                };
                self.mine.visit(&rel, Found::Problem(problem));
            }
        }
    }

    fn problem(&mut self, err: &ignore::Error) {
        let (path, inner) = unwrap_error(err);
        let rel = path.map_or_else(|| ".".to_owned(), |p| self.rel(p));
        let problem = match inner {
            ignore::Error::Loop { ancestor, .. } => Problem::Loop {
                ancestor: ancestor
                    .strip_prefix(self.root)
                    .unwrap_or(ancestor)
                    .to_path_buf(),
            },
            // A stale link that is not an entity file (`README.md`, say)
            // is none of our business.
            ignore::Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
                if !rel.ends_with(".ron") {
                    return;
                }
                Problem::BrokenLink
            }
            ignore::Error::Io(io) if io.raw_os_error() == ELOOP => Problem::SelfLink,
            ignore::Error::Io(io) => Problem::Unreadable(io.to_string()),
            other => Problem::Unreadable(other.to_string()),
        };
        self.mine.visit(&rel, Found::Problem(problem));
    }
}

/// The path an error is about, and the error under its wrappers.
fn unwrap_error(err: &ignore::Error) -> (Option<&Path>, &ignore::Error) {
    match err {
        ignore::Error::WithPath { path, err } => (Some(path), unwrap_error(err).1),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            unwrap_error(err)
        }
        ignore::Error::Partial(errs) => match errs.first() {
            Some(e) => unwrap_error(e),
            None => (None, err),
        },
        ignore::Error::Loop { child, .. } => (Some(child), err),
        other => (None, other),
    }
}

/// The OS error number for "too many levels of symbolic links".
#[cfg(target_os = "linux")]
const ELOOP: Option<i32> = Some(40);
#[cfg(any(
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd"
))]
const ELOOP: Option<i32> = Some(62);
#[cfg(not(any(
    target_os = "linux",
    target_os = "macos",
    target_os = "ios",
    target_os = "freebsd",
    target_os = "openbsd",
    target_os = "netbsd"
)))]
const ELOOP: Option<i32> = None;

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn two_loops_end_and_are_reported() {
        let t = tempfile::tempdir().unwrap();
        let k = t.path();
        std::fs::create_dir_all(k.join("a")).unwrap();
        std::fs::create_dir_all(k.join("b")).unwrap();
        std::fs::write(k.join("a/x.ron"), "x").unwrap();
        std::os::unix::fs::symlink("..", k.join("a/up")).unwrap();
        std::os::unix::fs::symlink("..", k.join("b/up")).unwrap();
        let all = list(k).unwrap();
        let files: Vec<&str> = all
            .iter()
            .filter(|(_, f)| matches!(f, Found::File { .. }))
            .map(|(r, _)| r.as_str())
            .collect();
        assert_eq!(files, ["a/x.ron"]);
        let loops = all
            .iter()
            .filter(|(_, f)| matches!(f, Found::Problem(Problem::Loop { .. })))
            .count();
        assert_eq!(loops, 2, "{all:?}");
    }
}
