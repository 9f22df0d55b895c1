//! The metadata side of the walk of `knowledge/`: what each `.ron` file
//! looks like now (path, size, and a stamp of its modification time,
//! change time and inode), and the fingerprint of all of it that the
//! index's commit records.

use std::path::Path;

use super::FORMAT_VERSION;
use crate::walk::{self, Found};
use crate::Result;

/// One file as the metadata walk sees it: relative path, size and change
/// stamp (see [`stamp`]).
pub type FileMeta = (String, u64, u128);

/// What a file's metadata says of its version, compared only for
/// equality: the modification time in nanoseconds in the low 64 bits, and
/// a hash of the change time (`ctime`) and inode in the high 64. As for
/// `git status`, a rewrite that keeps the size and lands within one tick
/// of the modification time still changes the stamp when the file was
/// replaced (a new inode, as editors and `git checkout` write) or its
/// modification time was set back (a new `ctime`).
pub fn stamp(mtime: u128, ctime: u128, ino: u64) -> u128 {
    // 64 bits of nanoseconds last until the year 2554.
    let low = mtime as u64;
    let high = mix(ino ^ mix(ctime as u64));
    (u128::from(high) << 64) | u128::from(low)
}

/// The size and stamp a walk entry counts with. Entries that are not
/// readable files still count by name, so that fixing one changes the
/// fingerprint.
fn meta_of(found: &Found) -> (u64, u128) {
    match found {
        Found::File {
            size,
            mtime,
            ctime,
            ino,
        } => (*size, stamp(*mtime, *ctime, *ino)),
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
            let (size, stamp) = meta_of(found);
            (rel.clone(), size, stamp)
        })
        .collect()
}

/// The fingerprint of a scan: every `.ron` file's relative path, size and
/// stamp, hashed one file at a time and summed, so that the
/// order of the walk does not matter, plus the count and the format version.
pub fn fingerprint_of(entries: &[FileMeta]) -> String {
    let mut d = Digest::default();
    for (p, size, stamp) in entries {
        d.file(p, *size, *stamp);
    }
    d.fingerprint()
}

/// The fingerprint `fp` (of [`fingerprint_of`]) once the files `old` are
/// replaced by `new`: the digest is a sum, so it is patched without the
/// other files. `None` when `fp` is not one of this version's.
pub fn fingerprint_patched(fp: &str, old: &[FileMeta], new: &[FileMeta]) -> Option<String> {
    let rest = fp.strip_prefix(&format!("v{FORMAT_VERSION}-"))?;
    let (count, sum) = rest.split_once('-')?;
    let mut d = Digest {
        count: count.parse().ok()?,
        sum: u64::from_str_radix(sum, 16).ok()?,
    };
    for (p, size, stamp) in old {
        let mut one = Digest::default();
        one.file(p, *size, *stamp);
        d.sum = d.sum.wrapping_sub(one.sum);
        d.count = d.count.checked_sub(1)?;
    }
    for (p, size, stamp) in new {
        d.file(p, *size, *stamp);
    }
    Some(d.fingerprint())
}

/// The metadata of one path as the walk would count it (see
/// [`walk::stat`]): `None` when nothing is there.
pub fn meta_at(path: &Path) -> Option<(u64, u128, bool)> {
    walk::stat(path).map(|f| {
        let is_file = matches!(f, Found::File { .. });
        let (size, stamp) = meta_of(&f);
        (size, stamp, is_file)
    })
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
    fn file(&mut self, rel: &str, size: u64, stamp: u128) {
        let mut h = Fnv::new();
        h.write(rel.as_bytes());
        h.write(&[0]);
        h.write(&size.to_le_bytes());
        h.write(&stamp.to_le_bytes());
        self.sum = self.sum.wrapping_add(mix(h.0));
        self.count += 1;
    }

    fn fingerprint(&self) -> String {
        format!("v{FORMAT_VERSION}-{}-{:016x}", self.count, self.sum)
    }
}

impl walk::Visit for Digest {
    fn visit(&mut self, rel: &str, found: Found) {
        let (size, stamp) = meta_of(&found);
        self.file(rel, size, stamp);
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
