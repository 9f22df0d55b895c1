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
//!   fingerprint of the `knowledge/` it was built from;
//! - `.build-*`: a build in progress. Builds happen there and are renamed
//!   into place, so an interrupted build leaves the previous one working.
//!
//! Freshness is a metadata walk of `knowledge/`: every `.ron` file's path,
//! size and modification time are hashed and compared with the payload.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use tantivy::query::TermQuery;
use tantivy::schema::{
    DateOptions, Facet, FacetOptions, Field, IndexRecordOption, Schema, TextFieldIndexing,
    TextOptions, Value, FAST, STORED, STRING,
};
use tantivy::{DateTime, Index, IndexReader, Searcher, TantivyDocument, Term};

use crate::check::Corpus;
use crate::model::{Date, Entity, Kind, Relation};
use crate::{Error, Result};

/// Bumped whenever the schema or the stored record changes, so that an old
/// index is rebuilt rather than misread.
pub const FORMAT_VERSION: u32 = 8;

/// The other end of a relation, as much as a graph walk needs to know
/// without reading that entity's document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Peer {
    /// Its id.
    pub id: String,
    /// Its kind.
    pub kind: Kind,
    /// Its English name.
    pub name: String,
    /// Its first date (see [`Entity::first_seen`]).
    pub first_seen: Option<Date>,
}

impl Peer {
    /// Whether the peer existed on `as_of`.
    pub fn exists_on(&self, as_of: Option<Date>) -> bool {
        match (as_of, self.first_seen) {
            (Some(d), Some(f)) => f <= d,
            _ => true,
        }
    }
}

/// One entity with its neighbourhood: the unit the snapshot stores.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Node {
    /// The entity itself.
    pub entity: Entity,
    /// The file it came from, relative to `knowledge/`.
    pub path: String,
    /// The target of each of `entity.relations`, in the same order.
    pub out: Vec<Peer>,
    /// Relations pointing at this entity: the source and the relation.
    pub incoming: Vec<(Peer, Relation)>,
}

/// Anything that can hand out nodes by id: the in-memory corpus or the
/// on-disk store. Graph questions are written once against this.
pub trait NodeSource {
    /// The node with this id, if any.
    fn node(&self, id: &str) -> Result<Option<Rc<Node>>>;
}

/// A [`Peer`] borrowed from the corpus; encoded exactly as a `Peer` is.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct PeerRef<'a> {
    id: &'a str,
    kind: Kind,
    name: &'a str,
    first_seen: Option<Date>,
}

impl<'a> PeerRef<'a> {
    fn of(e: &'a Entity) -> PeerRef<'a> {
        PeerRef {
            id: &e.id,
            kind: e.kind,
            name: &e.name,
            first_seen: e.first_seen(),
        }
    }

    fn from(p: &'a Peer) -> PeerRef<'a> {
        PeerRef {
            id: &p.id,
            kind: p.kind,
            name: &p.name,
            first_seen: p.first_seen,
        }
    }

    fn missing(id: &'a str) -> PeerRef<'a> {
        PeerRef {
            id,
            kind: Kind::Event,
            name: id,
            first_seen: None,
        }
    }

    fn to_peer(self) -> Peer {
        Peer {
            id: self.id.to_owned(),
            kind: self.kind,
            name: self.name.to_owned(),
            first_seen: self.first_seen,
        }
    }
}

/// A [`Node`] borrowed from the corpus, so that indexing encodes every
/// entity without copying it first; encoded exactly as a `Node` is.
#[derive(Debug, Serialize)]
pub struct NodeRef<'a> {
    entity: &'a Entity,
    path: std::borrow::Cow<'a, str>,
    out: Vec<PeerRef<'a>>,
    incoming: Vec<(PeerRef<'a>, &'a Relation)>,
}

impl NodeRef<'_> {
    fn to_node(&self) -> Node {
        Node {
            entity: self.entity.clone(),
            path: self.path.clone().into_owned(),
            out: self.out.iter().map(|p| p.to_peer()).collect(),
            incoming: self
                .incoming
                .iter()
                .map(|(p, r)| (p.to_peer(), (*r).clone()))
                .collect(),
        }
    }
}

impl Node {
    /// This node, borrowed, as indexing encodes it.
    fn as_ref(&self) -> NodeRef<'_> {
        NodeRef {
            entity: &self.entity,
            path: std::borrow::Cow::Borrowed(&self.path),
            out: self.out.iter().map(PeerRef::from).collect(),
            incoming: self
                .incoming
                .iter()
                .map(|(p, r)| (PeerRef::from(p), r))
                .collect(),
        }
    }
}

/// The nodes of a corpus, borrowed from it, in id order.
fn node_refs(corpus: &Corpus) -> Vec<NodeRef<'_>> {
    let peers: Vec<PeerRef> = corpus.entities.iter().map(PeerRef::of).collect();
    let mut incoming: Vec<Vec<(PeerRef, &Relation)>> = vec![Vec::new(); corpus.len()];
    for (e, me) in corpus.entities.iter().zip(&peers) {
        for r in &e.relations {
            if let Some(j) = corpus.index_of(&r.to) {
                incoming[j].push((*me, r));
            }
        }
    }
    corpus
        .entities
        .iter()
        .zip(&corpus.paths)
        .zip(incoming)
        .map(|((e, path), incoming)| NodeRef {
            out: e
                .relations
                .iter()
                .map(|r| {
                    corpus
                        .index_of(&r.to)
                        .and_then(|j| peers.get(j).copied())
                        .unwrap_or_else(|| PeerRef::missing(&r.to))
                })
                .collect(),
            entity: e,
            path: match path.to_string_lossy() {
                std::borrow::Cow::Borrowed(p) if !p.contains('\\') => std::borrow::Cow::Borrowed(p),
                p => std::borrow::Cow::Owned(p.replace('\\', "/")),
            },
            incoming,
        })
        .collect()
}

/// Builds the nodes of a corpus, in id order.
pub fn build_nodes(corpus: &Corpus) -> Vec<Node> {
    node_refs(corpus).iter().map(NodeRef::to_node).collect()
}

/// Nodes held in memory (for a corpus that was just loaded).
pub struct MemNodes {
    map: HashMap<String, Rc<Node>>,
}

impl MemNodes {
    /// Builds the nodes of a corpus.
    pub fn new(corpus: &Corpus) -> MemNodes {
        MemNodes {
            map: build_nodes(corpus)
                .into_iter()
                .map(|n| (n.entity.id.clone(), Rc::new(n)))
                .collect(),
        }
    }
}

impl NodeSource for MemNodes {
    fn node(&self, id: &str) -> Result<Option<Rc<Node>>> {
        Ok(self.map.get(id).cloned())
    }
}

