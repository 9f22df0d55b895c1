//! What changed on the things a watch follows: the items of a digest.
//!
//! The diff itself is [`crate::track::changes()`] (entities added and
//! removed, fields modified, statuses, relations), between a snapshot of
//! the knowledge base and its files now. This module only reads it per
//! watch: which entities a watch covers ([`Scope`]), the events new in a
//! modified entity, the values before and after of a changed field, and
//! the deadlines that came within a watch's horizon or were missed. Every
//! item has a date, a link where the entity has a source address, and an
//! id that depends only on what the item says, so that a feed reader
//! never shows one change twice.
//!
//! Snapshots live in `index/sync/snapshots/`, one file per state, named
//! by a hash of its contents (so that watches added or digested against
//! the same state share one file), and `index/sync/digest.json` says
//! which snapshot each watch is measured against and since when. A
//! snapshot moves only when the caller says the digest was delivered.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::hash::{Hash as _, Hasher as _};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::config::Watch;
use crate::model::{Date, Entity, Kind, Stage};
use crate::select::Jurisdiction;
use crate::track::changes::{Changes, Side};

/// What an item reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// An entity that was not there.
    NewEntity,
    /// An entity that is gone.
    RemovedEntity,
    /// An event an entity did not have.
    NewEvent,
    /// An entity's status moved.
    StatusChange,
    /// A relation that was not there.
    RelationAdded,
    /// A relation that is gone.
    RelationRemoved,
    /// A deadline that came within the watch's horizon.
    DeadlineSoon,
    /// A deadline that passed unmet.
    DeadlineMissed,
    /// A field whose value changed.
    FieldChanged,
}

impl ItemKind {
    /// The kind as the text digest labels it.
    pub fn label(self) -> &'static str {
        match self {
            ItemKind::NewEntity => "new",
            ItemKind::RemovedEntity => "removed",
            ItemKind::NewEvent => "event",
            ItemKind::StatusChange => "status",
            ItemKind::RelationAdded => "relation added",
            ItemKind::RelationRemoved => "relation removed",
            ItemKind::DeadlineSoon => "deadline soon",
            ItemKind::DeadlineMissed => "deadline missed",
            ItemKind::FieldChanged => "changed",
        }
    }
}

/// One thing a digest reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// A hash of what the item says: the same change has the same key in
    /// every digest and feed.
    pub key: String,
    /// What it reports.
    pub kind: ItemKind,
    /// When it happened (the event's date, the deadline's due date), or the
    /// day it was seen.
    pub date: Date,
    /// The entity it is about.
    pub entity: String,
    /// The entity's kind.
    pub entity_kind: Kind,
    /// The entity's name (in the digest's language).
    pub name: String,
    /// One line saying what happened.
    pub title: String,
    /// The value before, for a changed field or status.
    pub before: Option<serde_json::Value>,
    /// The value after.
    pub after: Option<serde_json::Value>,
    /// The entity's first source address.
    pub link: Option<String>,
}

/// A watch's part of a digest.
#[derive(Clone, Debug, Serialize)]
pub struct WatchDigest {
    /// The watch's name.
    pub watch: String,
    /// What it is measured against: a snapshot's time, a date or a
    /// revision.
    pub since: String,
    /// Its items, by date, then kind, entity and key.
    pub items: Vec<Item>,
}

/// The entities a watch covers, in the two versions.
#[derive(Debug, Default)]
pub struct Scope {
    /// Every entity is in scope.
    pub all: bool,
    /// Else these ids.
    pub ids: BTreeSet<String>,
}

impl Scope {
    fn has(&self, id: &str) -> bool {
        self.all || self.ids.contains(id)
    }
}

/// Whether an entity passes a watch's kind, jurisdiction, status and tag
/// filters.
pub fn passes(w: &Watch, e: &Entity, today: Date) -> bool {
    if !w.kinds.is_empty() && !w.kinds.contains(&e.kind) {
        return false;
    }
    if let Some(j) = &w.jurisdiction {
        match j.parse::<Jurisdiction>() {
            Ok(j) if j.matches(&e.jurisdiction) => {}
            _ => return false,
        }
    }
    if !w.stages.is_empty() {
        match e.status(Some(today)) {
            Some(s) if w.stages.contains(&s) => {}
            _ => return false,
        }
    }
    if !w.tags.is_empty() && !e.tags.iter().any(|t| w.tags.contains(t)) {
        return false;
    }
    true
}

