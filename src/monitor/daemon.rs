//! The daemon: watches `knowledge/`, keeps the journal, answers on the
//! socket. It holds no index and takes no lock.

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use notify::event::{CreateKind, EventKind, RemoveKind};
use notify::{RecursiveMode, Watcher};

use super::{dir, socket_path};
use crate::{Error, Result};

/// How long the daemon waits for a query's cookie before it says it does
/// not know (the query then walks).
const COOKIE_WAIT: Duration = Duration::from_millis(50);

/// The journal's length past which it is dropped and every token
/// forgotten (queries walk once, then follow the new journal). Tests set
/// `POLICYGRAPH_MONITOR_JOURNAL` lower to make an overflow.
const JOURNAL_MAX: usize = 500_000;

/// The file the daemon's pid is in, while it watches.
pub const PID_FILE: &str = "pid";
/// The file a daemon that could not start says why in.
pub const ERROR_FILE: &str = "error";

struct State {
    /// This journal's name; a new one after an overflow.
    instance: String,
    generation: u64,
    journal: Vec<String>,
    max: usize,
    cookies: HashSet<String>,
    walks_because: Option<String>,
    root: String,
    /// When a directory last appeared or moved: the watcher adds its
    /// watch just after it reports the event, so for a moment a change
    /// inside could go unseen, and no token is handed out.
    dir_seen: Option<Instant>,
    /// Every directory of the tree the daemon knows of, so that a name
    /// that vanished can be told from a file (an editor's or `sed -i`'s
    /// temporary file renamed over an entity file) without a `stat`.
    dirs: HashSet<String>,
}

impl State {
    fn reset(&mut self) {
        self.generation += 1;
        self.instance = instance_name(self.generation);
        self.journal.clear();
    }

    fn token(&self) -> String {
        format!("{}-{}", self.instance, self.journal.len())
    }

    fn push(&mut self, entry: String) {
        if self.journal.len() >= self.max {
            self.reset();
        }
        self.journal.push(entry);
    }
}

fn instance_name(generation: u64) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}x{:x}x{generation}", nanos, std::process::id())
}

type Shared = Arc<(Mutex<State>, Condvar)>;

fn lock(s: &Shared) -> MutexGuard<'_, State> {
    s.0.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs the daemon for `knowledge`, answering for `index_dir`, until it
/// is asked to stop or its socket or pid file goes away. Writes why it
/// could not start to `index/monitor/error`.
pub fn run(knowledge: &Path, index_dir: &Path) -> Result<()> {
    let mdir = dir(index_dir);
    std::fs::create_dir_all(&mdir).map_err(|e| Error::io(&mdir, e))?;
    let _ = std::fs::remove_file(mdir.join(ERROR_FILE));
    let started = start(knowledge, index_dir, &mdir);
    match started {
        Ok((listener, shared, watcher)) => {
            serve(&listener, &shared, index_dir);
            drop(watcher);
            Ok(())
        }
        Err(e) => {
            let _ = crate::fsio::write_atomic(&mdir.join(ERROR_FILE), e.to_string().as_bytes());
            Err(e)
        }
    }
}

fn start(
    knowledge: &Path,
    index_dir: &Path,
    mdir: &Path,
) -> Result<(UnixListener, Shared, notify::RecommendedWatcher)> {
    let root = std::fs::canonicalize(knowledge).map_err(|e| Error::io(knowledge, e))?;
    let mdir = std::fs::canonicalize(mdir).map_err(|e| Error::io(mdir, e))?;
    let sock = socket_path(index_dir);
    if UnixStream::connect(&sock).is_ok() {
        return Err(Error::Usage(format!(
            "a monitor already answers on {}",
            sock.display()
        )));
    }
    let _ = std::fs::remove_file(&sock); // a dead daemon's
    let listener = UnixListener::bind(&sock).map_err(|e| Error::io(&sock, e))?;
    let max = std::env::var("POLICYGRAPH_MONITOR_JOURNAL")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(JOURNAL_MAX);
    let shared: Shared = Arc::new((
        Mutex::new(State {
            instance: instance_name(0),
            generation: 0,
            journal: Vec::new(),
            max,
            cookies: HashSet::new(),
            walks_because: None,
            root: root.to_string_lossy().into_owned(),
            dir_seen: None,
            dirs: HashSet::new(),
        }),
        Condvar::new(),
    ));
    let handler = {
        let shared = Arc::clone(&shared);
        let root = root.clone();
        let mdir = mdir.clone();
        move |res: notify::Result<notify::Event>| on_event(&shared, &root, &mdir, res)
    };
    let mut watcher = notify::recommended_watcher(handler).map_err(watch_error)?;
    watcher
        .watch(&mdir, RecursiveMode::NonRecursive)
        .map_err(watch_error)?;
    watcher
        .watch(&root, RecursiveMode::Recursive)
        .map_err(watch_error)?;
    // Links lead where no watch sees: with one in the tree, queries walk.
    let mut dirs = HashSet::new();
    let link = scan_tree(&root, "", &mut dirs);
    {
        let mut st = lock(&shared);
        st.walks_because = link.map(|l| format!("{l} is a symbolic link"));
        st.dirs.extend(dirs);
    }
    crate::fsio::write_atomic(
        &mdir.join(PID_FILE),
        std::process::id().to_string().as_bytes(),
    )?;
    Ok((listener, shared, watcher))
}

