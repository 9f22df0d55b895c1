//! `policygraph deadlines`: who owes what, by when, for whom, and whether
//! it was met, judged as of `--as-of` (default today).

use std::collections::BTreeMap;
use std::io::Write;

use anstyle::{AnsiColor, Style};
use serde::Serialize;

use policygraph::model::{Date, DeadlineKind};
use policygraph::track::{self, DeadlineFilter, DeadlineState, DeadlineStatus, EntityRef};

use super::flags::{AsOfOpt, JsonOpt, LangOpt};
use super::render;
use super::{Ctx, Status};

/// Options of `deadlines`.
#[derive(Debug, clap::Args)]
pub struct DeadlinesArgs {
    /// Only deadlines not yet met and not yet due.
    #[arg(long)]
    pub upcoming: bool,
    /// Only deadlines past due with no fulfilment recorded: overdue (a
    /// source confirmed the work was not delivered) or unrecorded.
    #[arg(long)]
    pub overdue: bool,
    /// Only deadlines met (on time or late).
    #[arg(long)]
    pub met: bool,
    /// Only public deadlines (comment periods) whose day has passed.
    #[arg(long)]
    pub closed: bool,
    /// Only deadlines due within this span after the day judged: `30d`,
    /// `2w` or `30` (days).
    #[arg(long, value_name = "SPAN", value_parser = policygraph::track::parse_days)]
    pub within: Option<i64>,
    /// Only deadlines owed by this entity (id, alias or name): `--owner DOL`.
    #[arg(long, value_name = "REF")]
    pub owner: Option<String>,
    /// Only deadlines set by entities of this kind (repeatable):
    /// `--kind statute`, `--kind executive_order`.
    #[arg(long, value_name = "KIND")]
    pub kind: Vec<policygraph::model::Kind>,
    /// Only deadlines due on or after this day (`2026`, `2026-07` or
    /// `2026-07-18`: the first day of the period).
    #[arg(long, value_name = "DATE", visible_alias = "from", value_parser = super::flags::parse_since)]
    pub since: Option<Date>,
    /// Only deadlines due on or before this day (`2026` is up to
    /// 2026-12-31).
    #[arg(long, value_name = "DATE", visible_alias = "to", value_parser = super::flags::parse_until)]
    pub until: Option<Date>,
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
    #[command(flatten)]
    pub lang: LangOpt,
}

/// Met deadlines.
const MET: Style = AnsiColor::Green.on_default();

/// The JSON document (schema in docs/json.md, "JSON output").
#[derive(Serialize)]
struct Report<'a> {
    as_of: Date,
    deadlines: &'a [DeadlineStatus],
}

