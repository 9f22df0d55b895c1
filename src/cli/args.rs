//! The clap definition: global options and subcommands. Help texts come
//! from the doc comments.

use std::path::PathBuf;

use clap::{ColorChoice, Parser, Subcommand};

use policygraph::graph::Direction;
use policygraph::model::{Date, Kind, RelationKind, Stage};

/// A regulatory knowledge graph and policy tracker.
///
/// policygraph reads policy entities (orders, agencies, laws, bills,
/// guidance, programs, figures) from RON files under `knowledge/`, and
/// answers questions about them: which agencies a directive touches, full
/// text search in English and Chinese, timelines, deadlines and diagrams.
#[derive(Debug, Parser)]
#[command(name = "policygraph", version, about, max_term_width = 100)]
pub struct Args {
    /// The knowledge directory [default: `knowledge/` here or in the nearest
    /// parent, else the knowledge base built into the binary].
    #[arg(long, global = true, env = "POLICYGRAPH_KNOWLEDGE", value_name = "DIR")]
    pub knowledge: Option<PathBuf>,

    /// The index directory [default: `index/` beside the knowledge directory].
    #[arg(long, global = true, env = "POLICYGRAPH_INDEX", value_name = "DIR")]
    pub index: Option<PathBuf>,

    /// Print JSON instead of text (see the README for each schema).
    #[arg(long, global = true)]
    pub json: bool,

    /// When to use colour.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto")]
    pub color: ColorChoice,

    /// See the world as it stood on this day (YYYY-MM-DD).
    #[arg(long, global = true, value_name = "DATE")]
    pub as_of: Option<Date>,

    /// Skip the freshness check of the index against `knowledge/`.
    #[arg(
        long,
        global = true,
        env = "POLICYGRAPH_NO_REFRESH",
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub no_refresh: bool,

    /// Show names in this language where known: `en`, `zh-Hant` (also
    /// `zh-TW`, `zh-HK`) or `zh-Hans` (also `zh-CN`, `zh-SG`); any case.
    #[arg(long, global = true, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<String>,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// `--lang`: a tag as typed, as the tag names are stored under.
fn parse_lang(s: &str) -> Result<String, String> {
    policygraph::model::lang_tag(s).map(str::to_owned)
}

/// `--since`: the first day of a period (`2025`, `2025-07`, `2025-07-18`).
fn parse_since(s: &str) -> Result<Date, String> {
    Date::period(s).map(|p| p.0).map_err(|e| e.0)
}

/// `--until`: the last day of a period (`2025` is up to 2025-12-31).
fn parse_until(s: &str) -> Result<Date, String> {
    Date::period(s).map(|p| p.1).map_err(|e| e.0)
}

/// `--jurisdiction`: checked here, passed on in its canonical form
/// (`US-TX` for `Texas`), which reads back the same.
fn parse_jurisdiction(s: &str) -> Result<String, String> {
    s.parse::<policygraph::select::Jurisdiction>()
        .map(|j| j.to_string())
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the whole knowledge base and report every problem.
    Check(CheckArgs),
    /// Count entities by kind, relations by relation, and jurisdictions.
    Stats,
    /// Print one entity: names, status, relations both ways, timeline, sources.
    Show(ShowArgs),
    /// Which agencies, offices and bodies an entity touches, and why.
    Agencies(AgenciesArgs),
    /// Entities within N relations of an entity.
    #[command(alias = "neighbours")]
    Neighbors(NeighborsArgs),
    /// The shortest chain of relations between two entities.
    Path(PathArgs),
    /// List entities, filtered by kind, jurisdiction, status and tag.
    List(ListArgs),
    /// Build (or rebuild) the search index and snapshot in `index/`.
    Index(IndexArgs),
    /// Full-text search, in English or Chinese.
    Search(SearchArgs),
    /// Events across the knowledge base in date order.
    Timeline(TimelineArgs),
    /// Deadlines: who owes what, by when, and whether it was met.
    Deadlines(DeadlinesArgs),
    /// What changed between two git revisions or two directories.
    Changes(ChangesArgs),
    /// Export the graph, whole or focused, as Graphviz DOT, Mermaid or JSON.
    Export(super::export::ExportArgs),
    /// Import official records into `knowledge/imported/` (see the README).
    Import(ImportArgs),
    /// Write a synthetic knowledge base of N entities (for benchmarks).
    Synth(SynthArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
}

/// Options of `completions`.
#[derive(Debug, clap::Args)]
pub struct CompletionsArgs {
    /// The shell.
    pub shell: clap_complete::Shell,
}

/// Options of `synth`.
#[derive(Debug, clap::Args)]
pub struct SynthArgs {
    /// How many entities.
    pub entities: usize,
    /// The directory to write into (created).
    pub out: PathBuf,
    /// Seed of the generator (the same seed gives the same corpus).
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
}

/// Options of `show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The entity: id, alias, or name in any language.
    pub entity: String,
}

/// Options of `agencies`.
#[derive(Debug, clap::Args)]
pub struct AgenciesArgs {
    /// The entity: id, alias, or name in any language.
    pub entity: String,
    /// How many relations away to look.
    #[arg(long, default_value_t = 2)]
    pub depth: usize,
    /// Only agencies related directly (depth 1, no roll-up).
    #[arg(long)]
    pub direct: bool,
}

/// Options of `neighbors`.
#[derive(Debug, clap::Args)]
pub struct NeighborsArgs {
    /// The entity: id, alias, or name in any language.
    pub entity: String,
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
}

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
}

