//! The manifest of a generation: what the last build or patch saw of each
//! file of `knowledge/` (path, size, change stamp, and the id the file
//! held), so that a patch finds what changed and which entities it
//! touches.
//!
//! It is two files, so that a patch writes only what changed:
//! - `manifest.bin`, the base: every file, sorted by path, with an offset
//!   table so that one path is found by a binary search of a few small
//!   reads, without reading the rest. A full build writes it; patches
//!   hard-link it into their generation unchanged.
//! - `manifest.log`, the changes since the base: batches of records
//!   (path, and its new size, stamp and id, or a tombstone), each batch
//!   ending with the fingerprint of the commit it leads to. A patch copies
//!   the log (small) into its new generation, appends one batch, and only
//!   then commits. It is copied rather than linked, because an append to a
//!   linked file would change the old generation too.
//!
//! A reader applies the batches up to the one that names the fingerprint
//! of the generation's commit and ignores anything after it, so a log
//! written for a commit that never happened cannot give a wrong answer.
//! When the log outgrows a fraction of the base, the next patch writes a
//! new base instead (compaction); a full build always does.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::FileMeta;
use crate::check::Corpus;
use crate::fsio;
use crate::{Error, Result};

/// The base file of a generation's manifest.
pub(super) const BASE: &str = "manifest.bin";
/// The log of changes since the base.
pub(super) const LOG: &str = "manifest.log";
const MAGIC: &[u8; 8] = b"PGMANIF1";

/// What the manifest holds of one file: size, change stamp and the id it
/// held ("" for a text, or a file that held no entity).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Entry {
    pub(super) size: u64,
    pub(super) stamp: u128,
    pub(super) id: String,
}

/// One record of the log: a path and what it is now, or `None` when it
/// is gone.
type Record = (String, Option<Entry>);

#[derive(Serialize, Deserialize)]
struct Batch {
    fingerprint: String,
    records: Vec<Record>,
}

/// An open manifest: the base, read lazily, and the log applied.
pub(super) struct Manifest {
    base: PathBuf,
    count: u64,
    /// Where the offset table starts, and where the records start.
    table: u64,
    records: u64,
    log_bytes: Vec<u8>,
    /// The log's changes, by path.
    overlay: HashMap<String, Option<Entry>>,
}

/// The manifest of generation `gen` as of its commit's `fingerprint`, or
/// `None` when it has none that matches (then a patch cannot apply).
pub(super) fn read_manifest(gen: &Path, fingerprint: &str) -> Option<Manifest> {
    let base = gen.join(BASE);
    let mut f = std::fs::File::open(&base).ok()?;
    let mut head = [0u8; 8 + 8 + 4];
    f.read_exact(&mut head).ok()?;
    if &head[..8] != MAGIC {
        return None;
    }
    let count = u64::from_le_bytes(head[8..16].try_into().ok()?);
    let fp_len = u32::from_le_bytes(head[16..20].try_into().ok()?) as usize;
    let mut fp = vec![0u8; fp_len];
    f.read_exact(&mut fp).ok()?;
    let table = 20 + fp_len as u64;
    let records = table + count * 8;
    let log_bytes = std::fs::read(gen.join(LOG)).unwrap_or_default();
    let batches = parse_log(&log_bytes);
    let upto = batches
        .iter()
        .rposition(|(b, _)| b.fingerprint == fingerprint);
    // The bytes of the log that belong to this commit: copied into the
    // next generation, and nothing after them.
    let kept = upto.and_then(|i| batches.get(i)).map_or(0, |(_, end)| *end);
    let overlay = match upto {
        Some(i) => {
            let mut overlay = HashMap::new();
            for (b, _) in batches.into_iter().take(i + 1) {
                overlay.extend(b.records);
            }
            overlay
        }
        None if fp == fingerprint.as_bytes() => HashMap::new(),
        None => return None,
    };
    let mut log_bytes = log_bytes;
    log_bytes.truncate(kept);
    Some(Manifest {
        base,
        count,
        table,
        records,
        log_bytes,
        overlay,
    })
}

/// The complete batches of a log, each with the offset just after it; a
/// torn or undecodable tail ends the list.
fn parse_log(bytes: &[u8]) -> Vec<(Batch, usize)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 4 <= bytes.len() {
        let len = u32::from_le_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
        let end = at + 4 + len as usize;
        let Some(body) = bytes.get(at + 4..end) else {
            break;
        };
        let Ok(batch) = postcard::from_bytes::<Batch>(body) else {
            break;
        };
        out.push((batch, end));
        at = end;
    }
    out
}

