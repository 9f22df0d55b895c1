//! The one write lock of a knowledge base: every command that writes
//! `knowledge/`, the index or a site holds it (`import`, `index`, the
//! refresh a query may do, `site`), so that two writers never interleave.
//!
//! It is git's lockfile idea on an advisory `flock`: the lock is
//! `index/.lock`, taken exclusively. The kernel drops it when its process
//! dies, so a lock left by a killed process is taken over at once and
//! safely. While held, the file names its holder (pid, command, since
//! when), so that a second writer can say whom it waits for.
//!
//! Holding the lock is proved by a [`WriteLock`] value: the functions that
//! write take one (`import::apply`, `site::build`), so a writer that forgot
//! to lock does not compile. The lock is re-entrant within one thread: a
//! command that holds it and then refreshes the index does not wait for
//! itself.

use std::collections::BTreeMap;
use std::io::{Read as _, Seek as _, Write as _};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::thread::ThreadId;
use std::time::{Duration, Instant};

use crate::{Error, Result};

/// How long a writer waits before it says so.
const TELL_AFTER: Duration = Duration::from_secs(1);

/// The name of the lock file in the index directory.
pub const LOCK_FILE: &str = ".lock";

/// How long to wait for another writer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wait {
    /// Until it is done.
    Forever,
    /// Not at all: refuse at once (`--no-wait`).
    No,
    /// At most this long, then refuse.
    For(Duration),
}

/// Who holds the lock, as its file says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    /// The holder's process id.
    pub pid: u32,
    /// What it runs (`import`, `site`, `index`, ...).
    pub command: String,
    /// Since when, as an RFC 3339 time in UTC.
    pub since: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "`{}` (pid {}, since {})",
            self.command, self.pid, self.since
        )
    }
}

/// Proof that this thread holds the write lock of one knowledge base.
/// Dropping the outermost one releases it.
#[derive(Debug)]
pub struct WriteLock {
    key: PathBuf,
    /// Whether another process held the lock when this one asked.
    waited: bool,
}

impl WriteLock {
    /// Whether this call had to wait for another process.
    pub fn waited(&self) -> bool {
        self.waited
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.key
    }

    /// Whether this is the lock of the index directory `index_dir`.
    pub fn guards(&self, index_dir: &Path) -> bool {
        key_of(index_dir).is_ok_and(|k| k == self.key)
    }
}

