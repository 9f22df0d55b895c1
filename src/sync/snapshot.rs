//! Snapshots of the knowledge base that digests are measured against, and
//! the knowledge base now measured against one, at the cost of what
//! changed.
//!
//! A snapshot file (`index/sync/snapshots/snap-HASH.bin`) holds:
//! - one record per entity file: its path, size, modification and change
//!   times, inode, a hash of its contents, the id it holds (none when it
//!   did not parse) and its warning (a parse error, a duplicate id);
//! - one record per entity id: the ids it has relations to, whether it
//!   sets deadlines, and where its merged entity (`check`'s merge of its
//!   hand-written and imported files, see [`crate::track::changes::settle`])
//!   lies in the body;
//! - the body: each merged entity, encoded with `postcard`.
//!
//! [`scan`] walks `knowledge/` (metadata only, through [`crate::walk`])
//! and reads only the files whose size, times or inode differ from the
//! snapshot's; of those, it parses only the ones whose contents differ.
//! The ids those files held or hold are the ids *touched*; every other
//! entity is the same as in the snapshot. [`Snapshot::sides`] gives the
//! two versions of the touched ids (and of any others asked for, from the
//! snapshot's body), so that [`crate::track::changes()`] compares only
//! them; and [`write()`] makes the next snapshot from the last one, copying
//! the encoded entities that did not change.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::hash::{Hash as _, Hasher as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::model::Entity;
use crate::track::changes::{diag_line, settle, Side};
use crate::walk::Found;
use crate::{Error, Result};

/// The first bytes of a snapshot file; the first version (a bare list of
/// entities) has none.
const MAGIC: &[u8; 8] = b"PGSNAP2\n";

/// One entity file, as a snapshot or [`scan`] saw it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileRec {
    /// Relative to `knowledge/`, with `/` separators.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime: u128,
    /// Change time, nanoseconds since the epoch (0 where unknown).
    pub ctime: u128,
    /// Inode (0 where unknown).
    pub ino: u64,
    /// A hash of its contents.
    pub hash: u64,
    /// The id it holds; none when it could not be read or parsed.
    pub id: Option<String>,
    /// Its warning, without a version's label (see [`Side::warnings`]).
    pub warning: Option<String>,
}

/// One entity of a snapshot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdRec {
    /// The id.
    pub id: String,
    /// The targets of its relations.
    pub to: Vec<String>,
    /// Whether it sets deadlines.
    pub deadlines: bool,
    /// Where its encoded entity starts in the body.
    pub off: u64,
    /// Its length.
    pub len: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Table {
    files: Vec<FileRec>,
    ids: Vec<IdRec>,
}

/// A snapshot, read.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// Its files, by path.
    pub files: Vec<FileRec>,
    /// Its entities, by id.
    pub ids: Vec<IdRec>,
    /// The encoded entities, from `at` on.
    body: Vec<u8>,
    at: usize,
}

fn hash_bytes(b: &[u8]) -> u64 {
    // SipHash with fixed keys: the same on every run and machine.
    #[allow(deprecated)]
    let mut h = std::hash::SipHasher::new();
    b.hash(&mut h);
    h.finish()
}

fn corrupt(path: &Path, why: impl std::fmt::Display) -> Error {
    Error::Index(format!(
        "{}: {why}; `policygraph watch` and `digest` start afresh once it is deleted",
        path.display()
    ))
}

impl Snapshot {
    /// A snapshot of nothing: measured against it, every file is new.
    pub fn empty() -> Snapshot {
        Snapshot::default()
    }

