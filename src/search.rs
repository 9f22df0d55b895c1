//! Full-text search over the store: the tokenizer (English words plus CJK
//! bigrams, with Traditional Chinese folded to Simplified), query checking
//! and rewriting, filters, facets, typo-tolerant fallback and snippets.
//!
//! Chinese is tokenized the way Lucene's CJK analyzer does it: every run of
//! Han characters becomes overlapping bigrams, so `比特幣戰略儲備` matches as a
//! phrase of bigrams without a dictionary to load. Traditional characters
//! are folded to Simplified (fast2s, a static table) at index and query
//! time, so either script finds the same items.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::ops::Range;

use serde::Serialize;
use tantivy::collector::FacetCollector;
use tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, QueryParser, RangeQuery, RegexQuery,
    TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{RemoveLongFilter, TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::{Index, TantivyDocument, Term};

use crate::model::{Date, Kind, Stage};
use crate::rank::{Best, Lifts};
use crate::store::{tantivy_date, Store, TOKENIZER};
use crate::{Error, Result};

/// Registers the policygraph tokenizer on an index.
pub fn register_tokenizers(index: &Index) {
    index.tokenizers().register(TOKENIZER, analyzer());
}

/// The analyzer used for every text field, at index and at query time.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(MixedTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .build()
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xAC00..=0xD7AF | 0x20000..=0x2FA1F)
}

/// Splits text into lowercase, English-stemmed words and CJK bigrams.
/// `401(k)` is one word, `401k`, as people write it both ways.
///
/// Tokenizing is the costliest step of indexing, so the common case
/// allocates nothing: ASCII is read byte by byte, the tokens' strings are
/// reused from one text to the next, and each tokenizer (one per indexing
/// thread) keeps a bounded cache of stems, as words repeat a lot.
#[derive(Clone)]
pub struct MixedTokenizer {
    stemmer: std::sync::Arc<rust_stemmers::Stemmer>,
    cache: std::collections::HashMap<String, String>,
    /// Token buffers, reused; the first `len` are the current text's.
    tokens: Vec<Token>,
    len: usize,
}

impl Default for MixedTokenizer {
    fn default() -> Self {
        MixedTokenizer {
            stemmer: std::sync::Arc::new(rust_stemmers::Stemmer::create(
                rust_stemmers::Algorithm::English,
            )),
            cache: std::collections::HashMap::new(),
            tokens: Vec::new(),
            len: 0,
        }
    }
}

impl MixedTokenizer {
    /// The next token's buffer, cleared.
    fn next_token(&mut self, from: usize) -> &mut Token {
        if self.len == self.tokens.len() {
            self.tokens.push(Token::default());
        }
        let position = self.len;
        self.len += 1;
        let t = &mut self.tokens[position];
        t.text.clear();
        t.offset_from = from;
        t.offset_to = from;
        t.position = position;
        t.position_length = 1;
        t
    }

    /// Replaces the last token's word by its stem.
    fn stem_last(&mut self) {
        let Some(t) = self.len.checked_sub(1).and_then(|i| self.tokens.get_mut(i)) else {
            return;
        };
        if !t.text.bytes().any(|b| b.is_ascii_alphabetic()) {
            return;
        }
        if let Some(s) = self.cache.get(t.text.as_str()) {
            t.text.clear();
            t.text.push_str(s);
            return;
        }
        let stemmed = self.stemmer.stem(&t.text).into_owned();
        if self.cache.len() > 200_000 {
            self.cache.clear();
        }
        self.cache
            .insert(std::mem::replace(&mut t.text, stemmed.clone()), stemmed);
    }