impl Drop for WriteLock {
    fn drop(&mut self) {
        let mut held = match HELD.lock() {
            Ok(h) => h,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Some(h) = held.get_mut(&self.key) {
            h.depth = h.depth.saturating_sub(1);
            if h.depth == 0 {
                if let Some(h) = held.remove(&self.key) {
                    // Say nobody holds it, then let go (closing unlocks).
                    let _ = h.file.set_len(0);
                }
            }
        }
    }
}

/// A lock held by this process.
struct Held {
    file: std::fs::File,
    thread: ThreadId,
    depth: usize,
}

/// The locks this process holds, by lock file: `flock` belongs to an open
/// file, so a second open in the same process would wait for itself.
static HELD: Mutex<BTreeMap<PathBuf, Held>> = Mutex::new(BTreeMap::new());

fn key_of(index_dir: &Path) -> Result<PathBuf> {
    let dir = std::fs::canonicalize(index_dir).map_err(|e| Error::io(index_dir, e))?;
    Ok(dir.join(LOCK_FILE))
}

/// Takes the write lock of the knowledge base whose index directory is
/// `index_dir` (created if missing), for `command`.
///
/// When another process holds it, this waits as `wait` says; once it has
/// waited a second, `on_wait` is called, once, with what the lock
/// file says of the holder (nothing when it cannot be read). Refusing is [`Error::Locked`].
pub fn acquire(
    index_dir: &Path,
    command: &str,
    wait: Wait,
    on_wait: &mut dyn FnMut(Option<&Holder>),
) -> Result<WriteLock> {
    std::fs::create_dir_all(index_dir).map_err(|e| Error::io(index_dir, e))?;
    let key = key_of(index_dir)?;
    let started = Instant::now();
    let mut told = false;
    let mut waited = false;
    loop {
        match try_acquire_key(&key, command)? {
            Some(mut lock) => {
                lock.waited = waited;
                return Ok(lock);
            }
            None => {
                let refuse = match wait {
                    Wait::Forever => false,
                    Wait::No => true,
                    Wait::For(d) => started.elapsed() >= d,
                };
                if refuse {
                    let holder = read_holder(&key);
                    return Err(Error::Locked { path: key, holder });
                }
                // A wait too short to notice is not worth a message.
                if !told && started.elapsed() >= TELL_AFTER {
                    told = true;
                    on_wait(read_holder(&key).as_ref());
                }
                waited = true;
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
}

/// Takes the lock if nobody else holds it; `None` when somebody does.
pub fn try_acquire(index_dir: &Path, command: &str) -> Result<Option<WriteLock>> {
    std::fs::create_dir_all(index_dir).map_err(|e| Error::io(index_dir, e))?;
    try_acquire_key(&key_of(index_dir)?, command)
}

fn try_acquire_key(key: &Path, command: &str) -> Result<Option<WriteLock>> {
    let mut held = match HELD.lock() {
        Ok(h) => h,
        Err(poisoned) => poisoned.into_inner(),
    };
    let me = std::thread::current().id();
    if let Some(h) = held.get_mut(key) {
        if h.thread != me {
            return Ok(None);
        }
        h.depth += 1;
        return Ok(Some(WriteLock {
            key: key.to_path_buf(),
            waited: false,
        }));
    }
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .read(true)
        .write(true)
        .open(key)
        .map_err(|e| Error::io(key, e))?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => return Ok(None),
        Err(std::fs::TryLockError::Error(e)) => return Err(Error::io(key, e)),
    }
    // Say who holds it. A failure here loses only the message.
    let since = jiff::Timestamp::now()
        .round(jiff::Unit::Second)
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let text = format!("{}\n{}\n{}\n", std::process::id(), command, since);
    let _ = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| file.write_all(text.as_bytes()));
    held.insert(
        key.to_path_buf(),
        Held {
            file,
            thread: me,
            depth: 1,
        },
    );
    Ok(Some(WriteLock {
        key: key.to_path_buf(),
        waited: false,
    }))
}

/// What the lock file says of its holder.
fn read_holder(key: &Path) -> Option<Holder> {
    let mut text = String::new();
    std::fs::File::open(key)
        .ok()?
        .read_to_string(&mut text)
        .ok()?;
    let mut lines = text.lines();
    let pid = lines.next()?.trim().parse().ok()?;
    let command = lines.next()?.trim().to_owned();
    let since = lines.next()?.trim().to_owned();
    Some(Holder {
        pid,
        command,
        since,
    })
}

/// Whether process `pid` is alive (on Unix; elsewhere, assumed so).
pub fn pid_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return true;
        };
        if pid <= 0 {
            return true;
        }
        // SAFETY: signal 0 sends nothing; kill only checks the process.
        let rc = unsafe { libc::kill(pid, 0) };
        rc == 0 || std::io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reentrant_in_one_thread_exclusive_across_threads() {
        let t = tempfile::tempdir().unwrap();
        let a = acquire(t.path(), "test", Wait::No, &mut |_| {}).unwrap();
        let b = acquire(t.path(), "inner", Wait::No, &mut |_| {}).unwrap();
        let dir = t.path().to_path_buf();
        let other = std::thread::spawn(move || {
            matches!(
                acquire(&dir, "other", Wait::No, &mut |_| {}),
                Err(Error::Locked { holder: Some(Holder { ref command, .. }), .. }) if command == "test"
            )
        })
        .join()
        .unwrap();
        assert!(
            other,
            "another thread must be refused while the lock is held"
        );
        drop(b);
        let dir = t.path().to_path_buf();
        let still = std::thread::spawn(move || try_acquire(&dir, "x").unwrap().is_none())
            .join()
            .unwrap();
        assert!(still, "the outer lock still holds after the inner one ends");
        drop(a);
        let dir = t.path().to_path_buf();
        let free = std::thread::spawn(move || try_acquire(&dir, "x").unwrap().is_some())
            .join()
            .unwrap();
        assert!(free);
    }

    #[test]
    fn pids() {
        assert!(pid_alive(std::process::id()));
    }
}
