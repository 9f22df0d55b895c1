//! How policygraph writes files: one atomic write for a file that readers
//! can see, one plain write for a file in a directory nobody reads yet, and
//! one stage-and-swap for many files at once. The store, the importers and
//! the site all write through these, so the rules below hold everywhere:
//!
//! - **Never write through a hard link.** A file is replaced by renaming a
//!   new one over it ([`write_atomic`]), or unlinked and created anew
//!   ([`write_new`]); the bytes another name shares are never changed.
//! - **Follow a symlinked target.** Writing to a link writes what it points
//!   at; the link stays a link.
//! - **Clean up what dead processes left.** A stage's name carries its
//!   process id; [`Stage::create`] removes the stages of the same prefix
//!   whose process is gone, and nothing else.
//! - **Never delete what this program did not write.** A stage removes
//!   only itself; the site deletes only the files its previous manifest
//!   lists (see `site`).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// `path`, or what it points at when it is a symbolic link (resolved
/// through every link in the chain). A path that does not exist yet is
/// returned as it is.
pub fn resolve(path: &Path) -> PathBuf {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
        }
        _ => path.to_path_buf(),
    }
}

/// Writes `bytes` to `path` atomically: see [`write_atomic_with`].
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic_with(path, |w| w.write_all(bytes).map_err(|e| Error::io(path, e)))
}

/// Writes a file atomically: `fill` writes into a hidden temporary file in
/// the same directory, which is renamed over `path` once all is written.
/// A reader, or a process that dies part way, sees the old file or the new
/// one, never a part; on an error `path` is left as it was. The parent
/// directory is made when missing; a replaced file keeps its permissions,
/// a new one is readable by all (0644).
pub fn write_atomic_with(
    path: &Path,
    fill: impl FnOnce(&mut dyn std::io::Write) -> Result<()>,
) -> Result<()> {
    let path = resolve(path);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Hidden, and not ending in `.ron`: the loader skips it should the
    // process die before the rename.
    let mut tmp = tempfile::Builder::new()
        .prefix(&format!(".{name}."))
        .suffix(".tmp")
        .tempfile_in(&dir)
        .map_err(|e| Error::io(&dir, e))?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut w)?;
        w.flush().map_err(|e| Error::io(&path, e))?;
    }
    // No fsync: the rename is what makes a file appear whole to a reader
    // or after a killed process, and syncing each of thousands of small
    // files costs more than the rest of an import. After a power cut a
    // new file may be empty; `check` finds it and the next import or
    // build writes it again.
    set_mode_like(tmp.as_file(), &path);
    tmp.persist(&path).map_err(|e| Error::io(&path, e.error))?;
    Ok(())
}

/// Writes `bytes` to `path` inside a directory that no reader sees yet (a
/// [`Stage`]): plainly, without a temporary file. A file already there
/// (a hard link to an older generation's, say) is unlinked first, never
/// written through. The parent directory is made when missing.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<()> {
    let create = || {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    let mut f = match create() {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            std::fs::remove_file(path).map_err(|e| Error::io(path, e))?;
            create().map_err(|e| Error::io(path, e))?
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
            }
            create().map_err(|e| Error::io(path, e))?
        }
        Err(e) => return Err(Error::io(path, e)),
    };
    f.write_all(bytes).map_err(|e| Error::io(path, e))
}

