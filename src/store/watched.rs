//! Freshness from the file-system monitor (see [`crate::monitor`]): the
//! paths changed since the index was last known fresh, instead of a walk.

use std::path::Path;

use super::*;

/// What the monitor says of a store.
pub(super) enum Watched {
    /// Nothing changed since the claim: the store answers as it is.
    Fresh,
    /// These files changed; the token to claim once they are applied.
    Changes(Changes, String),
    /// The monitor cannot say: walk.
    Walk,
}

/// The name of a store's generation directory.
pub(super) fn gen_name(store: &Store) -> String {
    store
        .dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Asks the monitor of `index_dir`, if one runs, what changed in
/// `knowledge` since `store` was last known fresh.
#[cfg(unix)]
pub(super) fn ask(index_dir: &Path, knowledge: &Path, store: &Store) -> Watched {
    use crate::monitor::client::{self, Since};
    if !client::present(index_dir) {
        return Watched::Walk;
    }
    let gen = gen_name(store);
    let Some((claimed_gen, fp, token)) = client::read_claim(index_dir) else {
        return Watched::Walk;
    };
    if claimed_gen != gen || fp != store.fingerprint {
        return Watched::Walk;
    }
    let Since::Changes { mut paths, token } = client::since(index_dir, knowledge, Some(&token))
    else {
        return Watched::Walk;
    };
    if paths.is_empty() {
        return Watched::Fresh;
    }
    if paths.iter().any(|p| p.starts_with("dir:")) {
        return Watched::Walk;
    }
    paths.sort_unstable();
    paths.dedup();
    let Some(manifest) = read_manifest(&store.dir, &fp) else {
        return Watched::Walk;
    };
    let mut old = Vec::new();
    let mut new = Vec::new();
    let mut removed = Vec::new();
    for p in &paths {
        let was = match manifest.get(p) {
            Ok(was) => was,
            Err(_) => return Watched::Walk,
        };
        // What was not a readable file (a directory named `x.ron`, a
        // problem) may hide files: only a walk can tell.
        if was.as_ref().is_some_and(|e| e.size == 0 && e.stamp <= 1) {
            return Watched::Walk;
        }
        let now = match crate::store::meta_at(&knowledge.join(p)) {
            Some((size, stamp, true)) => Some((size, stamp)),
            Some(_) => return Watched::Walk,
            None => None,
        };
        let before = was.as_ref().map(|e| (e.size, e.stamp));
        if before == now {
            continue;
        }
        if let Some(e) = &was {
            old.push((p.clone(), e.size, e.stamp));
        }
        match now {
            Some((size, stamp)) => new.push((p.clone(), size, stamp)),
            None => removed.push(p.clone()),
        }
    }
    if new.is_empty() && removed.is_empty() {
        client::write_claim(index_dir, &gen, &fp, &token);
        return Watched::Fresh;
    }
    let Some(fingerprint) = fingerprint_patched(&fp, &old, &new) else {
        return Watched::Walk;
    };
    Watched::Changes(
        Changes {
            changed: new,
            removed,
            fingerprint,
        },
        token,
    )
}

#[cfg(not(unix))]
pub(super) fn ask(_: &Path, _: &Path, _: &Store) -> Watched {
    Watched::Walk
}

/// The monitor's token now, taken before a walk, when a monitor runs:
/// the walk's result may then be claimed as of it.
#[cfg(unix)]
pub(super) fn token_now(index_dir: &Path, knowledge: &Path) -> Option<String> {
    use crate::monitor::client::{self, Since};
    if !client::present(index_dir) {
        return None;
    }
    match client::since(index_dir, knowledge, None) {
        Since::Changes { token, .. } => Some(token),
        Since::Unknown => None,
    }
}

#[cfg(not(unix))]
pub(super) fn token_now(_: &Path, _: &Path) -> Option<String> {
    None
}

/// Claims `store` fresh as of `token` (taken before the walk that showed
/// it fresh).
pub(super) fn claim(index_dir: &Path, store: &Store, token: Option<&str>) {
    #[cfg(unix)]
    if let Some(token) = token {
        crate::monitor::client::write_claim(index_dir, &gen_name(store), &store.fingerprint, token);
    }
    #[cfg(not(unix))]
    let _ = (index_dir, store, token);
}