/// The scope of a watch without a search (a search's hits come from the
/// index, and are passed in as `hits`): the entity and its neighbours up
/// to `depth` relations away in either version, either direction; else the
/// entities the filters keep, in either version.
pub fn scope(
    w: &Watch,
    old: &Side,
    new: &Side,
    hits: Option<&BTreeSet<String>>,
    edges: &Edges<'_>,
    today: Date,
) -> Scope {
    let filtered = !w.kinds.is_empty()
        || w.jurisdiction.is_some()
        || !w.stages.is_empty()
        || !w.tags.is_empty();
    let keep = |id: &str| {
        if !filtered {
            return true;
        }
        new.entities
            .get(id)
            .or_else(|| old.entities.get(id))
            .is_some_and(|e| passes(w, e, today))
    };
    if let Some(hits) = hits {
        return Scope {
            all: false,
            ids: hits.iter().filter(|id| keep(id)).cloned().collect(),
        };
    }
    if let Some(start) = &w.entity {
        let depth = w.depth.unwrap_or(1);
        // Level by level, each a walk over every relation: no map of the
        // whole graph is built for the few levels a watch asks for.
        let mut seen: BTreeSet<String> = BTreeSet::from([start.clone()]);
        let mut frontier: HashSet<String> = HashSet::from([start.clone()]);
        for _ in 0..depth {
            if frontier.is_empty() {
                break;
            }
            let mut next: HashSet<String> = HashSet::new();
            edges(&mut |a: &str, b: &str| {
                if frontier.contains(a) && !seen.contains(b) {
                    next.insert(b.to_owned());
                }
                if frontier.contains(b) && !seen.contains(a) {
                    next.insert(a.to_owned());
                }
            });
            seen.extend(next.iter().cloned());
            frontier = next;
        }
        return Scope {
            all: false,
            ids: seen.into_iter().filter(|id| keep(id)).collect(),
        };
    }
    if !filtered {
        return Scope {
            all: true,
            ids: BTreeSet::new(),
        };
    }
    let ids = new
        .entities
        .values()
        .chain(old.entities.values())
        .filter(|e| passes(w, e, today))
        .map(|e| e.id.clone())
        .collect();
    Scope { all: false, ids }
}

/// The relations of both versions, as (from, to) pairs given to the
/// callback: for the scope of a watch of an entity's neighbourhood.
pub type Edges<'a> = dyn Fn(&mut OnEdge<'_>) + 'a;

/// What [`Edges`] calls with each relation's (from, to).
pub type OnEdge<'f> = dyn FnMut(&str, &str) + 'f;

/// The relations of two full versions, for [`scope`].
pub fn edges<'a>(old: &'a Side, new: &'a Side) -> impl Fn(&mut OnEdge<'_>) + 'a {
    move |f| {
        for side in [old, new] {
            for e in side.entities.values() {
                for r in &e.relations {
                    f(&e.id, &r.to);
                }
            }
        }
    }
}

/// A stable key for an item: a hash of its parts.
fn key(parts: &[&str]) -> String {
    // SipHash with fixed keys: the same on every run and machine.
    #[allow(deprecated)]
    let mut h = std::hash::SipHasher::new();
    for p in parts {
        p.hash(&mut h);
    }
    format!("{:016x}", h.finish())
}

/// A short name for an item's title: the name in `lang` when the entity
/// has one there, else a bill's place and number (`NH HB 302`), else its
/// first alias (`EO 14330`), else its name, cut at 80 characters.
fn label(e: &Entity, lang: Option<&str>) -> String {
    let local = e.name_in(lang);
    let bill = e
        .identifiers
        .iter()
        .find(|i| i.scheme == crate::model::IdScheme::Bill)
        .filter(|_| e.aliases.is_empty());
    let base = if local != e.name {
        local.to_owned()
    } else if let Some(i) = bill {
        let place = e
            .jurisdiction
            .strip_prefix("US-")
            .unwrap_or(&e.jurisdiction);
        format!("{place} {}", i.value)
    } else {
        e.aliases.first().unwrap_or(&e.name).clone()
    };
    if base.chars().count() > 80 {
        let cut: String = base.chars().take(79).collect();
        format!("{cut}…")
    } else {
        base
    }
}

fn link_of(e: &Entity) -> Option<String> {
    e.sources.iter().find_map(|s| s.url.clone())
}

/// What the items of every watch are built from: the two versions, the
/// diff between them, and the day.
pub struct Basis<'a> {
    /// The version measured against.
    pub old: &'a Side,
    /// The version now.
    pub new: &'a Side,
    /// [`crate::track::changes()`] of the two.
    pub changes: &'a Changes,
    /// Today.
    pub today: Date,
    /// The day the old version was taken (for deadlines: those that came
    /// within the horizon, or passed, since then).
    pub since_day: Date,
    /// Names in this language.
    pub lang: Option<&'a str>,
}

/// Fields whose change is not news: where a record was read from, and
/// the lists that have items of their own.
const QUIET_FIELDS: &[&str] = &["provenance", "events", "relations", "deadlines"];

