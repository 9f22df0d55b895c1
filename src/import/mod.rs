//! Importers: official records read into `knowledge/imported/<importer>/`,
//! one RON file per record, beside the hand-written knowledge.
//!
//! # How a source plugs in
//!
//! A source module (such as [`federal_register`]) does only the reading:
//!
//! 1. it reads each input with [`json::read_value`] (a file that is not JSON
//!    fails there, at `file:line:col`, before anything is written), and
//!    decodes each record on its own into lenient serde types (every field
//!    optional; [`json::Text`] for values that are numbers or strings);
//! 2. it turns each record into a [`Record`]: an [`Entity`] with a
//!    [`Provenance`] (importer, URL or file, retrieval day), the official
//!    identifiers to match it by ([`Key`]s: any `(scheme, value)` pair),
//!    a preferred id and directory, and [`Link`]s to other records by
//!    their keys (with a placeholder to create when the target is nowhere);
//!    a record that cannot be read becomes an [`Unreadable`] entry instead,
//!    named by its identifier and position;
//! 3. it hands the [`Batch`] to [`apply`], which does the rest the same way
//!    for every source: match records to existing entities by identifier
//!    (a hand-written entity is *enriched*: the import writes a file with
//!    its id under `imported/`, merged at load time, and never touches the
//!    hand-written file), resolve links, create placeholders marked
//!    `incomplete`, write each file atomically, leave unchanged files
//!    alone, and count everything in a [`Report`].
//!
//! Writing is safe to interrupt: a file is replaced by a rename, and a new
//! record that others in the batch point at is first written as a bare
//! placeholder, so that the knowledge base is valid at every moment and
//! the next run completes the import.

pub mod bill;
pub mod bills;
pub mod congress;
pub mod federal_register;
pub mod fr_api;
pub mod fr_notes;
pub mod fr_text;
pub mod http;
pub mod json;
pub mod legiscan;
pub mod lenient;
pub mod merge;
mod names;
mod publish;
use publish::*;
pub mod openstates;
pub mod passage;
pub mod report;
pub mod titles;
pub mod write;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use crate::model::{Date, Deadline, Entity, IdScheme, Kind, Provenance, Relation, Source};

pub use report::{Change, FileReport, Report, Unparsed, Unreadable};

/// The directory, under the knowledge directory, that importers own.
pub const IMPORTED_DIR: &str = "imported";

/// Why an import could not run. A record that cannot be read is not an
/// error: it is listed in the [`Report`] and the others are imported.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// An I/O operation failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The input is not JSON, or is cut short.
    #[error("{input}:{line}:{column}: {message}")]
    Json {
        /// The file or URL.
        input: String,
        /// 1-based line.
        line: usize,
        /// 1-based column (0 at the very end of a line).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The input is JSON, but not of a shape this importer reads.
    #[error("{input}: {message}")]
    Input {
        /// The file or URL.
        input: String,
        /// What is wrong.
        message: String,
    },
    /// A request failed for good (after retries).
    #[error("{url}: {message}")]
    Http {
        /// The URL.
        url: String,
        /// What went wrong.
        message: String,
    },
    /// A file could not be written (see [`crate::fsio`]).
    #[error(transparent)]
    Write(Box<crate::Error>),
    /// An entity could not be written as RON that reads back the same.
    #[error("{}: cannot write this record: {message}", path.display())]
    Render {
        /// The file it was meant for.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

impl ImportError {
    /// Wraps an I/O error with its path.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> ImportError {
        ImportError::Io {
            path: path.into(),
            source,
        }
    }
}

/// An official identifier used to match records: a scheme and a value,
/// compared without regard to case or runs of spaces. Sources normalise
/// their own notations (bill numbers, say) before making a key.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Key {
    /// The scheme.
    pub scheme: IdScheme,
    /// The value, normalised.
    pub value: String,
}

impl Key {
    /// A key for `value` in `scheme`.
    pub fn new(scheme: IdScheme, value: &str) -> Key {
        Key {
            scheme,
            value: value
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase(),
        }
    }
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.scheme, self.value)
    }
}

