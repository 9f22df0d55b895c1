//! The Federal Register's live API: the `documents.json` and
//! `agencies.json` URLs of a [`Query`], and [`fetch`], which pages through
//! them with the shared client ([`super::http`]). What the answers mean is
//! the mapping in [`super::federal_register`].

use super::federal_register::{Input, Page};
use super::http::{encode, Client, Progress, Retry};
use super::json;
use super::ImportError;
use crate::model::Date;

/// The public API.
pub const DEFAULT_BASE_URL: &str = "https://www.federalregister.gov/api/v1";

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
    /// Full-text search words (`conditions[term]`).
    pub term: Option<String>,
}

/// The fields asked of `documents.json`: everything the mapping reads.
pub const FIELDS: &[&str] = &[
    "abstract",
    "action",
    "raw_text_url",
    "full_text_xml_url",
    "body_html_url",
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
    if let Some(t) = q.term.as_deref().filter(|t| !t.trim().is_empty()) {
        params.push(("conditions[term]".into(), t.to_owned()));
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
    let client = Client::new(retry.clone());
    if let Some(dir) = save_raw {
        std::fs::create_dir_all(dir).map_err(|e| ImportError::io(dir, e))?;
    }
    let save = |name: &str, body: &[u8]| -> Result<(), ImportError> {
        if let Some(dir) = save_raw {
            // Whole or not at all: a saved page is read back as input.
            crate::fsio::write_atomic(&dir.join(name), body)
                .map_err(|e| ImportError::Write(Box::new(e)))?;
        }
        Ok(())
    };
    let mut inputs = Vec::new();
    if agency_list {
        let url = agencies_url(base);
        let body = client.get(&url, progress)?;
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
        let body = client.get(&url, progress)?;
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
