use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use tantivy::query::TermQuery;
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{Index, IndexReader, Searcher, TantivyDocument, Term};

use super::*;
use crate::check::Corpus;
use crate::model::{Date, Kind};
use crate::{Error, Result};

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
    /// What was left out of this generation because it had errors.
    pub left_out: LeftOut,
    /// The generation directory.
    pub dir: PathBuf,
    /// The shared lock that keeps [`clean`] away while this store is open.
    _readers: Option<std::fs::File>,
    /// Exact token totals, for a patched generation (see [`LiveStats`]).
    totals: Option<super::stats::Totals>,
    cache: RefCell<HashMap<String, Option<Rc<Node>>>>,
    /// `--as-of`: every node is decoded as it stood on this day.
    view: Option<Date>,
}

pub(super) fn current_path(index_dir: &Path) -> PathBuf {
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
    /// Opens the current generation in `index_dir`, if there is one, and
    /// holds a shared lock on it for as long as the store lives, so that
    /// [`clean`] leaves it alone.
    pub fn open(index_dir: &Path) -> Result<Option<Store>> {
        // A concurrent refresh may retire the generation between reading
        // CURRENT and opening it: read CURRENT again then.
        let mut last = None;
        for _ in 0..3 {
            let Some(dir) = current_generation(index_dir) else {
                return Ok(None);
            };
            let readers = match std::fs::File::open(dir.join(READERS)) {
                Ok(f) => {
                    if f.lock_shared().is_err() || !dir.join(READERS).exists() {
                        continue; // retired while we waited
                    }
                    Some(f)
                }
                Err(_) if !dir.is_dir() => continue,
                // An index written before reader locks: open it unlocked.
                Err(_) => None,
            };
            match Store::open_generation(&dir, readers) {
                Ok(s) => return Ok(s),
                Err(e) => last = Some(e),
            }
        }
        match last {
            Some(e) => Err(e),
            None => Ok(None),
        }
    }

    /// Opens one generation; `None` when another version of policygraph
    /// wrote it in another format, which is then rebuilt like a missing one.
    pub(super) fn open_generation(
        dir: &Path,
        readers: Option<std::fs::File>,
    ) -> Result<Option<Store>> {
        let (fingerprint, valid_until) = parse_payload(&read_payload(dir)?);
        if !fingerprint.starts_with(&format!("v{FORMAT_VERSION}-")) {
            return Ok(None);
        }
        // A damaged file is found here, and the index rebuilt, rather than
        // by a query that would fail or answer wrongly.
        check_seal(dir)?;
        let index = Index::open_in_dir(dir).map_err(ix)?;
        crate::text::register_tokenizers(&index);
        let fields = Fields::from_schema(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(tantivy::ReloadPolicy::Manual)
            .try_into()
            .map_err(ix)?;
        let searcher = reader.searcher();
        let deleted = searcher
            .segment_readers()
            .iter()
            .any(|s| s.num_deleted_docs() > 0);
        let totals = if deleted {
            super::stats::read(dir)?
        } else {
            None
        };
        Ok(Some(Store {
            totals,
            index,
            reader,
            searcher,
            fields,
            fingerprint,
            valid_until,
            left_out: read_left_out(dir)?,
            dir: dir.to_path_buf(),
            _readers: readers,
            cache: RefCell::new(HashMap::new()),
            view: None,
        }))
    }

    /// The statistics searches score with: tantivy's own for a fresh
    /// build, live counts for a patched one, so that both rank alike.
    pub fn stats(&self) -> LiveStats<'_> {
        LiveStats {
            searcher: &self.searcher,
            totals: self.totals.as_ref(),
        }
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

    /// The store seen as of `day` (`--as-of`; `None` changes nothing):
    /// every node it hands out is [`Node::on`] that day, so that no command
    /// shows what came later.
    pub fn at(mut self, day: Option<Date>) -> Store {
        self.view = day;
        self.cache.borrow_mut().clear();
        self
    }

    /// The day the store is seen on ([`Store::at`]).
    pub fn view(&self) -> Option<Date> {
        self.view
    }

    /// Decodes the node stored in a document already read, as of the
    /// store's day ([`Store::at`]).
    pub fn node_of(&self, doc: &TantivyDocument) -> Result<Node> {
        let node = self.raw_node_of(doc)?;
        Ok(match self.view {
            Some(day) => node.on(day),
            None => node,
        })
    }

    /// Decodes the node stored in a document, as stored.
    fn raw_node_of(&self, doc: &TantivyDocument) -> Result<Node> {
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
        let mut merged = BTreeMap::new();
        let items = self
            .all_nodes()?
            .into_iter()
            .map(|n| {
                if !n.merged.is_empty() {
                    merged.insert(
                        n.entity.id.clone(),
                        n.merged.iter().map(PathBuf::from).collect(),
                    );
                }
                (n.entity, PathBuf::from(n.path))
            })
            .collect();
        let mut corpus = Corpus::from_validated(items);
        corpus.merged = merged;
        Ok(corpus)
    }

    /// Resolves what a user typed to an entity id, by the rules of
    /// [`crate::resolve`]: an exact id; else the entities with that key,
    /// names and aliases before identifiers; else a unique prefix of a name
    /// or alias.
    pub fn resolve(&self, reference: &str) -> Result<String> {
        if let Some(n) = self.node(reference)? {
            return Ok(n.entity.id.clone());
        }
        let key = crate::resolve::normalize(reference);
        let mut addrs = self.lookup(self.fields.key, &key, 50)?;
        let mut key = key;
        if addrs.is_empty() {
            // `S 1582`, `S. 1582` and `s1582` are one bill number.
            if let Some(b) = crate::resolve::bill_form(reference) {
                addrs = self.lookup(self.fields.key, &b, 50)?;
                if !addrs.is_empty() {
                    key = b;
                }
            }
        }
        let mut nodes = Vec::new();
        for a in addrs {
            nodes.push(self.node_at(a)?);
        }
        let mut picked: Vec<usize> =
            crate::resolve::strongest((0..nodes.len()).collect(), &key, |&i| &nodes[i].entity);
        if picked.is_empty() {
            nodes = self.by_prefix(&key)?;
            picked = (0..nodes.len()).collect();
        }
        let mut found: Vec<Node> = picked.into_iter().map(|i| nodes[i].clone()).collect();
        found.sort_by(|a, b| a.entity.id.cmp(&b.entity.id));
        match found.len() {
            1 => Ok(found.remove(0).entity.id),
            0 => Err(Error::UnknownEntity {
                reference: reference.to_owned(),
                suggestions: self.suggest(&key)?,
            }),
            _ => Err(Error::Ambiguous {
                reference: reference.to_owned(),
                candidates: found
                    .into_iter()
                    .map(|n| (n.entity.id, n.entity.name))
                    .collect(),
            }),
        }
    }

    /// The entities with a name or alias that `key` is a prefix of (see
    /// [`crate::resolve::is_prefix_of`]), deduplicated. Reads at most a few
    /// hundred keys of the dictionary, from `key` on.
    fn by_prefix(&self, key: &str) -> Result<Vec<Node>> {
        let mut out: Vec<Node> = Vec::new();
        if key.chars().count() < 3 {
            return Ok(out);
        }
        let mut keys: Vec<String> = Vec::new();
        for seg in self.searcher.segment_readers() {
            let inv = seg.inverted_index(self.fields.key).map_err(ix)?;
            let mut stream = inv
                .terms()
                .range()
                .ge(key.as_bytes())
                .into_stream()
                .map_err(|e| Error::Index(e.to_string()))?;
            let mut seen = 0;
            while stream.advance() && seen < 200 {
                seen += 1;
                let Ok(k) = std::str::from_utf8(stream.key()) else {
                    continue;
                };
                if !k.starts_with(key) {
                    break;
                }
                if crate::resolve::is_prefix_of(key, k) && !keys.iter().any(|x| x == k) {
                    keys.push(k.to_owned());
                }
            }
        }
        for k in keys {
            for a in self.lookup(self.fields.key, &k, 20)? {
                let n = self.node_at(a)?;
                let named = crate::resolve::name_keys(&n.entity).any(|x| x == k);
                if named && !out.iter().any(|o| o.entity.id == n.entity.id) {
                    out.push(n);
                }
            }
        }
        Ok(out)
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

#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    /// Any of these kinds (all when empty).
    pub kinds: Vec<Kind>,
    /// Jurisdiction prefix.
    pub jurisdiction: Option<String>,
    /// Status on the as-of day, or today without one (any of these; all
    /// when empty). Scheduled events do not count before their day.
    pub statuses: Vec<crate::model::Stage>,
    /// Every one of these tags.
    pub tags: Vec<String>,
    /// A sponsor whose name has every word of this (see
    /// [`crate::model::Sponsor::matches`]).
    pub sponsor: Option<String>,
    /// With `sponsor`: only bills where that sponsor has this role.
    pub sponsor_role: Option<crate::model::SponsorRole>,
    /// See the world as of this day.
    pub as_of: Option<Date>,
}

impl Store {
    /// The addresses of the documents `query` matches, in document order,
    /// so that each compressed block of the document store is read once,
    /// not once per record.
    fn matching(&self, query: &dyn tantivy::query::Query) -> Result<Vec<tantivy::DocAddress>> {
        let docs = self
            .searcher
            .search(query, &tantivy::collector::DocSetCollector)
            .map_err(ix)?;
        let mut docs: Vec<tantivy::DocAddress> = docs.into_iter().collect();
        docs.sort_unstable();
        Ok(docs)
    }

    /// The nodes of the documents `query` matches, in id order.
    fn nodes_matching(&self, query: &dyn tantivy::query::Query) -> Result<Vec<Node>> {
        let mut out = self
            .matching(query)?
            .into_iter()
            .map(|addr| self.node_at(addr))
            .collect::<Result<Vec<Node>>>()?;
        out.sort_by(|a, b| a.entity.id.cmp(&b.entity.id));
        Ok(out)
    }

    /// A query for any of `kinds`.
    fn kinds_query(&self, kinds: &[Kind]) -> tantivy::query::BooleanQuery {
        use tantivy::query::{Occur, Query};
        let any = kinds
            .iter()
            .map(|k| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.kind, k.name()),
                    IndexRecordOption::Basic,
                ));
                (Occur::Should, q)
            })
            .collect();
        tantivy::query::BooleanQuery::new(any)
    }

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
        let mut must: Vec<(Occur, Box<dyn Query>)> = self
            .scope(&filter.kinds, filter.jurisdiction.as_deref(), None, None)?
            .into_iter()
            .map(|q| (Occur::Must, q))
            .collect();
        for t in &filter.tags {
            must.push((Occur::Must, term(f.tag, &t.to_lowercase())));
        }
        // Every word among the sponsors' names: then one sponsor's name
        // must have them all (checked on the records).
        if let Some(who) = &filter.sponsor {
            let words = crate::model::Sponsor::words(who);
            if words.is_empty() {
                return Ok(Vec::new());
            }
            for w in words {
                must.push((Occur::Must, term(f.sponsor, &w)));
            }
        }
        // Today's statuses are stored: answer those from the index, so
        // that only the matching records are read. Another day's status
        // (or today's in a stale index under `--no-refresh`) is read from
        // the records that have an event of that stage at all.
        let stored_status =
            filter.as_of.is_none() && self.valid_until.is_none_or(|v| Date::today() < v);
        if !filter.statuses.is_empty() {
            let field = if stored_status { f.status } else { f.stage };
            let any = filter
                .statuses
                .iter()
                .map(|s| (Occur::Should, term(field, s.name())))
                .collect();
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        let query: Box<dyn Query> = if must.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(must))
        };
        let docs = self.matching(&*query)?;
        let day = filter.as_of.unwrap_or_else(Date::today);
        let mut out = Vec::with_capacity(docs.len());
        for addr in docs {
            let n = self.node_at(addr)?;
            let e = &n.entity;
            if !e.exists_on(filter.as_of)
                || (!filter.kinds.is_empty() && !filter.kinds.contains(&e.kind))
            {
                continue;
            }
            if let Some(who) = &filter.sponsor {
                if !e
                    .sponsors
                    .iter()
                    .any(|s| s.matches(who) && filter.sponsor_role.is_none_or(|r| s.role == r))
                {
                    continue;
                }
            }
            if !stored_status && !filter.statuses.is_empty() {
                let s = if e.kind.has_status() {
                    e.status(Some(day))
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

    /// The entities of `kinds` (any, when empty) in `jurisdiction` with an
    /// event, a deadline or a figure dated from `since` to `until` (either
    /// may be open), in id order: every entity a timeline so filtered can
    /// show. Answered by the index; only these records are decoded.
    pub fn dated(
        &self,
        kinds: &[Kind],
        jurisdiction: Option<&str>,
        since: Option<Date>,
        until: Option<Date>,
    ) -> Result<Vec<Node>> {
        use tantivy::query::{AllQuery, BooleanQuery, Occur, Query};
        let scope = self.scope(kinds, jurisdiction, since, until)?;
        let query: Box<dyn Query> = if scope.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(
                scope.into_iter().map(|q| (Occur::Must, q)).collect(),
            ))
        };
        let mut nodes = self.nodes_matching(&*query)?;
        if !kinds.is_empty() {
            nodes.retain(|n| kinds.contains(&n.entity.kind));
        }
        Ok(nodes)
    }

    /// The queries that keep entities of `kinds` (any, when empty), in
    /// `jurisdiction`, with an event, a deadline or a figure dated from
    /// `since` to `until` (either may be open): each must hold. Shared by
    /// search's filters and [`Store::dated`].
    pub fn scope(
        &self,
        kinds: &[Kind],
        jurisdiction: Option<&str>,
        since: Option<Date>,
        until: Option<Date>,
    ) -> Result<Vec<Box<dyn tantivy::query::Query>>> {
        use std::ops::Bound;
        use tantivy::query::{Query, RangeQuery};
        let f = self.fields;
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        if !kinds.is_empty() {
            // As of a day, a statute may still have been a bill: find it,
            // and let the caller keep what was a bill then.
            let mut kinds = kinds.to_vec();
            if self.view.is_some() && kinds.contains(&Kind::Bill) && !kinds.contains(&Kind::Statute)
            {
                kinds.push(Kind::Statute);
            }
            out.push(Box::new(self.kinds_query(&kinds)));
        }
        if let Some(j) = jurisdiction {
            out.push(Box::new(crate::search::jurisdiction_query(
                f.jurisdiction,
                j,
            )?));
        }
        if since.is_some() || until.is_some() {
            let bound = |d: Option<Date>| {
                d.map_or(Bound::Unbounded, |d| {
                    Bound::Included(Term::from_field_date(f.date, tantivy_date(d)))
                })
            };
            out.push(Box::new(RangeQuery::new(bound(since), bound(until))));
        }
        Ok(out)
    }

    /// Every entity that sets a deadline, in id order: the union of the
    /// owners' postings in the `owes` field (a few dozen owners), so that
    /// only these records are decoded.
    pub fn with_deadlines(&self) -> Result<Vec<Node>> {
        use tantivy::query::{BooleanQuery, Occur, Query};
        let mut owners: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        for seg in self.searcher.segment_readers() {
            let inv = seg.inverted_index(self.fields.owes).map_err(ix)?;
            let mut stream = inv
                .terms()
                .stream()
                .map_err(|e| Error::Index(e.to_string()))?;
            while stream.advance() {
                if let Ok(k) = std::str::from_utf8(stream.key()) {
                    owners.insert(k.to_owned());
                }
            }
        }
        if owners.is_empty() {
            return Ok(Vec::new());
        }
        let any: Vec<(Occur, Box<dyn Query>)> = owners
            .iter()
            .map(|o| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(self.fields.owes, o),
                    IndexRecordOption::Basic,
                ));
                (Occur::Should, q)
            })
            .collect();
        self.nodes_matching(&BooleanQuery::new(any))
    }

    /// The entities that set a deadline `id` owes, in id order. Answered
    /// by the index: only their records are decoded.
    pub fn owed_by(&self, id: &str) -> Result<Vec<Node>> {
        let query = TermQuery::new(
            Term::from_field_text(self.fields.owes, id),
            IndexRecordOption::Basic,
        );
        self.nodes_matching(&query)
    }
}