/// Where a link goes in the record once its target is known.
#[derive(Clone, Debug)]
pub enum Slot {
    /// A relation; its `to` is filled in.
    Relation(Relation),
    /// A deadline; its `owner` is filled in. Dropped (with a warning) when
    /// the owner is nowhere and there is no placeholder.
    DeadlineOwner(Deadline),
    /// The `by` of the event at this index.
    EventBy(usize),
    /// A relation that belongs to the target and points back at this
    /// record ("revoked by EO 13304": EO 13304 revokes this one). It is
    /// written into the target's imported file (a placeholder, the
    /// target's own imported record, or an enrichment file of a
    /// hand-written target), with its note starting with [`NOTED_BY`] and
    /// this record's label; relations so marked are kept when that file is
    /// rewritten by a later import.
    Incoming(Relation),
}

/// How the note of a relation that another record put on an entity
/// starts (see [`Slot::Incoming`]).
pub const NOTED_BY: &str = "Noted by ";

/// A reference from a record to another record, by the target's keys.
#[derive(Clone, Debug)]
pub struct Link {
    /// What to fill in.
    pub slot: Slot,
    /// The target's keys, tried in order.
    pub targets: Vec<Key>,
    /// A placeholder to create when no entity and no record of the batch
    /// has any of the keys. `None`: the link is left out, with a warning.
    pub stub: Option<Box<Record>>,
}

/// One record, ready to be written.
#[derive(Clone, Debug)]
pub struct Record {
    /// Official identifiers to match it by; the entity's `identifiers`
    /// should hold them too.
    pub keys: Vec<Key>,
    /// How reports name the record (a document number, a bill id).
    pub label: String,
    /// The id it gets when it matches nothing.
    pub id: String,
    /// Its directory under `imported/<importer>/`.
    pub dir: PathBuf,
    /// The entity; its `id` is set by [`apply`], and its relations,
    /// deadlines and event actors are completed from `links`.
    pub entity: Entity,
    /// References to other records.
    pub links: Vec<Link>,
    /// Free-text lines the source could not parse (kept in `notes` by the
    /// source, listed in the report).
    pub unparsed: Vec<String>,
}

/// What a source read.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    /// The importer's name, also its directory under `imported/`.
    pub importer: String,
    /// Put before an id that is already taken by another entity.
    pub prefix: String,
    /// The records, in input order; a later record with a key of an
    /// earlier one replaces it.
    pub records: Vec<Record>,
    /// Records that could not be read.
    pub unreadable: Vec<Unreadable>,
    /// Other things worth knowing.
    pub warnings: Vec<String>,
    /// Each record's normalised document text, by record label, written
    /// beside the record's file (`.txt`).
    pub texts: BTreeMap<String, String>,
    /// What reading the texts found wrong (kept in the report).
    pub text_report: fr_text::TextReport,
}

/// How to import.
#[derive(Clone, Debug)]
pub struct Options {
    /// Compute and report, write nothing.
    pub dry_run: bool,
    /// Stop with an error after this many files are written, as if the
    /// process had been killed there (for tests of interrupted imports).
    pub stop_after: Option<usize>,
}

/// An entity already in the knowledge directory.
#[derive(Debug)]
struct Known {
    id: String,
    path: PathBuf,
    curated: bool,
    entity: Entity,
}

/// Every entity of the knowledge directory, by id and by identifier.
#[derive(Debug, Default)]
struct Catalog {
    known: Vec<Known>,
    curated_keys: HashMap<Key, usize>,
    imported_keys: HashMap<Key, usize>,
    /// Ids of hand-written entities.
    curated_ids: HashMap<String, usize>,
    /// Imported files by id (one per importer).
    imported_ids: HashMap<String, Vec<usize>>,
    /// Imported files by importer and key.
    own_keys: HashMap<(String, Key), usize>,
    /// Files that exist but did not parse, with where and why.
    unparsable: BTreeMap<PathBuf, String>,
}