    /// Reads the snapshot `name` of `index/sync/snapshots/`. A snapshot of
    /// the first version (entities only) reads as one without files, so
    /// that the next [`scan`] parses every file once.
    pub fn read(index: &Path, name: &str) -> Result<Snapshot> {
        let path = dir(index).join(name);
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let Some(rest) = bytes.strip_prefix(MAGIC.as_slice()) else {
            let entities: Vec<Entity> =
                postcard::from_bytes(&bytes).map_err(|e| corrupt(&path, e))?;
            return Snapshot::of_entities(entities.into_iter().map(|e| (e.id.clone(), e)))
                .map_err(|e| corrupt(&path, e));
        };
        let (len, rest) = rest
            .split_first_chunk::<8>()
            .ok_or_else(|| corrupt(&path, "truncated"))?;
        let len =
            usize::try_from(u64::from_le_bytes(*len)).map_err(|_| corrupt(&path, "truncated"))?;
        let (table, body) = rest
            .split_at_checked(len)
            .ok_or_else(|| corrupt(&path, "truncated"))?;
        let table: Table = postcard::from_bytes(table).map_err(|e| corrupt(&path, e))?;
        if table
            .ids
            .iter()
            .any(|r| r.off.saturating_add(r.len) > body.len() as u64)
        {
            return Err(corrupt(&path, "truncated"));
        }
        // The body stays where it was read, without a copy.
        let at = bytes.len() - body.len();
        Ok(Snapshot {
            files: table.files,
            ids: table.ids,
            body: bytes,
            at,
        })
    }

    /// A snapshot of these entities (by id, in order), without files.
    fn of_entities(entities: impl Iterator<Item = (String, Entity)>) -> Result<Snapshot> {
        let mut s = Snapshot::default();
        for (id, e) in entities {
            s.push(id, &e)?;
        }
        Ok(s)
    }

    /// Appends an entity (ids must come in order).
    fn push(&mut self, id: String, e: &Entity) -> Result<()> {
        let bytes = postcard::to_allocvec(e)
            .map_err(|x| Error::Index(format!("cannot encode `{id}` for a snapshot: {x}")))?;
        self.ids.push(IdRec {
            to: e.relations.iter().map(|r| r.to.clone()).collect(),
            deadlines: !e.deadlines.is_empty(),
            off: (self.body.len() - self.at) as u64,
            len: bytes.len() as u64,
            id,
        });
        self.body.extend_from_slice(&bytes);
        Ok(())
    }

    /// Appends an entity of another snapshot, as it is encoded there.
    fn push_from(&mut self, other: &Snapshot, r: &IdRec) {
        let Some(bytes) = other.bytes(r) else { return };
        let mut r = r.clone();
        r.off = (self.body.len() - self.at) as u64;
        self.body.extend_from_slice(bytes);
        self.ids.push(r);
    }

    fn bytes(&self, r: &IdRec) -> Option<&[u8]> {
        let start = usize::try_from(r.off).ok()?.checked_add(self.at)?;
        let end = start.checked_add(usize::try_from(r.len).ok()?)?;
        self.body.get(start..end)
    }

    fn rec(&self, id: &str) -> Option<&IdRec> {
        self.ids
            .binary_search_by(|r| r.id.as_str().cmp(id))
            .ok()
            .and_then(|i| self.ids.get(i))
    }

    /// The entity `id` as the snapshot has it.
    pub fn get(&self, id: &str) -> Result<Option<Entity>> {
        let Some(r) = self.rec(id) else {
            return Ok(None);
        };
        let bytes = self
            .bytes(r)
            .ok_or_else(|| Error::Index(format!("snapshot: `{id}` is truncated")))?;
        postcard::from_bytes(bytes)
            .map(Some)
            .map_err(|e| Error::Index(format!("snapshot: cannot read `{id}`: {e}")))
    }

    /// Every entity of the snapshot, as a [`Side`] (what a full comparison
    /// reads).
    pub fn side(&self, label: &str) -> Result<Side> {
        let mut side = Side {
            label: label.to_owned(),
            ..Side::default()
        };
        for r in &self.ids {
            if let Some(e) = self.get(&r.id)? {
                side.entities.insert(r.id.clone(), e);
            }
        }
        Ok(side)
    }

