//! The clap definition: global options and subcommands. Help texts come
//! from the doc comments.

use std::path::PathBuf;

use clap::{ColorChoice, Parser, Subcommand};

use policygraph::graph::Direction;
use policygraph::model::{Date, Kind, RelationKind, Stage};

/// What `policygraph -h` says the tool is for.
const ABOUT: &str =
    "Ask a knowledge base of U.S. digital-asset and retirement policy which agencies an order \
touches, who owes what by when, and what changed; search it in English or Chinese.";

/// The rest of `policygraph --help`.
const LONG_ABOUT: &str =
    "Ask a knowledge base of U.S. digital-asset and retirement policy which agencies an \
order touches, who owes what by when, and what changed; search it in English or Chinese.

The knowledge base is a folder of plain-text entity files (executive orders, agencies, laws, \
bills, rules, guidance, programs, figures) kept under `knowledge/`, so every fact has a file, \
a source and a history in git.";

/// After the options of `policygraph --help`: how to search, the
/// environment, and where the JSON documents are described.
const AFTER_HELP: &str = "Examples:
  policygraph show \"EO 14330\"                 one entity in full
  policygraph agencies genius-act             which agencies it touches, and why
  policygraph search \"bitcoin reserve\" --jurisdiction Texas

`policygraph --help` also lists the search operators, the environment and where JSON is described.";

/// After the options of `policygraph --help` (and in the man page): how to
/// search, the environment, and where the JSON documents are described.
const AFTER_LONG_HELP: &str = "Examples:
  policygraph show \"EO 14330\"                 one entity in full
  policygraph agencies genius-act             which agencies it touches, and why
  policygraph search \"bitcoin reserve\" --jurisdiction Texas

Search operators (policygraph search):
  bitcoin reserve         both words
  \"exact phrase\"          the phrase
  bitcoin -texas          bitcoin, and not texas (also: bitcoin AND NOT texas)
  arizona OR texas        either word
  (arizona OR texas) veto grouping
  field:value             one field: name, ident, body, id, kind, jurisdiction, status, tag
                          (kind:bill, ident:\"S. 1582\", tag:bitcoin-reserve)

Environment:
  POLICYGRAPH_KNOWLEDGE   the knowledge directory (as --knowledge)
  POLICYGRAPH_INDEX       the index directory (as --index)
  POLICYGRAPH_NO_REFRESH  1: use the index as it is (as --no-refresh)
  POLICYGRAPH_TODAY       YYYY-MM-DD: the day taken as today, for statuses and deadlines
  NO_COLOR                any value: no colour

JSON: every --json document is described in README.md, section \"JSON output\".
Manual: `policygraph man` prints this as a man page; `policygraph man --dir DIR` installs one
page per command.
Exit codes: 0 ok; 1 problems found, or nothing found; 2 usage, I/O or index failure.";

/// The heading of the options every command takes.
const GLOBAL: &str = "Global options";

/// The heading of `--json`, `--as-of` and `--lang`, where a command takes
/// them.
const OUTPUT: &str = "Output options";

/// The command line. Options every command takes (`--knowledge`,
/// `--index`, `--color`, `--no-refresh`) are global. `--json`, `--as-of`
/// and `--lang` are offered only by the commands they change (see
/// [`Command::offered`]); they are also accepted before the command name,
/// as in `policygraph --json show dol`, where a command that does not use
/// one refuses it.
#[derive(Debug, Parser)]
#[command(
    name = "policygraph",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = AFTER_HELP,
    after_long_help = AFTER_LONG_HELP,
    max_term_width = 100
)]
pub struct Args {
    /// The knowledge directory [default: `knowledge/` here or in the nearest
    /// parent, else the knowledge base built into the binary].
    #[arg(long, global = true, env = "POLICYGRAPH_KNOWLEDGE", value_name = "DIR", help_heading = GLOBAL)]
    pub knowledge: Option<PathBuf>,

    /// The index directory [default: `index/` beside the knowledge directory].
    #[arg(long, global = true, env = "POLICYGRAPH_INDEX", value_name = "DIR", help_heading = GLOBAL)]
    pub index: Option<PathBuf>,

    /// When to use colour.
    #[arg(long, global = true, value_name = "WHEN", default_value = "auto", help_heading = GLOBAL)]
    pub color: ColorChoice,

