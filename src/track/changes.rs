//! What changed between two versions of the knowledge base: two git
//! revisions, a revision and the working tree, or two directories.
//!
//! Each version is read into a [`Side`] without full validation (a version
//! may be broken; files that do not parse become warnings), and
//! [`changes`] compares two sides entity by entity.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Serialize;

use crate::load::{self, MAX_FILE_BYTES};
use crate::model::{Date, Entity, Kind, RelationKind, Stage};
use crate::{Error, Result};

/// One version of the knowledge base: its entities by id.
#[derive(Clone, Debug, Default)]
pub struct Side {
    /// What the version is: a revision, `working tree`, or a directory.
    pub label: String,
    /// Entities by id, each merged from its hand-written and imported
    /// files as `check` merges them.
    pub entities: BTreeMap<String, Entity>,
    /// Files that could not be read or parsed, and duplicate ids.
    pub warnings: Vec<String>,
}

impl Side {
    /// Reads every `.ron` file under `dir`.
    pub fn from_dir(dir: &Path, label: impl Into<String>) -> Result<Side> {
        let label: String = label.into();
        Ok(Side::from_listed(dir, &label, load::list_files(dir)?))
    }

    /// Reads every `.ron` file under `knowledge` as it was committed in the
    /// git revision `rev` of the repository that holds `knowledge`.
    pub fn from_git(knowledge: &Path, rev: &str) -> Result<Side> {
        let repo = GitRepo::find(knowledge)?;
        let commit = repo.commit(rev)?;
        let files = repo.files(&commit)?;
        Side::from_blobs(&repo, rev, &files)
    }

    /// Reads `files` (path relative to the knowledge directory, blob id)
    /// of the repository `repo`, as the version `label`.
    pub(crate) fn from_blobs(
        repo: &GitRepo,
        label: &str,
        files: &[(PathBuf, String)],
    ) -> Result<Side> {
        let mut side = Side {
            label: label.to_owned(),
            ..Side::default()
        };
        let blobs = repo.blobs(files.iter().map(|(_, sha)| sha.as_str()))?;
        let mut parsed = Vec::with_capacity(files.len());
        for ((rel, _), blob) in files.iter().zip(blobs) {
            let text = match blob {
                None => {
                    side.warn(rel, "missing from the repository");
                    continue;
                }
                Some(b) if b.len() as u64 > MAX_FILE_BYTES => {
                    side.warn(rel, &format!("file is {} bytes; skipped", b.len()));
                    continue;
                }
                Some(b) => match String::from_utf8(b) {
                    Ok(t) => t,
                    Err(_) => {
                        side.warn(rel, "file is not valid UTF-8");
                        continue;
                    }
                },
            };
            match load::parse_entity(rel, &text) {
                Ok(e) => parsed.push((e, rel.clone())),
                Err(d) => side.warn_diag(&d),
            }
        }
        side.settle(parsed);
        Ok(side)
    }

    /// Reads the files `paths` (relative to `dir`) as the version `label`,
    /// with the diagnostics of the walk that listed them.
    pub(crate) fn from_listed(
        dir: &Path,
        label: &str,
        listed: (Vec<PathBuf>, Vec<crate::diag::Diagnostic>),
    ) -> Side {
        let loaded = load::load_listed(dir, listed);
        let mut side = Side {
            label: label.to_owned(),
            ..Side::default()
        };
        for d in &loaded.diagnostics {
            side.warn_diag(d);
        }
        let mut files = Vec::with_capacity(loaded.entities.len());
        for l in loaded.entities {
            let path = loaded
                .files
                .get(l.file)
                .map(|f| f.path.clone())
                .unwrap_or_default();
            files.push((l.entity, path));
        }
        side.settle(files);
        side
    }

    /// Makes one entity of the files of each id (see [`settle`]), and
    /// sorts the warnings so that every way of reading a version lists
    /// them in one order.
    fn settle(&mut self, files: Vec<(Entity, PathBuf)>) {
        let (entities, dups) = settle(files);
        self.entities = entities;
        for (path, msg) in dups {
            self.warn(&path, &msg);
        }
        self.warnings.sort();
    }

    fn warn(&mut self, path: &Path, msg: &str) {
        self.warnings
            .push(format!("{}: {}: {msg}", self.label, path.display()));
    }

    fn warn_diag(&mut self, d: &crate::diag::Diagnostic) {
        self.warnings
            .push(format!("{}: {}", self.label, diag_line(d)));
    }
}

