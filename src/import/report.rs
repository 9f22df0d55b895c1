//! What an import did, record by record: the counts the summary shows, and
//! every record that could not be read or whose notes could not be parsed,
//! by its identifier. Nothing is dropped silently.

use std::path::PathBuf;

use serde::Serialize;

/// What happened to one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// A new file.
    Added,
    /// An existing file, rewritten with newer data.
    Changed,
    /// An existing file that already says the same.
    Unchanged,
}

/// One file the import wrote (or, with `--dry-run`, would write).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileReport {
    /// Path relative to the knowledge directory.
    pub path: PathBuf,
    /// The entity id.
    pub id: String,
    /// Added, changed or unchanged.
    pub change: Change,
    /// A placeholder for a record named but not in the input.
    pub incomplete: bool,
    /// The file enriches the hand-written entity with this id.
    pub enriches: bool,
}

/// A record that could not be read: it was not imported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unreadable {
    /// The file or URL it came from.
    pub input: String,
    /// Its position in that input (0-based).
    pub index: usize,
    /// Its identifier (document number, bill id), when it has one.
    pub record: Option<String>,
    /// What is wrong.
    pub message: String,
}

/// A line of free text (an executive order note) the importer could not
/// turn into data. It stays in the entity's notes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unparsed {
    /// The entity it belongs to.
    pub id: String,
    /// The record's identifier.
    pub record: String,
    /// The text.
    pub line: String,
}

/// The outcome of an import.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The importer (`federal-register`, ...).
    pub importer: String,
    /// Nothing was written (`--dry-run`).
    pub dry_run: bool,
    /// Records read from the input.
    pub records: usize,
    /// New files.
    pub added: usize,
    /// Files rewritten with newer data.
    pub changed: usize,
    /// Files that already said the same.
    pub unchanged: usize,
    /// Placeholders among the files (records named but not in the input).
    pub incomplete: usize,
    /// Free-text lines left unparsed (listed in `unparsed_lines`).
    pub unparsed: usize,
    /// Records that could not be read (listed in `unreadable_records`).
    pub skipped: usize,
    /// Every file, in path order.
    pub files: Vec<FileReport>,
    /// Every record that could not be read.
    pub unreadable_records: Vec<Unreadable>,
    /// Every free-text line left unparsed.
    pub unparsed_lines: Vec<Unparsed>,
    /// Other things worth knowing (a link to a record that is nowhere).
    pub warnings: Vec<String>,
    /// Document texts: how many were written, and how many were already
    /// the same (see [`crate::import::fr_text`]).
    pub texts_written: usize,
    /// Texts already on disk as they are.
    pub texts_unchanged: usize,
    /// Text files that could not be used: the file and what is wrong.
    pub text_problems: Vec<String>,
    /// Text files that match no record of the input, by name.
    pub unmatched_texts: Vec<String>,
    /// Officials' titles read in a text that resolve to no agency:
    /// the record and the title.
    pub unresolved_titles: Vec<String>,
}

impl Report {
    /// Fills the counts from the lists.
    pub fn tally(&mut self) {
        self.files.sort_by(|a, b| a.path.cmp(&b.path));
        let count = |c| self.files.iter().filter(|f| f.change == c).count();
        self.added = count(Change::Added);
        self.changed = count(Change::Changed);
        self.unchanged = count(Change::Unchanged);
        self.incomplete = self.files.iter().filter(|f| f.incomplete).count();
        self.unparsed = self.unparsed_lines.len();
        self.skipped = self.unreadable_records.len();
    }
}
