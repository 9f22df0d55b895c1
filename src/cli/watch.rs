//! `policygraph watch add|list|remove`: edit `watches.ron`, the things
//! `digest` reports on, for people who do not want to write RON. A new
//! watch starts from the knowledge base as it is when it is added.

use std::io::Write as _;

use clap::Subcommand;
use serde::Serialize;

use policygraph::model::{Kind, Stage};
use policygraph::sync::config::{self, Watch, WATCHES_FILE};
use policygraph::sync::digest::{DigestState, WatchState};
use policygraph::sync::snapshot::{self, Snapshot};
use policygraph::sync::{edit, state};

use super::flags::{parse_jurisdiction, JsonOpt};
use super::{render, Ctx, Status};

/// Options of `watch`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  policygraph watch add stablecoins --search stablecoin --kind bill --jurisdiction states
  policygraph watch add eo-14330-area --entity eo-14330 --depth 2 --deadlines 30
  policygraph watch list")]
pub struct WatchArgs {
    #[command(subcommand)]
    pub command: WatchCommand,
}

/// `watch add|list|remove`.
#[derive(Debug, Subcommand)]
pub enum WatchCommand {
    /// Add a watch to `watches.ron`; it starts from the knowledge base as
    /// it is now.
    Add(AddArgs),
    /// List the watches and since when each is measured.
    List(ListArgs),
    /// Remove a watch.
    Remove {
        /// The watch's name.
        name: String,
    },
}

/// Options of `watch list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub json: JsonOpt,
}

/// Options of `watch add`. The scope is a search, or an entity and its
/// neighbourhood, or (alone or narrowing either) the kind, jurisdiction,
/// status and tag filters; with none, every entity. `--deadlines` adds
/// the deadlines of the scope.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// The watch's name.
    pub name: String,
    /// A search query (the `search` syntax).
    #[arg(long, value_name = "QUERY", conflicts_with = "entity")]
    pub search: Option<String>,
    /// An entity id: it and its neighbours.
    #[arg(long, value_name = "ID")]
    pub entity: Option<String>,
    /// With --entity: how many relations away [default: 1].
    #[arg(long, value_name = "N", requires = "entity")]
    pub depth: Option<usize>,
    /// Only this kind (repeatable).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<Kind>,
    /// Only this jurisdiction (`US`, `TX`, `Texas`, `US-` for every state).
    #[arg(long, value_name = "J", value_parser = parse_jurisdiction)]
    pub jurisdiction: Option<String>,
    /// Only this current status (repeatable).
    #[arg(long = "status", value_name = "STAGE")]
    pub stages: Vec<Stage>,
    /// Only entities with this tag (repeatable: any).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
    /// Deadlines coming within this many days, and deadlines missed.
    #[arg(long, value_name = "DAYS")]
    pub deadlines: Option<u32>,
}

impl WatchArgs {
    /// `--json` of `watch list`.
    pub fn json(&self) -> bool {
        matches!(&self.command, WatchCommand::List(l) if l.json.json)
    }
}

const HEADER: &str = "The watches `policygraph digest` reports on (docs/sync.md).";

/// The watches of `watches.ron`, or its diagnostic rendered and an error.
pub(super) fn watches(ctx: &Ctx) -> anyhow::Result<Vec<Watch>> {
    super::sync::read_config(ctx, WATCHES_FILE)
}

/// Runs `watch`.
pub fn run(ctx: &Ctx, args: &WatchArgs) -> anyhow::Result<Status> {
    match &args.command {
        WatchCommand::Add(a) => add(ctx, a),
        WatchCommand::List(_) => list(ctx),
        WatchCommand::Remove { name } => remove(ctx, name),
    }
}

