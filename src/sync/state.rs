//! What `sync` and `digest` remember between runs, in `index/sync/`:
//! each source's cursor and its run of failures (`state.json`), and the
//! snapshots that watches are measured against (see [`super::digest`]).
//! Every file is written whole by [`crate::fsio::write_atomic`] under the
//! write lock; deleting `index/` makes the next `sync` start each source
//! from its `since` again (the importers find what is already there
//! unchanged) and the next digest start every watch afresh.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::fetch::Cursor;

/// The directory of `sync`'s state in an index directory.
pub fn dir(index: &Path) -> PathBuf {
    index.join("sync")
}

/// One source's record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceState {
    /// Where the next run starts.
    #[serde(default)]
    pub cursor: Cursor,
    /// When the source last synced without error (UTC, RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_ok: Option<String>,
    /// When the current run of failures began (UTC); `None` when the last
    /// run succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failing_since: Option<String>,
    /// Failed runs in a row.
    #[serde(default)]
    pub failures: u32,
    /// The last failure's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// Every source's record, by name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// By source name.
    #[serde(default)]
    pub sources: BTreeMap<String, SourceState>,
}

impl State {
    fn path(index: &Path) -> PathBuf {
        dir(index).join("state.json")
    }

    /// Reads the state; empty when there is none yet. A damaged file is an
    /// error, not a silent restart from scratch.
    pub fn load(index: &Path) -> crate::Result<State> {
        let path = State::path(index);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                crate::Error::Index(format!(
                    "{}: {e}; delete it to start every source from its `since` again",
                    path.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(State::default()),
            Err(e) => Err(crate::Error::io(path, e)),
        }
    }

    /// Writes the state atomically; the caller holds the write lock.
    pub fn save(&self, index: &Path, _lock: &crate::lock::WriteLock) -> crate::Result<()> {
        let d = dir(index);
        std::fs::create_dir_all(&d).map_err(|e| crate::Error::io(&d, e))?;
        let mut bytes = serde_json::to_vec_pretty(self)
            .map_err(|e| crate::Error::Index(format!("cannot encode sync state: {e}")))?;
        bytes.push(b'\n');
        crate::fsio::write_atomic(&State::path(index), &bytes)
    }

    /// Records a run of `name` that wrote its batch: the new cursor.
    pub fn succeeded(&mut self, name: &str, cursor: Cursor, now: &str) {
        let s = self.sources.entry(name.to_owned()).or_default();
        s.cursor = cursor;
        s.last_ok = Some(now.to_owned());
        s.failing_since = None;
        s.failures = 0;
        s.last_error = None;
    }

    /// Records a failed run of `name`; its cursor stays.
    pub fn failed(&mut self, name: &str, message: &str, now: &str) {
        let s = self.sources.entry(name.to_owned()).or_default();
        if s.failing_since.is_none() {
            s.failing_since = Some(now.to_owned());
        }
        s.failures += 1;
        s.last_error = Some(message.to_owned());
    }
}

/// Now, in UTC, to the second (`POLICYGRAPH_NOW` in the tests, which pin
/// the clock as `POLICYGRAPH_TODAY` pins the day).
pub fn now() -> String {
    if let Ok(s) = std::env::var("POLICYGRAPH_NOW") {
        if s.parse::<jiff::Timestamp>().is_ok() {
            return s;
        }
    }
    let t = jiff::Timestamp::now();
    t.round(jiff::Unit::Second).unwrap_or(t).to_string()
}

/// Whole days from `since` to `now` (both RFC 3339); 0 when either does
/// not parse.
pub fn days_between(since: &str, now: &str) -> i64 {
    match (
        since.parse::<jiff::Timestamp>(),
        now.parse::<jiff::Timestamp>(),
    ) {
        (Ok(a), Ok(b)) => (b.as_second() - a.as_second()) / 86_400,
        _ => 0,
    }
}
