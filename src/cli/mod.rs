//! The command-line interface: clap arguments, one file per subcommand,
//! rendering and exit codes. This is the only place that prints.
//!
//! Exit codes: 0 success; 1 problems found, or nothing found; 2 usage, I/O
//! or index failure.

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod agencies;
mod args;
mod changes;
mod check;
mod ctx;
mod deadlines;
mod digest;
mod export;
mod flags;
mod import;
mod index;
mod list;
mod man;
mod monitor;
mod neighbors;
mod path;
mod render;
mod search;
mod show;
mod site;
mod stats;
mod sync;
mod timeline;
mod watch;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

pub use args::{Args, Command};
pub use ctx::Ctx;

/// What a command reports back to `main`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Success: exit 0.
    Ok,
    /// Problems found, or nothing found: exit 1.
    Found,
}

/// Parses arguments, runs the command and turns the outcome into an exit
/// code. The one exit point of the program.
pub fn main() -> ExitCode {
    let mut args = match Args::try_parse() {
        Ok(a) => a,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    if let Err(msg) = args.settle() {
        return ExitCode::from(render::error(&policygraph::Error::Usage(msg).into()));
    }
    match args.color {
        clap::ColorChoice::Always => anstream::ColorChoice::Always,
        clap::ColorChoice::Never => anstream::ColorChoice::Never,
        clap::ColorChoice::Auto => anstream::ColorChoice::Auto,
    }
    .write_global();
    // `completions` needs nothing but the argument definitions.
    if let Command::Completions(a) = &args.command {
        let mut cmd = <Args as clap::CommandFactory>::command();
        clap_complete::generate(a.shell, &mut cmd, "policygraph", &mut std::io::stdout());
        return ExitCode::SUCCESS;
    }
    // `man` too.
    if let Command::Man(a) = &args.command {
        return match man::run(a, <Args as clap::CommandFactory>::command()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if render::is_broken_pipe(&e) => ExitCode::SUCCESS,
            Err(e) => ExitCode::from(render::error(&e)),
        };
    }
    // `synth` writes a new knowledge base and needs no existing one.
    if let Command::Synth(a) = &args.command {
        let written = policygraph::synth::generate(&a.out, a.entities, a.seed)
            .map_err(anyhow::Error::from)
            .and_then(|w| {
                let kinds: Vec<String> =
                    w.by_kind.iter().map(|(k, n)| format!("{n} {k}")).collect();
                let mut out = anstream::stdout().lock();
                writeln!(
                    out,
                    "wrote {} entity files into {} (seed {}): {}",
                    w.files,
                    a.out.display(),
                    a.seed,
                    kinds.join(", ")
                )?;
                writeln!(
                    out,
                    "try: policygraph --knowledge {} check",
                    a.out.display()
                )?;
                Ok(())
            });
        return match written {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if render::is_broken_pipe(&e) => ExitCode::SUCCESS,
            Err(e) => ExitCode::from(render::error(&e)),
        };
    }
    let result = Ctx::new(&args).and_then(|ctx| run_healing(&ctx, &args.command));
    match result {
        Ok(Status::Ok) => ExitCode::SUCCESS,
        Ok(Status::Found) => ExitCode::from(1),
        Err(err) => {
            if render::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            let code = render::error(&err);
            ExitCode::from(code)
        }
    }
}

/// Runs one command; when the index turns out damaged while it answers
/// (an error from tantivy's files that the generation's seal did not catch
/// when it was opened), rebuilds the index once, says so, and asks again.
fn run_healing(ctx: &Ctx, command: &Command) -> anyhow::Result<Status> {
    let answers_from_index = !matches!(
        command,
        Command::Import(_)
            | Command::Index(_)
            | Command::Check(_)
            | Command::Sync(_)
            | Command::Watch(_)
            | Command::Monitor(_)
    );
    match run(ctx, command) {
        Err(e) if ctx.refresh && answers_from_index && index_damage(&e) => {
            ctx::note(&format!(
                "the index is damaged ({}); rebuilding it and asking again",
                render::chain_once(&e)
            ));
            if let Err(again) = ctx.refreshed(true) {
                return Err(policygraph::Error::Index(format!(
                    "the index is damaged and could not be rebuilt ({}); run `policygraph index --force`",
                    render::chain_once(&again)
                ))
                .into());
            }
            run(ctx, command)
        }
        other => other,
    }
}

/// Whether an error comes from the index's files.
fn index_damage(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        matches!(
            c.downcast_ref::<policygraph::Error>(),
            Some(policygraph::Error::Tantivy(_))
        ) || c.downcast_ref::<tantivy::TantivyError>().is_some()
    })
}

/// Runs one command.
fn run(ctx: &Ctx, command: &Command) -> anyhow::Result<Status> {
    match command {
        Command::Check(a) => check::run(ctx, a),
        Command::Stats(_) => stats::run(ctx),
        Command::Show(a) => show::run(ctx, a),
        Command::Agencies(a) => agencies::run(ctx, a),
        Command::Neighbors(a) => neighbors::run(ctx, a),
        Command::Path(a) => path::run(ctx, a),
        Command::List(a) => list::run(ctx, a),
        Command::Index(a) => index::run(ctx, a),
        Command::Search(a) => search::run(ctx, a),
        // These run in `main`, before a knowledge base is looked for.
        Command::Synth(_) | Command::Completions(_) | Command::Man(_) => Ok(Status::Ok),
        Command::Export(a) => export::run(ctx, a),
        Command::Import(a) => import::run(ctx, a),
        Command::Sync(a) => sync::run(ctx, a),
        Command::Watch(a) => watch::run(ctx, a),
        Command::Monitor(a) => monitor::run(ctx, a),
        Command::Digest(a) => digest::run(ctx, a),
        Command::Timeline(a) => timeline::run(ctx, a),
        Command::Deadlines(a) => deadlines::run(ctx, a),
        Command::Changes(a) => changes::run(ctx, a),
        Command::Site(a) => site::run(ctx, a),
    }
}

/// Writes JSON to stdout, pretty-printed, with a trailing newline.
pub fn print_json<T: serde::Serialize>(value: &T) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    out.flush()?;
    Ok(())
}
