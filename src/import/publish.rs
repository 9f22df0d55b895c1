//! Writing an import's files: the order that keeps every reference
//! resolvable should the import stop, and the writes themselves.

use super::*;

/// One file write, by its position in the list of writes.
#[derive(Clone, Copy, Debug)]
pub(super) enum Step {
    /// A bare placeholder of the entity ([`skeleton`]).
    Placeholder(usize),
    /// The whole file.
    Whole(usize),
}

/// The ids an entity's file names: relation targets, event actors,
/// deadline owners and fulfillers.
pub(super) fn references(e: &Entity) -> impl Iterator<Item = &str> {
    e.relations
        .iter()
        .map(|r| r.to.as_str())
        .chain(e.events.iter().filter_map(|ev| ev.by.as_deref()))
        .chain(e.deadlines.iter().flat_map(|d| {
            std::iter::once(d.owner.as_str()).chain(d.fulfilled_by.iter().map(String::as_str))
        }))
}

/// The order to write files in, so that no reference dangles at any
/// moment should the import be stopped: a new file comes after the new
/// files it names. New files that name each other (companion bills) cannot
/// all come first, so a bare placeholder of each ([`skeleton`], no links)
/// is written before them, and the whole file after. Files that replace
/// old ones never dangle and keep their place.
pub(super) fn write_order(
    writes: &[(PathBuf, String, &str, bool)],
    by_id: &HashMap<&str, &Entity>,
    referenced: &BTreeSet<String>,
) -> Vec<Step> {
    use petgraph::graph::{DiGraph, NodeIndex};
    let mut g: DiGraph<usize, ()> = DiGraph::with_capacity(writes.len(), 0);
    let nodes: Vec<NodeIndex> = (0..writes.len()).map(|i| g.add_node(i)).collect();
    let added: HashMap<&str, usize> = writes
        .iter()
        .enumerate()
        .filter(|(_, w)| w.3 && referenced.contains(w.2))
        .map(|(i, w)| (w.2, i))
        .collect();
    for (i, w) in writes.iter().enumerate() {
        let Some(e) = by_id.get(w.2) else { continue };
        let mut named: Vec<usize> = references(e)
            .filter_map(|id| added.get(id).copied())
            .filter(|&j| j != i)
            .collect();
        named.sort_unstable();
        named.dedup();
        for j in named {
            g.add_edge(nodes[i], nodes[j], ());
        }
    }
    // Tarjan gives the components with every component after the ones it
    // points at: the files named come first.
    let mut out = Vec::with_capacity(writes.len());
    for mut component in petgraph::algo::tarjan_scc(&g) {
        component.sort_unstable_by_key(|n| g[*n]);
        if component.len() > 1 {
            for n in &component {
                if writes[g[*n]].3 {
                    out.push(Step::Placeholder(g[*n]));
                }
            }
        }
        for n in component {
            out.push(Step::Whole(g[n]));
        }
    }
    out
}

/// Where files are written, counting them (`stop_after` stops an import
/// part way, for the tests of an interrupted import).
pub(super) struct Sink<'k> {
    pub(super) written: usize,
    pub(super) stop_after: Option<usize>,
    pub(super) knowledge: &'k Path,
}

impl Sink<'_> {
    fn put(&mut self, abs: &Path, text: &str, atomic: bool) -> Result<(), ImportError> {
        if self.stop_after == Some(self.written) {
            return Err(ImportError::Input {
                input: self.knowledge.display().to_string(),
                message: format!("stopped after {} file(s) were written", self.written),
            });
        }
        self.written += 1;
        let done = if atomic {
            crate::fsio::write_atomic(abs, text.as_bytes())
        } else {
            crate::fsio::write_new(abs, text.as_bytes())
        };
        done.map_err(|e| ImportError::Write(Box::new(e)))
    }
}

/// The topmost directory of `rel` (relative to `knowledge`) that does not
/// exist yet, if any.
pub(super) fn new_top(
    knowledge: &Path,
    rel: &Path,
    exists: &mut HashMap<PathBuf, bool>,
) -> Option<PathBuf> {
    let mut prefix = PathBuf::new();
    let parent = rel.parent()?;
    for c in parent.components() {
        prefix.push(c);
        let there = *exists
            .entry(prefix.clone())
            .or_insert_with(|| knowledge.join(&prefix).is_dir());
        if !there {
            return Some(prefix);
        }
    }
    None
}

