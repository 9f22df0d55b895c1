//! The metadata side of the walk of `knowledge/`: what each `.ron` file
//! looks like now (path, size, modification time), and the fingerprint of
//! all of it that the index's commit records.

use std::path::Path;

use super::FORMAT_VERSION;
use crate::walk::{self, Found};
use crate::Result;

/// One file as the metadata walk sees it: relative path, size and
/// modification time in nanoseconds.
pub type FileMeta = (String, u64, u128);

/// The size and time a walk entry counts with. Entries that are not
/// readable files still count by name, so that fixing one changes the
/// fingerprint.
fn meta_of(found: &Found) -> (u64, u128) {
    match found {
        Found::File { size, mtime, .. } => (*size, *mtime),
        Found::NotAFile(_) => (0, 1),
        Found::Problem(_) => (0, 0),
    }
}

/// The metadata walk: every `.ron` file under `knowledge`, sorted by path.
/// Used when the index has to change; [`fingerprint`] answers the common
/// question (is the index fresh?) without building this list.
pub fn scan(knowledge: &Path) -> Result<Vec<FileMeta>> {
    Ok(scan_of(&walk::list(knowledge)?))
}

/// The metadata of a walk already made (see [`walk::list`]).
pub fn scan_of(listed: &[(String, Found)]) -> Vec<FileMeta> {
    listed
        .iter()
        .map(|(rel, found)| {
            let (size, mtime) = meta_of(found);
            (rel.clone(), size, mtime)
        })
        .collect()
}

/// The fingerprint of a scan: every `.ron` file's relative path, size and
/// modification time, hashed one file at a time and summed, so that the
/// order of the walk does not matter, plus the count and the format version.
pub fn fingerprint_of(entries: &[FileMeta]) -> String {
    let mut d = Digest::default();
    for (p, size, mtime) in entries {
        d.file(p, *size, *mtime);
    }
    d.fingerprint()
}

/// The fingerprint of `knowledge/` as it is now, equal to
/// `fingerprint_of(&scan(knowledge)?)`, from the same walk but without
/// collecting or sorting the files. This is the one O(n) step of a fresh
/// query.
pub fn fingerprint(knowledge: &Path) -> Result<String> {
    Ok(walk::walk::<Digest>(knowledge)?.fingerprint())
}

/// An order-independent digest of a set of files.
#[derive(Default)]
struct Digest {
    sum: u64,
    count: usize,
}

impl Digest {
    fn file(&mut self, rel: &str, size: u64, mtime: u128) {
        let mut h = Fnv::new();
        h.write(rel.as_bytes());
        h.write(&[0]);
        h.write(&size.to_le_bytes());
        h.write(&mtime.to_le_bytes());
        self.sum = self.sum.wrapping_add(mix(h.0));
        self.count += 1;
    }

    fn fingerprint(&self) -> String {
        format!("v{FORMAT_VERSION}-{}-{:016x}", self.count, self.sum)
    }
}

impl walk::Visit for Digest {
    fn visit(&mut self, rel: &str, found: Found) {
        let (size, mtime) = meta_of(&found);
        self.file(rel, size, mtime);
    }
    fn merge(&mut self, other: Self) {
        self.sum = self.sum.wrapping_add(other.sum);
        self.count += other.count;
    }
}

/// The SplitMix64 finalizer: spreads FNV's output over all 64 bits before
/// the hashes are summed.
pub(super) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// FNV-1a, enough to tell two file records apart.
#[derive(Clone, Copy)]
pub(super) struct Fnv(pub(super) u64);

impl Fnv {
    pub(super) fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    pub(super) fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
