//! The clap definition: global options and subcommands. Help texts come
//! from the doc comments.

use std::path::PathBuf;

use clap::{ColorChoice, Parser, Subcommand};

use policygraph::model::Date;

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
    #[arg(long, global = true, env = "POLICYGRAPH_NO_REFRESH")]
    pub no_refresh: bool,

    /// Show names in this language (`zh-Hant`, `zh-Hans`) where known.
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Validate the whole knowledge base and report every problem.
    Check(CheckArgs),
    /// Count entities by kind, relations by relation, and jurisdictions.
    Stats,
    /// Export the graph, whole or focused, as Graphviz DOT, Mermaid or JSON.
    Export(super::export::ExportArgs),
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
