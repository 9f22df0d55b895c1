//! Full-text search over the store: query checking and rewriting (see
//! [`syntax`]), filters, facets, typo-tolerant fallback and snippets. The
//! text analysis (tokenizer) is shared with the index, in [`crate::text`].

pub mod synonyms;
pub mod syntax;
pub mod weights;

pub use syntax::{prepare_query, QUERY_FIELDS};

use std::collections::BTreeMap;
use std::ops::Range;

use serde::Serialize;
use tantivy::collector::FacetCollector;
use tantivy::query::{
    BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, QueryParser, RegexQuery, TermQuery,
};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::TokenStream;
use tantivy::{TantivyDocument, Term};

use crate::model::{Date, Kind, Stage};
use crate::rank::{Best, Lifts};
use crate::store::Store;
use crate::text::analyzer;
use crate::{Error, Result};

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
    /// Where to look: names and identifiers, documents' texts, or all.
    pub within: Within,
    /// The knowledge directory, to cut snippets from documents' texts
    /// (kept beside the entity files, not in the index).
    pub knowledge: Option<std::path::PathBuf>,
    /// Say for each hit how its score was made (see [`Explain`]).
    pub explain: bool,
}

/// Where `search --in` looks.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Within {
    /// Names, aliases and identifiers.
    Names,
    /// Documents' own texts.
    Text,
    /// Everything: names, identifiers, summaries and notes, and texts.
    #[default]
    All,
}

/// How a hit's score was made: `score = (Σ fields + phrase + other) ×
/// prior + exact_name` (close spellings: no prior).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Explain {
    /// The BM25 score of the query in each text field, times the field's
    /// weight (see [`weights::FIELD_WEIGHTS`]), for the fields that matched.
    pub fields: Vec<FieldScore>,
    /// What the query being an exact name or alias adds, after the prior
    /// ([`crate::rank::EXACT_NAME_BONUS`], or 0).
    pub exact_name: f32,
    /// What the phrase lifts (the words as a phrase in a name, a Chinese
    /// run as written) add.
    pub phrase: f32,
    /// The rest of the score before the prior: close spellings, filters.
    pub other: f32,
    /// The entity's prior, and what it is made of.
    pub prior: PriorParts,
    /// Whether the prior was applied (close spellings are ranked without).
    pub prior_applied: bool,
    /// Set when the hit was moved up because it established the best hit
    /// (see the ranking rules in `docs/search.md`): it took the score of
    /// the hit it passed.
    pub follows_founded: bool,
}

/// One field's part of a score.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct FieldScore {
    /// The field (`name`, `ident`, `body`, `procedural`, ...).
    pub field: String,
    /// Its weight in the table.
    pub weight: f32,
    /// BM25 in the field, times the weight.
    pub score: f32,
}

/// The prior of a hit: `kind × (1 + 0.3 × ln(1 + linked))`.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct PriorParts {
    /// The prior itself, as stored in the index.
    pub value: f64,
    /// The prior of the entity's kind.
    pub kind: f64,
    /// Distinct entities linked to it, either way, by relations that count
    /// (see [`weights::counts_for_prior`]).
    pub linked: usize,
}

/// A part of a snippet, highlighted or not.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Snippet {
    /// The snippet text.
    pub text: String,
    /// Byte ranges of matched words in `text`.
    pub highlights: Vec<Range<usize>>,
    /// For a snippet of a document's text: the section it is from (`Sec. 2`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub section: Option<String>,
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
    /// How the score was made, with `--explain`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explain: Option<Explain>,
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
    /// When nothing matched: why (empty otherwise).
    pub why_empty: Vec<WhyEmpty>,
}

