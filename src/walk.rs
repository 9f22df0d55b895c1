//! The one walker of directory trees: `knowledge/`, shared by loading
//! (which files to read) and by the index's freshness check (what the
//! files look like now), so that the two can never disagree about which
//! files make the knowledge base; and the input trees of the bill
//! importers. The caller says which file names it wants (`*.ron` for the
//! knowledge base, `*.json` for bill inputs).
//!
//! It follows symbolic links, skips names that start with `.`, and reads
//! each directory once, by device and inode, however many ways lead to it.
//! A link back to one of its own ancestors is reported as a loop; any other
//! second way into a directory (two links to it, or a link to a directory
//! that is also reached by its own path) is reported as walked twice. So a
//! tree of links, even a DAG of them with no loop, costs one read per
//! directory (each of 22 levels holding two links to the next once made
//! the walk exponential).
//!
//! Which way in counts as the first never depends on which thread got
//! there first, or the walk's output (the files loaded, the fingerprint,
//! the diagnostics) could flap from run to run. The walk goes level by
//! level: the directories of one level are read in parallel; the
//! directories they hold are then claimed by one thread in a fixed order,
//! real directories before links, then by path, and one already claimed is
//! reported rather than read. The first way in is therefore the shallowest,
//! then a real directory before a link, then the smallest path.
//!
//! It is our own rather than a crate's: `ignore`'s parallel walker, tried
//! first, stats every file by its full path and cost about 60 ms at 100,000
//! files, which missed the search speed target (docs/performance.md);
//! `walkdir` is one thread. Entries it cannot follow are reported, never
//! dropped: each becomes a [`Problem`] that `check` turns into a diagnostic,
//! the fingerprint counts by name and the importers name in their report.

use std::collections::hash_map::{Entry, HashMap};
use std::fs::{FileType, Metadata};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
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
    /// A directory already walked by another way in, at `first` (relative
    /// to the walked directory): its entries are visited there only.
    WalkedTwice {
        /// Where the directory was walked.
        first: PathBuf,
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
    /// A regular file of a wanted name (through a link, the file it leads
    /// to). Times are nanoseconds since the epoch, 0 when unknown.
    File {
        /// Size in bytes.
        size: u64,
        /// Modification time.
        mtime: u128,
        /// Status change time (`ctime`); 0 where the platform has none.
        ctime: u128,
        /// Inode number; 0 where the platform has none.
        ino: u64,
    },
    /// Something of a wanted name that is not a regular file: a directory,
    /// a FIFO, a socket, a device.
    NotAFile(FileType),
    /// An entry the walk could not follow.
    Problem(Problem),
}

/// What a walk visitor receives: the path relative to the walked
/// directory, with `/` separators, and what is there.
pub trait Visit: Default + Send {
    /// One entry. Only wanted names and problems are visited.
    fn visit(&mut self, rel: &str, found: Found);
    /// Folds another thread's results in.
    fn merge(&mut self, other: Self);
}

/// Every wanted entry and problem, as a list (unsorted).
impl Visit for Vec<(String, Found)> {
    fn visit(&mut self, rel: &str, found: Found) {
        self.push((rel.to_owned(), found));
    }
    fn merge(&mut self, other: Self) {
        self.extend(other);
    }
}

/// The entity files of a knowledge base: `*.ron`.
pub fn is_entity_file(name: &str) -> bool {
    name.ends_with(".ron")
}

/// The names the knowledge walk wants: entity files, and the texts kept
/// beside them (`<id>.txt` beside `<id>.ron`, see docs/knowledge-format.md),
/// so that the freshness check sees a hand-edited text too. Loading reads
/// only the entity files ([`is_entity_file`]); a text is read with its
/// entity.
pub fn is_knowledge_file(name: &str) -> bool {
    is_entity_file(name) || name.ends_with(".txt")
}

/// Whether a walk entry is a text beside an entity (or something named
/// like one that is not a readable file), which loading leaves to the
/// entity it belongs to. Problems that any name can have (a loop, a
/// directory walked twice) are the entity walk's as before.
pub fn is_text_entry(rel: &str, found: &Found) -> bool {
    rel.ends_with(".txt")
        && matches!(
            found,
            Found::File { .. } | Found::NotAFile(_) | Found::Problem(Problem::BrokenLink)
        )
}

