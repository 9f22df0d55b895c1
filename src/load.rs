//! Walks `knowledge/` in sorted order and parses every `.ron` file into an
//! [`Entity`], keeping each file's text so that later diagnostics can point
//! into it.
//!
//! Loading never stops at the first bad file: every file that cannot be read
//! or parsed becomes a [`Diagnostic`], and the rest still load.

use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Location};
use crate::model::Entity;
use crate::walk::{Found, Problem};

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
    /// The file's text. Empty for a file whose entity parsed when
    /// [`load_listed`] read it: a text is needed only to point at a problem
    /// in it, so it is not held for the whole corpus, and [`read_back`]
    /// reads it again when it is (see [`LoadResult::root`]).
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
    /// The directory the files were read from, when their texts were not
    /// kept (see [`SourceFile::text`]).
    pub root: Option<PathBuf>,
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
    Ok(listed_of(&crate::walk::list(dir)?))
}

/// The files and diagnostics of a walk already made (see
/// [`crate::walk::list`]), so that one walk serves both loading and the
/// index's file list.
pub fn listed_of(walked: &[(String, Found)]) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut files = Vec::new();
    let mut diags = Vec::new();
    for (rel, found) in walked {
        // A text is read with its entity file (see `read_text`); the walk
        // lists it only for the freshness check.
        if crate::walk::is_text_entry(rel, found) {
            continue;
        }
        let rel = PathBuf::from(rel);
        match found {
            Found::File { .. } => files.push(rel),
            Found::NotAFile(ft) => diags.push(not_a_file(&rel, ft)),
            Found::Problem(p) => diags.push(walk_problem(&rel, p)),
        }
    }
    (files, diags)
}

/// The diagnostic for an entry the walk could not follow.
fn walk_problem(rel: &Path, problem: &Problem) -> Diagnostic {
    let (code, msg) = match problem {
        Problem::Loop { ancestor } => {
            let to = if ancestor.as_os_str().is_empty() {
                Path::new(".")
            } else {
                ancestor.as_path()
            };
            return Diagnostic::error(
                "symlink-loop",
                Location::file(rel),
                format!(
                    "`{}` is a symbolic link back to `{}`; the walk would never end",
                    rel.display(),
                    to.display()
                ),
            )
            .with_help("remove the link, or point it outside the knowledge directory");
        }
        Problem::WalkedTwice { first } => {
            return Diagnostic::warning(
                "walked-twice",
                Location::file(rel),
                format!(
                    "`{}` leads to a directory already walked as `{}`; its files are read from there only",
                    rel.display(),
                    first.display()
                ),
            )
            .with_help("remove one of the two ways in, so that each file has one path");
        }
        Problem::BrokenLink => (
            "broken-link",
            format!(
                "`{}` is a symbolic link to a file that does not exist",
                rel.display()
            ),
        ),
        Problem::SelfLink => (
            "symlink-loop",
            format!(
                "`{}` is a symbolic link that leads back to itself",
                rel.display()
            ),
        ),
        Problem::Unreadable(why) => (
            "unreadable",
            format!("cannot read `{}`: {why}", rel.display()),
        ),
    };
    Diagnostic::error(code, Location::file(rel), msg)
        .with_help("fix or remove this entry; the other files were still checked")
}

/// Reads and parses every `.ron` file under `dir`.
pub fn load_dir(dir: &Path) -> crate::Result<LoadResult> {
    Ok(load_listed(dir, list_files(dir)?))
}