    /// Tokenizes `text` into the first `len` buffers.
    fn fill(&mut self, text: &str) {
        self.len = 0;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() && !b.is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            if is_cjk(c) {
                i = self.cjk_run(text, i);
            } else if c.is_alphanumeric() {
                i = self.word(text, i);
                self.stem_last();
            } else {
                i += c.len_utf8();
            }
        }
    }

    /// A word starting at byte `start`; returns where it ends.
    fn word(&mut self, text: &str, start: usize) -> usize {
        let bytes = text.as_bytes();
        let t = self.next_token(start);
        let mut i = start;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_alphanumeric() {
                t.text.push(char::from(b.to_ascii_lowercase()));
                i += 1;
            } else if b == b'(' && !t.text.is_empty() {
                // `401(k)`, `404(a)(1)`: fold a parenthesised suffix in.
                let inner = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
                let close = i + 1 + inner;
                if inner > 0 && inner <= 3 && bytes.get(close) == Some(&b')') {
                    for &b in &bytes[i + 1..close] {
                        t.text.push(char::from(b.to_ascii_lowercase()));
                    }
                    i = close + 1;
                } else {
                    break;
                }
            } else if b.is_ascii() {
                break;
            } else {
                match text[i..].chars().next() {
                    Some(c) if c.is_alphanumeric() && !is_cjk(c) => {
                        t.text.extend(c.to_lowercase());
                        i += c.len_utf8();
                    }
                    _ => break,
                }
            }
        }
        t.offset_to = i;
        i
    }

    /// A run of CJK characters starting at byte `start`, folded to
    /// Simplified and cut into overlapping bigrams; returns where it ends.
    fn cjk_run(&mut self, text: &str, start: usize) -> usize {
        let chars: Vec<(usize, char)> = text[start..]
            .char_indices()
            .take_while(|c| is_cjk(c.1))
            .map(|(at, c)| (start + at, c))
            .collect();
        let end = chars.last().map_or(start, |c| c.0 + c.1.len_utf8());
        let end_of = |k: usize| chars.get(k).map_or(end, |c| c.0);
        let folded: Vec<char> = fast2s::convert(&text[start..end]).chars().collect();
        let n = chars.len();
        if n == 1 || folded.len() != n {
            let t = self.next_token(start);
            t.text.extend(folded.iter());
            t.offset_to = end;
        } else {
            for k in 0..n - 1 {
                let t = self.next_token(chars[k].0);
                t.text.extend(&folded[k..k + 2]);
                t.offset_to = end_of(k + 2);
            }
        }
        end
    }
}

/// The tokens of one text, borrowed from the tokenizer.
pub struct MixedStream<'a> {
    tokens: &'a mut [Token],
    len: usize,
    next: usize,
}

impl TokenStream for MixedStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.len
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next.clamp(1, self.tokens.len()) - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        let i = self.next.clamp(1, self.tokens.len()) - 1;
        &mut self.tokens[i]
    }
}

impl Tokenizer for MixedTokenizer {
    type TokenStream<'a> = MixedStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> MixedStream<'a> {
        self.fill(text);
        if self.tokens.is_empty() {
            // `token()` must always have something to point at.
            self.tokens.push(Token::default());
        }
        MixedStream {
            tokens: &mut self.tokens,
            len: self.len,
            next: 0,
        }
    }
}

/// Whether `NOT` at `i` is the operator of `AND NOT`: a whole word, after
/// a whole-word `AND`, with a term after it.
fn and_not(chars: &[char], i: usize) -> bool {
    let word_at = |at: usize, w: &str| {
        w.chars()
            .enumerate()
            .all(|(k, c)| chars.get(at + k) == Some(&c))
    };
    let before = |at: usize| at == 0 || chars[at - 1].is_whitespace() || chars[at - 1] == '(';
    if !word_at(i, "NOT") || !before(i) || !chars.get(i + 3).is_some_and(|c| c.is_whitespace()) {
        return false;
    }
    let Some(end) = chars[..i].iter().rposition(|c| !c.is_whitespace()) else {
        return false;
    };
    end >= 2 && word_at(end - 2, "AND") && before(end - 2)
}

/// Fields a query may name, and what they search.
pub const QUERY_FIELDS: &[(&str, &str)] = &[
    ("name", "names in every language and aliases"),
    (
        "ident",
        "official identifiers (EO number, bill number, public law, citations)",
    ),
    (
        "body",
        "summaries, notes, event and deadline notes, source titles, tags",
    ),
    ("id", "the exact entity id"),
    ("kind", "the exact kind"),
    ("jurisdiction", "the exact jurisdiction code"),
    ("status", "the exact current status"),
    ("tag", "an exact tag"),
];

/// How deeply parentheses may nest in a query.
const MAX_NESTING: usize = 8;

