//! Semantic rules over the whole knowledge base. Every problem is collected
//! (never only the first), sorted by file and line, and a corpus without
//! errors becomes a validated [`Corpus`].

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

pub mod dates;
mod extracted;
pub(crate) mod locate;

use crate::diag::{self, Diagnostic, Location, Severity};
use crate::import::merge::{base_rank, check_enrichment, importer_of};
use crate::load::{LoadResult, SourceFile};
use crate::model::{self, Entity, Kind, RelationKind, Stage};
use locate::{Index, Key, Located};

/// Merges an imported file into the entity it enriches; the merge rules
/// live in [`crate::import::merge`].
pub use crate::import::merge::merge;

/// A validated knowledge base: entities sorted by id, every reference
/// resolved, every relation allowed.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// Entities, sorted by id.
    pub entities: Vec<Entity>,
    /// The file each entity came from (relative path), parallel to `entities`.
    pub paths: Vec<PathBuf>,
    /// The imported files merged into an entity (see [`merge`]), by id, in
    /// path order; entities of one file are not listed.
    pub merged: BTreeMap<String, Vec<PathBuf>>,
    by_id: HashMap<String, usize>,
    /// Built on the first `resolve`: most uses of a corpus never need it.
    keys: std::sync::OnceLock<crate::resolve::KeyIndex>,
}

impl Corpus {
    /// Builds a corpus from entities already known to be valid (for example
    /// decoded from the snapshot). Sorts them by id.
    pub fn from_validated(items: Vec<(Entity, PathBuf)>) -> Corpus {
        let (entities, paths) = items.into_iter().unzip();
        Corpus::from_parts(entities, paths)
    }

    /// Builds a corpus from valid entities and, in the same order, their
    /// files. Sorts both by id.
    fn from_parts(mut entities: Vec<Entity>, mut paths: Vec<PathBuf>) -> Corpus {
        // Entities are large: sort their positions, then move each entity
        // once, in place, rather than shuffle them through a sort or into
        // new vectors (each a fresh allocation the size of the corpus).
        let mut order: Vec<usize> = (0..entities.len()).collect();
        order.sort_by(|&a, &b| entities[a].id.cmp(&entities[b].id));
        permute(&mut entities, &order);
        permute(&mut paths, &order);
        let by_id = entities
            .iter()
            .enumerate()
            .map(|(i, e)| (e.id.clone(), i))
            .collect();
        let keys = std::sync::OnceLock::new();
        Corpus {
            entities,
            paths,
            merged: BTreeMap::new(),
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
        self.keys
            .get_or_init(|| crate::resolve::KeyIndex::new(&self.entities))
            .resolve(&self.entities, reference)
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
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }

    /// Number of notes.
    pub fn notes(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Note)
            .count()
    }
}

/// The part of a knowledge base with errors that queries answer from
/// (see [`valid_part`]).
#[derive(Debug)]
pub struct ValidPart {
    /// The entities of every file without an error, checked.
    pub corpus: Corpus,
    /// The files left out, sorted.
    pub left_out: Vec<PathBuf>,
}

/// The valid part of a knowledge base that failed `check`: every file with
/// an error is left out, and so are the references of the other entities
/// into them (relations, event actors, deadline owners), so that what
/// remains passes `check` again; a file that still fails is left out too.
/// `None` when nothing would be left, or when an error is not about one
/// file (an empty knowledge base, say). `check` and CI stay strict; this
/// is only for queries.
pub fn valid_part(checked: &Checked) -> Option<ValidPart> {
    let errors_in = |c: &Checked| -> Vec<PathBuf> {
        c.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| d.location.path.clone())
            .collect()
    };
    if errors_in(checked).iter().any(|p| p == Path::new(".")) {
        return None;
    }
    // Start from the files that do not even parse; every round then leaves
    // out the files that still fail, until what remains passes.
    // Entries the walk could not follow are not files, but they are left
    // out all the same, and named.
    let read: std::collections::HashSet<&Path> =
        checked.files.iter().map(|f| f.path.as_path()).collect();
    let mut bad: std::collections::BTreeSet<PathBuf> = errors_in(checked)
        .into_iter()
        .filter(|p| !read.contains(p.as_path()))
        .collect();
    let mut parsed: Vec<(&SourceFile, Entity)> = Vec::new();
    for f in &checked.files {
        match crate::load::parse_entity(&f.path, &f.text) {
            Ok(e) => parsed.push((f, e)),
            Err(_) => {
                bad.insert(f.path.clone());
            }
        }
    }
    for _ in 0..=checked.files.len() {
        // The ids that left with the bad files: their own, or, for a file
        // that does not parse, the id its name promises.
        let gone: std::collections::HashSet<String> = checked
            .files
            .iter()
            .filter(|f| bad.contains(&f.path))
            .filter_map(|f| f.path.file_stem().map(|s| s.to_string_lossy().into_owned()))
            .chain(
                parsed
                    .iter()
                    .filter(|(f, _)| bad.contains(&f.path))
                    .map(|(_, e)| e.id.clone()),
            )
            .collect();
        let mut loaded = LoadResult::default();
        for (f, e) in &parsed {
            if bad.contains(&f.path) {
                continue;
            }
            let mut e = e.clone();
            e.relations.retain(|r| !gone.contains(&r.to));
            for ev in &mut e.events {
                if ev.by.as_ref().is_some_and(|b| gone.contains(b)) {
                    ev.by = None;
                }
            }
            e.deadlines.retain(|d| !gone.contains(&d.owner));
            for d in &mut e.deadlines {
                d.fulfilled_by.retain(|x| !gone.contains(x));
            }
            loaded.entities.push(crate::load::Loaded {
                entity: e,
                file: loaded.files.len(),
            });
            loaded.files.push((*f).clone());
        }
        if loaded.entities.is_empty() {
            return None;
        }
        let again = check(loaded);
        if let Some(corpus) = again.corpus {
            return Some(ValidPart {
                corpus,
                left_out: bad.into_iter().collect(),
            });
        }
        let before = bad.len();
        let failing = errors_in(&again);
        if failing.iter().any(|p| p == Path::new(".")) {
            return None;
        }
        bad.extend(failing);
        if bad.len() == before {
            return None;
        }
    }
    None
}

