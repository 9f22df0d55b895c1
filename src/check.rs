//! Semantic rules over the whole knowledge base. Every problem is collected
//! (never only the first), sorted by file and line, and a corpus without
//! errors becomes a validated [`Corpus`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::diag::{self, Diagnostic, Location, Severity};
use crate::load::{LoadResult, SourceFile};
use crate::model::{self, Entity, Kind, RelationKind, Stage};

/// A validated knowledge base: entities sorted by id, every reference
/// resolved, every relation allowed.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// Entities, sorted by id.
    pub entities: Vec<Entity>,
    /// The file each entity came from (relative path), parallel to `entities`.
    pub paths: Vec<PathBuf>,
    by_id: HashMap<String, usize>,
    keys: crate::resolve::KeyIndex,
}

impl Corpus {
    /// Builds a corpus from entities already known to be valid (for example
    /// decoded from the snapshot). Sorts them by id.
    pub fn from_validated(mut items: Vec<(Entity, PathBuf)>) -> Corpus {
        items.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        let by_id = items
            .iter()
            .enumerate()
            .map(|(i, (e, _))| (e.id.clone(), i))
            .collect();
        let (entities, paths): (Vec<Entity>, Vec<PathBuf>) = items.into_iter().unzip();
        let keys = crate::resolve::KeyIndex::new(&entities);
        Corpus {
            entities,
            paths,
            by_id,
            keys,
        }
    }

    /// The entity with this id.
    pub fn get(&self, id: &str) -> Option<&Entity> {
        self.by_id.get(id).map(|&i| &self.entities[i])
    }

    /// The position of the entity with this id.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// Resolves what a user typed (id, alias, name in any language) to an
    /// entity position; unknown and ambiguous references are errors that
    /// carry suggestions or candidates.
    pub fn resolve(&self, reference: &str) -> crate::Result<usize> {
        self.keys.resolve(&self.entities, reference)
    }

    /// Number of entities.
    pub fn len(&self) -> usize {
        self.entities.len()
    }

    /// Whether there are no entities.
    pub fn is_empty(&self) -> bool {
        self.entities.is_empty()
    }
}

/// What `check` found: the diagnostics, and the corpus when there were no
/// errors.
#[derive(Debug)]
pub struct Checked {
    /// The validated corpus, present when no diagnostic is an error.
    pub corpus: Option<Corpus>,
    /// Every problem, sorted by file, line and column.
    pub diagnostics: Vec<Diagnostic>,
    /// The files read, for rendering snippets.
    pub files: Vec<SourceFile>,
}

impl Checked {
    /// Number of errors.
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Number of warnings.
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Loads and checks the knowledge base in `dir`.
pub fn check_dir(dir: &Path) -> crate::Result<Checked> {
    Ok(check(crate::load::load_dir(dir)?))
}

/// Runs every rule over what `load` found.
pub fn check(loaded: LoadResult) -> Checked {
    let LoadResult {
        files,
        entities,
        diagnostics: mut diags,
    } = loaded;
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    let mut keep: Vec<usize> = Vec::new();
    for (i, l) in entities.iter().enumerate() {
        let file = &files[l.file];
        let e = &l.entity;
        let id_loc = locate_field(file, "id", &e.id);
        if !model::valid_id(&e.id) {
            diags.push(
                Diagnostic::error(
                    "invalid-id",
                    id_loc.clone(),
                    format!("invalid id `{}`", e.id),
                )
                .with_label("not a valid id")
                .with_help("ids are lowercase a-z, 0-9 and `-`, at most 64 characters"),
            );
        }
        let stem = file
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        if stem != e.id {
            diags.push(
                Diagnostic::error(
                    "id-mismatch",
                    id_loc.clone(),
                    format!("id `{}` differs from the file name `{stem}.ron`", e.id),
                )
                .with_label("id here")
                .with_help(format!(
                    "rename the file to `{}.ron`, or change the id to `{stem}`",
                    e.id
                )),
            );
        }
        match first.get(e.id.as_str()) {
            Some(&j) => {
                let other = &files[entities[j].file];
                diags.push(
                    Diagnostic::error("duplicate-id", id_loc, format!("duplicate id `{}`", e.id))
                        .with_label("defined again here")
                        .with_related(locate_field(other, "id", &e.id), "first defined here")
                        .with_help("every entity needs its own id"),
                );
            }
            None => {
                first.insert(&e.id, i);
                keep.push(i);
            }
        }
    }

    let kinds: HashMap<&str, Kind> = keep
        .iter()
        .map(|&i| (entities[i].entity.id.as_str(), entities[i].entity.kind))
        .collect();
    let ids: Vec<&str> = first.keys().copied().collect();
    for &i in &keep {
        let l = &entities[i];
        check_entity(&l.entity, &files[l.file], &kinds, &ids, &mut diags);
    }
    check_part_of_cycles(&entities, &keep, &files, &mut diags);

    diag::sort(&mut diags);
    let has_errors = diags.iter().any(|d| d.severity == Severity::Error);
    let corpus = (!has_errors).then(|| {
        Corpus::from_validated(
            keep.iter()
                .map(|&i| {
                    let l = &entities[i];
                    (l.entity.clone(), files[l.file].path.clone())
                })
                .collect(),
        )
    });
    Checked {
        corpus,
        diagnostics: diags,
        files,
    }
}

/// Suggests the closest ids to `wrong`, best first.
pub fn suggest<'a>(wrong: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(wrong, c), c))
        .filter(|(s, _)| *s >= 0.75)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    scored
        .into_iter()
        .take(3)
        .map(|(_, c)| c.to_owned())
        .collect()
}

