//! `policygraph import`: read official records into `knowledge/imported/`
//! and report what changed: the Federal Register, and bills from Open
//! States, LegiScan and unitedstates/congress.

use std::io::{IsTerminal as _, Write as _};
use std::path::PathBuf;

use clap::Subcommand;

use policygraph::import::{self, federal_register as fr, fr_api, http, Change, Report};
use policygraph::model::Date;

use super::flags::JsonOpt;
use super::{render, Ctx, Status};
use policygraph::import::bill::BillSource;

/// Options of `import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Where the records come from.
    #[command(subcommand)]
    pub source: ImportSource,
}

impl ImportArgs {
    /// The options every importer takes, whichever the source.
    pub fn common(&self) -> &ImportCommon {
        match &self.source {
            ImportSource::FederalRegister(f) => &f.common,
            ImportSource::OpenStates(o) => &o.bills.common,
            ImportSource::Legiscan(b) | ImportSource::Congress(b) => &b.common,
        }
    }
}

/// The sources `import` reads.
#[derive(Debug, Subcommand)]
pub enum ImportSource {
    /// The Federal Register: executive orders, rules, proposed rules,
    /// notices and agencies, from saved API responses or the live API.
    #[command(after_help = "Examples:
  policygraph import federal-register documents.json agencies.json
  policygraph import federal-register --fetch --executive-orders --since 2025-01-01
  policygraph import federal-register --fetch --agency labor-department --type proposed-rule --save-raw raw/")]
    FederalRegister(FederalRegisterArgs),
    /// Open States bill JSON (bulk scraper output or API bills): one file
    /// per bill, or directory trees of them.
    #[command(
        name = "openstates",
        after_help = "Examples:
  policygraph import openstates nh-legislation/_data/nh/2025/
  policygraph import openstates --dry-run HB302.json
  policygraph import openstates --jurisdiction NH _data/nh/"
    )]
    OpenStates(OpenStatesArgs),
    /// LegiScan bill JSON (`getBill` responses, or the `bill/` files of a
    /// dataset archive). LegiScan data is CC BY 4.0: every bill credits it.
    #[command(after_help = "Example:
  policygraph import legiscan GA/2023-2024_Regular_Session/bill/")]
    Legiscan(BillArgs),
    /// The `data.json` files of the unitedstates/congress scrapers
    /// (GovTrack's bill data), such as a whole `congress/119/bills/` tree.
    #[command(after_help = "Example:
  policygraph import congress data/119/bills/")]
    Congress(BillArgs),
}

/// Options of the bill importers.
#[derive(Debug, clap::Args)]
pub struct BillArgs {
    /// Files, or directories searched for `*.json` (in sorted order).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Options every importer takes.
    #[command(flatten)]
    pub common: ImportCommon,
}

/// Arguments of `import openstates`.
#[derive(Debug, clap::Args)]
pub struct OpenStatesArgs {
    #[command(flatten)]
    pub bills: BillArgs,
    /// The jurisdiction of bills whose file does not name one (the
    /// scrapers' own output; a `jurisdiction_*.json` beside the bills is
    /// read without this): `NH`, `US-NH`, `New Hampshire`, `US`.
    #[arg(long, value_name = "CODE", value_parser = jurisdiction_code)]
    pub jurisdiction: Option<String>,
}

/// A single jurisdiction, as a code (`US`, `US-NH`).
fn jurisdiction_code(s: &str) -> Result<String, String> {
    match s.parse::<policygraph::select::Jurisdiction>()? {
        policygraph::select::Jurisdiction::Exact(code) => Ok(code),
        policygraph::select::Jurisdiction::States => {
            Err("give one jurisdiction (`NH`, `US-NH`, `US`), not every state".into())
        }
    }
}

/// Options every importer takes.
#[derive(Debug, clap::Args)]
pub struct ImportCommon {
    /// Report what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub json: JsonOpt,
}

