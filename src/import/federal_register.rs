//! The Federal Register: executive orders, rules, proposed rules, notices
//! and the agency tree, read from what the public API returns
//! (`documents.json` search pages, single documents, `agencies.json`),
//! saved to files or fetched live ([`super::fr_api::fetch`]).
//!
//! Every field of the API may be missing or null (a query returns only the
//! fields it asks for), so the serde types below are all optional. The
//! mapping onto the model is documented in docs/import.md ("Importing the
//! Federal Register"); the grammar of `executive_order_notes` is in
//! [`super::fr_notes`].

use std::path::PathBuf;

use serde::Deserialize;

use super::fr_notes::{parse_note, Direction};
use super::json::{self, Text};
use super::{Batch, ImportError, Key, Link, Record, Slot, Unreadable};
use crate::model::{
    Confidence, Date, Deadline, DeadlineKind, Entity, Event, IdScheme, Identifier, Kind,
    Provenance, Relation, RelationKind, Source, Stage,
};

/// The importer's name, and its directory under `knowledge/imported/`.
pub const IMPORTER: &str = "federal-register";

/// A `documents.json` search page.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct Page {
    /// How many documents match the query in all.
    pub count: Option<u64>,
    /// How many pages.
    pub total_pages: Option<u64>,
    /// The next page, absent on the last.
    pub next_page_url: Option<String>,
    /// The documents, decoded one by one (see [`Document`]).
    pub results: Vec<serde_json::Value>,
}

/// One document, as the API gives it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
#[allow(missing_docs)]
pub struct Document {
    pub document_number: Option<Text>,
    pub title: Option<String>,
    #[serde(rename = "type")]
    pub doc_type: Option<String>,
    pub subtype: Option<String>,
    #[serde(rename = "abstract")]
    pub abstract_text: Option<String>,
    pub action: Option<String>,
    pub dates: Option<String>,
    pub publication_date: Option<String>,
    pub signing_date: Option<String>,
    pub effective_on: Option<String>,
    pub comments_close_on: Option<String>,
    pub citation: Option<String>,
    pub executive_order_number: Option<Text>,
    pub executive_order_notes: Option<String>,
    pub disposition_notes: Option<String>,
    pub agencies: Option<Vec<DocAgency>>,
    pub html_url: Option<String>,
    pub pdf_url: Option<String>,
    pub json_url: Option<String>,
    pub comment_url: Option<String>,
    pub regulation_id_numbers: Option<Vec<Text>>,
    pub docket_ids: Option<Vec<Text>>,
    pub cfr_references: Option<Vec<CfrReference>>,
    pub correction_of: Option<String>,
    pub significant: Option<bool>,
    pub president: Option<President>,
}

/// An agency as a document names it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
#[allow(missing_docs)]
pub struct DocAgency {
    pub name: Option<String>,
    pub raw_name: Option<String>,
    pub id: Option<Text>,
    pub slug: Option<String>,
    pub parent_id: Option<Text>,
    pub url: Option<String>,
}

/// A CFR part a document touches.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
#[allow(missing_docs)]
pub struct CfrReference {
    pub title: Option<Text>,
    pub part: Option<Text>,
}

/// The president who signed a presidential document.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
#[allow(missing_docs)]
pub struct President {
    pub identifier: Option<String>,
    pub name: Option<String>,
}

/// One entry of `agencies.json`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
#[allow(missing_docs)]
pub struct Agency {
    pub id: Option<Text>,
    pub name: Option<String>,
    pub short_name: Option<String>,
    pub slug: Option<String>,
    pub description: Option<String>,
    pub parent_id: Option<Text>,
    pub url: Option<String>,
    pub agency_url: Option<String>,
    pub json_url: Option<String>,
}

/// One input read: its name (file or URL) and its JSON.
#[derive(Clone, Debug)]
pub struct Input {
    /// The file as given, or the URL.
    pub name: String,
    /// The parsed JSON.
    pub value: serde_json::Value,
}