/// The fields of the schema, defined in one place.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// Entity id, raw.
    pub id: Field,
    /// Normalized lookup keys (id, names, aliases), raw.
    pub key: Field,
    /// Kind name, raw.
    pub kind: Field,
    /// Jurisdiction code, raw.
    pub jurisdiction: Field,
    /// Status today, raw (`none` when the kind has no status).
    pub status: Field,
    /// Tags, raw.
    pub tag: Field,
    /// Every event date, deadline and figure date.
    pub date: Field,
    /// Names in every language and aliases: tokenized, stored.
    pub name: Field,
    /// Identifiers: tokenized.
    pub ident: Field,
    /// Summaries, notes, event and deadline notes, source titles: tokenized, stored.
    pub body: Field,
    /// `/kind/..`, `/jurisdiction/..`, `/status/..` facets.
    pub facet: Field,
    /// The postcard-encoded [`Node`].
    pub record: Field,
    /// A hash of the id ([`tiebreak`]), fast: cuts ties among equal scores.
    pub tiebreak: Field,
}

/// The name of the tokenizer used for every text field.
pub const TOKENIZER: &str = "policygraph";

impl Fields {
    fn schema() -> (Schema, Fields) {
        let mut b = Schema::builder();
        let text = |stored: bool| {
            let idx = TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions);
            let o = TextOptions::default().set_indexing_options(idx);
            if stored {
                o.set_stored()
            } else {
                o
            }
        };
        let fields = Fields {
            id: b.add_text_field("id", STRING | STORED),
            key: b.add_text_field("key", STRING),
            kind: b.add_text_field("kind", STRING | FAST),
            jurisdiction: b.add_text_field("jurisdiction", STRING | FAST),
            status: b.add_text_field("status", STRING | FAST),
            tag: b.add_text_field("tag", STRING),
            date: b.add_date_field("date", DateOptions::default().set_indexed().set_fast()),
            name: b.add_text_field("name", text(false)),
            ident: b.add_text_field("ident", text(false)),
            body: b.add_text_field("body", text(false)),
            facet: b.add_facet_field("facet", FacetOptions::default()),
            record: b.add_bytes_field("record", STORED),
            tiebreak: b.add_u64_field(crate::rank::TIEBREAK_FIELD, FAST),
        };
        (b.build(), fields)
    }

    fn from_schema(schema: &Schema) -> Result<Fields> {
        let f = |name: &str| {
            schema.get_field(name).map_err(|_| {
                Error::Index(format!(
                    "index schema lacks field `{name}`; rebuild with `policygraph index`"
                ))
            })
        };
        Ok(Fields {
            id: f("id")?,
            key: f("key")?,
            kind: f("kind")?,
            jurisdiction: f("jurisdiction")?,
            status: f("status")?,
            tag: f("tag")?,
            date: f("date")?,
            name: f("name")?,
            ident: f("ident")?,
            body: f("body")?,
            facet: f("facet")?,
            record: f("record")?,
            tiebreak: f(crate::rank::TIEBREAK_FIELD)?,
        })
    }
}

/// The tie-breaking key of an entity: a hash of its id.
pub fn tiebreak(id: &str) -> u64 {
    let mut h = Fnv::new();
    h.write(id.as_bytes());
    mix(h.0)
}

/// The converted date of a day, for date fields.
pub fn tantivy_date(d: Date) -> DateTime {
    DateTime::from_timestamp_secs(d.unix_days() * 86_400)
}

fn ix(e: tantivy::TantivyError) -> Error {
    Error::Index(e.to_string())
}

/// One file as the metadata walk sees it: relative path, size and
/// modification time in nanoseconds.
pub type FileMeta = (String, u64, u128);

/// The metadata walk: every `.ron` file under `knowledge`, sorted by path.
/// Used when the index has to change; [`fingerprint`] answers the common
/// question (is the index fresh?) without building this list.
pub fn scan(knowledge: &Path) -> Result<Vec<FileMeta>> {
    let mut entries: Vec<FileMeta> = walk_meta(knowledge)?;
    entries.sort_unstable();
    Ok(entries)
}

/// The fingerprint of a scan: every `.ron` file's relative path, size and
/// modification time, hashed one file at a time and summed, so that the
/// order of the walk does not matter, plus the count and the format version.
pub fn fingerprint_of(entries: &[FileMeta]) -> String {
    let mut d = Digest::default();
    for (p, size, mtime) in entries {
        d.file(Fnv::new(), p, *size, *mtime);
    }
    d.fingerprint()
}

/// The fingerprint of `knowledge/` as it is now, equal to
/// `fingerprint_of(&scan(knowledge)?)`, from the same walk but without
/// collecting, allocating or sorting a path per file. This is the one O(n)
/// step of a fresh query.
pub fn fingerprint(knowledge: &Path) -> Result<String> {
    Ok(walk_meta::<Digest>(knowledge)?.fingerprint())
}

/// What the walk does with each file it finds, one per walker thread.
trait Visit: Default + Send {
    /// A file named `name` in a directory whose relative path (with a
    /// trailing `/`, or empty at the top) hashes to `dir`.
    fn visit(&mut self, dir: &DirTask, name: &str, size: u64, mtime: u128);
    /// Folds another walker's results in.
    fn merge(&mut self, other: Self);
}

/// A directory waiting to be read.
struct DirTask {
    path: PathBuf,
    /// Relative to `knowledge/`, empty at the top.
    rel: String,
    /// The hash of `rel` followed by `/` (nothing at the top).
    hash: Fnv,
    depth: usize,
}

impl Visit for Vec<FileMeta> {
    fn visit(&mut self, dir: &DirTask, name: &str, size: u64, mtime: u128) {
        let rel = if dir.rel.is_empty() {
            name.to_owned()
        } else {
            format!("{}/{name}", dir.rel)
        };
        self.push((rel, size, mtime));
    }
    fn merge(&mut self, other: Self) {
        self.extend(other);
    }
}

/// An order-independent digest of a set of files.
#[derive(Default)]
struct Digest {
    sum: u64,
    count: usize,
}

