//! Policy over time: timelines, deadlines and what changed between two
//! versions of the knowledge base. It sits beside [`crate::graph`] in the
//! flow: pure functions over a validated [`Corpus`] that return
//! serializable data, which the binary renders as text or JSON.
//!
//! Status is not stored: it follows from events ([`Entity::status`]), and
//! only kinds with [`Kind::has_status`] have one. The vocabulary of stages
//! is described in docs/knowledge-format.md ("Stages and status"), and the
//! rules in docs/cli.md (sections "timeline" and "deadlines").

pub mod changes;
pub mod gitdiff;

use serde::Serialize;

use crate::check::Corpus;
use crate::graph::{Direction, Graph};
use crate::model::{Confidence, Date, Deadline, DeadlineKind, Entity, Kind, Stage};
use crate::{Error, Result};

pub use changes::{changes, Changes, Side};

/// An entity as it appears in a report: its id and English name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntityRef {
    /// The entity id.
    pub id: String,
    /// Its English name.
    pub name: String,
}

impl EntityRef {
    fn of(e: &Entity) -> EntityRef {
        EntityRef {
            id: e.id.clone(),
            name: e.name.clone(),
        }
    }
}

/// Which events a timeline shows. Every filter narrows; empty lists and
/// `None` do not filter.
#[derive(Clone, Debug, Default)]
pub struct TimelineFilter {
    /// Only events on or after this day.
    pub since: Option<Date>,
    /// Only events on or before this day.
    pub until: Option<Date>,
    /// Only events on or before this day (the global `--as-of`).
    pub as_of: Option<Date>,
    /// Only events of entities of these kinds.
    pub kinds: Vec<Kind>,
    /// Only events of entities in this jurisdiction, read as
    /// [`crate::select::Jurisdiction`] (`US` federal, `TX` or `Texas`,
    /// `US-` every state).
    pub jurisdiction: Option<String>,
    /// Only events of this entity (an id, alias or name) ...
    pub entity: Option<String>,
    /// ... and of entities up to this many relations away from it.
    pub depth: usize,
    /// Only events marking these stages.
    pub stages: Vec<Stage>,
    /// With `entity` and `depth`, walk on through asset classes and plan
    /// types too.
    pub through_hubs: bool,
    /// Only the major events: those that mark a stage. Procedural actions
    /// ([`Stage::Action`]: "Held at the desk", a reading, a cloture
    /// motion), which set no status, are left out, unless `stages` asks
    /// for `action`.
    pub major: bool,
}

/// One event on a timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TimelineEntry {
    /// When it happened.
    pub date: Date,
    /// The entity id.
    pub entity: String,
    /// The entity's kind.
    pub kind: Kind,
    /// The entity's English name.
    pub name: String,
    /// The entity's jurisdiction.
    pub jurisdiction: String,
    /// The stage the event marks.
    pub stage: Stage,
    /// What happened.
    pub note: String,
    /// Who acted, when recorded (an entity id).
    pub by: Option<String>,
    /// How well the event is supported.
    pub confidence: Confidence,
}

/// Every event of the corpus that passes `filter`, in date order; events on
/// the same day are ordered by entity id, then by their order in the file.
///
/// Fails when `--entity` matches no entity (or several), when the
/// jurisdiction is malformed, or when `since` is after `until`.
pub fn timeline(corpus: &Corpus, filter: &TimelineFilter) -> Result<Vec<TimelineEntry>> {
    let jurisdiction = validate(filter)?;
    let within: Option<Vec<usize>> = match &filter.entity {
        Some(r) => {
            let start = corpus.resolve(r)?;
            let g = Graph::new(corpus);
            Some(g.neighbourhood(
                start,
                filter.depth,
                Direction::Both,
                filter.as_of,
                filter.through_hubs,
            ))
        }
        None => None,
    };
    let entities: Box<dyn Iterator<Item = &Entity>> = match within {
        Some(w) => Box::new(w.into_iter().filter_map(|i| corpus.entities.get(i))),
        None => Box::new(corpus.entities.iter()),
    };
    Ok(entries(entities, filter, jurisdiction.as_ref()))
}