/// Turns parsed inputs into a batch. An input that is JSON but none of the
/// three shapes is an error (nothing is written); a record that cannot be
/// read is listed in the batch's `unreadable`, and the rest are imported.
pub fn read(inputs: Vec<Input>, today: Date) -> Result<Batch, ImportError> {
    let mut batch = Batch {
        importer: IMPORTER.to_owned(),
        prefix: "fr".to_owned(),
        ..Batch::default()
    };
    let mut agencies = Vec::new();
    let mut documents = Vec::new();
    let mut pages: Vec<PageSeen> = Vec::new();
    for input in inputs {
        match input.value {
            serde_json::Value::Array(items) => {
                let looks_like_documents = items
                    .first()
                    .is_some_and(|v| v.get("document_number").is_some());
                if looks_like_documents {
                    documents.push((input.name, items));
                } else {
                    agencies.push((input.name, items));
                }
            }
            serde_json::Value::Object(mut map) => {
                if map.contains_key("results") {
                    let page: Page =
                        json::record(&serde_json::Value::Object(map)).map_err(|m| {
                            ImportError::Input {
                                input: input.name.clone(),
                                message: format!("not a documents page: {m}"),
                            }
                        })?;
                    pages.push(PageSeen {
                        name: input.name.clone(),
                        count: page.count,
                        total_pages: page.total_pages,
                        next: page.next_page_url.filter(|u| !u.trim().is_empty()),
                        results: page.results.len(),
                    });
                    documents.push((input.name, page.results));
                } else if map.contains_key("document_number") {
                    documents.push((input.name, vec![serde_json::Value::Object(map)]));
                } else if map.contains_key("errors") {
                    let errors = map.remove("errors").unwrap_or_default();
                    return Err(ImportError::Input {
                        input: input.name,
                        message: format!("the API answered with errors: {errors}"),
                    });
                } else {
                    return Err(ImportError::Input {
                        input: input.name,
                        message: "not a Federal Register documents page (no `results`), document (no `document_number`) or agency list (not a list)".to_owned(),
                    });
                }
            }
            other => {
                return Err(ImportError::Input {
                    input: input.name,
                    message: format!(
                        "expected a documents page, a document or an agency list, found {}",
                        json::kind_of(&other)
                    ),
                })
            }
        }
    }
    batch.warnings.extend(partial_pages(&pages));
    let mut impossible: Vec<String> = Vec::new();
    // A short name by agency id, to tell one a sub-agency borrows from
    // its parent (the Employment Standards Administration's "DOL").
    let mut shorts: std::collections::HashMap<String, String> = Default::default();
    type Listed = (String, String, String, String, Option<String>);
    let mut listed: Vec<Listed> = Vec::new();
    for (_, items) in &agencies {
        for v in items {
            if let Ok(a) = json::record::<Agency>(v) {
                if let (Some(id), Some(short)) = (a.id.as_ref(), non_empty(&a.short_name)) {
                    shorts.insert(id.0.trim().to_owned(), short.to_ascii_lowercase());
                    listed.push((
                        id.0.trim().to_owned(),
                        a.name.clone().unwrap_or_default(),
                        short.to_owned(),
                        a.description.clone().unwrap_or_default(),
                        a.parent_id.as_ref().map(|p| p.0.trim().to_owned()),
                    ));
                }
            }
        }
    }
    // One short name, several agencies: the defunct ones lose it.
    // (A sub-agency that borrows its parent's short name loses it below.)
    let listed: Vec<(String, String, String, String)> = listed
        .into_iter()
        .filter(|(_, _, short, _, parent)| {
            parent
                .as_ref()
                .and_then(|p| shorts.get(p))
                .is_none_or(|ps| *ps != short.to_ascii_lowercase())
        })
        .map(|(id, name, short, desc, _)| (id, name, short, desc))
        .collect();
    let (defunct_shorts, clashes) = super::names::short_name_clashes(&listed);
    batch.warnings.extend(clashes);
    // Agencies first: documents link to them.
    for (name, items) in agencies {
        for (index, v) in items.iter().enumerate() {
            let parsed = json::record::<Agency>(v).map(|mut a| {
                let parents = a.parent_id.as_ref().and_then(|p| shorts.get(p.0.trim()));
                let short = non_empty(&a.short_name).map(str::to_ascii_lowercase);
                if short.is_some() && short.as_ref() == parents {
                    batch.warnings.push(format!(
                        "{}: short name `{}` is its parent agency's; it is not made an alias",
                        non_empty(&a.slug).unwrap_or("?"),
                        non_empty(&a.short_name).unwrap_or_default()
                    ));
                    a.short_name = None;
                }
                if a.id
                    .as_ref()
                    .is_some_and(|id| defunct_shorts.contains(id.0.trim()))
                {
                    a.short_name = None;
                }
                a
            });
            match parsed.and_then(|a| agency_record(&a, &name, today)) {
                Ok(r) => batch.records.push(r),
                Err(message) => batch.unreadable.push(Unreadable {
                    input: name.clone(),
                    index,
                    record: label_of(v, "slug"),
                    message,
                }),
            }
        }
    }
    for (name, items) in documents {
        for (index, v) in items.iter().enumerate() {
            match json::record::<Document>(v).and_then(|d| document_record(&d, &name, today)) {
                Ok((r, bad)) => {
                    impossible.extend(bad.into_iter().map(|m| format!("{}: {m}", r.label)));
                    batch.records.push(r)
                }
                Err(message) => batch.unreadable.push(Unreadable {
                    input: name.clone(),
                    index,
                    record: label_of(v, "document_number"),
                    message,
                }),
            }
        }
    }
    if !impossible.is_empty() {
        const SHOWN: usize = 10;
        let more = impossible.len().saturating_sub(SHOWN);
        let mut w = format!(
            "{} impossible date(s) in the input, left out of timelines and deadlines and kept in each entity's notes: {}",
            impossible.len(),
            impossible[..impossible.len().min(SHOWN)].join("; ")
        );
        if more > 0 {
            w.push_str(&format!("; and {more} more"));
        }
        batch.warnings.push(w);
    }
    Ok(batch)
}