impl Catalog {
    fn load(knowledge: &Path) -> crate::Result<Catalog> {
        let loaded = crate::load::load_dir(knowledge)?;
        let mut c = Catalog::default();
        for d in &loaded.diagnostics {
            c.unparsable
                .entry(d.location.path.clone())
                .or_insert_with(|| {
                    format!("{}:{}: {}", d.location.line, d.location.col, d.message)
                });
        }
        for l in loaded.entities {
            let e = l.entity;
            let path = loaded.files[l.file].path.clone();
            let curated = e.provenance.is_none();
            let i = c.known.len();
            let map = if curated {
                &mut c.curated_keys
            } else {
                &mut c.imported_keys
            };
            let keys: Vec<Key> = e
                .identifiers
                .iter()
                .map(|id| Key::new(id.scheme, &id.value))
                // Bills are matched by jurisdiction, session and number.
                .chain(bill::entity_keys(&e))
                .collect();
            if let Some(p) = &e.provenance {
                for k in &keys {
                    c.own_keys
                        .entry((p.importer.clone(), k.clone()))
                        .or_insert(i);
                }
            }
            for k in keys {
                map.entry(k).or_insert(i);
            }
            if curated {
                c.curated_ids.entry(e.id.clone()).or_insert(i);
            } else {
                c.imported_ids.entry(e.id.clone()).or_default().push(i);
            }
            c.known.push(Known {
                id: e.id.clone(),
                path,
                curated,
                entity: e,
            });
        }
        Ok(c)
    }

    /// The entity with one of `keys`: hand-written first.
    fn find(&self, keys: &[Key]) -> Option<&Known> {
        keys.iter()
            .find_map(|k| self.curated_keys.get(k))
            .or_else(|| keys.iter().find_map(|k| self.imported_keys.get(k)))
            .map(|&i| &self.known[i])
    }

    /// The file `importer` wrote for `id`, if any. A bill from two
    /// sources has a file from each, merged into one entity by `check`.
    fn own(&self, id: &str, importer: &str) -> Option<&Known> {
        self.imported_ids
            .get(id)?
            .iter()
            .map(|&i| &self.known[i])
            .find(|k| {
                k.entity
                    .provenance
                    .as_ref()
                    .is_some_and(|p| p.importer == importer)
            })
    }

    /// The file `importer` wrote for a record with one of `keys`, if any.
    fn own_by_keys(&self, keys: &[Key], importer: &str) -> Option<&Known> {
        keys.iter()
            .find_map(|k| self.own_keys.get(&(importer.to_owned(), k.clone())))
            .map(|&i| &self.known[i])
    }

    fn id_taken(&self, id: &str) -> bool {
        self.curated_ids.contains_key(id) || self.imported_ids.contains_key(id)
    }
}

/// A record placed: its final id and path.
struct Placed {
    record: Record,
    path: PathBuf,
    /// The hand-written entity with the same id, when it enriches one.
    enriches: Option<Kind>,
}

/// Where a link's target is.
enum Found {
    /// A record of this import.
    Placed(usize),
    /// An entity on disk only.
    Known(usize),
}

/// The records of an import as they are given ids and paths.
struct Placing<'c> {
    catalog: &'c Catalog,
    /// Hand-written entities by name (see [`names::index`]).
    names: &'c HashMap<String, Vec<usize>>,
    /// The importer's name, which is also its directory under `imported/`.
    importer: String,
    base: PathBuf,
    prefix: String,
    placed: Vec<Placed>,
    by_key: HashMap<Key, usize>,
    by_id: HashMap<String, usize>,
}