impl Digest {
    /// Adds a file whose path, after the part already hashed into `h`, is `rest`.
    fn file(&mut self, mut h: Fnv, rest: &str, size: u64, mtime: u128) {
        h.write(rest.as_bytes());
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

impl Visit for Digest {
    fn visit(&mut self, dir: &DirTask, name: &str, size: u64, mtime: u128) {
        self.file(dir.hash, name, size, mtime);
    }
    fn merge(&mut self, other: Self) {
        self.sum = self.sum.wrapping_add(other.sum);
        self.count += other.count;
    }
}

/// The SplitMix64 finalizer: spreads FNV's output over all 64 bits before
/// the hashes are summed.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn walk_meta<V: Visit>(base: &Path) -> Result<V> {
    // Directories are shared out to a few threads: the walk is all system
    // calls, and on a cold or large tree two cores finish it sooner.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let queue = std::sync::Mutex::new(vec![DirTask {
        path: base.to_path_buf(),
        rel: String::new(),
        hash: Fnv::new(),
        depth: 0,
    }]);
    let pending = std::sync::atomic::AtomicUsize::new(1);
    let results: Vec<Result<V>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| scope.spawn(|| walk_worker::<V>(&queue, &pending)))
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|_| Err(Error::Index("the metadata walk failed".into())))
            })
            .collect()
    });
    let mut all = V::default();
    for r in results {
        all.merge(r?);
    }
    Ok(all)
}

/// One walker: takes directories off the shared queue until every
/// directory has been read.
fn walk_worker<V: Visit>(
    queue: &std::sync::Mutex<Vec<DirTask>>,
    pending: &std::sync::atomic::AtomicUsize,
) -> Result<V> {
    use std::sync::atomic::Ordering;
    let mut out = V::default();
    loop {
        let next = queue.lock().map_or(None, |mut q| q.pop());
        let Some(dir) = next else {
            if pending.load(Ordering::Acquire) == 0 {
                return Ok(out);
            }
            std::thread::sleep(std::time::Duration::from_micros(50));
            continue;
        };
        let result = read_one_dir(&dir, queue, pending, &mut out);
        pending.fetch_sub(1, Ordering::AcqRel);
        if let Err(e) = result {
            // Let the other walkers finish; report the first problem.
            pending.store(0, Ordering::Release);
            return Err(e);
        }
    }
}

/// Reads one directory: visits its `.ron` files and queues its directories.
fn read_one_dir<V: Visit>(
    dir: &DirTask,
    queue: &std::sync::Mutex<Vec<DirTask>>,
    pending: &std::sync::atomic::AtomicUsize,
    out: &mut V,
) -> Result<()> {
    use std::sync::atomic::Ordering;
    if dir.depth > 64 {
        return Ok(());
    }
    let rd = std::fs::read_dir(&dir.path).map_err(|e| Error::io(&dir.path, e))?;
    for entry in rd {
        let entry = entry.map_err(|e| Error::io(&dir.path, e))?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') {
            continue;
        }
        // The entry's type comes with the listing; only links need a
        // `stat` to learn what they point at, as loading follows them.
        let Ok(ft) = entry.file_type() else { continue };
        let meta = if ft.is_symlink() {
            std::fs::metadata(entry.path())
        } else if ft.is_dir() {
            Err(std::io::Error::other("dir"))
        } else if name.ends_with(".ron") {
            entry.metadata()
        } else {
            continue;
        };
        let is_dir = ft.is_dir() || meta.as_ref().is_ok_and(|m| m.is_dir());
        if is_dir {
            if name.ends_with(".ron") {
                out.visit(dir, &name, 0, 1);
            }
            // Paths relative to the knowledge directory are built as we
            // go down rather than stripped from every absolute path.
            let rel = if dir.rel.is_empty() {
                name.to_string()
            } else {
                format!("{}/{name}", dir.rel)
            };
            let mut hash = dir.hash;
            hash.write(name.as_bytes());
            hash.write(b"/");
            pending.fetch_add(1, Ordering::AcqRel);
            if let Ok(mut q) = queue.lock() {
                q.push(DirTask {
                    path: entry.path(),
                    rel,
                    hash,
                    depth: dir.depth + 1,
                });
            }
            continue;
        }
        if !name.ends_with(".ron") {
            continue;
        }
        match meta {
            Ok(m) => {
                let mtime = m
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos());
                out.visit(dir, &name, m.len(), mtime);
            }
            // A dangling link or an unreadable entry: its name still counts.
            Err(_) => out.visit(dir, &name, 0, 0),
        }
    }
    Ok(())
}

/// FNV-1a, enough to tell two directory listings apart.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// An open snapshot/index generation.
pub struct Store {
    /// The tantivy index.
    pub index: Index,
    /// Its reader.
    pub reader: IndexReader,
    /// A searcher over the current commit.
    pub searcher: Searcher,
    /// The schema fields.
    pub fields: Fields,
    /// The fingerprint it was built from.
    pub fingerprint: String,
    /// The first day on which a status stored in the index may have
    /// changed: the earliest event dated after the build day.
    pub valid_until: Option<Date>,
    cache: RefCell<HashMap<String, Option<Rc<Node>>>>,
}

fn current_path(index_dir: &Path) -> PathBuf {
    index_dir.join("CURRENT")
}

/// The generation directory named by `index/CURRENT`, if any.
pub fn current_generation(index_dir: &Path) -> Option<PathBuf> {
    let name = std::fs::read_to_string(current_path(index_dir)).ok()?;
    let name = name.trim();
    if name.is_empty() || name.contains('/') || name.contains("..") {
        return None;
    }
    let dir = index_dir.join(name);
    dir.is_dir().then_some(dir)
}

impl Store {
    /// Opens the current generation in `index_dir`, if there is one.
    pub fn open(index_dir: &Path) -> Result<Option<Store>> {
        // A concurrent rebuild may remove the generation between reading
        // CURRENT and opening it: read CURRENT again once.
        for attempt in 0..2 {
            let Some(dir) = current_generation(index_dir) else {
                return Ok(None);
            };
            match Store::open_generation(&dir) {
                Ok(s) => return Ok(s),
                Err(e) if attempt == 1 => return Err(e),
                Err(_) => continue,
            }
        }
        Ok(None)
    }