/// What a documents page says of the whole answer it is part of.
struct PageSeen {
    name: String,
    count: Option<u64>,
    total_pages: Option<u64>,
    next: Option<String>,
    results: usize,
}

/// The `page=N` parameter of a URL.
fn page_number(url: &str) -> Option<u64> {
    url.split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("page="))
        .and_then(|n| n.parse().ok())
}

/// A warning for each page whose next page was not given: the input is
/// part of an answer, and the rest of it is not imported.
fn partial_pages(pages: &[PageSeen]) -> Vec<String> {
    let number = |p: &PageSeen| {
        p.next
            .as_deref()
            .and_then(page_number)
            .map(|n| n.saturating_sub(1))
            .or_else(|| page_number(&p.name))
            // The last page has no next one: it is the last of the total.
            .or_else(|| p.next.is_none().then_some(p.total_pages).flatten())
    };
    let present: std::collections::BTreeSet<u64> = pages.iter().filter_map(number).collect();
    let read: usize = pages.iter().map(|p| p.results).sum();
    let mut out = Vec::new();
    for p in pages {
        let Some(next) = p.next.as_deref() else {
            continue;
        };
        let Some(k) = page_number(next) else {
            // A next page whose number cannot be read: only its absence
            // among the inputs' names can be told.
            if !pages.iter().any(|q| q.name == next) {
                out.push(format!(
                    "`{}` is one page of a longer answer (it has a `next_page_url`); the following pages were not given, so their documents are not imported",
                    p.name
                ));
            }
            continue;
        };
        if present.contains(&k) {
            continue;
        }
        let of = p
            .total_pages
            .map(|t| format!(" of {t}"))
            .unwrap_or_default();
        let missing = match p.count {
            Some(c) if c as usize > read => format!(
                "; {} documents were read of the {c} the query matched, so {} are not imported",
                read,
                c as usize - read
            ),
            _ => String::new(),
        };
        out.push(format!(
            "`{}` is page {}{of} of a longer answer (`count` {}, {} documents on it), and page {k} was not given{missing}: pass every page, or use `import federal-register --fetch`",
            p.name,
            k.saturating_sub(1),
            p.count.map_or("unknown".to_owned(), |c| c.to_string()),
            p.results,
        ));
    }
    out
}