/// Checks a query for mistakes the parser would report badly (unbalanced
/// quotes and parentheses, unknown fields), with their character position,
/// and rewrites `401(k)`-style words so the parser does not take their
/// parentheses for grouping.
pub fn prepare_query(q: &str) -> Result<String> {
    let chars: Vec<char> = q.chars().collect();
    if q.trim().is_empty() {
        return Err(Error::Query {
            message: "the query is empty".into(),
            position: None,
        });
    }
    let mut out = String::with_capacity(q.len());
    let mut depth: Vec<usize> = Vec::new();
    let mut quote: Option<usize> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(start) = quote {
            let _ = start;
            if c == '"' {
                quote = None;
            }
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '"' => {
                quote = Some(i);
                out.push(c);
            }
            '(' => {
                // `401(k)`: letters or digits right before, a short word and `)` after.
                let prev_alnum = i > 0 && chars[i - 1].is_alphanumeric();
                let mut j = i + 1;
                while j < chars.len() && chars[j].is_ascii_alphanumeric() {
                    j += 1;
                }
                if prev_alnum && j > i + 1 && j - i - 1 <= 3 && j < chars.len() && chars[j] == ')' {
                    out.extend(chars[i + 1..j].iter());
                    i = j + 1;
                    continue;
                }
                depth.push(i);
                if depth.len() > MAX_NESTING {
                    // tantivy's parser takes time exponential in the depth:
                    // 16 levels took seconds, 20 minutes.
                    return Err(Error::Query {
                        message: format!(
                            "parentheses nested too deep: at most {MAX_NESTING} levels"
                        ),
                        position: Some(i),
                    });
                }
                out.push(c);
            }
            ')' => {
                if depth.pop().is_none() {
                    return Err(Error::Query {
                        message: "unbalanced `)`: no `(` before it".into(),
                        position: Some(i),
                    });
                }
                out.push(c);
            }
            ':' => {
                let start = chars[..i]
                    .iter()
                    .rposition(|c| !(c.is_alphanumeric() || *c == '_'))
                    .map_or(0, |p| p + 1);
                let field: String = chars[start..i].iter().collect();
                let url_like = chars.get(i + 1) == Some(&'/');
                if !field.is_empty() && !url_like && !QUERY_FIELDS.iter().any(|(f, _)| *f == field)
                {
                    let known: Vec<&str> = QUERY_FIELDS.iter().map(|f| f.0).collect();
                    return Err(Error::Query {
                        message: format!(
                            "unknown field `{field}`; fields are {}",
                            known.join(", ")
                        ),
                        position: Some(start),
                    });
                }
                out.push(c);
                if let Some(fold) = raw_fold(&field) {
                    // Raw fields hold exact values: fold a bare value to
                    // their spelling, as the command-line filters do
                    // (`kind:Bill`, `jurisdiction:us-tx`).
                    let mut j = i + 1;
                    while j < chars.len()
                        && !chars[j].is_whitespace()
                        && !matches!(chars[j], '(' | ')' | '"')
                    {
                        out.push_str(&fold(chars[j]));
                        j += 1;
                    }
                    i = j;
                    continue;
                }
            }
            'N' if and_not(&chars, i) => {
                // `a AND NOT b`: tantivy's parser reads this `NOT` as a
                // word; `a AND -b` says what was meant.
                out.push('-');
                i += 3;
                while chars.get(i).is_some_and(|c| c.is_whitespace()) {
                    i += 1;
                }
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    if let Some(start) = quote {
        return Err(Error::Query {
            message: "unbalanced `\"`: the phrase is not closed".into(),
            position: Some(start),
        });
    }
    if let Some(open) = depth.pop() {
        return Err(Error::Query {
            message: "unbalanced `(`: it is never closed".into(),
            position: Some(open),
        });
    }
    Ok(out)
}

/// How a bare value after a raw field is folded to the indexed spelling:
/// ids are lowercase, kinds and statuses snake_case, jurisdictions
/// uppercase. Tags and the text fields are left alone.
fn raw_fold(field: &str) -> Option<fn(char) -> String> {
    match field {
        "id" => Some(|c| c.to_lowercase().collect()),
        "kind" | "status" => Some(|c| {
            if c == '-' {
                "_".into()
            } else {
                c.to_lowercase().collect()
            }
        }),
        "jurisdiction" => Some(|c| c.to_uppercase().collect()),
        _ => None,
    }
}

/// What to search for, and how to filter.
#[derive(Clone, Debug, Default)]
pub struct SearchOptions {
    /// The query text.
    pub query: String,
    /// At most this many hits.
    pub limit: usize,
    /// Only these kinds (any of them).
    pub kinds: Vec<Kind>,
    /// Jurisdiction prefix (`US-` = every state).
    pub jurisdiction: Option<String>,
    /// Only entities with this status (as of `as_of`, or today).
    pub status: Vec<Stage>,
    /// Only entities with a date on or after this.
    pub since: Option<Date>,
    /// Only entities with a date on or before this.
    pub until: Option<Date>,
    /// See the world as of this day.
    pub as_of: Option<Date>,
    /// Count hits by kind, jurisdiction and status.
    pub facets: bool,
}

/// A part of a snippet, highlighted or not.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Snippet {
    /// The snippet text.
    pub text: String,
    /// Byte ranges of matched words in `text`.
    pub highlights: Vec<Range<usize>>,
}

/// One search result.
#[derive(Clone, Debug, Serialize)]
pub struct Hit {
    /// Entity id.
    pub id: String,
    /// Kind.
    pub kind: Kind,
    /// English name.
    pub name: String,
    /// Name in the requested language, when asked for and known.
    pub local_name: Option<String>,
    /// Jurisdiction.
    pub jurisdiction: String,
    /// Status on the as-of day (or today).
    pub status: Option<Stage>,
    /// BM25 score (higher is better).
    pub score: f32,
    /// Why it matched.
    pub snippet: Snippet,
}

/// Result of a search.
#[derive(Clone, Debug, Serialize)]
pub struct SearchResult {
    /// The query as typed.
    pub query: String,
    /// Whether exact matching found nothing and typo-tolerant matching was used.
    pub fuzzy: bool,
    /// Number of matching entities, after every filter, before `--limit`.
    pub total: usize,
    /// The hits, best first.
    pub hits: Vec<Hit>,
    /// Counts by kind, jurisdiction and status over every match (after
    /// every filter), when asked.
    pub facets: Option<BTreeMap<String, BTreeMap<String, u64>>>,
}

fn ix(e: tantivy::TantivyError) -> Error {
    Error::Index(e.to_string())
}

/// Runs a search against the store.
pub fn search(store: &Store, opts: &SearchOptions, lang: Option<&str>) -> Result<SearchResult> {
    let f = store.fields;
    let text = prepare_query(&opts.query)?;
    let mut parser = QueryParser::for_index(&store.index, vec![f.name, f.ident, f.body]);
    parser.set_conjunction_by_default();
    parser.set_field_boost(f.name, 4.0);
    parser.set_field_boost(f.ident, 3.0);
    let user = parser.parse_query(&text).map_err(|e| Error::Query {
        message: e.to_string(),
        position: None,
    })?;
    let plain = !text.contains([
        '"', ':', '(', ')', '+', '-', '*', '~', '^', '[', ']', '{', '}',
    ]);
    let words_in_names = all_words_in(store, &text, f.name)?;
    // Optional clauses that lift the best matches; each is added only when
    // it can match, as every clause costs time on every matching document.
    let mut lifts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    // Several plain words: a match of the whole phrase in a name ranks
    // first. Few documents match it, so it is scored in a pass of its own
    // (see `best`) rather than tried on every match.
    let mut phrase_lift: Option<Box<dyn Query>> = None;
    if plain && words_in_names && text.split_whitespace().count() > 1 {
        if let Ok(phrase) = parser.parse_query(&format!("name:\"{}\"", text.trim())) {
            phrase_lift = Some(Box::new(BoostQuery::new(phrase, 3.0)));
        }
    }
    // An exact name or alias (`DOL`, `勞工部`, `EO 14330`) ranks its entity
    // first.
    let key = crate::resolve::normalize(&opts.query);
    if term_exists(store, f.key, &key)? {
        lifts.push((
            Occur::Should,
            Box::new(BoostQuery::new(
                Box::new(TermQuery::new(
                    Term::from_field_text(f.key, &key),
                    IndexRecordOption::Basic,
                )),
                20.0,
            )),
        ));
    }
    let exact = with_clauses(user, lifts);
    let filters = filter_queries(store, opts)?;
    let combined = |q: Box<dyn Query>| -> Box<dyn Query> {
        with_clauses(
            q,
            filters
                .iter()
                .map(|q| (Occur::Must, q.box_clone()))
                .collect(),
        )
    };
    // Close spellings of a name's words, unless every word of the query is
    // already a word of some name: matching the typo-tolerant clause costs
    // as much as the exact query.
    let name_fuzzy = if words_in_names {
        None
    } else {
        fuzzy_query(store, &text, &[f.name])
    };
    let post_filter = !opts.status.is_empty() || opts.as_of.is_some();
    // A status is the stage reached by the as-of day or today: an event
    // scheduled for later is not a status yet (as in the indexed `status`
    // field and the facets).
    let status_day = Some(opts.as_of.unwrap_or_else(Date::today));
    // Filters applied to decoded entities (status, as-of) need every match.
    let fetch = if post_filter {
        store.searcher.num_docs().max(1) as usize
    } else {
        opts.limit.max(1)
    };
    // Exact matches, and close spellings of every word of a name below them:
    // `Employe Retirement` matches other texts exactly, but ERISA only by
    // its name's spelling. One pass ranks and counts.
    let mut query = match &name_fuzzy {
        Some(fq) => combined(Box::new(BooleanQuery::new(vec![
            (Occur::Should, exact.box_clone()),
            (
                Occur::Should,
                Box::new(BoostQuery::new(fq.box_clone(), 8.0)),
            ),
        ]))),
        None => combined(exact.box_clone()),
    };
    let (mut top, mut total) = best(store, &*query, phrase_lift.as_deref(), fetch)?;
    let mut fuzzy = match top.first() {
        // Is the best hit an exact match? One seek in one segment tells.
        Some((_, addr)) => !matches_exactly(store, &*exact, *addr)?,
        None => false,
    };
    if total == 0 {
        // Nothing at all: every word within one or two edits, anywhere,
        // names first.
        if let Some(all) = fuzzy_query(store, &text, &[f.name, f.body, f.ident]) {
            let mut parts: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, all)];
            if let Some(fq) = &name_fuzzy {
                parts.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(fq.box_clone(), 4.0)),
                ));
            }
            query = combined(Box::new(BooleanQuery::new(parts)));
            (top, total) = best(store, &*query, None, fetch)?;
            fuzzy = total > 0;
        }
    }
    let snip_body = SnippetGenerator::create(&store.searcher, &*query, f.body).map_err(ix)?;
    let snip_name = SnippetGenerator::create(&store.searcher, &*query, f.name).map_err(ix)?;
    let mut hits = Vec::new();
    let mut ranked: Vec<(f32, tantivy::DocAddress)> = top;
    // Equal scores: id order, so output never flaps.
    // Close-spelling matches all score alike, so the cut at `--limit` would
    // fall in id order: rank every one of them (up to a bound), shortest
    // name first, as BM25's length norm would.
    if fuzzy && !post_filter && total > ranked.len() {
        ranked = best(store, &*query, None, total.min(1000))?.0;
    }
    let mut with_ids = Vec::with_capacity(ranked.len());
    for (score, addr) in ranked.drain(..) {
        let doc: TantivyDocument = store.searcher.doc(addr).map_err(ix)?;
        let id = doc
            .get_first(f.id)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        let name_words = if fuzzy {
            store.node_of(&doc)?.entity.name.split_whitespace().count()
        } else {
            0
        };
        with_ids.push((score, name_words, id, doc));
    }
    with_ids.sort_by(|a, b| {
        b.0.total_cmp(&a.0)
            .then_with(|| a.1.cmp(&b.1))
            .then_with(|| a.2.cmp(&b.2))
    });
    // With filters applied to the decoded entities (status, as-of), every
    // match is decoded anyway: count them all, and their facets, so that
    // `total` and the facets describe the hits' own filters.
    let mut matched = 0usize;
    let mut tallied = empty_facets();
    for (score, _, _, doc) in with_ids {
        if !post_filter && hits.len() >= opts.limit {
            break;
        }
        let node = store.node_of(&doc)?;
        let e = &node.entity;
        if !e.exists_on(opts.as_of) {
            continue;
        }
        let status = if e.kind.has_status() {
            e.status(status_day)
        } else {
            None
        };
        if !opts.status.is_empty() && !status.is_some_and(|s| opts.status.contains(&s)) {
            continue;
        }
        matched += 1;
        if post_filter && opts.facets {
            for (root, leaf) in [
                ("kind", e.kind.name()),
                ("jurisdiction", e.jurisdiction.as_str()),
                ("status", status.map_or("none", Stage::name)),
            ] {
                *tallied
                    .entry(root.to_owned())
                    .or_default()
                    .entry(leaf.to_owned())
                    .or_default() += 1;
            }
        }
        if hits.len() >= opts.limit {
            continue;
        }
        let snippet = make_snippet(&snip_body, &snip_name, e);
        hits.push(Hit {
            id: e.id.clone(),
            kind: e.kind,
            name: e.name.clone(),
            local_name: lang.and_then(|l| e.names.get(l).cloned()),
            jurisdiction: e.jurisdiction.clone(),
            status,
            score,
            snippet,
        });
    }
    let facets = match (opts.facets, post_filter) {
        (false, _) => None,
        (true, true) => Some(tallied),
        (true, false) => Some(facets(store, &*query)?),
    };
    let total = if post_filter { matched } else { total };
    Ok(SearchResult {
        query: opts.query.clone(),
        fuzzy,
        total,
        hits,
        facets,
    })
}