    /// Skip the freshness check of the index against `knowledge/`.
    #[arg(
        long,
        global = true,
        env = "POLICYGRAPH_NO_REFRESH",
        value_parser = clap::builder::BoolishValueParser::new(),
        help_heading = GLOBAL
    )]
    pub no_refresh: bool,

    /// Print JSON instead of text, for the commands that offer it (see
    /// README.md, "JSON output").
    #[arg(long, help_heading = OUTPUT)]
    pub json: bool,

    /// See the world as it stood on this day (YYYY-MM-DD), for the commands
    /// that offer it.
    #[arg(long, value_name = "DATE", help_heading = OUTPUT)]
    pub as_of: Option<Date>,

    /// Show names in this language, for the commands that offer it: `en`,
    /// `zh-Hant` (also `zh-TW`, `zh-HK`) or `zh-Hans` (also `zh-CN`,
    /// `zh-SG`); any case.
    #[arg(long, value_name = "LANG", value_parser = parse_lang, help_heading = OUTPUT)]
    pub lang: Option<String>,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// `--json` where a command offers it.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct JsonOpt {
    /// Print JSON instead of text (see README.md, "JSON output").
    #[arg(long, help_heading = OUTPUT)]
    pub json: bool,
}

/// `--as-of` where a command offers it.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct AsOfOpt {
    /// See the world as it stood on this day (YYYY-MM-DD): later entities,
    /// relations and events are hidden.
    #[arg(long, value_name = "DATE", help_heading = OUTPUT)]
    pub as_of: Option<Date>,
}

/// `--lang` where a command offers it.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct LangOpt {
    /// Show names in this language where known: `en`, `zh-Hant` (also
    /// `zh-TW`, `zh-HK`) or `zh-Hans` (also `zh-CN`, `zh-SG`); any case.
    #[arg(long, value_name = "LANG", value_parser = parse_lang, help_heading = OUTPUT)]
    pub lang: Option<String>,
}

/// The output options a command offers, with their values: `None` where
/// the command does not offer the option.
#[derive(Clone, Debug, Default)]
pub struct Offered {
    /// `--json`.
    pub json: Option<bool>,
    /// `--as-of`.
    pub as_of: Option<Option<Date>>,
    /// `--lang`.
    pub lang: Option<Option<String>>,
}

impl Args {
    /// Folds the output options given after the command into those given
    /// before it, and refuses one given before a command that does not
    /// offer it (`policygraph --json synth`).
    pub fn settle(&mut self) -> Result<(), String> {
        let name = self.command.name();
        let off = self.command.offered();
        let refuse = |opt: &str| {
            Err(format!(
                "`{opt}` does nothing for `{name}`; see `policygraph {name} --help`"
            ))
        };
        match off.json {
            Some(j) => self.json |= j,
            None if self.json && name == "export" => {
                return Err("`--json` does nothing for `export dot` or `export mermaid`; `export json` writes JSON".into())
            }
            None if self.json => return refuse("--json"),
            None => {}
        }
        match off.as_of {
            Some(d) => self.as_of = d.or(self.as_of),
            None if self.as_of.is_some() => return refuse("--as-of"),
            None => {}
        }
        match off.lang {
            Some(l) => self.lang = l.or(self.lang.take()),
            None if self.lang.is_some() => return refuse("--lang"),
            None => {}
        }
        Ok(())
    }
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
    #[command(after_help = "Examples:
  policygraph check                     every problem, with the lines it is on
  policygraph check --deny-warnings     warnings fail too (for CI)
  policygraph check --json | jq .errors")]
    Check(CheckArgs),
    /// Count entities by kind, relations by relation, jurisdictions and tags.
    #[command(after_help = "Examples:
  policygraph stats
  policygraph stats --as-of 2025-03-01   the knowledge base as it stood that day
  policygraph stats --json | jq .by_tag")]
    Stats(StatsArgs),
    /// Print one entity: names, status, relations both ways, timeline,
    /// deadlines, sources.
    #[command(after_help = "Examples:
  policygraph show \"EO 14330\"            by alias, id or name in any language
  policygraph show dol                   an agency, with the deadlines it owes
  policygraph show genius-act --lang zh-TW")]
    Show(ShowArgs),
    /// Which agencies, offices and bodies an entity touches, and why.
    #[command(after_help = "Examples:
  policygraph agencies eo-14330
  policygraph agencies az-sb-1025          the governor who vetoed it
  policygraph agencies genius-act --direct --json")]
    Agencies(AgenciesArgs),
    /// Entities within N relations of an entity.
    #[command(
        alias = "neighbours",
        after_help = "Examples:
  policygraph neighbors eo-14330 --relation directs --relation consults
  policygraph neighbors genius-act --depth 2 --kind agency
  policygraph neighbors digital-assets --direction in   what covers an asset class"
    )]
    Neighbors(NeighborsArgs),
    /// The shortest chain of relations between two entities.
    #[command(after_help = "Examples:
  policygraph path eo-14233 strategic-bitcoin-reserve
  policygraph path eo-14330 ebsa --all
  policygraph path tx-sb-21 eo-14233 --through-hubs   via the asset class they share")]
    Path(PathArgs),
    /// List entities, filtered by kind, jurisdiction, status and tag.
    #[command(after_help = "Examples:
  policygraph list --kind statute --jurisdiction states
  policygraph list --kind bill --jurisdiction Texas --status signed
  policygraph list --tag bitcoin-reserve --lang zh-Hant")]
    List(ListArgs),
    /// Build (or rebuild) the search index now (normally automatic).
    #[command(after_help = "Examples:
  policygraph index             bring the index up to date
  policygraph index --force     rebuild it from scratch
  policygraph index --json      what was built, and how long it took")]
    Index(IndexArgs),
    /// Full-text search, in English or Chinese.
    #[command(after_help = "Examples:
  policygraph search \"bitcoin reserve\" --jurisdiction states
  policygraph search kind:bill veto --from 2025 --to 2025
  policygraph search 穩定幣 --lang zh-Hant

