//! Ranking in one pass: the best `N` matches of a query, their count, and
//! optional lifts, with a fixed order for equal scores.
//!
//! Each match's score is multiplied by its entity's prior, a number stored
//! at index time in the `prior` fast field (see
//! [`crate::search::weights::prior`]), and a match of an exact name or
//! alias gets [`EXACT_NAME_BONUS`] on top: the score is
//! `(BM25 + lifts) × prior + exact`.
//!
//! Documents reach tantivy's indexing threads in no fixed order, so the
//! document order that tantivy uses to break ties differs from one build
//! to the next. [`Best`] breaks them by a key stored for each entity (the
//! `tiebreak` fast field), reading it only for documents that can still
//! make the cut, so that the same hits make the cut every time at no cost
//! to the others.
//!
//! A *lift* is a query that raises the few documents it matches (a phrase
//! in a name, say). Scored as an optional clause of the main query, it
//! would be tried on every match; [`Lifts`] scores it once on its own
//! matches, and [`Best`] adds those scores as the main query's matches go
//! by.

use std::cmp::Ordering;
use std::collections::BinaryHeap;
use std::sync::Arc;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::ColumnValues;
use tantivy::query::Query;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

use crate::{Error, Result};

/// The fast field that orders equal scores.
pub const TIEBREAK_FIELD: &str = "tiebreak";

/// The fast field that holds each entity's prior.
pub const PRIOR_FIELD: &str = "prior";

/// What a match of the whole query as an exact name or alias adds, after
/// the prior: enough that such a match ranks first whatever its kind.
pub const EXACT_NAME_BONUS: Score = 1000.0;

fn ix(e: tantivy::TantivyError) -> Error {
    Error::Index(e.to_string())
}

/// The scores a lift adds, by segment, sorted by document.
#[derive(Clone, Debug, Default)]
pub struct Lifts(Vec<Vec<(DocId, Score)>>);

impl Lifts {
    /// Scores `lift` on its own matches.
    pub fn score(
        searcher: &Searcher,
        stats: &dyn tantivy::query::Bm25StatisticsProvider,
        lift: &dyn Query,
    ) -> Result<Lifts> {
        let mut per_segment = searcher
            .search_with_statistics_provider(lift, &Matches, stats)
            .map_err(ix)?;
        per_segment.sort_by_key(|(ord, _)| *ord);
        let mut out = vec![Vec::new(); searcher.segment_readers().len()];
        for (ord, docs) in per_segment {
            if let Some(slot) = out.get_mut(ord as usize) {
                *slot = docs;
            }
        }
        Ok(Lifts(out))
    }

    /// Whether the lift matched nothing.
    pub fn is_empty(&self) -> bool {
        self.0.iter().all(Vec::is_empty)
    }
}

/// Every match of a query with its score, by segment.
struct Matches;

struct SegmentMatches {
    ord: SegmentOrdinal,
    docs: Vec<(DocId, Score)>,
}

impl Collector for Matches {
    type Fruit = Vec<(SegmentOrdinal, Vec<(DocId, Score)>)>;
    type Child = SegmentMatches;

