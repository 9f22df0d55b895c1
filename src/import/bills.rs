//! The bill importers' front half: find the input files, read and parse
//! them (in parallel, one file at a time per worker), and turn every bill
//! into a [`Record`] of a [`Batch`] for the shared [`super::apply`].
//!
//! - A file that is not JSON, or is cut short, stops the import before
//!   anything is written, with its `file:line:col`.
//! - A file of another format stops it too when it was named on the command
//!   line, and says which importer it looks like; inside a directory it is
//!   skipped with a warning (bulk trees hold other files), unless no bill at
//!   all was found.
//! - A value of the wrong type makes that bill unreadable (reported, not
//!   imported); an impossible date skips that action (reported in the
//!   bill's notes and in the report); the rest is imported.
//! - Input trees are walked by the knowledge base's walker, following
//!   symbolic links to files and directories. What cannot be read (a link
//!   to nothing, a directory without permission) stops the import, with
//!   its name; a link back into the tree, or a second way into a directory
//!   already read, is skipped with a warning.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use super::bill::{BillRecord, BillSource, ParseError, Parsed};
use super::{Batch, ImportError, Key, Link, Record, Slot, Unreadable};
use crate::model::{Date, Entity, IdScheme, Identifier, Kind, Relation, RelationKind, Source};
use crate::walk::{Found, Problem};

/// Input files larger than this are refused (a LegiScan or Open States
/// bill file is kilobytes; the largest congress `data.json` a few MB).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Whether a file name is a bill input's: `*.json`, in any case.
fn is_json(name: &str) -> bool {
    Path::new(name)
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("json"))
}

/// The `.json` files under `paths`, in sorted order, each with whether it
/// was named on the command line, and a warning for each entry of a tree
/// passed over: a link back into the tree, a second way into a directory
/// already read, a non-file of a `.json` name. Symbolic links are
/// followed, named or inside a tree, by the walker that walks
/// `knowledge/` ([`crate::walk`]).
pub fn input_files(paths: &[PathBuf]) -> Result<(Vec<FileArg>, Vec<String>), ImportError> {
    let mut out = Vec::new();
    let mut warnings = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| ImportError::io(p, e))?;
        if meta.is_file() {
            out.push((p.clone(), true));
            continue;
        }
        if !meta.is_dir() {
            return Err(ImportError::Input {
                input: p.display().to_string(),
                message: "not a regular file or a directory".to_owned(),
            });
        }
        let mut found: Vec<(String, Found)> =
            crate::walk::walk_matching(p, &is_json).map_err(|e| ImportError::io(p, e))?;
        // Component by component, as a sorted depth-first walk lists them.
        found.sort_unstable_by(|a, b| Path::new(&a.0).cmp(Path::new(&b.0)));
        for (rel, found) in found {
            let path = if rel == "." { p.clone() } else { p.join(&rel) };
            let cannot = |message: String| ImportError::Input {
                input: path.display().to_string(),
                message,
            };
            let skipped = |why: String| format!("{}: skipped: {why}", path.display());
            match found {
                Found::File { .. } => out.push((path, false)),
                // A directory of a `.json` name is walked as any other.
                Found::NotAFile(ft) if ft.is_dir() => {}
                Found::NotAFile(_) => warnings.push(skipped("not a regular file".to_owned())),
                Found::Problem(Problem::Loop { ancestor }) => warnings.push(skipped(format!(
                    "a symbolic link back to {}",
                    p.join(ancestor).display()
                ))),
                Found::Problem(Problem::WalkedTwice { first }) => warnings.push(skipped(format!(
                    "a second way into the directory read as {}",
                    p.join(first).display()
                ))),
                Found::Problem(Problem::SelfLink) if !is_json(&rel) => warnings.push(skipped(
                    "a symbolic link that leads back to itself".to_owned(),
                )),
                Found::Problem(Problem::SelfLink) => {
                    return Err(cannot(
                        "cannot be read: a symbolic link that leads back to itself".to_owned(),
                    ))
                }
                Found::Problem(Problem::BrokenLink) => {
                    return Err(cannot(
                        "cannot be read: a symbolic link to a file that does not exist".to_owned(),
                    ))
                }
                Found::Problem(Problem::Unreadable(why)) => {
                    return Err(cannot(format!("cannot be read: {why}")))
                }
            }
        }
    }
    Ok((out, warnings))
}

