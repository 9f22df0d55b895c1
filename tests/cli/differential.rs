//! Differential test of the index (issue 14): a patched index must answer
//! exactly as a fresh full build of the same files.
//!
//! A seeded generator applies random edits to a small corpus: files added,
//! removed and moved, ids renamed (with or without fixing the references),
//! names changed, relations added, removed and retargeted, event dates
//! moved, files damaged and repaired, and "today" moved on. After every
//! step index A is refreshed incrementally (through `store::refresh`, or
//! through the binary's `index` on some steps) and index B is built from
//! scratch in a new directory. Then:
//!
//! - `Store::all_nodes()` and what was left out are equal;
//! - the binary's `--json` output of `show`, `agencies`, `neighbors`,
//!   `path`, `search` and `list`, run with `--no-refresh` against A and
//!   against B, is equal byte for byte (exit codes and messages too);
//! - A, refreshed again, is fresh;
//! - over the run, most steps were patches, so that the test does not
//!   compare two rebuilds.
//!
//! Two more sequences take the import and site paths (issue 23):
//!
//! - **imports**: on a copy of the shipped knowledge base, steps of the
//!   real binary's `import federal-register` (random subsets of the
//!   recorded input in `tests/fixtures/federal-register`, sometimes in
//!   another order, an earlier input again, or newer data of an earlier
//!   input's records) alternate with steps of hand edits (which leave the
//!   ids the imported files name or enrich alone). After each import
//!   `check` is clean and the same import again changes no file of
//!   `knowledge/imported/` (bytes and modification times); after every
//!   step A and B are compared as above;
//! - **site**: on the test fixture, after hand edits and now and then an
//!   import, `site -o A` (the same directory every step, so incremental)
//!   and `site -o B` (a new directory and index) exit alike and give
//!   byte-identical files, the manifest `.policygraph-site` aside; A holds
//!   no stage, and the foreign files planted in A after its first build
//!   (`.git/HEAD`, `CNAME`, `about.html`, `assets/custom.css`) survive
//!   every step unchanged and are A's only extra files.
//!
//! `PG_DIFF_CASES=N` sets the number of steps per sequence (default 24
//! on the test fixture, 10 on a synthetic corpus of 200 entities, 12 for
//! imports, 8 for the site); `PG_DIFF_SEED=S` replays or varies every
//! sequence. A failure prints the seed, the step and the edits that led
//! there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, SystemTime};

use policygraph::model::{Date, Entity, Event, Kind, Relation, RelationKind, Stage};
use policygraph::store::{self, Outcome};
use serde_json::Value;

use crate::util;