impl Placing<'_> {
    fn curated_kind(&self, id: &str) -> Option<Kind> {
        self.catalog
            .curated_ids
            .get(id)
            .map(|&j| self.catalog.known[j].entity.kind)
    }

    fn push(&mut self, mut rec: Record, id: String, path: PathBuf) -> usize {
        let i = self.placed.len();
        for k in &rec.keys {
            self.by_key.insert(k.clone(), i);
        }
        self.by_id.insert(id.clone(), i);
        rec.entity.id = id;
        let enriches = self.curated_kind(&rec.entity.id);
        self.placed.push(Placed {
            record: rec,
            path,
            enriches,
        });
        i
    }

    /// Gives `rec` its id and path: those of the entity it matches, else
    /// its own. A record seen before in the batch is replaced (newer data).
    fn place(&mut self, mut rec: Record) -> usize {
        if let Some(&i) = rec.keys.iter().find_map(|k| self.by_key.get(k)) {
            rec.entity.id = self.placed[i].record.entity.id.clone();
            for k in &rec.keys {
                self.by_key.insert(k.clone(), i);
            }
            self.placed[i].record = rec;
            return i;
        }
        let catalog = self.catalog;
        let found = match catalog.find(&rec.keys) {
            // A hand-written entity is matched first, by identifier, then
            // an actor by name or short name; else the file this importer
            // wrote before (which keeps its id, even when the rules for
            // ids changed since), else another source's.
            Some(k) if k.curated => Some(k),
            other => names::curated_match(catalog, self.names, &rec.keys, &rec.entity)
                .map(|i| &catalog.known[i])
                .or_else(|| catalog.own_by_keys(&rec.keys, &self.importer))
                .or(other),
        };
        let (id, path) = match found {
            // The entity is on disk: this importer's file of it, or a new
            // one beside its others (a hand-written entity, or a bill
            // another source brought, is enriched, never rewritten).
            Some(k) => {
                let path = match catalog.own(&k.id, &self.importer) {
                    Some(own) => own.path.clone(),
                    None => self
                        .base
                        .join(fit_dir(&rec.dir))
                        .join(format!("{}.ron", k.id)),
                };
                (k.id.clone(), path)
            }
            None => {
                let own = own_id(&rec.id, &rec.keys, &rec.label);
                let mut id = own.clone();
                let free = |id: &str, by_id: &HashMap<String, usize>| {
                    !catalog.id_taken(id) && !by_id.contains_key(id)
                };
                if !free(&id, &self.by_id) {
                    id = fit_id(&format!("{}-{own}", self.prefix));
                    let mut n = 2;
                    while !free(&id, &self.by_id) {
                        id = fit_id(&format!("{}-{own}-{n}", self.prefix));
                        n += 1;
                    }
                }
                let path = self.base.join(fit_dir(&rec.dir)).join(format!("{id}.ron"));
                (id, path)
            }
        };
        if let Some(&i) = self.by_id.get(&id) {
            // Another key of an entity already placed.
            for k in &rec.keys {
                self.by_key.insert(k.clone(), i);
            }
            return i;
        }
        self.push(rec, id, path)
    }

    /// Places the imported file of an entity that is on disk but not in
    /// the input, so that a relation can be added to it: its own imported
    /// file as it is, or, for a hand-written entity without one, a new
    /// enrichment file (in `dir`) that cites `source`.
    fn place_known(
        &mut self,
        k: usize,
        dir: &Path,
        source: Option<Source>,
        prov: Provenance,
    ) -> usize {
        let catalog = self.catalog;
        let known = &catalog.known[k];
        if let Some(&i) = self.by_id.get(&known.id) {
            return i;
        }
        let (entity, path) = {
            match catalog.own(&known.id, &self.importer) {
                Some(own) => (own.entity.clone(), own.path.clone()),
                None => {
                    let c = &known.entity;
                    let e = Entity {
                        text: None,
                        id: c.id.clone(),
                        kind: c.kind,
                        name: c.name.clone(),
                        names: Default::default(),
                        aliases: Vec::new(),
                        jurisdiction: c.jurisdiction.clone(),
                        session: None,
                        sponsors: Vec::new(),
                        summary: String::new(),
                        summaries: Default::default(),
                        identifiers: Vec::new(),
                        events: Vec::new(),
                        deadlines: Vec::new(),
                        relations: Vec::new(),
                        sources: source.into_iter().collect(),
                        tags: Vec::new(),
                        figure: None,
                        confidence: Default::default(),
                        notes: Vec::new(),
                        provenance: Some(prov),
                    };
                    let path = self.base.join(dir).join(format!("{}.ron", c.id));
                    (e, path)
                }
            }
        };
        let keys = entity
            .identifiers
            .iter()
            .map(|i| Key::new(i.scheme, &i.value))
            .collect();
        let rec = Record {
            keys,
            label: entity.id.clone(),
            id: entity.id.clone(),
            dir: dir.to_path_buf(),
            entity,
            links: Vec::new(),
            unparsed: Vec::new(),
        };
        let id = rec.id.clone();
        self.push(rec, id, path)
    }

    fn find(&self, keys: &[Key]) -> Option<Found> {
        if let Some(&i) = keys.iter().find_map(|k| self.by_key.get(k)) {
            return Some(Found::Placed(i));
        }
        let k = keys
            .iter()
            .find_map(|k| self.catalog.curated_keys.get(k))
            .or_else(|| keys.iter().find_map(|k| self.catalog.imported_keys.get(k)))?;
        match self.by_id.get(&self.catalog.known[*k].id) {
            Some(&i) => Some(Found::Placed(i)),
            None => Some(Found::Known(*k)),
        }
    }
}

