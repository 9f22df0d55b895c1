use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use tantivy::{Index, TantivyDocument, Term};

use super::*;
use crate::model::{Date, Entity, Relation};
use crate::{Error, Result};

/// Above this many changed files, a full rebuild is cheaper than patching.
pub(super) const MAX_INCREMENTAL: usize = 2000;
/// Above this many segments, patches stop and a full rebuild compacts.
pub(super) const MAX_SEGMENTS: usize = 24;

/// Brings the index up to date with a few edited, added or removed files
/// without a full rebuild, reading only what the change touches:
///
/// 1. the metadata scan is compared with the manifest of the last build to
///    find the changed and removed files; only those are parsed;
/// 2. the changed entities are checked by `check` itself, run over them
///    and over stand-ins read from the snapshot: the entities they refer
///    to, their whole `part_of` chain (so the cycle rule sees it), and the
///    unchanged entities that still refer to a removed one (so the
///    dangling-reference rule sees them);
/// 3. the documents of the changed entities and of their old and new
///    neighbours (whose peers and incoming lists change) are replaced in one
///    tantivy commit, whose payload is the new fingerprint.
///
/// The patch is written as a new generation: the files of the current one
/// are hard-linked into a build directory (tantivy never rewrites a file),
/// the commit happens there, and it is then swapped in by name. A reader never
/// sees a half-applied patch.
///
/// Returns the number of documents rewritten, or why a full rebuild is
/// needed instead: too many changes, any problem (the full `check` then
/// reports it with every diagnostic), or another writer busy.
pub fn update(
    index_dir: &Path,
    knowledge: &Path,
    store: &Store,
    scan: &[FileMeta],
    today: Date,
) -> Result<Patch> {
    let Some(old) = read_manifest(&store.dir, &store.fingerprint) else {
        return Ok(Patch::Rebuild("the index has no file list"));
    };
    let (changed, removed) = diff(&old.all()?, scan);
    let changes = Changes {
        changed,
        removed,
        fingerprint: fingerprint_of(scan),
    };
    patch(index_dir, knowledge, store, &old, &changes, today)
}

/// What changed in `knowledge/` since a generation was built: found by a
/// walk compared with the manifest ([`update`]), or from a file-system
/// monitor's list of changed paths.
#[derive(Clone, Debug, Default)]
pub struct Changes {
    /// Files new or different, as they are now.
    pub changed: Vec<FileMeta>,
    /// Paths gone.
    pub removed: Vec<String>,
    /// The fingerprint of `knowledge/` with these changes.
    pub fingerprint: String,
}

/// The entity file a text belongs to (`a/b.txt` → `a/b.ron`).
pub(super) fn entity_of_text(path: &str) -> Option<String> {
    path.strip_suffix(".txt").map(|stem| format!("{stem}.ron"))
}

