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
    let tmp = tempfile::Builder::new()
        .prefix(".knowledge-")
        .tempdir_in(&root)
        .map_err(|e| crate::Error::io(&root, e))?;
    for (rel, text) in FILES {
        let path = tmp.path().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| crate::Error::io(parent, e))?;
        }
        std::fs::write(&path, text).map_err(|e| crate::Error::io(&path, e))?;
    }
    let tmp = tmp.keep();
    match std::fs::rename(&tmp, &dir) {
        Ok(()) => Ok(dir),
        // Another process won the race: use its copy.
        Err(_) if dir.is_dir() => {
            let _ = std::fs::remove_dir_all(&tmp);
            Ok(dir)
        }
        Err(e) => Err(crate::Error::io(&dir, e)),
    }
}
