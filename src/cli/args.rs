//! The clap definition: global options and the list of subcommands. Each
//! command's own arguments live beside it (`check.rs` has `CheckArgs`, and
//! so on), the options several commands share in `flags.rs`. Help texts
//! come from the doc comments.

use std::path::PathBuf;

use clap::{ColorChoice, Parser, Subcommand};

use policygraph::model::Date;

use super::agencies::AgenciesArgs;
use super::changes::ChangesArgs;
use super::check::CheckArgs;
use super::deadlines::DeadlinesArgs;
use super::digest::DigestArgs;
use super::export::ExportArgs;
use super::flags::{parse_lang, AsOfOpt, JsonOpt, LangOpt, OUTPUT};
use super::import::ImportArgs;
use super::index::IndexArgs;
use super::list::ListArgs;
use super::man::ManArgs;
use super::monitor::MonitorArgs;
use super::neighbors::NeighborsArgs;
use super::path::PathArgs;
use super::search::SearchArgs;
use super::show::ShowArgs;
use super::site::SiteArgs;
use super::stats::StatsArgs;
use super::sync::SyncArgs;
use super::timeline::TimelineArgs;
use super::watch::WatchArgs;

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
  POLICYGRAPH_NO_WAIT     1: refuse rather than wait for another writer (as --no-wait)
  POLICYGRAPH_TODAY       YYYY-MM-DD: the day taken as today, for statuses and deadlines
  NO_COLOR                any value: no colour

JSON: every --json document is described in docs/json.md, \"JSON output\".
Manual: `policygraph man` prints this as a man page; `policygraph man --dir DIR` installs one
page per command.
Exit codes: 0 ok; 1 problems found, or nothing found; 2 usage, I/O or index failure.";

/// The heading of the options every command takes.
const GLOBAL: &str = "Global options";

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

    /// Refuse at once, rather than wait, when another policygraph process
    /// is writing this knowledge base (an import, a site build, an index
    /// update).
    #[arg(
        long,
        global = true,
        env = "POLICYGRAPH_NO_WAIT",
        value_parser = clap::builder::BoolishValueParser::new(),
        help_heading = GLOBAL
    )]
    pub no_wait: bool,

    /// Print JSON instead of text, for the commands that offer it (see
    /// docs/json.md, "JSON output").
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
stablecoin and a few more also find their synonyms (docs/search.md, \"Synonyms\").")]
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
    Export(ExportArgs),
    /// Write a static web site: entity pages, lists, timeline, deadlines,
    /// search, in English and Chinese.
    Site(SiteArgs),
    /// Import official records into `knowledge/imported/` (see docs/import.md).
    #[command(after_help = "Examples:
  policygraph import federal-register --fetch --executive-orders --since 2025-01-01
  policygraph import openstates nh-legislation/_data/nh/2025/
  policygraph import congress --dry-run congress/data/119/bills/")]
    Import(ImportArgs),
    /// Bring the knowledge base up to date from the sources in
    /// `sources.ron` (see docs/sync.md).
    Sync(SyncArgs),
    /// Add, list or remove the watches `digest` reports on (`watches.ron`).
    Watch(WatchArgs),
    /// Start, stop or ask about the file-system monitor that lets queries
    /// skip the walk of `knowledge/` (see docs/performance.md).
    Monitor(MonitorArgs),
    /// What is new on each watch since the last digest: text, JSON, Atom,
    /// JSON Feed or email.
    Digest(DigestArgs),
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
            Command::Sync(_) => "sync",
            Command::Watch(_) => "watch",
            Command::Monitor(_) => "monitor",
            Command::Digest(_) => "digest",
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
                json: a.writes_json().then_some(false),
                ..o(None, Some(&a.as_of), Some(&a.lang))
            },
            Command::Site(a) => o(Some(&a.json), Some(&a.as_of), Some(&a.lang)),
            Command::Import(a) => o(Some(&a.common().json), None, None),
            Command::Watch(a) => Offered {
                json: Some(a.json()),
                ..o(None, None, None)
            },
            Command::Monitor(a) => Offered {
                json: Some(a.json()),
                ..o(None, None, None)
            },
            Command::Digest(a) => o(Some(&a.json), None, Some(&a.lang)),
            Command::Sync(a) => Offered {
                json: Some(a.json()),
                ..o(None, None, None)
            },
            Command::Synth(_) | Command::Completions(_) | Command::Man(_) => o(None, None, None),
        }
    }
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
