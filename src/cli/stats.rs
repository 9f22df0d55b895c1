//! `policygraph stats`: counts by kind, relation, jurisdiction and tag,
//! as of `--as-of`.

use std::io::Write;

use policygraph::graph::{stats, Graph};

use super::flags::{AsOfOpt, JsonOpt};
use super::{Ctx, Status};

/// Options of `stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
}

/// Runs `stats`.
pub fn run(ctx: &Ctx) -> anyhow::Result<Status> {
    let corpus = ctx.corpus()?;
    let g = Graph::new(&corpus);
    let s = stats(&g, ctx.as_of);
    if ctx.json {
        super::print_json(&s)?;
        return Ok(Status::Ok);
    }
    let mut out = anstream::stdout().lock();
    let when = s.as_of.map(|d| format!(" as of {d}")).unwrap_or_default();
    writeln!(
        out,
        "{} entities, {} relations{when}",
        s.entities, s.relations
    )?;
    writeln!(out, "\nby kind:")?;
    for (k, n) in &s.by_kind {
        writeln!(out, "  {:<18} {n:>6}", k.name())?;
    }
    writeln!(out, "\nby relation:")?;
    for (k, n) in &s.by_relation {
        writeln!(out, "  {:<18} {n:>6}", k.name())?;
    }
    writeln!(out, "\nby jurisdiction:")?;
    for (k, n) in &s.by_jurisdiction {
        writeln!(out, "  {k:<18} {n:>6}")?;
    }
    if !s.by_tag.is_empty() {
        writeln!(out, "\nby tag:")?;
        for (k, n) in &s.by_tag {
            writeln!(out, "  {k:<18} {n:>6}")?;
        }
    }
    Ok(Status::Ok)
}