/// Why a search found nothing.
#[derive(Clone, Debug, Serialize, PartialEq)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum WhyEmpty {
    /// No entity has this word of the query, nor a close spelling of it
    /// (nor, for a word of the synonym table, a synonym).
    Word {
        /// The word as typed.
        word: String,
    },
    /// No entity at all passes this filter.
    FilterMatchesNothing {
        /// The filter, as an option: `--jurisdiction US-AK`.
        filter: String,
    },
    /// The query matches `matches` entities without filters, and none of
    /// them passes this filter.
    FilterLeftNothing {
        /// The filter, as an option: `--kind bill`.
        filter: String,
        /// Matches of the query without any filter.
        matches: usize,
    },
    /// Every word is found somewhere (or a close spelling of it), but not
    /// together; a query with fields, quotes or operators is matched
    /// exactly, without close spellings.
    NotTogether {
        /// Whether the query has syntax, so close spellings were not tried.
        exact_only: bool,
    },
    /// The query matches `matches` entities without filters, each filter
    /// alone leaves some, but none passes all of them.
    FiltersTogether {
        /// Matches of the query without any filter.
        matches: usize,
    },
}

/// What tantivy's parser found wrong, said for a user. The query has been
/// checked by [`syntax::parse`] first, so these are rare: operators with
/// nothing to apply to, mostly.
fn parser_error(e: &tantivy::query::QueryParserError) -> Error {
    use tantivy::query::QueryParserError as E;
    let message = match e {
        E::AllButQueryForbidden => {
            "the query only excludes; add a word to search for, as in `bitcoin -texas`".into()
        }
        E::RangeMustNotHavePhrase | E::UnsupportedQuery(_) => {
            "ranges are not supported; filter dates with `--since` and `--until`".into()
        }
        E::FieldDoesNotExist(field) => {
            let known: Vec<&str> = QUERY_FIELDS.iter().map(|f| f.0).collect();
            format!("unknown field `{field}`; fields are {}", known.join(", "))
        }
        _ => "the query could not be read: check that `AND`, `OR` and `NOT` stand between words, \
              and that each `(` holds words; put text in double quotes to search for it as written"
            .into(),
    };
    Error::Query {
        message,
        position: None,
    }
}

fn ix(e: tantivy::TantivyError) -> Error {
    Error::Index(e.to_string())
}

/// Runs a search against the store.
pub fn search(store: &Store, opts: &SearchOptions, lang: Option<&str>) -> Result<SearchResult> {
    let mut res = search_only(store, opts, lang)?;
    if res.total == 0 {
        res.why_empty = why_empty(store, opts)?;
    }
    Ok(res)
}

/// The filters of `opts`, each as the option that set it, and `opts`
/// with only that filter (or with none, for `None`).
fn filters_of(opts: &SearchOptions) -> Vec<(String, SearchOptions)> {
    let bare = SearchOptions {
        query: opts.query.clone(),
        limit: 1,
        ..SearchOptions::default()
    };
    let mut out = Vec::new();
    if !opts.kinds.is_empty() {
        let names: Vec<String> = opts.kinds.iter().map(|k| format!("--kind {k}")).collect();
        out.push((
            names.join(" "),
            SearchOptions {
                kinds: opts.kinds.clone(),
                ..bare.clone()
            },
        ));
    }
    if let Some(j) = &opts.jurisdiction {
        let shown = match j.parse::<crate::select::Jurisdiction>() {
            Ok(parsed) if parsed.to_string() != *j => format!("--jurisdiction {j} ({parsed})"),
            _ => format!("--jurisdiction {j}"),
        };
        out.push((
            shown,
            SearchOptions {
                jurisdiction: Some(j.clone()),
                ..bare.clone()
            },
        ));
    }
    if !opts.status.is_empty() {
        let names: Vec<String> = opts
            .status
            .iter()
            .map(|s| format!("--status {s}"))
            .collect();
        out.push((
            names.join(" "),
            SearchOptions {
                status: opts.status.clone(),
                as_of: opts.as_of,
                ..bare.clone()
            },
        ));
    }
    if opts.since.is_some() || opts.until.is_some() {
        let mut shown = Vec::new();
        if let Some(d) = opts.since {
            shown.push(format!("--since {d}"));
        }
        if let Some(d) = opts.until {
            shown.push(format!("--until {d}"));
        }
        out.push((
            shown.join(" "),
            SearchOptions {
                since: opts.since,
                until: opts.until,
                ..bare.clone()
            },
        ));
    }
    if let Some(d) = opts.as_of {
        out.push((
            format!("--as-of {d}"),
            SearchOptions {
                as_of: Some(d),
                ..bare.clone()
            },
        ));
    }
    out
}

