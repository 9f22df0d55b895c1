//! `policygraph changes`: what changed in the knowledge base between two
//! git revisions, a revision and the working tree, or two directories.

use std::io::Write;
use std::path::Path;

use policygraph::model::Stage;
use policygraph::track::changes::{EntityChange, RelationKey};
use policygraph::track::{self, Side};

use super::flags::{AsOfOpt, JsonOpt, LangOpt};
use super::render;
use super::{Ctx, Status};

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
    /// Read every file of both revisions, not only the files that differ
    /// and the other files of their ids (the warnings then name every
    /// file that does not parse, not only those read).
    #[arg(long, conflicts_with = "dirs")]
    pub full: bool,
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
    #[command(flatten)]
    pub lang: LangOpt,
}

/// Runs `changes`.
pub fn run(ctx: &Ctx, args: &ChangesArgs) -> anyhow::Result<Status> {
    let (old, new) = if args.dirs {
        let new = args.new.as_deref().unwrap_or_default();
        (side_from_dir(&args.old)?, side_from_dir(new)?)
    } else {
        let fast = if args.full {
            None
        } else {
            track::gitdiff::sides(&ctx.knowledge, &args.old, args.new.as_deref())?
        };
        match fast {
            Some(sides) => sides,
            None => {
                if !args.full {
                    super::ctx::note(
                        "a file that differs holds an id other than its file name (`check` reports it): every file of both versions is read",
                    );
                }
                let old = Side::from_git(&ctx.knowledge, &args.old)?;
                let new = match &args.new {
                    Some(rev) => Side::from_git(&ctx.knowledge, rev)?,
                    None => Side::from_dir(&ctx.knowledge, "working tree")?,
                };
                (old, new)
            }
        }
    };
    // As of a day, both versions are seen as they stood then: what did not
    // exist yet is left out, and what came later is hidden (`Entity::on`).
    let (old, new) = match ctx.as_of {
        Some(day) => (as_of(old, day), as_of(new, day)),
        None => (old, new),
    };
    let c = track::changes(&old, &new, ctx.as_of);
    if ctx.json {
        super::print_json(&c)?;
    } else {
        for w in &c.warnings {
            let mut e = anstream::stderr().lock();
            let (s, r) = (render::WARN.render(), render::WARN.render_reset());
            writeln!(e, "{s}warning:{r} {w}")?;
        }
        if !c.is_empty() {
            // Names in `--lang`, from whichever side has the entity.
            let name = |e: &EntityChange| {
                new.entities
                    .get(&e.id)
                    .or_else(|| old.entities.get(&e.id))
                    .map_or_else(
                        || e.name.clone(),
                        |x| x.name_in(ctx.lang.as_deref()).to_owned(),
                    )
            };
            print_human(&c, &name)?;
        }
    }
    if c.is_empty() {
        super::ctx::note(&format!("no changes between {} and {}", c.old, c.new));
        return Ok(Status::Found);
    }
    Ok(Status::Ok)
}

fn side_from_dir(dir: &str) -> anyhow::Result<Side> {
    Ok(Side::from_dir(Path::new(dir), dir)?)
}

/// A status in text: `-` for kinds without one or entities without events.
fn stage(s: Option<Stage>) -> &'static str {
    s.map_or("-", Stage::name)
}

fn print_human(c: &track::Changes, name: &dyn Fn(&EntityChange) -> String) -> anyhow::Result<()> {
    let mut out = anstream::stdout().lock();
    let (b, r) = (render::BOLD.render(), render::BOLD.render_reset());
    writeln!(out, "{b}changes from {} to {}{r}", c.old, c.new)?;
    let mut section = |title: &str, rows: Vec<Vec<String>>| -> std::io::Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        writeln!(out, "\n{b}{title} ({}){r}", rows.len())?;
        let mut t = render::table(&[]);
        for row in rows {
            t.add_row(row);
        }
        render::write_table(&mut out, &t)
    };
    let entity = |e: &EntityChange| {
        vec![
            e.id.clone(),
            e.kind.name().to_owned(),
            stage(e.status).to_owned(),
            name(e),
        ]
    };
    section("added", c.added.iter().map(entity).collect())?;
    section("removed", c.removed.iter().map(entity).collect())?;
    section(
        "modified",
        c.modified
            .iter()
            .map(|m| vec![m.id.clone(), m.fields.join(", ")])
            .collect(),
    )?;
    section(
        "status changed",
        c.status_changes
            .iter()
            .map(|s| {
                vec![
                    s.id.clone(),
                    format!("{} -> {}", stage(s.before), stage(s.after)),
                ]
            })
            .collect(),
    )?;
    let rel = |k: &RelationKey| vec![k.from.clone(), k.rel.name().to_owned(), k.to.clone()];
    section(
        "relations added",
        c.relations_added.iter().map(rel).collect(),
    )?;
    section(
        "relations removed",
        c.relations_removed.iter().map(rel).collect(),
    )?;
    Ok(())
}

/// A version as it stood on `day`.
fn as_of(mut side: Side, day: policygraph::model::Date) -> Side {
    side.entities = std::mem::take(&mut side.entities)
        .into_iter()
        .filter(|(_, e)| e.exists_on(Some(day)))
        .map(|(id, e)| {
            let e = e.on(day);
            (id, e)
        })
        .collect();
    side
}