/// The items of one watch.
pub fn items(w: &Watch, scope: &Scope, b: &Basis<'_>) -> Vec<Item> {
    let mut out = Vec::new();
    let entity = |id: &str| b.new.entities.get(id).or_else(|| b.old.entities.get(id));
    let mk = |kind: ItemKind,
              e: &Entity,
              date: Date,
              title: String,
              parts: &[&str],
              before: Option<serde_json::Value>,
              after: Option<serde_json::Value>| {
        let kind_name = format!("{kind:?}");
        let mut all = vec![kind_name.as_str(), e.id.as_str()];
        all.extend_from_slice(parts);
        Item {
            key: key(&all),
            kind,
            date,
            entity: e.id.clone(),
            entity_kind: e.kind,
            name: e.name_in(b.lang).to_owned(),
            title,
            before,
            after,
            link: link_of(e),
        }
    };
    let c = b.changes;
    for a in &c.added {
        if let (true, Some(e)) = (scope.has(&a.id), b.new.entities.get(&a.id)) {
            let date = e.first_seen().unwrap_or(b.today);
            let status = a
                .status
                .map(|s| format!(" ({})", s.name()))
                .unwrap_or_default();
            out.push(mk(
                ItemKind::NewEntity,
                e,
                date,
                format!("new {}{status}: {}", e.kind.name(), label(e, b.lang)),
                &[],
                None,
                None,
            ));
        }
    }
    for r in &c.removed {
        if let (true, Some(e)) = (scope.has(&r.id), b.old.entities.get(&r.id)) {
            out.push(mk(
                ItemKind::RemovedEntity,
                e,
                b.today,
                format!("removed {}: {}", e.kind.name(), label(e, b.lang)),
                &[&b.today.to_string()],
                None,
                None,
            ));
        }
    }
    for m in &c.modified {
        if !scope.has(&m.id) {
            continue;
        }
        let (Some(before), Some(after)) = (b.old.entities.get(&m.id), b.new.entities.get(&m.id))
        else {
            continue;
        };
        if m.fields.iter().any(|f| f == "events") {
            let old: BTreeSet<String> = before
                .events
                .iter()
                .filter_map(|e| serde_json::to_string(e).ok())
                .collect();
            for ev in &after.events {
                let Ok(text) = serde_json::to_string(ev) else {
                    continue;
                };
                if old.contains(&text) {
                    continue;
                }
                let note = if ev.note.is_empty() {
                    String::new()
                } else {
                    format!(": {}", ev.note)
                };
                out.push(mk(
                    ItemKind::NewEvent,
                    after,
                    ev.date,
                    format!("{} {}{note}", label(after, b.lang), ev.stage.name()),
                    &[&text],
                    None,
                    None,
                ));
            }
        }
        let (Ok(serde_json::Value::Object(va)), Ok(serde_json::Value::Object(vb))) =
            (serde_json::to_value(before), serde_json::to_value(after))
        else {
            continue;
        };
        for f in &m.fields {
            if QUIET_FIELDS.contains(&f.as_str()) {
                continue;
            }
            let (x, y) = (va.get(f).cloned(), vb.get(f).cloned());
            let after_text = y.as_ref().map(|v| v.to_string()).unwrap_or_default();
            out.push(mk(
                ItemKind::FieldChanged,
                after,
                b.today,
                format!("{}: {f} changed", label(after, b.lang)),
                &[f, &after_text],
                x,
                y,
            ));
        }
    }
    for s in &c.status_changes {
        if let (true, Some(e)) = (scope.has(&s.id), b.new.entities.get(&s.id)) {
            let name = |x: Option<Stage>| x.map_or("-", Stage::name);
            let date = e
                .events
                .iter()
                .filter(|ev| Some(ev.stage) == s.after)
                .map(|ev| ev.date)
                .max()
                .unwrap_or(b.today);
            out.push(mk(
                ItemKind::StatusChange,
                e,
                date,
                format!(
                    "{}: {} → {}",
                    label(e, b.lang),
                    name(s.before),
                    name(s.after)
                ),
                &[name(s.before), name(s.after)],
                s.before
                    .map(|x| serde_json::Value::String(x.name().to_owned())),
                s.after
                    .map(|x| serde_json::Value::String(x.name().to_owned())),
            ));
        }
    }
    for (list, kind, side) in [
        (&c.relations_added, ItemKind::RelationAdded, b.new),
        (&c.relations_removed, ItemKind::RelationRemoved, b.old),
    ] {
        for r in list {
            if !(scope.has(&r.from) || scope.has(&r.to)) {
                continue;
            }
            let Some(e) = entity(&r.from) else { continue };
            let date = side
                .entities
                .get(&r.from)
                .and_then(|x| x.relations.iter().find(|y| y.rel == r.rel && y.to == r.to))
                .and_then(|y| y.date)
                .unwrap_or(b.today);
            let to_name = entity(&r.to).map_or_else(|| r.to.clone(), |t| label(t, b.lang));
            let verb = if kind == ItemKind::RelationAdded {
                "now"
            } else {
                "no longer"
            };
            out.push(mk(
                kind,
                e,
                date,
                format!("{} {verb} {} {to_name}", label(e, b.lang), r.rel.name()),
                &[r.rel.name(), &r.to],
                None,
                None,
            ));
        }
    }
    if let Some(days) = w.deadlines {
        let horizon = b.today.add_days(i64::from(days));
        let since_horizon = b.since_day.add_days(i64::from(days));
        for e in b.new.entities.values().filter(|e| scope.has(&e.id)) {
            let before = b.old.entities.get(&e.id);
            for d in &e.deadlines {
                let was_there = before.is_some_and(|x| x.deadlines.contains(d));
                let met = met(d, b.new, d.due);
                let what = format!("{} owes: {} (due {})", d.owner, d.what, d.due);
                let parts = [d.due.to_string(), d.owner.clone(), d.what.clone()];
                let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
                if d.due >= b.today && d.due <= horizon && (!was_there || d.due > since_horizon) {
                    out.push(mk(
                        ItemKind::DeadlineSoon,
                        e,
                        d.due,
                        format!("{}: {what}", label(e, b.lang)),
                        &parts,
                        None,
                        None,
                    ));
                }
                if d.due < b.today && d.due >= b.since_day && !met {
                    out.push(mk(
                        ItemKind::DeadlineMissed,
                        e,
                        d.due,
                        format!("{}: missed: {what}", label(e, b.lang)),
                        &parts,
                        None,
                        None,
                    ));
                }
            }
        }
    }
    out.sort_by(|a, b| {
        (a.date, a.kind, &a.entity, &a.key).cmp(&(b.date, b.kind, &b.entity, &b.key))
    });
    out.dedup_by(|a, b| a.key == b.key);
    out
}