/// A record's identifier for the report, read straight from the JSON.
fn label_of(v: &serde_json::Value, field: &str) -> Option<String> {
    match v.get(field)? {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// A date field, or a message naming the field.
fn date(field: &str, value: &Option<String>) -> Result<Option<Date>, String> {
    match value.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => s
            .parse::<Date>()
            .map(Some)
            .map_err(|e| format!("`{field}`: {e}")),
    }
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

fn ident(scheme: IdScheme, value: &str) -> Identifier {
    Identifier {
        scheme,
        value: value.to_owned(),
        confidence: Confidence::Verified,
    }
}

fn event(date: Date, stage: Stage, note: String) -> Event {
    Event {
        date,
        stage,
        note,
        by: None,
        source: Some(0),
        confidence: Confidence::Verified,
    }
}

pub(super) fn relation(
    rel: RelationKind,
    note: String,
    date: Option<Date>,
    source: Option<usize>,
) -> Relation {
    Relation {
        evidence: None,
        rel,
        to: String::new(),
        date,
        note,
        source,
        confidence: Confidence::Verified,
    }
}

/// The source every imported fact cites (index 0): the API record, with
/// the day it was read.
fn api_source(title: String, url: Option<&str>, today: Date) -> Source {
    Source {
        title,
        publisher: Some("Federal Register API".to_owned()),
        url: url.map(str::to_owned),
        date: None,
        retrieved: Some(today),
    }
}

fn bare_entity(id: &str, kind: Kind, name: String, provenance: Provenance) -> Entity {
    Entity {
        text: None,
        id: id.to_owned(),
        kind,
        name,
        names: Default::default(),
        aliases: Vec::new(),
        jurisdiction: "US".to_owned(),
        session: None,
        sponsors: Vec::new(),
        summary: String::new(),
        summaries: Default::default(),
        identifiers: Vec::new(),
        events: Vec::new(),
        deadlines: Vec::new(),
        relations: Vec::new(),
        sources: Vec::new(),
        tags: Vec::new(),
        figure: None,
        confidence: Confidence::Verified,
        notes: Vec::new(),
        provenance: Some(provenance),
    }
}

/// Keys of an agency: its API id and its slug.
fn agency_keys(id: Option<&Text>, slug: Option<&str>) -> Vec<Key> {
    let mut keys = Vec::new();
    if let Some(id) = id.filter(|t| !t.0.trim().is_empty()) {
        keys.push(Key::new(IdScheme::FrAgencyId, &id.0));
    }
    if let Some(s) = slug.filter(|s| !s.trim().is_empty()) {
        keys.push(Key::new(IdScheme::FrAgency, s));
    }
    keys
}

fn agency_identifiers(id: Option<&Text>, slug: Option<&str>) -> Vec<Identifier> {
    let mut out = Vec::new();
    if let Some(s) = slug.filter(|s| !s.trim().is_empty()) {
        out.push(ident(IdScheme::FrAgency, s.trim()));
    }
    if let Some(id) = id.filter(|t| !t.0.trim().is_empty()) {
        out.push(ident(IdScheme::FrAgencyId, id.0.trim()));
    }
    out
}

/// An entry of `agencies.json` as a record.
fn agency_record(a: &Agency, from: &str, today: Date) -> Result<Record, String> {
    let slug = non_empty(&a.slug);
    let keys = agency_keys(a.id.as_ref(), slug);
    if keys.is_empty() {
        return Err("an agency needs an `id` or a `slug`".to_owned());
    }
    let name = non_empty(&a.name)
        .or(slug)
        .ok_or("an agency needs a `name`")?
        .to_owned();
    let id = super::slug(slug.unwrap_or(&name), 64);
    let label = slug.map_or_else(|| name.clone(), str::to_owned);
    let mut e = bare_entity(
        &id,
        Kind::Agency,
        name.clone(),
        super::provenance(IMPORTER, from, today),
    );
    if let Some(short) = non_empty(&a.short_name) {
        if short != name {
            e.aliases.push(short.to_owned());
        }
    }
    if let Some(d) = non_empty(&a.description) {
        e.summary = d.replace("\r\n", "\n");
    }
    e.identifiers = agency_identifiers(a.id.as_ref(), slug);
    e.sources.push(api_source(
        format!("Federal Register agency record: {name}"),
        non_empty(&a.json_url),
        today,
    ));
    if let Some(u) = non_empty(&a.url) {
        e.sources.push(Source {
            title: format!("{name} (Federal Register agency page)"),
            publisher: Some("Federal Register".to_owned()),
            url: Some(u.to_owned()),
            date: None,
            retrieved: None,
        });
    }
    if let Some(u) = non_empty(&a.agency_url) {
        e.sources.push(Source {
            title: format!("{name} (website)"),
            publisher: Some(name.clone()),
            url: Some(u.to_owned()),
            date: None,
            retrieved: None,
        });
    }
    e.tags.push("federal-register".to_owned());
    let mut links = Vec::new();
    if let Some(parent) = a.parent_id.as_ref().filter(|p| !p.0.trim().is_empty()) {
        links.push(Link {
            slot: Slot::Relation(relation(
                RelationKind::PartOf,
                "Parent agency in the Federal Register agency list.".to_owned(),
                None,
                Some(0),
            )),
            targets: vec![Key::new(IdScheme::FrAgencyId, &parent.0)],
            stub: None,
        });
    }
    Ok(Record {
        keys,
        label,
        id,
        dir: PathBuf::from("agencies"),
        entity: e,
        links,
        unparsed: Vec::new(),
    })
}

/// A placeholder for an agency a document names.
pub(super) fn agency_stub(a: &DocAgency, doc: &str, from: &str, today: Date) -> Option<Record> {
    let slug = non_empty(&a.slug);
    let keys = agency_keys(a.id.as_ref(), slug);
    let name = non_empty(&a.name).or(non_empty(&a.raw_name))?.to_owned();
    if keys.is_empty() {
        return None;
    }
    let id = super::slug(slug.unwrap_or(&name), 64);
    let mut p = super::provenance(IMPORTER, from, today);
    p.incomplete = true;
    let mut e = bare_entity(&id, Kind::Agency, name.clone(), p);
    e.identifiers = agency_identifiers(a.id.as_ref(), slug);
    e.sources.push(api_source(
        format!("Named as an agency of Federal Register document {doc}"),
        None,
        today,
    ));
    if let Some(u) = non_empty(&a.url) {
        e.sources.push(Source {
            title: format!("{name} (Federal Register agency page)"),
            publisher: Some("Federal Register".to_owned()),
            url: Some(u.to_owned()),
            date: None,
            retrieved: None,
        });
    }
    e.tags.push("federal-register".to_owned());
    Some(Record {
        keys,
        label: slug.map_or_else(|| name.clone(), str::to_owned),
        id,
        dir: PathBuf::from("agencies"),
        entity: e,
        links: Vec::new(),
        unparsed: Vec::new(),
    })
}

/// What kind of document, by the API's `type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum DocType {
    ExecutiveOrder,
    Presidential,
    Rule,
    ProposedRule,
    Notice,
    Other,
}

fn doc_type(d: &Document) -> DocType {
    let t = d.doc_type.as_deref().unwrap_or("").to_ascii_lowercase();
    let sub = d.subtype.as_deref().unwrap_or("").to_ascii_lowercase();
    let has_eo = d
        .executive_order_number
        .as_ref()
        .is_some_and(|n| !n.0.trim().is_empty());
    match t.as_str() {
        _ if has_eo || sub == "executive order" => DocType::ExecutiveOrder,
        "presidential document" | "presdocu" => DocType::Presidential,
        "rule" => DocType::Rule,
        "proposed rule" | "prorule" => DocType::ProposedRule,
        "notice" => DocType::Notice,
        _ => DocType::Other,
    }
}

/// The directory of a document: `documents/<year>`, the year of
/// publication, else the year in the document number, else `undated`.
fn doc_dir(number: &str, published: Option<Date>) -> PathBuf {
    let year = match published {
        Some(d) => d.0.year().to_string(),
        None => match number.split('-').next() {
            Some(y) if y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) => y.to_owned(),
            _ => "undated".to_owned(),
        },
    };
    PathBuf::from("documents").join(year)
}

