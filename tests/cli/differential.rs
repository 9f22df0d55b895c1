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
//! `PG_DIFF_CASES=N` sets the number of edit steps per corpus (default 24
//! on the test fixture, 10 on a synthetic corpus of 200 entities);
//! `PG_DIFF_SEED=S` replays or varies the sequence. A failure prints the
//! seed, the step and the edits that led there.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, SystemTime};

use policygraph::model::{Date, Entity, Event, Kind, Relation, RelationKind, Stage};
use policygraph::store::{self, Outcome};

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
fn cases(default: usize) -> usize {
    std::env::var("PG_DIFF_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `PG_DIFF_SEED`, or a fixed seed so that CI is reproducible.
fn seed() -> u64 {
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
    /// Every edit, for the failure message.
    log: Vec<String>,
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
            log: Vec::new(),
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
        self.files.values().find(|e| e.id == id).map(|e| e.kind)
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
            if let Some(e) = self.files.values().find(|e| e.id == id) {
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
        if self.rng.chance(50) {
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
        let ids = self.ids();
        for _ in 0..8 {
            let to = self.rng.pick(&ids).clone();
            if let Some(k) = self.valid_relation(&from, &to) {
                let date = self.rng.chance(30).then(|| self.date());
                let e = self.files.get_mut(p).unwrap();
                let at = self.rng.below(e.relations.len() + 1);
                e.relations.insert(
                    at,
                    Relation {
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
        let ids = self.ids();
        for _ in 0..8 {
            let to = self.rng.pick(&ids).clone();
            let rel = self.files[p].relations[i].rel;
            let (fk, tk) = (self.kind_of(&from).unwrap(), self.kind_of(&to).unwrap());
            let (f, t) = rel.allowed();
            let fits = to != from
                && f.is_none_or(|ks| ks.contains(&fk))
                && t.is_none_or(|ks| ks.contains(&tk))
                && (rel != RelationKind::PartOf || !self.part_of_reaches(&to, &from));
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
        let ids = self.ids();
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
struct Tally {
    patched: usize,
    rebuilt: BTreeMap<String, usize>,
    other: BTreeMap<String, usize>,
    invalid: usize,
    queries: usize,
    /// Searches whose answers differed in their scores and order only.
    rank_only: usize,
    /// Time spent refreshing A, reopening A, building B, querying (ms).
    millis: [u128; 4],
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

/// Runs `steps` random edit steps on a copy of `corpus`.
fn run(corpus: &Path, steps: usize, seed: u64) -> Tally {
    let mut w = World::new(corpus, seed);
    let mut tally = Tally::default();
    // The first build of A.
    let first = store::refresh(&w.knowledge, &w.a, &w.opts()).unwrap();
    assert_eq!(first.outcome, Outcome::Built);
    drop(first);
    for step in 0..steps {
        // Edit.
        let mut touched = Vec::new();
        let mut did = Vec::new();
        if !w.junk.is_empty() && w.rng.chance(80) {
            did.extend(w.repair());
        }
        for _ in 0..1 + w.rng.below(3) {
            let d = w.edit();
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
        if w.rng.chance(10) {
            let days = 1 + w.rng.below(400) as i64;
            w.today = w.today.add_days(days);
            did.push(format!("today = {}", w.today));
        }
        w.log.push(format!("step {step}: {}", did.join("; ")));
        let ctx = |w: &World| {
            format!(
                "seed {seed} (PG_DIFF_SEED={seed}), step {step}; edits so far:\n{}",
                w.log.join("\n")
            )
        };

        // Refresh A incrementally: through the library, or on every fourth
        // step through the binary (as a user's query would).
        let t0 = std::time::Instant::now();
        let via_binary = step % 4 == 3;
        let outcome = if via_binary {
            let out = util::std_cmd(&w.knowledge, &w.a)
                .env("POLICYGRAPH_TODAY", w.today.to_string())
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
            match store::refresh(&w.knowledge, &w.a, &w.opts()) {
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
        let a = store::refresh(&w.knowledge, &w.a, &w.opts());
        // B from scratch.
        let b_dir = w.root.join(format!("index-b-{step}"));
        let t2 = std::time::Instant::now();
        let b = store::refresh(&w.knowledge, &b_dir, &w.opts());
        let t3 = std::time::Instant::now();
        match (&outcome, a, b) {
            (Ok(o), Ok(a), Ok(b)) => {
                assert_eq!(a.outcome, Outcome::Fresh, "A after `{o}`\n{}", ctx(&w));
                assert_eq!(b.outcome, Outcome::Built, "{}", ctx(&w));
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
                    ctx(&w)
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
                        ctx(&w)
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
                ctx(&w)
            ),
        }

        // The binary answers alike from A and from B.
        let queries = w.queries(&touched);
        let children: Vec<_> = queries
            .iter()
            .map(|q| (w.spawn(&w.a, q), w.spawn(&b_dir, q)))
            .collect();
        for (q, (ca, cb)) in queries.iter().zip(children) {
            let mut ra = said(ca.wait_with_output().unwrap(), &w.a);
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
                ctx(&w)
            );
            assert!(
                ra == rb,
                "`policygraph --json {}` differs between the patched index A and a fresh build B\n{}\n{}",
                q.join(" "),
                first_difference(&ra, &rb),
                ctx(&w)
            );
            tally.queries += 1;
        }
        std::fs::remove_dir_all(&b_dir).unwrap();
        tally.millis[0] += (t1 - t0).as_millis();
        tally.millis[1] += (t2 - t1).as_millis();
        tally.millis[2] += (t3 - t2).as_millis();
        tally.millis[3] += t3.elapsed().as_millis();
    }
    eprintln!(
        "differential ({}): {steps} steps, {tally:?}",
        corpus.display()
    );
    // Most steps that could be patches must be: otherwise this compares
    // two rebuilds. While the knowledge base has a broken file, every step
    // rebuilds by design (a patch cannot tell the file was fixed), and
    // long random runs spend stretches there.
    let by_design = tally
        .rebuilt
        .get("the knowledge base changed and the last build left out files with errors")
        .copied()
        .unwrap_or(0);
    assert!(
        tally.patched * 2 > steps - by_design,
        "only {} of {} patchable steps were patches: {tally:?}",
        tally.patched,
        steps - by_design
    );
    tally
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