/// Imports `batch` into `knowledge`: see the module documentation. The
/// caller holds the knowledge base's write lock, which a dry run needs too:
/// it reads the knowledge base as a whole.
pub fn apply(
    knowledge: &Path,
    batch: Batch,
    opts: &Options,
    _lock: &crate::lock::WriteLock,
) -> crate::Result<Report> {
    let catalog = Catalog::load(knowledge)?;
    let Batch {
        importer,
        prefix,
        records,
        unreadable,
        warnings,
        texts,
        text_report,
    } = batch;
    let mut report = Report {
        importer: importer.clone(),
        dry_run: opts.dry_run,
        records: records.len(),
        unreadable_records: unreadable,
        warnings,
        text_problems: text_report.problems,
        unmatched_texts: text_report.unmatched,
        unresolved_titles: text_report.unresolved_titles,
        ..Report::default()
    };

    // 1. Ids and paths.
    let curated_names = names::index(&catalog);
    let mut st = Placing {
        catalog: &catalog,
        names: &curated_names,
        importer: importer.clone(),
        base: PathBuf::from(IMPORTED_DIR).join(&importer),
        prefix,
        placed: Vec::new(),
        by_key: HashMap::new(),
        by_id: HashMap::new(),
    };
    for rec in records {
        st.place(rec);
    }

    // 2. Resolve links; create placeholders for targets found nowhere.
    let mut resolved: Vec<(usize, Slot, String)> = Vec::new();
    let mut incoming: Vec<(usize, Relation)> = Vec::new();
    let mut i = 0;
    while i < st.placed.len() {
        let links = std::mem::take(&mut st.placed[i].record.links);
        let label = st.placed[i].record.label.clone();
        let here = st.placed[i].record.entity.id.clone();
        for link in links {
            let found = st.find(&link.targets);
            let j = match (found, link.stub) {
                (Some(Found::Placed(j)), _) => Some(j),
                // This importer's own placeholder on disk is its to
                // rewrite: from the stub (which may know more, or be a
                // whole record). Anyone else's file, or its own complete
                // one, is linked to as it is.
                (Some(Found::Known(k)), Some(stub))
                    if catalog
                        .own(&catalog.known[k].id, &importer)
                        .is_some_and(is_placeholder) =>
                {
                    Some(st.place(*stub))
                }
                (Some(Found::Known(k)), stub) => match &link.slot {
                    Slot::Incoming(_) => {
                        let e = &st.placed[i].record.entity;
                        let source = e.sources.first().cloned();
                        let prov = e
                            .provenance
                            .clone()
                            .unwrap_or_else(|| provenance(&importer, "", Date::today()));
                        let dir = stub.map_or_else(|| PathBuf::from("enrich"), |s| s.dir);
                        Some(st.place_known(k, &dir, source, prov))
                    }
                    _ => {
                        resolved.push((i, link.slot, catalog.known[k].id.clone()));
                        continue;
                    }
                },
                (None, Some(stub)) => Some(st.place(*stub)),
                (None, None) => None,
            };
            let Some(j) = j else {
                // A law a text cites that has no entity is not a problem
                // (see fr_text: most laws have none).
                if matches!(&link.slot, Slot::Relation(r) if r.rel == crate::model::RelationKind::Cites && r.confidence == crate::model::Confidence::Extracted)
                {
                    continue;
                }
                let keys: Vec<String> = link.targets.iter().map(ToString::to_string).collect();
                report.warnings.push(format!(
                    "{label}: no entity has {}; the link is left out",
                    keys.join(" or ")
                ));
                continue;
            };
            match link.slot {
                Slot::Incoming(mut rel) => {
                    rel.to = here.clone();
                    rel.note = format!("{NOTED_BY}{label}: {}", rel.note);
                    rel.source = None;
                    incoming.push((j, rel));
                }
                other => {
                    let to = st.placed[j].record.entity.id.clone();
                    resolved.push((i, other, to));
                }
            }
        }
        i += 1;
    }
    let mut placed = st.placed;

    // 3. Complete each entity.
    let mut referenced: BTreeSet<String> = BTreeSet::new();
    for (i, slot, to) in resolved {
        let e = &mut placed[i].record.entity;
        if to == e.id {
            continue;
        }
        match slot {
            Slot::Relation(mut r) => {
                if e.relations.iter().any(|x| x.rel == r.rel && x.to == to) {
                    continue;
                }
                r.to = to.clone();
                e.relations.push(r);
            }
            Slot::DeadlineOwner(mut d) => {
                d.owner = to.clone();
                e.deadlines.push(d);
            }
            Slot::EventBy(k) => {
                if let Some(ev) = e.events.get_mut(k) {
                    ev.by = Some(to.clone());
                }
            }
            Slot::Incoming(_) => continue,
        }
        referenced.insert(to);
    }
    // Relations other records noted on an imported file are kept.
    for p in &mut placed {
        if let Some(own) = catalog.own(&p.record.entity.id, &importer) {
            for r in &own.entity.relations {
                if r.note.starts_with(NOTED_BY) {
                    let e = &mut p.record.entity;
                    if !e.relations.iter().any(|x| x.rel == r.rel && x.to == r.to) {
                        e.relations.push(r.clone());
                    }
                }
            }
        }
    }
    for (j, rel) in incoming {
        let Some(p) = placed.get_mut(j) else { continue };
        let e = &mut p.record.entity;
        if e.id != rel.to
            && !e
                .relations
                .iter()
                .any(|x| x.rel == rel.rel && x.to == rel.to)
        {
            referenced.insert(rel.to.clone());
            e.relations.push(rel);
        }
    }
    names::drop_clashing_aliases(&mut placed, &catalog, &curated_names, &mut report.warnings);
    for p in &mut placed {
        if let Some(kind) = p.enriches {
            p.record.entity.kind = kind;
        }
        for line in &p.record.unparsed {
            report.unparsed_lines.push(Unparsed {
                id: p.record.entity.id.clone(),
                record: p.record.label.clone(),
                line: line.clone(),
            });
        }
    }

    // 4. Render, compare, write: bare placeholders first for new records
    //    that others point at, so that no link dangles at any moment.
    let comment = format!(
        "Imported by `policygraph import {importer}`; the next import rewrites this file.\nWrite analysis in a hand-written file with the same id: it is merged with this one."
    );
    // (path, text, id, Added) of every file to write.
    let mut writes: Vec<(PathBuf, String, &str, bool)> = Vec::new();
    for p in &placed {
        let e = &p.record.entity;
        let abs = knowledge.join(&p.path);
        // Ids are made valid where they are made (`own_id`); one that is
        // not would be a file the loader skips or `check` rejects.
        if !crate::model::valid_id(&e.id) {
            report.unreadable_records.push(Unreadable {
                input: p.path.display().to_string(),
                index: 0,
                record: Some(p.record.label.clone()),
                message: format!("not written: `{}` is not a valid id", e.id),
            });
            continue;
        }
        if let Some(why) = catalog.unparsable.get(&p.path) {
            // An empty file (what a power cut can leave of a new file) is
            // written anew. Anything else somebody may have edited: a typo
            // must not cost them their notes, so the record waits until the
            // file reads again.
            if blank_file(&abs) {
                report.warnings.push(format!(
                    "{}: the file was empty; it is written anew",
                    p.path.display()
                ));
            } else {
                report.unreadable_records.push(Unreadable {
                input: p.path.display().to_string(),
                index: 0,
                record: Some(p.record.label.clone()),
                    message: format!(
                        "not written: the file in its place does not parse ({why}); fix it, or delete it to have it imported anew"
                    ),
                });
                continue;
            }
        }
        let text = write::render_checked(e, &comment, &p.path)?;
        let old = match std::fs::read_to_string(&abs) {
            Ok(t) => Some(t),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => None,
            Err(err) => return Err(ImportError::io(&abs, err).into()),
        };
        let change = match &old {
            None => Change::Added,
            Some(t) if *t == text => Change::Unchanged,
            Some(t) => match crate::load::parse_entity(&p.path, t) {
                Ok(prev) if prev.provenance.is_none() => {
                    report.warnings.push(format!(
                        "{}: a hand-written file is in the way; left alone",
                        p.path.display()
                    ));
                    continue;
                }
                Ok(prev) if same_but_retrieval(&prev, e) => Change::Unchanged,
                _ => Change::Changed,
            },
        };
        let incomplete = e.provenance.as_ref().is_some_and(|p| p.incomplete);
        report.files.push(FileReport {
            path: p.path.clone(),
            id: e.id.clone(),
            change,
            incomplete,
            enriches: p.enriches.is_some(),
        });
        if change == Change::Unchanged {
            continue;
        }
        writes.push((p.path.clone(), text, &e.id, change == Change::Added));
    }
    let by_id: HashMap<&str, &Entity> = placed
        .iter()
        .map(|p| (p.record.entity.id.as_str(), &p.record.entity))
        .collect();
    if !opts.dry_run {
        let order = write_order(&writes, &by_id, &referenced);
        let mut sink = Sink {
            written: 0,
            stop_after: opts.stop_after,
            knowledge,
        };
        publish(&mut sink, knowledge, &order, &writes, &by_id, &comment)?;
    }
    // Texts, after the records they belong to: a text beside a file that
    // is not there yet would be read by nobody.
    let written: BTreeSet<&Path> = report.files.iter().map(|f| f.path.as_path()).collect();
    for p in &placed {
        let Some(text) = texts.get(&p.record.label) else {
            continue;
        };
        if !written.contains(p.path.as_path()) {
            continue;
        }
        let rel = p.path.with_extension(crate::doctext::TEXT_EXTENSION);
        let abs = knowledge.join(&rel);
        if std::fs::read(&abs).is_ok_and(|old| old == text.as_bytes()) {
            report.texts_unchanged += 1;
            continue;
        }
        report.texts_written += 1;
        if !opts.dry_run {
            crate::fsio::write_atomic(&abs, text.as_bytes())
                .map_err(|e| ImportError::Write(Box::new(e)))?;
        }
    }
    report.unparsed_lines.sort_by(|a, b| a.id.cmp(&b.id));
    report.tally();
    Ok(report)
}