/// The best `limit` hits of `query`, best first, and the number of
/// matches. A `lift` is an optional clause that raises the few documents it
/// matches: the same ranking as `query` with the lift as an optional
/// clause, but the lift is scored only on its own matches, once, and its
/// scores are added as the matches of `query` go by (see [`crate::rank`]).
fn best(
    store: &Store,
    query: &dyn Query,
    lift: Option<&dyn Query>,
    limit: usize,
) -> Result<(Vec<(f32, tantivy::DocAddress)>, usize)> {
    let lifts = match lift {
        Some(lift) => Lifts::score(&store.searcher, lift)?,
        None => Lifts::default(),
    };
    store
        .searcher
        .search(query, &Best::new(limit).lifted(&lifts))
        .map_err(ix)
}

/// `q` with more clauses: added to `q` itself when it is a boolean query
/// that requires something (so that optional clauses stay optional), else
/// around it. Nesting costs a call per matching document at each level.
fn with_clauses(q: Box<dyn Query>, more: Vec<(Occur, Box<dyn Query>)>) -> Box<dyn Query> {
    if more.is_empty() {
        return q;
    }
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = match q.downcast_ref::<BooleanQuery>() {
        Some(b) if b.clauses().iter().any(|(o, _)| *o == Occur::Must) => b
            .clauses()
            .iter()
            .map(|(o, c)| (*o, c.box_clone()))
            .collect(),
        _ => vec![(Occur::Must, q)],
    };
    clauses.extend(more);
    Box::new(BooleanQuery::new(clauses))
}

