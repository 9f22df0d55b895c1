//! `changes` between git versions at the cost of what changed: git says
//! which files differ (between two commits, their trees' blob ids;
//! between a commit and the working tree, `git diff --name-only` and the
//! files only one side has), and only those files and the other files of
//! the same ids are read, in both versions. An entity all of whose files
//! are the same in both versions cannot have changed, so the comparison
//! of what was read is the comparison of the whole.
//!
//! A file's id is its name (`check`'s `id-mismatch` error says so): the
//! other files of an id are found by name. When a file read holds an id
//! that differs from its name, [`sides`] gives up and the caller reads
//! every file. Warnings name the files read, not every broken file of
//! both versions.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use super::changes::{git, GitRepo, Side};
use crate::Result;

fn stem(p: &Path) -> Option<String> {
    p.file_stem().map(|s| s.to_string_lossy().into_owned())
}

/// The two versions of `changes OLD [NEW]` (NEW: the working tree when
/// `None`), holding the ids whose files differ; `None` when a file read
/// holds an id other than its name.
pub fn sides(knowledge: &Path, old: &str, new: Option<&str>) -> Result<Option<(Side, Side)>> {
    let repo = GitRepo::find(knowledge)?;
    let old_commit = repo.commit(old)?;
    let old_files: BTreeMap<PathBuf, String> = repo.files(&old_commit)?.into_iter().collect();
    let mut changed: BTreeSet<PathBuf> = BTreeSet::new();
    let (a, b, ids) = match new {
        Some(rev) => {
            let new_files: BTreeMap<PathBuf, String> =
                repo.files(&repo.commit(rev)?)?.into_iter().collect();
            for (p, sha) in &old_files {
                if new_files.get(p) != Some(sha) {
                    changed.insert(p.clone());
                }
            }
            changed.extend(
                new_files
                    .keys()
                    .filter(|p| !old_files.contains_key(*p))
                    .cloned(),
            );
            let ids: BTreeSet<String> = changed.iter().filter_map(|p| stem(p)).collect();
            let pick = |files: &BTreeMap<PathBuf, String>| -> Vec<(PathBuf, String)> {
                files
                    .iter()
                    .filter(|(p, _)| stem(p).is_some_and(|s| ids.contains(&s)))
                    .map(|(p, s)| (p.clone(), s.clone()))
                    .collect()
            };
            let a = Side::from_blobs(&repo, old, &pick(&old_files))?;
            let b = Side::from_blobs(&repo, rev, &pick(&new_files))?;
            (a, b, ids)
        }
        None => {
            let (paths, problems) = crate::load::list_files(knowledge)?;
            let spec = if repo.prefix.is_empty() {
                "."
            } else {
                repo.prefix.as_str()
            };
            let out = git(
                &repo.top,
                &[
                    "diff",
                    "--name-only",
                    "-z",
                    "--no-renames",
                    "--no-ext-diff",
                    &old_commit,
                    "--",
                    spec,
                ],
            )?;
            for p in out.split(|&b| b == 0).filter(|p| !p.is_empty()) {
                let p = String::from_utf8_lossy(p);
                if let Some(rel) = p.strip_prefix(repo.prefix.as_str()) {
                    if rel.ends_with(".ron") {
                        changed.insert(PathBuf::from(rel));
                    }
                }
            }
            let here: BTreeSet<&PathBuf> = paths.iter().collect();
            changed.extend(
                paths
                    .iter()
                    .filter(|p| !old_files.contains_key(*p))
                    .cloned(),
            );
            changed.extend(old_files.keys().filter(|p| !here.contains(p)).cloned());
            let ids: BTreeSet<String> = changed.iter().filter_map(|p| stem(p)).collect();
            let old_pick: Vec<(PathBuf, String)> = old_files
                .iter()
                .filter(|(p, _)| stem(p).is_some_and(|s| ids.contains(&s)))
                .map(|(p, s)| (p.clone(), s.clone()))
                .collect();
            let new_pick: Vec<PathBuf> = paths
                .into_iter()
                .filter(|p| stem(p).is_some_and(|s| ids.contains(&s)))
                .collect();
            let a = Side::from_blobs(&repo, old, &old_pick)?;
            let b = Side::from_listed(knowledge, "working tree", (new_pick, problems));
            (a, b, ids)
        }
    };
    // A file read whose id is not its name: its id's other files may lie
    // anywhere, so the caller reads every file.
    if a.entities
        .keys()
        .chain(b.entities.keys())
        .any(|id| !ids.contains(id))
    {
        return Ok(None);
    }
    Ok(Some((a, b)))
}