/// Reads and parses the files [`list_files`] found under `dir`.
pub fn load_listed(dir: &Path, listed: (Vec<PathBuf>, Vec<Diagnostic>)) -> LoadResult {
    let (paths, mut diagnostics) = listed;
    // Parsing dominates loading: spread it over the cores. Threads take
    // small runs of files in turn, so that none sits idle while another
    // finishes a slow share; the runs are put back in path order after.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    const RUN: usize = 256;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let mut runs: Vec<(usize, Vec<Parsed>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.min(paths.len().div_ceil(RUN)).max(1))
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let start = next.fetch_add(RUN, std::sync::atomic::Ordering::Relaxed);
                        let Some(part) = paths.get(start..(start + RUN).min(paths.len())) else {
                            break;
                        };
                        if part.is_empty() {
                            break;
                        }
                        mine.push((start, part.iter().map(|rel| parse_one(dir, rel)).collect()));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| {
                h.join().unwrap_or_else(|_| {
                    // A parser that failed must not lose its files quietly.
                    vec![(
                        usize::MAX,
                        vec![(PathBuf::from("."), Err(Box::new(internal())))],
                    )]
                })
            })
            .collect()
    });
    runs.sort_unstable_by_key(|(start, _)| *start);
    let parsed = runs.into_iter().map(|(_, run)| run);
    let mut out = LoadResult::default();
    for (rel, read) in parsed.into_iter().flatten() {
        match read {
            Ok((text, entity)) => {
                let file = out.files.len();
                match entity {
                    Ok(entity) => out.entities.push(Loaded { entity, file }),
                    Err(d) => diagnostics.push(*d),
                }
                out.files.push(SourceFile { path: rel, text });
            }
            Err(d) => diagnostics.push(*d),
        }
    }
    out.diagnostics = diagnostics;
    out.root = Some(dir.to_path_buf());
    out
}

/// The text of `rel` under `root`, read again (see [`SourceFile::text`]);
/// `None` if it can no longer be read.
pub fn read_back(root: &Path, rel: &Path) -> Option<String> {
    read_file(&root.join(rel), rel).ok()
}

/// The document text kept beside an entity file (`x.ron` → `x.txt`), if
/// there is one that reads as UTF-8. Its own problems are `check`'s to
/// report, not the loader's.
pub fn read_text(dir: &Path, rel: &Path) -> Option<std::sync::Arc<str>> {
    let path = dir.join(rel).with_extension(crate::doctext::TEXT_EXTENSION);
    let bytes = std::fs::read(path).ok()?;
    String::from_utf8(bytes).ok().map(std::sync::Arc::from)
}

/// What a parser thread that failed leaves instead of its files.
fn internal() -> Diagnostic {
    Diagnostic::error(
        "internal",
        Location::file("."),
        "internal error: some files could not be parsed",
    )
    .with_help("please report this; nothing was indexed")
}

/// One file's outcome: its text and entity, or why it could not be read.
type Parsed = (
    PathBuf,
    Result<(String, Result<Entity, Box<Diagnostic>>), Box<Diagnostic>>,
);

fn parse_one(dir: &Path, rel: &Path) -> Parsed {
    let read = read_file(&dir.join(rel), rel).map(|text| {
        let entity = parse_entity(rel, &text).map(|mut e| {
            e.text = read_text(dir, rel);
            e
        });
        // Only a file with a problem needs its text again: drop the
        // others' here, in the parsing thread, so that the corpus's text
        // is never held whole (see `SourceFile::text`).
        let text = if entity.is_ok() { String::new() } else { text };
        (text, entity)
    });
    (rel.to_path_buf(), read)
}

/// Reads one entity file, refusing anything that is not a regular file
/// (a FIFO would block forever), huge files and non-UTF-8 text, with a
/// diagnostic that says where the problem is.
pub fn read_file(path: &Path, rel: &Path) -> Result<String, Box<Diagnostic>> {
    use std::io::Read as _;
    let unreadable = |e: std::io::Error| {
        Box::new(
            Diagnostic::error(
                "unreadable",
                Location::file(rel),
                format!("cannot read `{}`: {e}", rel.display()),
            )
            .with_help("check the file's permissions, or remove it"),
        )
    };
    let (file, len) = match open_regular(path).map_err(unreadable)? {
        Ok(open) => open,
        Err(ft) => return Err(Box::new(not_a_file(rel, &ft))),
    };
    let too_large = |len: u64| {
        Box::new(
            Diagnostic::error(
                "too-large",
                Location::file(rel),
                format!("file is {len} bytes; entity files are limited to {MAX_FILE_BYTES} bytes"),
            )
            .with_help("an entity is a few kilobytes of RON; split or remove this file"),
        )
    };
    if len > MAX_FILE_BYTES {
        return Err(too_large(len));
    }
    // Read at most one byte past the limit, in case the file grew since
    // its length was read.
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..good]).into_owned();
        Box::new(
            Diagnostic::error(
                "encoding",
                Location::at(rel, &prefix, good, 0),
                format!("file is not valid UTF-8 (invalid byte at offset {good})"),
            )
            .with_help("save the file as UTF-8"),
        )
    })
}

