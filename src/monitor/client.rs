//! The query's side of the monitor: ask the daemon, within a few
//! milliseconds, or give up and walk.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use super::{dir, socket_path, Status};

/// How long a query waits for the daemon before it walks instead.
pub const ANSWER_WITHIN: Duration = Duration::from_millis(60);

/// What the daemon said of the paths changed since a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Since {
    /// The paths changed (relative to `knowledge/`, possibly repeated), and
    /// the token to ask from next time. A path written `dir:<path>` is
    /// something other than a file of the knowledge base (a directory
    /// created, removed or renamed): only a walk can tell what changed.
    Changes {
        /// The paths.
        paths: Vec<String>,
        /// The journal's position after them.
        token: String,
    },
    /// The daemon cannot vouch for the changes: walk.
    Unknown,
}

fn connect(index_dir: &Path, wait: Duration) -> Option<BufReader<UnixStream>> {
    let s = UnixStream::connect(socket_path(index_dir)).ok()?;
    s.set_read_timeout(Some(wait)).ok()?;
    s.set_write_timeout(Some(wait)).ok()?;
    Some(BufReader::new(s))
}

fn ask(index_dir: &Path, request: &str, wait: Duration) -> Option<Vec<String>> {
    let mut conn = connect(index_dir, wait)?;
    conn.get_mut().write_all(request.as_bytes()).ok()?;
    conn.get_mut().write_all(b"\n").ok()?;
    let mut lines = Vec::new();
    loop {
        let mut line = String::new();
        if conn.read_line(&mut line).ok()? == 0 {
            return None; // the daemon went away mid-answer
        }
        let line = line.trim_end_matches('\n').to_owned();
        if line == "end" {
            return Some(lines);
        }
        lines.push(line);
    }
}

/// A cookie file in the monitor's directory, removed when dropped.
struct Cookie(std::path::PathBuf, String);

impl Cookie {
    fn new(index_dir: &Path) -> Option<Cookie> {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        let name = format!(
            "cookie-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let path = dir(index_dir).join(&name);
        std::fs::File::create(&path).ok()?;
        Some(Cookie(path, name))
    }
}

impl Drop for Cookie {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The daemon's status, or `None` when none answers.
pub fn status(index_dir: &Path) -> Option<Status> {
    let lines = ask(index_dir, "status", Duration::from_secs(2))?;
    let mut st = Status {
        pid: 0,
        token: String::new(),
        knowledge: String::new(),
        walks_because: None,
    };
    for line in lines {
        let (k, v) = line.split_once(' ')?;
        match k {
            "pid" => st.pid = v.parse().ok()?,
            "token" => st.token = v.to_owned(),
            "knowledge" => st.knowledge = v.to_owned(),
            "walks" => st.walks_because = Some(v.to_owned()),
            _ => {}
        }
    }
    (st.pid != 0).then_some(st)
}

/// Asks the daemon to stop; whether one answered.
pub fn stop(index_dir: &Path) -> bool {
    ask(index_dir, "stop", Duration::from_secs(2)).is_some()
}

/// The paths changed in `knowledge` since `token` (`None`: the journal's
/// position now, with no paths), once every change made before this call has reached
/// the daemon; [`Since::Unknown`] when it cannot say.
pub fn since(index_dir: &Path, knowledge: &Path, token: Option<&str>) -> Since {
    // The daemon answers only for the directory it watches.
    let Ok(root) = std::fs::canonicalize(knowledge) else {
        return Since::Unknown;
    };
    let root = root.to_string_lossy();
    if root.contains('\n') {
        return Since::Unknown;
    }
    let Some(cookie) = Cookie::new(index_dir) else {
        return Since::Unknown;
    };
    let request = format!("since {} {} {root}", token.unwrap_or("now"), cookie.1);
    let Some(lines) = ask(index_dir, &request, ANSWER_WITHIN) else {
        return Since::Unknown;
    };
    drop(cookie);
    let mut lines = lines.into_iter();
    match lines
        .next()
        .as_deref()
        .and_then(|l| l.strip_prefix("changes "))
    {
        Some(token) => Since::Changes {
            token: token.to_owned(),
            paths: lines.collect(),
        },
        None => Since::Unknown,
    }
}

/// Whether a socket is there to ask at all: the cheap test a query makes
/// before it creates a cookie.
pub fn present(index_dir: &Path) -> bool {
    socket_path(index_dir).exists()
}

/// The claim that generation `gen` with fingerprint `fp` was fresh as of
/// `token`.
const CLAIM: &str = "fresh";

/// Reads the claim: (generation name, fingerprint, token).
pub fn read_claim(index_dir: &Path) -> Option<(String, String, String)> {
    let text = std::fs::read_to_string(dir(index_dir).join(CLAIM)).ok()?;
    let mut parts = text.split_whitespace();
    let gen = parts.next()?.to_owned();
    let fp = parts.next()?.to_owned();
    let token = parts.next()?.to_owned();
    Some((gen, fp, token))
}

/// Writes the claim (see [`read_claim`]); a failure only costs a walk.
pub fn write_claim(index_dir: &Path, gen: &str, fp: &str, token: &str) {
    let _ = crate::fsio::write_atomic(
        &dir(index_dir).join(CLAIM),
        format!("{gen} {fp} {token}\n").as_bytes(),
    );
}