/// Walks the knowledge directory `dir` (see [`walk_matching`]) for
/// entity files and their texts ([`is_knowledge_file`]).
pub fn walk<V: Visit>(dir: &Path) -> crate::Result<V> {
    walk_matching(dir, &is_knowledge_file).map_err(|_| crate::Error::NoKnowledge(dir.to_path_buf()))
}

/// Walks `dir` on a few threads, giving each entry whose name `wants`
/// accepts and each problem to a visitor of type `V`; the visitors of all
/// threads are merged. An error when `dir` is not a directory.
///
/// The walk goes level by level (see the module's header). Within a level,
/// directories are shared out to the threads from one queue. Each
/// directory is read once; a wanted file is `stat`ed through its directory
/// entry (relative to the open directory, no path to resolve), and only
/// links need a `stat` of their target; a directory is `stat`ed the same
/// way, for its device and inode. A directory that is one of its own
/// ancestors (same device and inode) is a loop: reported, not entered.
pub fn walk_matching<V, W>(dir: &Path, wants: &W) -> std::io::Result<V>
where
    V: Visit,
    W: Fn(&str) -> bool + Sync,
{
    let root_meta = std::fs::metadata(dir)?;
    if !root_meta.is_dir() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::NotADirectory,
            format!("{} is not a directory", dir.display()),
        ));
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let root_id = file_id(&root_meta);
    let shared = Shared {
        queue: Mutex::new(vec![Task {
            path: dir.to_path_buf(),
            rel: String::new(),
            ancestors: Arc::new(Ancestor {
                id: root_id,
                rel: String::new(),
                parent: None,
            }),
        }]),
        pending: AtomicUsize::new(1),
        found: Mutex::new(Vec::new()),
        visited: Mutex::new(root_id.map(|id| (id, String::new())).into_iter().collect()),
        depth: AtomicUsize::new(0),
        done: AtomicBool::new(false),
        wants,
    };
    let parts: Vec<V> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| scope.spawn(|| worker::<V, W>(&shared)))
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
fn file_id(m: &Metadata) -> FileId {
    use std::os::unix::fs::MetadataExt;
    Some((m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(_: &Metadata) -> FileId {
    None
}

/// A file's change time in nanoseconds since the epoch, and its inode.
#[cfg(unix)]
fn change_of(m: &Metadata) -> (u128, u64) {
    use std::os::unix::fs::MetadataExt;
    let ns = i128::from(m.ctime()) * 1_000_000_000 + i128::from(m.ctime_nsec());
    (u128::try_from(ns).unwrap_or(0), m.ino())
}

#[cfg(not(unix))]
fn change_of(_: &Metadata) -> (u128, u64) {
    (0, 0)
}

/// What the walk reports of a regular file.
fn file_of(m: &Metadata) -> Found {
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    let (ctime, ino) = change_of(m);
    Found::File {
        size: m.len(),
        mtime,
        ctime,
        ino,
    }
}

/// What the walk would report of the one path `path` (following links):
/// `None` when nothing is there.
pub fn stat(path: &Path) -> Option<Found> {
    match std::fs::metadata(path) {
        Ok(m) if m.is_file() => Some(file_of(&m)),
        Ok(m) => Some(Found::NotAFile(m.file_type())),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => Some(Found::Problem(Problem::Unreadable(e.to_string()))),
    }
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
}

/// A directory found in one level, waiting to be claimed for the next.
struct Candidate {
    path: PathBuf,
    rel: String,
    id: FileId,
    /// Reached through a symbolic link.
    link: bool,
    /// The directory it was found in, and those above.
    parent: Arc<Ancestor>,
}

/// What the walking threads share.
struct Shared<'w, W> {
    /// The directories of the current level not yet taken.
    queue: Mutex<Vec<Task>>,
    /// The directories of the current level not yet read.
    pending: AtomicUsize,
    /// The directories found in the current level.
    found: Mutex<Vec<Candidate>>,
    /// Every directory claimed so far, and where.
    visited: Mutex<HashMap<(u64, u64), String>>,
    /// The current level (0: the walked directory).
    depth: AtomicUsize,
    /// No level is left, or a thread stopped.
    done: AtomicBool,
    wants: &'w W,
}

/// Deeper than this, a tree is not a knowledge base (and a platform
/// without inodes still ends).
const MAX_DEPTH: usize = 256;

/// A lock, whether or not another thread panicked holding it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Ends the walk when its thread unwinds, so that the others do not wait
/// for a level that will never finish.
struct StopOnPanic<'a>(&'a AtomicBool);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.store(true, Ordering::Release);
        }
    }
}

