//! `policygraph check`: validate the whole knowledge base.

use std::io::Write;

use policygraph::diag::Severity;
use serde::Serialize;

use super::args::{CheckArgs, Format};
use super::{render, Ctx, Status};

#[derive(Serialize)]
struct JsonReport<'a> {
    errors: usize,
    warnings: usize,
    files: usize,
    entities: Option<usize>,
    diagnostics: &'a [policygraph::diag::Diagnostic],
}

/// Runs `check`.
pub fn run(ctx: &Ctx, args: &CheckArgs) -> anyhow::Result<Status> {
    let mut checked = ctx.checked()?;
    if args.deny_warnings {
        for d in &mut checked.diagnostics {
            d.severity = Severity::Error;
        }
    }
    let errors = checked.errors();
    let warnings = checked.warnings();
    let entities = checked.corpus.as_ref().map(|c| c.len());
    if ctx.json || args.format == Format::Json {
        super::print_json(&JsonReport {
            errors,
            warnings,
            files: checked.files.len(),
            entities,
            diagnostics: &checked.diagnostics,
        })?;
    } else {
        let color = render::color_stdout();
        let mut out = anstream::stdout().lock();
        render::diagnostics(&mut out, &checked.diagnostics, &checked.files, color)?;
        let summary = match (errors, warnings) {
            (0, 0) => format!(
                "ok: {} entities in {} files, no problems",
                entities.unwrap_or(0),
                checked.files.len()
            ),
            _ => format!(
                "{errors} error(s), {warnings} warning(s) in {} files",
                checked.files.len()
            ),
        };
        writeln!(out, "{summary}")?;
    }
    Ok(if errors > 0 {
        Status::Found
    } else {
        Status::Ok
    })
}
