//! The optional file-system monitor (`policygraph monitor start|stop|status`,
//! see docs/performance.md, "File-system monitor"), in the manner of git's
//! `fsmonitor--daemon`.
//!
//! A small daemon, one per knowledge base, watches `knowledge/` (inotify
//! on Linux, FSEvents on macOS, through the `notify` crate) and keeps a
//! journal of the paths changed since it started. A position in the
//! journal is a *token* (`<instance>-<sequence>`). It holds no index and
//! takes no lock: it only watches and answers.
//!
//! A query that finds a claim "generation G, with fingerprint F, was fresh
//! as of token T" (the file `index/monitor/fresh`) asks the daemon, over a
//! Unix socket, for the paths changed since T instead of walking
//! `knowledge/`. Before it answers, the daemon waits for a *cookie*: a file
//! the query creates in `index/monitor/`, which the daemon also watches, so
//! that every change made before the query has been seen (the kernel
//! reports one watcher's events in order). No answer within a few
//! milliseconds, a queue overflow, a token from another instance, a
//! symbolic link in the tree, a directory renamed, or anything the daemon
//! cannot vouch for: the query walks, exactly as without a monitor.
//! A claim is written only for a token taken before the walk or the
//! journal read that proved the index fresh, so it can only ever be too
//! old, never too new.

#[cfg(unix)]
pub mod client;
#[cfg(unix)]
pub mod daemon;

use std::path::{Path, PathBuf};

/// The monitor's directory in the index directory: its pid, the claim,
/// and the cookies.
pub fn dir(index_dir: &Path) -> PathBuf {
    index_dir.join("monitor")
}

/// The name of the monitor's directory in `index/`.
pub const DIR_NAME: &str = "monitor";

/// The socket the daemon of `index_dir` listens on: in its directory when
/// the path is short enough for a Unix socket, else in the temporary
/// directory, named after a hash of the index directory.
pub fn socket_path(index_dir: &Path) -> PathBuf {
    let here = dir(index_dir).join("sock");
    if here.as_os_str().len() < 100 {
        return here;
    }
    let abs = std::path::absolute(index_dir).unwrap_or_else(|_| index_dir.to_path_buf());
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in abs.as_os_str().as_encoded_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    std::env::temp_dir().join(format!("policygraph-monitor-{h:016x}.sock"))
}

/// What `monitor status` reports.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Status {
    /// The daemon's process id.
    pub pid: u32,
    /// The journal's current token.
    pub token: String,
    /// The directory watched.
    pub knowledge: String,
    /// Why queries walk anyway, if they do (a symbolic link in the tree).
    pub walks_because: Option<String>,
}