/// Loads and checks the knowledge base in `dir`.
pub fn check_dir(dir: &Path) -> crate::Result<Checked> {
    Ok(check(crate::load::load_dir(dir)?))
}

/// Runs every rule over what `load` found.
pub fn check(loaded: LoadResult) -> Checked {
    let LoadResult {
        mut files,
        entities,
        diagnostics: mut diags,
        root,
    } = loaded;
    if files.is_empty() && diags.is_empty() {
        diags.push(
            Diagnostic::error(
                "empty",
                Location::file("."),
                "no entity files (`*.ron`) found",
            )
            .with_help("point `--knowledge` at a directory of RON entity files"),
        );
    }
    // Locating needs a tokenized file; only files with a problem pay for it.
    // Boxed, so that a file nobody locates in costs one pointer.
    let cells: Vec<std::cell::OnceCell<Box<Located>>> =
        files.iter().map(|_| std::cell::OnceCell::new()).collect();
    let root_dir = root.as_deref();
    let located = |i: usize| -> &Located {
        cells[i].get_or_init(|| Box::new(Located::in_dir(&files[i], root_dir)))
    };
    let mut first: HashMap<&str, usize> = HashMap::with_capacity(entities.len());
    let mut keep: Vec<usize> = Vec::new();
    // (base entity, imported file that enriches it): the base is the
    // hand-written file, or else the first imported one in path order.
    let mut overlays: Vec<(usize, usize)> = Vec::new();
    // The files of each id that has more than one: who wrote them (`None`
    // for a hand-written file, else the importer).
    let mut writers: HashMap<&str, Vec<Option<&str>>> = HashMap::new();
    for (i, l) in entities.iter().enumerate() {
        let file = &files[l.file];
        let e = &l.entity;
        let id_loc = || located(l.file).value(&[Key("id")]);
        if !model::valid_id(&e.id) {
            diags.push(
                Diagnostic::error("invalid-id", id_loc(), format!("invalid id `{}`", e.id))
                    .with_label("not a valid id")
                    .with_help("ids are lowercase a-z, 0-9 and `-`, at most 64 characters"),
            );
        }
        let stem = file.path.file_stem().unwrap_or_default();
        if stem != std::ffi::OsStr::new(&e.id) {
            let stem = stem.to_string_lossy();
            diags.push(
                Diagnostic::error(
                    "id-mismatch",
                    id_loc(),
                    format!("id `{}` differs from the file name `{stem}.ron`", e.id),
                )
                .with_label("id here")
                .with_help(format!(
                    "rename the file to `{}.ron`, or change the id to `{stem}`",
                    e.id
                )),
            );
        }
        // Files of one id from different writers (one hand-written file at
        // most, one file per importer) are one entity (see `merge`): not
        // duplicates.
        let another_writer = first.get(e.id.as_str()).is_some_and(|&j| {
            !writers.get(e.id.as_str()).map_or_else(
                || importer_of(&entities[j].entity) == importer_of(e),
                |w| w.contains(&importer_of(e)),
            )
        });
        match first.get(e.id.as_str()) {
            Some(&j) if another_writer => {
                let w = writers
                    .entry(&e.id)
                    .or_insert_with(|| vec![importer_of(&entities[j].entity)]);
                w.push(importer_of(e));
                if base_rank(e) < base_rank(&entities[j].entity) {
                    // The hand-written file is the base, else a complete
                    // import rather than a placeholder: the files seen so
                    // far enrich it instead.
                    first.insert(&e.id, i);
                    if let Some(k) = keep.iter().position(|&k| k == j) {
                        keep[k] = i;
                    }
                    for o in overlays.iter_mut().filter(|o| o.0 == j) {
                        o.0 = i;
                    }
                    overlays.push((i, j));
                } else {
                    overlays.push((j, i));
                }
            }
            Some(&j) => {
                diags.push(
                    Diagnostic::error("duplicate-id", id_loc(), format!("duplicate id `{}`", e.id))
                        .with_label("defined again here")
                        .with_related(
                            located(entities[j].file).value(&[Key("id")]),
                            "first defined here",
                        )
                        .with_help("every entity needs its own id; rename one of them"),
                );
            }
            None => {
                first.insert(&e.id, i);
                keep.push(i);
            }
        }
    }

    let mut kinds: HashMap<&str, Kind> = keep
        .iter()
        .map(|&i| (entities[i].entity.id.as_str(), entities[i].entity.kind))
        .collect();
    // The kind after merging (see `merge`): a bill that one source knows
    // was enacted is a statute, for the relation rules too.
    for &(b, o) in &overlays {
        let (base, over) = (&entities[b].entity, &entities[o].entity);
        if base.provenance.is_some() && over.kind == Kind::Statute {
            if let Some(k) = kinds.get_mut(base.id.as_str()) {
                if *k == Kind::Bill {
                    *k = Kind::Statute;
                }
            }
        }
    }
    let mut ids: Vec<&str> = first.keys().copied().collect();
    ids.sort_unstable();
    let ctx = Ctx {
        kinds: &kinds,
        ids: &ids,
    };
    // The per-entity rules read only the corpus-wide tables: share the
    // entities out over the cores. Diagnostics are sorted below, so the
    // split does not show.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    // Every kept entity, and every imported file that enriches one, is
    // checked on its own, against its own file.
    let checked_ids: Vec<usize> = keep
        .iter()
        .copied()
        .chain(overlays.iter().map(|&(_, o)| o))
        .collect();
    let chunk = checked_ids.len().div_ceil(threads).max(1024);
    let found: Vec<Vec<Diagnostic>> = std::thread::scope(|scope| {
        let handles: Vec<_> = checked_ids
            .chunks(chunk)
            .map(|part| {
                let (ctx, entities, files) = (&ctx, &entities, &files);
                scope.spawn(move || {
                    let mut diags = Vec::new();
                    for &i in part {
                        let l = &entities[i];
                        // Cheap: a file is tokenized only if a rule fails.
                        let at = Located::in_dir(&files[l.file], root_dir);
                        ctx.check_entity(&l.entity, &at, &mut diags);
                    }
                    diags
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    // Rules that failed must not pass their entities quietly.
                    vec![Diagnostic::error(
                        "internal",
                        Location::file("."),
                        "internal error: the checks stopped before every entity was checked",
                    )
                    .with_help("please report this; nothing was indexed")]
                })
            })
            .collect()
    });
    diags.extend(found.into_iter().flatten());
    check_part_of_cycles(&entities, &keep, &overlays, &located, &mut diags);
    check_shared_aliases(&entities, &keep, &located, &mut diags);
    check_official_sources(&entities, &keep, &overlays, &kinds, &located, &mut diags);
    for &(base, over) in &overlays {
        check_enrichment(
            &entities[base],
            &entities[over],
            &files,
            &located,
            &mut diags,
        );
        extracted::contradictions(
            &entities[base],
            &entities[over],
            &files,
            &located,
            &mut diags,
        );
    }

    diag::sort(&mut diags);
    let has_errors = diags.iter().any(|d| d.severity == Severity::Error);
    let corpus = if has_errors {
        None
    } else {
        // Move the kept entities into the corpus rather than copy them.
        let mut kept = vec![false; entities.len()];
        for &i in &keep {
            kept[i] = true;
        }
        let over_of: HashMap<usize, usize> = overlays.iter().map(|&(b, o)| (o, b)).collect();
        // Imported files met before their base, in path order.
        let mut extra: HashMap<usize, Vec<Entity>> = HashMap::new();
        let mut merged: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
        for &(b, o) in &overlays {
            merged
                .entry(entities[b].entity.id.clone())
                .or_default()
                .push(files[entities[o].file].path.clone());
        }
        for v in merged.values_mut() {
            v.sort();
        }
        let mut es = Vec::with_capacity(keep.len());
        let mut paths = Vec::with_capacity(keep.len());
        let mut at: HashMap<usize, usize> = HashMap::new();
        for (i, (l, k)) in entities.into_iter().zip(kept).enumerate() {
            if let Some(&b) = over_of.get(&i) {
                match at.get(&b) {
                    Some(&pos) => merge(&mut es[pos], l.entity),
                    None => extra.entry(b).or_default().push(l.entity),
                }
            } else if k {
                at.insert(i, es.len());
                paths.push(files[l.file].path.clone());
                let mut e = l.entity;
                for o in extra.remove(&i).unwrap_or_default() {
                    merge(&mut e, o);
                }
                es.push(e);
            }
        }
        let mut corpus = Corpus::from_parts(es, paths);
        corpus.merged = merged;
        Some(corpus)
    };
    drop(cells);
    if let Some(root) = &root {
        read_back_texts(root, &mut files, &diags);
    }
    Checked {
        corpus,
        diagnostics: diags,
        files,
    }
}