/// A diagnostic as one line of a [`Side`]'s warnings, without the label:
/// `PATH:LINE:COL: MESSAGE`.
pub fn diag_line(d: &crate::diag::Diagnostic) -> String {
    let l = &d.location;
    format!("{}:{}:{}: {}", l.path.display(), l.line, l.col, d.message)
}

/// Makes one entity of the files of each id, as `check` and the index
/// do: a hand-written file and the files importers wrote for the same
/// id (one per importer) are one entity, merged into the hand-written
/// file, else into the first complete import in path order (see
/// [`crate::import::merge::merge`]). A second file of the same writer
/// is a duplicate: the first path wins, and the warning returned names
/// the other (its path and the message).
pub fn settle(
    mut files: Vec<(Entity, PathBuf)>,
) -> (BTreeMap<String, Entity>, Vec<(PathBuf, String)>) {
    use crate::import::merge::{base_rank, importer_of, merge};
    files.sort_by(|a, b| a.1.cmp(&b.1));
    let mut groups: BTreeMap<String, Vec<(Entity, PathBuf)>> = BTreeMap::new();
    for (e, path) in files {
        groups.entry(e.id.clone()).or_default().push((e, path));
    }
    let mut entities = BTreeMap::new();
    let mut dups = Vec::new();
    for (id, group) in groups {
        let mut writers: Vec<Option<String>> = Vec::new();
        let mut kept: Vec<Entity> = Vec::new();
        for (e, path) in group {
            let writer = importer_of(&e).map(str::to_owned);
            if writers.contains(&writer) {
                dups.push((path, format!("duplicate id `{id}`; this copy is ignored")));
            } else {
                writers.push(writer);
                kept.push(e);
            }
        }
        let Some(rank) = kept.iter().map(base_rank).min() else {
            continue;
        };
        let at = kept.iter().position(|e| base_rank(e) == rank).unwrap_or(0);
        let mut base = kept.remove(at);
        for over in kept {
            merge(&mut base, over);
        }
        entities.insert(id, base);
    }
    (entities, dups)
}

/// An entity added or removed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntityChange {
    /// The entity id.
    pub id: String,
    /// Its kind.
    pub kind: Kind,
    /// Its English name.
    pub name: String,
    /// Its status in that version, for kinds that have one.
    pub status: Option<Stage>,
}

/// An entity present in both versions whose content differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Modified {
    /// The entity id.
    pub id: String,
    /// Its kind (in the new version).
    pub kind: Kind,
    /// Its English name (in the new version).
    pub name: String,
    /// The top-level fields that differ, such as `events` or `summary`.
    pub fields: Vec<String>,
}

/// A relation, identified by its source, kind and target.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RelationKey {
    /// The entity whose file holds the relation.
    pub from: String,
    /// The relation.
    pub rel: RelationKind,
    /// The target entity.
    pub to: String,
}

/// An entity whose status differs between the versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatusChange {
    /// The entity id.
    pub id: String,
    /// Its English name (in the new version).
    pub name: String,
    /// The status in the old version (`None`: no events).
    pub before: Option<Stage>,
    /// The status in the new version.
    pub after: Option<Stage>,
}

/// Everything that changed from one version to another. Every list is
/// sorted by id (relations by source, kind, target).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Changes {
    /// The old version's label.
    pub old: String,
    /// The new version's label.
    pub new: String,
    /// Entities only in the new version.
    pub added: Vec<EntityChange>,
    /// Entities only in the old version.
    pub removed: Vec<EntityChange>,
    /// Entities in both whose content differs.
    pub modified: Vec<Modified>,
    /// Relations only in the new version.
    pub relations_added: Vec<RelationKey>,
    /// Relations only in the old version.
    pub relations_removed: Vec<RelationKey>,
    /// Entities in both whose status differs.
    pub status_changes: Vec<StatusChange>,
    /// Problems reading either version.
    pub warnings: Vec<String>,
}

impl Changes {
    /// Whether nothing changed (warnings aside).
    pub fn is_empty(&self) -> bool {
        self.added.is_empty()
            && self.removed.is_empty()
            && self.modified.is_empty()
            && self.relations_added.is_empty()
            && self.relations_removed.is_empty()
            && self.status_changes.is_empty()
    }
}

fn status_of(e: &Entity, as_of: Option<Date>) -> Option<Stage> {
    if e.kind.has_status() {
        e.status(as_of)
    } else {
        None
    }
}

