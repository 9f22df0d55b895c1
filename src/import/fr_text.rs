//! Documents' own texts for a Federal Register batch: files named
//! `<document_number>.{xml,html,htm,txt}` in a directory, the best
//! rendition of each chosen and normalised ([`crate::doctext`]), kept
//! with the batch to be written beside each record, and, for executive
//! orders, read for the agencies they direct, consult or name members
//! ([`crate::doctext::extract`]): each finding becomes a relation with its
//! evidence and `confidence: extracted`.

use std::collections::BTreeMap;
use std::path::Path;

use super::federal_register::{agency_stub, eo_stub, relation, DocAgency};
use super::{Batch, ImportError, Key, Link, Slot};
use crate::doctext::extract::{extract, LawScheme, Role};
use crate::doctext::{normalise, Rendition};
use crate::model::{Confidence, Date, Evidence, IdScheme, Kind, RelationKind};

/// What reading the texts found wrong.
#[derive(Clone, Debug, Default)]
pub struct TextReport {
    /// `file: what is wrong; the record is imported without text`.
    pub problems: Vec<String>,
    /// Files that match no record.
    pub unmatched: Vec<String>,
    /// `record: title`.
    pub unresolved_titles: Vec<String>,
}

/// The extensions a text may have, best first when several are present.
const EXTENSIONS: &[&str] = &["xml", "html", "htm", "txt"];

