//! The knowledge base compiled into the binary, used when no `knowledge/`
//! directory is found. It is written out to a cache directory once, so that
//! every other part of the program works on a plain directory.

use std::path::{Path, PathBuf};

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// A short fingerprint of the embedded files, so that a new binary with a
/// different knowledge base never reuses an old cache.
pub fn fingerprint() -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (p, t) in FILES {
        for b in p.bytes().chain([0]).chain(t.bytes()).chain([0]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// Writes the embedded knowledge base under `cache/<fingerprint>/knowledge`
/// (once; later calls reuse it) and returns that directory.
pub fn materialize(cache: &Path) -> crate::Result<PathBuf> {
    let root = cache.join(fingerprint());
    let dir = root.join("knowledge");
    if dir.is_dir() {
        return Ok(dir);
    }
    std::fs::create_dir_all(&root).map_err(|e| crate::Error::io(&root, e))?;
    let stage = crate::fsio::Stage::create(&root, ".knowledge")?;
    for (rel, text) in FILES {
        crate::fsio::write_new(&stage.path().join(rel), text.as_bytes())?;
    }
    match stage.commit(&dir) {
        Ok(()) => Ok(dir),
        // Another process won the race (the stage is removed on drop):
        // use its copy.
        Err(_) if dir.is_dir() => Ok(dir),
        Err(e) => Err(e),
    }
}