    /// Opens one generation; `None` when another version of policygraph
    /// wrote it in another format, which is then rebuilt like a missing one.
    fn open_generation(dir: &Path) -> Result<Option<Store>> {
        let index = Index::open_in_dir(dir).map_err(ix)?;
        let (fingerprint, valid_until) = parse_payload(&read_payload(dir)?);
        if !fingerprint.starts_with(&format!("v{FORMAT_VERSION}-")) {
            return Ok(None);
        }
        crate::search::register_tokenizers(&index);
        let fields = Fields::from_schema(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map_err(ix)?;
        let searcher = reader.searcher();
        Ok(Some(Store {
            index,
            reader,
            searcher,
            fields,
            fingerprint,
            valid_until,
            cache: RefCell::new(HashMap::new()),
        }))
    }

    /// Number of entities.
    pub fn len(&self) -> u64 {
        self.searcher.num_docs()
    }

    /// Whether the store holds no entity.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Decodes the node stored in a document.
    pub fn node_at(&self, addr: tantivy::DocAddress) -> Result<Node> {
        let doc: TantivyDocument = self.searcher.doc(addr).map_err(ix)?;
        self.node_of(&doc)
    }

    /// Decodes the node stored in a document already read.
    pub fn node_of(&self, doc: &TantivyDocument) -> Result<Node> {
        let bytes = doc
            .get_first(self.fields.record)
            .and_then(|v| v.as_bytes())
            .ok_or_else(|| {
                Error::Index("document without a record; rebuild with `policygraph index`".into())
            })?;
        postcard::from_bytes(bytes).map_err(|e| {
            Error::Index(format!(
                "corrupt record: {e}; rebuild with `policygraph index`"
            ))
        })
    }

    /// The documents whose raw `field` holds `value`.
    pub fn lookup(
        &self,
        field: Field,
        value: &str,
        limit: usize,
    ) -> Result<Vec<tantivy::DocAddress>> {
        let q = TermQuery::new(
            Term::from_field_text(field, value),
            IndexRecordOption::Basic,
        );
        let (hits, _) = self
            .searcher
            .search(&q, &crate::rank::Best::new(limit))
            .map_err(ix)?;
        let mut addrs: Vec<_> = hits.into_iter().map(|(_, a)| a).collect();
        addrs.sort();
        Ok(addrs)
    }

    /// Every node, in id order. O(n): for whole-corpus commands.
    pub fn all_nodes(&self) -> Result<Vec<Node>> {
        let mut out = Vec::with_capacity(self.len() as usize);
        for (ord, seg) in self.searcher.segment_readers().iter().enumerate() {
            let alive = seg.alive_bitset();
            for doc in 0..seg.max_doc() {
                if alive.is_some_and(|a| !a.is_alive(doc)) {
                    continue;
                }
                out.push(self.node_at(tantivy::DocAddress::new(ord as u32, doc))?);
            }
        }
        out.sort_by(|a, b| a.entity.id.cmp(&b.entity.id));
        Ok(out)
    }

    /// The whole validated corpus, decoded from the snapshot.
    pub fn corpus(&self) -> Result<Corpus> {
        Ok(Corpus::from_validated(
            self.all_nodes()?
                .into_iter()
                .map(|n| (n.entity, PathBuf::from(n.path)))
                .collect(),
        ))
    }

    /// Resolves what a user typed to an entity id: an exact id, else every
    /// entity with that normalized key (id, name in any language, alias).
    pub fn resolve(&self, reference: &str) -> Result<String> {
        if let Some(n) = self.node(reference)? {
            return Ok(n.entity.id.clone());
        }
        let key = crate::resolve::normalize(reference);
        let mut addrs = self.lookup(self.fields.key, &key, 50)?;
        if addrs.is_empty() {
            // `S 1582`, `S. 1582` and `s1582` are one bill number.
            if let Some(b) = crate::resolve::bill_form(reference) {
                addrs = self.lookup(self.fields.key, &b, 50)?;
            }
        }
        let mut nodes = Vec::new();
        for a in addrs {
            nodes.push(self.node_at(a)?);
        }
        nodes.sort_by(|a, b| a.entity.id.cmp(&b.entity.id));
        match nodes.len() {
            1 => Ok(nodes.remove(0).entity.id),
            0 => Err(Error::UnknownEntity {
                reference: reference.to_owned(),
                suggestions: self.suggest(&key)?,
            }),
            _ => Err(Error::Ambiguous {
                reference: reference.to_owned(),
                candidates: nodes
                    .into_iter()
                    .map(|n| (n.entity.id, n.entity.name))
                    .collect(),
            }),
        }
    }

    /// The closest keys to an unknown one, as `id (name)`. Walks the key
    /// dictionary: only on the error path.
    fn suggest(&self, key: &str) -> Result<Vec<String>> {
        let mut scored: BTreeMap<String, f64> = BTreeMap::new();
        for seg in self.searcher.segment_readers() {
            let inv = seg.inverted_index(self.fields.key).map_err(ix)?;
            let mut stream = inv
                .terms()
                .stream()
                .map_err(|e| Error::Index(e.to_string()))?;
            while stream.advance() {
                let Ok(k) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                let s = strsim::jaro_winkler(key, k);
                if s >= 0.8 {
                    let e = scored.entry(k.to_owned()).or_insert(0.0);
                    *e = e.max(s);
                }
            }
        }
        let mut best: Vec<(f64, String)> = scored.into_iter().map(|(k, s)| (s, k)).collect();
        best.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut out: Vec<String> = Vec::new();
        for (_, k) in best.into_iter().take(10) {
            for a in self.lookup(self.fields.key, &k, 5)? {
                let n = self.node_at(a)?;
                let s = format!("{} ({})", n.entity.id, n.entity.name);
                if !out.contains(&s) {
                    out.push(s);
                }
            }
            if out.len() >= 5 {
                break;
            }
        }
        out.truncate(5);
        Ok(out)
    }
}

impl NodeSource for Store {
    fn node(&self, id: &str) -> Result<Option<Rc<Node>>> {
        if let Some(hit) = self.cache.borrow().get(id) {
            return Ok(hit.clone());
        }
        let found = match self.lookup(self.fields.id, id, 1)?.first() {
            Some(&a) => Some(Rc::new(self.node_at(a)?)),
            None => None,
        };
        self.cache.borrow_mut().insert(id.to_owned(), found.clone());
        Ok(found)
    }
}

/// Builds a new generation from a validated corpus and swaps it in.
/// Returns the number of entities indexed.
pub fn build(index_dir: &Path, corpus: &Corpus, scan: &[FileMeta]) -> Result<usize> {
    let fingerprint = fingerprint_of(scan);
    let fingerprint = fingerprint.as_str();
    std::fs::create_dir_all(index_dir).map_err(|e| Error::io(index_dir, e))?;
    clean_stale_builds(index_dir);
    let tmp = tempfile::Builder::new()
        .prefix(".build-")
        .tempdir_in(index_dir)
        .map_err(|e| Error::io(index_dir, e))?;
    let (schema, f) = Fields::schema();
    let index = Index::create_in_dir(tmp.path(), schema).map_err(ix)?;
    crate::search::register_tokenizers(&index);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 4);
    let mut writer = index
        .writer_with_num_threads::<TantivyDocument>(threads, 64 * 1024 * 1024 * threads)
        .map_err(ix)?;
    let today = Date::today();
    let nodes = node_refs(corpus);
    let count = nodes.len();
    // Documents go in in id order, from one thread, so that equal scores
    // always break the same way (doc order) and output never flaps.
    for node in &nodes {
        writer
            .add_document(document(&f, node, today)?)
            .map_err(ix)?;
    }
    let mut prepared = writer.prepare_commit().map_err(ix)?;
    let next = next_event_after(corpus.entities.iter(), today);
    prepared.set_payload(&payload(fingerprint, next));
    prepared.commit().map_err(ix)?;
    writer.wait_merging_threads().map_err(ix)?;
    drop(index);
    write_manifest(tmp.path(), fingerprint, scan, corpus)?;

