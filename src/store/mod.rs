//! The on-disk artifact in `index/`: one tantivy index that is both the
//! full-text index and the validated snapshot of every entity.
//!
//! Each document stores its entity together with the peers of its outgoing
//! and incoming relations (id, kind, name, first date), so that graph
//! questions read only the few documents they visit, through tantivy's
//! memory-mapped, block-compressed doc store, and never re-parse RON.
//!
//! Layout of `index/`:
//! - `CURRENT`: the name of the generation in use, replaced atomically;
//! - `gen-<n>/`: a complete tantivy index whose commit payload records the
//!   fingerprint of the `knowledge/` it was built from, and its manifest
//!   (see `manifest.rs`: a base and a log of changes);
//! - `.build-*`: a build in progress. Builds happen there and are renamed
//!   into place, so an interrupted build leaves the previous one working.
//!
//! Freshness is a metadata walk of `knowledge/`: every `.ron` file's (and
//! every `.txt` text's beside it) path, size, modification time, change
//! time and inode are hashed and compared with the payload; or, when a
//! file-system monitor runs (`crate::monitor`), the monitor's list of the
//! paths changed since the index was last known fresh.

mod generation;
mod manifest;
mod reader;
mod record;
mod refresh;
mod scan;
mod schema;
mod stats;
mod update;
mod watched;

pub use generation::*;
use manifest::*;
pub use reader::*;
pub use record::*;
pub use refresh::{refresh, Options, Outcome, Reason, Refreshed};
pub use scan::*;
pub use schema::*;
pub use stats::LiveStats;
pub use update::*;

/// Bumped whenever the schema or the stored record changes, so that an old
/// index is rebuilt rather than misread.
/// (7: tags in lowercase, and deadline owners in the `owes` field; 9: the
/// record layout of merged imports; 10: both; 11: the `stage` field; 12:
/// the files merged into a node; 13: the `sponsor` field; 14: the seal of
/// a generation's files; 15: the change time and inode in the fingerprint
/// and the manifest; 16: the `procedural` field and the `prior` fast
/// field; 17: a peer's day of enactment, and a deadline's `unmet_on`;
/// 18: the `text` field and relations' evidence.)
pub const FORMAT_VERSION: u32 = 18;

#[cfg(test)]
mod tests;
