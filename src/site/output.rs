//! Writing the site into its directory without losing anything else there.
//!
//! Pages are rendered into a stage inside the target directory
//! (`.policygraph-stage-PID-*`, see [`fsio::Stage`]); a page whose bytes
//! are already in the target is not written at all, so unchanged files keep
//! their inode and modification time. When every page is rendered, the
//! staged files are renamed into place one by one (each file is whole at
//! every moment), the files that the previous build's manifest lists and
//! this build no longer makes are deleted, and the manifest is written
//! last. Nothing else in the directory is touched: a `.git`, a `CNAME`, a
//! hand-written `about.html` stay. A symlinked target is followed, and
//! `-o .` inside a site works like any other directory.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::fsio;
use crate::{Error, Result};

/// The prefix of a build in progress inside the site's directory.
const STAGE: &str = ".policygraph-stage";

/// A site being built into its directory.
pub(crate) struct Output {
    /// The site's directory, with symbolic links resolved.
    pub target: PathBuf,
    stage: fsio::Stage,
    /// What the new site holds, with whether each file was staged (new
    /// bytes) or is already in place.
    files: Mutex<Vec<(String, bool)>>,
    /// Files written with new bytes.
    pub written: AtomicUsize,
    /// Files kept from the previous build.
    pub kept: AtomicUsize,
}

impl Output {
    /// Starts a build of the site in `target` (made when missing).
    pub fn start(target: &Path) -> Result<Output> {
        let target = fsio::resolve(target);
        std::fs::create_dir_all(&target).map_err(|e| Error::io(&target, e))?;
        let target = std::fs::canonicalize(&target).map_err(|e| Error::io(&target, e))?;
        let stage = fsio::Stage::create(&target, STAGE)?;
        Ok(Output {
            target,
            stage,
            files: Mutex::new(Vec::new()),
            written: AtomicUsize::new(0),
            kept: AtomicUsize::new(0),
        })
    }

    fn note(&self, rel: &str, staged: bool) {
        let mut f = match self.files.lock() {
            Ok(f) => f,
            Err(poisoned) => poisoned.into_inner(),
        };
        f.push((rel.to_owned(), staged));
    }

    /// Puts a file into the new site: nothing to do when the site already
    /// holds these bytes, else they are staged.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let prev = self.target.join(rel);
        if let Ok(meta) = std::fs::metadata(&prev) {
            if meta.is_file()
                && meta.len() == bytes.len() as u64
                && std::fs::read(&prev).is_ok_and(|b| b == bytes)
            {
                self.note(rel, false);
                self.kept.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
        }
        self.stage.write(rel, bytes)?;
        self.note(rel, true);
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Keeps a file of the previous build as it is. Returns false when the
    /// site has no such file.
    pub fn keep(&self, rel: &str) -> Result<bool> {
        if !self.target.join(rel).is_file() {
            return Ok(false);
        }
        self.note(rel, false);
        self.kept.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }

    /// Moves the new site into place: a manifest naming the old files and
    /// the new ones first (so that a build killed part way leaves nothing
    /// unlisted), then each staged file, then the deletion of the previous
    /// build's files that this one does not make, then the final manifest,
    /// which `manifest` renders from the list of the site's files. Returns
    /// whether the manifest's bytes changed.
    pub fn finish(
        self,
        old_files: Option<&BTreeSet<String>>,
        manifest_name: &str,
        manifest: impl Fn(&[String]) -> Result<Vec<u8>>,
    ) -> Result<bool> {
        let mut on_disk = std::fs::read(self.target.join(manifest_name)).ok();
        let files = match self.files.into_inner() {
            Ok(f) => f,
            Err(poisoned) => poisoned.into_inner(),
        };
        let new: BTreeSet<String> = files.iter().map(|(r, _)| r.clone()).collect();
        let path = self.target.join(manifest_name);
        let write_manifest = |list: &BTreeSet<String>, on_disk: &mut Option<Vec<u8>>| {
            let list: Vec<String> = list.iter().cloned().collect();
            let bytes = manifest(&list)?;
            if on_disk.as_deref() == Some(bytes.as_slice()) {
                return Ok::<bool, Error>(false);
            }
            fsio::write_atomic(&path, &bytes)?;
            *on_disk = Some(bytes);
            Ok(true)
        };
        let before = on_disk.clone();
        let union: BTreeSet<String> = new
            .iter()
            .chain(old_files.into_iter().flatten())
            .cloned()
            .collect();
        if union != new {
            write_manifest(&union, &mut on_disk)?;
        }
        let mut staged: Vec<&str> = files
            .iter()
            .filter(|(_, s)| *s)
            .map(|(r, _)| r.as_str())
            .collect();
        staged.sort_unstable();
        self.stage.commit_files(&self.target, staged)?;
        if let Some(old) = old_files {
            let mut dirs = BTreeSet::new();
            for rel in old.difference(&new) {
                // Only a plain relative path of ours: a manifest is data.
                if rel.is_empty()
                    || rel.starts_with('/')
                    || rel.split('/').any(|c| c == ".." || c.is_empty())
                {
                    continue;
                }
                let p = self.target.join(rel);
                // The site writes regular files only: a directory or a
                // link under a listed name (a damaged manifest, or a
                // person's) is not the site's to delete.
                match std::fs::symlink_metadata(&p) {
                    Ok(m) if m.file_type().is_file() => {}
                    _ => continue,
                }
                match std::fs::remove_file(&p) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(Error::io(&p, e)),
                }
                let mut up = Path::new(rel).parent();
                while let Some(d) = up.filter(|d| !d.as_os_str().is_empty()) {
                    dirs.insert(d.to_path_buf());
                    up = d.parent();
                }
            }
            // Directories emptied by that, deepest first; one that holds
            // anything else stays.
            for d in dirs.iter().rev() {
                let _ = std::fs::remove_dir(self.target.join(d));
            }
        }
        write_manifest(&new, &mut on_disk)?;
        Ok(on_disk != before)
    }
}