    fn for_segment(&self, ord: SegmentOrdinal, _: &SegmentReader) -> tantivy::Result<Self::Child> {
        Ok(SegmentMatches {
            ord,
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(
        &self,
        fruits: Vec<(SegmentOrdinal, Vec<(DocId, Score)>)>,
    ) -> tantivy::Result<Self::Fruit> {
        Ok(fruits)
    }
}

impl SegmentCollector for SegmentMatches {
    type Fruit = (SegmentOrdinal, Vec<(DocId, Score)>);

    fn collect(&mut self, doc: DocId, score: Score) {
        self.docs.push((doc, score));
    }

    fn harvest(mut self) -> Self::Fruit {
        self.docs.sort_by_key(|(d, _)| *d);
        (self.ord, self.docs)
    }
}

/// The best `limit` matches, best first, and the number of matches.
///
/// Order: score, then the `tiebreak` key (smaller first), then the
/// document address. With lifts, a document's score is its score for the
/// query plus its lift score, exactly as if the lift were an optional
/// clause of the query.
pub struct Best<'a> {
    limit: usize,
    lifts: Option<&'a Lifts>,
    exact: Option<&'a Lifts>,
    priors: bool,
}

impl<'a> Best<'a> {
    /// The best `limit` (at least one).
    pub fn new(limit: usize) -> Best<'a> {
        Best {
            limit: limit.max(1),
            lifts: None,
            exact: None,
            priors: true,
        }
    }

    /// Adds [`EXACT_NAME_BONUS`] to the documents that `exact` matched
    /// (whatever their score for it), after the prior.
    pub fn exact(mut self, exact: &'a Lifts) -> Best<'a> {
        if !exact.is_empty() {
            self.exact = Some(exact);
        }
        self
    }

    /// Leaves the priors out: close spellings all score alike, and are
    /// ranked by the length of their names instead.
    pub fn without_priors(mut self) -> Best<'a> {
        self.priors = false;
        self
    }

    /// Adds the scores of a lift to the documents it matched.
    pub fn lifted(mut self, lifts: &'a Lifts) -> Best<'a> {
        if !lifts.is_empty() {
            self.lifts = Some(lifts);
        }
        self
    }
}

/// One ranked document.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    score: Score,
    key: u64,
    doc: DocAddress,
}

impl Entry {
    /// `Less` when `self` ranks before `other`.
    fn rank(&self, other: &Entry) -> Ordering {
        other
            .score
            .total_cmp(&self.score)
            .then(self.key.cmp(&other.key))
            .then(self.doc.cmp(&other.doc))
    }
}

// In a `BinaryHeap` (a max-heap) the greatest entry, on top, is the one
// that ranks last: the one to drop when a better match comes.
impl Ord for Entry {
    fn cmp(&self, other: &Self) -> Ordering {
        self.rank(other)
    }
}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

/// [`Best`] in one segment.
pub struct SegmentBest {
    ord: SegmentOrdinal,
    limit: usize,
    count: usize,
    heap: BinaryHeap<Entry>,
    keys: Option<Arc<dyn ColumnValues<u64>>>,
    priors: Option<Arc<dyn ColumnValues<f64>>>,
    /// The largest prior in the segment: a match whose score times this
    /// cannot make the cut is dropped before its prior is read.
    max_prior: Score,
    lifts: Cursor,
    exact: Cursor,
}

/// The scores of a lift in one segment, read in document order.
struct Cursor {
    docs: Vec<(DocId, Score)>,
    next: usize,
}

impl Cursor {
    fn new(lifts: Option<&Lifts>, ord: SegmentOrdinal) -> Cursor {
        Cursor {
            docs: lifts
                .and_then(|l| l.0.get(ord as usize))
                .cloned()
                .unwrap_or_default(),
            next: 0,
        }
    }

    /// The lift's score of `doc`, if it matched.
    fn at(&mut self, doc: DocId) -> Option<Score> {
        if self.docs.is_empty() {
            return None;
        }
        // Matches come in document order; start over if they ever do not.
        if self.next > 0 && self.docs[self.next - 1].0 >= doc {
            self.next = self.docs.partition_point(|(d, _)| *d < doc);
        }
        while let Some(&(d, s)) = self.docs.get(self.next) {
            match d.cmp(&doc) {
                Ordering::Less => self.next += 1,
                Ordering::Equal => {
                    self.next += 1;
                    return Some(s);
                }
                Ordering::Greater => break,
            }
        }
        None
    }
}

impl Collector for Best<'_> {
    type Fruit = (Vec<(Score, DocAddress)>, usize);
    type Child = SegmentBest;

