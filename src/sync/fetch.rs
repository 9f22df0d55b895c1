//! What one source of `sources.ron` gives since its cursor: the answers of
//! its API, read through the importers' shared client
//! ([`crate::import::http`]: retries, `Retry-After`, keys never shown) and
//! turned into an import [`Batch`] by the importers' own readers, with the
//! cursor the source will have once that batch is written.
//!
//! - Federal Register: `documents.json` from the day after the latest
//!   publication date seen (each day's issue is published whole, and a
//!   day read again would rewrite the placeholders of the agencies it
//!   names from other documents).
//! - Open States v3 `/bills`: `updated_since` the latest `updated_at`
//!   seen, oldest first, every page.
//! - LegiScan: `getMasterListRaw`, then `getBill` only for the bills whose
//!   `change_hash` differs from the one last imported.
//!
//! An unchanged source therefore costs one request. A key is read from the
//! environment variable `sources.ron` names and sent only to the API: the
//! names given to the answers (which become provenance in the knowledge
//! base) never hold it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::config::{Api, SourceDef};
use crate::import::bill::BillSource;
use crate::import::federal_register as fr;
use crate::import::http::{encode, Client, Progress, Retry};
use crate::import::{bills, fr_api, json, Batch, ImportError};
use crate::model::Date;

/// The public Open States API v3.
pub const OPENSTATES_BASE_URL: &str = "https://v3.openstates.org";
/// The public LegiScan API.
pub const LEGISCAN_BASE_URL: &str = "https://api.legiscan.com";

/// Where a source stopped last time. Only the fields of its API are set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    /// Federal Register: the latest publication date imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Date>,
    /// Open States: the latest `updated_at` imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_since: Option<String>,
    /// LegiScan: the `change_hash` of each bill imported, by `bill_id`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hashes: BTreeMap<String, String>,
}

/// What a source gave.
#[derive(Debug)]
pub struct Fetched {
    /// The records, for [`crate::import::apply`].
    pub batch: Batch,
    /// The cursor once the batch is written.
    pub cursor: Cursor,
    /// Requests made (retries not counted).
    pub requests: usize,
}

/// Reads `def` from its cursor. `env` looks up an environment variable
/// (the key's); `today` dates the records.
pub fn fetch(
    def: &SourceDef,
    cursor: &Cursor,
    env: &dyn Fn(&str) -> Option<String>,
    retry: &Retry,
    today: Date,
    progress: &mut dyn FnMut(Progress),
) -> Result<Fetched, ImportError> {
    match &def.api {
        Api::FederalRegister {
            agencies,
            types,
            executive_orders,
            term,
            since,
            base_url,
        } => {
            let q = fr_api::Query {
                // The Federal Register publishes each day's issue whole:
                // the day after the last one seen is where news starts.
                since: cursor.published.map(|d| d.add_days(1)).max(*since),
                until: None,
                types: types.clone(),
                agencies: agencies.clone(),
                executive_orders: *executive_orders,
                term: term.clone(),
            };
            let base = base_url.as_deref().unwrap_or(fr_api::DEFAULT_BASE_URL);
            let inputs = fr_api::fetch(base, &q, false, None, retry, progress)?;
            let requests = inputs.len();
            let mut next = cursor.clone();
            for input in &inputs {
                let results = input.value.get("results").and_then(|r| r.as_array());
                for r in results.into_iter().flatten() {
                    let day = r
                        .get("publication_date")
                        .and_then(|d| d.as_str())
                        .and_then(|d| d.get(..10))
                        .and_then(|d| d.parse::<Date>().ok());
                    next.published = next.published.max(day);
                }
            }
            let batch = fr::read(inputs, today)?;
            Ok(Fetched {
                batch,
                cursor: next,
                requests,
            })
        }
        Api::OpenStates {
            jurisdiction,
            session,
            key_env,
            base_url,
        } => {
            let key = key(def, key_env, env)?;
            let base = base_url.as_deref().unwrap_or(OPENSTATES_BASE_URL);
            openstates(
                base,
                jurisdiction,
                session.as_deref(),
                &key,
                cursor,
                retry,
                today,
                progress,
            )
        }
        Api::Legiscan {
            state,
            key_env,
            base_url,
        } => {
            let key = key(def, key_env, env)?;
            let base = base_url.as_deref().unwrap_or(LEGISCAN_BASE_URL);
            legiscan(base, state, &key, cursor, retry, today, progress)
        }
    }
}

