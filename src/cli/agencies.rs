//! `policygraph agencies`: which agencies an entity touches, and why.

use std::io::Write;

use serde::Serialize;

use super::flags::{AsOfOpt, JsonOpt, LangOpt};
use super::render::{self, DIM, ID};
use super::{Ctx, Status};

/// Chains printed under an agency besides the shortest, without
/// `--all-chains`.
const MORE_CHAINS: usize = 3;

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
    /// Print every chain that reaches each agency (by default: the
    /// shortest and three more, with a count of the rest).
    #[arg(long)]
    pub all_chains: bool,
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
            // Say what is known: no relation is recorded; whether the
            // document's text was imported and read is the other half.
            let node = policygraph::store::NodeSource::node(&store, &id)?;
            let has_text = node.as_ref().is_some_and(|n| {
                std::iter::once(&n.path)
                    .chain(&n.merged)
                    .any(|p| ctx.knowledge.join(p).with_extension("txt").is_file())
            });
            let why = if has_text {
                "its text is imported and names no agency the title table knows"
            } else {
                "the text is not imported"
            };
            writeln!(
                out,
                "{id}: no relation to an agency is recorded within {} relation(s); {why}",
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
            let limit = if args.all_chains {
                usize::MAX
            } else {
                MORE_CHAINS
            };
            let shown = h.also.iter().take(limit);
            for chain in std::iter::once(&h.chain).chain(shown) {
                writeln!(
                    out,
                    "    {}{}{}",
                    DIM.render(),
                    render::chain(&id, chain),
                    DIM.render_reset()
                )?;
                for step in chain {
                    if let Some(ev) = &step.evidence {
                        let section = if ev.section.is_empty() {
                            String::new()
                        } else {
                            format!("{}: ", ev.section)
                        };
                        writeln!(out, "        {section}“{}”", ev.quote)?;
                    }
                }
            }
            if h.also.len() > limit {
                writeln!(
                    out,
                    "    {}(+{} more chain(s); --all-chains lists them){}",
                    DIM.render(),
                    h.also.len() - limit,
                    DIM.render_reset()
                )?;
            }
        }
    }
    Ok(if hits.is_empty() {
        Status::Found
    } else {
        Status::Ok
    })
}
