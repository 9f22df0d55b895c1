//! `policygraph index`: build the search index and snapshot.

use std::io::Write;
use std::time::Instant;

use serde::Serialize;

use super::flags::JsonOpt;
use policygraph::store::Outcome;

use super::{Ctx, Status};

/// Options of `index`.
#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    /// Rebuild even when the index is fresh.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub json: JsonOpt,
}

#[derive(Serialize)]
struct Json<'a> {
    index: &'a std::path::Path,
    entities: u64,
    rebuilt: bool,
    millis: u128,
    fingerprint: &'a str,
}

/// Runs `index`.
pub fn run(ctx: &Ctx, args: &IndexArgs) -> anyhow::Result<Status> {
    let started = Instant::now();
    let done = ctx.refreshed(args.force)?;
    let store = done.store;
    let fresh = matches!(
        done.outcome,
        Outcome::Fresh | Outcome::Unchecked | Outcome::RefreshedByOther
    );
    let rebuilt = !fresh;
    let millis = started.elapsed().as_millis();
    if ctx.json {
        super::print_json(&Json {
            index: &ctx.index,
            entities: store.len(),
            rebuilt,
            millis,
            fingerprint: &store.fingerprint,
        })?;
    } else {
        let mut out = anstream::stdout().lock();
        if rebuilt {
            writeln!(
                out,
                "indexed {} entities into {} in {millis} ms",
                store.len(),
                ctx.index.display()
            )?;
        } else {
            writeln!(
                out,
                "index is fresh: {} entities in {}",
                store.len(),
                ctx.index.display()
            )?;
        }
    }
    Ok(Status::Ok)
}