    fn for_segment(
        &self,
        ord: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<Self::Child> {
        let keys = segment
            .fast_fields()
            .u64(TIEBREAK_FIELD)
            .ok()
            .map(|c| c.first_or_default_col(0));
        let priors = if self.priors {
            segment
                .fast_fields()
                .f64(PRIOR_FIELD)
                .ok()
                .map(|c| c.first_or_default_col(1.0))
        } else {
            None
        };
        let max_prior = priors.as_ref().map_or(1.0, |c| c.max_value() as Score);
        Ok(SegmentBest {
            ord,
            limit: self.limit,
            count: 0,
            heap: BinaryHeap::with_capacity(self.limit.min(4096) + 1),
            keys,
            priors,
            max_prior: max_prior.max(1.0),
            lifts: Cursor::new(self.lifts, ord),
            exact: Cursor::new(self.exact, ord),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<(Vec<Entry>, usize)>) -> tantivy::Result<Self::Fruit> {
        let count = fruits.iter().map(|(_, c)| c).sum();
        let mut all: Vec<Entry> = fruits.into_iter().flat_map(|(e, _)| e).collect();
        all.sort_by(Entry::rank);
        all.truncate(self.limit);
        Ok((all.into_iter().map(|e| (e.score, e.doc)).collect(), count))
    }
}

impl SegmentCollector for SegmentBest {
    type Fruit = (Vec<Entry>, usize);

    fn collect(&mut self, doc: DocId, score: Score) {
        self.count += 1;
        let score = score + self.lifts.at(doc).unwrap_or(0.0);
        let bonus = self.exact.at(doc).map_or(0.0, |_| EXACT_NAME_BONUS);
        let full = self.heap.len() >= self.limit;
        // Most matches score below the current cut: they are dropped
        // before their prior and key are read.
        if full
            && self
                .heap
                .peek()
                .is_some_and(|worst| score * self.max_prior + bonus < worst.score)
        {
            return;
        }
        let score = match &self.priors {
            Some(p) => score * p.get_val(doc) as Score,
            None => score,
        } + bonus;
        if full && self.heap.peek().is_some_and(|worst| score < worst.score) {
            return;
        }
        let key = self.keys.as_ref().map_or(0, |c| c.get_val(doc));
        let entry = Entry {
            score,
            key,
            doc: DocAddress::new(self.ord, doc),
        };
        if !full {
            self.heap.push(entry);
        } else if let Some(mut worst) = self.heap.peek_mut() {
            if entry < *worst {
                *worst = entry;
            }
        }
    }

    fn harvest(self) -> Self::Fruit {
        (self.heap.into_vec(), self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::{Count, TopDocs};
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, FAST, TEXT};
    use tantivy::{doc, Index, Term};

    /// A small index where scores vary: documents of 2 to 9 words from a
    /// vocabulary of five.
    fn index() -> (Index, tantivy::schema::Field) {
        let mut b = Schema::builder();
        let text = b.add_text_field("text", TEXT);
        let key = b.add_u64_field(TIEBREAK_FIELD, FAST);
        let index = Index::create_in_ram(b.build());
        let mut w = index.writer_with_num_threads(1, 15_000_000).unwrap();
        let words = ["alpha", "beta", "gamma", "delta", "eps"];
        let mut x: u64 = 7;
        for i in 0..400u64 {
            let mut t = Vec::new();
            for _ in 0..2 + i % 8 {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                t.push(words[(x >> 33) as usize % words.len()]);
            }
            w.add_document(doc!(text => t.join(" "), key => 1000 - i))
                .unwrap();
            if i % 150 == 149 {
                w.commit().unwrap(); // several segments
            }
        }
        w.commit().unwrap();
        (index, text)
    }

    fn term(f: tantivy::schema::Field, w: &str) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(f, w),
            IndexRecordOption::WithFreqsAndPositions,
        ))
    }

    /// A lift scored apart gives the ranking of the lift as an optional
    /// clause, and the count of the query alone.
    #[test]
    fn lifts_rank_as_an_optional_clause() {
        let (index, f) = index();
        let searcher = index.reader().unwrap().searcher();
        assert!(searcher.segment_readers().len() > 1);
        let phrase = PhraseQuery::new(vec![
            Term::from_field_text(f, "alpha"),
            Term::from_field_text(f, "beta"),
        ]);
        let lift: Box<dyn Query> = Box::new(BoostQuery::new(Box::new(phrase), 5.0));
        let must = || {
            vec![
                (Occur::Must, term(f, "alpha")),
                (Occur::Must, term(f, "beta")),
            ]
        };
        let query = BooleanQuery::new(must());
        let mut with_lift = must();
        with_lift.push((Occur::Should, lift.box_clone()));
        let whole = BooleanQuery::new(with_lift);

        let lifts = Lifts::score(&searcher, &searcher, &*lift).unwrap();
        assert!(!lifts.is_empty());
        let (got, count) = searcher
            .search(&query, &Best::new(15).lifted(&lifts))
            .unwrap();
        let (want, want_count) = searcher
            .search(&whole, &(TopDocs::with_limit(15), Count))
            .unwrap();
        assert_eq!(count, want_count);
        assert!(count > 15, "{count}");
        assert_eq!(got.len(), 15);
        for (g, w) in got.iter().zip(&want) {
            assert!((g.0 - w.0).abs() < 1e-4, "{got:?}\n{want:?}");
        }
        // The lift changed the ranking: without it the best differ.
        let (plain, _) = searcher.search(&query, &Best::new(15)).unwrap();
        assert_ne!(plain, got);
    }

    /// Equal scores are cut by the key (smaller first), in every segment.
    #[test]
    fn equal_scores_cut_by_key() {
        let (index, f) = index();
        let searcher = index.reader().unwrap().searcher();
        // A constant score: every match of `alpha` scores 1.
        let q = tantivy::query::ConstScoreQuery::new(term(f, "alpha"), 1.0);
        let (all, count) = searcher.search(&q, &Best::new(1000)).unwrap();
        assert_eq!(all.len(), count);
        let (top, _) = searcher.search(&q, &Best::new(7)).unwrap();
        assert_eq!(top, all[..7].to_vec());
        let keys: Vec<u64> = all
            .iter()
            .map(|(_, a)| {
                let seg = searcher.segment_reader(a.segment_ord);
                let col = seg.fast_fields().u64(TIEBREAK_FIELD).unwrap();
                col.first(a.doc_id).unwrap()
            })
            .collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
    }
}