/// Reads back the texts the loader did not keep (see
/// [`SourceFile::text`]) where they are needed after `check`: the files a
/// diagnostic points at, for its snippet, and, when there are errors,
/// every file, for [`valid_part`] to parse again.
fn read_back_texts(root: &Path, files: &mut [SourceFile], diags: &[Diagnostic]) {
    if diags.is_empty() {
        return;
    }
    let all = diags.iter().any(|d| d.severity == Severity::Error);
    let named: std::collections::HashSet<&Path> = diags
        .iter()
        .flat_map(|d| {
            std::iter::once(d.location.path.as_path())
                .chain(d.related.iter().map(|r| r.location.path.as_path()))
        })
        .collect();
    for f in files.iter_mut() {
        if f.text.is_empty() && (all || named.contains(f.path.as_path())) {
            if let Some(text) = crate::load::read_back(root, &f.path) {
                f.text = text;
            }
        }
    }
}

/// Reorders `v` in place so that position `k` holds what was at
/// `order[k]`; `order` is a permutation of `0..v.len()` (else `v` is left
/// in some order, never with an element lost).
fn permute<T>(v: &mut [T], order: &[usize]) {
    let mut placed = vec![false; v.len()];
    for start in 0..v.len().min(order.len()) {
        let mut at = start;
        while !placed[at] {
            placed[at] = true;
            let from = order[at];
            if from == start || from >= v.len() {
                break;
            }
            v.swap(at, from);
            at = from;
        }
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

/// What the per-entity rules need to know about the whole corpus.
struct Ctx<'a> {
    kinds: &'a HashMap<&'a str, Kind>,
    ids: &'a [&'a str],
}

/// "a bill", "an asset_class".
pub(crate) fn a(kind: Kind) -> String {
    let article = if kind.name().starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {kind}")
}

