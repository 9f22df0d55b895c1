use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use super::*;
use crate::{Error, Result};

/// One file as the metadata walk sees it: relative path, size and
/// modification time in nanoseconds.
pub type FileMeta = (String, u64, u128);

/// The metadata walk: every `.ron` file under `knowledge`, sorted by path.
/// Used when the index has to change; [`fingerprint`] answers the common
/// question (is the index fresh?) without building this list.
pub fn scan(knowledge: &Path) -> Result<Vec<FileMeta>> {
    let mut entries: Vec<FileMeta> = walk_meta(knowledge)?;
    entries.sort_unstable();
    Ok(entries)
}

/// The fingerprint of a scan: every `.ron` file's relative path, size and
/// modification time, hashed one file at a time and summed, so that the
/// order of the walk does not matter, plus the count and the format version.
pub fn fingerprint_of(entries: &[FileMeta]) -> String {
    let mut d = Digest::default();
    for (p, size, mtime) in entries {
        d.file(Fnv::new(), p, *size, *mtime);
    }
    d.fingerprint()
}

/// The fingerprint of `knowledge/` as it is now, equal to
/// `fingerprint_of(&scan(knowledge)?)`, from the same walk but without
/// collecting, allocating or sorting a path per file. This is the one O(n)
/// step of a fresh query.
pub fn fingerprint(knowledge: &Path) -> Result<String> {
    Ok(walk_meta::<Digest>(knowledge)?.fingerprint())
}

/// What the walk does with each file it finds, one per walker thread.
pub(super) trait Visit: Default + Send {
    /// A file named `name` in a directory whose relative path (with a
    /// trailing `/`, or empty at the top) hashes to `dir`.
    fn visit(&mut self, dir: &DirTask, name: &str, size: u64, mtime: u128);
    /// Folds another walker's results in.
    fn merge(&mut self, other: Self);
}

/// A directory waiting to be read.
pub(super) struct DirTask {
    path: PathBuf,
    /// Relative to `knowledge/`, empty at the top.
    rel: String,
    /// The hash of `rel` followed by `/` (nothing at the top).
    hash: Fnv,
    depth: usize,
}

impl Visit for Vec<FileMeta> {
    fn visit(&mut self, dir: &DirTask, name: &str, size: u64, mtime: u128) {
        let rel = if dir.rel.is_empty() {
            name.to_owned()
        } else {
            format!("{}/{name}", dir.rel)
        };
        self.push((rel, size, mtime));
    }
    fn merge(&mut self, other: Self) {
        self.extend(other);
    }
}

/// An order-independent digest of a set of files.
#[derive(Default)]
pub(super) struct Digest {
    sum: u64,
    count: usize,
}

impl Digest {
    /// Adds a file whose path, after the part already hashed into `h`, is `rest`.
    fn file(&mut self, mut h: Fnv, rest: &str, size: u64, mtime: u128) {
        h.write(rest.as_bytes());
        h.write(&[0]);
        h.write(&size.to_le_bytes());
        h.write(&mtime.to_le_bytes());
        self.sum = self.sum.wrapping_add(mix(h.0));
        self.count += 1;
    }

    fn fingerprint(&self) -> String {
        format!("v{FORMAT_VERSION}-{}-{:016x}", self.count, self.sum)
    }
}

impl Visit for Digest {
    fn visit(&mut self, dir: &DirTask, name: &str, size: u64, mtime: u128) {
        self.file(dir.hash, name, size, mtime);
    }
    fn merge(&mut self, other: Self) {
        self.sum = self.sum.wrapping_add(other.sum);
        self.count += other.count;
    }
}

/// The SplitMix64 finalizer: spreads FNV's output over all 64 bits before
/// the hashes are summed.
pub(super) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

