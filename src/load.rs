//! Walks `knowledge/` in sorted order and parses every `.ron` file into an
//! [`Entity`], keeping each file's text so that later diagnostics can point
//! into it.
//!
//! Loading never stops at the first bad file: every file that cannot be read
//! or parsed becomes a [`Diagnostic`], and the rest still load.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Location};
use crate::model::Entity;

/// Entity files larger than this are refused rather than parsed: a real
/// entity is a few kilobytes, and a huge file is a mistake or an attack.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Nesting depth allowed in a RON file; far beyond any real entity.
const RECURSION_LIMIT: usize = 64;

/// One file of the knowledge base, as read from disk.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// Path relative to the knowledge directory, with `/` separators.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
}

/// A parsed entity and the file it came from.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The entity.
    pub entity: Entity,
    /// Index into [`LoadResult::files`].
    pub file: usize,
}

/// Everything `load` found.
#[derive(Debug, Default)]
pub struct LoadResult {
    /// Every readable file, in sorted path order.
    pub files: Vec<SourceFile>,
    /// Every entity that parsed.
    pub entities: Vec<Loaded>,
    /// Files that could not be read or parsed.
    pub diagnostics: Vec<Diagnostic>,
}

/// The RON options every entity file is read with: `Some(..)` may be left
/// out around optional values.
pub fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(RECURSION_LIMIT)
}

/// Lists the `.ron` files under `dir`, sorted, as paths relative to `dir`,
/// plus a diagnostic for every entry that cannot be walked.
pub fn list_files(dir: &Path) -> crate::Result<(Vec<PathBuf>, Vec<Diagnostic>)> {
    if !dir.is_dir() {
        return Err(crate::Error::NoKnowledge(dir.to_path_buf()));
    }
    let mut files = Vec::new();
    let mut diags = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker {
        match entry {
            Ok(e) => {
                let is_ron = e.path().extension().is_some_and(|x| x == "ron");
                if !is_ron || e.depth() == 0 {
                    continue;
                }
                let rel = relative(dir, e.path());
                if e.file_type().is_dir() {
                    diags.push(
                        Diagnostic::error(
                            "not-a-file",
                            Location::file(&rel),
                            format!("`{}` is a directory, not an entity file", rel.display()),
                        )
                        .with_help("rename the directory so that it does not end in `.ron`"),
                    );
                } else {
                    files.push(rel);
                }
            }
            Err(err) => {
                let rel = err.path().map(|p| relative(dir, p)).unwrap_or_default();
                let msg = if err.loop_ancestor().is_some() {
                    format!("symbolic link loop at `{}`", rel.display())
                } else {
                    format!("cannot walk `{}`: {}", rel.display(), io_reason(&err))
                };
                diags.push(Diagnostic::error("unreadable", Location::file(&rel), msg));
            }
        }
    }
    Ok((files, diags))
}

fn io_reason(err: &walkdir::Error) -> String {
    err.io_error()
        .map(|e| e.to_string())
        .unwrap_or_else(|| err.to_string())
}

fn relative(dir: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(dir).unwrap_or(path).to_path_buf()
}

/// Reads and parses every `.ron` file under `dir`.
pub fn load_dir(dir: &Path) -> crate::Result<LoadResult> {
    let (paths, mut diagnostics) = list_files(dir)?;
    let mut out = LoadResult::default();
    for rel in paths {
        match read_file(&dir.join(&rel), &rel) {
            Ok(text) => {
                let file = out.files.len();
                match parse_entity(&rel, &text) {
                    Ok(entity) => out.entities.push(Loaded { entity, file }),
                    Err(d) => diagnostics.push(d),
                }
                out.files.push(SourceFile { path: rel, text });
            }
            Err(d) => diagnostics.push(d),
        }
    }
    out.diagnostics = diagnostics;
    Ok(out)
}

/// Reads one entity file, refusing huge and non-UTF-8 files with a
/// diagnostic that says where the problem is.
pub fn read_file(path: &Path, rel: &Path) -> Result<String, Diagnostic> {
    let meta = std::fs::metadata(path).map_err(|e| {
        Diagnostic::error(
            "unreadable",
            Location::file(rel),
            format!("cannot read: {e}"),
        )
    })?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(Diagnostic::error(
            "too-large",
            Location::file(rel),
            format!(
                "file is {} bytes; entity files are limited to {} bytes",
                meta.len(),
                MAX_FILE_BYTES
            ),
        )
        .with_help("an entity is a few kilobytes of RON; split or remove this file"));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        Diagnostic::error(
            "unreadable",
            Location::file(rel),
            format!("cannot read: {e}"),
        )
    })?;
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..good]).into_owned();
        Diagnostic::error(
            "encoding",
            Location::at(rel, &prefix, good, 0),
            format!("file is not valid UTF-8 (invalid byte at offset {good})"),
        )
        .with_help("save the file as UTF-8")
    })
}

/// Parses one entity from RON text. A syntax error, a missing or unknown
/// field, or an impossible date becomes a diagnostic at its line and column.
pub fn parse_entity(rel: &Path, text: &str) -> Result<Entity, Diagnostic> {
    if text.trim().is_empty() {
        return Err(Diagnostic::error("syntax", Location::file(rel), "file is empty")
            .with_label("expected an entity")
            .with_help("an entity file holds one RON struct: `(id: \"...\", kind: ..., name: \"...\", ...)`"));
    }
    ron_options().from_str::<Entity>(text).map_err(|e| {
        let loc = Location::from_line_col(rel, text, e.span.start.line, e.span.start.col);
        let message = describe(&e.code);
        Diagnostic::error("syntax", loc, message.clone()).with_label(short_label(&e.code))
    })
}

fn describe(err: &ron::Error) -> String {
    let s = err.to_string();
    // ron words a few messages for its own developers; make them read well.
    match err {
        ron::Error::ExceededRecursionLimit => format!(
            "nesting is deeper than {RECURSION_LIMIT} levels; entity files are shallow RON structs"
        ),
        ron::Error::Eof => "unexpected end of file: a bracket or quote is not closed".to_owned(),
        _ => s,
    }
}

fn short_label(err: &ron::Error) -> String {
    match err {
        ron::Error::MissingStructField { field, .. } => format!("missing `{field}`"),
        ron::Error::NoSuchStructField { found, .. } => format!("unknown field `{found}`"),
        ron::Error::NoSuchEnumVariant { found, .. } => format!("unknown value `{found}`"),
        ron::Error::DuplicateStructField { field, .. } => format!("`{field}` given twice"),
        _ => "here".to_owned(),
    }
}
