//! `policygraph neighbors`: entities within N relations.

use serde::Serialize;

use policygraph::query::{neighbors, NeighborOptions};

use super::args::NeighborsArgs;
use super::render;
use super::{Ctx, Status};

#[derive(Serialize)]
struct Json<'a> {
    entity: &'a str,
    depth: usize,
    neighbors: &'a [policygraph::query::Neighbor],
}

/// Runs `neighbors`.
pub fn run(ctx: &Ctx, args: &NeighborsArgs) -> anyhow::Result<Status> {
    let store = ctx.store()?;
    let id = store.resolve(&args.entity)?;
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