/// A regular file, opened, with its length; or, for anything else, its
/// type. A FIFO or a device is never waited on: on Unix the file is opened
/// without blocking and asked what it is (one path lookup, not two);
/// elsewhere its type is read before it is opened.
fn open_regular(path: &Path) -> std::io::Result<Result<(std::fs::File, u64), std::fs::FileType>> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)?;
        let meta = file.metadata()?;
        Ok(if meta.is_file() {
            Ok((file, meta.len()))
        } else {
            Err(meta.file_type())
        })
    }
    #[cfg(not(unix))]
    {
        let meta = std::fs::metadata(path)?;
        if !meta.is_file() {
            return Ok(Err(meta.file_type()));
        }
        Ok(Ok((std::fs::File::open(path)?, meta.len())))
    }
}

fn not_a_file(rel: &Path, ft: &std::fs::FileType) -> Diagnostic {
    let what = if ft.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    };
    Diagnostic::error(
        "not-a-file",
        Location::file(rel),
        format!("`{}` is {what}, not an entity file", rel.display()),
    )
    .with_help("entity files are regular files; rename or remove this entry so that it does not end in `.ron`")
}

/// Parses one entity from RON text. A syntax error, a missing or unknown
/// field, or an impossible date becomes a diagnostic at its line and column.
pub fn parse_entity(rel: &Path, text: &str) -> Result<Entity, Box<Diagnostic>> {
    if text.trim().is_empty() {
        return Err(Box::new(
            Diagnostic::error("empty-file", Location::file(rel), "file is empty")
                .with_label("expected an entity")
                .with_help("an entity file holds one RON struct: `(id: \"...\", kind: ..., name: \"...\", ...)`"),
        ));
    }
    ron_options()
        .from_str::<Entity>(text)
        .map_err(|e| Box::new(spanned_diagnostic(rel, text, &e)))
}