/// The timeline of `id` and the entities within `filter.depth` relations
/// of it (`id` is already resolved; `filter.entity` is not read), reading
/// only those nodes from `src`: the same events as [`timeline`] with
/// `entity` set.
pub fn timeline_around(
    src: &dyn crate::store::NodeSource,
    id: &str,
    filter: &TimelineFilter,
) -> Result<Vec<TimelineEntry>> {
    let jurisdiction = validate(filter)?;
    let nodes = crate::query::reach(
        src,
        id,
        filter.depth,
        Direction::Both,
        filter.as_of,
        filter.through_hubs,
    )?;
    Ok(entries(
        nodes.iter().map(|n| &n.entity),
        filter,
        jurisdiction.as_ref(),
    ))
}

/// The timeline of `entities` (in id order; typically what
/// [`crate::store::Store::dated`] found for the filter's kinds,
/// jurisdiction and days): the same events as [`timeline`] over the whole
/// corpus when `entities` holds every entity that can match.
/// `filter.entity` is not read.
pub fn timeline_of<'a>(
    entities: impl Iterator<Item = &'a Entity>,
    filter: &TimelineFilter,
) -> Result<Vec<TimelineEntry>> {
    let jurisdiction = validate(filter)?;
    Ok(entries(entities, filter, jurisdiction.as_ref()))
}

/// Refuses a filter no day can pass, and reads its jurisdiction.
fn validate(filter: &TimelineFilter) -> Result<Option<crate::select::Jurisdiction>> {
    if let (Some(s), Some(u)) = (filter.since, filter.until) {
        if s > u {
            return Err(Error::Usage(format!(
                "--since {s} is after --until {u}: no day can match"
            )));
        }
    }
    filter
        .jurisdiction
        .as_deref()
        .map(|j| {
            j.parse::<crate::select::Jurisdiction>()
                .map_err(Error::Usage)
        })
        .transpose()
}

/// The events of `entities` (in id order) that pass `filter`, apart from
/// its `entity`: see [`timeline`].
fn entries<'a>(
    entities: impl Iterator<Item = &'a Entity>,
    filter: &TimelineFilter,
    jurisdiction: Option<&crate::select::Jurisdiction>,
) -> Vec<TimelineEntry> {
    let mut out = Vec::new();
    for e in entities {
        if (!filter.kinds.is_empty() && !filter.kinds.contains(&e.kind))
            || jurisdiction
                .as_ref()
                .is_some_and(|j| !j.matches(&e.jurisdiction))
        {
            continue;
        }
        for ev in &e.events {
            let keep = filter.since.is_none_or(|d| ev.date >= d)
                && filter.until.is_none_or(|d| ev.date <= d)
                && filter.as_of.is_none_or(|d| ev.date <= d)
                && (filter.stages.is_empty() || filter.stages.contains(&ev.stage))
                && (!filter.major || ev.stage.sets_status() || filter.stages.contains(&ev.stage));
            if keep {
                out.push(TimelineEntry {
                    date: ev.date,
                    entity: e.id.clone(),
                    kind: e.kind,
                    name: e.name.clone(),
                    jurisdiction: e.jurisdiction.clone(),
                    stage: ev.stage,
                    note: ev.note.clone(),
                    by: ev.by.clone(),
                    confidence: ev.confidence,
                });
            }
        }
    }
    // Entities are already in id order and events in file order, so a
    // stable sort by date keeps both tie-breaks.
    out.sort_by_key(|t| t.date);
    out
}

/// Where a deadline stands on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineState {
    /// Not met, and due on or after the day.
    Upcoming,
    /// Not met, due before the day, and a source confirmed on a day after
    /// the due date that it was still not delivered
    /// ([`crate::model::Deadline::unmet_on`]).
    Overdue,
    /// Due before the day, and no fulfilment is recorded: the knowledge
    /// base does not know that it was met, nor that it was not.
    Unrecorded,
    /// Met by an event on or before the day.
    Met,
    /// A public deadline ([`DeadlineKind::Public`], such as a comment
    /// period) whose day has passed. Public deadlines are upcoming or
    /// closed, never overdue or met.
    Closed,
}