fn check_entity(
    e: &Entity,
    file: &SourceFile,
    kinds: &HashMap<&str, Kind>,
    ids: &[&str],
    diags: &mut Vec<Diagnostic>,
) {
    let here = |needle: &str| locate(file, needle, 0);
    if e.name.trim().is_empty() {
        diags.push(Diagnostic::error(
            "empty-name",
            locate_key(file, "name"),
            "the English name is empty",
        ));
    }
    if !model::valid_jurisdiction(&e.jurisdiction) {
        diags.push(
            Diagnostic::error(
                "invalid-jurisdiction",
                locate_field(file, "jurisdiction", &e.jurisdiction),
                format!("invalid jurisdiction `{}`", e.jurisdiction),
            )
            .with_label("not a jurisdiction code")
            .with_help("use `US` for federal, or `US-TX` style for a state"),
        );
    }
    for tag in e.names.keys().chain(e.summaries.keys()) {
        if !valid_lang(tag) {
            diags.push(
                Diagnostic::error("invalid-language", here(&format!("\"{tag}\"")), format!("invalid language tag `{tag}`"))
                    .with_label("not a language tag")
                    .with_help("use a BCP 47 tag other than `en` (English goes in `name` and `summary`), such as `zh-Hant` or `zh-Hans`"),
            );
        }
    }
    let nsources = e.sources.len();
    let check_source = |idx: Option<usize>, what: &str, diags: &mut Vec<Diagnostic>| {
        if let Some(n) = idx {
            if n >= nsources {
                diags.push(
                    Diagnostic::error(
                        "bad-source",
                        locate_key(file, "source"),
                        format!("{what} cites source {n}, but the entity has {nsources} source(s)"),
                    )
                    .with_label("no such source")
                    .with_help("`source` is a 0-based index into the entity's `sources` list"),
                );
            }
        }
    };
    if e.sources.is_empty() {
        diags.push(
            Diagnostic::warning(
                "no-source",
                locate_key(file, "id"),
                format!("entity `{}` has no source", e.id),
            )
            .with_label("unsourced entity")
            .with_help("add at least one entry to `sources`"),
        );
    }
    let reference = |section: &str,
                     target: &str,
                     what: &str,
                     nth: usize,
                     diags: &mut Vec<Diagnostic>|
     -> Option<Kind> {
        match kinds.get(target) {
            Some(k) => Some(*k),
            None => {
                let mut d = Diagnostic::error(
                    "dangling-reference",
                    locate_in(file, Some(section), &format!("\"{target}\""), nth),
                    format!("{what} points at unknown entity `{target}`"),
                )
                .with_label("no entity has this id");
                let s = suggest(target, ids.iter().copied());
                if let Some(best) = s.first() {
                    d = d.with_help(format!("did you mean `{best}`?"));
                }
                diags.push(d);
                None
            }
        }
    };
    for (i, r) in e.relations.iter().enumerate() {
        check_source(r.source, "a relation", diags);
        let nth = occurrence(e, &r.to, i);
        if r.to == e.id {
            diags.push(Diagnostic::error(
                "self-relation",
                locate_in(file, Some("relations"), &format!("\"{}\"", r.to), nth),
                format!("relation `{}` points at the entity itself", r.rel),
            ));
            continue;
        }
        let Some(target_kind) = reference(
            "relations",
            &r.to,
            &format!("relation `{}`", r.rel),
            nth,
            diags,
        ) else {
            continue;
        };
        let (from_ok, to_ok) = r.rel.allowed();
        let bad_from = from_ok.is_some_and(|ks| !ks.contains(&e.kind));
        let bad_to = to_ok.is_some_and(|ks| !ks.contains(&target_kind));
        if bad_from || bad_to {
            let (side, allowed) = if bad_from {
                (format!("from a {}", e.kind), from_ok.unwrap_or_default())
            } else {
                (
                    format!("to a {} (`{}`)", target_kind, r.to),
                    to_ok.unwrap_or_default(),
                )
            };
            let list: Vec<&str> = allowed.iter().map(|k| k.name()).collect();
            diags.push(
                Diagnostic::error(
                    "relation-kinds",
                    locate_in(file, Some("relations"), &format!("\"{}\"", r.to), nth),
                    format!("relation `{}` makes no sense {side}", r.rel),
                )
                .with_label(format!("`{}` here", r.rel))
                .with_help(format!(
                    "`{}` may go {} {}",
                    r.rel,
                    if bad_from { "from" } else { "to" },
                    list.join(", ")
                )),
            );
        }
    }
    for ev in &e.events {
        check_source(ev.source, "an event", diags);
        if let Some(by) = &ev.by {
            reference("events", by, "event `by`", 0, diags);
        }
    }
    for d in &e.deadlines {
        check_source(d.source, "a deadline", diags);
        reference("deadlines", &d.owner, "deadline owner", 0, diags);
        for f in &d.fulfilled_by {
            reference("deadlines", f, "deadline `fulfilled_by`", 0, diags);
        }
    }
    match (e.kind, &e.figure) {
        (Kind::Figure, None) => diags.push(
            Diagnostic::error(
                "figure",
                locate_key(file, "kind"),
                "a figure needs a `figure: (value, unit, as_of)` block",
            )
            .with_label("kind is figure"),
        ),
        (k, Some(_)) if k != Kind::Figure => diags.push(
            Diagnostic::error(
                "figure",
                locate_key(file, "figure"),
                format!("only figures carry a `figure` block, not a {k}"),
            )
            .with_label("unexpected block"),
        ),
        _ => {}
    }
    check_events(e, file, diags);
}