/// Whether a deadline was met by its due day: an event of one of the
/// entities that fulfil it, of its stage (or any stage that delivers),
/// on or before the day.
fn met(d: &crate::model::Deadline, side: &Side, due: Date) -> bool {
    d.fulfilled_by.iter().any(|id| {
        side.entities.get(id).is_some_and(|e| {
            e.events.iter().any(|ev| {
                ev.date <= due
                    && match d.stage {
                        Some(s) => ev.stage == s,
                        None => ev.stage.delivers(),
                    }
            })
        })
    })
}

/// Where each watch stands: its snapshot and since when.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DigestState {
    /// By watch name.
    #[serde(default)]
    pub watches: BTreeMap<String, WatchState>,
}

/// One watch's baseline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WatchState {
    /// The snapshot file's name, in `index/sync/snapshots/`.
    pub snapshot: String,
    /// When it was taken (UTC, RFC 3339).
    pub since: String,
    /// The day it was taken ("today" then), from which deadlines missed
    /// are counted.
    #[serde(default)]
    pub day: Option<Date>,
}

fn state_path(index: &Path) -> PathBuf {
    super::state::dir(index).join("digest.json")
}

fn snapshots(index: &Path) -> PathBuf {
    super::snapshot::dir(index)
}

impl DigestState {
    /// Reads the state; empty when there is none.
    pub fn load(index: &Path) -> crate::Result<DigestState> {
        let path = state_path(index);
        match std::fs::read(&path) {
            Ok(b) => serde_json::from_slice(&b).map_err(|e| {
                crate::Error::Index(format!(
                    "{}: {e}; delete it to start every watch afresh",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(DigestState::default()),
            Err(e) => Err(crate::Error::io(path, e)),
        }
    }

    /// Writes the state, then removes the snapshots no watch uses.
    pub fn save(&self, index: &Path, _lock: &crate::lock::WriteLock) -> crate::Result<()> {
        let d = super::state::dir(index);
        std::fs::create_dir_all(&d).map_err(|e| crate::Error::io(&d, e))?;
        let mut bytes = serde_json::to_vec_pretty(self)
            .map_err(|e| crate::Error::Index(format!("cannot encode digest state: {e}")))?;
        bytes.push(b'\n');
        crate::fsio::write_atomic(&state_path(index), &bytes)?;
        let used: BTreeSet<&str> = self.watches.values().map(|w| w.snapshot.as_str()).collect();
        if let Ok(rd) = std::fs::read_dir(snapshots(index)) {
            for f in rd.flatten() {
                let name = f.file_name().to_string_lossy().into_owned();
                if name.starts_with("snap-")
                    && name.ends_with(".bin")
                    && !used.contains(name.as_str())
                {
                    let _ = std::fs::remove_file(f.path());
                }
            }
        }
        Ok(())
    }
}