/// Whether `word` is in the dictionary of `field` in some segment.
fn term_exists(store: &Store, field: tantivy::schema::Field, word: &str) -> Result<bool> {
    for seg in store.searcher.segment_readers() {
        let found = seg
            .inverted_index(field)
            .map_err(ix)?
            .terms()
            .get(word.as_bytes())
            .map_err(|e| Error::Index(e.to_string()))?;
        if found.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

fn make_snippet(
    body: &SnippetGenerator,
    name: &SnippetGenerator,
    e: &crate::model::Entity,
) -> Snippet {
    let body_text = crate::store::body_texts(e).collect::<Vec<_>>().join(" · ");
    let name_text = crate::store::name_texts(e).collect::<Vec<_>>().join(" · ");
    for (generator, text) in [(body, &body_text), (name, &name_text)] {
        let s = generator.snippet(text);
        if !s.highlighted().is_empty() {
            return Snippet {
                text: s.fragment().to_owned(),
                highlights: s.highlighted().to_vec(),
            };
        }
    }
    Snippet {
        text: body_text.chars().take(150).collect(),
        highlights: Vec::new(),
    }
}

fn filter_queries(store: &Store, opts: &SearchOptions) -> Result<Vec<Box<dyn Query>>> {
    let f = store.fields;
    let mut out: Vec<Box<dyn Query>> = Vec::new();
    if !opts.kinds.is_empty() {
        let any: Vec<(Occur, Box<dyn Query>)> = opts
            .kinds
            .iter()
            .map(|k| {
                let q: Box<dyn Query> = Box::new(TermQuery::new(
                    Term::from_field_text(f.kind, k.name()),
                    IndexRecordOption::Basic,
                ));
                (Occur::Should, q)
            })
            .collect();
        out.push(Box::new(BooleanQuery::new(any)));
    }
    if let Some(j) = &opts.jurisdiction {
        out.push(Box::new(jurisdiction_query(f.jurisdiction, j)?));
    }
    if opts.since.is_some() || opts.until.is_some() {
        let lo = opts.since.map_or(Bound::Unbounded, |d| {
            Bound::Included(Term::from_field_date(f.date, tantivy_date(d)))
        });
        let hi = opts.until.map_or(Bound::Unbounded, |d| {
            Bound::Included(Term::from_field_date(f.date, tantivy_date(d)))
        });
        out.push(Box::new(RangeQuery::new(lo, hi)));
    }
    Ok(out)
}

/// A query matching jurisdictions that start with `prefix`.
pub fn jurisdiction_query(field: tantivy::schema::Field, prefix: &str) -> Result<RegexQuery> {
    if prefix.is_empty() || !prefix.chars().all(|c| c.is_ascii_alphabetic() || c == '-') {
        return Err(Error::Usage(format!(
            "invalid jurisdiction `{prefix}`: use `US`, `US-TX`, or a prefix such as `US-`"
        )));
    }
    let pattern = format!("{}.*", prefix.to_ascii_uppercase().replace('-', "\\-"));
    RegexQuery::from_pattern(&pattern, field).map_err(ix)
}

/// Typo-tolerant form of a plain query: every word must match a name or
/// body word within one or two edits. `None` for queries with syntax.
fn fuzzy_query(
    store: &Store,
    text: &str,
    fields: &[tantivy::schema::Field],
) -> Option<Box<dyn Query>> {
    if text.contains([
        '"', ':', '(', ')', '+', '-', '*', '~', '^', '[', ']', '{', '}',
    ]) {
        return None;
    }
    let _ = store;
    let mut a = analyzer();
    let mut stream = a.token_stream(text);
    let mut musts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    while stream.advance() {
        let word = stream.token().text.clone();
        let n = word.chars().count();
        let distance = match n {
            0..=3 => 0,
            4..=7 => 1,
            _ => 2,
        };
        let any: Vec<(Occur, Box<dyn Query>)> = fields
            .iter()
            .map(|&field| {
                let term = Term::from_field_text(field, &word);
                let q: Box<dyn Query> = if distance == 0 {
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
                } else {
                    Box::new(FuzzyTermQuery::new(term, distance, true))
                };
                (Occur::Should, q)
            })
            .collect();
        musts.push((Occur::Must, Box::new(BooleanQuery::new(any))));
    }
    if musts.is_empty() {
        return None;
    }
    Some(Box::new(BooleanQuery::new(musts)))
}

/// Whether every word of `text`, as the tokenizer makes it, is in the
/// dictionary of `field`.
fn all_words_in(store: &Store, text: &str, field: tantivy::schema::Field) -> Result<bool> {
    let mut a = analyzer();
    let mut stream = a.token_stream(text);
    while stream.advance() {
        if !term_exists(store, field, &stream.token().text)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn empty_facets() -> BTreeMap<String, BTreeMap<String, u64>> {
    ["kind", "jurisdiction", "status"]
        .into_iter()
        .map(|root| (root.to_owned(), BTreeMap::new()))
        .collect()
}

fn facets(store: &Store, query: &dyn Query) -> Result<BTreeMap<String, BTreeMap<String, u64>>> {
    let mut c = FacetCollector::for_field("facet");
    for root in ["/kind", "/jurisdiction", "/status"] {
        c.add_facet(root);
    }
    let counts = store.searcher.search(query, &c).map_err(ix)?;
    let mut out: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for root in ["kind", "jurisdiction", "status"] {
        let m = out.entry(root.to_owned()).or_default();
        for (facet, n) in counts.get(&format!("/{root}")) {
            let leaf = facet
                .to_path()
                .last()
                .map(|s| s.to_string())
                .unwrap_or_default();
            m.insert(leaf, n);
        }
    }
    Ok(out)
}

/// Whether the document at `addr` matches `query` (without scoring the
/// whole index: one scorer, one seek).
fn matches_exactly(store: &Store, query: &dyn Query, addr: tantivy::DocAddress) -> Result<bool> {
    use tantivy::DocSet;
    let weight = query
        .weight(tantivy::query::EnableScoring::disabled_from_searcher(
            &store.searcher,
        ))
        .map_err(ix)?;
    let seg = store.searcher.segment_reader(addr.segment_ord);
    let mut scorer = weight.scorer(seg, 1.0).map_err(ix)?;
    // A new scorer already stands on its first match; `seek` may only move
    // forward from there.
    let at = scorer.doc();
    Ok(at == addr.doc_id || (at < addr.doc_id && scorer.seek(addr.doc_id) == addr.doc_id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokens(s).into_iter().map(|t| t.text).collect()
    }

    fn tokens(s: &str) -> Vec<Token> {
        let mut a = analyzer();
        let mut stream = a.token_stream(s);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().clone());
        }
        out
    }

    /// Offsets point at the original text, positions count tokens, and
    /// a tokenizer reused for a shorter text yields only that text's tokens.
    #[test]
    fn offsets_positions_and_reuse() {
        let t = tokens("See 401(k) plans, 勞工部.");
        let spans: Vec<_> = t
            .iter()
            .map(|t| (t.text.as_str(), t.offset_from, t.offset_to, t.position))
            .collect();
        assert_eq!(
            spans,
            [
                ("see", 0, 3, 0),
                ("401k", 4, 10, 1),
                ("plan", 11, 16, 2),
                ("劳工", 18, 24, 3),
                ("工部", 21, 27, 4),
            ]
        );
        let mut a = analyzer();
        for (text, want) in [
            ("Retirement plans vary", 3),
            ("ERISA", 1),
            ("", 0),
            ("  .", 0),
        ] {
            let mut stream = a.token_stream(text);
            let mut n = 0;
            while stream.advance() {
                n += 1;
            }
            assert_eq!(n, want, "{text:?}");
        }
    }

    #[test]
    fn words_and_bigrams() {
        assert_eq!(texts("401(k) Plans"), vec!["401k", "plan"]);
        assert_eq!(texts("勞工部"), vec!["劳工", "工部"]);
        assert_eq!(texts("EO 14330"), vec!["eo", "14330"]);
        assert_eq!(texts("幣"), vec!["币"]);
    }

    #[test]
    fn and_not_means_exclusion() {
        for (q, want) in [
            ("reserve AND NOT bill", "reserve AND -bill"),
            ("(reserve AND  NOT bill)", "(reserve AND  -bill)"),
            ("reserve NOT bill", "reserve NOT bill"),
            ("reserve AND NOTE", "reserve AND NOTE"),
            ("BRAND NOT bill", "BRAND NOT bill"),
            ("\"AND NOT bill\"", "\"AND NOT bill\""),
        ] {
            assert_eq!(prepare_query(q).unwrap(), want, "{q}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_before_the_parser_sees_it() {
        let ok = format!("{}x{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        assert!(prepare_query(&ok).is_ok());
        let deep = format!("a {}x{}", "(".repeat(40), ")".repeat(40));
        let e = prepare_query(&deep).unwrap_err();
        assert!(
            matches!(e, Error::Query { position: Some(p), .. } if p == 2 + MAX_NESTING),
            "{e:?}"
        );
    }

    #[test]
    fn query_errors_have_positions() {
        let e = prepare_query("\"strategic bitcoin").unwrap_err();
        assert!(matches!(
            e,
            Error::Query {
                position: Some(0),
                ..
            }
        ));
        let e = prepare_query("a (b").unwrap_err();
        assert!(matches!(
            e,
            Error::Query {
                position: Some(2),
                ..
            }
        ));
        let e = prepare_query("nmae:reserve").unwrap_err();
        assert!(matches!(
            e,
            Error::Query {
                position: Some(0),
                ..
            }
        ));
        assert_eq!(prepare_query("401(k) plans").unwrap(), "401k plans");
        assert!(prepare_query("name:reserve").is_ok());
        assert_eq!(
            prepare_query("kind:Executive-Order jurisdiction:us-tx id:EO-1 Name").unwrap(),
            "kind:executive_order jurisdiction:US-TX id:eo-1 Name"
        );
        assert_eq!(prepare_query("name:Reserve").unwrap(), "name:Reserve");
    }
}