impl DeadlineState {
    /// The name used on the command line and in JSON.
    pub fn name(self) -> &'static str {
        match self {
            DeadlineState::Upcoming => "upcoming",
            DeadlineState::Overdue => "overdue",
            DeadlineState::Unrecorded => "unrecorded",
            DeadlineState::Met => "met",
            DeadlineState::Closed => "closed",
        }
    }
}

/// The event that met a deadline.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fulfilment {
    /// When it was met.
    pub date: Date,
    /// The entity whose event met it.
    pub by: EntityRef,
    /// The stage of that event.
    pub stage: Stage,
    /// Whether it was met on or before the due date.
    pub on_time: bool,
}

/// A deadline, judged on a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DeadlineStatus {
    /// When it is due.
    pub due: Date,
    /// What is owed.
    pub what: String,
    /// Owed by `owner`, or open to the public (then `owner` receives it).
    pub kind: DeadlineKind,
    /// Who owes it (for a public deadline: who receives it).
    pub owner: EntityRef,
    /// The entity that sets the deadline (for whom the work is done).
    pub set_by: EntityRef,
    /// Its kind (a statute, an executive order, a rule, ...).
    pub set_by_kind: crate::model::Kind,
    /// Where it stands.
    pub state: DeadlineState,
    /// Days from the day judged to the due date, when upcoming (0 on the
    /// due date itself).
    pub days_left: Option<i64>,
    /// Days past the due date: so far when overdue, at fulfilment when met
    /// late.
    pub days_late: Option<i64>,
    /// The event that met it, when met.
    pub met: Option<Fulfilment>,
    /// The entities whose events can meet it.
    pub fulfilled_by: Vec<String>,
    /// How well the deadline is supported.
    pub confidence: Confidence,
}

/// Which deadlines to report. States combine as "any of"; no state means
/// every state.
#[derive(Clone, Debug, Default)]
pub struct DeadlineFilter {
    /// Only deadlines in these states.
    pub states: Vec<DeadlineState>,
    /// Only deadlines due from the day judged up to this many days after it.
    pub within: Option<i64>,
    /// Only deadlines owed by this entity (an id).
    pub owner: Option<String>,
    /// Only deadlines set by entities of these kinds (any, when empty).
    pub kinds: Vec<crate::model::Kind>,
    /// Only deadlines due on or after this day.
    pub since: Option<Date>,
    /// Only deadlines due on or before this day.
    pub until: Option<Date>,
}

/// Every deadline of the corpus judged on `as_of`, by due date (ties: the
/// setting entity's id, then file order). Deadlines set by entities that did
/// not exist yet on `as_of` are left out.
pub fn deadlines(corpus: &Corpus, as_of: Date, filter: &DeadlineFilter) -> Vec<DeadlineStatus> {
    deadlines_of(corpus.entities.iter(), |id| corpus.get(id), as_of, filter)
}

/// [`deadlines`] of the entities `setters` (in id order; those without a
/// deadline add nothing), looking the owners and fulfillers up with `get`:
/// the same answer as over the whole corpus when `setters` holds every
/// entity with a deadline.
pub fn deadlines_of<'a, E: std::borrow::Borrow<Entity>>(
    setters: impl Iterator<Item = &'a Entity>,
    get: impl Fn(&str) -> Option<E>,
    as_of: Date,
    filter: &DeadlineFilter,
) -> Vec<DeadlineStatus> {
    let mut out = Vec::new();
    for e in setters {
        if !e.exists_on(Some(as_of))
            || (!filter.kinds.is_empty() && !filter.kinds.contains(&e.kind))
        {
            continue;
        }
        for d in &e.deadlines {
            if filter.owner.as_ref().is_some_and(|o| *o != d.owner)
                || filter.since.is_some_and(|s| d.due < s)
                || filter.until.is_some_and(|u| d.due > u)
            {
                continue;
            }
            let st = judge(d, e, &get, as_of);
            if !filter.states.is_empty() && !filter.states.contains(&st.state) {
                continue;
            }
            if let Some(n) = filter.within {
                if d.due < as_of || d.due > as_of.add_days(n) {
                    continue;
                }
            }
            out.push(st);
        }
    }
    out.sort_by_key(|d| d.due);
    out
}