fn add(ctx: &Ctx, a: &AddArgs) -> anyhow::Result<Status> {
    super::import::writable_knowledge(ctx)?;
    if a.name.trim().is_empty() {
        return Err(policygraph::Error::Usage("a watch needs a name".into()).into());
    }
    if let Some(q) = &a.search {
        policygraph::search::syntax::parse(q)
            .map_err(|e| policygraph::Error::Usage(format!("--search: {e}")))?;
    }
    let lock = ctx.lock("watch add")?;
    let list = watches(ctx)?;
    if list.iter().any(|w| w.name == a.name) {
        return Err(policygraph::Error::Usage(format!(
            "there is already a watch named `{}` in {WATCHES_FILE}",
            a.name
        ))
        .into());
    }
    // Measured against a snapshot another watch already has, only what
    // changed since is read.
    let mut st = DigestState::load(&ctx.index)?;
    let base = match st.watches.values().next() {
        Some(ws) => Snapshot::read(&ctx.index, &ws.snapshot).unwrap_or_default(),
        None => Snapshot::empty(),
    };
    let now = snapshot::scan(&ctx.knowledge, &base)?;
    if let Some(id) = &a.entity {
        let there = match now.merged.get(id) {
            Some(_) => true,
            None => !now.touched.contains(id) && base.get(id)?.is_some(),
        };
        if !there {
            return Err(policygraph::Error::UnknownEntity {
                reference: id.clone(),
                suggestions: Vec::new(),
            }
            .into());
        }
    }
    let watch = Watch {
        name: a.name.clone(),
        search: a.search.clone(),
        entity: a.entity.clone(),
        depth: a.depth,
        kinds: a.kinds.clone(),
        jurisdiction: a.jurisdiction.clone(),
        stages: a.stages.clone(),
        tags: a.tags.clone(),
        deadlines: a.deadlines,
    };
    // The baseline first: a watch in the file always has one, or gets one
    // at its first digest.
    let snapshot = snapshot::write(&ctx.index, &base, &now, &lock)?;
    st.watches.insert(
        a.name.clone(),
        WatchState {
            snapshot,
            since: state::now(),
            day: Some(policygraph::model::Date::today()),
        },
    );
    st.save(&ctx.index, &lock)?;
    let path = config::path_of(&ctx.knowledge, WATCHES_FILE);
    if let Some(n) = edit::add(&path, HEADER, &list, watch)?.note(&path) {
        super::ctx::note(&n);
    }
    drop(lock);
    super::ctx::note(&format!(
        "added watch `{}` to {}; `policygraph digest` reports what changes from now on",
        a.name,
        path.display()
    ));
    Ok(Status::Ok)
}

fn remove(ctx: &Ctx, name: &str) -> anyhow::Result<Status> {
    let lock = ctx.lock("watch remove")?;
    let list = watches(ctx)?;
    let Some(at) = list.iter().position(|w| w.name == name) else {
        let names: Vec<&str> = list.iter().map(|w| w.name.as_str()).collect();
        return Err(policygraph::Error::Usage(format!(
            "no watch named `{name}`; the watches are: {}",
            if names.is_empty() {
                "(none)".to_owned()
            } else {
                names.join(", ")
            }
        ))
        .into());
    };
    let path = config::path_of(&ctx.knowledge, WATCHES_FILE);
    if let Some(n) = edit::remove(&path, HEADER, &list, at)?.note(&path) {
        super::ctx::note(&n);
    }
    let mut st = DigestState::load(&ctx.index)?;
    st.watches.remove(name);
    st.save(&ctx.index, &lock)?;
    super::ctx::note(&format!("removed watch `{name}`"));
    Ok(Status::Ok)
}

/// What a watch covers, in words.
pub(super) fn describe(w: &Watch) -> String {
    let mut parts = Vec::new();
    if let Some(q) = &w.search {
        parts.push(format!("search \"{q}\""));
    }
    if let Some(e) = &w.entity {
        parts.push(format!("{e} within {}", w.depth.unwrap_or(1)));
    }
    if !w.kinds.is_empty() {
        let k: Vec<&str> = w.kinds.iter().map(|k| k.name()).collect();
        parts.push(format!("kind {}", k.join("|")));
    }
    if let Some(j) = &w.jurisdiction {
        parts.push(format!("jurisdiction {j}"));
    }
    if !w.stages.is_empty() {
        let s: Vec<&str> = w.stages.iter().map(|s| s.name()).collect();
        parts.push(format!("status {}", s.join("|")));
    }
    if !w.tags.is_empty() {
        parts.push(format!("tag {}", w.tags.join("|")));
    }
    if parts.is_empty() {
        parts.push("everything".to_owned());
    }
    if let Some(d) = w.deadlines {
        parts.push(format!("deadlines within {d} days"));
    }
    parts.join(", ")
}

#[derive(Serialize)]
struct Listed<'a> {
    #[serde(flatten)]
    watch: &'a Watch,
    since: Option<&'a str>,
}

fn list(ctx: &Ctx) -> anyhow::Result<Status> {
    let list = watches(ctx)?;
    let st = DigestState::load(&ctx.index)?;
    if ctx.json {
        let rows: Vec<Listed> = list
            .iter()
            .map(|w| Listed {
                watch: w,
                since: st.watches.get(&w.name).map(|s| s.since.as_str()),
            })
            .collect();
        super::print_json(&rows)?;
    } else {
        let mut out = anstream::stdout().lock();
        let mut t = render::table(&["name", "follows", "since"]);
        for w in &list {
            t.add_row(vec![
                w.name.clone(),
                describe(w),
                st.watches
                    .get(&w.name)
                    .map_or_else(|| "(next digest)".to_owned(), |s| s.since.clone()),
            ]);
        }
        render::write_table(&mut out, &t)?;
        out.flush()?;
    }
    if list.is_empty() {
        super::ctx::note("no watches yet: `policygraph watch add NAME ...` adds one");
        return Ok(Status::Found);
    }
    Ok(Status::Ok)
}