    // Swap: rename the finished build to a fresh generation name, then point
    // CURRENT at it atomically. Readers of the old generation keep working.
    let old = current_generation(index_dir);
    let name = format!("gen-{}-{}", std::process::id(), unique_suffix());
    let gen_dir = index_dir.join(&name);
    let built = tmp.keep();
    std::fs::rename(&built, &gen_dir).map_err(|e| Error::io(&gen_dir, e))?;
    let mut cur =
        tempfile::NamedTempFile::new_in(index_dir).map_err(|e| Error::io(index_dir, e))?;
    std::io::Write::write_all(&mut cur, name.as_bytes()).map_err(|e| Error::io(index_dir, e))?;
    set_readable(cur.as_file());
    cur.persist(current_path(index_dir))
        .map_err(|e| Error::io(current_path(index_dir), e.error))?;
    if let Some(old) = old {
        if old != gen_dir {
            let _ = std::fs::remove_dir_all(old);
        }
    }
    Ok(count)
}

fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{nanos:x}")
}

/// Removes builds left behind by killed processes (older than ten minutes,
/// so that a build in progress elsewhere is left alone) and generations
/// that CURRENT no longer names.
fn clean_stale_builds(index_dir: &Path) {
    let current = current_generation(index_dir);
    let Ok(rd) = std::fs::read_dir(index_dir) else {
        return;
    };
    for entry in rd.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let old_enough = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age.as_secs() > 600);
        let stale_build = name.starts_with(".build-") && old_enough;
        let stale_gen = name.starts_with("gen-") && Some(&path) != current.as_ref() && old_enough;
        if stale_build || stale_gen {
            let _ = std::fs::remove_dir_all(path);
        }
    }
}

fn document(f: &Fields, node: &NodeRef, today: Date) -> Result<TantivyDocument> {
    let e = &node.entity;
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, &e.id);
    for k in crate::resolve::keys(e) {
        doc.add_text(f.key, &k);
    }
    doc.add_text(f.kind, e.kind.name());
    doc.add_text(f.jurisdiction, &e.jurisdiction);
    let status = e.status(Some(today)).map_or("none", |s| s.name());
    doc.add_text(f.status, status);
    for t in &e.tags {
        doc.add_text(f.tag, t);
    }
    let dates = e
        .events
        .iter()
        .map(|ev| ev.date)
        .chain(e.deadlines.iter().map(|d| d.due))
        .chain(e.figure.as_ref().map(|fig| fig.as_of));
    for d in dates {
        doc.add_date(f.date, tantivy_date(d));
    }
    for n in name_texts(e) {
        doc.add_text(f.name, n);
    }
    for i in &e.identifiers {
        doc.add_text(f.ident, &i.value);
    }
    // `EO14330`, `HR3633`, `PubL119-27` written without spaces: index the
    // run-together form of identifiers and of aliases that carry a number.
    for v in e
        .identifiers
        .iter()
        .map(|i| i.value.as_str())
        .chain(e.aliases.iter().map(String::as_str))
    {
        if v.chars().any(|c| c.is_ascii_digit()) && v.contains([' ', '.']) {
            let compact: String = v
                .chars()
                .filter(|c| !c.is_whitespace() && *c != '.')
                .collect();
            doc.add_text(f.ident, &compact);
        }
    }
    for text in body_texts(e) {
        doc.add_text(f.body, text);
    }
    doc.add_facet(f.facet, Facet::from_path(["kind", e.kind.name()]));
    doc.add_facet(
        f.facet,
        Facet::from_path(["jurisdiction", e.jurisdiction.as_str()]),
    );
    doc.add_facet(f.facet, Facet::from_path(["status", status]));
    let bytes = postcard::to_stdvec(node)
        .map_err(|e| Error::Index(format!("cannot encode `{}`: {e}", node.entity.id)))?;
    doc.add_bytes(f.record, &bytes);
    doc.add_u64(f.tiebreak, tiebreak(&e.id));
    Ok(doc)
}

/// The names of an entity in every language, and its aliases: what the
/// `name` field indexes. Not stored in the index (the record has them);
/// snippets are cut from these same texts.
pub fn name_texts(e: &Entity) -> impl Iterator<Item = &str> {
    std::iter::once(e.name.as_str())
        .chain(e.names.values().map(String::as_str))
        .chain(e.aliases.iter().map(String::as_str))
}

/// The texts of an entity that full-text search reads besides its names
/// (sponsors' names included, so `search Lummis` finds her bills).
pub fn body_texts(e: &Entity) -> impl Iterator<Item = &str> {
    std::iter::once(e.summary.as_str())
        .chain(e.summaries.values().map(String::as_str))
        .chain(e.notes.iter().map(String::as_str))
        .chain(e.events.iter().map(|ev| ev.note.as_str()))
        .chain(e.deadlines.iter().map(|d| d.what.as_str()))
        .chain(e.relations.iter().map(|r| r.note.as_str()))
        .chain(e.sources.iter().map(|s| s.title.as_str()))
        .chain(e.tags.iter().map(String::as_str))
        .chain(e.sponsors.iter().map(|s| s.name.as_str()))
        .filter(|s| !s.is_empty())
}

/// Filters for [`Store::list`].
#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    /// Any of these kinds (all when empty).
    pub kinds: Vec<Kind>,
    /// Jurisdiction prefix.
    pub jurisdiction: Option<String>,
    /// Status on the as-of day (any of these; all when empty).
    pub statuses: Vec<crate::model::Stage>,
    /// Every one of these tags.
    pub tags: Vec<String>,
    /// See the world as of this day.
    pub as_of: Option<Date>,
}