impl Ctx<'_> {
    fn check_entity(&self, e: &Entity, at: &Located, diags: &mut Vec<Diagnostic>) {
        if e.name.trim().is_empty() {
            diags.push(
                Diagnostic::error(
                    "empty-name",
                    at.value(&[Key("name")]),
                    "the English name is empty",
                )
                .with_label("empty")
                .with_help("give the entity its English name; other languages go in `names`"),
            );
        }
        if !model::valid_jurisdiction(&e.jurisdiction) {
            diags.push(
                Diagnostic::error(
                    "invalid-jurisdiction",
                    at.value(&[Key("jurisdiction")]),
                    format!("invalid jurisdiction `{}`", e.jurisdiction),
                )
                .with_label("not a jurisdiction code")
                .with_help("use `US` for federal, or `US-TX` style for a state"),
            );
        }
        for (section, map) in [("names", &e.names), ("summaries", &e.summaries)] {
            for tag in map.keys().filter(|t| !valid_lang(t)) {
                diags.push(
                    Diagnostic::error(
                        "invalid-language",
                        at.key(&[Key(section), Key(tag)]),
                        format!("invalid language tag `{tag}`"),
                    )
                    .with_label("not a language tag")
                    .with_help("use a BCP 47 tag other than `en` (English goes in `name` and `summary`), such as `zh-Hant` or `zh-Hans`"),
                );
            }
        }
        if e.sources.is_empty() {
            // At `sources: []` when it is written, else at the id.
            let loc = at
                .written_key(&[Key("sources")])
                .unwrap_or_else(|| at.value(&[Key("id")]));
            diags.push(
                Diagnostic::warning("no-source", loc, format!("entity `{}` has no source", e.id))
                    .with_label("unsourced entity")
                    .with_help("add at least one entry to `sources`, and cite it by index from events and relations"),
            );
        }
        for (i, src) in e.sources.iter().enumerate() {
            let Some(why) = src.url.as_deref().and_then(wikipedia_copy) else {
                continue;
            };
            diags.push(
                Diagnostic::warning(
                    "mirror-source",
                    at.value(&[Key("sources"), Index(i), Key("url")]),
                    format!("source {i} cites {why}"),
                )
                .with_label("a copy, not the record")
                .with_help("cite the primary record instead: congress.gov, clerk.house.gov or senate.gov roll calls, govinfo.gov, federalregister.gov, or the legislature's bill page"),
            );
        }
        let sources = |section: &str,
                       i: usize,
                       idx: Option<usize>,
                       what: &str,
                       diags: &mut Vec<Diagnostic>| {
            let Some(n) = idx.filter(|&n| n >= e.sources.len()) else {
                return;
            };
            let have = match e.sources.len() {
                0 => "no sources".to_owned(),
                1 => "1 source (index 0)".to_owned(),
                k => format!("{k} sources (0 to {})", k - 1),
            };
            diags.push(
                Diagnostic::error(
                    "bad-source",
                    at.value(&[Key(section), Index(i), Key("source")]),
                    format!("{what} cites source {n}, but the entity has {have}"),
                )
                .with_label("no such source")
                .with_help("`source` is a 0-based index into the entity's `sources` list"),
            );
        };
        for (i, r) in e.relations.iter().enumerate() {
            sources(
                "relations",
                i,
                r.source,
                &format!("relation `{}`", r.rel),
                diags,
            );
            // Locations are looked up only when there is a problem to report.
            let to = || at.value(&[Key("relations"), Index(i), Key("to")]);
            if r.to == e.id {
                diags.push(
                    Diagnostic::error(
                        "self-relation",
                        to(),
                        format!("relation `{}` points at the entity itself", r.rel),
                    )
                    .with_label("this entity")
                    .with_help("a relation links two different entities"),
                );
                continue;
            }
            let Some(target) = self.reference(to, &r.to, &format!("relation `{}`", r.rel), diags)
            else {
                continue;
            };
            let (from_ok, to_ok) = r.rel.allowed();
            let list = |ks: &[Kind]| ks.iter().map(|k| k.name()).collect::<Vec<_>>().join(", ");
            if let Some(ks) = from_ok.filter(|ks| !ks.contains(&e.kind)) {
                diags.push(
                    Diagnostic::error(
                        "relation-kinds",
                        at.value(&[Key("relations"), Index(i), Key("rel")]),
                        format!(
                            "relation `{}` makes no sense from {} (`{}`)",
                            r.rel,
                            a(e.kind),
                            e.id
                        ),
                    )
                    .with_label(format!("{} cannot be `{}` anything", a(e.kind), r.rel))
                    .with_help(format!("`{}` may go from {}", r.rel, list(ks))),
                );
            } else if let Some(ks) = to_ok.filter(|ks| !ks.contains(&target)) {
                diags.push(
                    Diagnostic::error(
                        "relation-kinds",
                        at.value(&[Key("relations"), Index(i), Key("to")]),
                        format!(
                            "relation `{}` makes no sense to {} (`{}`)",
                            r.rel,
                            a(target),
                            r.to
                        ),
                    )
                    .with_label(format!("`{}` is {}", r.to, a(target)))
                    .with_help(format!("`{}` may go to {}", r.rel, list(ks))),
                );
            }
        }
        for (i, ev) in e.events.iter().enumerate() {
            sources("events", i, ev.source, "an event", diags);
            if let Some(by) = &ev.by {
                self.reference(
                    || at.value(&[Key("events"), Index(i), Key("by")]),
                    by,
                    "event `by`",
                    diags,
                );
            }
        }
        for (i, d) in e.deadlines.iter().enumerate() {
            sources("deadlines", i, d.source, "a deadline", diags);
            let owner = || at.value(&[Key("deadlines"), Index(i), Key("owner")]);
            self.reference(owner, &d.owner, "deadline owner", diags);
            for (j, f) in d.fulfilled_by.iter().enumerate() {
                let loc = || at.value(&[Key("deadlines"), Index(i), Key("fulfilled_by"), Index(j)]);
                self.reference(loc, f, "deadline `fulfilled_by`", diags);
            }
        }
        match (e.kind, &e.figure) {
            (Kind::Figure, None) => diags.push(
                Diagnostic::error(
                    "figure",
                    at.value(&[Key("kind")]),
                    "a figure needs a `figure: (value, unit, as_of)` block",
                )
                .with_label("kind is figure")
                .with_help("add `figure: (value: ..., unit: \"...\", as_of: \"YYYY-MM-DD\")`"),
            ),
            (k, Some(_)) if k != Kind::Figure => diags.push(
                Diagnostic::error(
                    "figure",
                    at.key(&[Key("figure")]),
                    format!("only figures carry a `figure` block, not {}", a(k)),
                )
                .with_label("unexpected block")
                .with_help("remove the block, or make the entity `kind: figure`"),
            ),
            _ => {}
        }
        check_events(e, at, diags);
        check_dates(e, at, diags);
    }

    /// The kind of entity `target`, or a `dangling-reference` error at `loc`
    /// with the closest ids as a suggestion.
    fn reference(
        &self,
        loc: impl FnOnce() -> Location,
        target: &str,
        what: &str,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<Kind> {
        if let Some(k) = self.kinds.get(target) {
            return Some(*k);
        }
        let mut d = Diagnostic::error(
            "dangling-reference",
            loc(),
            format!("{what} points at unknown entity `{target}`"),
        )
        .with_label("no entity has this id");
        let s = suggest(target, self.ids.iter().copied());
        if let Some(best) = s.first() {
            d = d.with_help(format!("did you mean `{best}`?"));
        }
        diags.push(d);
        None
    }
}

