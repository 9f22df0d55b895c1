//! Diagnostics about the knowledge base: what is wrong, where, and what to
//! do about it. `load` and `check` produce them; the binary renders them as
//! labelled source snippets (miette) or as JSON.

use serde::Serialize;
use std::path::PathBuf;

/// How bad a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The corpus is unusable until this is fixed.
    Error,
    /// Suspicious; `--deny-warnings` turns it into an error.
    Warning,
    /// For the reader (two sources that disagree, say); never counted
    /// against the knowledge base.
    Note,
}

/// A place in a file: a byte range plus its 1-based line and column
/// (the column counts characters, as editors do).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Location {
    /// The file, relative to the knowledge directory.
    pub path: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// Byte offset of the start.
    pub offset: usize,
    /// Length in bytes (0 for a point).
    pub len: usize,
}

impl Location {
    /// The location of byte range `offset..offset+len` in `text`.
    pub fn at(path: impl Into<PathBuf>, text: &str, offset: usize, len: usize) -> Location {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let len = len.min(text.len() - offset);
        let before = &text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let col = text[line_start..offset].chars().count() + 1;
        Location {
            path: path.into(),
            line,
            col,
            offset,
            len,
        }
    }

    /// The location of a 1-based line and character column in `text`.
    pub fn from_line_col(
        path: impl Into<PathBuf>,
        text: &str,
        line: usize,
        col: usize,
    ) -> Location {
        let mut offset = 0;
        for (i, l) in text.split_inclusive('\n').enumerate() {
            if i + 1 == line {
                offset += l
                    .char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(l.len(), |(b, _)| b);
                break;
            }
            offset += l.len();
        }
        let mut loc = Location::at(path, text, offset, 0);
        // Keep the parser's own numbers even where the text disagrees
        // (for example past the end of the file).
        loc.line = line.max(1);
        loc.col = col.max(1);
        loc
    }

    /// A location without a position in the text (the whole file).
    pub fn file(path: impl Into<PathBuf>) -> Location {
        Location {
            path: path.into(),
            line: 1,
            col: 1,
            offset: 0,
            len: 0,
        }
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// One problem found in the knowledge base.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// A stable short code, such as `syntax` or `dangling-reference`.
    pub code: &'static str,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Where.
    pub location: Location,
    /// The label shown under the snippet.
    pub label: String,
    /// What to do about it, when we know.
    pub help: Option<String>,
    /// Other places involved (the first definition of a duplicate id).
    pub related: Vec<Related>,
}

/// Another place involved in a problem, with a label saying how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Related {
    /// Where.
    pub location: Location,
    /// How this place is involved ("first defined here").
    pub label: String,
}

impl Diagnostic {
    /// A new error at `location`.
    pub fn error(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            code,
            message: message.into(),
            location,
            label: String::new(),
            help: None,
            related: Vec::new(),
        }
    }

    /// A new warning at `location`.
    pub fn warning(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, location, message)
        }
    }

    /// A note: reported, never counted as a problem.
    pub fn note(code: &'static str, location: Location, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Note,
            ..Diagnostic::error(code, location, message)
        }
    }

    /// Sets the label under the snippet.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = label.into();
        self
    }

    /// Sets the help line.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a related location.
    pub fn with_related(mut self, location: Location, label: impl Into<String>) -> Self {
        self.related.push(Related {
            location,
            label: label.into(),
        });
        self
    }
}

/// Sorts diagnostics by file, line and column, the order `check` reports in.
pub fn sort(diags: &mut [Diagnostic]) {
    diags.sort_by(|a, b| {
        (
            &a.location.path,
            a.location.line,
            a.location.col,
            a.code,
            &a.message,
        )
            .cmp(&(
                &b.location.path,
                b.location.line,
                b.location.col,
                b.code,
                &b.message,
            ))
    });
}