/// Runs `deadlines`.
pub fn run(ctx: &Ctx, args: &DeadlinesArgs) -> anyhow::Result<Status> {
    use policygraph::store::NodeSource as _;
    let store = ctx.store()?;
    let as_of = ctx.as_of.unwrap_or_else(Date::today);
    let states = [
        (args.upcoming, DeadlineState::Upcoming),
        (args.overdue, DeadlineState::Overdue),
        (args.overdue, DeadlineState::Unrecorded),
        (args.met, DeadlineState::Met),
        (args.closed, DeadlineState::Closed),
    ]
    .into_iter()
    .filter_map(|(on, s)| on.then_some(s))
    .collect();
    let owner = args
        .owner
        .as_deref()
        .map(|r| store.resolve(r))
        .transpose()?;
    let filter = DeadlineFilter {
        states,
        within: args.within,
        owner,
        kinds: args.kind.clone(),
        since: args.since,
        until: args.until,
    };
    // Only the entities that set deadlines are read from the index, and
    // then the owners and fulfillers they name.
    let setters = store.with_deadlines()?;
    let mut named: BTreeMap<String, policygraph::model::Entity> = BTreeMap::new();
    for d in setters.iter().flat_map(|n| &n.entity.deadlines) {
        for id in std::iter::once(&d.owner).chain(&d.fulfilled_by) {
            if !named.contains_key(id) {
                if let Some(n) = store.node(id)? {
                    named.insert(id.clone(), n.entity.clone());
                }
            }
        }
    }
    let items = track::deadlines_of(
        setters.iter().map(|n| &n.entity),
        |id| named.get(id),
        as_of,
        &filter,
    );
    let status = if items.is_empty() {
        super::ctx::note(&format!("no deadlines match these filters as of {as_of}"));
        Status::Found
    } else {
        Status::Ok
    };
    // A script gets a document even when nothing matched.
    if ctx.json {
        super::print_json(&Report {
            as_of,
            deadlines: &items,
        })?;
        return Ok(status);
    }
    if items.is_empty() {
        return Ok(status);
    }
    let setter = |id: &str| {
        setters
            .binary_search_by(|n| n.entity.id.as_str().cmp(id))
            .ok()
            .map(|i| &setters[i].entity)
    };
    let name = |r: &EntityRef| {
        let local = named
            .get(&r.id)
            .or_else(|| setter(&r.id))
            .map_or(r.name.as_str(), |e| e.name_in(ctx.lang.as_deref()));
        if local.is_empty() {
            r.id.clone()
        } else {
            format!("{} ({local})", r.id)
        }
    };
    let mut out = anstream::stdout().lock();
    let (b, r) = (render::BOLD.render(), render::BOLD.render_reset());
    writeln!(out, "{b}deadlines as of {as_of}{r}")?;
    for d in &items {
        let (style, state) = describe(d);
        writeln!(
            out,
            "\n{}  {}{state}{}",
            d.due,
            style.render(),
            style.render_reset()
        )?;
        match d.kind {
            DeadlineKind::Public => {
                writeln!(out, "  open to the public: {}", d.what)?;
                writeln!(out, "  filed with {}", name(&d.owner))?;
            }
            DeadlineKind::Owed => writeln!(out, "  owed by {}: {}", name(&d.owner), d.what)?,
        }
        writeln!(out, "  set by  {}", name(&d.set_by))?;
    }
    let count = |s| items.iter().filter(|d| d.state == s).count();
    writeln!(
        out,
        "\n{} deadline(s): {} upcoming, {} overdue, {}{} met{}",
        items.len(),
        count(DeadlineState::Upcoming),
        count(DeadlineState::Overdue),
        match count(DeadlineState::Unrecorded) {
            0 => String::new(),
            n => format!("{n} past due with no fulfilment recorded, "),
        },
        count(DeadlineState::Met),
        match count(DeadlineState::Closed) {
            0 => String::new(),
            n => format!(", {n} closed"),
        }
    )?;
    Ok(Status::Ok)
}

/// The state in words, and its colour.
pub(super) fn describe(d: &DeadlineStatus) -> (Style, String) {
    let days = |n: i64| {
        if n == 1 {
            "1 day".to_owned()
        } else {
            format!("{n} days")
        }
    };
    match (&d.met, d.state) {
        (Some(m), _) => {
            let when = if m.on_time {
                let early = m.date.days_until(d.due);
                match early {
                    0 => "on the due date".to_owned(),
                    n => format!("{} early", days(n)),
                }
            } else {
                format!("{} late", days(d.days_late.unwrap_or(0)))
            };
            let how = if m.on_time { "on time" } else { "late" };
            (
                if m.on_time { MET } else { render::WARN },
                format!("met {how}: {} {} on {}, {when}", m.by.id, m.stage, m.date),
            )
        }
        (None, DeadlineState::Closed) => (render::BOLD, "closed".to_owned()),
        (None, DeadlineState::Overdue) => (
            render::ERR,
            format!("overdue by {}", days(d.days_late.unwrap_or(0))),
        ),
        (None, DeadlineState::Unrecorded) => (
            render::WARN,
            format!(
                "past due by {}: no fulfilment recorded",
                days(d.days_late.unwrap_or(0))
            ),
        ),
        _ => match d.days_left.unwrap_or(0) {
            0 => (render::WARN, "upcoming: due today".to_owned()),
            n => (render::WARN, format!("upcoming: {} left", days(n))),
        },
    }
}