/// A small deterministic generator (SplitMix64).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// `PG_DIFF_CASES`, or the default.
pub(crate) fn cases(default: usize) -> usize {
    std::env::var("PG_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `PG_DIFF_SEED`, or a fixed seed so that CI is reproducible.
pub(crate) fn seed() -> u64 {
    std::env::var("PG_DIFF_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x00C0_FFEE)
}

const WORDS: &[&str] = &[
    "widget", "reserve", "pension", "custody", "ledger", "gadget", "savings", "audit", "token",
    "bond", "market", "trust", "harbor", "beacon", "quorum",
];

/// Kinds a new entity may have (figures need a value block, so they are
/// made from a template of their own).
const NEW_KINDS: &[Kind] = &[
    Kind::Agency,
    Kind::Office,
    Kind::Body,
    Kind::Person,
    Kind::Organization,
    Kind::ExecutiveOrder,
    Kind::Statute,
    Kind::Bill,
    Kind::Rule,
    Kind::Guidance,
    Kind::Report,
    Kind::Program,
    Kind::PlanType,
    Kind::AssetClass,
    Kind::Event,
    Kind::Figure,
];

/// The corpus on disk and the model it should match, and the two indexes.
struct World {
    _dir: tempfile::TempDir,
    root: PathBuf,
    knowledge: PathBuf,
    a: PathBuf,
    /// Relative path -> the entity the file should hold. Always valid.
    files: BTreeMap<String, Entity>,
    /// Paths whose text on disk is not the model's: damaged files, files
    /// with a dangling reference, extra copies. Repairs rewrite or remove them.
    junk: BTreeSet<String>,
    today: Date,
    clock: SystemTime,
    tick: u64,
    fresh_ids: usize,
    rng: Rng,
    seed: u64,
    /// Every edit, for the failure message.
    log: Vec<String>,
    /// The entities of `knowledge/imported/`, read back after each import,
    /// by id (an enrichment file has the id of the hand-written entity it
    /// enriches). Hand edits never touch these files.
    imported: BTreeMap<String, Entity>,
    /// Ids that hand edits do not remove or rename: those an imported file
    /// names or enriches (an import re-resolves only the records of its
    /// input, so a removed target would dangle until the next full import).
    protected: BTreeSet<String>,
}

impl World {
    fn new(corpus: &Path, seed: u64) -> World {
        let dir = util::tmp();
        let root = dir.path().to_path_buf();
        let knowledge = root.join("knowledge");
        util::copy_tree(corpus, &knowledge);
        let mut files = BTreeMap::new();
        for e in walkdir::WalkDir::new(&knowledge) {
            let e = e.unwrap();
            if e.path().extension().is_none_or(|x| x != "ron") {
                continue;
            }
            let rel = e.path().strip_prefix(&knowledge).unwrap();
            if rel.starts_with("imported") {
                continue;
            }
            let text = std::fs::read_to_string(e.path()).unwrap();
            let ent = policygraph::load::parse_entity(rel, &text)
                .unwrap_or_else(|d| panic!("{}: {d:?}", rel.display()));
            files.insert(rel.to_string_lossy().replace('\\', "/"), ent);
        }
        World {
            _dir: dir,
            a: root.join("index-a"),
            root,
            knowledge,
            files,
            junk: BTreeSet::new(),
            today: "2026-11-27".parse().unwrap(),
            clock: SystemTime::now(),
            tick: 0,
            fresh_ids: 0,
            rng: Rng(seed),
            seed,
            log: Vec::new(),
            imported: BTreeMap::new(),
            protected: BTreeSet::new(),
        }
    }

    fn opts(&self) -> store::Options {
        store::Options {
            today: self.today,
            wait: policygraph::lock::Wait::For(Duration::from_secs(30)),
            ..store::Options::default()
        }
    }

    // ---- the files on disk -------------------------------------------

    /// Writes a file and gives it a modification time of its own, so that
    /// edits within one clock tick still count.
    fn write_raw(&mut self, rel: &str, text: &str) {
        let p = self.knowledge.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
        self.tick += 1;
        let when = self.clock + Duration::from_secs(self.tick);
        std::fs::File::options()
            .write(true)
            .open(&p)
            .and_then(|f| f.set_modified(when))
            .unwrap();
    }

    fn text_of(e: &Entity) -> String {
        policygraph::load::ron_options()
            .to_string_pretty(e, ron::ser::PrettyConfig::default())
            .unwrap()
    }

    /// Writes the model's entity at `rel`.
    fn write(&mut self, rel: &str) {
        let text = Self::text_of(&self.files[rel]);
        self.write_raw(rel, &text);
        self.junk.remove(rel);
    }

    fn delete(&mut self, rel: &str) {
        std::fs::remove_file(self.knowledge.join(rel)).unwrap();
        self.junk.remove(rel);
    }

    // ---- the model ----------------------------------------------------

    fn ids(&self) -> Vec<String> {
        self.files.values().map(|e| e.id.clone()).collect()
    }

    fn path_of(&self, id: &str) -> Option<String> {
        self.files
            .iter()
            .find(|(_, e)| e.id == id)
            .map(|(p, _)| p.clone())
    }

    fn kind_of(&self, id: &str) -> Option<Kind> {
        self.files
            .values()
            .find(|e| e.id == id)
            .or_else(|| self.imported.get(id))
            .map(|e| e.kind)
    }

    /// Ids a hand-written relation may point at: the model's and the
    /// imported entities'.
    fn targets(&self) -> Vec<String> {
        let mut ids = self.ids();
        let model: BTreeSet<String> = ids.iter().cloned().collect();
        ids.extend(
            self.imported
                .keys()
                .filter(|k| !model.contains(*k))
                .cloned(),
        );
        ids
    }

    /// Whether `id` is only an imported entity (no hand-written file).
    fn only_imported(&self, id: &str) -> bool {
        self.imported.contains_key(id) && !self.files.values().any(|e| e.id == id)
    }

    fn random_path(&mut self) -> Option<String> {
        let paths: Vec<String> = self.files.keys().cloned().collect();
        if paths.is_empty() {
            None
        } else {
            Some(self.rng.pick(&paths).clone())
        }
    }

    fn words(&mut self, n: usize) -> String {
        let mut out = Vec::new();
        for _ in 0..n {
            let w = self.rng.pick(WORDS);
            let mut c = w.chars();
            let first = c.next().unwrap().to_ascii_uppercase();
            out.push(format!("{first}{}", c.as_str()));
        }
        out.join(" ")
    }

    fn date(&mut self) -> Date {
        let y = 2024 + self.rng.below(5) as i16;
        let m = 1 + self.rng.below(12) as i8;
        let d = 1 + self.rng.below(28) as i8;
        Date::new(y, m, d).unwrap()
    }

    /// Whether following `part_of` up from `to` reaches `from`.
    fn part_of_reaches(&self, to: &str, from: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut todo = vec![to.to_owned()];
        while let Some(id) = todo.pop() {
            if id == from {
                return true;
            }
            if !seen.insert(id.clone()) {
                continue;
            }
            let hand = self.files.values().find(|e| e.id == id);
            for e in hand.into_iter().chain(self.imported.get(&id)) {
                for r in &e.relations {
                    if r.rel == RelationKind::PartOf {
                        todo.push(r.to.clone());
                    }
                }
            }
        }
        false
    }

    /// A relation `check` accepts from `from` to `to`, if any.
    fn valid_relation(&mut self, from: &str, to: &str) -> Option<RelationKind> {
        if from == to {
            return None;
        }
        let (fk, tk) = (self.kind_of(from)?, self.kind_of(to)?);
        let ok: Vec<RelationKind> = RelationKind::ALL
            .iter()
            .copied()
            .filter(|r| {
                let (f, t) = r.allowed();
                f.is_none_or(|ks| ks.contains(&fk)) && t.is_none_or(|ks| ks.contains(&tk))
            })
            .filter(|r| *r != RelationKind::PartOf || !self.part_of_reaches(to, from))
            // The next import may give an imported agency a parent that
            // closes a cycle: that conflict is the user's, not a bug.
            .filter(|r| *r != RelationKind::PartOf || !self.only_imported(to))
            .collect();
        if ok.is_empty() {
            None
        } else {
            Some(*self.rng.pick(&ok))
        }
    }

    /// Paths of files that mention `id` (relations, event actors, deadlines).
    fn referrers(&self, id: &str) -> Vec<String> {
        self.files
            .iter()
            .filter(|(_, e)| {
                e.relations.iter().any(|r| r.to == id)
                    || e.events.iter().any(|v| v.by.as_deref() == Some(id))
                    || e.deadlines
                        .iter()
                        .any(|d| d.owner == id || d.fulfilled_by.iter().any(|f| f == id))
            })
            .map(|(p, _)| p.clone())
            .collect()
    }

    /// Rewrites every mention of `old` to `new` (or drops it when `None`)
    /// in the model, and writes the files touched, except when `stale`:
    /// then they keep the old text and are junk until repaired.
    fn rewrite_refs(&mut self, old: &str, new: Option<&str>, stale: bool) -> usize {
        let touched = self.referrers(old);
        for p in &touched {
            let e = self.files.get_mut(p).unwrap();
            match new {
                Some(n) => {
                    for r in &mut e.relations {
                        if r.to == old {
                            r.to = n.to_owned();
                        }
                    }
                    for v in &mut e.events {
                        if v.by.as_deref() == Some(old) {
                            v.by = Some(n.to_owned());
                        }
                    }
                    for d in &mut e.deadlines {
                        if d.owner == old {
                            d.owner = n.to_owned();
                        }
                        for f in &mut d.fulfilled_by {
                            if f == old {
                                *f = n.to_owned();
                            }
                        }
                    }
                }
                None => {
                    e.relations.retain(|r| r.to != old);
                    for v in &mut e.events {
                        if v.by.as_deref() == Some(old) {
                            v.by = None;
                        }
                    }
                    e.deadlines.retain(|d| d.owner != old);
                    for d in &mut e.deadlines {
                        d.fulfilled_by.retain(|f| f != old);
                    }
                }
            }
            if stale {
                self.junk.insert(p.clone());
            } else {
                self.write(p);
            }
        }
        touched.len()
    }

    fn new_id(&mut self, kind: Kind) -> String {
        self.fresh_ids += 1;
        format!("zz-{}-{}", kind.name().replace('_', "-"), self.fresh_ids)
    }

    fn template(&mut self, id: &str, kind: Kind) -> Entity {
        let figure = if kind == Kind::Figure {
            "    figure: (value: 12.5, unit: \"USD\", as_of: \"2025-03-31\"),\n"
        } else {
            ""
        };
        let text = format!(
            "(\n    id: \"{id}\",\n    kind: {},\n    name: \"{}\",\n    jurisdiction: \"{}\",\n    summary: \"{}\",\n{figure}    sources: [(title: \"Generated\")],\n)\n",
            kind.name(),
            self.words(3),
            if self.rng.chance(70) { "US" } else { "US-TX" },
            self.words(6),
        );
        policygraph::load::parse_entity(Path::new(&format!("{id}.ron")), &text)
            .unwrap_or_else(|d| panic!("{text}\n{d:?}"))
    }

    // ---- the edits --------------------------------------------------

    /// Applies one random edit and returns its description.
    fn edit(&mut self) -> String {
        let Some(p) = self.random_path() else {
            return self.add();
        };
        match self.rng.below(100) {
            0..=11 => self.add(),
            12..=19 => self.remove(&p),
            20..=27 => self.rename(&p),
            28..=37 => self.change_name(&p),
            38..=51 => self.add_relation(&p),
            52..=59 => self.remove_relation(&p),
            60..=69 => self.retarget(&p),
            70..=79 => self.move_date(&p),
            80..=85 => self.touch(&p),
            86..=90 => self.damage(&p),
            91..=96 => self.change_name(&p),
            _ => self.duplicate(&p),
        }
    }

    fn add(&mut self) -> String {
        let kind = *self.rng.pick(NEW_KINDS);
        let id = self.new_id(kind);
        let mut e = self.template(&id, kind);
        let dirs: BTreeSet<String> = self
            .files
            .keys()
            .map(|p| p.rsplit_once('/').map_or("", |x| x.0).to_owned())
            .collect();
        let dirs: Vec<String> = dirs.into_iter().collect();
        let dir = if dirs.is_empty() {
            String::new()
        } else {
            self.rng.pick(&dirs).clone()
        };
        let rel = if dir.is_empty() {
            format!("{id}.ron")
        } else {
            format!("{dir}/{id}.ron")
        };
        if kind.has_status() || self.rng.chance(20) {
            for _ in 0..1 + self.rng.below(2) {
                let date = self.date();
                let stage = *self.rng.pick(Stage::ALL);
                e.events.push(Event {
                    date,
                    stage,
                    note: String::new(),
                    by: None,
                    source: Some(0),
                    confidence: Default::default(),
                });
            }
            e.events.sort_by_key(|v| v.date);
        }
        self.files.insert(rel.clone(), e);
        let ids = self.ids();
        for _ in 0..self.rng.below(4) {
            let to = self.rng.pick(&ids).clone();
            if let Some(rel_kind) = self.valid_relation(&id, &to) {
                let date = self.rng.chance(30).then(|| self.date());
                self.files.get_mut(&rel).unwrap().relations.push(Relation {
                    evidence: None,
                    rel: rel_kind,
                    to,
                    date,
                    note: String::new(),
                    source: None,
                    confidence: Default::default(),
                });
            }
        }
        // Sometimes another file points at the new one in the same step.
        let mut also = String::new();
        if self.rng.chance(40) {
            let other = self.rng.pick(&ids).clone();
            if let Some(k) = self.valid_relation(&other, &id) {
                let op = self.path_of(&other).unwrap();
                self.files.get_mut(&op).unwrap().relations.push(Relation {
                    evidence: None,
                    rel: k,
                    to: id.clone(),
                    date: None,
                    note: String::new(),
                    source: None,
                    confidence: Default::default(),
                });
                self.write(&op);
                also = format!(" (+ {other} {} it)", k.name());
            }
        }
        self.write(&rel);
        format!("add {rel}{also}")
    }

    fn remove(&mut self, p: &str) -> String {
        let id = self.files[p].id.clone();
        if self.protected.contains(&id) {
            return self.change_name(p);
        }
        self.files.remove(p);
        self.delete(p);
        let stale = self.rng.chance(8);
        let n = self.rewrite_refs(&id, None, stale);
        format!(
            "remove {p} ({n} referrers {})",
            if stale { "left dangling" } else { "fixed" }
        )
    }

    fn rename(&mut self, p: &str) -> String {
        let mut e = self.files.remove(p).unwrap();
        self.delete(p);
        let dir = if self.rng.chance(50) {
            format!("moved{}/", self.rng.below(3))
        } else {
            String::new()
        };
        // An id an import names or enriches keeps its id: only moves.
        if self.rng.chance(50) || self.protected.contains(&e.id) {
            // Same id, another folder.
            let rel = format!("{dir}{}.ron", e.id);
            let rel = if rel == p {
                format!("elsewhere/{}.ron", e.id)
            } else {
                rel
            };
            self.files.insert(rel.clone(), e);
            self.write(&rel);
            return format!("move {p} -> {rel}");
        }
        let old = e.id.clone();
        let new = self.new_id(e.kind);
        e.id = new.clone();
        let rel = format!("{dir}{new}.ron");
        self.files.insert(rel.clone(), e);
        self.write(&rel);
        let stale = self.rng.chance(8);
        let n = self.rewrite_refs(&old, Some(&new), stale);
        format!(
            "rename {p} -> {rel} ({n} referrers {})",
            if stale { "left stale" } else { "fixed" }
        )
    }

    fn change_name(&mut self, p: &str) -> String {
        let name = if self.rng.chance(15) {
            // Someone else's name: ambiguous references.
            let q = self.random_path().unwrap();
            self.files[&q].name.clone()
        } else {
            let n = 2 + self.rng.below(3);
            self.words(n)
        };
        let e = self.files.get_mut(p).unwrap();
        e.name = name.clone();
        if self.rng.chance(30) {
            e.aliases = vec![name.to_uppercase()];
        }
        self.write(p);
        format!("name {p} = {name:?}")
    }

    fn add_relation(&mut self, p: &str) -> String {
        let from = self.files[p].id.clone();
        let ids = self.targets();
        for _ in 0..8 {
            let to = self.rng.pick(&ids).clone();
            if let Some(k) = self.valid_relation(&from, &to) {
                let date = self.rng.chance(30).then(|| self.date());
                let e = self.files.get_mut(p).unwrap();
                let at = self.rng.below(e.relations.len() + 1);
                e.relations.insert(
                    at,
                    Relation {
                        evidence: None,
                        rel: k,
                        to: to.clone(),
                        date,
                        note: "generated".into(),
                        source: None,
                        confidence: Default::default(),
                    },
                );
                self.write(p);
                return format!("relate {from} {} {to}", k.name());
            }
        }
        self.touch(p)
    }

    fn remove_relation(&mut self, p: &str) -> String {
        let n = self.files[p].relations.len();
        if n == 0 {
            return self.add_relation(p);
        }
        let i = self.rng.below(n);
        let r = self.files.get_mut(p).unwrap().relations.remove(i);
        self.write(p);
        format!("unrelate {p} {} {}", r.rel.name(), r.to)
    }

    fn retarget(&mut self, p: &str) -> String {
        let n = self.files[p].relations.len();
        if n == 0 {
            return self.add_relation(p);
        }
        let i = self.rng.below(n);
        let from = self.files[p].id.clone();
        let ids = self.targets();
        for _ in 0..8 {
            let to = self.rng.pick(&ids).clone();
            let rel = self.files[p].relations[i].rel;
            let (fk, tk) = (self.kind_of(&from).unwrap(), self.kind_of(&to).unwrap());
            let (f, t) = rel.allowed();
            let fits = to != from
                && f.is_none_or(|ks| ks.contains(&fk))
                && t.is_none_or(|ks| ks.contains(&tk))
                && (rel != RelationKind::PartOf || !self.part_of_reaches(&to, &from))
                && (rel != RelationKind::PartOf || !self.only_imported(&to));
            if fits {
                let old = std::mem::replace(
                    &mut self.files.get_mut(p).unwrap().relations[i].to,
                    to.clone(),
                );
                self.write(p);
                return format!("retarget {from} {} {old} -> {to}", rel.name());
            }
        }
        self.remove_relation(p)
    }

    /// Now and then an actor for an event (`by:`): an agency, office or
    /// body, which `agencies` then counts as touched.
    fn actor(&mut self) -> Option<String> {
        if !self.rng.chance(40) {
            return None;
        }
        let actors: Vec<String> = self
            .files
            .values()
            .filter(|e| e.kind.is_agency_like())
            .map(|e| e.id.clone())
            .collect();
        (!actors.is_empty()).then(|| self.rng.pick(&actors).clone())
    }

    fn move_date(&mut self, p: &str) -> String {
        let date = self.date();
        let by = self.actor().filter(|a| *a != self.files[p].id);
        let e = self.files.get_mut(p).unwrap();
        let what = if e.events.is_empty() || self.rng.chance(25) {
            let stage = *self.rng.pick(Stage::ALL);
            e.events.push(Event {
                date,
                stage,
                note: "generated".into(),
                by: by.clone(),
                source: None,
                confidence: Default::default(),
            });
            format!("event {p} + {date} {} by {by:?}", stage.name())
        } else {
            let i = self.rng.below(e.events.len());
            let old = std::mem::replace(&mut e.events[i].date, date);
            format!("event {p} {old} -> {date}")
        };
        let e = self.files.get_mut(p).unwrap();
        e.events.sort_by_key(|v| v.date);
        self.write(p);
        what
    }

    fn touch(&mut self, p: &str) -> String {
        if self.junk.contains(p) {
            return format!("skip touching damaged {p}");
        }
        self.write(p);
        format!("touch {p}")
    }

    /// An invalid edit: the file on disk no longer matches the model.
    fn damage(&mut self, p: &str) -> String {
        let mut bad = self.files[p].clone();
        let text = match self.rng.below(4) {
            0 => {
                let t = Self::text_of(&bad);
                let cut = self.rng.below(t.len());
                let mut cut = cut;
                while !t.is_char_boundary(cut) {
                    cut -= 1;
                }
                t[..cut].to_owned()
            }
            1 => {
                bad.relations.push(Relation {
                    evidence: None,
                    rel: RelationKind::Cites,
                    to: "no-such-entity".into(),
                    date: None,
                    note: String::new(),
                    source: None,
                    confidence: Default::default(),
                });
                Self::text_of(&bad)
            }
            2 => {
                // A relation between kinds it does not allow, or to itself.
                bad.relations.push(Relation {
                    evidence: None,
                    rel: RelationKind::PartOf,
                    to: bad.id.clone(),
                    date: None,
                    note: String::new(),
                    source: None,
                    confidence: Default::default(),
                });
                Self::text_of(&bad)
            }
            _ => Self::text_of(&bad).replacen("name:", "nmae:", 1),
        };
        self.write_raw(p, &text);
        self.junk.insert(p.to_owned());
        format!("damage {p}")
    }

    /// An invalid edit: a second file with the same id.
    fn duplicate(&mut self, p: &str) -> String {
        let name = p.rsplit('/').next().unwrap().to_owned();
        let rel = format!("copies/{name}");
        if self.files.contains_key(&rel) {
            return self.damage(p);
        }
        let text = Self::text_of(&self.files[p]);
        self.write_raw(&rel, &text);
        self.junk.insert(rel.clone());
        format!("duplicate {p} -> {rel}")
    }

    /// Puts one junk file back in order.
    fn repair(&mut self) -> Option<String> {
        let p = self.junk.iter().next()?.clone();
        if self.files.contains_key(&p) {
            self.write(&p);
        } else {
            self.delete(&p);
        }
        Some(format!("repair {p}"))
    }

    // ---- the comparison ---------------------------------------------

    /// Runs the binary on index `ix` without refreshing it.
    fn spawn(&self, ix: &Path, args: &[String]) -> std::process::Child {
        util::std_cmd(&self.knowledge, ix)
            .env("POLICYGRAPH_TODAY", self.today.to_string())
            .arg("--no-refresh")
            .arg("--json")
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    }

    /// The queries of one step: a few ids, the last edited among them.
    fn queries(&mut self, touched: &[String]) -> Vec<Vec<String>> {
        let ids = self.targets();
        let mut pick: Vec<String> = touched
            .iter()
            .filter(|t| ids.contains(t) || self.rng.chance(30))
            .take(1)
            .cloned()
            .collect();
        while pick.len() < 3 && !ids.is_empty() {
            pick.push(self.rng.pick(&ids).clone());
        }
        if pick.is_empty() {
            return vec![vec!["list".into()]];
        }
        let s = |x: &str| x.to_owned();
        let word = {
            let i = self.rng.below(self.files.len());
            let name = &self.files.values().nth(i).unwrap().name;
            name.split_whitespace()
                .next()
                .unwrap_or("widget")
                .to_lowercase()
        };
        // Every hit, so that a hit moving past a cut-off cannot hide.
        let mut search = vec![s("search"), s("-n"), s("100000")];
        search.extend(match self.rng.below(4) {
            0 => vec![s("status:enacted")],
            1 => vec![s("--facets"), word],
            2 => vec![s("kind:bill"), s("reserve")],
            _ => vec![word],
        });
        vec![
            vec![s("show"), pick[0].clone()],
            vec![s("agencies"), pick[1 % pick.len()].clone()],
            vec![
                s("neighbors"),
                pick[2 % pick.len()].clone(),
                s("--depth"),
                s("2"),
            ],
            {
                let mut q = vec![
                    s("path"),
                    pick[0].clone(),
                    pick[2 % pick.len()].clone(),
                    s("--all"),
                ];
                if self.rng.chance(50) {
                    q.push(s("--through-hubs"));
                }
                q
            },
            search,
            vec![s("list")],
        ]
    }
}

/// What one process said, with the index directory's name masked.
fn said(out: std::process::Output, ix: &Path) -> (Option<i32>, String, String) {
    let mask = |s: &[u8]| String::from_utf8_lossy(s).replace(&*ix.to_string_lossy(), "<index>");
    (out.status.code(), mask(&out.stdout), mask(&out.stderr))
}

#[derive(Default, Debug)]
pub(crate) struct Tally {
    patched: usize,
    rebuilt: BTreeMap<String, usize>,
    other: BTreeMap<String, usize>,
    invalid: usize,
    queries: usize,
    /// Searches whose answers differed in their scores and order only.
    rank_only: usize,
    /// Time spent refreshing A, reopening A, building B, querying (ms).
    millis: [u128; 4],
    /// Reopenings of A that the file-system monitor vouched for, without a
    /// walk (see tests/cli/monitor.rs).
    pub(crate) watched: usize,
}

/// Where two answers first differ, with a few lines of context.
fn first_difference(
    a: &(Option<i32>, String, String),
    b: &(Option<i32>, String, String),
) -> String {
    if a.0 != b.0 || a.2 != b.2 {
        return format!("exit/stderr: A {:?} {:?}\nB {:?} {:?}", a.0, a.2, b.0, b.2);
    }
    let (la, lb): (Vec<&str>, Vec<&str>) = (a.1.lines().collect(), b.1.lines().collect());
    let i = la
        .iter()
        .zip(&lb)
        .position(|(x, y)| x != y)
        .unwrap_or(la.len().min(lb.len()));
    let from = i.saturating_sub(6);
    format!(
        "stdout line {}:\nA:\n{}\nB:\n{}",
        i + 1,
        la[from..(i + 4).min(la.len())].join("\n"),
        lb[from..(i + 4).min(lb.len())].join("\n")
    )
}

/// Whether search answers must be equal byte for byte, scores and order
/// included: always, since searches score with live statistics
/// (`store::LiveStats`); `PG_DIFF_STRICT_SEARCH=0` compares them without
/// scores, to tell a ranking difference from any other.
fn strict_search() -> bool {
    std::env::var_os("PG_DIFF_STRICT_SEARCH").is_none_or(|v| v != "0")
}

/// A search's JSON with every hit's score blanked out and the hits in id
/// order.
fn unranked(json: &str) -> String {
    let Ok(mut v) = serde_json::from_str::<serde_json::Value>(json) else {
        return json.to_owned();
    };
    if let Some(hits) = v["hits"].as_array_mut() {
        for h in hits.iter_mut() {
            h["score"] = serde_json::Value::Null;
        }
        hits.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    }
    serde_json::to_string_pretty(&v).unwrap()
}

impl World {
    /// What a failure prints: the seed, the step and every edit so far.
    fn context(&self, step: usize) -> String {
        format!(
            "generator seed {} (replay with PG_DIFF_SEED={}), step {step}; edits so far:\n{}",
            self.seed,
            seed(),
            self.log.join("\n")
        )
    }

    /// The first build of A.
    fn first_build(&self) {
        let first = store::refresh(&self.knowledge, &self.a, &self.opts()).unwrap();
        assert_eq!(first.outcome, Outcome::Built);
    }

    /// One step of random hand edits (a repair now and then, one to three
    /// edits, sometimes a later today); returns the ids it touched.
    fn hand_step(&mut self, step: usize) -> Vec<String> {
        let mut touched = Vec::new();
        let mut did = Vec::new();
        if !self.junk.is_empty() && self.rng.chance(80) {
            did.extend(self.repair());
        }
        for _ in 0..1 + self.rng.below(3) {
            let d = self.edit();
            if let Some(id) = d
                .split_whitespace()
                .nth(1)
                .and_then(|p| p.rsplit('/').next())
                .map(|f| f.strip_suffix(".ron").unwrap_or(f))
            {
                touched.push(id.to_owned());
            }
            did.push(d);
        }
        if self.rng.chance(10) {
            let days = 1 + self.rng.below(400) as i64;
            self.today = self.today.add_days(days);
            did.push(format!("today = {}", self.today));
        }
        self.log.push(format!("step {step}: {}", did.join("; ")));
        touched
    }

    /// Refreshes index A incrementally, builds index B from scratch, and
    /// compares them: their nodes, what they left out, and the binary's
    /// answers from each.
    fn compare(&mut self, step: usize, touched: &[String], tally: &mut Tally) {
        // Refresh A incrementally: through the library, or on every fourth
        // step through the binary (as a user's query would).
        let t0 = std::time::Instant::now();
        let via_binary = step % 4 == 3;
        let outcome = if via_binary {
            let out = util::std_cmd(&self.knowledge, &self.a)
                .env("POLICYGRAPH_TODAY", self.today.to_string())
                .arg("index")
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr).into_owned();
            if err.contains("updated") {
                Ok("patched".to_owned())
            } else if let Some(i) = err.find("rebuilt the index: ") {
                Ok(format!(
                    "rebuilt: {}",
                    err[i + 19..].lines().next().unwrap_or("")
                ))
            } else if out.status.success() {
                Ok(format!("binary: {err}"))
            } else {
                Err(err)
            }
        } else {
            match store::refresh(&self.knowledge, &self.a, &self.opts()) {
                Ok(r) => Ok(match r.outcome {
                    Outcome::Patched(_) => "patched".to_owned(),
                    Outcome::Rebuilt(why) => format!("rebuilt: {why}"),
                    other => format!("{other:?}"),
                }),
                Err(e) => Err(e.to_string()),
            }
        };
        let t1 = std::time::Instant::now();
        // A, opened again, must be fresh (and now it gives us the store).
        let a = store::refresh(&self.knowledge, &self.a, &self.opts());
        // B from scratch.
        let b_dir = self.root.join(format!("index-b-{step}"));
        let t2 = std::time::Instant::now();
        let b = store::refresh(&self.knowledge, &b_dir, &self.opts());
        let t3 = std::time::Instant::now();
        match (&outcome, a, b) {
            (Ok(o), Ok(a), Ok(b)) => {
                tally.watched += usize::from(a.watched);
                assert_eq!(
                    a.outcome,
                    Outcome::Fresh,
                    "A after `{o}`\n{}",
                    self.context(step)
                );
                assert_eq!(b.outcome, Outcome::Built, "{}", self.context(step));
                if o == "patched" {
                    tally.patched += 1;
                } else if let Some(why) = o.strip_prefix("rebuilt: ") {
                    *tally.rebuilt.entry(why.to_owned()).or_default() += 1;
                } else {
                    *tally.other.entry(o.clone()).or_default() += 1;
                }
                if b.store.left_out.errors > 0 {
                    tally.invalid += 1;
                }
                assert_eq!(
                    a.store.left_out,
                    b.store.left_out,
                    "left out differs after `{o}`\n{}",
                    self.context(step)
                );
                let (na, nb) = (a.store.all_nodes().unwrap(), b.store.all_nodes().unwrap());
                if na != nb {
                    let ids_a: Vec<&str> = na.iter().map(|n| n.entity.id.as_str()).collect();
                    let ids_b: Vec<&str> = nb.iter().map(|n| n.entity.id.as_str()).collect();
                    let first = na.iter().zip(&nb).find(|(x, y)| x != y);
                    panic!(
                        "all_nodes differ after `{o}`\nA ids {ids_a:?}\nB ids {ids_b:?}\nfirst difference:\nA {:#?}\nB {:#?}\n{}",
                        first.map(|f| f.0),
                        first.map(|f| f.1),
                        self.context(step)
                    );
                }
            }
            (Err(_), Err(_), Err(_)) => {
                *tally.other.entry("rejected".into()).or_default() += 1;
            }
            (o, a, b) => panic!(
                "A refresh {o:?}, A reopened {:?}, B built {:?}\n{}",
                a.map(|r| r.outcome),
                b.map(|r| r.outcome),
                self.context(step)
            ),
        }

        // The binary answers alike from A and from B.
        let queries = self.queries(touched);
        let children: Vec<_> = queries
            .iter()
            .map(|q| (self.spawn(&self.a, q), self.spawn(&b_dir, q)))
            .collect();
        for (q, (ca, cb)) in queries.iter().zip(children) {
            let mut ra = said(ca.wait_with_output().unwrap(), &self.a);
            let mut rb = said(cb.wait_with_output().unwrap(), &b_dir);
            if q[0] == "search" && ra != rb && !strict_search() {
                // Known bug (see `index::search_ranks_after_a_patch_as_after_a_rebuild`):
                // BM25 statistics still count the documents a patch deleted,
                // so scores, and with them the order of hits, differ. Every
                // hit (queries ask for all of them), its snippet, the total
                // and the facets must still be equal.
                ra.1 = unranked(&ra.1);
                rb.1 = unranked(&rb.1);
                if ra == rb {
                    tally.rank_only += 1;
                }
            }
            assert!(
                matches!(ra.0, Some(0 | 1)),
                "`{}` on A failed: {ra:?}\n{}",
                q.join(" "),
                self.context(step)
            );
            assert!(
                ra == rb,
                "`policygraph --json {}` differs between the patched index A and a fresh build B\n{}\n{}",
                q.join(" "),
                first_difference(&ra, &rb),
                self.context(step)
            );
            tally.queries += 1;
        }
        std::fs::remove_dir_all(&b_dir).unwrap();
        tally.millis[0] += (t1 - t0).as_millis();
        tally.millis[1] += (t2 - t1).as_millis();
        tally.millis[2] += (t3 - t2).as_millis();
        tally.millis[3] += t3.elapsed().as_millis();
    }
}

/// Prints what a run did, and checks that most steps were patches.
fn finish(what: &str, steps: usize, tally: Tally) -> Tally {
    eprintln!("differential ({what}): {steps} steps, {tally:?}");
    // Most steps that could be patches must be: otherwise this compares
    // two rebuilds. While the knowledge base has a broken file, every step
    // rebuilds by design (a patch cannot tell the file was fixed), and
    // long random runs spend stretches there; so does every step that
    // changes an imported file or an entity an import enriches (merged
    // from two files, such an entity is rebuilt whole).
    let by_design: usize = [
        "the last build left out files with errors",
        "an imported file changed",
        "an imported or enriched entity changed",
    ]
    .iter()
    .map(|why| {
        tally
            .rebuilt
            .get(&format!("the knowledge base changed and {why}"))
            .copied()
            .unwrap_or(0)
    })
    .sum();
    assert!(
        tally.patched * 2 > steps - by_design,
        "only {} of {} patchable steps were patches: {tally:?}",
        tally.patched,
        steps - by_design
    );
    tally
}

/// Runs `steps` random edit steps on a copy of `corpus`.
fn run(corpus: &Path, steps: usize, seed: u64) -> Tally {
    let mut w = World::new(corpus, seed);
    let mut tally = Tally::default();
    w.first_build();
    for step in 0..steps {
        let touched = w.hand_step(step);
        w.compare(step, &touched, &mut tally);
    }
    finish(&corpus.display().to_string(), steps, tally)
}

/// [`run`] with something set up after the first build of A and kept
/// until the end: `watch(knowledge, index A)` starts a file-system monitor
/// on it (tests/cli/monitor.rs).
pub(crate) fn run_watched<G>(
    corpus: &Path,
    steps: usize,
    seed: u64,
    watch: impl FnOnce(&Path, &Path) -> G,
) -> Tally {
    let mut w = World::new(corpus, seed);
    let mut tally = Tally::default();
    w.first_build();
    let guard = watch(&w.knowledge, &w.a);
    for step in 0..steps {
        let touched = w.hand_step(step);
        w.compare(step, &touched, &mut tally);
    }
    drop(guard);
    finish(&corpus.display().to_string(), steps, tally)
}

// ---- imports ---------------------------------------------------------------

/// The recorded Federal Register input (`tests/fixtures/federal-register`),
/// parsed once: each file's name and JSON (an agency list, or a documents
/// page whose `results` are the records).
struct Recorded {
    files: Vec<(String, Value)>,
}

impl Recorded {
    fn load() -> Recorded {
        let dir = util::fixture("federal-register");
        let files = [
            "agencies-sample.json",
            "documents-2024-01-sample.json",
            "executive-orders-13180-13199.json",
        ]
        .iter()
        .map(|n| {
            let v = serde_json::from_slice(&std::fs::read(dir.join(n)).unwrap()).unwrap();
            (n.to_string(), v)
        })
        .collect();
        Recorded { files }
    }
}

/// The records of an input: a list's items, or a page's `results`.
fn records_mut(v: &mut Value) -> &mut Vec<Value> {
    if v.is_array() {
        v.as_array_mut().unwrap()
    } else {
        v["results"].as_array_mut().unwrap()
    }
}

/// One input of an import: a file name and its JSON.
type Input = Vec<(String, Value)>;

/// Every file under `dir` with its bytes and modification time.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
    let mut out = BTreeMap::new();
    if !dir.exists() {
        return out;
    }
    for e in walkdir::WalkDir::new(dir) {
        let e = e.unwrap();
        if e.file_type().is_file() {
            out.insert(
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                (
                    std::fs::read(e.path()).unwrap(),
                    e.metadata().unwrap().modified().unwrap(),
                ),
            );
        }
    }
    out
}

impl World {
    /// Runs the binary with `args` on the knowledge base, with an index of
    /// its own (so that A is refreshed only by `compare`).
    fn tool(&self, args: &[String]) -> (i32, String, String) {
        let out = util::std_cmd(&self.knowledge, &self.root.join("index-tools"))
            .env("POLICYGRAPH_TODAY", self.today.to_string())
            .args(args)
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    /// A random subset of the recorded records, file by file, sometimes in
    /// another order.
    fn subset(&mut self, recorded: &Recorded) -> (Input, String) {
        loop {
            let mut input = Vec::new();
            let mut what = Vec::new();
            for (name, v) in &recorded.files {
                if !self.rng.chance(60) {
                    continue;
                }
                let keep = *self.rng.pick(&[15, 40, 100]);
                let mut v = v.clone();
                let all = std::mem::take(records_mut(&mut v));
                let n = all.len();
                let mut chosen: Vec<(usize, Value)> = all
                    .into_iter()
                    .enumerate()
                    .filter(|_| self.rng.chance(keep))
                    .collect();
                if chosen.is_empty() {
                    continue;
                }
                if self.rng.chance(15) {
                    for i in (1..chosen.len()).rev() {
                        let j = self.rng.below(i + 1);
                        chosen.swap(i, j);
                    }
                }
                let at: Vec<String> = chosen.iter().map(|(i, _)| i.to_string()).collect();
                what.push(format!("{name}[{} of {n}: {}]", chosen.len(), at.join(",")));
                *records_mut(&mut v) = chosen.into_iter().map(|(_, r)| r).collect();
                input.push((name.clone(), v));
            }
            if !input.is_empty() {
                return (input, what.join(" "));
            }
        }
    }

    /// Newer data of some records of `input`: titles, abstracts,
    /// publication days, agency descriptions and short names changed.
    fn newer(&mut self, mut input: Input, step: usize) -> (Input, String) {
        let mut what = Vec::new();
        while what.is_empty() {
            for (name, v) in &mut input {
                for (i, r) in records_mut(v).iter_mut().enumerate() {
                    if !self.rng.chance(30) {
                        continue;
                    }
                    let revised = format!("(revised at step {step})");
                    let field = if r.get("document_number").is_some() {
                        match self.rng.below(3) {
                            0 => "title",
                            1 => "abstract",
                            _ => "publication_date",
                        }
                    } else if self.rng.chance(70) {
                        "description"
                    } else {
                        "short_name"
                    };
                    let old = r.get(field).and_then(Value::as_str).unwrap_or("");
                    let new = match (field, old.parse::<Date>()) {
                        ("publication_date", Ok(d)) => d.add_days(1).to_string(),
                        ("publication_date", Err(_)) => continue,
                        _ if old.is_empty() => format!("Newer {field} {revised}"),
                        _ => format!("{old} {revised}"),
                    };
                    r[field] = Value::String(new);
                    what.push(format!("{name}[{i}].{field}"));
                }
            }
        }
        (input, what.join(" "))
    }

    /// One import step: the real binary's `import federal-register` of a
    /// random subset of the recorded input, of an earlier input again, or
    /// of newer data of an earlier input's records. Then `check` must be
    /// clean, and importing the same input again must change no file
    /// (bytes and modification times). Returns ids the import wrote.
    fn import_step(
        &mut self,
        step: usize,
        recorded: &Recorded,
        history: &mut Vec<Input>,
    ) -> Vec<String> {
        let mut did = Vec::new();
        // What hand edits broke is repaired first: an import into a broken
        // knowledge base is another story (see `reliability`).
        while let Some(r) = self.repair() {
            did.push(r);
        }
        let (input, what) = match self.rng.below(10) {
            0..=1 if !history.is_empty() => {
                let i = self.rng.below(history.len());
                (history[i].clone(), format!("input of import {i} again"))
            }
            2..=4 if !history.is_empty() => {
                let i = self.rng.below(history.len());
                let (input, what) = self.newer(history[i].clone(), step);
                (input, format!("input of import {i} with newer {what}"))
            }
            _ => self.subset(recorded),
        };
        did.push(format!("import {} {what}", history.len()));
        self.log.push(format!("step {step}: {}", did.join("; ")));
        let dir = self.root.join("inputs");
        std::fs::create_dir_all(&dir).unwrap();
        let mut args: Vec<String> = ["--json", "import", "federal-register"]
            .map(String::from)
            .to_vec();
        for (k, (name, v)) in input.iter().enumerate() {
            let p = dir.join(format!("{step}-{k}-{name}"));
            std::fs::write(&p, serde_json::to_vec_pretty(v).unwrap()).unwrap();
            args.push(p.display().to_string());
        }
        history.push(input);

        let (code, out, err) = self.tool(&args);
        assert_eq!(
            code,
            0,
            "import failed\n{out}\n{err}\n{}",
            self.context(step)
        );
        let report: Value = serde_json::from_str(&out).unwrap();
        let mut written: Vec<String> = report["files"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["change"] != "unchanged")
            .map(|f| f["id"].as_str().unwrap().to_owned())
            .collect();
        let (code, out, err) = self.tool(&["check".into()]);
        assert_eq!(
            code,
            0,
            "`check` after an import\n{out}\n{err}\n{}",
            self.context(step)
        );
        // The same input again changes nothing.
        let imported = self.knowledge.join("imported");
        let before = snapshot(&imported);
        std::thread::sleep(Duration::from_millis(15));
        let (code, out, err) = self.tool(&args);
        assert_eq!(
            code,
            0,
            "import again\n{out}\n{err}\n{}",
            self.context(step)
        );
        let again: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(
            (again["added"].as_u64(), again["changed"].as_u64()),
            (Some(0), Some(0)),
            "importing the same input again wrote files: {again}\n{}",
            self.context(step)
        );
        let after = snapshot(&imported);
        if after != before {
            let differ: BTreeSet<_> = after
                .keys()
                .chain(before.keys())
                .filter(|k| after.get(*k) != before.get(*k))
                .collect();
            panic!(
                "importing the same input again changed files (bytes or times): {differ:?}\n{}",
                self.context(step)
            );
        }
        self.read_imported();
        // A few of the ids written, for the queries.
        let mut touched = Vec::new();
        for _ in 0..3.min(written.len()) {
            let i = self.rng.below(written.len());
            touched.push(written.swap_remove(i));
        }
        touched
    }

    /// Reads `knowledge/imported/` back: the entities, and the ids hand
    /// edits must keep.
    fn read_imported(&mut self) {
        self.imported.clear();
        self.protected.clear();
        let base = self.knowledge.join("imported");
        for e in walkdir::WalkDir::new(&base) {
            let e = e.unwrap();
            if e.path().extension().is_none_or(|x| x != "ron") {
                continue;
            }
            let rel = e.path().strip_prefix(&self.knowledge).unwrap();
            let text = std::fs::read_to_string(e.path()).unwrap();
            let ent = policygraph::load::parse_entity(rel, &text)
                .unwrap_or_else(|d| panic!("{}: {d:?}", rel.display()));
            self.imported.insert(ent.id.clone(), ent);
        }
        let model: BTreeSet<String> = self.ids().into_iter().collect();
        for e in self.imported.values() {
            if model.contains(&e.id) {
                self.protected.insert(e.id.clone());
            }
            self.protected
                .extend(e.relations.iter().map(|r| r.to.clone()));
            self.protected
                .extend(e.events.iter().filter_map(|v| v.by.clone()));
            for d in &e.deadlines {
                self.protected.insert(d.owner.clone());
                self.protected.extend(d.fulfilled_by.iter().cloned());
            }
        }
    }

    /// Builds the site of the knowledge base into `out` with the index
    /// `index` (built-in diagrams: no Graphviz).
    fn site(&self, out: &Path, index: &Path) -> (i32, String, String) {
        let o = util::std_cmd(&self.knowledge, index)
            .env("POLICYGRAPH_TODAY", self.today.to_string())
            .args(["site", "--diagrams", "builtin", "-o"])
            .arg(out)
            .output()
            .unwrap();
        (
            o.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }
}

#[test]
fn differential_patched_equals_rebuilt_on_the_graph_fixture() {
    run(&util::fixture("graph"), cases(24), seed());
}

#[test]
fn differential_patched_equals_rebuilt_on_a_synthetic_corpus() {
    let dir = util::tmp();
    let corpus = dir.path().join("synth");
    util::synth(&corpus, 200);
    run(&corpus, cases(10), seed() ^ 0x5151);
}

/// Known bug, found by the differential test: after a patch, search
/// scores (and so the order of hits) differ from a fresh build's, because
/// tantivy's BM25 statistics (document count, document frequencies, token
/// totals) still count the documents the patch deleted until their segment
/// is merged. Issue 14 asks for byte-identical JSON. Run with
/// `cargo test --test cli -- --ignored search_ranks`.
#[test]
fn search_ranks_after_a_patch_as_after_a_rebuild() {
    let dir = util::tmp();
    let knowledge = dir.path().join("knowledge");
    let index = dir.path().join("index");
    util::copy_tree(&util::fixture("graph"), &knowledge);
    let run = |args: &[&str]| {
        let (code, out, err) = util::run_with_index(&knowledge, &index, args);
        assert!(code == 0, "{args:?}: {err}");
        (out, err)
    };
    run(&["index"]);
    let mint = knowledge.join("mint.ron");
    let text = std::fs::read_to_string(&mint).unwrap();
    std::fs::write(
        &mint,
        text.replace("\"National Mint\"", "\"Reserve Custody Savings\""),
    )
    .unwrap();
    std::fs::File::options()
        .write(true)
        .open(&mint)
        .and_then(|f| f.set_modified(SystemTime::now() + Duration::from_secs(3600)))
        .unwrap();
    let query = ["--json", "search", "kind:bill", "reserve"];
    let (patched, err) = run(&query);
    assert!(err.contains("updated"), "not a patch: {err}");
    run(&["index", "--force"]);
    let (rebuilt, _) = run(&query);
    assert_eq!(patched, rebuilt);
}

/// Imports (issue 23): random imports of the recorded Federal Register
/// input into a copy of the shipped knowledge base (random subsets, the
/// same input again, newer data of the same records), between steps of
/// random hand edits. After each import `check` is clean and importing
/// the same input again changes no file; after every step the patched
/// index A answers as a fresh build B.
#[test]
fn differential_imports_and_hand_edits_on_the_shipped_base() {
    let steps = cases(12);
    let recorded = Recorded::load();
    let mut w = World::new(&util::shipped(), seed() ^ 0x1A1A);
    let mut tally = Tally::default();
    let mut history = Vec::new();
    w.first_build();
    for step in 0..steps {
        let touched = if step == 0 || w.rng.chance(50) {
            w.import_step(step, &recorded, &mut history)
        } else {
            w.hand_step(step)
        };
        w.compare(step, &touched, &mut tally);
    }
    eprintln!("differential imports: {} of {steps} steps", history.len());
    assert!(w.imported.len() > 10, "{} imported", w.imported.len());
    finish("shipped base with imports", steps, tally);
}

/// The foreign files planted in the site's directory: a user's own.
const FOREIGN: &[(&str, &str)] = &[
    (".git/HEAD", "ref: refs/heads/gh-pages\n"),
    ("CNAME", "policy.example.org\n"),
    ("about.html", "<p>mine</p>\n"),
    ("assets/custom.css", "body { color: teal }\n"),
];

/// The site (issue 23): after random hand edits and, now and then, an
/// import, an incremental `site -o A` (the same directory every step)
/// and a fresh `site -o B` give byte-identical files, but for the
/// manifest; A leaves no stage behind, and the foreign files planted in A
/// after its first build survive every step and are its only extra files.
#[test]
fn differential_site_incremental_equals_fresh() {
    let steps = cases(8);
    let recorded = Recorded::load();
    let mut w = World::new(&util::fixture("graph"), seed() ^ 0x5173);
    let mut history = Vec::new();
    let site_a = w.root.join("site-a");
    let (mut built, mut failed, mut imports) = (0, 0, 0);
    let mut planted = false;
    let t0 = std::time::Instant::now();
    for step in 0..steps {
        if step == 0 {
            w.log.push("step 0: no edit".into());
        } else if w.rng.chance(20) {
            imports += 1;
            w.import_step(step, &recorded, &mut history);
        } else {
            w.hand_step(step);
        }
        let a = w.site(&site_a, &w.a);
        let b_dir = w.root.join(format!("site-b-{step}"));
        let b_index = w.root.join(format!("index-site-b-{step}"));
        let b = w.site(&b_dir, &b_index);
        assert_eq!(
            a.0,
            b.0,
            "`site` exit codes differ: A {a:?}\nB {b:?}\n{}",
            w.context(step)
        );
        if a.0 != 0 {
            failed += 1;
        } else {
            built += 1;
            if !planted {
                for (rel, text) in FOREIGN {
                    let p = site_a.join(rel);
                    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                    std::fs::write(p, text).unwrap();
                }
                planted = true;
            }
            let mut fa = util::site_files(&site_a);
            let fb = util::site_files(&b_dir);
            for (rel, text) in FOREIGN {
                assert_eq!(
                    fa.remove(*rel).as_deref(),
                    Some(text.as_bytes()),
                    "the foreign file {rel} was deleted or changed\n{}",
                    w.context(step)
                );
            }
            let names_a: BTreeSet<&String> = fa.keys().collect();
            let names_b: BTreeSet<&String> = fb.keys().collect();
            assert!(
                names_a == names_b,
                "files only in the incremental site A: {:?}\nonly in the fresh site B: {:?}\n{}",
                names_a.difference(&names_b).collect::<Vec<_>>(),
                names_b.difference(&names_a).collect::<Vec<_>>(),
                w.context(step)
            );
            let differ: Vec<&String> = fa.keys().filter(|k| fa[*k] != fb[*k]).collect();
            assert!(
                differ.is_empty(),
                "the incremental site A and the fresh site B differ in {} file(s): {differ:?}\n{}",
                differ.len(),
                w.context(step)
            );
        }
        std::fs::remove_dir_all(&b_dir).ok();
        std::fs::remove_dir_all(&b_index).ok();
    }
    eprintln!(
        "differential site: {steps} steps, {built} built, {failed} refused, {imports} imports, {:.1} s",
        t0.elapsed().as_secs_f64()
    );
    assert!(
        built * 2 > steps,
        "only {built} of {steps} builds succeeded"
    );
}