/// Reads one record of the base at `pos`: path, entry, and the offset
/// after it.
fn record_at(bytes: &[u8], pos: usize) -> Option<(&str, Entry, usize)> {
    let u16_at = |p: usize| -> Option<usize> {
        Some(u16::from_le_bytes(bytes.get(p..p + 2)?.try_into().ok()?) as usize)
    };
    let plen = u16_at(pos)?;
    let path = std::str::from_utf8(bytes.get(pos + 2..pos + 2 + plen)?).ok()?;
    let mut p = pos + 2 + plen;
    let size = u64::from_le_bytes(bytes.get(p..p + 8)?.try_into().ok()?);
    p += 8;
    let stamp = u128::from_le_bytes(bytes.get(p..p + 16)?.try_into().ok()?);
    p += 16;
    let ilen = u16_at(p)?;
    p += 2;
    let id = std::str::from_utf8(bytes.get(p..p + ilen)?)
        .ok()?
        .to_owned();
    Some((path, Entry { size, stamp, id }, p + ilen))
}

impl Manifest {
    /// What the manifest says of `path`: the log's record, else the base's.
    pub(super) fn get(&self, path: &str) -> Result<Option<Entry>> {
        if let Some(e) = self.overlay.get(path) {
            return Ok(e.clone());
        }
        self.base_get(path)
    }

    /// A binary search of the base, reading one offset and one record per
    /// step.
    fn base_get(&self, path: &str) -> Result<Option<Entry>> {
        if self.count == 0 {
            return Ok(None);
        }
        let io = |e| Error::io(&self.base, e);
        let mut f = std::fs::File::open(&self.base).map_err(io)?;
        let (mut lo, mut hi) = (0u64, self.count);
        let mut buf = vec![0u8; 512];
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            let mut off = [0u8; 8];
            f.seek(SeekFrom::Start(self.table + mid * 8)).map_err(io)?;
            f.read_exact(&mut off).map_err(io)?;
            f.seek(SeekFrom::Start(self.records + u64::from_le_bytes(off)))
                .map_err(io)?;
            let mut n = read_up_to(&mut f, &mut buf).map_err(io)?;
            if n == buf.len() && record_at(&buf[..n], 0).is_none() {
                // A record longer than the first read: paths and ids are
                // at most 64 KiB each.
                let more = vec![0u8; 2 * 65_536 + 64 - buf.len()];
                buf.extend_from_slice(&more);
                n += read_up_to(&mut f, &mut buf[n..]).map_err(io)?;
            }
            let Some((p, entry, _)) = record_at(&buf[..n], 0) else {
                return Err(self.damaged());
            };
            match p.cmp(path) {
                std::cmp::Ordering::Equal => return Ok(Some(entry)),
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
            }
        }
        Ok(None)
    }

    fn damaged(&self) -> Error {
        Error::Index(format!("{} is damaged", self.base.display()))
    }

    /// Every file the manifest lists, with what it says of each, sorted by
    /// path: the base merged with the log. Reads the whole base; the walk
    /// that needs this is O(n) anyway.
    pub(super) fn all(&self) -> Result<Vec<(String, Entry)>> {
        let bytes = std::fs::read(&self.base).map_err(|e| Error::io(&self.base, e))?;
        let mut pos = usize::try_from(self.records).map_err(|_| self.damaged())?;
        let mut out = Vec::with_capacity(usize::try_from(self.count).unwrap_or(0));
        for _ in 0..self.count {
            let (p, entry, next) = record_at(&bytes, pos).ok_or_else(|| self.damaged())?;
            if !self.overlay.contains_key(p) {
                out.push((p.to_owned(), entry));
            }
            pos = next;
        }
        out.extend(
            self.overlay
                .iter()
                .filter_map(|(p, e)| e.as_ref().map(|e| (p.clone(), e.clone()))),
        );
        out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Ok(out)
    }

    /// Writes the manifest of the generation a patch builds in `to`: the
    /// base linked from `from`, the log copied with `records` appended as
    /// the batch that leads to `fingerprint`; or, when the log has grown
    /// past a fraction of the base, a new base and no log.
    pub(super) fn patch(
        &self,
        from: &Path,
        to: &Path,
        fingerprint: &str,
        records: Vec<Record>,
    ) -> Result<()> {
        let mut overlay_len = self.overlay.len();
        for (p, _) in &records {
            if !self.overlay.contains_key(p) {
                overlay_len += 1;
            }
        }
        if overlay_len as u64 > 4096 + self.count / 32 {
            let mut all: HashMap<String, Entry> = self.all()?.into_iter().collect();
            for (p, e) in records {
                match e {
                    Some(e) => all.insert(p, e),
                    None => all.remove(&p),
                };
            }
            let mut files: Vec<(String, Entry)> = all.into_iter().collect();
            files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
            return write_base(to, fingerprint, &files);
        }
        let src = from.join(BASE);
        let dst = to.join(BASE);
        if std::fs::hard_link(&src, &dst).is_err() {
            std::fs::copy(&src, &dst).map_err(|e| Error::io(&dst, e))?;
        }
        let batch = postcard::to_stdvec(&Batch {
            fingerprint: fingerprint.to_owned(),
            records,
        })
        .map_err(|e| Error::Index(format!("cannot encode the manifest log: {e}")))?;
        let len = u32::try_from(batch.len())
            .map_err(|_| Error::Index("a manifest batch is too large".into()))?;
        let mut log = Vec::with_capacity(self.log_bytes.len() + 4 + batch.len());
        log.extend_from_slice(&self.log_bytes);
        log.extend_from_slice(&len.to_le_bytes());
        log.extend_from_slice(&batch);
        fsio::write_new(&to.join(LOG), &log)
    }
}