/// Why a search found nothing: the words that no entity has, then the
/// filters that left nothing. Run only when nothing matched, so that its
/// extra searches cost nothing on the common path.
fn why_empty(store: &Store, opts: &SearchOptions) -> Result<Vec<WhyEmpty>> {
    let mut out = Vec::new();
    let filters = filters_of(opts);
    let bare = SearchOptions {
        query: opts.query.clone(),
        limit: 1,
        ..SearchOptions::default()
    };
    let unfiltered = if filters.is_empty() {
        0
    } else {
        search_only(store, &bare, None)?.total
    };
    if unfiltered == 0 {
        let prepared = syntax::parse(&opts.query)?;
        for word in prepared.words {
            let alone = SearchOptions {
                query: word.clone(),
                ..bare.clone()
            };
            // A word the parser cannot take alone (rare) is not blamed.
            if matches!(search_only(store, &alone, None), Ok(r) if r.total == 0) {
                out.push(WhyEmpty::Word { word });
            }
        }
        if out.is_empty() {
            out.push(WhyEmpty::NotTogether {
                exact_only: !prepared.plain,
            });
        }
        return Ok(out);
    }
    for (filter, only) in &filters {
        let everything = SearchOptions {
            query: "*".into(),
            ..only.clone()
        };
        if only.as_of.is_none() && count_all(store, &everything)? == 0 {
            out.push(WhyEmpty::FilterMatchesNothing {
                filter: filter.clone(),
            });
        } else if search_only(store, only, None)?.total == 0 {
            out.push(WhyEmpty::FilterLeftNothing {
                filter: filter.clone(),
                matches: unfiltered,
            });
        }
    }
    if out.is_empty() {
        out.push(WhyEmpty::FiltersTogether {
            matches: unfiltered,
        });
    }
    Ok(out)
}

/// How many entities pass the index filters of `opts` (kind,
/// jurisdiction, dates), whatever the query.
fn count_all(store: &Store, opts: &SearchOptions) -> Result<usize> {
    let filters = filter_queries(store, opts)?;
    let clauses: Vec<(Occur, Box<dyn Query>)> =
        filters.into_iter().map(|q| (Occur::Must, q)).collect();
    if clauses.is_empty() {
        return Ok(store.searcher.num_docs() as usize);
    }
    store
        .searcher
        .search(&BooleanQuery::new(clauses), &tantivy::collector::Count)
        .map_err(ix)
}