Operators: words (all must match), \"a phrase\", -word, a OR b, a AND NOT b, (grouping),
field:value with fields name, ident, body, id, kind, jurisdiction, status, tag.
Other punctuation is text (President's, Crypto Week: House, a URL); crypto, 401k,
stablecoin and a few more also find their synonyms (README: \"Synonyms\").")]
    Search(SearchArgs),
    /// Events across the knowledge base in date order.
    #[command(after_help = "Examples:
  policygraph timeline --from 2025-07 --to 2025-07          all of July 2025
  policygraph timeline --jurisdiction Arizona --stage vetoed
  policygraph timeline --entity eo-14330 --depth 1")]
    Timeline(TimelineArgs),
    /// Deadlines: who owes what, by when, and whether it was met.
    #[command(after_help = "Examples:
  policygraph deadlines --upcoming --within 30d
  policygraph deadlines --owner DOL
  policygraph deadlines --as-of 2026-03-01 --overdue")]
    Deadlines(DeadlinesArgs),
    /// What changed between two git revisions or two directories.
    Changes(ChangesArgs),
    /// Export the graph, whole or focused, as Graphviz DOT, Mermaid or JSON.
    #[command(after_help = "Examples:
  policygraph export dot --focus eo-14330 -o eo.svg         rendered by Graphviz
  policygraph export mermaid --focus \"GENIUS Act\" --depth 1
  policygraph export json --jurisdiction federal > graph.json")]
    Export(super::export::ExportArgs),
    /// Write a static web site: entity pages, lists, timeline, deadlines,
    /// search, in English and Chinese.
    Site(super::site::SiteArgs),
    /// Import official records into `knowledge/imported/` (see the README).
    #[command(after_help = "Examples:
  policygraph import federal-register --fetch --executive-orders --since 2025-01-01
  policygraph import openstates nh-legislation/_data/nh/2025/
  policygraph import congress --dry-run congress/data/119/bills/")]
    Import(ImportArgs),
    /// Write a synthetic knowledge base of N entities (for benchmarks).
    #[command(after_help = "Examples:
  policygraph synth 10000 /tmp/synth
  policygraph synth 200 /tmp/small --seed 7
  policygraph --knowledge /tmp/synth check")]
    Synth(SynthArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(after_help = "Examples:
  policygraph completions bash > ~/.local/share/bash-completion/completions/policygraph
  policygraph completions zsh > ~/.zfunc/_policygraph
  policygraph completions fish > ~/.config/fish/completions/policygraph.fish")]
    Completions(CompletionsArgs),
    /// Print the manual page, or install one page per command.
    #[command(after_help = "Examples:
  policygraph man | man -l -                           read it now
  policygraph man --dir ~/.local/share/man/man1        install it (then: man policygraph)
  sudo policygraph man --dir /usr/local/share/man/man1")]
    Man(ManArgs),
}

impl Command {
    /// The command's name, as typed.
    pub fn name(&self) -> &'static str {
        match self {
            Command::Check(_) => "check",
            Command::Stats(_) => "stats",
            Command::Show(_) => "show",
            Command::Agencies(_) => "agencies",
            Command::Neighbors(_) => "neighbors",
            Command::Path(_) => "path",
            Command::List(_) => "list",
            Command::Index(_) => "index",
            Command::Search(_) => "search",
            Command::Timeline(_) => "timeline",
            Command::Deadlines(_) => "deadlines",
            Command::Changes(_) => "changes",
            Command::Export(_) => "export",
            Command::Import(_) => "import",
            Command::Site(_) => "site",
            Command::Synth(_) => "synth",
            Command::Completions(_) => "completions",
            Command::Man(_) => "man",
        }
    }

    /// Which of `--json`, `--as-of` and `--lang` the command offers, and
    /// what was given after it.
    pub fn offered(&self) -> Offered {
        fn o(j: Option<&JsonOpt>, a: Option<&AsOfOpt>, l: Option<&LangOpt>) -> Offered {
            Offered {
                json: j.map(|j| j.json),
                as_of: a.map(|a| a.as_of),
                lang: l.map(|l| l.lang.clone()),
            }
        }
        match self {
            Command::Check(a) => o(Some(&a.json), None, None),
            Command::Stats(a) => o(Some(&a.json), Some(&a.as_of), None),
            Command::Show(a) => o(Some(&a.json), Some(&a.as_of), Some(&a.lang)),
            Command::Agencies(a) => o(Some(&a.json), Some(&a.as_of), Some(&a.lang)),
            Command::Neighbors(a) => o(Some(&a.json), Some(&a.as_of), Some(&a.lang)),
            Command::Path(a) => o(Some(&a.json), Some(&a.as_of), None),
            Command::List(a) => o(Some(&a.json), Some(&a.as_of), Some(&a.lang)),
            Command::Index(a) => o(Some(&a.json), None, None),
            Command::Search(a) => o(Some(&a.json), Some(&a.as_of), Some(&a.lang)),
            Command::Timeline(a) => o(Some(&a.json), Some(&a.as_of), None),
            Command::Deadlines(a) => o(Some(&a.json), Some(&a.as_of), Some(&a.lang)),
            Command::Changes(a) => o(Some(&a.json), Some(&a.as_of), Some(&a.lang)),
            // `export json` is the JSON; a `--json` before it is taken as
            // saying the same, and refused before `export dot`.
            Command::Export(a) => Offered {
                json: (a.format == super::export::ExportFormat::Json).then_some(false),
                ..o(None, Some(&a.as_of), Some(&a.lang))
            },
            Command::Site(a) => o(Some(&a.json), Some(&a.as_of), Some(&a.lang)),
            Command::Import(a) => {
                let common = match &a.source {
                    ImportSource::FederalRegister(f) => &f.common,
                    ImportSource::OpenStates(o) => &o.bills.common,
                    ImportSource::Legiscan(b) | ImportSource::Congress(b) => &b.common,
                };
                o(Some(&common.json), None, None)
            }
            Command::Synth(_) | Command::Completions(_) | Command::Man(_) => o(None, None, None),
        }
    }
}

