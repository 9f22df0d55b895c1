//! Writing the site: into a fresh directory beside the target, keeping
//! unchanged files from the previous build (hard links, so their bytes,
//! inode and modification time stay as they were), then swapping the new
//! directory in. A half-built site is never visible at the target path.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::{Error, Result};

/// The directory being built, and the previous build to reuse files from.
pub(crate) struct Output {
    /// The new site, under construction.
    pub tmp: PathBuf,
    /// The previous site, when there is one.
    pub old: Option<PathBuf>,
    /// Files written with new bytes.
    pub written: AtomicUsize,
    /// Files kept from the previous build.
    pub kept: AtomicUsize,
}

impl Output {
    /// Starts a build of `target` in a new hidden directory beside it.
    pub fn start(target: &Path) -> Result<(Output, tempfile::TempDir)> {
        let parent = match target.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "site".into());
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{name}.building-"))
            .tempdir_in(&parent)
            .map_err(|e| Error::io(&parent, e))?;
        let old = target.is_dir().then(|| target.to_path_buf());
        Ok((
            Output {
                tmp: tmp.path().to_path_buf(),
                old,
                written: AtomicUsize::new(0),
                kept: AtomicUsize::new(0),
            },
            tmp,
        ))
    }

    /// Creates a directory (and its parents) inside the new site.
    pub fn dir(&self, rel: &str) -> Result<()> {
        let p = self.tmp.join(rel);
        std::fs::create_dir_all(&p).map_err(|e| Error::io(&p, e))
    }

    /// Puts a file into the new site: the previous build's file when its
    /// bytes are the same, else the new bytes.
    pub fn put(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        if let Some(old) = &self.old {
            let prev = old.join(rel);
            if let Ok(meta) = std::fs::metadata(&prev) {
                if meta.len() == bytes.len() as u64
                    && std::fs::read(&prev).is_ok_and(|b| b == bytes)
                    && self.keep(rel)?
                {
                    return Ok(());
                }
            }
        }
        let p = self.tmp.join(rel);
        std::fs::write(&p, bytes).map_err(|e| Error::io(&p, e))?;
        self.written.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// Carries a file of the previous build over unchanged. Returns false
    /// when there is no such file.
    pub fn keep(&self, rel: &str) -> Result<bool> {
        let Some(old) = &self.old else {
            return Ok(false);
        };
        let prev = old.join(rel);
        let new = self.tmp.join(rel);
        if std::fs::hard_link(&prev, &new).is_err() {
            // Hard links can be refused (some file systems): copy, which
            // keeps the bytes but not the modification time.
            if !prev.is_file() {
                return Ok(false);
            }
            std::fs::copy(&prev, &new).map_err(|e| Error::io(&new, e))?;
        }
        self.kept.fetch_add(1, Ordering::Relaxed);
        Ok(true)
    }
}

/// Replaces `target` with the finished build in `tmp`: one atomic exchange
/// on Linux, else two renames in quick succession. The previous site is
/// removed afterwards.
pub(crate) fn swap_in(tmp: tempfile::TempDir, target: &Path) -> Result<()> {
    let built = tmp.keep();
    set_public(&built);
    if !target.exists() {
        return std::fs::rename(&built, target).map_err(|e| Error::io(target, e));
    }
    if !target.is_dir() {
        let _ = std::fs::remove_dir_all(&built);
        return Err(Error::Usage(format!(
            "`{}` exists and is not a directory; the site needs a directory",
            target.display()
        )));
    }
    if !exchange(&built, target) {
        // Fallback: move the old site aside, then the new one in.
        let aside = built.with_extension("old");
        std::fs::rename(target, &aside).map_err(|e| Error::io(target, e))?;
        std::fs::rename(&built, target).map_err(|e| Error::io(target, e))?;
        let _ = std::fs::remove_dir_all(&aside);
        return Ok(());
    }
    // After the exchange, `built` holds the previous site.
    let _ = std::fs::remove_dir_all(&built);
    Ok(())
}

/// Temporary directories are private (0700); a site is meant to be read.
fn set_public(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o755));
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Exchanges two directories atomically (`renameat2` with
/// `RENAME_EXCHANGE`). False where the system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let (Ok(ca), Ok(cb)) = (
        std::ffi::CString::new(a.as_os_str().as_bytes()),
        std::ffi::CString::new(b.as_os_str().as_bytes()),
    ) else {
        return false;
    };
    // SAFETY: both pointers are valid NUL-terminated strings that outlive
    // the call; renameat2 only reads them.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    rc == 0
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> bool {
    false
}