    /// The two versions to compare: the snapshot's (labelled `old`) and
    /// now's (labelled `new`, with now's warnings), each holding the
    /// touched ids and `extra` (ids not touched are the same in both).
    pub fn sides(
        &self,
        now: &Now,
        extra: &BTreeSet<String>,
        old: &str,
        new: &str,
    ) -> Result<(Side, Side)> {
        let mut a = Side {
            label: old.to_owned(),
            ..Side::default()
        };
        let mut b = Side {
            label: new.to_owned(),
            warnings: now.warnings.iter().map(|w| format!("{new}: {w}")).collect(),
            ..Side::default()
        };
        for id in now.touched.iter().chain(extra) {
            if a.entities.contains_key(id) || b.entities.contains_key(id) {
                continue;
            }
            let before = self.get(id)?;
            if now.touched.contains(id) {
                if let Some(e) = now.merged.get(id) {
                    b.entities.insert(id.clone(), e.clone());
                }
            } else if let Some(e) = &before {
                b.entities.insert(id.clone(), e.clone());
            }
            if let Some(e) = before {
                a.entities.insert(id.clone(), e);
            }
        }
        Ok((a, b))
    }

    /// The relations of either version, as (from, to) pairs given to the
    /// callback: the snapshot's, and the touched entities' now (for
    /// [`super::digest::scope`]).
    pub fn edges<'a>(&'a self, now: &'a Now) -> impl Fn(&mut super::digest::OnEdge<'_>) + 'a {
        move |f| {
            for r in &self.ids {
                for t in &r.to {
                    f(&r.id, t);
                }
            }
            for e in now.merged.values() {
                for r in &e.relations {
                    f(&e.id, &r.to);
                }
            }
        }
    }

    /// The ids that set deadlines now.
    pub fn with_deadlines(&self, now: &Now) -> BTreeSet<String> {
        let old = self
            .ids
            .iter()
            .filter(|r| r.deadlines && !now.touched.contains(&r.id))
            .map(|r| r.id.clone());
        let new = now
            .merged
            .values()
            .filter(|e| !e.deadlines.is_empty())
            .map(|e| e.id.clone());
        old.chain(new).collect()
    }
}

/// Two versions of the knowledge base and what changed between them: what
/// a digest's items are made of.
#[derive(Debug)]
pub struct Pair {
    /// The version measured against.
    pub old: Side,
    /// The version now.
    pub new: Side,
    /// [`crate::track::changes()`] of the two.
    pub changes: crate::track::Changes,
}

impl Pair {
    /// Two whole versions.
    pub fn full(old: Side, new: Side) -> Pair {
        let changes = crate::track::changes(&old, &new, None);
        Pair { old, new, changes }
    }

    /// A snapshot and the knowledge base now, holding what a digest's
    /// items read: the touched ids, the ids their relations lead to, and,
    /// when `deadlines`, every entity that sets a deadline and those that
    /// can meet one. `label` names the snapshot's version.
    pub fn of(snap: &Snapshot, now: &Now, deadlines: bool, label: &str) -> Result<Pair> {
        let (old, new) = snap.sides(now, &BTreeSet::new(), label, "now")?;
        let mut extra: BTreeSet<String> = BTreeSet::new();
        for e in old.entities.values().chain(new.entities.values()) {
            extra.extend(e.relations.iter().map(|r| r.to.clone()));
        }
        if deadlines {
            for id in snap.with_deadlines(now) {
                let e = match now.merged.get(&id) {
                    Some(e) => Some(e.clone()),
                    None => snap.get(&id)?,
                };
                for d in e.iter().flat_map(|e| &e.deadlines) {
                    extra.extend(d.fulfilled_by.iter().cloned());
                }
                extra.insert(id);
            }
        }
        let (old, new) = snap.sides(now, &extra, label, "now")?;
        Ok(Pair::full(old, new))
    }
}