/// The document number in a `correction_of` value: a URL ending in the
/// number (`.../documents/2024-01234`) or the number itself.
fn doc_number_in(s: &str) -> Option<String> {
    let last = s
        .trim()
        .trim_end_matches('/')
        .rsplit('/')
        .next()?
        .split(['?', '#'])
        .next()?
        .trim_end_matches(".json");
    let ok = !last.is_empty()
        && last.contains('-')
        && last.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
    ok.then(|| last.to_owned())
}

/// A placeholder for a document named by number (a correction's target).
fn document_stub(number: &str, by: &str, from: &str, today: Date) -> Record {
    let id = format!("fr-{}", super::slug(number, 60));
    let mut p = super::provenance(IMPORTER, from, today);
    p.incomplete = true;
    let mut e = bare_entity(
        &id,
        Kind::Guidance,
        format!("Federal Register document {number}"),
        p,
    );
    e.identifiers.push(ident(IdScheme::FrDoc, number));
    e.sources.push(api_source(
        format!("Named by Federal Register document {by}"),
        None,
        today,
    ));
    Record {
        keys: vec![Key::new(IdScheme::FrDoc, number)],
        label: number.to_owned(),
        id,
        dir: doc_dir(number, None),
        entity: e,
        links: Vec::new(),
        unparsed: Vec::new(),
    }
}

/// A placeholder for an executive order named in another's notes.
pub(super) fn eo_stub(
    number: &str,
    signed: Option<Date>,
    by: &str,
    from: &str,
    today: Date,
) -> Record {
    let id = format!("eo-{number}");
    let mut p = super::provenance(IMPORTER, from, today);
    p.incomplete = true;
    let mut e = bare_entity(
        &id,
        Kind::ExecutiveOrder,
        format!("Executive Order {number}"),
        p,
    );
    e.aliases = eo_aliases(number);
    e.identifiers.push(ident(IdScheme::ExecutiveOrder, number));
    e.sources.push(api_source(
        format!("Named in the executive order notes of {by}"),
        None,
        today,
    ));
    if let Some(d) = signed {
        e.events.push(event(
            d,
            Stage::Signed,
            format!("Signing date as given in the notes of {by}."),
        ));
    }
    e.tags.push("executive-order".to_owned());
    Record {
        keys: vec![Key::new(IdScheme::ExecutiveOrder, number)],
        label: format!("EO {number}"),
        id,
        dir: PathBuf::from("executive-orders"),
        entity: e,
        links: Vec::new(),
        unparsed: Vec::new(),
    }
}