/// Turns a RON error into a diagnostic with a stable code, a message in our
/// words, a span over the offending token and, where we can, a suggestion.
pub fn spanned_diagnostic(rel: &Path, text: &str, e: &ron::error::SpannedError) -> Diagnostic {
    let start = Location::from_line_col(rel, text, e.span.start.line, e.span.start.col);
    let end = Location::from_line_col(rel, text, e.span.end.line, e.span.end.col);
    let mut loc = start;
    let mut len = end.offset.saturating_sub(loc.offset);
    // ron starts a string's span after its opening quote; cover the quote
    // too, so the whole literal is underlined.
    if len > 0
        && text[..loc.offset].ends_with('"')
        && text[loc.offset..loc.offset + len].ends_with('"')
    {
        loc = Location::at(rel, text, loc.offset - 1, len + 1);
        len = loc.len;
    }
    loc.len = len.min(text.len() - loc.offset);
    let code = &e.code;
    match code {
        ron::Error::MissingStructField { field, outer } => Diagnostic::error(
            "missing-field",
            loc,
            format!("missing field `{field}` in {}", outer_name(outer.as_deref())),
        )
        .with_label(format!("{} ends here without `{field}`", outer_name(outer.as_deref())))
        .with_help(format!("add `{field}: ...`; it is required")),
        ron::Error::NoSuchStructField { expected, found, outer } => {
            let mut d = Diagnostic::error(
                "unknown-field",
                loc,
                format!(
                    "unknown field `{found}` in {}, expected one of {}",
                    outer_name(outer.as_deref()),
                    backticked(expected)
                ),
            )
            .with_label(format!("unknown field `{found}`"));
            if let Some(help) = field_help(found, expected, outer.as_deref()) {
                d = d.with_help(help);
            }
            d
        }
        ron::Error::NoSuchEnumVariant { expected, found, outer } => {
            let what = enum_name(outer.as_deref());
            let mut d = Diagnostic::error(
                "unknown-value",
                loc,
                format!("unknown {what} `{found}`, expected one of {}", backticked(expected)),
            )
            .with_label(format!("unknown {what}"));
            if let Some(best) = closest(found, expected.iter().copied()) {
                d = d.with_help(format!("did you mean `{best}`?"));
            }
            d
        }
        ron::Error::DuplicateStructField { field, outer } => Diagnostic::error(
            "duplicate-field",
            loc,
            format!("field `{field}` is given twice in {}", outer_name(outer.as_deref())),
        )
        .with_label(format!("`{field}` again"))
        .with_help(format!("keep one `{field}`")),
        ron::Error::Message(m) if m.contains(" date `") => {
            let label = if m.starts_with("impossible") { "no such day" } else { "not YYYY-MM-DD" };
            Diagnostic::error("invalid-date", loc, m.clone())
                .with_label(label)
                .with_help("dates are written \"YYYY-MM-DD\" and must exist in the calendar")
        }
        ron::Error::ExceededRecursionLimit => Diagnostic::error(
            "too-deep",
            loc,
            format!("nesting is deeper than {RECURSION_LIMIT} levels; entity files are shallow RON structs"),
        )
        .with_label("too deep"),
        ron::Error::ExpectedComma => {
            // ron stops at the next token; the comma belongs right after
            // the previous one, usually at the end of the line before.
            let end = text[..loc.offset].trim_end().len();
            Diagnostic::error("syntax", Location::at(rel, text, end, 0), "expected a comma")
                .with_label("expected `,` here")
                .with_help("separate fields and list items with `,`")
        }
        ron::Error::Eof => Diagnostic::error(
            "syntax",
            loc,
            "unexpected end of file: a bracket or quote is not closed",
        )
        .with_label("file ends here"),
        other => Diagnostic::error("syntax", loc, sentence(&other.to_string()))
            .with_label("here")
            .with_help("a bracket, quote or comma just before this point may be missing"),
    }
}

/// "Expected closing `]`" reads better lowercased after a colon-free code.
fn sentence(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

/// How a model struct is called in messages.
fn outer_name(outer: Option<&str>) -> &'static str {
    match outer {
        Some("Entity") => "the entity",
        Some("Relation") => "a relation",
        Some("Event") => "an event",
        Some("Deadline") => "a deadline",
        Some("Source") => "a source",
        Some("Identifier") => "an identifier",
        Some("Figure") => "the figure block",
        _ => "this struct",
    }
}

/// How a model vocabulary is called in messages.
fn enum_name(outer: Option<&str>) -> &'static str {
    match outer {
        Some("Kind") => "kind",
        Some("RelationKind") => "relation",
        Some("Stage") => "stage",
        Some("Confidence") => "confidence",
        Some("IdScheme") => "identifier scheme",
        _ => "value",
    }
}