fn worker<V: Visit, W: Fn(&str) -> bool + Sync>(s: &Shared<'_, W>) -> V {
    let _stop = StopOnPanic(&s.done);
    let mut out = V::default();
    loop {
        let next = lock(&s.queue).pop();
        let Some(task) = next else {
            if s.done.load(Ordering::Acquire) {
                return out;
            }
            std::thread::sleep(std::time::Duration::from_micros(50));
            continue;
        };
        read_dir(&task, s, &mut out);
        if s.pending.fetch_sub(1, Ordering::AcqRel) == 1 {
            // The last directory of this level: no other thread touches
            // `found` until the next level is queued.
            next_level(s, &mut out);
        }
    }
}

/// Claims the directories found in the level just read, in a fixed order,
/// and queues them as the next level; reports those too deep or already
/// walked. Ends the walk when there are none.
fn next_level<V: Visit, W>(s: &Shared<'_, W>, out: &mut V) {
    let mut found = std::mem::take(&mut *lock(&s.found));
    let depth = s.depth.fetch_add(1, Ordering::AcqRel) + 1;
    found.sort_unstable_by(|a, b| a.link.cmp(&b.link).then_with(|| a.rel.cmp(&b.rel)));
    let mut visited = lock(&s.visited);
    let mut tasks = Vec::with_capacity(found.len());
    for c in found {
        if depth > MAX_DEPTH {
            out.visit(
                &c.rel,
                Found::Problem(Problem::Unreadable(format!(
                    "directories nested more than {MAX_DEPTH} deep; not walked further"
                ))),
            );
            continue;
        }
        if let Some(id) = c.id {
            match visited.entry(id) {
                Entry::Occupied(first) => {
                    out.visit(
                        &c.rel,
                        Found::Problem(Problem::WalkedTwice {
                            first: PathBuf::from(first.get()),
                        }),
                    );
                    continue;
                }
                Entry::Vacant(v) => {
                    v.insert(c.rel.clone());
                }
            }
        }
        tasks.push(Task {
            path: c.path,
            ancestors: Arc::new(Ancestor {
                id: c.id,
                rel: c.rel.clone(),
                parent: Some(c.parent),
            }),
            rel: c.rel,
        });
    }
    drop(visited);
    if tasks.is_empty() {
        s.done.store(true, Ordering::Release);
        return;
    }
    s.pending.store(tasks.len(), Ordering::Release);
    lock(&s.queue).extend(tasks);
}

fn join(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        name.to_owned()
    } else {
        format!("{rel}/{name}")
    }
}