fn eo_aliases(number: &str) -> Vec<String> {
    vec![
        format!("EO {number}"),
        format!("Executive Order {number}"),
        format!("E.O. {number}"),
    ]
}

/// A document as a record.
/// A document as a record, with the impossible dates left out of it (see
/// [`crate::check::dates`]).
fn document_record(d: &Document, from: &str, today: Date) -> Result<(Record, Vec<String>), String> {
    let number = d
        .document_number
        .as_ref()
        .map(|t| t.0.trim().to_owned())
        .filter(|s| !s.is_empty())
        .ok_or("a document needs a `document_number`")?;
    let published = date("publication_date", &d.publication_date)?;
    let signed = date("signing_date", &d.signing_date)?;
    let effective = date("effective_on", &d.effective_on)?;
    let comments_close = date("comments_close_on", &d.comments_close_on)?;
    let ty = doc_type(d);
    let eo_number = d
        .executive_order_number
        .as_ref()
        .map(|t| t.0.trim().to_owned())
        .filter(|s| !s.is_empty());
    if let Some(n) = &eo_number {
        if !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("`executive_order_number`: `{n}` is not a number"));
        }
    }
    let title = non_empty(&d.title);
    let (id, kind, dir, label) = match (&eo_number, ty) {
        (Some(n), _) => (
            format!("eo-{n}"),
            Kind::ExecutiveOrder,
            PathBuf::from("executive-orders"),
            format!("EO {n} ({number})"),
        ),
        (None, t) => (
            format!("fr-{}", super::slug(&number, 60)),
            match t {
                DocType::Rule | DocType::ProposedRule => Kind::Rule,
                _ => Kind::Guidance,
            },
            doc_dir(&number, published),
            number.clone(),
        ),
    };
    let name = match (title, &eo_number) {
        (Some(t), _) => t.to_owned(),
        (None, Some(n)) => format!("Executive Order {n}"),
        (None, None) => format!("Federal Register document {number}"),
    };
    let mut e = bare_entity(
        &id,
        kind,
        name.clone(),
        super::provenance(IMPORTER, from, today),
    );
    let mut keys = vec![Key::new(IdScheme::FrDoc, &number)];
    if let Some(n) = &eo_number {
        keys.insert(0, Key::new(IdScheme::ExecutiveOrder, n));
        e.aliases = eo_aliases(n);
        e.identifiers.push(ident(IdScheme::ExecutiveOrder, n));
    }
    e.identifiers.push(ident(IdScheme::FrDoc, &number));
    if let Some(c) = non_empty(&d.citation) {
        e.identifiers.push(ident(IdScheme::FederalRegister, c));
    }
    for rin in d.regulation_id_numbers.iter().flatten() {
        if !rin.0.trim().is_empty() {
            e.identifiers.push(ident(IdScheme::Rin, rin.0.trim()));
        }
    }
    for docket in d.docket_ids.iter().flatten() {
        if !docket.0.trim().is_empty() {
            e.identifiers.push(ident(IdScheme::Docket, docket.0.trim()));
        }
    }
    for cfr in d.cfr_references.iter().flatten() {
        if let (Some(t), Some(p)) = (&cfr.title, &cfr.part) {
            e.identifiers.push(ident(
                IdScheme::Cfr,
                &format!("{} CFR {}", t.0.trim(), p.0.trim()),
            ));
        }
    }
    if let Some(a) = non_empty(&d.abstract_text) {
        e.summary = a.to_owned();
    }
    // Sources: 0 the API record (cited by every fact), then the pages.
    e.sources.push(api_source(
        format!("Federal Register API record of document {number}"),
        non_empty(&d.json_url),
        today,
    ));
    if let Some(u) = non_empty(&d.html_url) {
        e.sources.push(Source {
            title: name.clone(),
            publisher: Some("Federal Register".to_owned()),
            url: Some(u.to_owned()),
            date: published,
            retrieved: None,
        });
    }
    if let Some(u) = non_empty(&d.pdf_url) {
        e.sources.push(Source {
            title: format!("{name} (PDF)"),
            publisher: Some("Federal Register".to_owned()),
            url: Some(u.to_owned()),
            date: published,
            retrieved: None,
        });
    }
    let mut links = Vec::new();
    // Events.
    let action = non_empty(&d.action)
        .map(|a| format!(" {a}"))
        .unwrap_or_default();
    let cite = non_empty(&d.citation)
        .map(|c| format!(" at {c}"))
        .unwrap_or_default();
    if let Some(s) = signed {
        let who = d
            .president
            .as_ref()
            .and_then(|p| non_empty(&p.name))
            .map(|n| format!(" by {n}"))
            .unwrap_or_default();
        e.events
            .push(event(s, Stage::Signed, format!("Signed{who}.")));
        if let Some(p) = &d.president {
            if let Some(stub) = president_record(p, &number, from, today) {
                links.push(Link {
                    slot: Slot::EventBy(e.events.len() - 1),
                    targets: stub.keys.clone(),
                    stub: Some(Box::new(stub.clone())),
                });
                links.push(Link {
                    slot: Slot::Relation(relation(
                        RelationKind::IssuedBy,
                        "The president who signed it, per the Federal Register.".to_owned(),
                        Some(s),
                        Some(0),
                    )),
                    targets: stub.keys.clone(),
                    stub: Some(Box::new(stub)),
                });
            }
        }
    }
    if let Some(p) = published {
        let stage = match ty {
            DocType::Rule => Stage::Final,
            DocType::ProposedRule => Stage::Proposed,
            _ => Stage::Published,
        };
        e.events.push(event(
            p,
            stage,
            format!("Published in the Federal Register{cite}.{action}"),
        ));
    }
    if let Some(c) = comments_close {
        e.events.push(event(
            c,
            Stage::CommentClosed,
            "Comment period closes.".to_owned(),
        ));
    }
    if let Some(f) = effective {
        e.events
            .push(event(f, Stage::Effective, "Takes effect.".to_owned()));
    }
    e.events.sort_by_key(|ev| ev.date);
    // A comment period that closes before publication is a typo in the
    // source (notices of January 2024 close on 2023-02-01): the event is
    // left out and kept in a note, and so is the deadline.
    let impossible = crate::check::dates::strip_impossible(&mut e);
    let comments_close = comments_close.filter(|c| published.is_none_or(|p| *c >= p));
    // Agencies: issued by each; the comment deadline is filed with the first.
    let agencies: Vec<&DocAgency> = d.agencies.iter().flatten().collect();
    let mut first_agency: Option<(Vec<Key>, Option<Record>)> = None;
    for a in &agencies {
        let keys = agency_keys(a.id.as_ref(), non_empty(&a.slug));
        if keys.is_empty() {
            // An agency the Federal Register has no record of: nothing to
            // link to, so it is kept as a note.
            if let Some(n) = non_empty(&a.name).or(non_empty(&a.raw_name)) {
                e.notes.push(format!(
                    "Also listed as an agency (no Federal Register agency record): {n}"
                ));
            }
            continue;
        }
        let stub = agency_stub(a, &number, from, today);
        if first_agency.is_none() {
            first_agency = Some((keys.clone(), stub.clone()));
        }
        links.push(Link {
            slot: Slot::Relation(relation(
                RelationKind::IssuedBy,
                format!("Listed as an agency of Federal Register document {number}."),
                published,
                Some(0),
            )),
            targets: keys,
            stub: stub.map(Box::new),
        });
    }
    if let (Some(c), Some((keys, stub))) = (comments_close, first_agency) {
        let mut what = format!("Comments on “{name}”");
        if let Some(docket) = d.docket_ids.iter().flatten().next() {
            what.push_str(&format!(" (docket {})", docket.0.trim()));
        }
        what.push_str(" may be submitted until this day");
        match non_empty(&d.comment_url) {
            Some(u) => what.push_str(&format!(": {u}")),
            None => what.push('.'),
        }
        links.push(Link {
            slot: Slot::DeadlineOwner(Deadline {
                due: c,
                owner: String::new(),
                what,
                kind: DeadlineKind::Public,
                fulfilled_by: Vec::new(),
                stage: Some(Stage::CommentClosed),
                unmet_on: None,
                source: Some(0),
                confidence: Confidence::Verified,
            }),
            targets: keys,
            stub: stub.map(Box::new),
        });
    }
    if let Some(c) = non_empty(&d.correction_of) {
        match doc_number_in(c) {
            Some(n) if n != number => {
                let stub = document_stub(&n, &number, from, today);
                links.push(Link {
                    slot: Slot::Relation(relation(
                        RelationKind::Amends,
                        format!("Correction of Federal Register document {n}."),
                        published,
                        Some(0),
                    )),
                    targets: stub.keys.clone(),
                    stub: Some(Box::new(stub)),
                });
            }
            _ => e.notes.push(format!("Correction of: {c}")),
        }
    }
    // Tags.
    e.tags.push("federal-register".to_owned());
    e.tags.push(
        match ty {
            DocType::ExecutiveOrder => "executive-order",
            DocType::Presidential => "presidential-document",
            DocType::Rule => "rule",
            DocType::ProposedRule => "proposed-rule",
            DocType::Notice => "notice",
            DocType::Other => "document",
        }
        .to_owned(),
    );
    if ty == DocType::Presidential {
        if let Some(sub) = non_empty(&d.subtype) {
            e.tags.push(super::slug(sub, 40));
        }
    }
    if d.significant == Some(true) {
        e.tags.push("significant".to_owned());
    }
    // Executive order notes.
    let mut unparsed = Vec::new();
    if let Some(notes) = non_empty(&d.executive_order_notes) {
        let this = eo_number
            .as_ref()
            .map_or_else(|| number.clone(), |n| format!("EO {n}"));
        for line in notes.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let parsed = parse_note(line);
            for item in &parsed.items {
                let stub = eo_stub(&item.number, item.date, &this, from, today);
                let in_part = if parsed.in_part { " (in part)" } else { "" };
                let note = format!("{}{in_part}: EO {}", parsed.label, item.number);
                let slot = match parsed.direction {
                    Direction::Outgoing => Slot::Relation(relation(
                        parsed.rel,
                        format!("Executive order notes: {note}."),
                        signed,
                        Some(0),
                    )),
                    Direction::Incoming => {
                        Slot::Incoming(relation(parsed.rel, format!("{note}."), item.date, None))
                    }
                };
                links.push(Link {
                    slot,
                    targets: stub.keys.clone(),
                    stub: Some(Box::new(stub)),
                });
                // A revocation or supersession of this order, whole, is
                // also a dated event in its life.
                if let (Direction::Incoming, Some(when), false) =
                    (parsed.direction, item.date, parsed.in_part)
                {
                    let stage = match parsed.rel {
                        RelationKind::Revokes => Some(Stage::Rescinded),
                        RelationKind::Supersedes => Some(Stage::Superseded),
                        _ => None,
                    };
                    if let Some(stage) = stage {
                        e.events.push(event(
                            when,
                            stage,
                            format!("{} EO {}.", parsed.label, item.number),
                        ));
                    }
                }
            }
            for rest in &parsed.unparsed {
                unparsed.push(rest.clone());
                e.notes.push(format!("Executive order notes: {rest}"));
            }
        }
        e.events.sort_by_key(|ev| ev.date);
    }
    if let Some(n) = non_empty(&d.disposition_notes) {
        e.notes.push(format!("Disposition notes: {n}"));
    }
    Ok((
        Record {
            keys,
            label,
            id,
            dir,
            entity: e,
            links,
            unparsed,
        },
        impossible,
    ))
}

