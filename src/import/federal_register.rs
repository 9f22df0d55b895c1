//! The Federal Register: executive orders, rules, proposed rules, notices
//! and the agency tree, read from what the public API returns
//! (`documents.json` search pages, single documents, `agencies.json`),
//! saved to files or fetched live ([`fetch`]).
//!
//! Every field of the API may be missing or null (a query returns only the
//! fields it asks for), so the serde types below are all optional. The
//! mapping onto the model is documented in docs/import.md ("Importing the
//! Federal Register").

use std::path::PathBuf;

use serde::Deserialize;

use super::json::{self, Text};
use super::{Batch, ImportError, Key, Link, Record, Slot, Unreadable};
use crate::model::{
    Confidence, Date, Deadline, DeadlineKind, Entity, Event, IdScheme, Identifier, Kind,
    Provenance, Relation, RelationKind, Source, Stage,
};

/// The importer's name, and its directory under `knowledge/imported/`.
pub const IMPORTER: &str = "federal-register";

/// The public API.
pub const DEFAULT_BASE_URL: &str = "https://www.federalregister.gov/api/v1";

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
    // Agencies first: documents link to them.
    for (name, items) in agencies {
        for (index, v) in items.iter().enumerate() {
            match json::record::<Agency>(v).and_then(|a| agency_record(&a, &name, today)) {
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
                Ok(r) => batch.records.push(r),
                Err(message) => batch.unreadable.push(Unreadable {
                    input: name.clone(),
                    index,
                    record: label_of(v, "document_number"),
                    message,
                }),
            }
        }
    }
    Ok(batch)
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

