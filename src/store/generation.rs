use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use tantivy::{Index, TantivyDocument};

use super::*;
use crate::check::Corpus;
use crate::fsio;
use crate::model::{Date, Entity};
use crate::{Error, Result};

/// The file every reader of a generation holds a shared lock on, so that
/// cleanup removes a generation only once nobody reads it.
pub(super) const READERS: &str = ".readers";
/// The files listed as left out of a generation built from the valid part
/// of a knowledge base with errors (see [`LeftOut`]).
const LEFT_OUT: &str = "left-out.json";

/// What a generation built from a knowledge base with errors lacks: the
/// files that were left out, and how many errors `check` found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeftOut {
    /// Paths relative to `knowledge/`, sorted.
    pub files: Vec<String>,
    /// The number of errors `check` reports.
    pub errors: usize,
}

/// Builds a new generation from a validated corpus and makes it current.
/// Returns the number of entities indexed. The previous generation stays
/// on disk for its readers; [`clean`] removes it once they are done.
pub fn build(index_dir: &Path, corpus: &Corpus, scan: &[FileMeta]) -> Result<usize> {
    build_with(index_dir, corpus, scan, &LeftOut::default(), Date::today())
}

/// [`build`], recording what was left out, with `today` as the day whose
/// statuses are stored.
pub(super) fn build_with(
    index_dir: &Path,
    corpus: &Corpus,
    scan: &[FileMeta],
    left_out: &LeftOut,
    today: Date,
) -> Result<usize> {
    let fingerprint = fingerprint_of(scan);
    let fingerprint = fingerprint.as_str();
    let tmp = stage(index_dir)?;
    let (schema, f) = Fields::schema();
    let index = Index::create_in_dir(tmp.path(), schema).map_err(ix)?;
    crate::text::register_tokenizers(&index);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let mut writer = index
        .writer_with_num_threads::<TantivyDocument>(threads, 64 * 1024 * 1024 * threads)
        .map_err(ix)?;
    let count = corpus.len();
    // Documents go in in id order, from one thread, so that equal scores
    // always break the same way (doc order) and output never flaps.
    for_each_node(corpus, |node| {
        writer
            .add_document(document(&f, &node, today)?)
            .map_err(ix)?;
        Ok(())
    })?;
    let mut prepared = writer.prepare_commit().map_err(ix)?;
    let next = next_event_after(corpus.entities.iter(), today);
    prepared.set_payload(&payload(fingerprint, next));
    prepared.commit().map_err(ix)?;
    writer.wait_merging_threads().map_err(ix)?;
    drop(index);
    write_manifest(tmp.path(), fingerprint, scan, corpus)?;
    write_left_out(tmp.path(), left_out)?;
    publish(index_dir, tmp)?;
    Ok(count)
}

/// The prefix of a build in progress in `index/` (see [`fsio::Stage`]).
pub(super) const BUILD_PREFIX: &str = ".build";

/// A new, empty build directory `index/.build-PID-*`, with its readers'
/// lock file. Nothing reads it until [`publish`] names it in CURRENT.
pub(super) fn stage(index_dir: &Path) -> Result<fsio::Stage> {
    let stage = fsio::Stage::create(index_dir, BUILD_PREFIX)?;
    stage.write(READERS, b"")?;
    Ok(stage)
}

/// Renames a finished build to a fresh generation name, then points
/// CURRENT at it atomically. Readers of the old generation keep working.
pub(super) fn publish(index_dir: &Path, built: fsio::Stage) -> Result<PathBuf> {
    seal(built.path())?;
    let name = format!("gen-{}-{}", std::process::id(), unique_suffix());
    let gen_dir = index_dir.join(&name);
    built.commit(&gen_dir)?;
    fsio::write_atomic(&current_path(index_dir), name.as_bytes())?;
    Ok(gen_dir)
}

/// The list of a generation's files as they were when it was finished.
const SEAL: &str = "seal.bin";

/// A file of a generation: name, size, modification time (ns).
type Sealed = (String, u64, u128);

/// The files of a generation that [`seal`] lists: every regular file but
/// the seal itself and the lock files, which readers and tantivy touch.
fn sealable(dir: &Path) -> Result<Vec<Sealed>> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    let mut out = Vec::new();
    for entry in rd {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == SEAL || name == READERS || name.ends_with(".lock") {
            continue;
        }
        let meta = entry.metadata().map_err(|e| Error::io(entry.path(), e))?;
        if !meta.is_file() {
            continue;
        }
        let mtime = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        out.push((name, meta.len(), mtime));
    }
    out.sort_unstable();
    Ok(out)
}