fn check_events(e: &Entity, at: &Located, diags: &mut Vec<Diagnostic>) {
    let date_of = |i: usize| at.value(&[Key("events"), Index(i), Key("date")]);
    for (i, w) in e.events.windows(2).enumerate() {
        if w[1].date < w[0].date {
            diags.push(
                Diagnostic::warning(
                    "event-order",
                    date_of(i + 1),
                    format!(
                        "event on {} comes after an event on {}; events are listed oldest first",
                        w[1].date, w[0].date
                    ),
                )
                .with_label("out of order")
                .with_help("list events oldest first; the status is taken from the latest"),
            );
        }
    }
    // Impossible sequences, judged in date order (a stable sort keeps file
    // order for events on the same day).
    let mut order: Vec<usize> = (0..e.events.len()).collect();
    order.sort_by_key(|&i| e.events[i].date);
    let mut failed_since_passage: Option<Stage> = None;
    let mut enacted: Option<crate::model::Date> = None;
    for i in order {
        let ev = &e.events[i];
        match ev.stage {
            s if s.is_terminal_failure() => failed_since_passage = Some(s),
            Stage::PassedOneChamber
            | Stage::PassedBoth
            | Stage::Introduced
            | Stage::VetoOverridden
            | Stage::Adopted => failed_since_passage = None,
            Stage::Signed | Stage::Enacted => {
                if let Some(prev) = failed_since_passage {
                    diags.push(
                        Diagnostic::warning(
                            "impossible-sequence",
                            date_of(i),
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
                        date_of(i),
                        format!("effective on {} before it was signed or enacted", ev.date),
                    )
                    .with_label("effective too early"),
                );
            }
            _ => {}
        }
    }
}

/// `impossible-date`: see [`dates`].
fn check_dates(e: &Entity, at: &Located, diags: &mut Vec<Diagnostic>) {
    for f in dates::impossible_dates(e) {
        let loc = match f.slot {
            dates::Slot::Event(i) => at.value(&[Key("events"), Index(i), Key("date")]),
            dates::Slot::Deadline(i) => at.value(&[Key("deadlines"), Index(i), Key("due")]),
        };
        diags.push(
            Diagnostic::warning("impossible-date", loc, f.message)
                .with_label("impossible date")
                .with_help(
                    "check the date against the source; a year typed wrong is the usual cause",
                ),
        );
    }
}

/// For each entity id: the index of its file, and its `part_of` targets
/// with the index of the relation that names them.
/// For each id, its `part_of` links: (file, target, relation index), from
/// the entity's own file and from every imported file merged into it.
type PartOf<'a> = HashMap<&'a str, Vec<(usize, &'a str, usize)>>;

fn check_part_of_cycles<'f>(
    entities: &[crate::load::Loaded],
    keep: &[usize],
    overlays: &[(usize, usize)],
    located: &dyn Fn(usize) -> &'f Located<'f>,
    diags: &mut Vec<Diagnostic>,
) {
    use petgraph::graphmap::DiGraphMap;
    let mut g: DiGraphMap<&str, ()> = DiGraphMap::new();
    // The links of an entity's own file and of the imported files that are
    // merged into it: a cycle may close through either.
    let mut at: PartOf = HashMap::new();
    for &i in keep.iter().chain(overlays.iter().map(|(_, o)| o)) {
        let e = &entities[i].entity;
        let parts = at.entry(&e.id).or_default();
        for (k, r) in e.relations.iter().enumerate() {
            if r.rel == RelationKind::PartOf && r.to != e.id {
                g.add_edge(e.id.as_str(), r.to.as_str(), ());
                parts.push((entities[i].file, r.to.as_str(), k));
            }
        }
    }
    for scc in petgraph::algo::tarjan_scc(&g) {
        if scc.len() < 2 {
            continue;
        }
        let members: std::collections::BTreeSet<&str> = scc.into_iter().collect();
        let Some(&head) = members.first() else {
            continue;
        };
        // Walk the cycle from its smallest id: from each member take the
        // smallest `part_of` target that leads back to the head.
        let path = cycle_path(head, &members, &at);
        let link = |from: &str, to: &str| {
            at.get(from).and_then(|parts| {
                parts
                    .iter()
                    .find(|(_, t, _)| *t == to)
                    .map(|&(file, _, k)| {
                        located(file).value(&[Key("relations"), Index(k), Key("to")])
                    })
            })
        };
        let Some(loc) = path.get(1).and_then(|next| link(head, next)) else {
            continue;
        };
        let mut d = Diagnostic::error(
            "part-of-cycle",
            loc,
            format!("`part_of` forms a cycle: {}", path.join(" -> ")),
        )
        .with_label("the cycle starts here")
        .with_help("an agency cannot be part of itself; remove one `part_of` link");
        for w in path.windows(2).skip(1) {
            if let Some(l) = link(w[0], w[1]) {
                d = d.with_related(l, format!("`{}` is part of `{}`", w[0], w[1]));
            }
        }
        diags.push(d);
    }
}

/// Whether an importer wrote the entity's file.
fn imported(e: &Entity) -> bool {
    e.provenance.is_some()
}

/// Hosts whose pages are official records: a host on one of these domains
/// (the domain itself or a subdomain) is official. `gov` covers the federal
/// sites (federalregister.gov, congress.gov, govinfo.gov, uscode.house.gov,
/// whitehouse.gov, dol.gov, treasury.gov, ...) and the legislatures on
/// `.gov` (capitol.texas.gov, azleg.gov, leg.mt.gov, legis.nd.gov,
/// wyoleg.gov, le.utah.gov, ...); the rest are legislatures that publish
/// elsewhere. Add a legislature's host here when its bills are cited.
pub const OFFICIAL_HOSTS: &[&str] = &[
    "gov",
    // New Hampshire General Court.
    "gencourt.state.nh.us",
    // Pennsylvania General Assembly (the old host and the new one).
    "legis.state.pa.us",
    "palegis.us",
];

/// Whether `url` is on an [`OFFICIAL_HOSTS`] domain.
pub fn official_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    let Some((scheme, rest)) = lower.split_once("://") else {
        return false;
    };
    if scheme != "https" && scheme != "http" {
        return false;
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host).trim_end_matches('.');
    OFFICIAL_HOSTS.iter().any(|d| on_domain(host, d))
}