/// A provenance for a record read today from `from` by `importer`.
pub fn provenance(importer: &str, from: &str, today: Date) -> Provenance {
    Provenance {
        importer: importer.to_owned(),
        from: from.to_owned(),
        retrieved: today,
        incomplete: false,
    }
}

/// The id a new record asks for, made valid where it is made: the source's
/// choice ([`Record::id`]) as a slug; when that has no Latin letter or
/// digit (a name in Chinese, say), one from its first official identifier
/// (`fr-agency-571`), else from its label; shortened with a hash when too
/// long ([`fit_id`]). Always a valid id ([`crate::model::valid_id`]).
fn own_id(wanted: &str, keys: &[Key], label: &str) -> String {
    // A valid id is kept as the source made it (an id must not change
    // between two imports of the same record).
    if crate::model::valid_id(wanted) {
        return wanted.to_owned();
    }
    let mut id = slug(wanted, usize::MAX);
    if id.is_empty() {
        id = keys
            .first()
            .map(|k| slug(&k.to_string(), usize::MAX))
            .unwrap_or_default();
    }
    if id.is_empty() {
        id = format!("record-{:016x}", stable_hash(label));
    }
    fit_id(&id)
}

/// `id` when it is at most 64 characters; else its first part, cut at a
/// dash, and a hash of the whole, so that two long ids that share their
/// first 64 characters stay apart, and the same id is always shortened the
/// same way.
pub fn fit_id(id: &str) -> String {
    const MAX: usize = 64;
    if id.len() <= MAX {
        return id.to_owned();
    }
    let hash = format!("{:016x}", stable_hash(id));
    let keep = MAX - hash.len() - 1;
    let mut head = id[..keep].trim_end_matches('-').to_owned();
    if let Some(i) = head.rfind('-').filter(|&i| i > keep / 2) {
        head.truncate(i);
    }
    format!("{head}-{hash}")
}

