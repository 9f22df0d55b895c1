//! The one walk of `knowledge/`, shared by loading (which files to read)
//! and by the index's freshness check (what the files look like now), so
//! that the two can never disagree about which files make the knowledge base.
//!
//! It follows symbolic links, skips names that start with `.`, and stops
//! at a link that leads back to one of its own ancestors (a loop would
//! otherwise make the walk exponential). It is our own rather than a
//! crate's: `ignore`'s parallel walker, tried first, stats every file by
//! its full path and cost about 60 ms at 100,000 files, which missed the
//! search speed target (docs/performance.md); `walkdir` is one thread. Entries it cannot follow are
//! reported, never dropped: each becomes a [`Problem`] that `check` turns
//! into a diagnostic and the fingerprint counts by name.

use std::fs::FileType;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::UNIX_EPOCH;

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
///
/// Directories are shared out to the threads from one queue. Each
/// directory is read once; a `.ron` file is `stat`ed through its directory
/// entry (relative to the open directory, no path to resolve), and only
/// links need a `stat` of their target. A link to a directory that is one
/// of its own ancestors (same device and inode) is a loop: reported, not
/// entered.
pub fn walk<V: Visit>(dir: &Path) -> crate::Result<V> {
    let root_meta = match std::fs::metadata(dir) {
        Ok(m) if m.is_dir() => m,
        _ => return Err(crate::Error::NoKnowledge(dir.to_path_buf())),
    };
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let queue = Mutex::new(vec![Task {
        path: dir.to_path_buf(),
        rel: String::new(),
        ancestors: Arc::new(Ancestor {
            id: file_id(&root_meta),
            rel: String::new(),
            parent: None,
        }),
        depth: 0,
    }]);
    let pending = AtomicUsize::new(1);
    let parts: Vec<V> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| scope.spawn(|| worker::<V>(&queue, &pending)))
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join().unwrap_or_else(|_| {
                    let mut v = V::default();
                    v.visit(
                        ".",
                        Found::Problem(Problem::Unreadable("the walk stopped".into())),
                    );
                    v
                })
            })
            .collect()
    });
    let mut all = V::default();
    for p in parts {
        all.merge(p);
    }
    Ok(all)
}

/// Device and inode of a directory, where the platform has them.
type FileId = Option<(u64, u64)>;

#[cfg(unix)]
fn file_id(m: &std::fs::Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_: &std::fs::Metadata) -> FileId {
    None
}

/// The chain of directories above a task, for loop detection.
struct Ancestor {
    id: FileId,
    rel: String,
    parent: Option<Arc<Ancestor>>,
}

/// A directory waiting to be read.
struct Task {
    path: PathBuf,
    /// Relative to the walked directory, empty at the top.
    rel: String,
    /// This directory and those above it.
    ancestors: Arc<Ancestor>,
    depth: usize,
}

/// Deeper than this, a tree is not a knowledge base (and a platform
/// without inodes still ends).
const MAX_DEPTH: usize = 256;

fn worker<V: Visit>(queue: &Mutex<Vec<Task>>, pending: &AtomicUsize) -> V {
    let mut out = V::default();
    loop {
        let next = match queue.lock() {
            Ok(mut q) => q.pop(),
            Err(poisoned) => poisoned.into_inner().pop(),
        };
        let Some(task) = next else {
            if pending.load(Ordering::Acquire) == 0 {
                return out;
            }
            std::thread::sleep(std::time::Duration::from_micros(50));
            continue;
        };
        read_dir(&task, queue, pending, &mut out);
        pending.fetch_sub(1, Ordering::AcqRel);
    }
}

fn join(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        name.to_owned()
    } else {
        format!("{rel}/{name}")
    }
}

