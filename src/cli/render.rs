//! Rendering shared by the commands: diagnostics as labelled snippets,
//! errors with their exit codes, styles.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use anstyle::{AnsiColor, Style};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use policygraph::diag::{Diagnostic, Severity};
use policygraph::load::SourceFile;
use policygraph::Error;

/// Bold.
pub const BOLD: Style = Style::new().bold();
/// Dimmed text, for secondary information.
pub const DIM: Style = Style::new().dimmed();
/// Ids.
pub const ID: Style = AnsiColor::Cyan.on_default().bold();
/// Warnings.
pub const WARN: Style = AnsiColor::Yellow.on_default().bold();
/// Errors.
pub const ERR: Style = AnsiColor::Red.on_default().bold();
/// Matches in snippets.
pub const HIT: Style = AnsiColor::Yellow.on_default().bold();

/// Whether colour goes to stdout.
pub fn color_stdout() -> bool {
    !matches!(
        anstream::AutoStream::choice(&std::io::stdout()),
        anstream::ColorChoice::Never
    )
}

/// Whether colour goes to stderr.
pub fn color_stderr() -> bool {
    !matches!(
        anstream::AutoStream::choice(&std::io::stderr()),
        anstream::ColorChoice::Never
    )
}

/// A diagnostic in the shape miette renders.
#[derive(Debug)]
struct Report<'a> {
    diag: &'a Diagnostic,
    source: Option<NamedSource<String>>,
    related: Vec<Report<'a>>,
    labels: Vec<LabeledSpan>,
}

impl std::fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.diag.message)
    }
}
impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.diag
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
    fn related<'b>(&'b self) -> Option<Box<dyn Iterator<Item = &'b dyn miette::Diagnostic> + 'b>> {
        if self.related.is_empty() {
            None
        } else {
            Some(Box::new(
                self.related.iter().map(|r| r as &dyn miette::Diagnostic),
            ))
        }
    }
}

fn report<'a>(d: &'a Diagnostic, texts: &HashMap<&Path, &str>) -> Report<'a> {
    let loc = &d.location;
    let text = texts.get(loc.path.as_path()).copied();
    let name = loc.path.display().to_string();
    let source = text.map(|t| NamedSource::new(name, t.to_owned()));
    let labels = if text.is_some_and(|t| !t.is_empty()) {
        let label = if d.label.is_empty() {
            None
        } else {
            Some(d.label.clone())
        };
        vec![LabeledSpan::new_with_span(
            label,
            SourceSpan::new(loc.offset.into(), loc.len),
        )]
    } else {
        Vec::new()
    };
    let related = d
        .related
        .iter()
        .map(|(l, label)| {
            let t = texts.get(l.path.as_path()).copied();
            Report {
                diag: d,
                source: t.map(|t| NamedSource::new(l.path.display().to_string(), t.to_owned())),
                related: Vec::new(),
                labels: vec![LabeledSpan::new_with_span(
                    Some(label.clone()),
                    SourceSpan::new(l.offset.into(), l.len),
                )],
            }
        })
        .collect();
    Report {
        diag: d,
        source,
        related,
        labels,
    }
}

/// Renders diagnostics as labelled source snippets, one after another.
pub fn diagnostics(
    out: &mut dyn Write,
    diags: &[Diagnostic],
    files: &[SourceFile],
    color: bool,
) -> std::io::Result<()> {
    let texts: HashMap<&Path, &str> = files
        .iter()
        .map(|f| (f.path.as_path(), f.text.as_str()))
        .collect();
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1);
    for d in diags {
        let mut s = String::new();
        let r = report(d, &texts);
        if handler.render_report(&mut s, &r).is_err() {
            s = format!(
                "{}: {}:{}:{}: {}\n",
                d.code,
                d.location.path.display(),
                d.location.line,
                d.location.col,
                d.message
            );
        }
        // A plain first line that editors and grep understand.
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        writeln!(
            out,
            "{}:{}:{}: {sev}[{}]: {}",
            d.location.path.display(),
            d.location.line,
            d.location.col,
            d.code,
            d.message
        )?;
        out.write_all(s.as_bytes())?;
    }
    Ok(())
}

/// Renders diagnostics to stderr.
pub fn diagnostics_stderr(diags: &[Diagnostic], files: &[SourceFile]) {
    let color = color_stderr();
    let mut err = anstream::stderr().lock();
    let _ = diagnostics(&mut err, diags, files, color);
}

/// Whether an error is a closed stdout (`| head`), which exits quietly.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || e.downcast_ref::<serde_json::Error>()
                .and_then(|j| j.io_error_kind())
                == Some(std::io::ErrorKind::BrokenPipe)
    })
}

/// Prints an error to stderr and returns its exit code.
pub fn error(err: &anyhow::Error) -> u8 {
    let mut e = anstream::stderr().lock();
    let lib = err.downcast_ref::<Error>();
    let _ = write!(e, "{}error:{} ", ERR.render(), ERR.render_reset());
    let _ = writeln!(e, "{err:#}");
    match lib {
        Some(Error::UnknownEntity { suggestions, .. }) => {
            if !suggestions.is_empty() {
                let _ = writeln!(e, "  did you mean: {}", suggestions.join(", "));
            }
            1
        }
        Some(Error::Ambiguous { candidates, .. }) => {
            let _ = writeln!(e, "  candidates:");
            for (id, name) in candidates {
                let _ = writeln!(e, "    {}{id}{}  {name}", ID.render(), ID.render_reset());
            }
            let _ = writeln!(e, "  use an id to pick one");
            1
        }
        Some(Error::Query {
            position: Some(p), ..
        }) => {
            let _ = writeln!(e, "  at character {}", p + 1);
            2
        }
        Some(Error::Invalid(_)) => 1,
        _ => 2,
    }
}

/// A chain of steps as text: `eo-14330 ─directs→ dol`, with `←rel─` where
/// the walk went against the relation as written.
pub fn chain(start: &str, steps: &[policygraph::query::Step]) -> String {
    let mut s = start.to_owned();
    for st in steps {
        if st.reversed {
            s.push_str(&format!(" ←{}─ {}", st.relation, st.from));
        } else {
            s.push_str(&format!(" ─{}→ {}", st.relation, st.to));
        }
    }
    s
}

/// A table without borders, aligned, Unicode-width aware (CJK names).
pub fn table(header: &[&str]) -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::NOTHING)
        .set_content_arrangement(comfy_table::ContentArrangement::Disabled);
    if !header.is_empty() {
        t.set_header(header.iter().map(|h| h.to_uppercase()));
    }
    t
}

/// Writes a table, trimming the padding comfy-table leaves at line ends.
pub fn write_table(out: &mut dyn Write, t: &comfy_table::Table) -> std::io::Result<()> {
    for line in t.lines() {
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}
