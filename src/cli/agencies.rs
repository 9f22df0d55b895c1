//! `policygraph agencies`: which agencies an entity touches, and why.

use std::io::Write;

use serde::Serialize;

use super::flags::{AsOfOpt, JsonOpt, LangOpt};
use super::render::{self, DIM, ID};
use super::{Ctx, Status};

/// Options of `agencies`.
#[derive(Debug, clap::Args)]
pub struct AgenciesArgs {
    /// The entity: id, alias, or name in any language (several words are
    /// one name: `GENIUS Act` needs no quotes).
    #[arg(required = true, num_args = 1.., value_name = "REF")]
    pub entity: Vec<String>,
    /// How many relations away to look.
    #[arg(long, default_value_t = 2)]
    pub depth: usize,
    /// Only agencies related directly (depth 1, no roll-up).
    #[arg(long)]
    pub direct: bool,
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
    #[command(flatten)]
    pub lang: LangOpt,
}

#[derive(Serialize)]
struct Json<'a> {
    entity: &'a str,
    depth: usize,
    direct: bool,
    as_of: Option<policygraph::model::Date>,
    agencies: &'a [policygraph::query::AgencyHit],
}

/// Runs `agencies`.
pub fn run(ctx: &Ctx, args: &AgenciesArgs) -> anyhow::Result<Status> {
    let store = ctx.store()?;
    let id = store.resolve(&args.entity.join(" "))?;
    let hits = if super::show::any_not_yet(&store, &[&id], ctx.as_of)? {
        if !ctx.json {
            return Ok(Status::Found);
        }
        Vec::new()
    } else {
        policygraph::query::agencies(&store, &id, args.depth, args.direct, ctx.as_of)?
    };
    if ctx.json {
        super::print_json(&Json {
            entity: &id,
            depth: args.depth,
            direct: args.direct,
            as_of: ctx.as_of,
            agencies: &hits,
        })?;
    } else {
        let mut out = anstream::stdout().lock();
        if hits.is_empty() {
            writeln!(
                out,
                "{id} touches no agency within {} relation(s)",
                if args.direct { 1 } else { args.depth }
            )?;
        }
        for h in &hits {
            let parents = if h.parents.is_empty() {
                String::new()
            } else {
                format!("  (part of {})", h.parents.join(" → "))
            };
            let rollup = if h.rollup { "  [roll-up]" } else { "" };
            writeln!(
                out,
                "{}{:<28}{} {:<7} {}{parents}{rollup}",
                ID.render(),
                h.id,
                ID.render_reset(),
                h.kind.name(),
                ctx.local_name(&store, &h.id, &h.name)
            )?;
            writeln!(
                out,
                "    {}{}{}",
                DIM.render(),
                render::chain(&id, &h.chain),
                DIM.render_reset()
            )?;
        }
    }
    Ok(if hits.is_empty() {
        Status::Found
    } else {
        Status::Ok
    })
}