/// The key in `var`, or an error that names the variable (never a value).
fn key(
    def: &SourceDef,
    var: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<String, ImportError> {
    env(var)
        .filter(|k| !k.trim().is_empty())
        .ok_or_else(|| ImportError::Input {
            input: format!("source `{}`", def.name),
            message: format!(
                "its API key is read from the environment variable {var}, which is not set"
            ),
        })
}

/// The Open States division of a jurisdiction code (`US`, `US-NH`, `NH`).
fn ocd_jurisdiction(code: &str) -> String {
    let code = code.trim().to_ascii_lowercase();
    let state = code.strip_prefix("us-").unwrap_or(&code);
    if state == "us" || state.is_empty() {
        "ocd-jurisdiction/country:us/government".to_owned()
    } else {
        format!("ocd-jurisdiction/country:us/state:{state}/government")
    }
}

/// What the Open States API asks to include in each bill: what the
/// importer reads.
const OPENSTATES_INCLUDE: &[&str] = &[
    "sponsorships",
    "abstracts",
    "other_titles",
    "other_identifiers",
    "actions",
    "sources",
    "related_bills",
];

#[allow(clippy::too_many_arguments)]
fn openstates(
    base: &str,
    jurisdiction: &str,
    session: Option<&str>,
    key: &str,
    cursor: &Cursor,
    retry: &Retry,
    today: Date,
    progress: &mut dyn FnMut(Progress),
) -> Result<Fetched, ImportError> {
    let client = Client::new(retry.clone());
    let mut params = vec![
        ("jurisdiction", ocd_jurisdiction(jurisdiction)),
        ("sort", "updated_asc".to_owned()),
        ("per_page", "20".to_owned()),
    ];
    if let Some(s) = session {
        params.push(("session", s.to_owned()));
    }
    if let Some(u) = &cursor.updated_since {
        params.push(("updated_since", u.clone()));
    }
    for i in OPENSTATES_INCLUDE {
        params.push(("include", (*i).to_owned()));
    }
    let query: Vec<String> = params
        .iter()
        .map(|(k, v)| format!("{k}={}", encode(v)))
        .collect();
    let first = format!("{}/bills?{}", base.trim_end_matches('/'), query.join("&"));
    let mut inputs = Vec::new();
    let mut next = cursor.clone();
    let mut page = 1u64;
    loop {
        let url = format!("{first}&page={page}");
        // The key travels as a header: it is in no URL, so in no name.
        let body = client.get_with(&url, &[("X-API-KEY", key)], progress)?;
        let value = json::parse_value(&url, &body)?;
        let max_page = value
            .pointer("/pagination/max_page")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(1);
        for r in value
            .get("results")
            .and_then(|r| r.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(u) = r.get("updated_at").and_then(|u| u.as_str()) {
                if next.updated_since.as_deref().is_none_or(|c| u > c) {
                    next.updated_since = Some(u.to_owned());
                }
            }
        }
        progress(Progress::Page {
            done: page,
            total: Some(max_page),
        });
        inputs.push((url, body));
        if page >= max_page {
            break;
        }
        page += 1;
    }
    let requests = inputs.len();
    let code = jurisdiction_code(jurisdiction);
    let batch = bills::batch_from_bytes(BillSource::OpenStates, &inputs, today, Some(&code))?;
    Ok(Fetched {
        batch,
        cursor: next,
        requests,
    })
}

/// `US-NH` for `nh`, `NH` or `US-NH`; `US` for `us`.
fn jurisdiction_code(code: &str) -> String {
    let up = code.trim().to_ascii_uppercase();
    if up == "US" || up.starts_with("US-") {
        up
    } else {
        format!("US-{up}")
    }
}

/// A LegiScan answer's `status`: `OK`, or an error with the API's alert.
fn legiscan_ok(name: &str, value: &serde_json::Value) -> Result<(), ImportError> {
    match value.get("status").and_then(|s| s.as_str()) {
        Some("OK") => Ok(()),
        other => Err(ImportError::Input {
            input: name.to_owned(),
            message: format!(
                "LegiScan answered status {}: {}",
                other.unwrap_or("(none)"),
                value
                    .pointer("/alert/message")
                    .and_then(|m| m.as_str())
                    .unwrap_or("no message")
            ),
        }),
    }
}

fn legiscan(
    base: &str,
    state: &str,
    key: &str,
    cursor: &Cursor,
    retry: &Retry,
    today: Date,
    progress: &mut dyn FnMut(Progress),
) -> Result<Fetched, ImportError> {
    let client = Client::new(retry.clone());
    let base = base.trim_end_matches('/');
    // LegiScan takes its key in the query only: the URL with the key is
    // used for the request, and the one without it names the answer.
    let named = |op: &str| format!("{base}/?op={op}");
    let keyed = |op: &str| format!("{base}/?key={}&op={op}", encode(key));
    let list_op = format!(
        "getMasterListRaw&state={}",
        encode(&state.to_ascii_uppercase())
    );
    let body = client.get(&keyed(&list_op), progress)?;
    let list_name = named(&list_op);
    let value = json::parse_value(&list_name, &body)?;
    legiscan_ok(&list_name, &value)?;
    let mut current: BTreeMap<String, String> = BTreeMap::new();
    if let Some(list) = value.get("masterlist").and_then(|m| m.as_object()) {
        for (k, b) in list {
            if k == "session" {
                continue;
            }
            let id = match b.get("bill_id") {
                Some(serde_json::Value::Number(n)) => n.to_string(),
                Some(serde_json::Value::String(s)) => s.clone(),
                _ => continue,
            };
            let hash = b
                .get("change_hash")
                .and_then(|h| h.as_str())
                .unwrap_or_default();
            current.insert(id, hash.to_owned());
        }
    }
    let changed: Vec<&String> = current
        .iter()
        .filter(|(id, hash)| cursor.hashes.get(*id) != Some(*hash))
        .map(|(id, _)| id)
        .collect();
    let mut inputs = Vec::with_capacity(changed.len());
    for (i, id) in changed.iter().enumerate() {
        let op = format!("getBill&id={}", encode(id));
        let body = client.get(&keyed(&op), progress)?;
        let name = named(&op);
        let value = json::parse_value(&name, &body)?;
        legiscan_ok(&name, &value)?;
        progress(Progress::Page {
            done: i as u64 + 1,
            total: Some(changed.len() as u64),
        });
        inputs.push((name, body));
    }
    let requests = 1 + inputs.len();
    let batch = bills::batch_from_bytes(BillSource::Legiscan, &inputs, today, None)?;
    // A bill the importer could not read keeps its old hash, so that the
    // next run asks for it again.
    let mut next = cursor.clone();
    for (id, hash) in current {
        let name = named(&format!("getBill&id={}", encode(&id)));
        if batch.unreadable.iter().any(|u| u.input == name) {
            continue;
        }
        next.hashes.insert(id, hash);
    }
    Ok(Fetched {
        batch,
        cursor: next,
        requests,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jurisdictions_map_to_open_states_divisions() {
        assert_eq!(
            ocd_jurisdiction("NH"),
            "ocd-jurisdiction/country:us/state:nh/government"
        );
        assert_eq!(
            ocd_jurisdiction("US-TX"),
            "ocd-jurisdiction/country:us/state:tx/government"
        );
        assert_eq!(
            ocd_jurisdiction("us"),
            "ocd-jurisdiction/country:us/government"
        );
        assert_eq!(jurisdiction_code("nh"), "US-NH");
        assert_eq!(jurisdiction_code("US"), "US");
    }
}