/// The knowledge base now, measured against a snapshot.
#[derive(Debug, Default)]
pub struct Now {
    /// Every entity file, by path.
    pub files: Vec<FileRec>,
    /// The ids of the files that changed, appeared or went away, before
    /// and after.
    pub touched: BTreeSet<String>,
    /// The touched ids that are there now, each merged from its files.
    pub merged: BTreeMap<String, Entity>,
    /// Every warning now (files that do not parse, duplicate ids, entries
    /// the walk could not follow), sorted, without a label.
    pub warnings: Vec<String>,
    /// How many files were parsed.
    pub parsed: usize,
}

/// The snapshots' directory.
pub fn dir(index: &Path) -> PathBuf {
    super::state::dir(index).join("snapshots")
}

/// What reading and parsing a list of files gave, by path.
struct Read {
    hash: Option<u64>,
    entity: Option<Entity>,
    warning: Option<String>,
}

/// Reads and parses `paths` (relative to `knowledge`) on a few threads.
fn read_all(knowledge: &Path, paths: Vec<PathBuf>) -> HashMap<String, Read> {
    let loaded = crate::load::load_listed(knowledge, (paths, Vec::new()));
    let mut out: HashMap<String, Read> = HashMap::new();
    for f in &loaded.files {
        out.insert(
            f.path.to_string_lossy().into_owned(),
            Read {
                hash: Some(hash_bytes(f.text.as_bytes())),
                entity: None,
                warning: None,
            },
        );
    }
    for l in loaded.entities {
        if let Some(f) = loaded.files.get(l.file) {
            if let Some(r) = out.get_mut(f.path.to_string_lossy().as_ref()) {
                r.entity = Some(l.entity);
            }
        }
    }
    for d in &loaded.diagnostics {
        let r = out
            .entry(d.location.path.to_string_lossy().into_owned())
            .or_insert(Read {
                hash: None,
                entity: None,
                warning: None,
            });
        r.warning = Some(diag_line(d));
    }
    out
}

/// Walks `knowledge` and measures it against `base`: see the module's
/// header.
pub fn scan(knowledge: &Path, base: &Snapshot) -> Result<Now> {
    let walked = crate::walk::list(knowledge)?;
    let (_, problems) = crate::load::listed_of(&walked);
    let mut now = Now::default();
    let prev = |rel: &str| {
        base.files
            .binary_search_by(|f| f.path.as_str().cmp(rel))
            .ok()
            .and_then(|i| base.files.get(i))
    };
    // Files whose metadata differ: read, and parsed (few, unless the
    // snapshot is of another format or empty).
    let mut suspects = Vec::new();
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for (rel, found) in &walked {
        let Found::File {
            size,
            mtime,
            ctime,
            ino,
        } = *found
        else {
            continue;
        };
        seen.insert(rel);
        match prev(rel) {
            Some(p) if (p.size, p.mtime, p.ctime, p.ino) == (size, mtime, ctime, ino) => {
                now.files.push(p.clone());
            }
            _ => {
                suspects.push(PathBuf::from(rel));
                now.files.push(FileRec {
                    path: rel.clone(),
                    size,
                    mtime,
                    ctime,
                    ino,
                    hash: 0,
                    id: None,
                    warning: None,
                });
            }
        }
    }
    for f in &base.files {
        if !seen.contains(f.path.as_str()) {
            now.touched.extend(f.id.clone());
        }
    }
    if base.files.is_empty() {
        // A snapshot without files (of the first format): every entity is
        // compared.
        now.touched.extend(base.ids.iter().map(|r| r.id.clone()));
    }
    now.parsed = suspects.len();
    let mut read = read_all(knowledge, suspects);
    let mut fresh: Vec<(Entity, PathBuf)> = Vec::new();
    for f in &mut now.files {
        let Some(r) = read.remove(&f.path) else {
            continue;
        };
        let old = prev(&f.path);
        if let (Some(p), Some(h)) = (old, r.hash) {
            if p.hash == h && p.size == f.size {
                // Touched, not changed.
                f.hash = h;
                f.id.clone_from(&p.id);
                f.warning.clone_from(&p.warning);
                continue;
            }
        }
        f.hash = r.hash.unwrap_or(0);
        f.warning = r.warning;
        if let Some(p) = old {
            now.touched.extend(p.id.clone());
        }
        if let Some(e) = r.entity {
            f.id = Some(e.id.clone());
            now.touched.insert(e.id.clone());
            fresh.push((e, PathBuf::from(&f.path)));
        }
    }
    // The files of the touched ids that did not change are parsed too, to
    // merge each touched id again.
    let fresh_paths: BTreeSet<PathBuf> = fresh.iter().map(|(_, p)| p.clone()).collect();
    let again: Vec<PathBuf> = now
        .files
        .iter()
        .filter(|f| f.id.as_ref().is_some_and(|id| now.touched.contains(id)))
        .map(|f| PathBuf::from(&f.path))
        .filter(|p| !fresh_paths.contains(p))
        .collect();
    now.parsed += again.len();
    for (path, r) in read_all(knowledge, again) {
        if let Some(e) = r.entity {
            fresh.push((e, PathBuf::from(path)));
        }
    }
    let (merged, dups) = settle(fresh);
    let dups: HashMap<String, String> = dups
        .into_iter()
        .map(|(p, m)| {
            let p = p.to_string_lossy().into_owned();
            let line = format!("{p}: {m}");
            (p, line)
        })
        .collect();
    for f in &mut now.files {
        if f.id.as_ref().is_some_and(|id| now.touched.contains(id)) {
            f.warning = dups.get(&f.path).cloned();
        }
    }
    now.merged = merged;
    now.warnings = problems
        .iter()
        .map(diag_line)
        .chain(now.files.iter().filter_map(|f| f.warning.clone()))
        .collect();
    now.warnings.sort();
    Ok(now)
}

