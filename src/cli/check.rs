//! `policygraph check`: validate the whole knowledge base.

use std::io::Write;

use policygraph::diag::Severity;
use serde::Serialize;

use super::flags::JsonOpt;
use super::{render, Ctx, Status};

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

#[derive(Serialize)]
struct JsonReport<'a> {
    errors: usize,
    warnings: usize,
    notes: usize,
    files: usize,
    entities: Option<usize>,
    diagnostics: &'a [policygraph::diag::Diagnostic],
}

/// `1 file`, `2 files`, `1 entity`, `3 entities`.
fn plural(n: usize, word: &str) -> String {
    match (n, word.strip_suffix('y')) {
        (1, _) => format!("{n} {word}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        _ => format!("{n} {word}s"),
    }
}

/// Runs `check`.
pub fn run(ctx: &Ctx, args: &CheckArgs) -> anyhow::Result<Status> {
    let mut checked = ctx.checked()?;
    if args.deny_warnings {
        for d in checked
            .diagnostics
            .iter_mut()
            .filter(|d| d.severity == Severity::Warning)
        {
            d.severity = Severity::Error;
        }
    }
    let errors = checked.errors();
    let warnings = checked.warnings();
    let notes = checked.notes();
    let entities = checked.corpus.as_ref().map(|c| c.len());
    if args.format.is_some() {
        super::ctx::warn(
            "`--format` is deprecated and will go: use `--json` for JSON, nothing for text",
        );
    }
    if ctx.json || args.format == Some(Format::Json) {
        super::print_json(&JsonReport {
            errors,
            warnings,
            notes,
            files: checked.files.len(),
            entities,
            diagnostics: &checked.diagnostics,
        })?;
    } else {
        let color = render::color_stdout();
        let mut out = anstream::stdout().lock();
        render::diagnostics(&mut out, &checked.diagnostics, &checked.files, color)?;
        let files = plural(checked.files.len(), "file");
        let (style, summary) = match (errors, warnings) {
            (0, 0) => (
                render::BOLD,
                format!(
                    "ok: {} in {files}, no problems",
                    plural(entities.unwrap_or(0), "entity")
                ),
            ),
            (0, _) => (
                render::WARN,
                format!("ok: {} in {files}", plural(warnings, "warning")),
            ),
            _ => (
                render::ERR,
                format!(
                    "{}, {} in {files}",
                    plural(errors, "error"),
                    plural(warnings, "warning")
                ),
            ),
        };
        let summary = match notes {
            0 => summary,
            n => format!("{summary} ({})", plural(n, "note")),
        };
        // `out` is an anstream stream: it drops the styling when colour is off.
        writeln!(out, "{}{summary}{}", style.render(), style.render_reset())?;
    }
    Ok(if errors > 0 {
        Status::Found
    } else {
        Status::Ok
    })
}