/// One deadline set by `set_by`, judged on `as_of`. `get` looks entities up
/// by id (the owner, and the entities whose events may meet it), so that
/// the same rule runs on a corpus in memory or on the index.
pub fn judge<E: std::borrow::Borrow<Entity>>(
    d: &Deadline,
    set_by: &Entity,
    get: impl Fn(&str) -> Option<E>,
    as_of: Date,
) -> DeadlineStatus {
    // What the public may do by a date (a comment period) is never owed:
    // it is upcoming or closed, not met or overdue.
    let public = d.kind == DeadlineKind::Public;
    let met = if public {
        None
    } else {
        fulfilment(&get, &d.fulfilled_by, d.stage, as_of, d.due)
    };
    let state = match (&met, d.due >= as_of) {
        (Some(_), _) => DeadlineState::Met,
        (None, true) => DeadlineState::Upcoming,
        (None, false) if public => DeadlineState::Closed,
        (None, false) if d.unmet_on.is_some_and(|u| u >= d.due && u <= as_of) => {
            DeadlineState::Overdue
        }
        (None, false) => DeadlineState::Unrecorded,
    };
    let (days_left, days_late) = match (&met, state) {
        (Some(m), _) => (None, (!m.on_time).then(|| d.due.days_until(m.date))),
        (None, DeadlineState::Upcoming) => (Some(as_of.days_until(d.due)), None),
        (None, DeadlineState::Closed) => (None, None),
        (None, _) => (None, Some(d.due.days_until(as_of))),
    };
    let owner = get(&d.owner).map_or_else(
        || EntityRef {
            id: d.owner.clone(),
            name: String::new(),
        },
        |e| EntityRef::of(e.borrow()),
    );
    DeadlineStatus {
        due: d.due,
        what: d.what.clone(),
        kind: d.kind,
        owner,
        set_by: EntityRef::of(set_by),
        set_by_kind: set_by.kind,
        state,
        days_left,
        days_late,
        met,
        fulfilled_by: d.fulfilled_by.clone(),
        confidence: d.confidence,
    }
}

/// The earliest event on or before `as_of` of any of `by` whose stage
/// delivers the work ([`Stage::delivers`]): an announcement or a draft sent
/// for review promises the work; publication delivers it.
/// Ties on the day go to the entity listed first.
fn fulfilment<E: std::borrow::Borrow<Entity>>(
    get: &impl Fn(&str) -> Option<E>,
    by: &[String],
    stage: Option<Stage>,
    as_of: Date,
    due: Date,
) -> Option<Fulfilment> {
    let mut best: Option<(Date, EntityRef, Stage)> = None;
    for id in by {
        let Some(e) = get(id) else { continue };
        let e = e.borrow();
        for ev in &e.events {
            let counts = match stage {
                Some(s) => ev.stage == s,
                None => ev.stage.delivers(),
            };
            if !counts || ev.date > as_of {
                continue;
            }
            if best.as_ref().is_none_or(|(d, _, _)| ev.date < *d) {
                best = Some((ev.date, EntityRef::of(e), ev.stage));
            }
        }
    }
    best.map(|(date, by, stage)| Fulfilment {
        date,
        by,
        stage,
        on_time: date <= due,
    })
}

/// Parses a span of days: `30`, `30d` or `2w`.
pub fn parse_days(s: &str) -> std::result::Result<i64, String> {
    let t = s.trim().to_ascii_lowercase();
    let (num, unit) = match t.strip_suffix('w') {
        Some(n) => (n, 7),
        None => (t.strip_suffix('d').unwrap_or(&t), 1),
    };
    match num.trim().parse::<i64>() {
        Ok(n) if (0..=100_000).contains(&n) => Ok(n * unit),
        _ => Err(format!(
            "invalid span `{s}`: expected a number of days (`30`, `30d`) or weeks (`2w`)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::parse_days;

    #[test]
    fn spans_of_days() {
        assert_eq!(parse_days("30"), Ok(30));
        assert_eq!(parse_days("30d"), Ok(30));
        assert_eq!(parse_days("2w"), Ok(14));
        assert!(parse_days("-1").is_err());
        assert!(parse_days("w").is_err());
        assert!(parse_days("3m").is_err());
    }
}