/// Options of `import federal-register`.
#[derive(Debug, clap::Args)]
pub struct FederalRegisterArgs {
    /// Saved API responses: `documents.json` pages, single documents,
    /// `agencies.json`.
    #[arg(
        value_name = "FILE",
        required_unless_present = "fetch",
        conflicts_with = "fetch"
    )]
    pub files: Vec<PathBuf>,
    /// Read the live API instead of files, following every next page.
    #[arg(long)]
    pub fetch: bool,
    /// With --fetch: documents published on or after this day.
    #[arg(long, value_name = "DATE", requires = "fetch")]
    pub since: Option<Date>,
    /// With --fetch: documents published on or before this day.
    #[arg(long, value_name = "DATE", requires = "fetch")]
    pub until: Option<Date>,
    /// With --fetch: only this type (repeatable): rule, proposed-rule,
    /// notice, presidential-document.
    #[arg(long = "type", value_name = "TYPE", requires = "fetch")]
    pub types: Vec<String>,
    /// With --fetch: only documents of this agency, by its Federal Register
    /// slug (repeatable), such as `labor-department`.
    #[arg(long = "agency", value_name = "SLUG", requires = "fetch")]
    pub agencies: Vec<String>,
    /// With --fetch: executive orders only.
    #[arg(long, requires = "fetch")]
    pub executive_orders: bool,
    /// With --fetch: only documents matching these full-text search words.
    #[arg(long, value_name = "WORDS", requires = "fetch")]
    pub term: Option<String>,
    /// With --fetch: also read the agency list (`agencies.json`).
    #[arg(long, requires = "fetch")]
    pub agency_list: bool,
    /// With --fetch: the API's address (a mirror, or a test server).
    #[arg(long, value_name = "URL", default_value = policygraph::import::fr_api::DEFAULT_BASE_URL)]
    pub base_url: String,
    /// With --fetch: keep every response as received in DIR, to replay the
    /// import from files.
    #[arg(long, value_name = "DIR", requires = "fetch")]
    pub save_raw: Option<PathBuf>,
    /// Documents' texts: a directory of files named by document number,
    /// `<document_number>.{xml,html,htm,txt}` (the FR XML, the
    /// `body_html_url` HTML, the plain text in `<pre>`); the best rendition
    /// of each is kept beside its record, and an order's text is read for
    /// the agencies it directs.
    #[arg(long, value_name = "DIR", conflicts_with = "no_text")]
    pub text: Option<PathBuf>,
    /// Import the records without their texts.
    #[arg(long)]
    pub no_text: bool,
    /// Options every importer takes.
    #[command(flatten)]
    pub common: ImportCommon,
}

/// Runs `import`.
pub fn run(ctx: &Ctx, args: &ImportArgs) -> anyhow::Result<Status> {
    match &args.source {
        ImportSource::FederalRegister(a) => federal_register(ctx, a),
        ImportSource::OpenStates(a) => bills(
            ctx,
            BillSource::OpenStates,
            &a.bills,
            a.jurisdiction.as_deref(),
        ),
        ImportSource::Legiscan(a) => bills(ctx, BillSource::Legiscan, a, None),
        ImportSource::Congress(a) => bills(ctx, BillSource::Congress, a, None),
    }
}

/// Imports bills: every file is read and parsed (in parallel) before
/// anything is written.
fn bills(
    ctx: &Ctx,
    source: BillSource,
    a: &BillArgs,
    jurisdiction: Option<&str>,
) -> anyhow::Result<Status> {
    writable_knowledge(ctx)?;
    let batch = import::bills::batch(source, &a.paths, Date::today(), jurisdiction)?;
    apply(ctx, batch, a.common.dry_run)
}

/// Refuses to import into the copy of the built-in knowledge base that is
/// used when no `knowledge/` directory is found: it would be lost with the
/// cache.
pub(super) fn writable_knowledge(ctx: &Ctx) -> anyhow::Result<()> {
    let fp = policygraph::embedded::fingerprint();
    let in_cache = ctx
        .knowledge
        .parent()
        .and_then(|p| p.file_name())
        .is_some_and(|n| n.to_string_lossy() == fp);
    if in_cache {
        return Err(policygraph::Error::Usage(
            "no knowledge directory here to import into: run in a directory that has `knowledge/` (or below it), or pass --knowledge DIR".to_owned(),
        )
        .into());
    }
    Ok(())
}

fn federal_register(ctx: &Ctx, a: &FederalRegisterArgs) -> anyhow::Result<Status> {
    writable_knowledge(ctx)?;
    let today = Date::today();
    // Every input is read and parsed before anything is written: a file
    // that is not JSON stops the import with nothing changed.
    let inputs = if a.fetch {
        let q = fr_api::Query {
            since: a.since,
            until: a.until,
            types: a.types.clone(),
            agencies: a.agencies.clone(),
            executive_orders: a.executive_orders,
            term: a.term.clone(),
        };
        let bar = progress_bar();
        let mut on_progress = progress(bar.as_ref(), "");
        let got = fr_api::fetch(
            &a.base_url,
            &q,
            a.agency_list,
            a.save_raw.as_deref(),
            &http::Retry::default(),
            &mut on_progress,
        );
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        got?
    } else {
        let mut inputs = Vec::with_capacity(a.files.len());
        for f in &a.files {
            inputs.push(fr::Input {
                name: f.display().to_string(),
                value: import::json::read_value(f)?,
            });
        }
        inputs
    };
    let texts_of = if a.fetch && a.text.is_none() && !a.no_text {
        Some(inputs.clone())
    } else {
        None
    };
    let mut batch = fr::read(inputs, today)?;
    if let (Some(dir), false) = (&a.text, a.no_text) {
        import::fr_text::attach_dir(&mut batch, dir, today)?;
    }
    if let Some(inputs) = texts_of {
        // Each document's text, through the same client (retries, rate
        // limits); `--no-text` skips it.
        let client = http::Client::new(http::Retry::default());
        let mut on_progress = progress(None, "");
        import::fr_text::fetch_and_attach(
            &mut batch,
            &inputs,
            &client,
            a.save_raw.as_deref(),
            &mut on_progress,
            today,
        )?;
    }
    apply(ctx, batch, a.common.dry_run)
}