/// Writes the files, in `order`, so that a stopped import leaves a valid
/// knowledge base.
///
/// When every new directory the import makes sits under one new directory
/// (a first import of a source or a session), its files are written into
/// a hidden sibling (`.NAME.import-*`, which the loader skips) and the
/// directory is renamed into place at once: no placeholders and no
/// renaming file by file, which is most of the time of a big first import.
/// Otherwise each file is written to a temporary name and renamed, in
/// [`write_order`].
pub(super) fn publish(
    sink: &mut Sink,
    knowledge: &Path,
    order: &[Step],
    writes: &[(PathBuf, String, &str, bool)],
    by_id: &HashMap<&str, &Entity>,
    comment: &str,
) -> Result<(), ImportError> {
    let placeholder = |i: usize| -> Result<String, ImportError> {
        let w = &writes[i];
        match by_id.get(w.2) {
            Some(e) => write::render_checked(&skeleton(e), comment, &w.0),
            None => Ok(w.1.clone()),
        }
    };
    let put_step = |sink: &mut Sink, step: Step| -> Result<(), ImportError> {
        match step {
            Step::Whole(i) => sink.put(&knowledge.join(&writes[i].0), &writes[i].1, true),
            Step::Placeholder(i) => sink.put(&knowledge.join(&writes[i].0), &placeholder(i)?, true),
        }
    };
    let mut exists: HashMap<PathBuf, bool> = HashMap::new();
    let tops: BTreeSet<PathBuf> = writes
        .iter()
        .filter_map(|w| new_top(knowledge, &w.0, &mut exists))
        .collect();
    let top = match tops.len() {
        1 => tops.into_iter().next(),
        _ => None,
    };
    let Some(top) = top else {
        for &step in order {
            put_step(sink, step)?;
        }
        return Ok(());
    };
    let abs_top = knowledge.join(&top);
    let parent = abs_top.parent().unwrap_or(knowledge).to_path_buf();
    let name = abs_top
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // In a hidden sibling, which also removes what an import killed part
    // way left there (a stage whose process is gone; see `fsio::Stage`).
    let stage = crate::fsio::Stage::create(&parent, &format!(".{name}.import"))
        .map_err(|e| ImportError::Write(Box::new(e)))?;
    let inside = |p: &Path| p.starts_with(&top);
    // 1. The new tree, out of sight: each file as it will be.
    for w in writes.iter().filter(|w| inside(&w.0)) {
        let rest = w.0.strip_prefix(&top).unwrap_or(&w.0);
        sink.put(&stage.path().join(rest), &w.1, false)?;
    }
    // 2. Placeholders for the new files elsewhere that the tree names.
    let named: BTreeSet<&str> = writes
        .iter()
        .filter(|w| inside(&w.0))
        .filter_map(|w| by_id.get(w.2))
        .flat_map(|e| references(e))
        .collect();
    for (i, w) in writes.iter().enumerate() {
        if !inside(&w.0) && w.3 && named.contains(w.2) {
            put_step(sink, Step::Placeholder(i))?;
        }
    }
    // 3. The tree, at once; then the rest, in order.
    stage
        .commit(&abs_top)
        .map_err(|e| ImportError::Write(Box::new(e)))?;
    for &step in order {
        let (Step::Whole(i) | Step::Placeholder(i)) = step;
        if !inside(&writes[i].0) {
            put_step(sink, step)?;
        }
    }
    Ok(())
}

/// Whether the file at `path` holds nothing but whitespace and NUL bytes.
pub(super) fn blank_file(path: &Path) -> bool {
    std::fs::read(path).is_ok_and(|b| b.iter().all(|c| c.is_ascii_whitespace() || *c == 0))
}

/// Whether an entity on disk is an imported placeholder.
pub(super) fn is_placeholder(k: &Known) -> bool {
    !k.curated && k.entity.provenance.as_ref().is_some_and(|p| p.incomplete)
}

/// A bare placeholder of `e`: its names and identifiers, no links.
pub(super) fn skeleton(e: &Entity) -> Entity {
    let mut s = e.clone();
    s.relations.clear();
    s.deadlines.clear();
    for ev in &mut s.events {
        ev.by = None;
    }
    if let Some(p) = &mut s.provenance {
        p.incomplete = true;
    }
    s
}

/// Whether two imported entities differ only in when and where they were
/// read (a replay from saved files of what was fetched says the same).
pub(super) fn same_but_retrieval(old: &Entity, new: &Entity) -> bool {
    let norm = |e: &Entity| {
        let mut e = e.clone();
        if let Some(p) = &mut e.provenance {
            p.retrieved = Date(jiff::civil::date(1970, 1, 1));
            p.from.clear();
        }
        for s in &mut e.sources {
            if s.retrieved.is_some() {
                s.retrieved = Some(Date(jiff::civil::date(1970, 1, 1)));
            }
        }
        e
    };
    norm(old) == norm(new)
}