fn summary(e: &Entity, as_of: Option<Date>) -> EntityChange {
    EntityChange {
        id: e.id.clone(),
        kind: e.kind,
        name: e.name.clone(),
        status: status_of(e, as_of),
    }
}

fn relation_keys(side: &Side) -> BTreeSet<RelationKey> {
    side.entities
        .values()
        .flat_map(|e| {
            e.relations.iter().map(|r| RelationKey {
                from: e.id.clone(),
                rel: r.rel,
                to: r.to.clone(),
            })
        })
        .collect()
}

/// The top-level fields whose values differ, compared as data (so that
/// reformatting a file or reordering its fields changes nothing).
fn changed_fields(a: &Entity, b: &Entity) -> Vec<String> {
    let (Ok(serde_json::Value::Object(a)), Ok(serde_json::Value::Object(b))) =
        (serde_json::to_value(a), serde_json::to_value(b))
    else {
        return vec!["(entity)".to_owned()];
    };
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// Compares two versions. Statuses are taken as of `as_of` (the latest
/// event when `None`).
pub fn changes(old: &Side, new: &Side, as_of: Option<Date>) -> Changes {
    let mut c = Changes {
        old: old.label.clone(),
        new: new.label.clone(),
        ..Changes::default()
    };
    for (id, e) in &new.entities {
        match old.entities.get(id) {
            None => c.added.push(summary(e, as_of)),
            Some(before) => {
                let fields = changed_fields(before, e);
                if !fields.is_empty() {
                    c.modified.push(Modified {
                        id: id.clone(),
                        kind: e.kind,
                        name: e.name.clone(),
                        fields,
                    });
                }
                let (b, a) = (status_of(before, as_of), status_of(e, as_of));
                if b != a {
                    c.status_changes.push(StatusChange {
                        id: id.clone(),
                        name: e.name.clone(),
                        before: b,
                        after: a,
                    });
                }
            }
        }
    }
    for (id, e) in &old.entities {
        if !new.entities.contains_key(id) {
            c.removed.push(summary(e, as_of));
        }
    }
    let (ro, rn) = (relation_keys(old), relation_keys(new));
    c.relations_added = rn.difference(&ro).cloned().collect();
    c.relations_removed = ro.difference(&rn).cloned().collect();
    c.warnings = old.warnings.iter().chain(&new.warnings).cloned().collect();
    c
}

/// The git repository holding a knowledge directory.
pub(crate) struct GitRepo {
    /// The repository's top level.
    pub(crate) top: PathBuf,
    /// The knowledge directory relative to `top`, with a trailing `/`, or
    /// empty when it is the top level.
    pub(crate) prefix: String,
}

impl GitRepo {
    pub(crate) fn find(knowledge: &Path) -> Result<GitRepo> {
        let out = git(knowledge, &["rev-parse", "--show-toplevel", "--show-prefix"])
            .map_err(|e| match e {
                GitError::Failed(msg) if msg.contains("not a git repository") => {
                    Error::Tool(format!(
                        "`{}` is not inside a git repository; to compare two directories, use `policygraph changes --dirs OLD NEW`",
                        knowledge.display()
                    ))
                }
                e => e.into(),
            })?;
        let text = String::from_utf8_lossy(&out);
        let mut lines = text.lines();
        let top = PathBuf::from(lines.next().unwrap_or_default());
        let prefix = lines.next().unwrap_or_default().to_owned();
        Ok(GitRepo { top, prefix })
    }

    /// The full commit id `rev` names.
    pub(crate) fn commit(&self, rev: &str) -> Result<String> {
        let unknown = || {
            Error::Usage(format!(
                "unknown revision `{rev}` in the git repository at `{}`",
                self.top.display()
            ))
        };
        if rev.is_empty() || rev.starts_with('-') {
            return Err(unknown());
        }
        let spec = format!("{rev}^{{commit}}");
        let out =
            git(&self.top, &["rev-parse", "--verify", "--quiet", &spec]).map_err(|e| match e {
                GitError::Failed(_) => unknown(),
                e => e.into(),
            })?;
        Ok(String::from_utf8_lossy(&out).trim().to_owned())
    }

    /// The `.ron` files under the knowledge directory in `commit`, as
    /// (path relative to the knowledge directory, blob id), sorted by path.
    pub(crate) fn files(&self, commit: &str) -> Result<Vec<(PathBuf, String)>> {
        let spec = if self.prefix.is_empty() {
            "."
        } else {
            self.prefix.as_str()
        };
        let out = git(
            &self.top,
            &["ls-tree", "-r", "-z", "--full-tree", commit, "--", spec],
        )?;
        let mut files = Vec::new();
        for entry in out.split(|&b| b == 0).filter(|e| !e.is_empty()) {
            let entry = String::from_utf8_lossy(entry);
            // `<mode> SP <type> SP <object> TAB <path>`
            let Some((meta, path)) = entry.split_once('\t') else {
                continue;
            };
            let mut parts = meta.split(' ');
            let (Some(mode), Some(kind), Some(sha)) = (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            let Some(rel) = path.strip_prefix(self.prefix.as_str()) else {
                continue;
            };
            let hidden = rel.split('/').any(|c| c.starts_with('.'));
            // A symbolic link's blob is its target's path, not an entity.
            if kind == "blob" && mode != "120000" && rel.ends_with(".ron") && !hidden {
                files.push((PathBuf::from(rel), sha.to_owned()));
            }
        }
        files.sort();
        Ok(files)
    }

    /// The contents of blobs, in order, through one `git cat-file --batch`;
    /// `None` for a missing object.
    pub(crate) fn blobs<'a>(
        &self,
        shas: impl Iterator<Item = &'a str>,
    ) -> Result<Vec<Option<Vec<u8>>>> {
        let input: String = shas.map(|s| format!("{s}\n")).collect();
        if input.is_empty() {
            return Ok(Vec::new());
        }
        let mut child = Command::new("git")
            .arg("-C")
            .arg(&self.top)
            .args(["cat-file", "--batch"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| Error::from(GitError::Spawn(e)))?;
        let mut stdin = child
            .stdin
            .take()
            .ok_or_else(|| Error::Tool("git cat-file: no stdin".into()))?;
        // Write from another thread: git answers while it reads, and a full
        // stdout pipe would otherwise block both sides.
        let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
        let out = child
            .wait_with_output()
            .map_err(|e| Error::from(GitError::Spawn(e)))?;
        let written = writer.join();
        if !out.status.success() || !matches!(written, Ok(Ok(()))) {
            return Err(GitError::Failed(String::from_utf8_lossy(&out.stderr).into_owned()).into());
        }
        parse_batch(&out.stdout)
    }
}

/// Splits `git cat-file --batch` output: a header line per object
/// (`<sha> <type> <size>`, or `<name> missing`), then `size` bytes and a
/// newline.
fn parse_batch(mut buf: &[u8]) -> Result<Vec<Option<Vec<u8>>>> {
    let bad = || Error::Tool("unexpected output from `git cat-file --batch`".into());
    let mut out = Vec::new();
    while !buf.is_empty() {
        let nl = buf.iter().position(|&b| b == b'\n').ok_or_else(bad)?;
        let header = String::from_utf8_lossy(&buf[..nl]).into_owned();
        buf = &buf[nl + 1..];
        if header.ends_with(" missing") {
            out.push(None);
            continue;
        }
        let size: usize = header
            .rsplit(' ')
            .next()
            .and_then(|s| s.parse().ok())
            .ok_or_else(bad)?;
        if buf.len() < size + 1 {
            return Err(bad());
        }
        out.push(Some(buf[..size].to_vec()));
        buf = &buf[size + 1..];
    }
    Ok(out)
}

pub(crate) enum GitError {
    Spawn(std::io::Error),
    Failed(String),
}

impl From<GitError> for Error {
    fn from(e: GitError) -> Error {
        match e {
            GitError::Spawn(e) if e.kind() == std::io::ErrorKind::NotFound => Error::Tool(
                "`git` is not installed or not on PATH; to compare two directories, use `policygraph changes --dirs OLD NEW`".into(),
            ),
            GitError::Spawn(e) => Error::Tool(format!("cannot run git: {e}")),
            GitError::Failed(msg) => Error::Tool(format!("git failed: {}", msg.trim())),
        }
    }
}

/// Runs git in `dir` and returns its stdout.
pub(crate) fn git(dir: &Path, args: &[&str]) -> std::result::Result<Vec<u8>, GitError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(GitError::Spawn)?;
    if out.status.success() {
        Ok(out.stdout)
    } else {
        Err(GitError::Failed(
            String::from_utf8_lossy(&out.stderr).into_owned(),
        ))
    }
}
