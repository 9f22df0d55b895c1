//! `policygraph list`: entities filtered by kind, jurisdiction, status, tag
//! and sponsor.

use serde::Serialize;

use policygraph::model::{Kind, SponsorRole, Stage};
use policygraph::store::ListFilter;

use super::flags::{parse_jurisdiction, AsOfOpt, JsonOpt, LangOpt};
use super::render;
use super::{Ctx, Status};

/// Options of `list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only this kind (repeatable).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<Kind>,
    /// Only this jurisdiction: `US` (or `federal`) for federal entities,
    /// `US-TX`, `TX` or `Texas` for a state, `US-` (or `states`) for every
    /// state.
    #[arg(long, value_name = "J", value_parser = parse_jurisdiction)]
    pub jurisdiction: Option<String>,
    /// Only this current status (repeatable).
    #[arg(long = "status", value_name = "STAGE")]
    pub statuses: Vec<Stage>,
    /// Only entities with this tag (repeatable: all must match).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
    #[command(flatten)]
    pub lang: LangOpt,
    /// Only bills with this sponsor or cosponsor: every word must be in
    /// the name (`Lummis`, `Cynthia Lummis`), in any case.
    #[arg(long, value_name = "NAME")]
    pub sponsor: Option<String>,
    /// With `--sponsor`: only bills where that person is the `sponsor`
    /// (primary sponsor) or a `cosponsor`.
    #[arg(long, value_name = "ROLE", requires = "sponsor")]
    pub role: Option<SponsorRole>,
}

#[derive(Serialize)]
struct Item<'a> {
    id: &'a str,
    kind: policygraph::model::Kind,
    name: &'a str,
    local_name: Option<&'a str>,
    jurisdiction: &'a str,
    status: Option<policygraph::model::Stage>,
    /// With `--sponsor`: that person's role in the bill (`sponsor` when
    /// they are both, or several people match).
    #[serde(skip_serializing_if = "Option::is_none")]
    role: Option<SponsorRole>,
    tags: &'a [String],
}

/// Runs `list`.
pub fn run(ctx: &Ctx, args: &ListArgs) -> anyhow::Result<Status> {
    let store = ctx.store()?;
    // An enacted bill is a statute; `--kind bill` still lists it when it
    // came through a legislature (it has a session).
    let bills_too = args.kinds.contains(&Kind::Bill) && !args.kinds.contains(&Kind::Statute);
    let mut kinds = args.kinds.clone();
    if bills_too {
        kinds.push(Kind::Statute);
    }
    let filter = ListFilter {
        kinds,
        jurisdiction: args.jurisdiction.clone(),
        statuses: args.statuses.clone(),
        tags: args.tags.clone(),
        sponsor: args.sponsor.clone(),
        sponsor_role: args.role,
        as_of: ctx.as_of,
    };
    let day = Some(super::show::status_day(ctx.as_of));
    let status_of = |e: &policygraph::model::Entity| {
        if e.kind.has_status() {
            e.status(day)
        } else {
            None
        }
    };
    let mut nodes = store.list(&filter)?;
    if bills_too {
        nodes.retain(|n| n.entity.kind != Kind::Statute || n.entity.session.is_some());
    }
    let items: Vec<Item> = nodes
        .iter()
        .map(|n| {
            let e = &n.entity;
            Item {
                id: &e.id,
                kind: e.kind,
                name: &e.name,
                local_name: ctx
                    .lang
                    .as_deref()
                    .and_then(|l| e.names.get(l))
                    .map(String::as_str),
                jurisdiction: &e.jurisdiction,
                status: status_of(e),
                role: args.sponsor.as_deref().and_then(|who| {
                    e.sponsors
                        .iter()
                        .filter(|s| s.matches(who) && args.role.is_none_or(|r| s.role == r))
                        .map(|s| s.role)
                        .min()
                }),
                tags: &e.tags,
            }
        })
        .collect();
    if ctx.json {
        super::print_json(&serde_json::json!({
            "as_of": ctx.as_of,
            "count": items.len(),
            "entities": items,
        }))?;
    } else if items.is_empty() {
        super::ctx::note("no entity matches these filters");
    } else {
        let with_role = args.sponsor.is_some();
        let mut head = vec!["id", "kind", "jurisdiction", "status"];
        if with_role {
            head.push("role");
        }
        head.push("name");
        let mut t = render::table(&head);
        for i in &items {
            let mut row = vec![
                i.id.to_owned(),
                i.kind.name().to_owned(),
                i.jurisdiction.to_owned(),
                i.status.map_or("-", |s| s.name()).to_owned(),
            ];
            if with_role {
                row.push(i.role.map_or("-", |r| r.name()).to_owned());
            }
            row.push(i.local_name.unwrap_or(i.name).to_owned());
            t.add_row(row);
        }
        render::write_table(&mut anstream::stdout().lock(), &t)?;
    }
    Ok(if items.is_empty() {
        Status::Found
    } else {
        Status::Ok
    })
}
