//! `policygraph import`: official records into `knowledge/imported/`.
//! Bills from Open States, LegiScan and unitedstates/congress files.

use std::io::Write;
use std::path::PathBuf;

use policygraph::import::bill::BillSource;
use policygraph::import::{self, Options, Report};
use policygraph::model::Date;

use super::{Ctx, Status};

/// Options of `import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// The source to import from.
    #[command(subcommand)]
    pub source: ImportSource,
}

/// The sources `import` reads.
#[derive(Debug, clap::Subcommand)]
pub enum ImportSource {
    /// Open States bill JSON (bulk scraper output or API bills): one file
    /// per bill, or directory trees of them.
    #[command(name = "openstates")]
    OpenStates(BillArgs),
    /// LegiScan bill JSON (`getBill`, or the `bill/` files of a dataset
    /// archive). LegiScan data is CC BY 4.0; every bill credits it.
    Legiscan(BillArgs),
    /// The `data.json` files of the unitedstates/congress scrapers
    /// (GovTrack's bill data), e.g. a whole `congress/119/bills/` tree.
    Congress(BillArgs),
}

/// Options shared by the bill importers.
#[derive(Debug, clap::Args)]
pub struct BillArgs {
    /// Files or directories (searched for `*.json`, in sorted order).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Show what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

/// Runs `import`.
pub fn run(ctx: &Ctx, args: &ImportArgs) -> anyhow::Result<Status> {
    let (source, a) = match &args.source {
        ImportSource::OpenStates(a) => (BillSource::OpenStates, a),
        ImportSource::Legiscan(a) => (BillSource::Legiscan, a),
        ImportSource::Congress(a) => (BillSource::Congress, a),
    };
    let batch = import::bills::batch(source, &a.paths, Date::today())?;
    let report = import::apply(&ctx.knowledge, batch, &Options { dry_run: a.dry_run })?;
    print_report(ctx, &report)?;
    Ok(if report.skipped > 0 {
        Status::Found
    } else {
        Status::Ok
    })
}

/// The report: JSON with `--json`, else a summary on stdout and every
/// skipped record and warning on stderr.
pub fn print_report(ctx: &Ctx, r: &Report) -> anyhow::Result<()> {
    if ctx.json {
        return super::print_json(r);
    }
    let mut out = anstream::stdout().lock();
    let verb = if r.dry_run { "would be " } else { "" };
    writeln!(
        out,
        "{}: {} record(s) read; files {verb}added {}, changed {}, unchanged {}; incomplete {}, unparsed {}, skipped {}",
        r.importer, r.records, r.added, r.changed, r.unchanged, r.incomplete, r.unparsed, r.skipped
    )?;
    for f in &r.files {
        if f.change != import::Change::Unchanged {
            let what = match f.change {
                import::Change::Added => "added",
                import::Change::Changed => "changed",
                import::Change::Unchanged => "unchanged",
            };
            let mut extra = String::new();
            if f.enriches {
                extra.push_str("  (enriches the hand-written entity)");
            }
            if f.incomplete {
                extra.push_str("  (incomplete)");
            }
            writeln!(out, "  {what:9} {}{extra}", f.path.display())?;
        }
    }
    out.flush()?;
    let mut err = anstream::stderr().lock();
    for u in &r.unreadable_records {
        writeln!(err, "skipped: {}: {}", u.input, u.message)?;
    }
    for u in &r.unparsed_lines {
        writeln!(err, "reported: {} ({}): {}", u.id, u.record, u.line)?;
    }
    for w in &r.warnings {
        writeln!(err, "warning: {w}")?;
    }
    Ok(())
}