/// [`search`] without explaining an empty result.
fn search_only(store: &Store, opts: &SearchOptions, lang: Option<&str>) -> Result<SearchResult> {
    let f = store.fields;
    let prepared = syntax::parse(&opts.query)?;
    let parser = query_parser(store, None, opts.within);
    let user = parser
        .parse_query(&prepared.text)
        .map_err(|e| parser_error(&e))?;
    let plain = prepared.plain;
    // The words to look for, without the query's syntax.
    let text = prepared.words.join(" ");
    let words_in_names = all_words_in(store, &text, f.name)?;
    // Several plain words: a match of the whole phrase in a name ranks
    // first; so does Chinese typed without spaces, where it is found as
    // written. Few documents match these, so they are scored in a pass of
    // their own (see `best`) rather than tried on every match.
    let mut phrases: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if plain && words_in_names && prepared.words.len() > 1 {
        if let Ok(phrase) = parser.parse_query(&format!("name:\"{}\"", text.trim())) {
            phrases.push((Occur::Should, Box::new(BoostQuery::new(phrase, 3.0))));
        }
    }
    for run in &prepared.cjk_runs {
        if let Ok(phrase) = parser.parse_query(&format!("\"{run}\"")) {
            phrases.push((Occur::Should, Box::new(BoostQuery::new(phrase, 3.0))));
        }
    }
    let phrase_lift: Option<Box<dyn Query>> = match phrases.len() {
        0 => None,
        1 => phrases.pop().map(|p| p.1),
        _ => Some(Box::new(BooleanQuery::new(phrases))),
    };
    // An exact name or alias (`DOL`, `勞工部`, `EO 14330`) ranks its entity
    // first: a bonus added after the prior (see [`crate::rank`]).
    let key = crate::resolve::normalize(&opts.query);
    let exact_lift: Option<Box<dyn Query>> = if term_exists(store, f.key, &key)? {
        Some(Box::new(TermQuery::new(
            Term::from_field_text(f.key, &key),
            IndexRecordOption::Basic,
        )))
    } else {
        None
    };
    let exact = user.box_clone();
    let filters = filter_queries(store, opts)?;
    // Filters select and do not score: a `--kind statute` filter would
    // otherwise add the rarity of the word `statute` to every statute.
    let combined = |q: Box<dyn Query>| -> Box<dyn Query> {
        with_clauses(
            q,
            filters
                .iter()
                .map(|q| {
                    let unscored: Box<dyn Query> =
                        Box::new(tantivy::query::ConstScoreQuery::new(q.box_clone(), 0.0));
                    (Occur::Must, unscored)
                })
                .collect(),
        )
    };
    // Close spellings of a name's words, unless every word of the query is
    // already a word of some name: matching the typo-tolerant clause costs
    // as much as the exact query.
    // Queries with syntax (fields, phrases, operators) are never fuzzy.
    let name_fuzzy = if words_in_names || !plain || opts.within == Within::Text {
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
    let exact_only = exact_lift.as_deref();
    let (mut top, mut total) = best(store, &*query, phrase_lift.as_deref(), exact_only, fetch)?;
    let mut fuzzy = match top.first() {
        // Is the best hit an exact match? One seek in one segment tells.
        Some((_, addr)) => !matches_exactly(store, &*exact, *addr)?,
        None => false,
    };
    if total == 0 && plain && opts.within == Within::All {
        // Nothing at all: every word within one or two edits, anywhere,
        // names first.
        if let Some(all) = fuzzy_query(store, &text, &[f.name, f.body, f.ident, f.procedural]) {
            let mut parts: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, all)];
            if let Some(fq) = &name_fuzzy {
                parts.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(fq.box_clone(), 4.0)),
                ));
            }
            query = combined(Box::new(BooleanQuery::new(parts)));
            (top, total) = best(store, &*query, None, None, fetch)?;
            fuzzy = total > 0;
        }
    }
    let typed: std::collections::BTreeSet<String> = {
        let mut a = analyzer();
        let mut stream = a.token_stream(&text);
        let mut out = std::collections::BTreeSet::new();
        while stream.advance() {
            out.insert(stream.token().text.clone());
        }
        out
    };
    let snip_body = snippets(store, &*query, f.body, &typed)?;
    let snip_name = snippets(store, &*query, f.name, &typed)?;
    let snip_proc = snippets(store, &*query, f.procedural, &typed)?;
    let snip_text = match &opts.knowledge {
        Some(_) => Some(snippets(store, &*query, f.text, &typed)?),
        None => None,
    };
    let mut hits = Vec::new();
    let mut ranked: Vec<(f32, tantivy::DocAddress)> = top;
    // Equal scores: id order, so output never flaps.
    // Close-spelling matches all score alike, so the cut at `--limit` would
    // fall in id order: rank every one of them (up to a bound), shortest
    // name first, as BM25's length norm would.
    // Priors are left out: they would rank a statute's close spelling
    // above a program's closer one.
    if fuzzy && !post_filter {
        ranked = best_of(store, &*query, Best::new(total.min(1000)).without_priors())?.0;
    }
    let mut with_ids = Vec::with_capacity(ranked.len());
    for (score, addr) in ranked.drain(..) {
        let doc: TantivyDocument = store.searcher.doc(addr).map_err(ix)?;
        let doc = (doc, addr);
        let id = doc
            .0
            .get_first(f.id)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        let name_words = if fuzzy {
            store
                .node_of(&doc.0)?
                .entity
                .name
                .split_whitespace()
                .count()
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
    let moved = if fuzzy {
        Vec::new()
    } else {
        follow_founders(store, &*query, &mut with_ids)?
    };
    let explainer = Explainer {
        store,
        text: &prepared.text,
        exact_lift,
        phrase_lift: phrase_lift.as_deref(),
        fuzzy,
    };
    // With filters applied to the decoded entities (status, as-of), every
    // match is decoded anyway: count them all, and their facets, so that
    // `total` and the facets describe the hits' own filters.
    let mut matched = 0usize;
    let mut tallied = empty_facets();
    for (score, _, id, (doc, addr)) in with_ids {
        if !post_filter && hits.len() >= opts.limit {
            break;
        }
        let node = store.node_of(&doc)?;
        let e = &node.entity;
        // As of a day, a statute not yet law is a bill (see `Store::at`).
        if !e.exists_on(opts.as_of) || (!opts.kinds.is_empty() && !opts.kinds.contains(&e.kind)) {
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
        let mut snippet = make_snippet(&snip_body, &snip_name, &snip_proc, e);
        // The text's snippet when it shows more of the query (a phrase
        // found only in the text, where the summary has one of its words).
        if opts.within != Within::Names {
            if let (Some(gen), Some(dir)) = (&snip_text, &opts.knowledge) {
                if let Some(s) = text_snippet(gen, dir, &node) {
                    if s.highlights.len() > snippet.highlights.len() || opts.within == Within::Text
                    {
                        snippet = s;
                    }
                }
            }
        }
        let explain = if opts.explain {
            Some(explainer.explain(&node, addr, score, moved.contains(&id))?)
        } else {
            None
        };
        hits.push(Hit {
            id: e.id.clone(),
            kind: e.kind,
            name: e.name.clone(),
            local_name: lang.and_then(|l| e.names.get(l).cloned()),
            jurisdiction: e.jurisdiction.clone(),
            status,
            score,
            snippet,
            explain,
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
        why_empty: Vec::new(),
    })
}

/// The instruments that established the best hit (`establishes`: the
/// executive order that created a program), when they match the query too,
/// rank right after it: `bitcoin reserve` puts EO 14233 under the
/// Strategic Bitcoin Reserve, above the state bills that share its words.
/// At most three; each takes the score of the hit it passes.
fn follow_founders(
    store: &Store,
    query: &dyn Query,
    ranked: &mut Vec<Ranked>,
) -> Result<Vec<String>> {
    let mut moved = Vec::new();
    let Some(top) = ranked.first() else {
        return Ok(moved);
    };
    let top_score = top.0;
    let node = store.node_of(&top.3 .0)?;
    let founders: Vec<&str> = node
        .incoming
        .iter()
        .filter(|(_, r)| r.rel == crate::model::RelationKind::Establishes)
        .map(|(p, _)| p.id.as_str())
        .take(3)
        .collect();
    if founders.is_empty() {
        return Ok(moved);
    }
    // Those of them that match the query, in one pass.
    let any: Vec<(Occur, Box<dyn Query>)> = founders
        .iter()
        .map(|id| {
            let q: Box<dyn Query> = Box::new(TermQuery::new(
                Term::from_field_text(store.fields.id, id),
                IndexRecordOption::Basic,
            ));
            (Occur::Should, q)
        })
        .collect();
    let both = BooleanQuery::new(vec![
        (Occur::Must, query.box_clone()),
        (Occur::Must, Box::new(BooleanQuery::new(any))),
    ]);
    let matching = store
        .searcher
        .search(&both, &tantivy::collector::DocSetCollector)
        .map_err(ix)?;
    let mut docs: Vec<(String, (TantivyDocument, tantivy::DocAddress))> = Vec::new();
    for addr in matching {
        let doc: TantivyDocument = store.searcher.doc(addr).map_err(ix)?;
        let id = doc
            .get_first(store.fields.id)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        docs.push((id, (doc, addr)));
    }
    let mut at = 1;
    for id in founders {
        let Some(k) = docs.iter().position(|d| d.0 == id) else {
            continue;
        };
        let (id, doc) = docs.swap_remove(k);
        // It takes the score of the hit it passes, so scores still fall.
        let score = ranked.get(at).map_or(top_score, |h| h.0);
        let mut entry = match ranked.iter().position(|h| h.2 == id) {
            Some(k) if k < at => continue,
            Some(k) => ranked.remove(k),
            None => (score, 0, id, doc),
        };
        entry.0 = entry.0.max(score);
        moved.push(entry.2.clone());
        ranked.insert(at.min(ranked.len()), entry);
        at += 1;
    }
    Ok(moved)
}

/// A match on its way to be a hit: score, words in its name (to order
/// close spellings), id, and its document with its address.
type Ranked = (f32, usize, String, (TantivyDocument, tantivy::DocAddress));

/// The query parser over the text fields of [`weights::FIELD_WEIGHTS`],
/// with their weights; with `only`, every other field weighs 0, so that a
/// query's score is that field's part of it (for `--explain`).
fn query_parser(store: &Store, only: Option<&str>, within: Within) -> QueryParser {
    let schema = store.index.schema();
    let fields: Vec<(tantivy::schema::Field, &weights::FieldWeight)> = weights::FIELD_WEIGHTS
        .iter()
        .filter(|w| match within {
            Within::All => true,
            Within::Names => matches!(w.field, "name" | "ident"),
            Within::Text => w.field == "text",
        })
        .filter_map(|w| schema.get_field(w.field).ok().map(|f| (f, w)))
        .collect();
    let mut parser = QueryParser::for_index(&store.index, fields.iter().map(|f| f.0).collect());
    parser.set_conjunction_by_default();
    for (field, w) in &fields {
        let boost = match only {
            Some(o) if o != w.field => 0.0,
            _ => w.weight,
        };
        parser.set_field_boost(*field, boost);
    }
    parser
}

/// Takes a hit's score apart, for `--explain`.
struct Explainer<'a> {
    store: &'a Store,
    /// The query as the parser reads it.
    text: &'a str,
    exact_lift: Option<Box<dyn Query>>,
    phrase_lift: Option<&'a dyn Query>,
    /// Close spellings are ranked without priors.
    fuzzy: bool,
}

impl Explainer<'_> {
    /// The score of `query` for the document at `addr` (0 if it does not
    /// match), with the statistics the ranking used.
    fn score(&self, query: &dyn Query, addr: tantivy::DocAddress) -> Result<f32> {
        let stats = self.store.stats();
        let weight = query
            .weight(
                tantivy::query::EnableScoring::enabled_from_statistics_provider(
                    &stats,
                    &self.store.searcher,
                ),
            )
            .map_err(ix)?;
        let seg = self.store.searcher.segment_reader(addr.segment_ord);
        // Not `Weight::explain`, whose phrase scorer seeks backwards (a
        // panic in tantivy 0.25): a new scorer stands on its first match
        // and may only move forward from there.
        use tantivy::DocSet;
        let mut scorer = weight.scorer(seg, 1.0).map_err(ix)?;
        let at = scorer.doc();
        let on = at == addr.doc_id || (at < addr.doc_id && scorer.seek(addr.doc_id) == addr.doc_id);
        Ok(if on { scorer.score() } else { 0.0 })
    }

    fn explain(
        &self,
        node: &crate::store::Node,
        addr: tantivy::DocAddress,
        score: f32,
        follows_founded: bool,
    ) -> Result<Explain> {
        let mut fields = Vec::new();
        let mut sum = 0.0;
        for w in weights::FIELD_WEIGHTS {
            let parser = query_parser(self.store, Some(w.field), Within::All);
            let Ok(q) = parser.parse_query(self.text) else {
                continue;
            };
            let s = self.score(&*q, addr)?;
            if s > 0.0 {
                sum += s;
                fields.push(FieldScore {
                    field: w.field.to_owned(),
                    weight: w.weight,
                    score: s,
                });
            }
        }
        let exact_name = match &self.exact_lift {
            Some(q) if self.score(&**q, addr)? > 0.0 => crate::rank::EXACT_NAME_BONUS,
            _ => 0.0,
        };
        let phrase = match self.phrase_lift {
            Some(q) => self.score(q, addr)?,
            None => 0.0,
        };
        let linked = crate::store::linked(
            &node.entity,
            node.incoming.iter().map(|(p, r)| (p.id.as_str(), r.rel)),
        );
        let kind = weights::kind_prior(node.entity.kind);
        let value = weights::prior(node.entity.kind, linked);
        let before = if value > 0.0 && !self.fuzzy {
            (score - exact_name) / value as f32
        } else {
            score - exact_name
        };
        // A hit moved up under the one it established took that hit's
        // score: the rest is not its own.
        let other = if follows_founded {
            0.0
        } else {
            before - sum - phrase
        };
        Ok(Explain {
            fields,
            exact_name,
            phrase,
            other: if other.abs() < 1e-3 { 0.0 } else { other },
            prior_applied: !self.fuzzy,
            prior: PriorParts {
                value,
                kind,
                linked,
            },
            follows_founded,
        })
    }
}

/// tantivy's `SnippetGenerator::create`, with the document frequencies of
/// live documents (see [`crate::store::LiveStats`]), so that a patched index
/// cuts the same snippets as a rebuilt one. The terms of the words as typed
/// weigh four times their synonyms', so that a snippet shows the word the
/// user chose (`穩定幣`, not `payment stablecoin`) where the text has it.
fn snippets(
    store: &Store,
    query: &dyn Query,
    field: tantivy::schema::Field,
    typed: &std::collections::BTreeSet<String>,
) -> Result<SnippetGenerator> {
    let stats = store.stats();
    let mut terms: std::collections::BTreeSet<&Term> = std::collections::BTreeSet::new();
    query.query_terms(&mut |term, _| {
        if term.field() == field {
            terms.insert(term);
        }
    });
    let mut weights: BTreeMap<String, f32> = BTreeMap::new();
    for term in terms {
        let value = term.value();
        let Some(text) = value.as_str() else {
            continue;
        };
        let doc_freq = stats.live_doc_freq(term).map_err(ix)?;
        if doc_freq > 0 {
            let lift = if typed.contains(text) { 4.0 } else { 1.0 };
            weights.insert(text.to_owned(), lift / (1.0 + doc_freq as f32));
        }
    }
    let tokenizer = store.index.tokenizer_for_field(field).map_err(ix)?;
    Ok(SnippetGenerator::new(weights, tokenizer, field, 150))
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
    exact: Option<&dyn Query>,
    limit: usize,
) -> Result<(Vec<(f32, tantivy::DocAddress)>, usize)> {
    let stats = store.stats();
    let lifts = match lift {
        Some(lift) => Lifts::score(&store.searcher, &stats, lift)?,
        None => Lifts::default(),
    };
    let exact = match exact {
        Some(q) => Lifts::score(&store.searcher, &stats, q)?,
        None => Lifts::default(),
    };
    best_of(store, query, Best::new(limit).lifted(&lifts).exact(&exact))
}

/// [`best`] with a collector already set up.
fn best_of(
    store: &Store,
    query: &dyn Query,
    collector: Best,
) -> Result<(Vec<(f32, tantivy::DocAddress)>, usize)> {
    let stats = store.stats();
    store
        .searcher
        .search_with_statistics_provider(query, &collector, &stats)
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

/// Highlights as whole matches: Chinese pairs overlap (`穩定` and `定幣`
/// in `穩定幣`), so ranges that overlap or touch are merged into one, in
/// order, and no two ranges share a byte.
fn merge_ranges(ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    let mut sorted = ranges.to_vec();
    sorted.sort_by_key(|r| (r.start, r.end));
    let mut out: Vec<Range<usize>> = Vec::with_capacity(sorted.len());
    for r in sorted {
        match out.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => out.push(r),
        }
    }
    out
}

/// A snippet cut from the document's text file, with its section.
fn text_snippet(
    gen: &SnippetGenerator,
    knowledge: &std::path::Path,
    node: &crate::store::Node,
) -> Option<Snippet> {
    let text = std::iter::once(&node.path)
        .chain(&node.merged)
        .find_map(|p| crate::load::read_text(knowledge, std::path::Path::new(p)))?;
    let s = gen.snippet(&text);
    if s.highlighted().is_empty() {
        return None;
    }
    let fragment = s.fragment();
    let section = text.find(fragment).and_then(|at| {
        let outline = crate::doctext::Outline::read(&text[..at + 1]);
        outline
            .paragraphs
            .last()
            .map(|p| crate::doctext::normal_label(p.section))
            .filter(|l| !l.is_empty())
    });
    Some(Snippet {
        text: fragment.to_owned(),
        highlights: merge_ranges(s.highlighted()),
        section,
    })
}

fn make_snippet(
    body: &SnippetGenerator,
    name: &SnippetGenerator,
    procedural: &SnippetGenerator,
    e: &crate::model::Entity,
) -> Snippet {
    let body_text = crate::store::body_texts(e).collect::<Vec<_>>().join(" · ");
    let name_text = crate::store::name_texts(e).collect::<Vec<_>>().join(" · ");
    let proc_text = crate::store::procedural_texts(e)
        .collect::<Vec<_>>()
        .join(" · ");
    for (generator, text) in [
        (body, &body_text),
        (name, &name_text),
        (procedural, &proc_text),
    ] {
        let s = generator.snippet(text);
        if !s.highlighted().is_empty() {
            return Snippet {
                text: s.fragment().to_owned(),
                highlights: merge_ranges(s.highlighted()),
                section: None,
            };
        }
    }
    Snippet {
        text: body_text.chars().take(150).collect(),
        highlights: Vec::new(),
        section: None,
    }
}

fn filter_queries(store: &Store, opts: &SearchOptions) -> Result<Vec<Box<dyn Query>>> {
    store.scope(
        &opts.kinds,
        opts.jurisdiction.as_deref(),
        opts.since,
        opts.until,
    )
}

/// A query matching the jurisdictions a `--jurisdiction` value names (the
/// rule is [`crate::select::Jurisdiction`]'s: `US` federal, `TX` or `Texas`,
/// `US-` every state).
pub fn jurisdiction_query(field: tantivy::schema::Field, filter: &str) -> Result<RegexQuery> {
    let j: crate::select::Jurisdiction = filter.parse().map_err(Error::Usage)?;
    RegexQuery::from_pattern(&j.pattern(), field).map_err(ix)
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

    #[test]
    fn highlights_never_overlap() {
        assert_eq!(merge_ranges(&[3..9, 0..6, 12..15]), [0..9, 12..15]);
        assert_eq!(
            merge_ranges(&[0..3, 3..6]),
            vec![Range { start: 0, end: 6 }]
        );
        assert!(merge_ranges(&[]).is_empty());
    }
}