/// Writes the snapshot of the knowledge base `now` measured against
/// `base` (unless one of the same contents is there), and returns its
/// file name. The entities not touched are copied from `base` as they are
/// encoded there.
pub fn write(
    index: &Path,
    base: &Snapshot,
    now: &Now,
    _lock: &crate::lock::WriteLock,
) -> Result<String> {
    // The name: a hash of every file's path and contents, which make the
    // merged entities.
    #[allow(deprecated)]
    let mut h = std::hash::SipHasher::new();
    for f in &now.files {
        (f.path.as_str(), f.hash, f.id.as_deref()).hash(&mut h);
    }
    let name = format!("snap-{:016x}.bin", h.finish());
    let d = dir(index);
    let path = d.join(&name);
    if path.exists() {
        return Ok(name);
    }
    let mut snap = Snapshot {
        files: now.files.clone(),
        ..Snapshot::default()
    };
    let mut new = now.merged.iter().peekable();
    for r in &base.ids {
        while let Some((id, e)) = new.next_if(|(id, _)| id.as_str() < r.id.as_str()) {
            snap.push(id.clone(), e)?;
        }
        if !now.touched.contains(&r.id) {
            snap.push_from(base, r);
        }
    }
    for (id, e) in new {
        snap.push(id.clone(), e)?;
    }
    let table = postcard::to_allocvec(&Table {
        files: snap.files,
        ids: snap.ids,
    })
    .map_err(|e| Error::Index(format!("cannot encode a snapshot: {e}")))?;
    std::fs::create_dir_all(&d).map_err(|e| Error::io(&d, e))?;
    crate::fsio::write_atomic_with(&path, |w| {
        let io = |e| Error::io(&path, e);
        w.write_all(MAGIC).map_err(io)?;
        w.write_all(&(table.len() as u64).to_le_bytes())
            .map_err(io)?;
        w.write_all(&table).map_err(io)?;
        w.write_all(snap.body.get(snap.at..).unwrap_or_default())
            .map_err(io)
    })?;
    Ok(name)
}

#[cfg(test)]
mod tests;