/// The president who signed a document, as a person.
fn president_record(p: &President, doc: &str, from: &str, today: Date) -> Option<Record> {
    let identifier = non_empty(&p.identifier)?;
    let name = non_empty(&p.name).unwrap_or(identifier).to_owned();
    let id = super::slug(identifier, 64);
    let mut e = bare_entity(
        &id,
        Kind::Person,
        name.clone(),
        super::provenance(IMPORTER, from, today),
    );
    let value = format!("president:{identifier}");
    e.identifiers.push(ident(IdScheme::Other, &value));
    e.sources.push(api_source(
        format!("Named as the president of Federal Register document {doc}"),
        None,
        today,
    ));
    e.tags.push("president".to_owned());
    Some(Record {
        keys: vec![Key::new(IdScheme::Other, &value)],
        label: identifier.to_owned(),
        id,
        dir: PathBuf::from("presidents"),
        entity: e,
        links: Vec::new(),
        unparsed: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn correction_targets() {
        assert_eq!(
            doc_number_in("https://www.federalregister.gov/api/v1/documents/2024-01234.json"),
            Some("2024-01234".to_owned())
        );
        assert_eq!(doc_number_in("2024-01234"), Some("2024-01234".to_owned()));
        assert_eq!(doc_number_in("see above"), None);
    }
}