fn backticked(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The closest of `candidates` to `wrong`, when one is close enough to be a
/// likely typo.
fn closest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(wrong, c), c))
        .filter(|(s, _)| *s >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// A suggestion for an unknown field: a close field name, or, when the
/// author wrote a relation as a field of the entity (`issued_by: "..."`),
/// the way relations are written.
fn field_help(found: &str, expected: &[&str], outer: Option<&str>) -> Option<String> {
    if let Some(best) = closest(found, expected.iter().copied()) {
        return Some(format!("did you mean `{best}`?"));
    }
    if outer == Some("Entity") {
        let rels = crate::model::RelationKind::ALL.iter().map(|r| r.name());
        if let Some(rel) = closest(found, rels) {
            return Some(format!(
                "`{rel}` is a relation, not a field: write `relations: [(rel: {rel}, to: \"...\")]`"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"(id: "dol", kind: agency, name: "DOL", jurisdiction: "US")"#;

    fn err(text: &str) -> Diagnostic {
        *parse_entity(Path::new("x.ron"), text).unwrap_err()
    }

    fn at(d: &Diagnostic) -> (&str, usize, usize) {
        (d.code, d.location.line, d.location.col)
    }

    #[test]
    fn parses_a_minimal_entity() {
        let e = parse_entity(Path::new("dol.ron"), OK).unwrap();
        assert_eq!(e.id, "dol");
    }

    #[test]
    fn codes_and_positions() {
        let d = err("(\n  id: \"x\",\n  kind: agency\n  name: \"X\",\n)");
        assert_eq!(at(&d), ("syntax", 3, 15));
        assert_eq!(d.label, "expected `,` here");

        let d = err(&OK.replace("name:", "nme:"));
        assert_eq!(at(&d), ("unknown-field", 1, 27));
        assert_eq!(d.location.len, 3);
        assert_eq!(d.help.as_deref(), Some("did you mean `name`?"));

        let d = err(&OK.replace("agency", "agncy"));
        assert_eq!(d.code, "unknown-value");
        assert!(d
            .message
            .starts_with("unknown kind `agncy`, expected one of `agency`"));
        assert_eq!(d.help.as_deref(), Some("did you mean `agency`?"));

        let d = err(&OK.replace(", jurisdiction: \"US\"", ""));
        assert_eq!(d.code, "missing-field");
        assert_eq!(d.message, "missing field `jurisdiction` in the entity");

        let d = err(&OK.replace("name: \"DOL\"", "name: \"DOL\", name: \"x\""));
        assert_eq!(d.code, "duplicate-field");
    }

    #[test]
    fn dates_underline_the_whole_literal() {
        let text = OK.replace(")", ", events: [(date: \"2025-13-01\", stage: signed)])");
        let d = err(&text);
        assert_eq!(d.code, "invalid-date");
        let span = &text[d.location.offset..d.location.offset + d.location.len];
        assert_eq!(span, "\"2025-13-01\"");
        let d = err(&OK.replace(")", ", events: [(date: \"2025-1-01\", stage: signed)])"));
        assert_eq!(
            (d.code, d.label.as_str()),
            ("invalid-date", "not YYYY-MM-DD")
        );
    }

    #[test]
    fn a_relation_written_as_a_field_gets_advice() {
        let d = err(&OK.replace(")", ", part_off: \"x\")"));
        assert_eq!(d.code, "unknown-field");
        let help = d.help.unwrap_or_default();
        assert!(help.contains("`part_of` is a relation"), "{help}");
    }

    #[test]
    fn empty_and_comment_only_files() {
        assert_eq!(err("").code, "empty-file");
        assert_eq!(err(" \n\t").code, "empty-file");
        let d = err("// only a comment\n");
        assert_eq!(d.code, "syntax");
    }

    #[test]
    fn garbage_never_panics() {
        let samples = [
            "(",
            ")",
            "[",
            "\"",
            "r#\"",
            "/*",
            "(id: \"\u{10FFFF}\"",
            "(id: 1e999999)",
            "(id: \"a\", kind: agency, name: \"\", jurisdiction: \"US\", figure: (value: nan))",
            "\u{feff}(id: \"x\")",
            "(((((((((",
            "(id: \"x\\u{zz}\")",
        ];
        for s in samples {
            let _ = parse_entity(Path::new("x.ron"), s);
        }
    }

    #[test]
    fn read_file_refuses_what_is_not_text() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.ron");
        std::fs::write(&p, [b'(', 0xff, b')']).unwrap();
        let d = read_file(&p, Path::new("x.ron")).unwrap_err();
        assert_eq!((d.code, d.location.col), ("encoding", 2));
        std::fs::create_dir(dir.path().join("d.ron")).unwrap();
        let d = read_file(&dir.path().join("d.ron"), Path::new("d.ron")).unwrap_err();
        assert_eq!(d.code, "not-a-file");
        let d = read_file(&dir.path().join("none.ron"), Path::new("none.ron")).unwrap_err();
        assert_eq!(d.code, "unreadable");
    }
}