/// Options of `list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only this kind (repeatable).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<Kind>,
    /// Only this jurisdiction: `US` (or `federal`) for federal entities,
    /// `US-TX`, `TX` or `Texas` for a state, `US-` (or `states`) for every
    /// state.
    #[arg(long, value_name = "J", value_parser = parse_jurisdiction)]
    pub jurisdiction: Option<String>,
    /// Only this current status (repeatable).
    #[arg(long = "status", value_name = "STAGE")]
    pub statuses: Vec<Stage>,
    /// Only entities with this tag (repeatable: all must match).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Only bills with this sponsor or cosponsor: every word must be in
    /// the name (`Lummis`, `Cynthia Lummis`), in any case.
    #[arg(long, value_name = "NAME")]
    pub sponsor: Option<String>,
}

/// Options of `index`.
#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    /// Rebuild even when the index is fresh.
    #[arg(long)]
    pub force: bool,
}

/// Options of `search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The query: words, "phrases", -excluded, field:value (fields: name,
    /// ident, body, id, kind, jurisdiction, status, tag).
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
    /// At most this many hits.
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// Only this kind (repeatable).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<Kind>,
    /// Only this jurisdiction: `US` (or `federal`) for federal entities,
    /// `US-TX`, `TX` or `Texas` for a state, `US-` (or `states`) for every
    /// state.
    #[arg(long, value_name = "J", value_parser = parse_jurisdiction)]
    pub jurisdiction: Option<String>,
    /// Only this status (repeatable).
    #[arg(long = "status", value_name = "STAGE")]
    pub statuses: Vec<Stage>,
    /// Only entities with a date (event, deadline, figure) in or after this
    /// period: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (alias `--from`).
    #[arg(long, visible_alias = "from", value_name = "DATE", value_parser = parse_since)]
    pub since: Option<Date>,
    /// Only entities with a date in or before this period (`--until 2025`
    /// reaches 2025-12-31; alias `--to`).
    #[arg(long, visible_alias = "to", value_name = "DATE", value_parser = parse_until)]
    pub until: Option<Date>,
    /// Also count all matches by kind, jurisdiction and status.
    #[arg(long)]
    pub facets: bool,
}

/// Output format of `check`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Source snippets with labels.
    Human,
    /// One JSON document with every diagnostic.
    Json,
}

/// Options of `check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Treat warnings as errors.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "human")]
    pub format: Format,
}

