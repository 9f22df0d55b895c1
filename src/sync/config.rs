//! The two files `sync` and `digest` read at the knowledge base's root,
//! beside `knowledge/`: `sources.ron` (where `sync` reads from) and
//! `watches.ron` (what `digest` reports on). Both are RON lists read with
//! the entity files' options, so a typo is an error at its line and
//! column, in the same words as a broken entity file; `sync add` and
//! `watch add|remove` edit them in place ([`super::edit`]).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;
use crate::load::SourceFile;
use crate::model::{Date, Kind, Stage};

/// The sources file's name, at the knowledge base's root.
pub const SOURCES_FILE: &str = "sources.ron";
/// The watches file's name, at the knowledge base's root.
pub const WATCHES_FILE: &str = "watches.ron";

/// The Open States key's variable when `sources.ron` names none.
pub const OPENSTATES_KEY_ENV: &str = "OPENSTATES_API_KEY";
/// The LegiScan key's variable when `sources.ron` names none.
pub const LEGISCAN_KEY_ENV: &str = "LEGISCAN_API_KEY";

/// One source of `sources.ron`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDef {
    /// Its name: what `sync NAME` and the summary call it.
    pub name: String,
    /// The API and its filters.
    pub api: Api,
}

fn openstates_key() -> String {
    OPENSTATES_KEY_ENV.to_owned()
}

fn legiscan_key() -> String {
    LEGISCAN_KEY_ENV.to_owned()
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// The APIs `sync` reads, with the filters each takes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Api {
    /// The Federal Register's `documents.json`, with the filters of
    /// `import federal-register --fetch`; the cursor is the latest
    /// publication date seen.
    FederalRegister {
        /// Agency slugs (`labor-department`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        agencies: Vec<String>,
        /// Document types (`rule`, `proposed-rule`, `notice`,
        /// `presidential-document`).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        types: Vec<String>,
        /// Executive orders only.
        #[serde(default, skip_serializing_if = "is_false")]
        executive_orders: bool,
        /// Full-text search words.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        term: Option<String>,
        /// The first run reads documents published on or after this day.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        since: Option<Date>,
        /// The API's address (a mirror, or a test server).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        base_url: Option<String>,
    },
    /// The Open States API v3 `/bills`, by jurisdiction and session, with
    /// `updated_since` the cursor.
    OpenStates {
        /// The jurisdiction: `NH`, `US-NH`, `US`.
        jurisdiction: String,
        /// The legislative session (`2025`); every session when `None`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        session: Option<String>,
        /// The environment variable that holds the API key.
        #[serde(default = "openstates_key")]
        key_env: String,
        /// The API's address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        base_url: Option<String>,
    },
    /// The LegiScan API: `getMasterListRaw` for a state's current session,
    /// then `getBill` for each bill whose `change_hash` changed.
    Legiscan {
        /// The state's postal code (`GA`).
        state: String,
        /// The environment variable that holds the API key.
        #[serde(default = "legiscan_key")]
        key_env: String,
        /// The API's address.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        base_url: Option<String>,
    },
}

impl Api {
    /// The kind of API, as `sync add` names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Api::FederalRegister { .. } => "federal-register",
            Api::OpenStates { .. } => "openstates",
            Api::Legiscan { .. } => "legiscan",
        }
    }

    /// The variable holding this API's key, for the APIs that take one.
    pub fn key_env(&self) -> Option<&str> {
        match self {
            Api::FederalRegister { .. } => None,
            Api::OpenStates { key_env, .. } | Api::Legiscan { key_env, .. } => Some(key_env),
        }
    }
}