/// [`update`] with the changes known, against the manifest `old` of the
/// store's generation.
pub(super) fn patch(
    index_dir: &Path,
    knowledge: &Path,
    store: &Store,
    old: &Manifest,
    changes: &Changes,
    today: Date,
) -> Result<Patch> {
    if !store.left_out.files.is_empty() {
        return Ok(Patch::Rebuild("the last build left out files with errors"));
    }
    let gen = store.dir.clone();
    if current_generation(index_dir).as_ref() != Some(&gen) {
        return Ok(Patch::Rebuild(
            "another process replaced the index meanwhile",
        ));
    };
    if store.searcher.segment_readers().len() >= MAX_SEGMENTS {
        return Ok(Patch::Rebuild(
            "the index has too many segments; a rebuild compacts it",
        ));
    }
    if changes.changed.len() + changes.removed.len() > MAX_INCREMENTAL {
        return Ok(Patch::Rebuild("more than 2,000 files changed"));
    }
    let removed_set: std::collections::HashSet<&str> =
        changes.removed.iter().map(String::as_str).collect();
    // The entity files to parse again: those changed, and those whose
    // text (`.txt` beside them) changed, came or went.
    let mut changed: Vec<String> = changes
        .changed
        .iter()
        .map(|(p, _, _)| p.clone())
        .filter(|p| entity_of_text(p).is_none())
        .collect();
    let texts = changes
        .changed
        .iter()
        .map(|(p, _, _)| p.as_str())
        .chain(removed_set.iter().copied())
        .filter_map(entity_of_text);
    for ron in texts {
        if changed.contains(&ron) || removed_set.contains(ron.as_str()) {
            continue;
        }
        if old.get(&ron)?.is_some() {
            changed.push(ron);
        }
    }
    let removed: Vec<&str> = changes
        .removed
        .iter()
        .map(String::as_str)
        .filter(|p| entity_of_text(p).is_none())
        .collect();
    let changed: Vec<&str> = changed.iter().map(String::as_str).collect();
    // Ids whose documents go away or change.
    let mut old_ids: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for p in changed.iter().chain(&removed) {
        if let Some(e) = old.get(p)? {
            if !e.id.is_empty() {
                old_ids.insert(e.id);
            }
        }
    }
    let changed_paths: std::collections::HashSet<&str> =
        changed.iter().chain(&removed).copied().collect();
    // An imported entity, or a hand-written one that an import enriches,
    // may be merged from two files (see `check::merge`): rebuild it whole.
    for id in &old_ids {
        if store
            .node(id)?
            .is_some_and(|n| n.entity.provenance.is_some())
        {
            return Ok(Patch::Rebuild("an imported or enriched entity changed"));
        }
    }

    // 1. Parse the changed files.
    let mut loaded = crate::load::LoadResult::default();
    let mut fresh: BTreeMap<String, Entity> = BTreeMap::new();
    let mut fresh_path: HashMap<String, String> = HashMap::new();
    for rel in &changed {
        let rel_path = PathBuf::from(rel);
        let Ok(text) = crate::load::read_file(&knowledge.join(rel), &rel_path) else {
            return Ok(Patch::Rebuild("a changed file cannot be read"));
        };
        let Ok(mut entity) = crate::load::parse_entity(&rel_path, &text) else {
            return Ok(Patch::Rebuild("a changed file does not parse"));
        };
        entity.text = crate::load::read_text(knowledge, &rel_path);
        if entity.provenance.is_some() {
            return Ok(Patch::Rebuild("an imported file changed"));
        }
        if fresh.insert(entity.id.clone(), entity.clone()).is_some() {
            return Ok(Patch::Rebuild("two changed files share an id"));
        }
        fresh_path.insert(entity.id.clone(), (*rel).to_owned());
        loaded.entities.push(crate::load::Loaded {
            entity,
            file: loaded.files.len(),
        });
        loaded.files.push(crate::load::SourceFile {
            path: rel_path,
            text,
        });
    }
    // The stored node of an id, unless the change replaces or removes it.
    let unchanged = |id: &str| -> Result<Option<Rc<Node>>> {
        Ok(store
            .node(id)?
            .filter(|n| !changed_paths.contains(n.path.as_str())))
    };

    // 2. Check the changed entities by the rules of `check` itself, run
    //    over them and over stand-ins for what they touch, read from the
    //    snapshot. A stand-in keeps only what a corpus-wide rule needs to
    //    see: its id and kind; its `part_of` links when it is on a changed
    //    entity's `part_of` chain (the cycle rule); its references to a
    //    removed entity (the dangling-reference rule).
    let mut stubs: BTreeMap<String, (Entity, String)> = BTreeMap::new();
    let stub_of = |n: &Node| {
        let mut stub = n.entity.clone();
        stub.relations.clear();
        stub.events.clear();
        stub.deadlines.clear();
        (stub, n.path.clone())
    };
    for e in fresh.values() {
        if unchanged(&e.id)?.is_some() {
            // A duplicate id: let `check` show both places.
            return Ok(Patch::Rebuild("a changed file reuses an existing id"));
        }
        let targets = e
            .relations
            .iter()
            .map(|r| &r.to)
            .chain(e.events.iter().filter_map(|ev| ev.by.as_ref()))
            .chain(
                e.deadlines
                    .iter()
                    .flat_map(|d| std::iter::once(&d.owner).chain(&d.fulfilled_by)),
            );
        for t in targets {
            if fresh.contains_key(t) || stubs.contains_key(t) {
                continue;
            }
            match unchanged(t)? {
                Some(n) => {
                    stubs.insert(t.clone(), stub_of(&n));
                }
                None => {
                    // Dangling: the full `check` reports it.
                    return Ok(Patch::Rebuild(
                        "a changed file refers to an entity that is not in the index",
                    ));
                }
            }
        }
    }
    // The `part_of` ancestors of every changed entity, with their links.
    let part_of = |e: &Entity| -> Vec<String> {
        e.relations
            .iter()
            .filter(|r| r.rel == crate::model::RelationKind::PartOf)
            .map(|r| r.to.clone())
            .collect()
    };
    let mut queue: Vec<String> = fresh.values().flat_map(&part_of).collect();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    while let Some(id) = queue.pop() {
        if fresh.contains_key(&id) || !seen.insert(id.clone()) {
            continue;
        }
        let Some(n) = unchanged(&id)? else { continue };
        let (stub, _) = stubs.entry(id.clone()).or_insert_with(|| stub_of(&n));
        for r in &n.entity.relations {
            if r.rel == crate::model::RelationKind::PartOf && !stub.relations.contains(r) {
                stub.relations.push(r.clone());
            }
        }
        queue.extend(part_of(&n.entity));
    }
    // Unchanged entities that still refer to a removed one.
    for id in &old_ids {
        if fresh.contains_key(id) {
            continue;
        }
        let Some(gone) = store.node(id)? else {
            continue;
        };
        for (p, r) in &gone.incoming {
            if old_ids.contains(&p.id) || fresh.contains_key(&p.id) {
                continue;
            }
            let Some(n) = unchanged(&p.id)? else { continue };
            let (stub, _) = stubs.entry(p.id.clone()).or_insert_with(|| stub_of(&n));
            if !stub.relations.contains(r) {
                stub.relations.push(r.clone());
            }
        }
    }
    for (_, (entity, path)) in stubs {
        loaded.entities.push(crate::load::Loaded {
            entity,
            file: loaded.files.len(),
        });
        loaded.files.push(crate::load::SourceFile {
            path: PathBuf::from(path),
            text: String::new(),
        });
    }
    let checked = crate::check::check(loaded);
    if checked.errors() > 0 {
        return Ok(Patch::Rebuild(
            "a changed file has errors, or breaks a rule across files",
        ));
    }

    // 3. Every document whose content changes.
    let mut affected: std::collections::BTreeSet<String> = old_ids.clone();
    for id in &old_ids {
        if let Some(n) = store.node(id)? {
            affected.extend(n.out.iter().map(|p| p.id.clone()));
            affected.extend(n.incoming.iter().map(|(p, _)| p.id.clone()));
        }
    }
    for e in fresh.values() {
        affected.insert(e.id.clone());
        affected.extend(e.relations.iter().map(|r| r.to.clone()));
    }
    let peer_of = |id: &str| -> Result<Peer> {
        Ok(match fresh.get(id) {
            Some(e) => PeerRef::of(e).to_peer(),
            None => match unchanged(id)? {
                Some(n) => PeerRef::of(&n.entity).to_peer(),
                None => PeerRef::missing(id).to_peer(),
            },
        })
    };
    let mut nodes: Vec<Node> = Vec::new();
    for id in &affected {
        // A changed hand-written file has no imported files merged into
        // it: those make a rebuild (above).
        let (entity, path, merged, old_incoming) = match fresh.get(id) {
            Some(e) => {
                let path = fresh_path.get(id).cloned().unwrap_or_default();
                let old_incoming = store
                    .node(id)?
                    .map(|n| n.incoming.clone())
                    .unwrap_or_default();
                (e.clone(), path, Vec::new(), old_incoming)
            }
            None => match unchanged(id)? {
                Some(n) => (
                    n.entity.clone(),
                    n.path.clone(),
                    n.merged.clone(),
                    n.incoming.clone(),
                ),
                None => continue, // removed
            },
        };
        let mut incoming: Vec<(Peer, Relation)> = old_incoming
            .into_iter()
            .filter(|(p, _)| !old_ids.contains(&p.id) && !fresh.contains_key(&p.id))
            .collect();
        for f in fresh.values() {
            for r in f.relations.iter().filter(|r| &r.to == id) {
                incoming.push((PeerRef::of(f).to_peer(), r.clone()));
            }
        }
        let mut refreshed = Vec::with_capacity(incoming.len());
        for (p, r) in incoming {
            refreshed.push((peer_of(&p.id)?, r));
        }
        let out = entity
            .relations
            .iter()
            .map(|r| peer_of(&r.to))
            .collect::<Result<Vec<_>>>()?;
        nodes.push(Node {
            entity,
            path,
            merged,
            out,
            incoming: refreshed,
        });
    }
    // The same order as a full build gives: by the source's id, and in
    // file order within one source.
    for n in &mut nodes {
        n.incoming.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    }
    let staged = stage(index_dir)?;
    link_generation(&gen, staged.path())?;
    let index = Index::open_in_dir(staged.path()).map_err(ix)?;
    crate::text::register_tokenizers(&index);
    let f = store.fields;
    let Ok(mut writer) = index.writer_with_num_threads::<TantivyDocument>(1, 16 * 1024 * 1024)
    else {
        return Ok(Patch::Rebuild("the index writer is busy"));
    };
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    // Exact token totals for scoring (see `stats`): the old ones, minus
    // the documents deleted, plus those added.
    let Some(mut totals) = super::stats::totals(&store.dir, &store.searcher)? else {
        return Ok(Patch::Rebuild("the index lacks exact token counts"));
    };
    for id in &affected {
        writer.delete_term(Term::from_field_text(f.id, id));
        if let Some(old) = store.node(id)? {
            let doc = document(&f, &Node::as_ref(&old), today)?;
            super::stats::doc_tokens(&index, &doc, &mut totals, -1);
        }
    }
    for n in &nodes {
        let doc = document(&f, &n.as_ref(), today)?;
        super::stats::doc_tokens(&index, &doc, &mut totals, 1);
        writer.add_document(doc).map_err(ix)?;
    }
    super::stats::write(staged.path(), &totals)?;
    let fingerprint = changes.fingerprint.as_str();
    // The manifest's new records: what each changed path is now, with the
    // id it holds, and a tombstone for each path gone.
    let id_at: HashMap<&str, &str> = nodes
        .iter()
        .map(|n| (n.path.as_str(), n.entity.id.as_str()))
        .collect();
    let records = changes
        .changed
        .iter()
        .map(|(p, size, stamp)| {
            let entry = Entry {
                size: *size,
                stamp: *stamp,
                id: id_at
                    .get(p.as_str())
                    .map(|s| (*s).to_owned())
                    .unwrap_or_default(),
            };
            (p.clone(), Some(entry))
        })
        .chain(changes.removed.iter().map(|p| (p.clone(), None)))
        .collect();
    old.patch(&gen, staged.path(), fingerprint, records)?;
    let mut prepared = writer.prepare_commit().map_err(ix)?;
    let next = match (store.valid_until, next_event_after(fresh.values(), today)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    prepared.set_payload(&payload(fingerprint, next));
    prepared.commit().map_err(ix)?;
    writer.wait_merging_threads().map_err(ix)?;
    drop(index);
    publish(index_dir, staged)?;
    Ok(Patch::Patched(nodes.len()))
}

/// What [`update`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Patch {
    /// The index was patched: this many documents were rewritten.
    Patched(usize),
    /// A full rebuild is needed, for this reason.
    Rebuild(&'static str),
}

/// Fills a build directory with the files of generation `from`: hard
/// links where the file system allows them (tantivy writes new files and
/// replaces its metadata by renaming, so the old generation is never
/// changed through a link), copies elsewhere. Locks, the manifest (see
/// [`Manifest::patch`]) and the readers' lock file are the new
/// generation's own.
fn link_generation(from: &Path, to: &Path) -> Result<()> {
    let rd = std::fs::read_dir(from).map_err(|e| Error::io(from, e))?;
    for entry in rd {
        let entry = entry.map_err(|e| Error::io(from, e))?;
        let name = entry.file_name();
        let n = name.to_string_lossy();
        if n == READERS || n == BASE || n == LOG || n.ends_with(".lock") || n == "left-out.json" {
            continue;
        }
        if !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let src = entry.path();
        let dst = to.join(&name);
        if std::fs::hard_link(&src, &dst).is_err() {
            std::fs::copy(&src, &dst).map_err(|e| Error::io(&dst, e))?;
        }
    }
    Ok(())
}