/// Writes a parsed batch into the knowledge base and prints the report;
/// "found" when some records were skipped.
fn apply(ctx: &Ctx, batch: import::Batch, dry_run: bool) -> anyhow::Result<Status> {
    // Read and parsed before: only the writing waits for the lock.
    let lock = ctx.lock("import")?;
    let report = import::apply(
        &ctx.knowledge,
        batch,
        &import::Options {
            dry_run,
            // A test hook: stop as if killed after this many files.
            stop_after: std::env::var("POLICYGRAPH_IMPORT_STOP_AFTER")
                .ok()
                .and_then(|s| s.parse().ok()),
        },
        &lock,
    )?;
    drop(lock);
    show(ctx, &report)?;
    Ok(if report.skipped > 0 {
        Status::Found
    } else {
        Status::Ok
    })
}

/// A progress bar on stderr when it is a terminal; none in a pipe.
pub(super) fn progress_bar() -> Option<indicatif::ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(1);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{spinner} pages {pos}/{len} {wide_bar} {elapsed}")
    {
        bar.set_style(style);
    }
    Some(bar)
}

/// What an HTTP client's progress shows: pages fetched on `bar`, and each
/// retry as a note (above the bar, when there is one), after `prefix`.
pub(super) fn progress<'a>(
    bar: Option<&'a indicatif::ProgressBar>,
    prefix: &'a str,
) -> impl FnMut(http::Progress) + 'a {
    move |p| match p {
        http::Progress::Page { done, total } => {
            if let Some(b) = bar {
                if let Some(t) = total {
                    b.set_length(t);
                }
                b.set_position(done);
            }
        }
        http::Progress::Retry { url, reason, wait } => {
            let msg = format!(
                "{prefix}{reason}; trying again in {:.1} s: {url}",
                wait.as_secs_f64()
            );
            match bar {
                Some(b) => b.println(msg),
                None => super::ctx::note(&msg),
            }
        }
    }
}

/// Prints the report: JSON with `--json`, else a summary, the files that
/// change (with `--dry-run`), and every record or line not imported.
fn show(ctx: &Ctx, r: &Report) -> anyhow::Result<()> {
    if ctx.json {
        return super::print_json(r);
    }
    let mut out = anstream::stdout().lock();
    let (b, e) = (render::BOLD.render(), render::BOLD.render_reset());
    let verb = if r.dry_run { "would write" } else { "wrote" };
    writeln!(
        out,
        "{b}{}{e}: {} record(s) read; {verb} {} added, {} changed, {} unchanged ({} incomplete); {} note line(s) unparsed; {} record(s) skipped",
        r.importer, r.records, r.added, r.changed, r.unchanged, r.incomplete, r.unparsed, r.skipped
    )?;
    if r.dry_run {
        for f in r.files.iter().filter(|f| f.change != Change::Unchanged) {
            let what = match f.change {
                Change::Added => "add   ",
                _ => "change",
            };
            let mut extra = String::new();
            if f.enriches {
                extra.push_str("  (enriches the hand-written entity)");
            }
            if f.incomplete {
                extra.push_str("  (incomplete)");
            }
            writeln!(out, "  {what} {}{extra}", f.path.display())?;
        }
    }
    if !r.unreadable_records.is_empty() {
        writeln!(out, "\n{b}records skipped{e} (not imported):")?;
        for u in &r.unreadable_records {
            writeln!(
                out,
                "  {} record {} ({}): {}",
                u.input,
                u.index,
                u.record.as_deref().unwrap_or("no identifier"),
                u.message
            )?;
        }
    }
    if !r.unparsed_lines.is_empty() {
        writeln!(
            out,
            "\n{b}note lines not parsed{e} (kept in the entity's notes):"
        )?;
        for u in &r.unparsed_lines {
            writeln!(out, "  {} ({}): {}", u.id, u.record, u.line)?;
        }
    }
    if r.texts_written + r.texts_unchanged > 0 {
        let verb = if r.dry_run { "would write" } else { "wrote" };
        writeln!(
            out,
            "texts: {verb} {}, {} unchanged",
            r.texts_written, r.texts_unchanged
        )?;
    }
    if !r.text_problems.is_empty() {
        writeln!(
            out,
            "\n{b}texts not used{e} (the record is imported without text):"
        )?;
        for p in &r.text_problems {
            writeln!(out, "  {p}")?;
        }
    }
    if !r.unmatched_texts.is_empty() {
        writeln!(out, "\n{b}texts matching no record{e}:")?;
        for p in &r.unmatched_texts {
            writeln!(out, "  {p}")?;
        }
    }
    if !r.unresolved_titles.is_empty() {
        writeln!(out, "\n{b}titles that resolve to no agency{e}:")?;
        for p in &r.unresolved_titles {
            writeln!(out, "  {p}")?;
        }
    }
    if !r.warnings.is_empty() {
        writeln!(out, "\n{b}warnings{e}:")?;
        for w in &r.warnings {
            writeln!(out, "  {w}")?;
        }
    }
    Ok(())
}