/// Records the size and modification time of every file of a finished
/// build, so that [`check_seal`] can tell, for the price of a few `stat`s,
/// a generation that something changed since (a truncated, zeroed,
/// rewritten or deleted file) from an intact one, before it gives a wrong
/// answer. A generation's files are never written after this.
pub(super) fn seal(dir: &Path) -> Result<()> {
    let files = sealable(dir)?;
    let bytes = postcard::to_stdvec(&files)
        .map_err(|e| Error::Index(format!("cannot encode the seal: {e}")))?;
    fsio::write_new(&dir.join(SEAL), &bytes)
}

/// Whether the files of generation `dir` are as [`seal`] found them; the
/// error names the first that is not.
pub(super) fn check_seal(dir: &Path) -> Result<()> {
    let path = dir.join(SEAL);
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let want: Vec<Sealed> = postcard::from_bytes(&bytes)
        .map_err(|e| Error::Index(format!("{}: {e}", path.display())))?;
    let have = sealable(dir)?;
    if have == want {
        return Ok(());
    }
    let damaged = want
        .iter()
        .find(|w| !have.contains(w))
        .map(|w| w.0.clone())
        .or_else(|| have.iter().find(|h| !want.contains(h)).map(|h| h.0.clone()))
        .unwrap_or_default();
    Err(Error::Index(format!(
        "`{}` in {} was changed, truncated or deleted after the index was built",
        damaged,
        dir.display()
    )))
}

pub(super) fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}")
}

/// Removes what no process can be using: builds and trash left behind by
/// killed processes, and generations that CURRENT no longer names and that
/// no reader holds. Call it only while holding the writer lock (see
/// [`refresh`](super::refresh)): builds happen only under that lock, so
/// any `.build-*` found then is an orphan. Returns how many were removed.
pub fn clean(index_dir: &Path) -> usize {
    let current = current_generation(index_dir);
    let Ok(rd) = std::fs::read_dir(index_dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in rd.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if name.starts_with(".build-") || name.starts_with(".trash-") {
            if std::fs::remove_dir_all(&path).is_ok() {
                removed += 1;
            }
            continue;
        }
        if !name.starts_with("gen-") || Some(&path) == current.as_ref() {
            continue;
        }
        // A reader holds a shared lock on the generation's lock file for as
        // long as it has the generation open. Take it exclusively, and move
        // the generation out of the way while holding it, so that a reader
        // arriving later finds it gone rather than half-deleted.
        let lock = match std::fs::File::open(path.join(READERS)) {
            Ok(f) => match f.try_lock() {
                Ok(()) => Some(f),
                Err(_) => continue, // in use
            },
            // From a version without reader locks, or broken: no reader
            // of this version can be using it.
            Err(_) => None,
        };
        let trash = index_dir.join(format!(".trash-{name}"));
        let moved = std::fs::rename(&path, &trash).is_ok();
        drop(lock);
        if moved && std::fs::remove_dir_all(&trash).is_ok() {
            removed += 1;
        }
    }
    removed
}

fn write_left_out(gen: &Path, left_out: &LeftOut) -> Result<()> {
    if left_out.files.is_empty() {
        return Ok(());
    }
    let path = gen.join(LEFT_OUT);
    let text = serde_json::to_string(left_out)
        .map_err(|e| Error::Index(format!("cannot encode {}: {e}", path.display())))?;
    fsio::write_new(&path, text.as_bytes())
}

/// What a generation left out, if anything.
pub(super) fn read_left_out(gen: &Path) -> Result<LeftOut> {
    let path = gen.join(LEFT_OUT);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text)
            .map_err(|e| Error::Index(format!("{}: {e}", path.display()))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(LeftOut::default()),
        Err(e) => Err(Error::io(&path, e)),
    }
}

/// The payload of the commit in `dir`, read from `meta.json` directly:
/// `Index::load_metas` would read it a second time, after creating and
/// taking a lock file.
pub(super) fn read_payload(dir: &Path) -> Result<String> {
    let path = dir.join("meta.json");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let meta: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::Index(format!("{}: {e}", path.display())))?;
    Ok(meta
        .get("payload")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned())
}

/// The commit payload: the fingerprint, and `@DATE` when a stored status
/// expires on that day.
pub(super) fn payload(fingerprint: &str, valid_until: Option<Date>) -> String {
    match valid_until {
        Some(d) => format!("{fingerprint}@{d}"),
        None => fingerprint.to_owned(),
    }
}

pub(super) fn parse_payload(p: &str) -> (String, Option<Date>) {
    match p.split_once('@') {
        Some((fp, d)) => (fp.to_owned(), d.parse().ok()),
        None => (p.to_owned(), None),
    }
}

/// The earliest event dated after `today`.
pub(super) fn next_event_after<'a>(
    entities: impl Iterator<Item = &'a Entity>,
    today: Date,
) -> Option<Date> {
    entities
        .flat_map(|e| e.events.iter().map(|ev| ev.date))
        .filter(|d| *d > today)
        .min()
}