/// Gives a temporary file the mode of the file it replaces, or 0644.
fn set_mode_like(f: &std::fs::File, replaced: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(replaced).map_or(0o644, |m| m.permissions().mode() & 0o7777);
        let _ = f.set_permissions(std::fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = (f, replaced);
}

/// A hidden directory where many files are written out of sight before
/// they appear together: renamed into place as a whole ([`Stage::commit`])
/// or file by file ([`Stage::commit_files`]).
///
/// Its name is `PREFIX-PID-NONCE` in the directory it is made in. Dropped
/// without a commit, it is removed; left by a killed process, the next
/// [`Stage::create`] with the same prefix in the same directory removes it
/// once that process is gone.
#[derive(Debug)]
pub struct Stage {
    dir: PathBuf,
    done: bool,
}

impl Stage {
    /// Makes a new stage `PREFIX-PID-NONCE` in `parent` (made when
    /// missing), first removing the stages of the same prefix there whose
    /// process is gone. `prefix` should start with `.` so that the loader
    /// and people skip it.
    pub fn create(parent: &Path, prefix: &str) -> Result<Stage> {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
        clean(parent, prefix);
        let tmp = tempfile::Builder::new()
            .prefix(&format!("{prefix}-{}-", std::process::id()))
            .tempdir_in(parent)
            .map_err(|e| Error::io(parent, e))?;
        set_public(tmp.path());
        Ok(Stage {
            dir: tmp.keep(),
            done: false,
        })
    }

    /// The stage's directory.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes a file inside the stage ([`write_new`]); `rel` uses `/`.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        write_new(&self.dir.join(rel), bytes)
    }

    /// Renames the whole stage to `target`, which must not exist: a new
    /// directory appears with every file in it at once.
    pub fn commit(mut self, target: &Path) -> Result<()> {
        if std::fs::symlink_metadata(target).is_ok() {
            return Err(Error::io(
                target,
                std::io::Error::new(
                    std::io::ErrorKind::AlreadyExists,
                    "already exists; a staged directory never replaces one",
                ),
            ));
        }
        std::fs::rename(&self.dir, target).map_err(|e| Error::io(target, e))?;
        self.done = true;
        Ok(())
    }

    /// Moves the staged files `rels` (paths relative to the stage, with
    /// `/`) into the directory `target`, each by one rename (so each file
    /// is whole at every moment), making directories as needed; then
    /// removes the stage. Files in `target` that are not in `rels` are
    /// left alone.
    pub fn commit_files<'a>(
        mut self,
        target: &Path,
        rels: impl IntoIterator<Item = &'a str>,
    ) -> Result<()> {
        let mut made: std::collections::HashSet<PathBuf> = std::collections::HashSet::new();
        for rel in rels {
            let to = target.join(rel);
            if let Some(dir) = to.parent() {
                if made.insert(dir.to_path_buf()) {
                    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
                }
            }
            std::fs::rename(self.dir.join(rel), &to).map_err(|e| Error::io(&to, e))?;
        }
        self.done = true;
        let _ = std::fs::remove_dir_all(&self.dir);
        Ok(())
    }
}

impl Drop for Stage {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// Removes the stages `PREFIX-PID-*` in `parent` whose process is gone.
/// Returns how many were removed.
pub fn clean(parent: &Path, prefix: &str) -> usize {
    let Ok(rd) = std::fs::read_dir(parent) else {
        return 0;
    };
    let head = format!("{prefix}-");
    let mut removed = 0;
    for entry in rd.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = name.strip_prefix(&head) else {
            continue;
        };
        // `PID-NONCE`; a name of another shape is not one of ours.
        let Some(pid) = rest
            .split_once('-')
            .and_then(|(pid, _)| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if crate::lock::pid_alive(pid) || !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        if std::fs::remove_dir_all(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// Temporary directories are private (0700); what is staged is meant to be
/// read like anything else in its place.
fn set_public(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_write_replaces_and_never_writes_through_a_link() {
        let t = tempfile::tempdir().unwrap();
        let p = t.path().join("a/b/x.ron");
        write_atomic(&p, b"one").unwrap();
        let other = t.path().join("other");
        std::fs::hard_link(&p, &other).unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "one");
        let left: Vec<_> = std::fs::read_dir(p.parent().unwrap()).unwrap().collect();
        assert_eq!(left.len(), 1);
        // A staged write too.
        let q = t.path().join("q");
        std::fs::hard_link(&other, &q).unwrap();
        write_new(&q, b"three").unwrap();
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "one");
        assert_eq!(std::fs::read_to_string(&q).unwrap(), "three");
    }

    #[cfg(unix)]
    #[test]
    fn atomic_write_follows_a_symlink() {
        let t = tempfile::tempdir().unwrap();
        let real = t.path().join("real.ron");
        std::fs::write(&real, "old").unwrap();
        let link = t.path().join("link.ron");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
    }

    #[test]
    fn stages_of_dead_processes_are_cleaned_and_nothing_else() {
        let t = tempfile::tempdir().unwrap();
        // A pid that cannot be alive (above the kernel's maximum).
        let dead = t.path().join(".s-4194305-abc");
        std::fs::create_dir(&dead).unwrap();
        let mine = t.path().join(format!(".s-{}-abc", std::process::id()));
        std::fs::create_dir(&mine).unwrap();
        let foreign = t.path().join(".s-notapid");
        std::fs::create_dir(&foreign).unwrap();
        let s = Stage::create(t.path(), ".s").unwrap();
        assert!(!dead.exists());
        assert!(mine.exists() && foreign.exists() && s.path().exists());
        s.write("a/b.txt", b"x").unwrap();
        let target = t.path().join("out");
        s.commit(&target).unwrap();
        assert_eq!(
            std::fs::read_to_string(target.join("a/b.txt")).unwrap(),
            "x"
        );
        // Dropped without commit: gone.
        let s = Stage::create(t.path(), ".s").unwrap();
        let p = s.path().to_path_buf();
        drop(s);
        assert!(!p.exists());
    }
}