/// Reads one directory: visits its `.ron` files and problems, and queues
/// its directories.
fn read_dir<V: Visit>(task: &Task, queue: &Mutex<Vec<Task>>, pending: &AtomicUsize, out: &mut V) {
    let rd = match std::fs::read_dir(&task.path) {
        Ok(rd) => rd,
        Err(e) => {
            let rel = if task.rel.is_empty() { "." } else { &task.rel };
            out.visit(rel, Found::Problem(Problem::Unreadable(e.to_string())));
            return;
        }
    };
    for entry in rd {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let Ok(ft) = entry.file_type() else { continue };
        let is_ron = name.ends_with(".ron");
        // The type comes with the listing; only links need a `stat` of
        // what they point at.
        let (is_dir, link_meta) = if ft.is_symlink() {
            match std::fs::metadata(entry.path()) {
                Ok(m) => (m.is_dir(), Some(Ok(m))),
                Err(e) => (false, Some(Err(e))),
            }
        } else {
            (ft.is_dir(), None)
        };
        if is_dir {
            let rel = join(&task.rel, &name);
            if is_ron {
                out.visit(&rel, Found::NotAFile(ft));
            }
            let id = match &link_meta {
                Some(Ok(m)) => file_id(m),
                _ => dir_id(&entry, &task.ancestors),
            };
            if ft.is_symlink() {
                let mut up = Some(&task.ancestors);
                let mut looped = None;
                while let Some(a) = up {
                    if id.is_some() && a.id == id {
                        looped = Some(a.rel.clone());
                        break;
                    }
                    up = a.parent.as_ref();
                }
                if let Some(ancestor) = looped {
                    out.visit(
                        &rel,
                        Found::Problem(Problem::Loop {
                            ancestor: PathBuf::from(ancestor),
                        }),
                    );
                    continue;
                }
            }
            if task.depth + 1 > MAX_DEPTH {
                out.visit(
                    &rel,
                    Found::Problem(Problem::Unreadable(format!(
                        "directories nested more than {MAX_DEPTH} deep; not walked further"
                    ))),
                );
                continue;
            }
            pending.fetch_add(1, Ordering::AcqRel);
            let next = Task {
                path: entry.path(),
                ancestors: Arc::new(Ancestor {
                    id,
                    rel: rel.clone(),
                    parent: Some(Arc::clone(&task.ancestors)),
                }),
                rel,
                depth: task.depth + 1,
            };
            match queue.lock() {
                Ok(mut q) => q.push(next),
                Err(poisoned) => poisoned.into_inner().push(next),
            }
            continue;
        }
        let meta = match link_meta {
            Some(m) => m,
            None if !is_ron => continue,
            None => entry.metadata(),
        };
        match meta {
            // A link to a file that is not an entity file.
            Ok(_) if !is_ron => {}
            Ok(m) if m.is_file() => {
                let mtime = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                out.visit(
                    &join(&task.rel, &name),
                    Found::File {
                        size: m.len(),
                        mtime,
                    },
                );
            }
            Ok(m) => out.visit(&join(&task.rel, &name), Found::NotAFile(m.file_type())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // A stale link that is not an entity file (`README.md`,
                // say) is none of our business.
                if is_ron {
                    out.visit(&join(&task.rel, &name), Found::Problem(Problem::BrokenLink));
                }
            }
            Err(e) if e.raw_os_error() == ELOOP => {
                out.visit(&join(&task.rel, &name), Found::Problem(Problem::SelfLink));
            }
            Err(e) if is_ron => out.visit(
                &join(&task.rel, &name),
                Found::Problem(Problem::Unreadable(e.to_string())),
            ),
            Err(_) => {}
        }
    }
}

/// The id of a real (not linked) directory: its inode from the listing,
/// on its parent's device (a mount point inside the tree is the rare case
/// this misreads; the depth cap still ends that walk).
#[cfg(unix)]
fn dir_id(entry: &std::fs::DirEntry, parent: &Ancestor) -> FileId {
    use std::os::unix::fs::DirEntryExt;
    parent.id.map(|(dev, _)| (dev, entry.ino()))
}

#[cfg(not(unix))]
fn dir_id(_: &std::fs::DirEntry, _: &Ancestor) -> FileId {
    None
}

/// Every `.ron` entry and problem under `dir`, sorted by path.
pub fn list(dir: &Path) -> crate::Result<Vec<(String, Found)>> {
    let mut all: Vec<(String, Found)> = walk(dir)?;
    all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(all)
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