impl Store {
    /// The entities matching a filter, in id order. Kind, jurisdiction and
    /// tags are answered by the index; only matching records are decoded.
    pub fn list(&self, filter: &ListFilter) -> Result<Vec<Node>> {
        use tantivy::query::{AllQuery, BooleanQuery, Occur, Query};
        let f = self.fields;
        let term = |field, v: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, v),
                IndexRecordOption::Basic,
            ))
        };
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !filter.kinds.is_empty() {
            let any = filter
                .kinds
                .iter()
                .map(|k| (Occur::Should, term(f.kind, k.name())))
                .collect();
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        if let Some(j) = &filter.jurisdiction {
            must.push((
                Occur::Must,
                Box::new(crate::search::jurisdiction_query(f.jurisdiction, j)?),
            ));
        }
        for t in &filter.tags {
            must.push((Occur::Must, term(f.tag, t)));
        }
        let query: Box<dyn Query> = if must.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(must))
        };
        let docs = self
            .searcher
            .search(&*query, &tantivy::collector::DocSetCollector)
            .map_err(ix)?;
        let mut out = Vec::with_capacity(docs.len());
        for addr in docs {
            let n = self.node_at(addr)?;
            let e = &n.entity;
            if !e.exists_on(filter.as_of) {
                continue;
            }
            if !filter.statuses.is_empty() {
                let s = if e.kind.has_status() {
                    e.status(filter.as_of)
                } else {
                    None
                };
                if !s.is_some_and(|s| filter.statuses.contains(&s)) {
                    continue;
                }
            }
            out.push(n);
        }
        out.sort_by(|a, b| a.entity.id.cmp(&b.entity.id));
        Ok(out)
    }
}

/// What the last build saw of each file: path, size, mtime and the id it
/// held. Stored beside the index, named after the fingerprint it belongs
/// to, so that it always matches the commit that names it.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    files: Vec<(String, u64, u128, String)>,
}

fn manifest_path(gen: &Path, fingerprint: &str) -> PathBuf {
    gen.join(format!("manifest-{fingerprint}.bin"))
}

fn write_manifest(gen: &Path, fingerprint: &str, scan: &[FileMeta], corpus: &Corpus) -> Result<()> {
    let id_of: HashMap<String, &str> = corpus
        .paths
        .iter()
        .zip(&corpus.entities)
        .map(|(p, e)| (p.to_string_lossy().replace('\\', "/"), e.id.as_str()))
        .collect();
    let m = Manifest {
        files: scan
            .iter()
            .map(|(p, size, mtime)| {
                (
                    p.clone(),
                    *size,
                    *mtime,
                    id_of.get(p).map(|s| (*s).to_owned()).unwrap_or_default(),
                )
            })
            .collect(),
    };
    save_manifest(gen, fingerprint, &m)
}

fn save_manifest(gen: &Path, fingerprint: &str, m: &Manifest) -> Result<()> {
    let bytes = postcard::to_stdvec(m)
        .map_err(|e| Error::Index(format!("cannot encode the manifest: {e}")))?;
    let path = manifest_path(gen, fingerprint);
    let mut f = tempfile::NamedTempFile::new_in(gen).map_err(|e| Error::io(gen, e))?;
    std::io::Write::write_all(&mut f, &bytes).map_err(|e| Error::io(&path, e))?;
    set_readable(f.as_file());
    f.persist(&path).map_err(|e| Error::io(&path, e.error))?;
    Ok(())
}

/// Temporary files are created private (0600); what replaces a normal
/// file should be readable like one (0644), as the rest of the index is.
fn set_readable(f: &std::fs::File) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = f.set_permissions(std::fs::Permissions::from_mode(0o644));
    }
    #[cfg(not(unix))]
    let _ = f;
}

fn read_manifest(gen: &Path, fingerprint: &str) -> Option<Manifest> {
    let bytes = std::fs::read(manifest_path(gen, fingerprint)).ok()?;
    postcard::from_bytes(&bytes).ok()
}

/// Above this many changed files, a full rebuild is cheaper than patching.
const MAX_INCREMENTAL: usize = 2000;
/// Above this many segments, patches stop and a full rebuild compacts.
const MAX_SEGMENTS: usize = 24;