/// `no-official-source`: a hand-written executive order, statute, bill,
/// rule or guidance none of whose files cites an official address. The
/// files of one id count together, so a hand-written entity enriched by an
/// import that carries the Federal Register or Congress.gov address passes.
/// An id known only from imported files is exempt, placeholders
/// (`incomplete: true`) included: the importer writes their sources from
/// the record it read (the Federal Register API gives no page address when
/// it was not asked for one), a hand edit would be overwritten by the next
/// import, and a placeholder stands for a record that was not in the input.
fn check_official_sources<'f>(
    entities: &[crate::load::Loaded],
    keep: &[usize],
    overlays: &[(usize, usize)],
    kinds: &HashMap<&str, Kind>,
    located: &dyn Fn(usize) -> &'f Located<'f>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut files_of: HashMap<usize, Vec<usize>> = keep.iter().map(|&b| (b, vec![b])).collect();
    for &(b, o) in overlays {
        files_of.entry(b).or_insert_with(|| vec![b]).push(o);
    }
    for &b in keep {
        let base = &entities[b].entity;
        let kind = kinds.get(base.id.as_str()).copied().unwrap_or(base.kind);
        let lawlike = matches!(
            kind,
            Kind::ExecutiveOrder | Kind::Statute | Kind::Bill | Kind::Rule | Kind::Guidance
        );
        if !lawlike {
            continue;
        }
        let files = files_of.get(&b).map_or(&[][..], Vec::as_slice);
        if files.iter().all(|&i| imported(&entities[i].entity)) {
            continue;
        }
        let official = files.iter().any(|&i| {
            entities[i]
                .entity
                .sources
                .iter()
                .any(|s| s.url.as_deref().is_some_and(official_url))
        });
        if official {
            continue;
        }
        let at = located(entities[b].file);
        let loc = at
            .written_key(&[Key("sources")])
            .unwrap_or_else(|| at.value(&[Key("id")]));
        diags.push(
            Diagnostic::warning(
                "no-official-source",
                loc,
                format!("{} `{}` cites no official source", a(kind), base.id),
            )
            .with_label("no official address")
            .with_help("add the official record's address beside the others: the legislature's own bill page for a state bill; congress.gov, govinfo.gov or uscode.house.gov for federal law; federalregister.gov for orders and rules; the agency's own site for guidance (official hosts: `OFFICIAL_HOSTS` in src/check.rs)"),
        );
    }
}

/// Two entities with the same alias (compared as lookups compare them:
/// case, spacing and Chinese script aside): a reference by that alias is
/// ambiguous. Reported at the later entity's alias (in id order), with the
/// first one's as related. Not between two imported entities: the official
/// record gives many bills the same title ("To amend ..."), and nobody can
/// edit that away; a lookup by such a title lists them all.
fn check_shared_aliases<'f>(
    entities: &[crate::load::Loaded],
    keep: &[usize],
    located: &dyn Fn(usize) -> &'f Located<'f>,
    diags: &mut Vec<Diagnostic>,
) {
    let mut order: Vec<usize> = keep.to_vec();
    order.sort_by(|&a, &b| entities[a].entity.id.cmp(&entities[b].entity.id));
    // Normalized alias -> (entity position, alias index) of its first owner.
    let mut first: HashMap<String, (usize, usize)> = HashMap::new();
    for i in order {
        let e = &entities[i].entity;
        let mut own: Vec<String> = Vec::new();
        for (k, alias) in e.aliases.iter().enumerate() {
            let key = crate::resolve::normalize(alias);
            if key.is_empty() || own.contains(&key) {
                continue;
            }
            own.push(key.clone());
            match first.get(&key) {
                Some(&(j, _)) if imported(e) && imported(&entities[j].entity) => {}
                Some(&(j, jk)) => {
                    let other = &entities[j];
                    diags.push(
                        Diagnostic::warning(
                            "shared-alias",
                            located(entities[i].file).value(&[Key("aliases"), Index(k)]),
                            format!(
                                "alias `{alias}` of `{}` is also an alias of `{}`",
                                e.id, other.entity.id
                            ),
                        )
                        .with_label("shared alias")
                        .with_related(
                            located(other.file).value(&[Key("aliases"), Index(jk)]),
                            format!("alias of `{}`", other.entity.id),
                        )
                        .with_help(
                            "a reference by this alias is ambiguous; keep it on one entity, or make each more specific",
                        ),
                    );
                }
                None => {
                    first.insert(key, (i, k));
                }
            }
        }
    }
}

/// The cycle through `head` inside a strongly connected component, as ids,
/// starting and ending with `head`.
fn cycle_path<'a>(
    head: &'a str,
    members: &std::collections::BTreeSet<&'a str>,
    at: &PartOf<'a>,
) -> Vec<&'a str> {
    // Breadth-first search back to the head: the shortest cycle, and
    // deterministic because targets are tried in id order.
    let mut prev: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([head]);
    while let Some(n) = queue.pop_front() {
        let mut next: Vec<&str> = at
            .get(n)
            .map(|ps| {
                ps.iter()
                    .map(|&(_, t, _)| t)
                    .filter(|t| members.contains(t))
                    .collect()
            })
            .unwrap_or_default();
        next.sort_unstable();
        for t in next {
            if t == head {
                let mut path = vec![head, n];
                let mut cur = n;
                while let Some(&p) = prev.get(cur) {
                    path.push(p);
                    cur = p;
                }
                // `path` is head, n, ..., head: the cycle read backwards.
                path.reverse();
                return path;
            }
            if !prev.contains_key(t) && t != head {
                prev.insert(t, n);
                queue.push_back(t);
            }
        }
    }
    vec![head, head]
}