/// Options of `stats`.
#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
}

/// Options of `man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write `policygraph.1` and one `policygraph-COMMAND.1` per command into
    /// this directory (created) instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
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
    /// The entity: id, alias, or name in any language (several words are
    /// one name: `GENIUS Act` needs no quotes).
    #[arg(required = true, num_args = 1.., value_name = "REF")]
    pub entity: Vec<String>,
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
    #[command(flatten)]
    pub lang: LangOpt,
}

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
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
    #[command(flatten)]
    pub lang: LangOpt,
}

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
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
    #[command(flatten)]
    pub lang: LangOpt,
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
    #[command(flatten)]
    pub json: JsonOpt,
}

/// Options of `search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The query: words, "phrases", -excluded, field:value (fields: name,
    /// ident, body, id, kind, jurisdiction, status, tag).
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
    /// At most this many hits (the last line says how many of how many).
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
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
    #[command(flatten)]
    pub lang: LangOpt,
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
    /// Deprecated: `--format json` is `--json`.
    #[arg(long, value_name = "FORMAT", hide = true)]
    pub format: Option<Format>,
    #[command(flatten)]
    pub json: JsonOpt,
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
    /// With `--depth`, walk on through asset classes and plan types too (by
    /// default they are reached but not walked through).
    #[arg(long, requires = "entity")]
    pub through_hubs: bool,
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
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
    /// Only deadlines owed by this entity (id, alias or name): `--owner DOL`.
    #[arg(long, value_name = "REF")]
    pub owner: Option<String>,
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
    #[command(flatten)]
    pub lang: LangOpt,
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
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
    #[command(flatten)]
    pub lang: LangOpt,
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
    /// Options every importer takes.
    #[command(flatten)]
    pub common: ImportCommon,
}