fn relation(
    rel: RelationKind,
    note: String,
    date: Option<Date>,
    source: Option<usize>,
) -> Relation {
    Relation {
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
fn agency_stub(a: &DocAgency, doc: &str, from: &str, today: Date) -> Option<Record> {
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
fn eo_stub(number: &str, signed: Option<Date>, by: &str, from: &str, today: Date) -> Record {
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
fn document_record(d: &Document, from: &str, today: Date) -> Result<Record, String> {
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
    Ok(Record {
        keys,
        label,
        id,
        dir,
        entity: e,
        links,
        unparsed,
    })
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

/// Which way a note's relation goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From this order to the named ones ("Revokes: EO 12834").
    Outgoing,
    /// From the named orders to this one ("Revoked by: EO 13304").
    Incoming,
}

/// An order named in a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteItem {
    /// Its number.
    pub number: String,
    /// Its signing date, when the note gives one.
    pub date: Option<Date>,
}

/// One line of `executive_order_notes`, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The label as the line wrote it, without its colon.
    pub label: String,
    /// The relation.
    pub rel: RelationKind,
    /// Which way it goes.
    pub direction: Direction,
    /// "(in part)".
    pub in_part: bool,
    /// The orders named.
    pub items: Vec<NoteItem>,
    /// What could not be read: the whole line when its label is unknown,
    /// else each item that names no order ("Notice of May 24, 2001"),
    /// with its label.
    pub unparsed: Vec<String>,
}

/// Parses a line of `executive_order_notes`, such as
/// `Revoked (in part) by: EO 13209, April 30, 2001; EO 13319, December 3, 2003`.
/// Labels are matched without regard to case, spaces or "(in part)", and
/// the typos met in real data ("Suspersedes", "Superceded") are accepted.
pub fn parse_note(line: &str) -> Note {
    let unknown = |line: &str| Note {
        label: String::new(),
        rel: RelationKind::Related,
        direction: Direction::Outgoing,
        in_part: false,
        items: Vec::new(),
        unparsed: vec![line.to_owned()],
    };
    let Some((label, rest)) = line.split_once(':') else {
        return unknown(line);
    };
    let label = label.trim();
    let lower = label.to_ascii_lowercase();
    let in_part = lower.contains("in part");
    let norm: String = lower
        .replace("(in part)", " ")
        .replace("in part", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    use Direction::*;
    let (rel, direction) = match norm.as_str() {
        "revokes" | "revoked" => (RelationKind::Revokes, Outgoing),
        "revoked by" => (RelationKind::Revokes, Incoming),
        "amends" => (RelationKind::Amends, Outgoing),
        "amended by" => (RelationKind::Amends, Incoming),
        "supersedes" | "suspersedes" | "supercedes" => (RelationKind::Supersedes, Outgoing),
        "superseded by" | "superceded by" | "suspersededby" | "suspersedes by" => {
            (RelationKind::Supersedes, Incoming)
        }
        "continues" => (RelationKind::Continues, Outgoing),
        "continued by" => (RelationKind::Continues, Incoming),
        "supplements" => (RelationKind::Supplements, Outgoing),
        "supplemented by" => (RelationKind::Supplements, Incoming),
        "see" | "see also" => (RelationKind::Related, Outgoing),
        _ => return unknown(line),
    };
    let mut items = Vec::new();
    let mut unparsed = Vec::new();
    for part in rest.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        match parse_item(part) {
            Some(item) => items.push(item),
            None => unparsed.push(format!("{label}: {part}")),
        }
    }
    Note {
        label: label.to_owned(),
        rel,
        direction,
        in_part,
        items,
        unparsed,
    }
}

/// `EO 13264, June 4, 2002` (also `E.O.`, `Executive Order`, no date).
fn parse_item(s: &str) -> Option<NoteItem> {
    let rest = ["EO ", "E.O. ", "E. O. ", "Executive Order ", "EO", "E.O."]
        .iter()
        .find_map(|p| s.strip_prefix(p))?
        .trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let after = rest[digits.len()..].trim_start_matches([',', ' ']).trim();
    let date = if after.is_empty() {
        None
    } else {
        Some(parse_long_date(after)?)
    };
    Some(NoteItem {
        number: digits,
        date,
    })
}

/// `June 4, 2002` (also `Sept. 4, 2002`, `June 4 2002`).
fn parse_long_date(s: &str) -> Option<Date> {
    let cleaned = s.replace([',', '.'], " ");
    let mut words = cleaned.split_whitespace();
    let month = words.next()?.to_ascii_lowercase();
    let day: i8 = words.next()?.parse().ok()?;
    let year: i16 = words.next()?.parse().ok()?;
    if words.next().is_some() {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let m = MONTHS.iter().position(|p| month.starts_with(p))? as i8 + 1;
    Date::new(year, m, day)
}

/// What to fetch from the live API.
#[derive(Clone, Debug, Default)]
pub struct Query {
    /// Documents published on or after this day.
    pub since: Option<Date>,
    /// Documents published on or before this day.
    pub until: Option<Date>,
    /// Document types: `rule`, `proposed-rule`, `notice`,
    /// `presidential-document`.
    pub types: Vec<String>,
    /// Agency slugs.
    pub agencies: Vec<String>,
    /// Executive orders only.
    pub executive_orders: bool,
}

/// The fields asked of `documents.json`: everything the mapping reads.
pub const FIELDS: &[&str] = &[
    "abstract",
    "action",
    "agencies",
    "citation",
    "comment_url",
    "comments_close_on",
    "correction_of",
    "dates",
    "disposition_notes",
    "docket_ids",
    "document_number",
    "effective_on",
    "executive_order_notes",
    "executive_order_number",
    "html_url",
    "json_url",
    "pdf_url",
    "president",
    "publication_date",
    "regulation_id_numbers",
    "cfr_references",
    "significant",
    "signing_date",
    "subtype",
    "title",
    "type",
];

/// The API's code for a document type given on the command line.
pub fn type_code(t: &str) -> Option<&'static str> {
    match t.trim().to_ascii_lowercase().replace('_', "-").as_str() {
        "rule" => Some("RULE"),
        "proposed-rule" | "prorule" => Some("PRORULE"),
        "notice" => Some("NOTICE"),
        "presidential-document" | "presdocu" => Some("PRESDOCU"),
        _ => None,
    }
}

/// The first `documents.json` URL of a query (1,000 per page, oldest
/// first).
pub fn documents_url(base: &str, q: &Query) -> Result<String, ImportError> {
    let mut params: Vec<(String, String)> = vec![
        ("per_page".into(), "1000".into()),
        ("order".into(), "oldest".into()),
    ];
    for f in FIELDS {
        params.push(("fields[]".into(), (*f).into()));
    }
    if let Some(d) = q.since {
        params.push(("conditions[publication_date][gte]".into(), d.to_string()));
    }
    if let Some(d) = q.until {
        params.push(("conditions[publication_date][lte]".into(), d.to_string()));
    }
    let mut types = Vec::new();
    for t in &q.types {
        types.push(type_code(t).ok_or_else(|| ImportError::Input {
            input: "--type".to_owned(),
            message: format!(
                "unknown document type `{t}`, expected one of: rule, proposed-rule, notice, presidential-document"
            ),
        })?);
    }
    if q.executive_orders {
        types.push("PRESDOCU");
        params.push((
            "conditions[presidential_document_type][]".into(),
            "executive_order".into(),
        ));
    }
    types.sort_unstable();
    types.dedup();
    for t in types {
        params.push(("conditions[type][]".into(), t.into()));
    }
    for a in &q.agencies {
        params.push(("conditions[agencies][]".into(), a.clone()));
    }
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    Ok(format!(
        "{}/documents.json?{}",
        base.trim_end_matches('/'),
        query.join("&")
    ))
}

/// The agency list's URL.
pub fn agencies_url(base: &str) -> String {
    format!("{}/agencies.json", base.trim_end_matches('/'))
}

/// Percent-encodes a query component.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// How a fetch is going, for a progress bar.
#[derive(Clone, Debug)]
pub enum Progress {
    /// A page arrived; `total` pages in all when the API says.
    Page {
        /// Pages read so far.
        done: u64,
        /// Pages in all.
        total: Option<u64>,
    },
    /// A request failed and will be tried again after a pause.
    Retry {
        /// The URL.
        url: String,
        /// Why.
        reason: String,
        /// The pause.
        wait: std::time::Duration,
    },
}

/// Retry policy of [`fetch`].
#[derive(Clone, Debug)]
pub struct Retry {
    /// Tries per request, the first included.
    pub tries: u32,
    /// The first pause; each next pause doubles it (a `Retry-After` header
    /// is obeyed up to `max_wait`).
    pub first_wait: std::time::Duration,
    /// The longest pause.
    pub max_wait: std::time::Duration,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            tries: 5,
            first_wait: std::time::Duration::from_millis(500),
            max_wait: std::time::Duration::from_secs(30),
        }
    }
}