fn watch_error(e: notify::Error) -> Error {
    let limit = matches!(e.kind, notify::ErrorKind::MaxFilesWatch)
        || e.to_string().contains("No space left");
    if limit {
        Error::Index(format!(
            "cannot watch every directory ({e}): the inotify watch limit is reached; \
             raise it with `sudo sysctl fs.inotify.max_user_watches=1048576` \
             (see docs/performance.md, \"File-system monitor\")"
        ))
    } else {
        Error::Index(format!("cannot watch the knowledge base: {e}"))
    }
}

/// The first symbolic link under `dir` (not following links), skipping
/// names that start with `.` as the walk does; collects the directories
/// into `dirs`.
fn scan_tree(dir: &Path, rel: &str, dirs: &mut HashSet<String>) -> Option<String> {
    let rd = std::fs::read_dir(dir).ok()?;
    let mut subdirs = Vec::new();
    for entry in rd.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let here = if rel.is_empty() {
            name.clone()
        } else {
            format!("{rel}/{name}")
        };
        match entry.file_type() {
            Ok(t) if t.is_symlink() => return Some(here),
            Ok(t) if t.is_dir() => subdirs.push((entry.path(), here)),
            _ => {}
        }
    }
    let mut link = None;
    for (path, here) in subdirs {
        dirs.insert(here.clone());
        let found = scan_tree(&path, &here, dirs);
        link = link.or(found);
    }
    link
}

/// Journals one event: a file of the knowledge base by its path, anything
/// else that may hide changes as `dir:<path>`; a cookie wakes its query;
/// an overflow forgets every token.
fn on_event(shared: &Shared, root: &Path, mdir: &Path, res: notify::Result<notify::Event>) {
    let mut st = lock(shared);
    let Ok(event) = res else {
        // An error from the watcher: nothing can be vouched for.
        st.reset();
        return;
    };
    if event.need_rescan() {
        st.reset();
        return;
    }
    if matches!(event.kind, EventKind::Access(_)) {
        return;
    }
    for path in &event.paths {
        if let Ok(rest) = path.strip_prefix(mdir) {
            let name = rest.to_string_lossy();
            if name.starts_with("cookie-") && matches!(event.kind, EventKind::Create(_)) {
                if st.cookies.len() > 10_000 {
                    st.cookies.clear();
                }
                st.cookies.insert(name.into_owned());
                shared.1.notify_all();
            }
            continue;
        }
        let Ok(rel) = path.strip_prefix(root) else {
            continue;
        };
        let rel = rel.to_string_lossy().replace('\\', "/");
        if rel.split('/').any(|c| c.starts_with('.')) {
            continue; // the walk skips these names
        }
        if rel.contains('\n') {
            st.push("dir:?".into()); // a name the journal cannot hold
            continue;
        }
        if matches!(event.kind, EventKind::Create(_)) && is_link(path) {
            st.walks_because = Some(format!("{rel} is a symbolic link"));
        }
        let entry = classify(&event.kind, path, &rel, &mut st.dirs);
        if let Some(entry) = entry {
            if entry.starts_with("dir:") {
                st.dir_seen = Some(Instant::now());
                // A directory that came (made, or moved in or within the
                // tree): learn its subdirectories, and any link inside.
                if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
                    let mut found = HashSet::new();
                    if let Some(link) = scan_tree(path, &rel, &mut found) {
                        st.walks_because = Some(format!("{link} is a symbolic link"));
                    }
                    st.dirs.extend(found);
                }
            }
            st.push(entry);
        }
    }
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// What the journal records of an event at `rel`: the path of a file of
/// the knowledge base; `dir:<rel>` when it is or was a directory (files
/// may have come or gone with it); nothing for another file. `dirs` is
/// kept up to date.
fn classify(
    kind: &EventKind,
    path: &Path,
    rel: &str,
    dirs: &mut HashSet<String>,
) -> Option<String> {
    let dir = || Some(format!("dir:{rel}"));
    if rel.is_empty() {
        return dir();
    }
    match kind {
        EventKind::Create(CreateKind::Folder) => {
            dirs.insert(rel.to_owned());
            return dir();
        }
        EventKind::Remove(RemoveKind::Folder) => {
            dirs.remove(rel);
            return dir();
        }
        _ => {}
    }
    if std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()) {
        dirs.insert(rel.to_owned());
        return dir();
    }
    // Gone or a file now: a directory only if it was one.
    if dirs.remove(rel) {
        return dir();
    }
    if crate::walk::is_knowledge_file(rel.rsplit('/').next().unwrap_or(rel)) {
        Some(rel.to_owned())
    } else {
        None
    }
}