/// An input file, and whether it was named on the command line.
type FileArg = (PathBuf, bool);

/// What one file gave.
enum Outcome {
    Bill(Box<BillRecord>),
    Other(&'static str),
    Rejected(String),
    /// A value of the wrong type: the bill is unreadable.
    Data(String),
    WrongFormat(Option<&'static str>),
    /// An API page: what each of its results gave, with its identifier.
    Page(Vec<(Option<String>, Outcome)>),
}

/// The jurisdiction each directory's Open States `jurisdiction_*.json`
/// names (the scrapers' own output keeps it there, not in the bills),
/// from the files found and the directories of files named alone.
fn jurisdiction_files(files: &[(PathBuf, bool)]) -> HashMap<PathBuf, String> {
    let is_jurisdiction = |p: &Path| {
        p.file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with("jurisdiction_") && n.ends_with(".json"))
    };
    let mut candidates: Vec<PathBuf> = files
        .iter()
        .filter(|(p, _)| is_jurisdiction(p))
        .map(|(p, _)| p.clone())
        .collect();
    let mut named_dirs: Vec<&Path> = files
        .iter()
        .filter(|(_, named)| *named)
        .filter_map(|(p, _)| p.parent())
        .collect();
    named_dirs.sort_unstable();
    named_dirs.dedup();
    for dir in named_dirs {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(rd) = std::fs::read_dir(dir) {
            let mut found: Vec<PathBuf> = rd
                .flatten()
                .map(|e| e.path())
                .filter(|p| is_jurisdiction(p))
                .collect();
            found.sort();
            candidates.extend(found);
        }
    }
    let mut out = HashMap::new();
    for p in candidates {
        let code = std::fs::read(&p)
            .ok()
            .and_then(|b| super::openstates::jurisdiction_file(&b));
        if let (Some(code), Some(dir)) = (code, p.parent()) {
            out.entry(dir.to_path_buf()).or_insert(code);
        }
    }
    out
}

fn outcome_of(p: Parsed) -> Outcome {
    match p {
        Parsed::Bill(b) => Outcome::Bill(b),
        Parsed::Other(what) => Outcome::Other(what),
        Parsed::Rejected(why) => Outcome::Rejected(why),
        Parsed::Page(items) => Outcome::Page(
            items
                .into_iter()
                .map(|(ident, p)| (ident, outcome_of(p)))
                .collect(),
        ),
    }
}

fn parse_file(
    source: BillSource,
    path: &Path,
    fallback: Option<&str>,
) -> Result<Outcome, ImportError> {
    let meta = std::fs::metadata(path).map_err(|e| ImportError::io(path, e))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ImportError::Input {
            input: path.display().to_string(),
            message: format!(
                "file is {} bytes; the limit is {MAX_FILE_BYTES}",
                meta.len()
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| ImportError::io(path, e))?;
    parse_bytes(source, &path.display().to_string(), &bytes, fallback)
}

/// What one input's bytes give; `input` names it in a fatal error.
fn parse_bytes(
    source: BillSource,
    input: &str,
    bytes: &[u8],
    fallback: Option<&str>,
) -> Result<Outcome, ImportError> {
    let parsed = match source {
        BillSource::OpenStates => super::openstates::parse(bytes, fallback),
        BillSource::Legiscan => super::legiscan::parse(bytes),
        BillSource::Congress => super::congress::parse(bytes),
    };
    match parsed {
        Ok(p) => Ok(outcome_of(p)),
        Err(ParseError::WrongFormat { looks_like }) => Ok(Outcome::WrongFormat(looks_like)),
        Err(ParseError::Json(e)) if e.is_data() => Ok(Outcome::Data(format!(
            "line {} column {}: {}",
            e.line(),
            e.column(),
            super::json::json_message(&e)
        ))),
        Err(ParseError::Json(e)) => Err(ImportError::Json {
            input: input.to_owned(),
            line: e.line(),
            column: e.column(),
            message: super::json::json_message(&e),
        }),
    }
}

/// Parses `files` on up to `threads` workers; results in file order. The
/// first fatal error (in file order) wins.
fn parse_all(
    source: BillSource,
    files: &[(PathBuf, bool)],
    threads: usize,
    jurisdiction: Option<&str>,
) -> Result<Vec<Outcome>, ImportError> {
    let found = if source == BillSource::OpenStates && jurisdiction.is_none() {
        jurisdiction_files(files)
    } else {
        HashMap::new()
    };
    let fallback = |path: &Path| {
        jurisdiction.or_else(|| {
            let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
            found.get(dir.unwrap_or(Path::new("."))).map(String::as_str)
        })
    };
    let next = AtomicUsize::new(0);
    let mut slots: Vec<Option<Result<Outcome, ImportError>>> = Vec::new();
    slots.resize_with(files.len(), || None);
    let parts: Vec<Vec<(usize, Result<Outcome, ImportError>)>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads.max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some((path, _)) = files.get(i) else { break };
                        let r = parse_file(source, path, fallback(path));
                        let fatal = r.is_err();
                        mine.push((i, r));
                        if fatal {
                            // Stop handing out work; others finish theirs.
                            next.store(files.len(), Ordering::Relaxed);
                        }
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    for (i, r) in parts.into_iter().flatten() {
        slots[i] = Some(r);
    }
    let mut out = Vec::with_capacity(files.len());
    for (slot, (path, _)) in slots.into_iter().zip(files) {
        match slot {
            Some(Ok(o)) => out.push(o),
            Some(Err(e)) => return Err(e),
            None => {
                return Err(ImportError::Input {
                    input: path.display().to_string(),
                    message: "not read (a worker stopped)".to_owned(),
                })
            }
        }
    }
    Ok(out)
}

/// Reads every bill under `paths` with the `source` importer, read today.
/// An Open States bill that does not name its jurisdiction is in
/// `jurisdiction` (a code, `US-NH`), or else in the one its directory's
/// `jurisdiction_*.json` names.
pub fn batch(
    source: BillSource,
    paths: &[PathBuf],
    today: Date,
    jurisdiction: Option<&str>,
) -> Result<Batch, ImportError> {
    let (files, passed_over) = input_files(paths)?;
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let outcomes = parse_all(source, &files, threads, jurisdiction)?;
    assemble(source, &files, outcomes, &passed_over, today)
}

/// Reads bills from answers already in memory (`sync`'s API pages and
/// `getBill` answers), each `(name, bytes)`: the name stands for a file's
/// path in the report and in provenance, and must not carry a key. A
/// answer that is not JSON, or is cut short, fails the batch with its
/// name, line and column, as a file named on the command line does.
pub fn batch_from_bytes(
    source: BillSource,
    inputs: &[(String, Vec<u8>)],
    today: Date,
    jurisdiction: Option<&str>,
) -> Result<Batch, ImportError> {
    let files: Vec<FileArg> = inputs
        .iter()
        .map(|(name, _)| (PathBuf::from(name), true))
        .collect();
    let mut outcomes = Vec::with_capacity(inputs.len());
    for (name, bytes) in inputs {
        outcomes.push(parse_bytes(source, name, bytes, jurisdiction)?);
    }
    assemble(source, &files, outcomes, &[], today)
}

/// The batch of parsed inputs: records, unreadable records and warnings.
fn assemble(
    source: BillSource,
    files: &[FileArg],
    outcomes: Vec<Outcome>,
    passed_over: &[String],
    today: Date,
) -> Result<Batch, ImportError> {
    let mut batch = Batch {
        importer: source.name().to_owned(),
        prefix: source.name().to_owned(),
        ..Batch::default()
    };
    let mut wrong: Vec<(&Path, Option<&'static str>)> = Vec::new();
    let mut others: std::collections::BTreeMap<&'static str, usize> = Default::default();
    let mut unknown = 0usize;
    let mut unclassified = 0usize;
    let mut impossible: Vec<String> = Vec::new();
    let mut bills = 0usize;
    // An API page's results are taken one by one, as separate files are.
    let mut empty_pages: Vec<&Path> = Vec::new();
    // (the file and whether it was named, the result's place in it, its
    // identifier, what it gave)
    let mut flat: Vec<(&FileArg, usize, Option<String>, Outcome)> = Vec::new();
    for (file, outcome) in files.iter().zip(outcomes) {
        match outcome {
            Outcome::Page(items) if items.is_empty() => empty_pages.push(&file.0),
            Outcome::Page(items) => flat.extend(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, (ident, o))| (file, i, ident, o)),
            ),
            o => flat.push((file, 0, None, o)),
        }
    }
    for ((path, named), index, ident, outcome) in flat {
        let input = path.display().to_string();
        match outcome {
            Outcome::Bill(b) => {
                bills += 1;
                let (record, counts) = record(&b, &input, today);
                unknown += counts.unknown_classifications;
                unclassified += counts.unclassified;
                impossible.extend(
                    counts
                        .impossible
                        .into_iter()
                        .map(|m| format!("{}: {m}", record.label)),
                );
                batch.records.push(record);
            }
            Outcome::Other(what) => *others.entry(what).or_default() += 1,
            Outcome::Rejected(message) | Outcome::Data(message) => {
                batch.unreadable.push(Unreadable {
                    input,
                    index,
                    record: ident,
                    message,
                })
            }
            Outcome::WrongFormat(looks_like) => {
                if *named {
                    return Err(wrong_format(source, path, looks_like));
                }
                wrong.push((path, looks_like));
            }
            // Flattened above; a page holds no page.
            Outcome::Page(_) => {}
        }
    }
    for page in empty_pages {
        batch.warnings.push(format!(
            "{}: a page of search results with no result",
            page.display()
        ));
    }
    if bills == 0 && batch.unreadable.is_empty() {
        if let Some((path, looks_like)) = wrong.first() {
            return Err(wrong_format(source, path, *looks_like));
        }
    }
    // Bulk trees hold other files: name a few, count the rest.
    const NAMED: usize = 5;
    batch
        .warnings
        .extend(passed_over.iter().take(NAMED).cloned());
    if passed_over.len() > NAMED {
        batch.warnings.push(format!(
            "... and {} more entries of the input skipped",
            passed_over.len() - NAMED
        ));
    }
    for (path, looks_like) in wrong.iter().take(NAMED) {
        batch.warnings.push(format!(
            "{}: skipped: not {} bill JSON{}",
            path.display(),
            source.publisher(),
            looks_like
                .map(|l| format!(" (it looks like `{l}` input)"))
                .unwrap_or_default()
        ));
    }
    if wrong.len() > NAMED {
        batch.warnings.push(format!(
            "... and {} more file(s) skipped: not {} bill JSON",
            wrong.len() - NAMED,
            source.publisher()
        ));
    }
    for (what, n) in others {
        batch.warnings.push(format!(
            "{n} {what} file(s) of this source skipped: not bills"
        ));
    }
    if unknown > 0 {
        batch.warnings.push(format!(
            "{unknown} action(s) with an unknown classification kept on the timeline as `action` events"
        ));
    }
    if !impossible.is_empty() {
        const SHOWN: usize = 10;
        let mut w = format!(
            "{} impossible date(s) in the input, left out of timelines and kept in each bill's notes: {}",
            impossible.len(),
            impossible[..impossible.len().min(SHOWN)].join("; ")
        );
        if impossible.len() > SHOWN {
            w.push_str(&format!("; and {} more", impossible.len() - SHOWN));
        }
        batch.warnings.push(w);
    }
    if unclassified > 0 {
        batch.warnings.push(format!(
            "{unclassified} action(s) without a classification kept on the timeline as `action` events"
        ));
    }
    Ok(batch)
}

fn wrong_format(source: BillSource, path: &Path, looks_like: Option<&'static str>) -> ImportError {
    let hint = match looks_like {
        Some(l) => format!(
            "; it looks like `{l}` input: run `policygraph import {l} {}`",
            path.display()
        ),
        None => String::new(),
    };
    ImportError::Input {
        input: path.display().to_string(),
        message: format!(
            "not {} bill JSON (the `{}` importer's format){hint}",
            source.publisher(),
            source.name()
        ),
    }
}

/// One bill as a record for [`super::apply`].
fn record(b: &BillRecord, input: &str, today: Date) -> (Record, super::bill::Counts) {
    let fallback = format!(
        "{}-{}",
        b.key.jurisdiction.to_ascii_lowercase(),
        super::slug(&format!("{} {}", b.key.session, b.key.number), 40)
    );
    let id = b.key.id().unwrap_or(fallback);
    let (mut entity, mut counts) = b.to_entity(&id);
    // The rule the Federal Register import and `check` apply: an action
    // dated before the bill's introduction is left out of the timeline
    // and kept in a note.
    counts.impossible = crate::check::dates::strip_impossible(&mut entity);
    entity.provenance = Some(super::provenance(b.source.name(), input, today));
    if let Some(s) = entity.sources.first_mut() {
        s.retrieved = Some(today);
    }
    for p in &b.problems {
        entity.notes.push(format!("Not imported: {p}."));
    }
    let mut keys = vec![b.key.import_key()];
    for i in &entity.identifiers {
        if matches!(
            i.scheme,
            IdScheme::OpenStates | IdScheme::Legiscan | IdScheme::UsCongress
        ) {
            keys.push(Key::new(i.scheme, &i.value));
        }
    }
    let mut links = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for r in &b.related {
        if r.key == b.key || !seen.insert(r.key.clone()) {
            continue;
        }
        let Some(tie) = super::bill::tie(b, r) else {
            continue;
        };
        let (rel, note, incoming) = match tie {
            super::bill::Tie::Out(rel, note) => (rel, note, false),
            super::bill::Tie::In(rel, note) => (rel, note, true),
        };
        let Some(stub_id) = r.key.id() else { continue };
        let stub = Entity {
            text: None,
            id: stub_id.clone(),
            kind: Kind::Bill,
            name: format!(
                "{} ({} {})",
                r.key.number, r.key.jurisdiction, r.key.session
            ),
            names: Default::default(),
            aliases: Vec::new(),
            jurisdiction: r.key.jurisdiction.clone(),
            session: Some(r.key.session.clone()),
            sponsors: Vec::new(),
            summary: String::new(),
            summaries: Default::default(),
            identifiers: vec![Identifier {
                scheme: IdScheme::Bill,
                value: r.key.number.to_string(),
                confidence: Default::default(),
            }],
            events: Vec::new(),
            deadlines: Vec::new(),
            relations: Vec::new(),
            sources: entity
                .sources
                .first()
                .cloned()
                .into_iter()
                .collect::<Vec<Source>>(),
            tags: vec![format!("imported-{}", b.source.name())],
            figure: None,
            confidence: Default::default(),
            notes: vec![if incoming {
                format!(
                    "Named as the rule for {} by its record; its own record was not in the input.",
                    b.key.number
                )
            } else if rel == RelationKind::RuleFor {
                format!(
                    "Named by the rule {}, which provides for its consideration; its own record was not in the input.",
                    b.key.number
                )
            } else {
                format!(
                    "Named as {} by {}; its own record was not in the input.",
                    note, b.key.number
                )
            }],
            provenance: Some(crate::model::Provenance {
                incomplete: true,
                ..super::provenance(b.source.name(), input, today)
            }),
        };
        let relation = Relation {
            evidence: None,
            rel,
            to: String::new(),
            date: None,
            note,
            source: Some(0),
            confidence: Default::default(),
        };
        links.push(Link {
            slot: if incoming {
                Slot::Incoming(relation)
            } else {
                Slot::Relation(relation)
            },
            targets: vec![r.key.import_key()],
            stub: Some(Box::new(Record {
                keys: vec![r.key.import_key()],
                label: r.key.to_string(),
                id: stub_id,
                dir: dir_of(&r.key),
                entity: stub,
                links: Vec::new(),
                unparsed: Vec::new(),
            })),
        });
    }
    let record = Record {
        keys,
        label: b.key.to_string(),
        id,
        dir: dir_of(&b.key),
        entity,
        links,
        unparsed: b.problems.clone(),
    };
    (record, counts)
}

/// `us-nh/2025`: the directory of a bill under `imported/<source>/`.
fn dir_of(key: &super::bill::BillKey) -> PathBuf {
    PathBuf::from(key.jurisdiction.to_ascii_lowercase()).join(&key.session)
}