/// Hosts that republish or aggregate Wikipedia's articles. A copy can lag
/// or alter the original and is never the record of a vote, a signing or a
/// date, so `check` warns when a source cites one.
const WIKIPEDIA_MIRRORS: &[&str] = &[
    "alchetron.com",
    "dbpedia.org",
    "en-academic.com",
    "everipedia.org",
    "infogalactic.com",
    "movatter.jp",
    "wiki2.org",
    "wikimili.com",
    "wikiwand.com",
    "wikizero.com",
];

/// Wikimedia's own sites: not copies of themselves.
const WIKIMEDIA: &[&str] = &[
    "wikipedia.org",
    "wikisource.org",
    "wikimedia.org",
    "wikidata.org",
];

/// Whether `host` is `domain` or one of its subdomains.
fn on_domain(host: &str, domain: &str) -> bool {
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.'))
}

/// Why `url` is a copy of a Wikipedia (or Wikisource) page, if it is one:
/// its host is a known mirror, or it is another site that serves a
/// Wikimedia address through a proxy (the address appears in its path or
/// query).
fn wikipedia_copy(url: &str) -> Option<String> {
    let lower = url.trim().to_ascii_lowercase();
    let rest = lower.split_once("://").map_or(lower.as_str(), |(_, r)| r);
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = host.split(':').next().unwrap_or(host).trim_end_matches('.');
    if WIKIPEDIA_MIRRORS.iter().any(|m| on_domain(host, m)) {
        return Some(format!("`{host}`, a mirror of Wikipedia"));
    }
    let own = WIKIMEDIA.iter().any(|d| on_domain(host, d));
    let proxied = WIKIMEDIA.iter().find(|d| tail.contains(*d));
    match proxied {
        Some(d) if !own => Some(format!("`{host}`, which serves a copy of a {d} page")),
        _ => None,
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

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::load::{parse_entity, Loaded};

    /// Loads `(path, text)` pairs as `load_dir` would, then checks them.
    pub(crate) fn run(files: &[(&str, &str)]) -> Checked {
        let mut out = LoadResult::default();
        for (i, (path, text)) in files.iter().enumerate() {
            let rel = PathBuf::from(path);
            match parse_entity(&rel, text) {
                Ok(entity) => out.entities.push(Loaded { entity, file: i }),
                Err(d) => out.diagnostics.push(*d),
            }
            out.files.push(SourceFile {
                path: rel,
                text: (*text).to_owned(),
            });
        }
        check(out)
    }

    pub(crate) fn agency(id: &str, extra: &str) -> String {
        format!("(\n    id: \"{id}\",\n    kind: agency,\n    name: \"{id}\",\n    jurisdiction: \"US\",\n{extra}    sources: [(title: \"s\")],\n)\n")
    }

    /// `(code, path:line:col)` of every diagnostic, in order.
    pub(crate) fn found(c: &Checked) -> Vec<(&'static str, String)> {
        c.diagnostics
            .iter()
            .map(|d| {
                let l = &d.location;
                (d.code, format!("{}:{}:{}", l.path.display(), l.line, l.col))
            })
            .collect()
    }

    #[test]
    fn official_hosts_match_whole_domain_labels() {
        for url in [
            "https://www.federalregister.gov/d/2025-18226",
            "https://capitol.texas.gov/billlookup/BillSummary.aspx?Bill=SB21&LegSess=89R",
            "HTTPS://USCODE.HOUSE.GOV/view.xhtml",
            "https://www.gencourt.state.nh.us/bill_status/",
            "https://www.palegis.us/legislation/bills/2023/hb2664",
            "http://user@www.dol.gov:443/agencies/ebsa",
        ] {
            assert!(official_url(url), "{url}");
        }
        for url in [
            "https://www.federalregister.gov.example.com/d/1",
            "https://notgov.com/",
            "https://example.com/?next=https://www.congress.gov/",
            "ftp://www.congress.gov/",
            "www.congress.gov/bill",
            "https://gencourt.state.nh.us.example.org/",
        ] {
            assert!(!official_url(url), "{url}");
        }
    }

    #[test]
    fn a_valid_corpus_becomes_a_sorted_corpus() {
        let b = agency("b", "    relations: [(rel: part_of, to: \"a\")],\n");
        let c = run(&[("z/b.ron", &b), ("a.ron", &agency("a", ""))]);
        assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
        let corpus = c.corpus.unwrap();
        let ids: Vec<&str> = corpus.entities.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["a", "b"]);
        assert_eq!(corpus.paths[1], PathBuf::from("z/b.ron"));
    }

    #[test]
    fn cycle_of_three_names_every_link() {
        let rel = |to: &str| format!("    relations: [(rel: part_of, to: \"{to}\")],\n");
        let c = run(&[
            ("a.ron", &agency("a", &rel("b"))),
            ("b.ron", &agency("b", &rel("c"))),
            ("c.ron", &agency("c", &rel("a"))),
            ("d.ron", &agency("d", &rel("a"))),
        ]);
        assert_eq!(found(&c), [("part-of-cycle", "a.ron:6:36".to_owned())]);
        let d = &c.diagnostics[0];
        assert_eq!(d.message, "`part_of` forms a cycle: a -> b -> c -> a");
        let related: Vec<(String, usize)> = d
            .related
            .iter()
            .map(|r| (r.label.clone(), r.location.line))
            .collect();
        assert_eq!(
            related,
            [
                ("`b` is part of `c`".to_owned(), 6),
                ("`c` is part of `a`".to_owned(), 6)
            ]
        );
        assert!(c.corpus.is_none());
    }

    #[test]
    fn references_are_located_by_position_not_by_text() {
        // `dol` appears in several places; only the bad ones are blamed.
        let eo = r#"(
    id: "eo",
    kind: executive_order,
    name: "EO",
    jurisdiction: "US",
    events: [
        (date: "2025-01-01", stage: signed, by: "dol", source: 0),
        (date: "2025-01-02", stage: published, by: "dool", source: 0),
    ],
    deadlines: [
        (due: "2025-06-01", owner: "dol", what: "x", fulfilled_by: ["dol", "dlo"], source: 0),
    ],
    relations: [
        (rel: directs, to: "dol", note: "to: \"dol\"", source: 0),
        (rel: directs, to: "eo", source: 1),
    ],
    sources: [(title: "s", url: "https://www.federalregister.gov/")],
)
"#;
        let c = run(&[("dol.ron", &agency("dol", "")), ("eo.ron", eo)]);
        assert_eq!(
            found(&c),
            [
                ("dangling-reference", "eo.ron:8:52".to_owned()),
                ("dangling-reference", "eo.ron:11:76".to_owned()),
                ("self-relation", "eo.ron:15:28".to_owned()),
                ("bad-source", "eo.ron:15:42".to_owned()),
            ]
        );
        assert_eq!(
            c.diagnostics[0].help.as_deref(),
            Some("did you mean `dol`?")
        );
    }

    #[test]
    fn duplicates_are_each_reported_against_the_first() {
        let a = agency("a", "");
        let c = run(&[("a.ron", &a), ("x/a.ron", &a), ("y/a.ron", &a)]);
        assert_eq!(
            found(&c),
            [
                ("duplicate-id", "x/a.ron:2:9".to_owned()),
                ("duplicate-id", "y/a.ron:2:9".to_owned()),
            ]
        );
        for d in &c.diagnostics {
            assert_eq!(d.related[0].location.path, PathBuf::from("a.ron"));
        }
    }

    #[test]
    fn language_tags_figures_and_sequences() {
        let names = agency("a", "    names: {\"zh-Hant\": \"x\"},\n    summaries: {\"zh-Hant\": \"y\", \"en\": \"z\"},\n");
        let fig = agency(
            "f",
            "    figure: (value: 1.0, unit: \"USD\", as_of: \"2025-01-01\"),\n",
        );
        let bill = r#"(id: "b", kind: bill, name: "B", jurisdiction: "US", sources: [(title: "s", url: "https://www.congress.gov/")],
    events: [
        (date: "2025-01-01", stage: introduced),
        (date: "2025-02-01", stage: vetoed),
        (date: "2025-03-01", stage: signed),
    ])"#;
        let c = run(&[("a.ron", &names), ("b.ron", bill), ("f.ron", &fig)]);
        assert_eq!(
            found(&c),
            [
                ("invalid-language", "a.ron:7:33".to_owned()),
                ("impossible-sequence", "b.ron:5:16".to_owned()),
                ("figure", "f.ron:6:5".to_owned()),
            ]
        );
    }

    #[test]
    fn an_empty_directory_is_a_problem() {
        let c = run(&[]);
        assert_eq!(found(&c), [("empty", ".:1:1".to_owned())]);
    }

    #[test]
    fn permute_puts_each_element_in_its_place() {
        let mut x: u64 = 3;
        for n in [0usize, 1, 2, 7, 100, 1000] {
            let mut order: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                order.swap(i, (x >> 33) as usize % (i + 1));
            }
            let mut v: Vec<String> = (0..n).map(|i| i.to_string()).collect();
            let want: Vec<String> = order.iter().map(|i| i.to_string()).collect();
            permute(&mut v, &order);
            assert_eq!(v, want, "n = {n}");
        }
    }

    #[test]
    fn wikipedia_copies_are_recognised_by_host_or_proxied_address() {
        let copy = |u: &str| wikipedia_copy(u).is_some();
        assert!(copy(
            "http://movatter.jp/mt/?url=http%3A%2F%2Fen.wikipedia.org%2Fwiki%2FX"
        ));
        assert!(copy("https://www.wikiwand.com/en/GENIUS_Act"));
        assert!(copy("HTTPS://User@WIKIWAND.COM:443/en/X"));
        assert!(copy(
            "https://file-hippo.netlify.app/host-https-en.wikisource.org/wiki/Employee_Retirement_Income_Security_Act_of_1974"
        ));
        // Wikimedia's own sites, look-alike hosts and primary records pass.
        assert!(!copy("https://en.wikipedia.org/wiki/GENIUS_Act"));
        assert!(!copy("https://en.wikisource.org/wiki/X"));
        assert!(!copy("https://notwikiwand.com/x"));
        assert!(!copy(
            "https://www.congress.gov/bill/119th-congress/senate-bill/1582"
        ));
        assert!(!copy("not a url"));
    }

    #[test]
    fn suggestions_rank_the_closest_first() {
        let ids = ["treasury", "sec", "dol", "ebsa"];
        assert_eq!(suggest("tresury", ids), ["treasury"]);
        assert_eq!(
            suggest("dool", ids).first().map(String::as_str),
            Some("dol")
        );
        assert!(suggest("zzzzzz", ids).is_empty());
    }

    /// A `part_of` cycle that closes through an imported file merged into
    /// a hand-written entity is found, at the links that make it.
    #[test]
    fn a_part_of_cycle_through_an_imported_file_is_found() {
        let a = agency("a", "    relations: [(rel: part_of, to: \"b\")],\n");
        let b = agency("b", "");
        let b_imported = "(id: \"b\", kind: agency, name: \"b\", jurisdiction: \"US\", summary: \"\",\n    relations: [(rel: part_of, to: \"a\", source: 0)],\n    sources: [(title: \"api\")],\n    provenance: (importer: \"t\", from: \"f\", retrieved: \"2025-01-05\"))\n";
        let c = run(&[
            ("a.ron", &a),
            ("b.ron", &b),
            ("imported/t/b.ron", b_imported),
        ]);
        assert_eq!(found(&c), [("part-of-cycle", "a.ron:6:36".to_owned())]);
        let d = &c.diagnostics[0];
        assert_eq!(d.message, "`part_of` forms a cycle: a -> b -> a");
        assert_eq!(
            d.related[0].location.path,
            PathBuf::from("imported/t/b.ron")
        );
    }
}