/// Which occurrence of `"target"` in the file relation `i` most likely is.
fn occurrence(e: &Entity, target: &str, i: usize) -> usize {
    e.relations[..i].iter().filter(|r| r.to == target).count()
}

fn check_events(e: &Entity, file: &SourceFile, diags: &mut Vec<Diagnostic>) {
    for w in e.events.windows(2) {
        if w[1].date < w[0].date {
            diags.push(
                Diagnostic::warning(
                    "event-order",
                    locate(file, &format!("\"{}\"", w[1].date), 0),
                    format!(
                        "event on {} comes after an event on {}; events are listed oldest first",
                        w[1].date, w[0].date
                    ),
                )
                .with_label("out of order"),
            );
        }
    }
    // Impossible sequences, judged in date order.
    let mut evs: Vec<_> = e.events.iter().collect();
    evs.sort_by_key(|ev| ev.date);
    let mut failed_since_passage: Option<Stage> = None;
    let mut enacted: Option<crate::model::Date> = None;
    for ev in evs {
        match ev.stage {
            s if s.is_terminal_failure() => failed_since_passage = Some(s),
            Stage::PassedOneChamber | Stage::PassedBoth | Stage::Introduced => {
                failed_since_passage = None
            }
            Stage::Signed | Stage::Enacted => {
                if let Some(prev) = failed_since_passage {
                    diags.push(
                        Diagnostic::warning(
                            "impossible-sequence",
                            locate(file, &format!("\"{}\"", ev.date), 0),
                            format!(
                                "`{}` on {} follows `{prev}` without a new passage",
                                ev.stage, ev.date
                            ),
                        )
                        .with_label("impossible here"),
                    );
                }
                enacted.get_or_insert(ev.date);
            }
            Stage::Effective
                if e.kind.is_instrument()
                    && enacted.is_none()
                    && e.events.iter().any(|x| {
                        matches!(x.stage, Stage::Signed | Stage::Enacted) && x.date > ev.date
                    }) =>
            {
                diags.push(
                    Diagnostic::warning(
                        "impossible-sequence",
                        locate(file, &format!("\"{}\"", ev.date), 0),
                        format!("effective on {} before it was signed or enacted", ev.date),
                    )
                    .with_label("effective too early"),
                );
            }
            _ => {}
        }
    }
}