/// GETs `url`, retrying 429 and 5xx answers and network failures.
pub fn get(
    agent: &ureq::Agent,
    url: &str,
    retry: &Retry,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<u8>, ImportError> {
    use std::io::Read as _;
    let mut wait = retry.first_wait;
    let mut attempt = 1;
    loop {
        let outcome = agent.get(url).call();
        let (reason, after) = match outcome {
            Ok(resp) => {
                let mut body = Vec::new();
                let read = resp
                    .into_reader()
                    .take(json::MAX_INPUT_BYTES)
                    .read_to_end(&mut body);
                match read {
                    Ok(_) => return Ok(body),
                    Err(e) => (format!("reading the answer failed: {e}"), None),
                }
            }
            Err(ureq::Error::Status(code, resp)) if code == 429 || code >= 500 => {
                let after = resp
                    .header("Retry-After")
                    .and_then(|s| s.trim().parse::<u64>().ok())
                    .map(std::time::Duration::from_secs);
                (format!("HTTP {code}"), after)
            }
            Err(ureq::Error::Status(code, resp)) => {
                let body = resp.into_string().unwrap_or_default();
                let short: String = body.chars().take(200).collect();
                return Err(ImportError::Http {
                    url: url.to_owned(),
                    message: format!("HTTP {code}: {short}"),
                });
            }
            Err(ureq::Error::Transport(t)) => (t.to_string(), None),
        };
        if attempt >= retry.tries {
            return Err(ImportError::Http {
                url: url.to_owned(),
                message: format!("{reason}, after {attempt} tries"),
            });
        }
        let pause = after.unwrap_or(wait).min(retry.max_wait);
        progress(Progress::Retry {
            url: url.to_owned(),
            reason,
            wait: pause,
        });
        std::thread::sleep(pause);
        wait = (wait * 2).min(retry.max_wait);
        attempt += 1;
    }
}

/// Reads a query from the live API, following `next_page_url` to the
/// end, and (with `agency_list`) the agency list first. Every response is
/// parsed as it arrives; with `save_raw`, it is also kept there as
/// received (`agencies.json`, `documents-0001.json`, ...), so that the
/// import can be replayed from files.
pub fn fetch(
    base: &str,
    q: &Query,
    agency_list: bool,
    save_raw: Option<&std::path::Path>,
    retry: &Retry,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<Input>, ImportError> {
    let agent = ureq::AgentBuilder::new()
        .user_agent(concat!("policygraph/", env!("CARGO_PKG_VERSION")))
        .timeout(std::time::Duration::from_secs(120))
        .build();
    if let Some(dir) = save_raw {
        std::fs::create_dir_all(dir).map_err(|e| ImportError::io(dir, e))?;
    }
    let save = |name: &str, body: &[u8]| -> Result<(), ImportError> {
        if let Some(dir) = save_raw {
            let p = dir.join(name);
            std::fs::write(&p, body).map_err(|e| ImportError::io(&p, e))?;
        }
        Ok(())
    };
    let mut inputs = Vec::new();
    if agency_list {
        let url = agencies_url(base);
        let body = get(&agent, &url, retry, progress)?;
        save("agencies.json", &body)?;
        inputs.push(Input {
            value: json::parse_value(&url, &body)?,
            name: url,
        });
    }
    let mut next = Some(documents_url(base, q)?);
    let mut done = 0u64;
    let mut seen = std::collections::HashSet::new();
    while let Some(url) = next.take() {
        if !seen.insert(url.clone()) {
            break; // a page that points back: stop rather than loop
        }
        let body = get(&agent, &url, retry, progress)?;
        done += 1;
        save(&format!("documents-{done:04}.json"), &body)?;
        let value = json::parse_value(&url, &body)?;
        let page: Page = json::record(&value).map_err(|m| ImportError::Input {
            input: url.clone(),
            message: format!("not a documents page: {m}"),
        })?;
        progress(Progress::Page {
            done,
            total: page.total_pages,
        });
        next = page.next_page_url.filter(|u| !u.trim().is_empty());
        inputs.push(Input { name: url, value });
    }
    Ok(inputs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_variants() {
        let n = parse_note(
            "Revoked (in part) by: EO 13209, April 30, 2001; EO 13319, December 3, 2003",
        );
        assert_eq!(
            (n.rel, n.direction, n.in_part, n.items.len()),
            (RelationKind::Revokes, Direction::Incoming, true, 2)
        );
        assert_eq!(n.items[1].date, Date::new(2003, 12, 3));
        let n = parse_note("Suspersedes: EO 12345");
        assert_eq!(
            (n.rel, n.direction),
            (RelationKind::Supersedes, Direction::Outgoing)
        );
        assert_eq!(n.items[0].date, None);
        let n = parse_note("See: EO 13121, April 30, 1999; Notice of May 24, 2001");
        assert_eq!(n.rel, RelationKind::Related);
        assert_eq!(n.unparsed, ["See: Notice of May 24, 2001"]);
        let n = parse_note("Continued by: EO 14000, Jan. 5, 2021");
        assert_eq!(
            (n.rel, n.direction),
            (RelationKind::Continues, Direction::Incoming)
        );
        assert_eq!(n.items[0].date, Date::new(2021, 1, 5));
        let n = parse_note("Supplements: EO 1");
        assert_eq!(n.rel, RelationKind::Supplements);
        let n = parse_note("Something else entirely");
        assert_eq!(n.unparsed, ["Something else entirely"]);
        let n = parse_note("Frobnicates: EO 1");
        assert_eq!(n.unparsed, ["Frobnicates: EO 1"]);
        // An impossible date is not silently taken.
        let n = parse_note("Amends: EO 13078, February 30, 1998");
        assert_eq!(n.unparsed, ["Amends: EO 13078, February 30, 1998"]);
    }

    #[test]
    fn correction_targets() {
        assert_eq!(
            doc_number_in("https://www.federalregister.gov/api/v1/documents/2024-01234.json"),
            Some("2024-01234".to_owned())
        );
        assert_eq!(doc_number_in("2024-01234"), Some("2024-01234".to_owned()));
        assert_eq!(doc_number_in("see above"), None);
    }

    #[test]
    fn urls_encode_filters() {
        let q = Query {
            since: Date::new(2025, 1, 1),
            executive_orders: true,
            agencies: vec!["labor-department".into()],
            ..Query::default()
        };
        let u = documents_url("http://x/api/v1/", &q).unwrap();
        assert!(u.starts_with("http://x/api/v1/documents.json?per_page=1000"));
        assert!(u.contains("conditions%5Bpublication_date%5D%5Bgte%5D=2025-01-01"));
        assert!(u.contains("conditions%5Btype%5D%5B%5D=PRESDOCU"));
        assert!(u.contains("conditions%5Bagencies%5D%5B%5D=labor-department"));
        assert!(documents_url(
            "x",
            &Query {
                types: vec!["memo".into()],
                ..Query::default()
            }
        )
        .is_err());
    }
}
