//! `policygraph site`: a static web site of the knowledge graph.

use std::path::PathBuf;
use std::time::Instant;

use policygraph::model::{Date, Kind};
use policygraph::site::{self, Lang, Layout, SiteOptions};

use super::flags::{AsOfOpt, JsonOpt, LangOpt};
use super::{Ctx, Status};

/// How `--diagrams` lays diagrams out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Diagrams {
    /// Graphviz `dot` when it is installed and the site has at most
    /// 5,000 entities, else the built-in layout.
    Auto,
    /// Graphviz `dot` (fails when it is missing).
    Dot,
    /// The built-in three-column layout (no Graphviz needed).
    Builtin,
}

/// Above this many entities, `auto` uses the built-in layout: `dot` costs
/// about 20 ms per diagram, three diagrams per entity (see docs/site.md,
/// "Diagrams").
const AUTO_DOT_MAX: usize = 5_000;

/// Options of `site`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  policygraph site -o public/              build the site, then open public/index.html
  policygraph site -o public/ --lang zh-Hant
  policygraph site -o tx/ --jurisdiction US-TX --as-of 2025-12-31")]
pub struct SiteArgs {
    /// The directory to write the site into (created, or replaced if it
    /// holds an earlier site).
    #[arg(short = 'o', long = "out", value_name = "DIR")]
    pub out: PathBuf,
    /// Only entities of this kind get pages (repeatable).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<Kind>,
    /// Only this jurisdiction: `US` (or `federal`) for federal entities,
    /// `US-TX`, `TX` or `Texas` for a state, `US-` (or `states`) for every
    /// state.
    #[arg(long, value_name = "J")]
    pub jurisdiction: Option<String>,
    /// How to lay out diagrams.
    #[arg(long, value_enum, default_value = "auto")]
    pub diagrams: Diagrams,
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
    /// The site's default language (every page also exists in the others).
    #[command(flatten)]
    pub lang: LangOpt,
}

/// Runs `site`.
pub fn run(ctx: &Ctx, args: &SiteArgs) -> anyhow::Result<Status> {
    let default_lang = match ctx.lang.as_deref() {
        None => Lang::En,
        Some(l) => Lang::parse(l).ok_or_else(|| {
            policygraph::Error::Usage(format!(
                "unknown language `{l}` for the site: expected en, zh-Hant or zh-Hans"
            ))
        })?,
    };
    let started = Instant::now();
    // One writer at a time: the refresh below and the site's directory.
    let lock = ctx.lock("site")?;
    let corpus = ctx.corpus()?;
    let have_dot = || {
        std::process::Command::new("dot")
            .arg("-V")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let layout = match args.diagrams {
        Diagrams::Builtin => Layout::Builtin,
        Diagrams::Dot => Layout::Dot,
        Diagrams::Auto if corpus.len() > AUTO_DOT_MAX => Layout::Builtin,
        Diagrams::Auto if have_dot() => Layout::Dot,
        Diagrams::Auto => Layout::Builtin,
    };
    let opts = SiteOptions {
        as_of: ctx.as_of,
        today: Date::today(),
        kinds: args.kinds.clone(),
        jurisdiction: args.jurisdiction.clone(),
        default_lang,
        layout,
        feeds: policygraph::sync::feed::site_feeds(
            &policygraph::sync::feed::Log::load(&ctx.index)?,
            &super::watch::watches(ctx)?,
            Date::today(),
        ),
    };
    let report = site::build(&corpus, &args.out, &opts, &lock)?;
    drop(lock);
    if ctx.json {
        super::print_json(&report)?;
    } else {
        super::ctx::note(&format!(
            "site in {}: {} entities, {} files ({} written, {} unchanged), {} entity pages rendered, diagrams by {}, {:.1} s; open {}",
            args.out.display(),
            report.entities,
            report.files,
            report.written,
            report.kept,
            report.rendered,
            layout.name(),
            started.elapsed().as_secs_f64(),
            args.out.join("index.html").display()
        ));
    }
    Ok(Status::Ok)
}