pub(super) fn walk_meta<V: Visit>(base: &Path) -> Result<V> {
    // Directories are shared out to a few threads: the walk is all system
    // calls, and on a cold or large tree two cores finish it sooner.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let queue = std::sync::Mutex::new(vec![DirTask {
        path: base.to_path_buf(),
        rel: String::new(),
        hash: Fnv::new(),
        depth: 0,
    }]);
    let pending = std::sync::atomic::AtomicUsize::new(1);
    let results: Vec<Result<V>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| scope.spawn(|| walk_worker::<V>(&queue, &pending)))
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err(Error::Index("the metadata walk failed".into())))
            })
            .collect()
    });
    let mut all = V::default();
    for r in results {
        all.merge(r?);
    }
    Ok(all)
}

/// One walker: takes directories off the shared queue until every
/// directory has been read.
pub(super) fn walk_worker<V: Visit>(
    queue: &std::sync::Mutex<Vec<DirTask>>,
    pending: &std::sync::atomic::AtomicUsize,
) -> Result<V> {
    use std::sync::atomic::Ordering;
    let mut out = V::default();
    loop {
        let next = queue.lock().map_or(None, |mut q| q.pop());
        let Some(dir) = next else {
            if pending.load(Ordering::Acquire) == 0 {
                return Ok(out);
            }
            std::thread::sleep(std::time::Duration::from_micros(50));
            continue;
        };
        let result = read_one_dir(&dir, queue, pending, &mut out);
        pending.fetch_sub(1, Ordering::AcqRel);
        if let Err(e) = result {
            // Let the other walkers finish; report the first problem.
            pending.store(0, Ordering::Release);
            return Err(e);
        }
    }
}

/// Reads one directory: visits its `.ron` files and queues its directories.
pub(super) fn read_one_dir<V: Visit>(
    dir: &DirTask,
    queue: &std::sync::Mutex<Vec<DirTask>>,
    pending: &std::sync::atomic::AtomicUsize,
    out: &mut V,
) -> Result<()> {
    use std::sync::atomic::Ordering;
    if dir.depth > 64 {
        return Ok(());
    }
    let rd = std::fs::read_dir(&dir.path).map_err(|e| Error::io(&dir.path, e))?;
    for entry in rd {
        let entry = entry.map_err(|e| Error::io(&dir.path, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        // The entry's type comes with the listing; only links need a
        // `stat` to learn what they point at, as loading follows them.
        let Ok(ft) = entry.file_type() else { continue };
        let meta = if ft.is_symlink() {
            std::fs::metadata(entry.path())
        } else if ft.is_dir() {
            Err(std::io::Error::other("dir"))
        } else if name.ends_with(".ron") {
            entry.metadata()
        } else {
            continue;
        };
        let is_dir = ft.is_dir() || meta.as_ref().is_ok_and(|m| m.is_dir());
        if is_dir {
            if name.ends_with(".ron") {
                out.visit(dir, &name, 0, 1);
            }
            // Paths relative to the knowledge directory are built as we
            // go down rather than stripped from every absolute path.
            let rel = if dir.rel.is_empty() {
                name.to_string()
            } else {
                format!("{}/{name}", dir.rel)
            };
            let mut hash = dir.hash;
            hash.write(name.as_bytes());
            hash.write(b"/");
            pending.fetch_add(1, Ordering::AcqRel);
            if let Ok(mut q) = queue.lock() {
                q.push(DirTask {
                    path: entry.path(),
                    rel,
                    hash,
                    depth: dir.depth + 1,
                });
            }
            continue;
        }
        if !name.ends_with(".ron") {
            continue;
        }
        match meta {
            Ok(m) => {
                let mtime = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                out.visit(dir, &name, m.len(), mtime);
            }
            // A dangling link or an unreadable entry: its name still counts.
            Err(_) => out.visit(dir, &name, 0, 0),
        }
    }
    Ok(())
}

/// FNV-1a, enough to tell two directory listings apart.
#[derive(Clone, Copy)]
pub(super) struct Fnv(pub(super) u64);

impl Fnv {
    pub(super) fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    pub(super) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