fn serve(listener: &UnixListener, shared: &Shared, index_dir: &Path) {
    let sock = socket_path(index_dir);
    let pid_file = dir(index_dir).join(PID_FILE);
    {
        // Ends the daemon when its socket or pid file is removed (the index
        // directory deleted, or another daemon took over).
        let sock = sock.clone();
        let pid_file = pid_file.clone();
        let _ = std::thread::Builder::new().spawn(move || loop {
            std::thread::sleep(Duration::from_millis(300));
            let ours = std::fs::read_to_string(&pid_file)
                .is_ok_and(|p| p.trim() == std::process::id().to_string());
            if !ours || !sock.exists() {
                std::process::exit(0);
            }
        });
    }
    for conn in listener.incoming() {
        let Ok(conn) = conn else { continue };
        let shared = Arc::clone(shared);
        let (sock, pid_file) = (sock.clone(), pid_file.clone());
        let _ = std::thread::Builder::new().spawn(move || {
            if answer(conn, &shared) == Some(true) {
                let _ = std::fs::remove_file(&pid_file);
                let _ = std::fs::remove_file(&sock);
                std::process::exit(0);
            }
        });
    }
}

/// Answers one request; `Some(true)` when asked to stop.
fn answer(conn: UnixStream, shared: &Shared) -> Option<bool> {
    conn.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    let mut reader = BufReader::new(conn.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut words = line.split_whitespace();
    let mut out = String::new();
    let mut stop = false;
    match words.next() {
        Some("status") => {
            let st = lock(shared);
            out.push_str(&format!(
                "pid {}\ntoken {}\nknowledge {}\n",
                std::process::id(),
                st.token(),
                st.root
            ));
            if let Some(why) = &st.walks_because {
                out.push_str(&format!("walks {why}\n"));
            }
        }
        Some("stop") => {
            out.push_str("stopping\n");
            stop = true;
        }
        Some("since") => {
            let token = words.next().unwrap_or("");
            let cookie = words.next().unwrap_or("").to_owned();
            // The rest of the line: the knowledge directory the query means.
            let root = line
                .trim_end_matches('\n')
                .splitn(4, ' ')
                .nth(3)
                .unwrap_or("")
                .to_owned();
            out.push_str(&since(shared, token, &cookie, &root));
        }
        _ => out.push_str("unknown\n"),
    }
    out.push_str("end\n");
    let mut conn = conn;
    // Stops even when the asker is gone.
    let _ = conn.write_all(out.as_bytes());
    Some(stop)
}

/// How long after a directory appears no token is handed out (see
/// `State::dir_seen`).
const DIR_GRACE: Duration = Duration::from_millis(200);

/// The answer to `since TOKEN COOKIE ROOT`.
fn since(shared: &Shared, token: &str, cookie: &str, root: &str) -> String {
    let deadline = Instant::now() + COOKIE_WAIT;
    let mut st = lock(shared);
    while !st.cookies.remove(cookie) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return "unknown\n".into();
        }
        st = shared
            .1
            .wait_timeout(st, left)
            .map(|(g, _)| g)
            .unwrap_or_else(|e| e.into_inner().0);
    }
    if st.walks_because.is_some() || root != st.root {
        return "unknown\n".into();
    }
    if st.dir_seen.is_some_and(|t| t.elapsed() < DIR_GRACE) {
        return "unknown\n".into();
    }
    let from = if token == "now" {
        st.journal.len()
    } else {
        let Some((instance, seq)) = token.rsplit_once('-') else {
            return "unknown\n".into();
        };
        match seq.parse::<usize>() {
            Ok(seq) if instance == st.instance && seq <= st.journal.len() => seq,
            _ => return "unknown\n".into(),
        }
    };
    let mut out = format!("changes {}\n", st.token());
    for p in &st.journal[from..] {
        out.push_str(p);
        out.push('\n');
    }
    out
}