/// Reads one directory: visits its wanted files and its problems, and
/// hands its directories on to be claimed for the next level.
fn read_dir<V: Visit, W: Fn(&str) -> bool>(task: &Task, s: &Shared<'_, W>, out: &mut V) {
    let here = if task.rel.is_empty() { "." } else { &task.rel };
    let rd = match std::fs::read_dir(&task.path) {
        Ok(rd) => rd,
        Err(e) => {
            out.visit(here, Found::Problem(Problem::Unreadable(e.to_string())));
            return;
        }
    };
    let mut dirs = Vec::new();
    for entry in rd {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                out.visit(here, Found::Problem(Problem::Unreadable(e.to_string())));
                break;
            }
        };
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        let ft = match entry.file_type() {
            Ok(ft) => ft,
            Err(e) => {
                out.visit(
                    &join(&task.rel, &name),
                    Found::Problem(Problem::Unreadable(e.to_string())),
                );
                continue;
            }
        };
        let wanted = (s.wants)(&name);
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
            let meta = match link_meta {
                Some(Ok(m)) => Some(m),
                _ => entry.metadata().ok(),
            };
            if wanted {
                let ft = meta.as_ref().map_or(ft, Metadata::file_type);
                out.visit(&rel, Found::NotAFile(ft));
            }
            let id = meta.as_ref().and_then(file_id);
            if let Some(ancestor) = loop_to(&task.ancestors, id) {
                out.visit(
                    &rel,
                    Found::Problem(Problem::Loop {
                        ancestor: PathBuf::from(ancestor),
                    }),
                );
                continue;
            }
            dirs.push(Candidate {
                path: entry.path(),
                rel,
                id,
                link: ft.is_symlink(),
                parent: Arc::clone(&task.ancestors),
            });
            continue;
        }
        let meta = match link_meta {
            Some(m) => m,
            None if !wanted => continue,
            None => entry.metadata(),
        };
        match meta {
            // A link to a file of a name not wanted.
            Ok(_) if !wanted => {}
            Ok(m) if m.is_file() => out.visit(&join(&task.rel, &name), file_of(&m)),
            Ok(m) => out.visit(&join(&task.rel, &name), Found::NotAFile(m.file_type())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                // A stale link of a name not wanted (`README.md`, say) is
                // none of our business.
                if wanted {
                    out.visit(&join(&task.rel, &name), Found::Problem(Problem::BrokenLink));
                }
            }
            Err(e) if e.raw_os_error() == ELOOP => {
                out.visit(&join(&task.rel, &name), Found::Problem(Problem::SelfLink));
            }
            Err(e) if wanted => out.visit(
                &join(&task.rel, &name),
                Found::Problem(Problem::Unreadable(e.to_string())),
            ),
            Err(_) => {}
        }
    }
    if !dirs.is_empty() {
        lock(&s.found).extend(dirs);
    }
}

/// The path of the ancestor that a directory of id `id` is, if any.
fn loop_to(ancestors: &Arc<Ancestor>, id: FileId) -> Option<String> {
    id?;
    let mut up = Some(ancestors);
    while let Some(a) = up {
        if a.id == id {
            return Some(a.rel.clone());
        }
        up = a.parent.as_ref();
    }
    None
}

