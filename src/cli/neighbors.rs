//! `policygraph neighbors`: entities within N relations.

use serde::Serialize;

use policygraph::graph::Direction;
use policygraph::model::{Kind, RelationKind};
use policygraph::query::{neighbors, NeighborOptions};

use super::flags::{AsOfOpt, JsonOpt, LangOpt};
use super::render;
use super::{Ctx, Status};

/// Options of `neighbors`.
#[derive(Debug, clap::Args)]
pub struct NeighborsArgs {
    /// The entity: id, alias, or name in any language (several words are
    /// one name: `GENIUS Act` needs no quotes).
    #[arg(required = true, num_args = 1.., value_name = "REF")]
    pub entity: Vec<String>,
    /// How many relations away.
    #[arg(long, default_value_t = 1)]
    pub depth: usize,
    /// Only follow this relation (repeatable). Its inverse name, as `show`
    /// prints it (`enacted_by`), names the same relation.
    #[arg(long = "relation", value_name = "RELATION", value_parser = RelationKind::parse_either)]
    pub relations: Vec<RelationKind>,
    /// Only list this kind (repeatable).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<Kind>,
    /// Which way to follow relations: in, out or both.
    #[arg(long, default_value = "both")]
    pub direction: Direction,
    /// Walk on through asset classes and plan types (by default they are
    /// listed but not walked through: they connect nearly everything).
    #[arg(long)]
    pub through_hubs: bool,
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
    neighbors: &'a [policygraph::query::Neighbor],
}

/// Runs `neighbors`.
pub fn run(ctx: &Ctx, args: &NeighborsArgs) -> anyhow::Result<Status> {
    let store = ctx.store()?;
    let id = store.resolve(&args.entity.join(" "))?;
    let not_yet = super::show::any_not_yet(&store, &[&id], ctx.as_of)?;
    if not_yet && !ctx.json {
        return Ok(Status::Found);
    }
    let opts = NeighborOptions {
        depth: args.depth,
        relations: args.relations.clone(),
        kinds: args.kinds.clone(),
        direction: args.direction,
        as_of: ctx.as_of,
        through_hubs: args.through_hubs,
    };
    let found = if not_yet {
        Vec::new()
    } else {
        neighbors(&store, &id, &opts)?
    };
    if ctx.json {
        super::print_json(&Json {
            entity: &id,
            depth: args.depth,
            neighbors: &found,
        })?;
    } else {
        let mut t = render::table(&["dist", "id", "kind", "name", "via"]);
        for n in &found {
            t.add_row(vec![
                n.distance.to_string(),
                n.id.clone(),
                n.kind.name().to_owned(),
                ctx.local_name(&store, &n.id, &n.name),
                render::chain(&id, &n.chain),
            ]);
        }
        if !found.is_empty() {
            render::write_table(&mut anstream::stdout().lock(), &t)?;
        } else {
            super::ctx::note(&format!("{id} has no neighbours matching these filters"));
        }
    }
    Ok(if found.is_empty() {
        Status::Found
    } else {
        Status::Ok
    })
}