/// One watch of `watches.ron`: what `digest` reports on. The scope is the
/// entities a search finds, or those near an entity, or those a filter
/// keeps (every entity when none is given); `deadlines` adds the deadlines
/// of entities in scope that come within that many days, and those missed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Watch {
    /// Its name.
    pub name: String,
    /// A search query (the `search` syntax).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// An entity id: the entity and its neighbourhood.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    /// With `entity`: how many relations away.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub depth: Option<usize>,
    /// Only entities of these kinds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<Kind>,
    /// Only entities in this jurisdiction (`US`, `TX`, `US-` for every
    /// state).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jurisdiction: Option<String>,
    /// Only entities whose status is one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<Stage>,
    /// Only entities with one of these tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Deadlines coming within this many days, and deadlines missed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadlines: Option<u32>,
}

/// A config file that could not be read: its text, for the diagnostic.
#[derive(Debug)]
pub struct ConfigError {
    /// The file as the diagnostic shows it.
    pub file: SourceFile,
    /// What is wrong, and where.
    pub diagnostic: Box<Diagnostic>,
}

/// Where a config file of the knowledge base at `knowledge` lives: beside
/// it, never inside (every `.ron` file under `knowledge/` is an entity).
pub fn path_of(knowledge: &Path, file: &str) -> PathBuf {
    let abs = std::path::absolute(knowledge).unwrap_or_else(|_| knowledge.to_path_buf());
    abs.parent()
        .map_or_else(|| PathBuf::from(file), |p| p.join(file))
}

/// Reads a list of `T` from `path` (empty when the file does not exist);
/// a syntax error or an unknown field is a diagnostic at its line and
/// column, and so is a name used twice.
pub fn read_list<T: serde::de::DeserializeOwned + Named>(
    path: &Path,
) -> crate::Result<Result<Vec<T>, ConfigError>> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Ok(Vec::new())),
        Err(e) => return Err(crate::Error::io(path, e)),
    };
    let rel = PathBuf::from(path.file_name().unwrap_or(path.as_os_str()));
    let file = SourceFile {
        path: rel.clone(),
        text: text.clone(),
    };
    if text.trim().is_empty() {
        return Ok(Ok(Vec::new()));
    }
    let list: Vec<T> = match crate::load::ron_options().from_str(&text) {
        Ok(l) => l,
        Err(e) => {
            let diagnostic = Box::new(crate::load::spanned_diagnostic(&rel, &text, &e));
            return Ok(Err(ConfigError { file, diagnostic }));
        }
    };
    let mut seen = std::collections::BTreeSet::new();
    for item in &list {
        let name = item.name();
        let bad = if name.trim().is_empty() {
            Some("an empty name".to_owned())
        } else if !seen.insert(name.to_owned()) {
            Some(format!("the name `{name}` is used twice"))
        } else {
            None
        };
        if let Some(msg) = bad {
            let needle = format!("\"{name}\"");
            let offset = text.rfind(&needle).unwrap_or(0);
            let loc = crate::diag::Location::at(&rel, &text, offset, needle.len());
            let diagnostic = Box::new(
                Diagnostic::error("duplicate-name", loc, msg)
                    .with_help("give every entry a name of its own"),
            );
            return Ok(Err(ConfigError { file, diagnostic }));
        }
    }
    Ok(Ok(list))
}

/// Writes a list to `path`, whole and atomically, with a header comment.
pub fn write_list<T: Serialize>(path: &Path, header: &str, list: &[T]) -> crate::Result<()> {
    let pretty = ron::ser::PrettyConfig::new()
        .struct_names(false)
        .extensions(ron::extensions::Extensions::IMPLICIT_SOME);
    let body = ron::ser::to_string_pretty(&list, pretty)
        .map_err(|e| crate::Error::Usage(format!("cannot write {}: {e}", path.display())))?;
    let mut text = String::new();
    for line in header.lines() {
        text.push_str("// ");
        text.push_str(line);
        text.push('\n');
    }
    text.push_str(&body);
    text.push('\n');
    crate::fsio::write_atomic(path, text.as_bytes())
}

/// An entry with a name, unique in its file.
pub trait Named {
    /// The entry's name.
    fn name(&self) -> &str;
}

impl Named for SourceDef {
    fn name(&self) -> &str {
        &self.name
    }
}

impl Named for Watch {
    fn name(&self) -> &str {
        &self.name
    }
}