/// Brings the index up to date with a few edited, added or removed files
/// without a full rebuild, reading only what the change touches:
///
/// 1. the metadata scan is compared with the manifest of the last build to
///    find the changed and removed files; only those are parsed;
/// 2. the changed entities are checked by the same rules as a full `check`,
///    against stand-ins for the entities they reference (kinds read from the
///    snapshot); rules that span the corpus (duplicate ids, `part_of`
///    cycles, references to a removed entity) are checked through the
///    snapshot's indexes;
/// 3. the documents of the changed entities and of their old and new
///    neighbours (whose peers and incoming lists change) are replaced in one
///    tantivy commit, whose payload is the new fingerprint.
///
/// Returns the number of documents rewritten, or `None` when a full
/// rebuild is needed instead: too many changes, any problem (the full
/// `check` then reports it with every diagnostic), or another writer busy.
pub fn update(
    index_dir: &Path,
    knowledge: &Path,
    store: Store,
    scan: &[FileMeta],
) -> Result<Option<usize>> {
    let Some(gen) = current_generation(index_dir) else {
        return Ok(None);
    };
    let Some(old) = read_manifest(&gen, &store.fingerprint) else {
        return Ok(None);
    };
    if store.searcher.segment_readers().len() >= MAX_SEGMENTS {
        return Ok(None);
    }
    let before: HashMap<&str, (u64, u128, &str)> = old
        .files
        .iter()
        .map(|(p, size, mtime, id)| (p.as_str(), (*size, *mtime, id.as_str())))
        .collect();
    let now: std::collections::HashSet<&str> = scan.iter().map(|(p, _, _)| p.as_str()).collect();
    let changed: Vec<&str> = scan
        .iter()
        .filter(|(p, s, m)| {
            before
                .get(p.as_str())
                .is_none_or(|(bs, bm, _)| (bs, bm) != (s, m))
        })
        .map(|(p, _, _)| p.as_str())
        .collect();
    let removed: Vec<&str> = old
        .files
        .iter()
        .map(|f| f.0.as_str())
        .filter(|p| !now.contains(p))
        .collect();
    if changed.len() + removed.len() > MAX_INCREMENTAL {
        return Ok(None);
    }
    // Ids whose documents go away or change.
    let old_ids: std::collections::BTreeSet<String> = changed
        .iter()
        .chain(&removed)
        .filter_map(|p| before.get(p).map(|b| b.2.to_owned()))
        .filter(|id| !id.is_empty())
        .collect();
    let changed_paths: std::collections::HashSet<&str> =
        changed.iter().chain(&removed).copied().collect();
    // An imported entity, or a hand-written one that an import enriches,
    // may be merged from two files (see `check::merge`): rebuild it whole.
    for id in &old_ids {
        if store
            .node(id)?
            .is_some_and(|n| n.entity.provenance.is_some())
        {
            return Ok(None);
        }
    }

    // 1. Parse the changed files.
    let mut loaded = crate::load::LoadResult::default();
    let mut fresh: BTreeMap<String, Entity> = BTreeMap::new();
    let mut fresh_path: HashMap<String, String> = HashMap::new();
    for rel in &changed {
        let rel_path = PathBuf::from(rel);
        let Ok(text) = crate::load::read_file(&knowledge.join(rel), &rel_path) else {
            return Ok(None);
        };
        let Ok(entity) = crate::load::parse_entity(&rel_path, &text) else {
            return Ok(None);
        };
        if entity.provenance.is_some() {
            return Ok(None);
        }
        if fresh.insert(entity.id.clone(), entity.clone()).is_some() {
            return Ok(None);
        }
        fresh_path.insert(entity.id.clone(), (*rel).to_owned());
        loaded.entities.push(crate::load::Loaded {
            entity,
            file: loaded.files.len(),
        });
        loaded.files.push(crate::load::SourceFile {
            path: rel_path,
            text,
        });
    }
    // The stored node of an id, unless the change replaces or removes it.
    let unchanged = |id: &str| -> Result<Option<Rc<Node>>> {
        Ok(store
            .node(id)?
            .filter(|n| !changed_paths.contains(n.path.as_str())))
    };

    // 2. Check the changed entities against stand-ins for their targets.
    let mut stand_ins: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for e in fresh.values() {
        if unchanged(&e.id)?.is_some() {
            return Ok(None); // duplicate id: let `check` show both places
        }
        let targets = e
            .relations
            .iter()
            .map(|r| &r.to)
            .chain(e.events.iter().filter_map(|ev| ev.by.as_ref()))
            .chain(
                e.deadlines
                    .iter()
                    .flat_map(|d| std::iter::once(&d.owner).chain(&d.fulfilled_by)),
            );
        for t in targets {
            if fresh.contains_key(t) || stand_ins.contains(t) {
                continue;
            }
            match unchanged(t)? {
                Some(n) => {
                    let mut stub = n.entity.clone();
                    // Only the id and kind matter to the rules that look at
                    // a target; drop the rest so nothing is re-checked.
                    stub.relations.clear();
                    stub.events.clear();
                    stub.deadlines.clear();
                    loaded.entities.push(crate::load::Loaded {
                        entity: stub,
                        file: loaded.files.len(),
                    });
                    loaded.files.push(crate::load::SourceFile {
                        path: PathBuf::from(&n.path),
                        text: String::new(),
                    });
                    stand_ins.insert(t.clone());
                }
                None => return Ok(None), // dangling: `check` reports it
            }
        }
    }
    let checked = crate::check::check(loaded);
    if checked.errors() > 0 {
        return Ok(None);
    }
    // Corpus-wide rules, through the snapshot.
    for id in &old_ids {
        if fresh.contains_key(id) {
            continue;
        }
        // A removed entity must not be referenced by an unchanged one.
        if let Some(n) = store.node(id)? {
            if n.incoming.iter().any(|(p, _)| !old_ids.contains(&p.id)) {
                return Ok(None);
            }
        }
    }
    for e in fresh.values() {
        // A `part_of` chain must not lead back to where it started.
        let mut cur = e
            .relations
            .iter()
            .find(|r| r.rel == crate::model::RelationKind::PartOf)
            .map(|r| r.to.clone());
        let mut steps = 0;
        while let Some(id) = cur {
            if id == e.id || steps > 256 {
                return Ok(None);
            }
            steps += 1;
            cur = match fresh.get(&id) {
                Some(f) => f
                    .relations
                    .iter()
                    .find(|r| r.rel == crate::model::RelationKind::PartOf)
                    .map(|r| r.to.clone()),
                None => unchanged(&id)?.and_then(|n| {
                    n.entity
                        .relations
                        .iter()
                        .find(|r| r.rel == crate::model::RelationKind::PartOf)
                        .map(|r| r.to.clone())
                }),
            };
        }
    }

    // 3. Every document whose content changes.
    let mut affected: std::collections::BTreeSet<String> = old_ids.clone();
    for id in &old_ids {
        if let Some(n) = store.node(id)? {
            affected.extend(n.out.iter().map(|p| p.id.clone()));
            affected.extend(n.incoming.iter().map(|(p, _)| p.id.clone()));
        }
    }
    for e in fresh.values() {
        affected.insert(e.id.clone());
        affected.extend(e.relations.iter().map(|r| r.to.clone()));
    }
    let peer_of = |id: &str| -> Result<Peer> {
        Ok(match fresh.get(id) {
            Some(e) => PeerRef::of(e).to_peer(),
            None => match unchanged(id)? {
                Some(n) => PeerRef::of(&n.entity).to_peer(),
                None => PeerRef::missing(id).to_peer(),
            },
        })
    };
    let mut nodes: Vec<Node> = Vec::new();
    for id in &affected {
        let (entity, path, old_incoming) = match fresh.get(id) {
            Some(e) => {
                let path = fresh_path.get(id).cloned().unwrap_or_default();
                let old_incoming = store
                    .node(id)?
                    .map(|n| n.incoming.clone())
                    .unwrap_or_default();
                (e.clone(), path, old_incoming)
            }
            None => match unchanged(id)? {
                Some(n) => (n.entity.clone(), n.path.clone(), n.incoming.clone()),
                None => continue, // removed
            },
        };
        let mut incoming: Vec<(Peer, Relation)> = old_incoming
            .into_iter()
            .filter(|(p, _)| !old_ids.contains(&p.id) && !fresh.contains_key(&p.id))
            .collect();
        for f in fresh.values() {
            for r in f.relations.iter().filter(|r| &r.to == id) {
                incoming.push((PeerRef::of(f).to_peer(), r.clone()));
            }
        }
        let mut refreshed = Vec::with_capacity(incoming.len());
        for (p, r) in incoming {
            refreshed.push((peer_of(&p.id)?, r));
        }
        let out = entity
            .relations
            .iter()
            .map(|r| peer_of(&r.to))
            .collect::<Result<Vec<_>>>()?;
        nodes.push(Node {
            entity,
            path,
            out,
            incoming: refreshed,
        });
    }
    let f = store.fields;
    let Ok(mut writer) = store
        .index
        .writer_with_num_threads::<TantivyDocument>(1, 16 * 1024 * 1024)
    else {
        return Ok(None);
    };
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    for id in &affected {
        writer.delete_term(Term::from_field_text(f.id, id));
    }
    let today = Date::today();
    for n in &nodes {
        writer
            .add_document(document(&f, &n.as_ref(), today)?)
            .map_err(ix)?;
    }
    let fingerprint = fingerprint_of(scan);
    // The manifest maps paths to ids: the old one, patched.
    let mut ids: HashMap<&str, &str> = old
        .files
        .iter()
        .map(|(p, _, _, id)| (p.as_str(), id.as_str()))
        .collect();
    for n in &nodes {
        ids.insert(n.path.as_str(), n.entity.id.as_str());
    }
    let manifest = Manifest {
        files: scan
            .iter()
            .map(|(p, size, mtime)| {
                (
                    p.clone(),
                    *size,
                    *mtime,
                    ids.get(p.as_str())
                        .map(|s| (*s).to_owned())
                        .unwrap_or_default(),
                )
            })
            .collect(),
    };
    save_manifest(&gen, &fingerprint, &manifest)?;
    let mut prepared = writer.prepare_commit().map_err(ix)?;
    let next = match (store.valid_until, next_event_after(fresh.values(), today)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    prepared.set_payload(&payload(&fingerprint, next));
    prepared.commit().map_err(ix)?;
    let _ = std::fs::remove_file(manifest_path(&gen, &store.fingerprint));
    Ok(Some(nodes.len()))
}

/// The payload of the commit in `dir`, read from `meta.json` directly:
/// `Index::load_metas` would read it a second time, after creating and
/// taking a lock file.
fn read_payload(dir: &Path) -> Result<String> {
    let path = dir.join("meta.json");
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let meta: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::Index(format!("{}: {e}", path.display())))?;
    Ok(meta
        .get("payload")
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_owned())
}