/// Reads as much as fits in `buf` (less at the end of the file).
fn read_up_to(f: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// Writes a base listing `files` (sorted by path) for `fingerprint`.
fn write_base(gen: &Path, fingerprint: &str, files: &[(String, Entry)]) -> Result<()> {
    let too_long = |what: &str| Error::Index(format!("cannot list {what} in the manifest"));
    let mut records = Vec::new();
    let mut table = Vec::with_capacity(files.len() * 8);
    for (p, e) in files {
        table.extend_from_slice(&(records.len() as u64).to_le_bytes());
        let plen = u16::try_from(p.len()).map_err(|_| too_long(p))?;
        let ilen = u16::try_from(e.id.len()).map_err(|_| too_long(&e.id))?;
        records.extend_from_slice(&plen.to_le_bytes());
        records.extend_from_slice(p.as_bytes());
        records.extend_from_slice(&e.size.to_le_bytes());
        records.extend_from_slice(&e.stamp.to_le_bytes());
        records.extend_from_slice(&ilen.to_le_bytes());
        records.extend_from_slice(e.id.as_bytes());
    }
    let fp_len = u32::try_from(fingerprint.len()).map_err(|_| too_long("the fingerprint"))?;
    let mut out = Vec::with_capacity(20 + fingerprint.len() + table.len() + records.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(files.len() as u64).to_le_bytes());
    out.extend_from_slice(&fp_len.to_le_bytes());
    out.extend_from_slice(fingerprint.as_bytes());
    out.extend_from_slice(&table);
    out.extend_from_slice(&records);
    fsio::write_new(&gen.join(BASE), &out)
}

/// Writes the manifest of a full build in `gen`: every scanned file, with
/// the id of the entity it holds.
pub(super) fn write_manifest(
    gen: &Path,
    fingerprint: &str,
    scan: &[FileMeta],
    corpus: &Corpus,
) -> Result<()> {
    let id_of: HashMap<String, &str> = corpus
        .paths
        .iter()
        .zip(&corpus.entities)
        .map(|(p, e)| (p.to_string_lossy().replace('\\', "/"), e.id.as_str()))
        .collect();
    let mut files: Vec<(String, Entry)> = scan
        .iter()
        .map(|(p, size, stamp)| {
            (
                p.clone(),
                Entry {
                    size: *size,
                    stamp: *stamp,
                    id: id_of.get(p).map(|s| (*s).to_owned()).unwrap_or_default(),
                },
            )
        })
        .collect();
    files.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    write_base(gen, fingerprint, &files)
}

/// What changed between the manifest's files and a walk of `knowledge/`
/// as it is now (`scan`, sorted by path): the files new or different, and
/// the paths gone.
pub(super) fn diff(old: &[(String, Entry)], scan: &[FileMeta]) -> (Vec<FileMeta>, Vec<String>) {
    let mut changed = Vec::new();
    let mut removed = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < scan.len() {
        let o = old.get(i);
        let s = scan.get(j);
        match (o, s) {
            (Some((op, oe)), Some((sp, size, stamp))) => match op.as_str().cmp(sp.as_str()) {
                std::cmp::Ordering::Equal => {
                    if (oe.size, oe.stamp) != (*size, *stamp) {
                        changed.push((sp.clone(), *size, *stamp));
                    }
                    i += 1;
                    j += 1;
                }
                std::cmp::Ordering::Less => {
                    removed.push(op.clone());
                    i += 1;
                }
                std::cmp::Ordering::Greater => {
                    changed.push((sp.clone(), *size, *stamp));
                    j += 1;
                }
            },
            (Some((op, _)), None) => {
                removed.push(op.clone());
                i += 1;
            }
            (None, Some(s)) => {
                changed.push(s.clone());
                j += 1;
            }
            (None, None) => break,
        }
    }
    (changed, removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(size: u64, id: &str) -> Entry {
        Entry {
            size,
            stamp: u128::from(size) * 7,
            id: id.to_owned(),
        }
    }

    /// A base found by binary search, a log applied up to the commit it
    /// names, and a torn or foreign tail ignored.
    #[test]
    fn base_log_and_a_tail_for_another_commit() {
        let t = tempfile::tempdir().unwrap();
        let (g1, g2, g3) = (t.path().join("1"), t.path().join("2"), t.path().join("3"));
        for g in [&g1, &g2, &g3] {
            std::fs::create_dir(g).unwrap();
        }
        let files: Vec<(String, Entry)> = (0..100)
            .map(|i| (format!("d/{i:03}.ron"), entry(i, &format!("e{i}"))))
            .collect();
        write_base(&g1, "fp1", &files).unwrap();
        let m = read_manifest(&g1, "fp1").unwrap();
        assert_eq!(m.get("d/042.ron").unwrap(), Some(entry(42, "e42")));
        assert_eq!(m.get("d/000.ron").unwrap(), Some(entry(0, "e0")));
        assert_eq!(m.get("d/099.ron").unwrap(), Some(entry(99, "e99")));
        assert_eq!(m.get("d/100.ron").unwrap(), None);
        assert!(read_manifest(&g1, "other").is_none());
        m.patch(
            &g1,
            &g2,
            "fp2",
            vec![
                ("d/042.ron".into(), None),
                ("d/new.ron".into(), Some(entry(5, "new"))),
            ],
        )
        .unwrap();
        let m2 = read_manifest(&g2, "fp2").unwrap();
        assert_eq!(m2.get("d/042.ron").unwrap(), None);
        assert_eq!(m2.get("d/new.ron").unwrap(), Some(entry(5, "new")));
        assert_eq!(m2.all().unwrap().len(), 100);
        // The old generation is as it was.
        assert_eq!(
            read_manifest(&g1, "fp1").unwrap().get("d/042.ron").unwrap(),
            Some(entry(42, "e42"))
        );
        // A batch for a commit that never happened, and a torn one.
        m2.patch(&g2, &g3, "fp3", vec![("d/001.ron".into(), None)])
            .unwrap();
        let mut log = std::fs::read(g3.join(LOG)).unwrap();
        log.extend_from_slice(&[9, 0, 0, 0, 1]);
        std::fs::remove_file(g3.join(LOG)).unwrap();
        std::fs::write(g3.join(LOG), &log).unwrap();
        let at2 = read_manifest(&g3, "fp2").unwrap();
        assert_eq!(at2.get("d/001.ron").unwrap(), Some(entry(1, "e1")));
        let at3 = read_manifest(&g3, "fp3").unwrap();
        assert_eq!(at3.get("d/001.ron").unwrap(), None);
        // The base's own commit, with no batch applied.
        let at1 = read_manifest(&g3, "fp1").unwrap();
        assert_eq!(at1.get("d/042.ron").unwrap(), Some(entry(42, "e42")));
    }

    #[test]
    fn diff_finds_changed_added_and_removed() {
        let old = vec![
            ("a.ron".to_owned(), entry(1, "a")),
            ("b.ron".to_owned(), entry(2, "b")),
            ("c.ron".to_owned(), entry(3, "c")),
        ];
        let scan: Vec<FileMeta> = vec![
            ("a.ron".into(), 1, 7),
            ("b.ron".into(), 9, 14),
            ("bb.ron".into(), 1, 1),
        ];
        let (changed, removed) = diff(&old, &scan);
        assert_eq!(
            changed,
            vec![("b.ron".to_owned(), 9, 14), ("bb.ron".to_owned(), 1, 1)]
        );
        assert_eq!(removed, vec!["c.ron".to_owned()]);
    }
}