/// A record's directory with every part fit for a file name as [`fit_id`]
/// fits ids: a session named by 300 characters must not fail the import.
fn fit_dir(dir: &Path) -> PathBuf {
    dir.components()
        .map(|c| match c {
            std::path::Component::Normal(part) => PathBuf::from(fit_id(&part.to_string_lossy())),
            other => PathBuf::from(other.as_os_str()),
        })
        .collect()
}

/// FNV-1a: a hash that is the same on every machine and in every version,
/// for ids written into files.
fn stable_hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// A readable id fragment from free text: lowercase `a-z0-9-`, at most
/// `max` characters, cut at a dash.
pub fn slug(s: &str, max: usize) -> String {
    let mut out = String::new();
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out = out.trim_end_matches('-').to_owned();
    if out.len() > max {
        out.truncate(max);
        if let Some(i) = out.rfind('-').filter(|&i| i > max / 2) {
            out.truncate(i);
        }
        out = out.trim_end_matches('-').to_owned();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_and_spaces() {
        assert_eq!(
            Key::new(IdScheme::FederalRegister, " 90  FR 38921"),
            Key::new(IdScheme::FederalRegister, "90 fr 38921")
        );
    }

    #[test]
    fn ids_are_valid_where_they_are_made() {
        // A name in Chinese: the id comes from the identifier.
        let keys = [Key::new(IdScheme::FrAgency, "571")];
        assert_eq!(own_id("", &keys, "中文"), "fr-agency-571");
        // Nothing Latin at all: from the label's hash, still valid.
        let id = own_id("中文", &[], "中文");
        assert!(crate::model::valid_id(&id), "{id}");
        // Too long, and two that share their first 64 characters.
        let long = "word-".repeat(20);
        let a = fit_id(&format!("federal-register-{long}a"));
        let b = fit_id(&format!("federal-register-{long}b"));
        assert!(
            crate::model::valid_id(&a) && crate::model::valid_id(&b),
            "{a} {b}"
        );
        assert_ne!(a, b);
        assert_eq!(a, fit_id(&format!("federal-register-{long}a")));
    }

    #[test]
    fn slugs() {
        assert_eq!(slug("Labor Department", 64), "labor-department");
        assert_eq!(slug("  A -- b!! ", 64), "a-b");
        assert!(slug(&"word ".repeat(40), 64).len() <= 64);
    }
}