/// The commit payload: the fingerprint, and `@DATE` when a stored status
/// expires on that day.
fn payload(fingerprint: &str, valid_until: Option<Date>) -> String {
    match valid_until {
        Some(d) => format!("{fingerprint}@{d}"),
        None => fingerprint.to_owned(),
    }
}

fn parse_payload(p: &str) -> (String, Option<Date>) {
    match p.split_once('@') {
        Some((fp, d)) => (fp.to_owned(), d.parse().ok()),
        None => (p.to_owned(), None),
    }
}

/// The earliest event dated after `today`.
fn next_event_after<'a>(entities: impl Iterator<Item = &'a Entity>, today: Date) -> Option<Date> {
    entities
        .flat_map(|e| e.events.iter().map(|ev| ev.date))
        .filter(|d| *d > today)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// A borrowed node is stored in the bytes of the owned one, so that the
    /// snapshot reads back what indexing wrote.
    #[test]
    fn borrowed_nodes_encode_as_owned() {
        let checked = crate::check::check_dir(Path::new("knowledge")).unwrap();
        let corpus = checked.corpus.unwrap();
        let refs = node_refs(&corpus);
        assert_eq!(refs.len(), corpus.len());
        assert!(refs.iter().any(|n| !n.incoming.is_empty()));
        for n in &refs {
            let bytes = postcard::to_stdvec(n).unwrap();
            let back: Node = postcard::from_bytes(&bytes).unwrap();
            assert_eq!(back, n.to_node());
            assert_eq!(postcard::to_stdvec(&back.as_ref()).unwrap(), bytes);
        }
    }

    /// Equal scores make the `--limit` cut the same way whatever order
    /// the documents were stored in (indexing threads take them in no
    /// fixed order).
    #[test]
    fn equal_scores_cut_the_same_whatever_the_document_order() {
        let items: Vec<(Entity, PathBuf)> = (0..30)
            .map(|i| {
                let id = format!("widget-{i:02}");
                let text = format!(
                    r#"(id: "{id}", kind: program, name: "Widget Program", jurisdiction: "US",
                        summary: "A widget.", sources: [(title: "T", url: "https://example.org")])"#
                );
                let rel = PathBuf::from(format!("{id}.ron"));
                (crate::load::parse_entity(&rel, &text).unwrap(), rel)
            })
            .collect();
        let corpus = Corpus::from_validated(items);
        let refs = node_refs(&corpus);
        let mut picks = Vec::new();
        for reverse in [false, true] {
            let tmp = tempfile::tempdir().unwrap();
            let gen = tmp.path().join("gen-test");
            std::fs::create_dir_all(&gen).unwrap();
            let (schema, f) = Fields::schema();
            let index = Index::create_in_dir(&gen, schema).unwrap();
            crate::search::register_tokenizers(&index);
            let mut writer = index
                .writer_with_num_threads::<TantivyDocument>(1, 50_000_000)
                .unwrap();
            let mut order: Vec<&NodeRef> = refs.iter().collect();
            if reverse {
                order.reverse();
            }
            for n in order {
                writer
                    .add_document(document(&f, n, Date::today()).unwrap())
                    .unwrap();
            }
            let mut prepared = writer.prepare_commit().unwrap();
            prepared.set_payload(&payload(&format!("v{FORMAT_VERSION}-test"), None));
            prepared.commit().unwrap();
            drop(index);
            std::fs::write(tmp.path().join("CURRENT"), "gen-test").unwrap();
            let store = Store::open(tmp.path()).unwrap().unwrap();
            let opts = crate::search::SearchOptions {
                query: "widget".into(),
                limit: 3,
                ..Default::default()
            };
            let res = crate::search::search(&store, &opts, None).unwrap();
            assert_eq!(res.total, 30);
            let scores: Vec<f32> = res.hits.iter().map(|h| h.score).collect();
            assert!(scores.windows(2).all(|w| w[0] == w[1]), "{scores:?}");
            picks.push(res.hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>());
        }
        assert_eq!(picks[0], picks[1]);
    }

    /// The quick fingerprint (no list) and the one made from the sorted
    /// list agree, and both see an edit, an addition and a rename.
    #[test]
    fn quick_fingerprint_matches_scan() {
        let tmp = tempfile::tempdir().unwrap();
        let k = tmp.path();
        write(k, "a.ron", "one");
        write(k, "agency/dol.ron", "two");
        write(k, "agency/deep/ebsa.ron", "three");
        write(k, "notes.txt", "ignored");
        let both = || {
            let quick = fingerprint(k).unwrap();
            let listed = scan(k).unwrap();
            assert_eq!(quick, fingerprint_of(&listed));
            (quick, listed)
        };
        let (first, listed) = both();
        assert_eq!(
            listed.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
            ["a.ron", "agency/deep/ebsa.ron", "agency/dol.ron"]
        );
        assert!(first.starts_with(&format!("v{FORMAT_VERSION}-3-")));
        write(k, "notes.txt", "still ignored");
        assert_eq!(both().0, first);
        write(k, "agency/dol.ron", "two, longer");
        let edited = both().0;
        assert_ne!(edited, first);
        std::fs::rename(k.join("agency/dol.ron"), k.join("agency/dol2.ron")).unwrap();
        let renamed = both().0;
        assert_ne!(renamed, edited);
        write(k, "b.ron", "four");
        assert!(both().0.starts_with(&format!("v{FORMAT_VERSION}-4-")));
    }
}