/// Reads the texts in `dir` for the records of `batch`.
pub fn attach_dir(batch: &mut Batch, dir: &Path, today: Date) -> Result<(), ImportError> {
    let found: Vec<(String, crate::walk::Found)> =
        crate::walk::walk_matching(dir, &|name: &str| {
            EXTENSIONS
                .iter()
                .any(|e| name.to_ascii_lowercase().ends_with(&format!(".{e}")))
        })
        .map_err(|e| ImportError::io(dir, e))?;
    let mut files: BTreeMap<String, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    let mut names: Vec<String> = found
        .into_iter()
        .filter(|(_, f)| matches!(f, crate::walk::Found::File { .. }))
        .map(|(rel, _)| rel)
        .collect();
    names.sort();
    for rel in names {
        let path = dir.join(&rel);
        let stem = Path::new(&rel)
            .file_stem()
            .map(|s| s.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let bytes = std::fs::read(&path).map_err(|e| ImportError::io(&path, e))?;
        files
            .entry(stem)
            .or_default()
            .push((path.display().to_string(), bytes));
    }
    attach(batch, files, today);
    Ok(())
}

/// Downloads the text of every document of `inputs` (its `raw_text_url`,
/// or `full_text_xml_url`, or `body_html_url`) through the import's HTTP
/// client, keeping each in `save_raw/texts/` when asked, and attaches them.
/// A text that cannot be downloaded is reported; its record is imported
/// without text.
pub fn fetch_and_attach(
    batch: &mut Batch,
    inputs: &[super::federal_register::Input],
    client: &super::http::Client,
    save_raw: Option<&Path>,
    progress: &mut dyn FnMut(super::http::Progress),
    today: Date,
) -> Result<(), ImportError> {
    let mut files: BTreeMap<String, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    let mut problems = Vec::new();
    for input in inputs {
        let docs: Vec<&serde_json::Value> =
            match input.value.get("results").and_then(|r| r.as_array()) {
                Some(results) => results.iter().collect(),
                None if input.value.get("document_number").is_some() => vec![&input.value],
                None => Vec::new(),
            };
        for d in docs {
            let Some(number) = d
                .get("document_number")
                .and_then(|n| n.as_str())
                .map(str::trim)
            else {
                continue;
            };
            let url = ["raw_text_url", "full_text_xml_url", "body_html_url"]
                .iter()
                .find_map(|f| {
                    d.get(*f)
                        .and_then(|u| u.as_str())
                        .filter(|u| !u.trim().is_empty())
                });
            let Some(url) = url else { continue };
            let ext = match url.rsplit('.').next() {
                Some("xml") => "xml",
                Some("html") => "html",
                Some("htm") => "htm",
                _ => "txt",
            };
            match client.get(url, progress) {
                Ok(body) => {
                    if let Some(dir) = save_raw {
                        let path = dir.join("texts").join(format!("{number}.{ext}"));
                        crate::fsio::write_atomic(&path, &body)
                            .map_err(|e| ImportError::Write(Box::new(e)))?;
                    }
                    files
                        .entry(number.to_lowercase())
                        .or_default()
                        .push((url.to_owned(), body));
                }
                Err(e) => {
                    problems.push(format!("{number}: the text could not be downloaded ({e})"))
                }
            }
        }
    }
    attach(batch, files, today);
    batch.text_report.problems.extend(problems);
    Ok(())
}

/// Attaches texts (by lowercase document number: the files' names and
/// bytes) to the records of `batch`.
pub fn attach(batch: &mut Batch, mut files: BTreeMap<String, Vec<(String, Vec<u8>)>>, today: Date) {
    let mut report = std::mem::take(&mut batch.text_report);
    let mut new_links: Vec<(usize, Vec<Link>)> = Vec::new();
    for (i, rec) in batch.records.iter().enumerate() {
        let Some(number) = rec
            .keys
            .iter()
            .find(|k| k.scheme == IdScheme::FrDoc)
            .map(|k| k.value.clone())
        else {
            continue;
        };
        let Some(candidates) = files.remove(&number) else {
            continue;
        };
        let mut best: Option<(Rendition, String)> = None;
        for (name, bytes) in &candidates {
            match normalise(bytes, Some(&number)) {
                Ok((text, r)) => {
                    if best.as_ref().is_none_or(|(b, _)| r.rank() < b.rank()) {
                        best = Some((r, text));
                    }
                }
                Err(p) => report.problems.push(format!("{name}: {p}")),
            }
        }
        let Some((_, text)) = best else {
            report
                .problems
                .push(format!("{}: imported without text", rec.label));
            continue;
        };
        if rec.entity.kind == Kind::ExecutiveOrder {
            let own = rec
                .keys
                .iter()
                .find(|k| k.scheme == IdScheme::ExecutiveOrder)
                .map(|k| k.value.clone());
            new_links.push((
                i,
                links_of(&text, own.as_deref(), &rec.label, &mut report, today),
            ));
        }
        batch.texts.insert(rec.label.clone(), text);
    }
    for (i, links) in new_links {
        if let Some(rec) = batch.records.get_mut(i) {
            rec.links.extend(links);
        }
    }
    for (_, candidates) in files {
        for (name, _) in candidates {
            report.unmatched.push(name);
        }
    }
    batch.text_report = report;
}

/// The relations an order's text states, as links.
fn links_of(
    text: &str,
    own: Option<&str>,
    label: &str,
    report: &mut TextReport,
    today: Date,
) -> Vec<Link> {
    let x = extract(text, own);
    let from = format!("text of {label}");
    let mut links = Vec::new();
    for f in &x.findings {
        let (rel, verb) = match f.role {
            Role::Directs => (RelationKind::Directs, "a duty or function of"),
            Role::Consults => (RelationKind::Consults, "to be consulted:"),
            Role::Member => (
                RelationKind::NamesMember,
                "a member of a body it establishes:",
            ),
        };
        let mut r = relation(
            rel,
            format!("The text names {verb} the {}.", f.title),
            None,
            None,
        );
        r.confidence = Confidence::Extracted;
        r.evidence = Some(Evidence {
            section: f.section.clone(),
            quote: f.quote.clone(),
        });
        let agency = DocAgency {
            name: Some(f.agency.to_owned()),
            slug: Some(f.slug.to_owned()),
            ..DocAgency::default()
        };
        links.push(Link {
            slot: Slot::Relation(r),
            targets: vec![Key::new(IdScheme::FrAgency, f.slug)],
            stub: agency_stub(&agency, label, &from, today).map(Box::new),
        });
    }
    if let Some((section, quote)) = &x.all_agencies {
        let mut r = relation(
            RelationKind::Directs,
            "The text gives a duty to the heads of all executive departments and agencies."
                .to_owned(),
            None,
            None,
        );
        r.confidence = Confidence::Extracted;
        r.evidence = Some(Evidence {
            section: section.clone(),
            quote: quote.clone(),
        });
        let agency = DocAgency {
            name: Some("All executive departments and agencies".to_owned()),
            slug: Some(ALL_AGENCIES.to_owned()),
            ..DocAgency::default()
        };
        links.push(Link {
            slot: Slot::Relation(r),
            targets: vec![Key::new(IdScheme::FrAgency, ALL_AGENCIES)],
            stub: agency_stub(&agency, label, &from, today).map(Box::new),
        });
    }
    for (number, section, quote) in &x.cited_orders {
        let mut r = relation(
            RelationKind::Cites,
            format!("The text cites Executive Order {number}."),
            None,
            None,
        );
        r.confidence = Confidence::Extracted;
        r.evidence = Some(Evidence {
            section: section.clone(),
            quote: quote.clone(),
        });
        links.push(Link {
            slot: Slot::Relation(r),
            targets: vec![Key::new(IdScheme::ExecutiveOrder, number)],
            stub: Some(Box::new(eo_stub(number, None, label, &from, today))),
        });
    }
    // A public law or a U.S. Code section is linked only when an entity
    // has its identifier: most have none, and no placeholder is made.
    for law in &x.cited_laws {
        let scheme = match law.scheme {
            LawScheme::PublicLaw => IdScheme::PublicLaw,
            LawScheme::UsCode => IdScheme::UsCode,
        };
        let mut r = relation(
            RelationKind::Cites,
            format!("The text cites {}.", law.keys[0]),
            None,
            None,
        );
        r.confidence = Confidence::Extracted;
        r.evidence = Some(Evidence {
            section: law.section.clone(),
            quote: law.quote.clone(),
        });
        links.push(Link {
            slot: Slot::Relation(r),
            targets: law.keys.iter().map(|k| Key::new(scheme, k)).collect(),
            stub: None,
        });
    }
    for t in x.unknown_titles {
        report.unresolved_titles.push(format!("{label}: {t}"));
    }
    links
}

/// The one entity that stands for "the heads of all executive departments
/// and agencies", so that such a duty is recorded once, as such.
pub const ALL_AGENCIES: &str = "all-executive-departments-and-agencies";