/// Every entity file, text and problem under `dir`, sorted by path.
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

    /// The files and problems of a walk, as `(path, what)` strings.
    fn summary(all: &[(String, Found)]) -> Vec<String> {
        all.iter()
            .map(|(rel, found)| match found {
                Found::File { .. } => format!("{rel} file"),
                Found::NotAFile(_) => format!("{rel} not-a-file"),
                Found::Problem(Problem::WalkedTwice { first }) => {
                    format!("{rel} twice {}", first.display())
                }
                Found::Problem(p) => format!("{rel} {p:?}"),
            })
            .collect()
    }

    /// Counts the directories a walk reads, through the visits of a
    /// marker file that each directory of the tree holds.
    #[derive(Default)]
    struct Count(usize, Vec<String>);

    impl Visit for Count {
        fn visit(&mut self, rel: &str, found: Found) {
            match found {
                Found::File { .. } if rel.ends_with("mark.ron") => self.0 += 1,
                _ => self.1.push(rel.to_owned()),
            }
        }
        fn merge(&mut self, other: Self) {
            self.0 += other.0;
            self.1.extend(other.1);
        }
    }

    /// A DAG of links 30 deep (each directory holding two links to the
    /// next), which took 2^30 reads before: each directory is read once,
    /// and every second link is reported, the same on every run.
    #[cfg(unix)]
    #[test]
    fn a_link_dag_is_read_once_per_directory() {
        const DEPTH: usize = 30;
        let t = tempfile::tempdir().unwrap();
        let d = |i: usize| t.path().join(format!("d{i:02}"));
        for i in 0..=DEPTH {
            std::fs::create_dir(d(i)).unwrap();
            std::fs::write(d(i).join("mark.ron"), "").unwrap();
        }
        for i in 0..DEPTH {
            for link in ["a", "b"] {
                std::os::unix::fs::symlink(format!("../d{:02}", i + 1), d(i).join(link)).unwrap();
            }
        }
        let started = std::time::Instant::now();
        let counted: Count = walk(&d(0)).unwrap();
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        assert_eq!(counted.0, DEPTH + 1, "one read per directory");
        assert_eq!(counted.1.len(), DEPTH, "{:?}", counted.1);
        let first = summary(&list(&d(0)).unwrap());
        let deepest = format!("{}mark.ron file", "a/".repeat(DEPTH));
        assert!(first.contains(&deepest), "{first:?}");
        assert!(first.contains(&"a/a/b twice a/a/a".to_owned()), "{first:?}");
        for _ in 0..20 {
            assert_eq!(summary(&list(&d(0)).unwrap()), first);
        }
    }

    /// Which way into a shared directory counts as the first is fixed:
    /// the shallowest, then a real directory before a link, then the
    /// smallest path; never the thread that got there first.
    #[cfg(unix)]
    #[test]
    fn the_first_way_in_is_chosen_the_same_way_every_time() {
        let t = tempfile::tempdir().unwrap();
        let k = t.path().join("k");
        let outside = t.path().join("outside");
        for dir in ["real/inner", "x/y", "deep/er/est"] {
            std::fs::create_dir_all(k.join(dir)).unwrap();
        }
        std::fs::create_dir_all(outside.join("sub")).unwrap();
        std::fs::write(outside.join("sub/o.ron"), "").unwrap();
        std::fs::write(k.join("real/inner/i.ron"), "").unwrap();
        std::fs::write(k.join("deep/er/est/e.ron"), "").unwrap();
        // A link sorting before the real directory it leads to.
        std::os::unix::fs::symlink("real", k.join("a-link")).unwrap();
        // Two links to one directory outside, at two depths.
        std::os::unix::fs::symlink(&outside, k.join("x/y/out")).unwrap();
        std::os::unix::fs::symlink(&outside, k.join("z-out")).unwrap();
        // A shallow link to a deep directory.
        std::os::unix::fs::symlink("deep/er/est", k.join("shortcut")).unwrap();
        let first = summary(&list(&k).unwrap());
        assert_eq!(
            first,
            [
                "a-link twice real",
                "deep/er/est twice shortcut",
                "real/inner/i.ron file",
                "shortcut/e.ron file",
                "x/y/out twice z-out",
                "z-out/sub/o.ron file",
            ],
        );
        for _ in 0..50 {
            assert_eq!(summary(&list(&k).unwrap()), first);
        }
    }

    /// The importers' walk: the names asked for, through file and
    /// directory links, and a link to nothing of such a name reported.
    #[cfg(unix)]
    #[test]
    fn other_names_through_links() {
        let t = tempfile::tempdir().unwrap();
        let k = t.path().join("in");
        let elsewhere = t.path().join("elsewhere");
        std::fs::create_dir_all(&k).unwrap();
        std::fs::create_dir_all(elsewhere.join("d")).unwrap();
        std::fs::write(elsewhere.join("bill.json"), "{}").unwrap();
        std::fs::write(elsewhere.join("d/two.JSON"), "{}").unwrap();
        std::fs::write(k.join("x.ron"), "").unwrap();
        std::os::unix::fs::symlink(elsewhere.join("bill.json"), k.join("linked.json")).unwrap();
        std::os::unix::fs::symlink(elsewhere.join("d"), k.join("dir")).unwrap();
        std::os::unix::fs::symlink("nowhere.json", k.join("gone.json")).unwrap();
        let json = |n: &str| {
            Path::new(n)
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("json"))
        };
        let mut all: Vec<(String, Found)> = walk_matching(&k, &json).unwrap();
        all.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            summary(&all),
            [
                "dir/two.JSON file",
                "gone.json BrokenLink",
                "linked.json file"
            ]
        );
    }
}