/// Options of `timeline`.
#[derive(Debug, clap::Args)]
pub struct TimelineArgs {
    /// Only events in or after this period: `YYYY`, `YYYY-MM` or
    /// `YYYY-MM-DD` (alias `--from`).
    #[arg(long, visible_alias = "from", value_name = "DATE", value_parser = parse_since)]
    pub since: Option<Date>,
    /// Only events in or before this period (`--until 2025` reaches
    /// 2025-12-31; alias `--to`).
    #[arg(long, visible_alias = "to", value_name = "DATE", value_parser = parse_until)]
    pub until: Option<Date>,
    /// Only events of this kind of entity (repeatable).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<Kind>,
    /// Only this jurisdiction: `US` (or `federal`) for federal entities,
    /// `US-TX`, `TX` or `Texas` for a state, `US-` (or `states`) for every
    /// state.
    #[arg(long, value_name = "J", value_parser = parse_jurisdiction)]
    pub jurisdiction: Option<String>,
    /// Only events of this entity (id, alias or name) ...
    #[arg(long, value_name = "REF")]
    pub entity: Option<String>,
    /// ... and of entities up to this many relations away from it.
    #[arg(long, default_value_t = 0, requires = "entity")]
    pub depth: usize,
    /// Only events marking this stage (repeatable).
    #[arg(long = "stage", value_name = "STAGE")]
    pub stages: Vec<Stage>,
}

/// Options of `deadlines`.
#[derive(Debug, clap::Args)]
pub struct DeadlinesArgs {
    /// Only deadlines not yet met and not yet due.
    #[arg(long)]
    pub upcoming: bool,
    /// Only deadlines past due and not met.
    #[arg(long)]
    pub overdue: bool,
    /// Only deadlines met (on time or late).
    #[arg(long)]
    pub met: bool,
    /// Only public deadlines (comment periods) whose day has passed.
    #[arg(long)]
    pub closed: bool,
    /// Only deadlines due within this span after the day judged: `30d`,
    /// `2w` or `30` (days).
    #[arg(long, value_name = "SPAN", value_parser = policygraph::track::parse_days)]
    pub within: Option<i64>,
}

/// Options of `changes`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  policygraph changes HEAD~3 HEAD        between two commits
  policygraph changes v1                 from tag v1 to the working tree
  policygraph changes --dirs old/ new/   between two directories (no git needed)")]
pub struct ChangesArgs {
    /// The old version: a git revision (a directory with `--dirs`).
    #[arg(value_name = "OLD")]
    pub old: String,
    /// The new version: a git revision [default: the working tree] (a
    /// directory with `--dirs`).
    #[arg(value_name = "NEW", required_if_eq("dirs", "true"))]
    pub new: Option<String>,
    /// Compare two knowledge directories instead of git revisions.
    #[arg(long)]
    pub dirs: bool,
}

/// Options of `import`.
#[derive(Debug, clap::Args)]
pub struct ImportArgs {
    /// Where the records come from.
    #[command(subcommand)]
    pub source: ImportSource,
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
  policygraph import openstates --dry-run HB302.json"
    )]
    OpenStates(BillArgs),
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

/// Options every importer takes.
#[derive(Debug, clap::Args)]
pub struct ImportCommon {
    /// Report what would change; write nothing.
    #[arg(long)]
    pub dry_run: bool,
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
    /// With --fetch: also read the agency list (`agencies.json`).
    #[arg(long, requires = "fetch")]
    pub agency_list: bool,
    /// With --fetch: the API's address (a mirror, or a test server).
    #[arg(long, value_name = "URL", default_value = policygraph::import::federal_register::DEFAULT_BASE_URL)]
    pub base_url: String,
    /// With --fetch: keep every response as received in DIR, to replay the
    /// import from files.
    #[arg(long, value_name = "DIR", requires = "fetch")]
    pub save_raw: Option<PathBuf>,
    /// Options every importer takes.
    #[command(flatten)]
    pub common: ImportCommon,
}
