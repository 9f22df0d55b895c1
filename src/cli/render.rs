//! Rendering shared by the commands: diagnostics as labelled snippets,
//! errors with their exit codes, styles.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use anstyle::{AnsiColor, Style};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use policygraph::diag::{Diagnostic, Location, Severity};
use policygraph::load::SourceFile;
use policygraph::Error;

/// Bold.
pub const BOLD: Style = Style::new().bold();
/// Dimmed text, for secondary information.
#[allow(dead_code)] // for the query commands
pub const DIM: Style = Style::new().dimmed();
/// Ids.
pub const ID: Style = AnsiColor::Cyan.on_default().bold();
/// Warnings.
pub const WARN: Style = AnsiColor::Yellow.on_default().bold();
/// Errors.
pub const ERR: Style = AnsiColor::Red.on_default().bold();
/// Matches in snippets.
#[allow(dead_code)] // for `search`
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
struct Report {
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
}

impl std::fmt::Display for Report {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'b>(&'b self) -> Option<Box<dyn std::fmt::Display + 'b>> {
        self.help
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
}

fn span(loc: &Location, label: &str) -> LabeledSpan {
    let label = (!label.is_empty()).then(|| label.to_owned());
    LabeledSpan::new_with_span(label, SourceSpan::new(loc.offset.into(), loc.len))
}

/// Diagnostics after this many are listed by their head line only: a
/// corpus with thousands of problems still prints quickly, and the first
/// ones are what a reader fixes first.
const MAX_SNIPPETS: usize = 100;

/// Lines longer than this are not shown as snippets (miette prints whole
/// lines, and a one-line 4 MB file would flood the terminal).
const MAX_LINE: usize = 300;

/// Whether the line holding `loc`, and the context lines around it, are
/// short enough to show. Looks at a bounded window only.
fn showable(text: &str, loc: &Location) -> bool {
    let b = text.as_bytes();
    let start = loc.offset.min(b.len());
    let end = (loc.offset + loc.len).min(b.len());
    if end - start > 4 * MAX_LINE {
        return false;
    }
    // Backwards over the span's line and the one before it.
    let (mut newlines, mut run, mut i) = (0, 0, start);
    while i > 0 && newlines < 2 {
        i -= 1;
        if b[i] == b'\n' {
            newlines += 1;
            run = 0;
        } else {
            run += 1;
            if run > MAX_LINE {
                return false;
            }
        }
    }
    // Forwards over the rest of the span's last line and the one after.
    let (mut newlines, mut run, mut i) = (0, 0, end);
    while i < b.len() && newlines < 2 {
        if b[i] == b'\n' {
            newlines += 1;
            run = 0;
        } else {
            run += 1;
            if run > MAX_LINE {
                return false;
            }
        }
        i += 1;
    }
    true
}

/// The files' texts, shared by every snippet that shows them.
type Sources<'a> = HashMap<&'a Path, Arc<str>>;

/// The reports for one diagnostic: the main one, whose snippet also
/// carries the related places in the same file, then one note per related
/// place in another file. Without `snippets`, no source is attached.
fn reports(d: &Diagnostic, texts: &Sources, snippets: bool) -> Vec<(Location, Report)> {
    let source = |loc: &Location| {
        texts
            .get(loc.path.as_path())
            .filter(|t| snippets && !t.is_empty() && showable(t, loc))
            .map(|t| NamedSource::new(loc.path.display().to_string(), Arc::clone(t)))
    };
    let loc = &d.location;
    let mut main = Report {
        message: d.message.clone(),
        severity: match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        },
        help: d.help.clone(),
        source: source(loc),
        labels: Vec::new(),
    };
    if main.source.is_some() {
        main.labels.push(span(loc, &d.label));
    }
    let mut out = Vec::new();
    for r in &d.related {
        let here = r.location.path == loc.path && main.source.is_some();
        if here && source(&r.location).is_some() {
            main.labels.push(span(&r.location, &r.label));
            continue;
        }
        let source = source(&r.location);
        let labels = if source.is_some() {
            vec![span(&r.location, "")]
        } else {
            Vec::new()
        };
        out.push((
            r.location.clone(),
            Report {
                message: r.label.clone(),
                severity: miette::Severity::Advice,
                help: None,
                source,
                labels,
            },
        ));
    }
    out.insert(0, (loc.clone(), main));
    out
}

/// Renders diagnostics as labelled source snippets, one after another.
/// Each starts with a plain `path:line:col: severity[code]: message` line
/// that editors and grep understand; after [`MAX_SNIPPETS`] diagnostics
/// only those lines are written.
pub fn diagnostics(
    out: &mut dyn Write,
    diags: &[Diagnostic],
    files: &[SourceFile],
    color: bool,
) -> std::io::Result<()> {
    let texts: Sources = files
        .iter()
        .map(|f| (f.path.as_path(), Arc::from(f.text.as_str())))
        .collect();
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(1);
    for (n, d) in diags.iter().enumerate() {
        let full = n < MAX_SNIPPETS;
        if n == MAX_SNIPPETS {
            writeln!(
                out,
                "note: {} more problems; showing their first lines only (`--json` has every detail)",
                diags.len() - MAX_SNIPPETS
            )?;
        }
        for (j, (loc, r)) in reports(d, &texts, full).into_iter().enumerate() {
            let sev = match r.severity {
                miette::Severity::Error => "error",
                miette::Severity::Warning => "warning",
                miette::Severity::Advice => "note",
            };
            // A related location is a note of its own, without a code.
            let code = if sev == "note" && j > 0 {
                String::new()
            } else {
                format!("[{}]", d.code)
            };
            writeln!(
                out,
                "{}:{}:{}: {sev}{code}: {}",
                loc.path.display(),
                loc.line,
                loc.col,
                r.message
            )?;
            if !full {
                continue;
            }
            // The head line above carries the message: miette's block
            // shows the rest (snippet, labels, help) under it. Rendered
            // without a message, the block's first line is an empty one.
            let r = Report {
                message: String::new(),
                ..r
            };
            let mut s = String::new();
            if handler.render_report(&mut s, &r).is_ok() {
                let body = s.split_once('\n').map_or("", |(_, rest)| rest);
                out.write_all(body.as_bytes())?;
            }
        }
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

/// An error and its causes on one line, `: ` between them, each cause
/// once: a cause whose text the line already holds (a library error that
/// quotes its source, say) is not repeated.
pub fn chain_once(err: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

/// Prints an error to stderr and returns its exit code.
pub fn error(err: &anyhow::Error) -> u8 {
    let mut e = anstream::stderr().lock();
    let lib = err.downcast_ref::<Error>();
    let _ = write!(e, "{}error:{} ", ERR.render(), ERR.render_reset());
    let _ = writeln!(e, "{}", chain_once(err));
    match lib {
        Some(Error::UnknownEntity {
            suggestions,
            reference,
        }) => {
            if !suggestions.is_empty() {
                let _ = writeln!(e, "  did you mean: {}", suggestions.join(", "));
            }
            let quoted = reference.replace('\'', "'\\''");
            let _ = writeln!(
                e,
                "  to look for it in names and text: policygraph search '{quoted}'"
            );
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
/// the walk went against the relation as written, and
/// `─vetoed 2025-05-02 by→ az-governor` for the actor of an event.
pub fn chain(start: &str, steps: &[policygraph::query::Step]) -> String {
    let mut s = start.to_owned();
    for st in steps {
        let (arrow, to) = st.arrow();
        s.push_str(&format!(" {arrow} {to}"));
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
