//! `policygraph path`: shortest chains of relations between two entities.

use std::io::Write;

use serde::Serialize;

use super::flags::{AsOfOpt, JsonOpt};
use super::render;
use super::{Ctx, Status};

/// Options of `path`.
#[derive(Debug, clap::Args)]
pub struct PathArgs {
    /// Where the chain starts.
    pub from: String,
    /// Where it ends.
    pub to: String,
    /// List every shortest chain, not just one.
    #[arg(long)]
    pub all: bool,
    /// With `--all`, at most this many chains.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Let chains pass through asset classes and plan types (by default
    /// they do not: every bill about bitcoin would be two steps from every
    /// other).
    #[arg(long)]
    pub through_hubs: bool,
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
}

#[derive(Serialize)]
struct Json<'a> {
    from: &'a str,
    to: &'a str,
    length: Option<usize>,
    paths: &'a [Vec<policygraph::query::Step>],
}

/// Runs `path`.
pub fn run(ctx: &Ctx, args: &PathArgs) -> anyhow::Result<Status> {
    let store = ctx.store()?;
    let a = store.resolve(&args.from)?;
    let b = store.resolve(&args.to)?;
    let found = if super::show::any_not_yet(&store, &[&a, &b], ctx.as_of)? {
        if !ctx.json {
            return Ok(Status::Found);
        }
        Vec::new()
    } else {
        policygraph::query::paths(
            &store,
            &a,
            &b,
            args.all,
            args.limit,
            ctx.as_of,
            args.through_hubs,
        )?
    };
    if ctx.json {
        super::print_json(&Json {
            from: &a,
            to: &b,
            length: found.first().map(Vec::len),
            paths: &found,
        })?;
    } else if found.is_empty() {
        // Say when only a hub would connect them, so the answer is not
        // mistaken for "unrelated".
        let via_hub = !args.through_hubs
            && !policygraph::query::paths(&store, &a, &b, false, 1, ctx.as_of, true)?.is_empty();
        let mut e = anstream::stderr().lock();
        if via_hub {
            writeln!(
                e,
                "no chain of relations connects {a} and {b} except through an asset class or plan type; add --through-hubs to see it"
            )?;
        } else {
            writeln!(e, "no chain of relations connects {a} and {b}")?;
        }
    } else {
        let mut out = anstream::stdout().lock();
        for p in &found {
            writeln!(out, "{}", render::chain(&a, p))?;
        }
    }
    Ok(if found.is_empty() {
        Status::Found
    } else {
        Status::Ok
    })
}
