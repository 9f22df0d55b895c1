//! `policygraph sync`: bring the knowledge base up to date from the
//! sources in `sources.ron` (`sync add` writes it, `sync list` shows it).
//! Each source is fetched from its cursor, written through the importers
//! under the write lock, and only then is its cursor moved; a source that
//! fails is named in the summary and the others go on.

use std::io::Write as _;

use clap::Subcommand;
use serde::Serialize;

use policygraph::import::{self, http, Report};
use policygraph::model::Date;
use policygraph::sync::config::{self, Api, SourceDef, SOURCES_FILE};
use policygraph::sync::fetch;
use policygraph::sync::state::{self, State};

use super::flags::JsonOpt;
use super::{render, Ctx, Status};

/// Options of `sync`.
#[derive(Debug, clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:
  policygraph sync add openstates --jurisdiction NH --session 2025
  policygraph sync                 every source of sources.ron
  policygraph sync nh --dry-run    one source; write nothing"
)]
pub struct SyncArgs {
    /// `add` or `list`; without one, sync.
    #[command(subcommand)]
    pub command: Option<SyncCommand>,
    /// Only these sources (by name) [default: every source].
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
    /// Fetch and report what would change; write nothing and keep every
    /// cursor.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub json: JsonOpt,
}

/// `sync add` and `sync list`.
#[derive(Debug, Subcommand)]
pub enum SyncCommand {
    /// Add a source to `sources.ron`.
    #[command(subcommand)]
    Add(AddSource),
    /// List the sources, their cursors and how their last runs went.
    List(ListArgs),
}

/// Options of `sync list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub json: JsonOpt,
}