fn check_part_of_cycles(
    entities: &[crate::load::Loaded],
    keep: &[usize],
    files: &[SourceFile],
    diags: &mut Vec<Diagnostic>,
) {
    use petgraph::graphmap::DiGraphMap;
    let mut g: DiGraphMap<&str, ()> = DiGraphMap::new();
    let mut file_of: HashMap<&str, &SourceFile> = HashMap::new();
    for &i in keep {
        let e = &entities[i].entity;
        file_of.insert(&e.id, &files[entities[i].file]);
        for r in &e.relations {
            if r.rel == RelationKind::PartOf && r.to != e.id {
                g.add_edge(e.id.as_str(), r.to.as_str(), ());
            }
        }
    }
    for scc in petgraph::algo::tarjan_scc(&g) {
        if scc.len() < 2 {
            continue;
        }
        let mut members: Vec<&str> = scc;
        members.sort_unstable();
        let head = members[0];
        let loc = file_of
            .get(head)
            .map(|f| locate_key(f, "relations"))
            .unwrap_or_else(|| Location::file(""));
        diags.push(
            Diagnostic::error(
                "part-of-cycle",
                loc,
                format!("`part_of` forms a cycle: {}", members.join(" -> ")),
            )
            .with_label("cycle starts here")
            .with_help("an agency cannot be part of itself; remove one `part_of` link"),
        );
    }
}

fn valid_lang(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let primary_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()));
    primary_ok
        && tag != "en"
        && parts
            .all(|p| !p.is_empty() && p.len() <= 8 && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// The location of the `nth` occurrence of `needle` in the file (or the
/// start of the file when it does not occur).
fn locate(file: &SourceFile, needle: &str, nth: usize) -> Location {
    locate_in(file, None, needle, nth)
}

/// Like [`locate`], but looks after the `section:` key first (`relations`,
/// `events`, `deadlines`), so that an id mentioned in several places is
/// found where the problem is.
fn locate_in(file: &SourceFile, section: Option<&str>, needle: &str, nth: usize) -> Location {
    let start = section
        .map(|s| locate_key(file, s))
        .filter(|l| l.len > 0)
        .map_or(0, |l| l.offset);
    let text = &file.text[start..];
    match text
        .match_indices(needle)
        .nth(nth)
        .or_else(|| text.match_indices(needle).next())
    {
        Some((off, m)) => Location::at(&file.path, &file.text, start + off, m.len()),
        None if start > 0 => locate(file, needle, nth),
        None => Location::file(&file.path),
    }
}

/// The location of `key:` in the file.
fn locate_key(file: &SourceFile, key: &str) -> Location {
    let mut from = 0;
    while let Some(pos) = file.text[from..].find(key) {
        let at = from + pos;
        let before_ok = at == 0
            || !file.text.as_bytes()[at - 1].is_ascii_alphanumeric()
                && file.text.as_bytes()[at - 1] != b'_';
        let rest = file.text[at + key.len()..].trim_start();
        if before_ok && rest.starts_with(':') {
            return Location::at(&file.path, &file.text, at, key.len());
        }
        from = at + key.len();
    }
    Location::file(&file.path)
}

/// The location of the quoted value of `key`.
fn locate_field(file: &SourceFile, key: &str, value: &str) -> Location {
    let k = locate_key(file, key);
    let quoted = format!("\"{value}\"");
    match file.text[k.offset..].find(&quoted) {
        Some(p) => Location::at(&file.path, &file.text, k.offset + p, quoted.len()),
        None => k,
    }
}
