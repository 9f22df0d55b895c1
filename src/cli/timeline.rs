//! `policygraph timeline`: events across the knowledge base in date order.

use serde::Serialize;

use policygraph::model::{Date, Kind, Stage};
use policygraph::track::{self, TimelineEntry, TimelineFilter};

use super::flags::{parse_jurisdiction, parse_since, parse_until, AsOfOpt, JsonOpt};
use super::render;
use super::{Ctx, Status};

/// Options of `timeline`.
#[derive(Debug, clap::Args)]
pub struct TimelineArgs {
    /// Only events in or after this period: `YYYY`, `YYYY-MM` or
    /// `YYYY-MM-DD` (alias `--from`).
    #[arg(long, visible_alias = "from", value_name = "DATE", value_parser = parse_since)]
    pub since: Option<Date>,
    /// Only events in or before this period (`--until 2025` reaches
    /// 2025-12-31; alias `--to`).
    #[arg(long, visible_alias = "to", value_name = "DATE", value_parser = parse_until)]
    pub until: Option<Date>,
    /// Only events of this kind of entity (repeatable).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<Kind>,
    /// Only this jurisdiction: `US` (or `federal`) for federal entities,
    /// `US-TX`, `TX` or `Texas` for a state, `US-` (or `states`) for every
    /// state.
    #[arg(long, value_name = "J", value_parser = parse_jurisdiction)]
    pub jurisdiction: Option<String>,
    /// Only events of this entity (id, alias or name) ...
    #[arg(long, value_name = "REF")]
    pub entity: Option<String>,
    /// ... and of entities up to this many relations away from it.
    #[arg(long, default_value_t = 0, requires = "entity")]
    pub depth: usize,
    /// Only events marking this stage (repeatable).
    #[arg(long = "stage", value_name = "STAGE")]
    pub stages: Vec<Stage>,
    /// With `--depth`, walk on through asset classes and plan types too (by
    /// default they are reached but not walked through).
    #[arg(long, requires = "entity")]
    pub through_hubs: bool,
    /// Only the major events: leave out procedural actions (events of
    /// stage `action`, such as "Held at the desk", a reading or a cloture
    /// motion, which mark no stage).
    #[arg(long)]
    pub major: bool,
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
}

/// The JSON document (schema in docs/json.md, "JSON output").
#[derive(Serialize)]
struct Report<'a> {
    as_of: Option<Date>,
    events: &'a [TimelineEntry],
}

/// Runs `timeline`.
pub fn run(ctx: &Ctx, args: &TimelineArgs) -> anyhow::Result<Status> {
    let filter = TimelineFilter {
        since: args.since,
        until: args.until,
        as_of: ctx.as_of,
        kinds: args.kinds.clone(),
        jurisdiction: args.jurisdiction.clone(),
        entity: args.entity.clone(),
        depth: args.depth,
        stages: args.stages.clone(),
        through_hubs: args.through_hubs,
        major: args.major,
    };
    // Around one entity, only its neighbourhood is read from the store;
    // the whole timeline needs every record.
    let events = match &args.entity {
        Some(r) => {
            let store = ctx.store()?;
            let id = store.resolve(r)?;
            track::timeline_around(&store, &id, &filter)?
        }
        // Otherwise the index finds the entities with a date in range
        // (and of the kinds and jurisdiction asked), and only those are read.
        None => {
            // A filter no day can pass is refused before anything is read.
            track::timeline_of(std::iter::empty(), &filter)?;
            let store = ctx.store()?;
            let until = match (filter.until, filter.as_of) {
                (Some(u), Some(a)) => Some(u.min(a)),
                (u, a) => u.or(a),
            };
            let nodes = store.dated(
                &filter.kinds,
                filter.jurisdiction.as_deref(),
                filter.since,
                until,
            )?;
            track::timeline_of(nodes.iter().map(|n| &n.entity), &filter)?
        }
    };
    let status = if events.is_empty() {
        super::ctx::note("no events match these filters");
        Status::Found
    } else {
        Status::Ok
    };
    // A script gets a document even when nothing matched.
    if ctx.json {
        super::print_json(&Report {
            as_of: ctx.as_of,
            events: &events,
        })?;
        return Ok(status);
    }
    if events.is_empty() {
        return Ok(status);
    }
    // Events after today are scheduled, not yet history: say so.
    let today = ctx.as_of.unwrap_or_else(Date::today);
    let mut t = render::table(&["date", "entity", "kind", "stage", "title", "note"]);
    for ev in &events {
        let mut stage = ev.stage.name().to_owned();
        if ev.date > today {
            stage.push_str(" (scheduled)");
        }
        t.add_row(vec![
            ev.date.to_string(),
            ev.entity.clone(),
            ev.kind.name().to_owned(),
            stage,
            short(&ev.name, 60),
            ev.note.clone(),
        ]);
    }
    render::write_table(&mut anstream::stdout().lock(), &t)?;
    Ok(Status::Ok)
}

/// A title cut to `max` characters, with `…` where it was cut: a bill's
/// title can run to hundreds of words.
fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}