/// The APIs `sync add` takes.
#[derive(Debug, Subcommand)]
pub enum AddSource {
    /// The Federal Register API, with the filters of `import
    /// federal-register --fetch`.
    FederalRegister {
        /// The source's name [default: `federal-register`].
        #[arg(long)]
        name: Option<String>,
        /// Only documents of this agency, by its Federal Register slug
        /// (repeatable).
        #[arg(long = "agency", value_name = "SLUG")]
        agencies: Vec<String>,
        /// Only this type (repeatable): rule, proposed-rule, notice,
        /// presidential-document.
        #[arg(long = "type", value_name = "TYPE")]
        types: Vec<String>,
        /// Executive orders only.
        #[arg(long)]
        executive_orders: bool,
        /// Only documents matching these full-text search words.
        #[arg(long, value_name = "WORDS")]
        term: Option<String>,
        /// The first sync reads documents published on or after this day
        /// [default: 30 days ago].
        #[arg(long, value_name = "DATE")]
        since: Option<Date>,
        /// The API's address (a mirror, or a test server).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// The Open States API v3 `/bills` of one jurisdiction.
    #[command(name = "openstates")]
    OpenStates {
        /// The source's name [default: `openstates-<jurisdiction>`].
        #[arg(long)]
        name: Option<String>,
        /// The jurisdiction: `NH`, `US-NH`, `US`.
        #[arg(long, value_name = "CODE")]
        jurisdiction: String,
        /// The legislative session (`2025`) [default: every session].
        #[arg(long, value_name = "SESSION")]
        session: Option<String>,
        /// The environment variable holding the API key.
        #[arg(long, value_name = "VAR", default_value = config::OPENSTATES_KEY_ENV)]
        key_env: String,
        /// The API's address.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
    /// The LegiScan API: a state's current session.
    Legiscan {
        /// The source's name [default: `legiscan-<state>`].
        #[arg(long)]
        name: Option<String>,
        /// The state's postal code (`GA`).
        #[arg(long, value_name = "XX")]
        state: String,
        /// The environment variable holding the API key.
        #[arg(long, value_name = "VAR", default_value = config::LEGISCAN_KEY_ENV)]
        key_env: String,
        /// The API's address.
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
    },
}

impl SyncArgs {
    /// `--json`, before or after `list`.
    pub fn json(&self) -> bool {
        self.json.json || matches!(&self.command, Some(SyncCommand::List(l)) if l.json.json)
    }
}

/// Runs `sync`.
pub fn run(ctx: &Ctx, args: &SyncArgs) -> anyhow::Result<Status> {
    match &args.command {
        Some(SyncCommand::Add(a)) => add(ctx, a),
        Some(SyncCommand::List(_)) => list(ctx),
        None => sync(ctx, args),
    }
}

/// The sources of `sources.ron`, or its diagnostic rendered and an error.
pub(super) fn sources(ctx: &Ctx) -> anyhow::Result<Vec<SourceDef>> {
    read_config(ctx, SOURCES_FILE)
}

/// The entries of a list file at the knowledge base's root (`sources.ron`,
/// `watches.ron`), or its diagnostic rendered and an error.
pub(super) fn read_config<T>(ctx: &Ctx, file: &str) -> anyhow::Result<Vec<T>>
where
    T: serde::de::DeserializeOwned + config::Named,
{
    let path = config::path_of(&ctx.knowledge, file);
    match config::read_list(&path)? {
        Ok(list) => Ok(list),
        Err(e) => {
            render::diagnostics_stderr(std::slice::from_ref(&e.diagnostic), &[e.file]);
            Err(policygraph::Error::Usage(format!(
                "{} has an error; fix it and run again",
                path.display()
            ))
            .into())
        }
    }
}

const SOURCES_HEADER: &str = "The sources `policygraph sync` reads (docs/sync.md).
API keys are never written here: `key_env` names the environment variable.";

fn add(ctx: &Ctx, a: &AddSource) -> anyhow::Result<Status> {
    super::import::writable_knowledge(ctx)?;
    let (name, api) = match a {
        AddSource::FederalRegister {
            name,
            agencies,
            types,
            executive_orders,
            term,
            since,
            base_url,
        } => {
            for t in types {
                if import::fr_api::type_code(t).is_none() {
                    return Err(policygraph::Error::Usage(format!(
                        "unknown document type `{t}`, expected one of: rule, proposed-rule, notice, presidential-document"
                    ))
                    .into());
                }
            }
            (
                name.clone()
                    .unwrap_or_else(|| "federal-register".to_owned()),
                Api::FederalRegister {
                    agencies: agencies.clone(),
                    types: types.clone(),
                    executive_orders: *executive_orders,
                    term: term.clone(),
                    // Not the whole Federal Register since 1994.
                    since: Some(since.unwrap_or_else(|| Date::today().add_days(-30))),
                    base_url: base_url.clone(),
                },
            )
        }
        AddSource::OpenStates {
            name,
            jurisdiction,
            session,
            key_env,
            base_url,
        } => {
            super::flags::parse_jurisdiction(jurisdiction).map_err(policygraph::Error::Usage)?;
            (
                name.clone()
                    .unwrap_or_else(|| format!("openstates-{}", jurisdiction.to_ascii_lowercase())),
                Api::OpenStates {
                    jurisdiction: jurisdiction.clone(),
                    session: session.clone(),
                    key_env: key_env.clone(),
                    base_url: base_url.clone(),
                },
            )
        }
        AddSource::Legiscan {
            name,
            state,
            key_env,
            base_url,
        } => {
            if state.len() != 2 || !state.chars().all(|c| c.is_ascii_alphabetic()) {
                return Err(policygraph::Error::Usage(format!(
                    "--state takes a two-letter postal code such as GA, not `{state}`"
                ))
                .into());
            }
            (
                name.clone()
                    .unwrap_or_else(|| format!("legiscan-{}", state.to_ascii_lowercase())),
                Api::Legiscan {
                    state: state.to_ascii_uppercase(),
                    key_env: key_env.clone(),
                    base_url: base_url.clone(),
                },
            )
        }
    };
    if matches!(name.as_str(), "add" | "list") || name.trim().is_empty() {
        return Err(policygraph::Error::Usage(format!(
            "`{name}` cannot name a source (it is a `sync` command); pass another --name"
        ))
        .into());
    }
    let lock = ctx.lock("sync add")?;
    let list = sources(ctx)?;
    if list.iter().any(|s| s.name == name) {
        return Err(policygraph::Error::Usage(format!(
            "there is already a source named `{name}` in {SOURCES_FILE}; pass --name to name this one"
        ))
        .into());
    }
    let path = config::path_of(&ctx.knowledge, SOURCES_FILE);
    let def = SourceDef {
        name: name.clone(),
        api,
    };
    if let Some(n) = policygraph::sync::edit::add(&path, SOURCES_HEADER, &list, def)?.note(&path) {
        super::ctx::note(&n);
    }
    drop(lock);
    super::ctx::note(&format!(
        "added source `{name}` to {}; run `policygraph sync {name}`",
        path.display()
    ));
    Ok(Status::Ok)
}

/// One line of `sync list --json`.
#[derive(Serialize)]
struct Listed<'a> {
    name: &'a str,
    api: &'static str,
    source: &'a Api,
    state: Option<&'a state::SourceState>,
}

fn list(ctx: &Ctx) -> anyhow::Result<Status> {
    let list = sources(ctx)?;
    let st = State::load(&ctx.index)?;
    if ctx.json {
        let rows: Vec<Listed> = list
            .iter()
            .map(|s| Listed {
                name: &s.name,
                api: s.api.kind(),
                source: &s.api,
                state: st.sources.get(&s.name),
            })
            .collect();
        super::print_json(&rows)?;
    } else {
        let mut out = anstream::stdout().lock();
        let mut t = render::table(&["name", "api", "cursor", "last ok", "failing"]);
        for s in &list {
            let one = st.sources.get(&s.name);
            let cursor = one.map_or_else(String::new, |o| cursor_text(&o.cursor));
            let last = one.and_then(|o| o.last_ok.clone()).unwrap_or_default();
            let failing = one
                .filter(|o| o.failures > 0)
                .map(|o| format!("{} run(s)", o.failures))
                .unwrap_or_default();
            t.add_row(vec![
                s.name.clone(),
                s.api.kind().to_owned(),
                cursor,
                last,
                failing,
            ]);
        }
        render::write_table(&mut out, &t)?;
    }
    if list.is_empty() {
        super::ctx::note("no sources yet: `policygraph sync add ...` adds one");
        return Ok(Status::Found);
    }
    Ok(Status::Ok)
}

fn cursor_text(c: &fetch::Cursor) -> String {
    if let Some(d) = c.published {
        return format!("published {d}");
    }
    if let Some(u) = &c.updated_since {
        return format!("updated {u}");
    }
    if !c.hashes.is_empty() {
        return format!("{} bill hash(es)", c.hashes.len());
    }
    String::new()
}

/// How one source's run went, for the summary and `--json`.
#[derive(Debug, Serialize)]
pub struct SourceRun {
    /// The source's name.
    pub name: String,
    /// Its API.
    pub api: &'static str,
    /// Requests made (retries not counted).
    pub requests: usize,
    /// The import's report, when it got that far.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<Report>,
    /// Why it failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The whole run, for `--json`.
#[derive(Debug, Serialize)]
struct Summary {
    dry_run: bool,
    sources: Vec<SourceRun>,
    failed: Vec<String>,
}

/// A test hook: abort (as a kill would) at a named moment.
fn abort_at(moment: &str) {
    if std::env::var("POLICYGRAPH_SYNC_ABORT_AT").is_ok_and(|m| m == moment) {
        std::process::abort();
    }
}

fn sync(ctx: &Ctx, args: &SyncArgs) -> anyhow::Result<Status> {
    super::import::writable_knowledge(ctx)?;
    let all = sources(ctx)?;
    for n in &args.names {
        if !all.iter().any(|s| &s.name == n) {
            let known: Vec<&str> = all.iter().map(|s| s.name.as_str()).collect();
            return Err(policygraph::Error::Usage(format!(
                "no source named `{n}` in {SOURCES_FILE}; the sources are: {}",
                if known.is_empty() {
                    "(none: `policygraph sync add ...` adds one)".to_owned()
                } else {
                    known.join(", ")
                }
            ))
            .into());
        }
    }
    let chosen: Vec<&SourceDef> = all
        .iter()
        .filter(|s| args.names.is_empty() || args.names.contains(&s.name))
        .collect();
    if chosen.is_empty() {
        super::ctx::note("no sources yet: `policygraph sync add ...` adds one");
        return Ok(Status::Found);
    }
    let today = Date::today();
    let mut runs = Vec::new();
    for def in chosen {
        let run = one(ctx, def, args.dry_run, today);
        if !ctx.json {
            print_run(&run)?;
        }
        runs.push(run);
    }
    let failed: Vec<String> = runs
        .iter()
        .filter(|r| r.error.is_some())
        .map(|r| r.name.clone())
        .collect();
    if ctx.json {
        super::print_json(&Summary {
            dry_run: args.dry_run,
            sources: runs,
            failed: failed.clone(),
        })?;
    }
    if !failed.is_empty() {
        super::ctx::warn(&format!(
            "{} of the sources failed: {} (their cursors stay; the next sync tries again)",
            failed.len(),
            failed.join(", ")
        ));
        return Ok(Status::Found);
    }
    Ok(Status::Ok)
}

/// Fetches, writes and moves the cursor of one source; a failure is
/// recorded in the state and returned in the run, never raised.
fn one(ctx: &Ctx, def: &SourceDef, dry_run: bool, today: Date) -> SourceRun {
    let mut run = SourceRun {
        name: def.name.clone(),
        api: def.api.kind(),
        requests: 0,
        report: None,
        error: None,
    };
    let result = (|| -> anyhow::Result<()> {
        let cursor = State::load(&ctx.index)?
            .sources
            .get(&def.name)
            .map(|s| s.cursor.clone())
            .unwrap_or_default();
        let bar = super::import::progress_bar();
        let prefix = format!("{}: ", def.name);
        let mut on_progress = super::import::progress(bar.as_ref(), &prefix);
        let env = |var: &str| std::env::var(var).ok();
        let got = fetch::fetch(
            def,
            &cursor,
            &env,
            &http::Retry::default(),
            today,
            &mut on_progress,
        );
        if let Some(b) = &bar {
            b.finish_and_clear();
        }
        let got = got?;
        run.requests = got.requests;
        abort_at("fetched");
        let lock = ctx.lock("sync")?;
        let report = import::apply(
            &ctx.knowledge,
            got.batch,
            &import::Options {
                dry_run,
                stop_after: std::env::var("POLICYGRAPH_IMPORT_STOP_AFTER")
                    .ok()
                    .and_then(|s| s.parse().ok()),
            },
            &lock,
        )?;
        run.report = Some(report);
        abort_at("written");
        if !dry_run {
            // Read again under the lock: another sync may have moved
            // another source's cursor meanwhile.
            let mut st = State::load(&ctx.index)?;
            st.succeeded(&def.name, got.cursor, &state::now());
            st.save(&ctx.index, &lock)?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        let msg = render::chain_once(&e);
        if !dry_run {
            let recorded = ctx.lock("sync").and_then(|lock| {
                let mut st = State::load(&ctx.index)?;
                st.failed(&def.name, &msg, &state::now());
                Ok(st.save(&ctx.index, &lock)?)
            });
            if let Err(e2) = recorded {
                super::ctx::warn(&format!(
                    "{}: could not record the failure: {}",
                    def.name,
                    render::chain_once(&e2)
                ));
            }
        }
        run.error = Some(msg);
    }
    run
}

fn print_run(r: &SourceRun) -> anyhow::Result<()> {
    let mut out = anstream::stdout().lock();
    let (b, e) = (render::BOLD.render(), render::BOLD.render_reset());
    match (&r.report, &r.error) {
        (_, Some(err)) => {
            let (w, we) = (render::WARN.render(), render::WARN.render_reset());
            writeln!(
                out,
                "{b}{}{e} ({}): {w}failed{we} after {} request(s): {err}",
                r.name, r.api, r.requests
            )?;
        }
        (Some(rep), None) => {
            let verb = if rep.dry_run { "would write" } else { "wrote" };
            writeln!(
                out,
                "{b}{}{e} ({}): {} request(s), {} record(s); {verb} {} added, {} changed, {} unchanged; {} record(s) skipped",
                r.name, r.api, r.requests, rep.records, rep.added, rep.changed, rep.unchanged, rep.skipped
            )?;
            for u in &rep.unreadable_records {
                writeln!(
                    out,
                    "  skipped: {} record {} ({}): {}",
                    u.input,
                    u.index,
                    u.record.as_deref().unwrap_or("no identifier"),
                    u.message
                )?;
            }
        }
        (None, None) => {}
    }
    Ok(())
}
