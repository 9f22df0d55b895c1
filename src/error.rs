//! The library's error type. Problems *in the knowledge base* are not errors
//! but [`crate::diag::Diagnostic`]s; an [`Error`] means a command could not
//! run at all (I/O, a broken index, a bad argument).

use std::path::PathBuf;

/// Everything that can stop a command.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An I/O operation failed on a path.
    #[error("{path}: {source}")]
    Io {
        /// The path involved.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The knowledge directory does not exist or is not a directory.
    #[error("knowledge directory `{0}` not found")]
    NoKnowledge(PathBuf),
    /// The knowledge base has errors; the diagnostics say which.
    #[error("the knowledge base has {0} error(s); run `policygraph check` to see them")]
    Invalid(usize),
    /// A reference to an entity that does not exist.
    #[error("no entity matches `{reference}`")]
    UnknownEntity {
        /// What the user typed.
        reference: String,
        /// The closest ids and names, best first.
        suggestions: Vec<String>,
    },
    /// A reference that matches more than one entity.
    #[error("`{reference}` is ambiguous: it matches {} entities", candidates.len())]
    Ambiguous {
        /// What the user typed.
        reference: String,
        /// `(id, name)` of every candidate.
        candidates: Vec<(String, String)>,
    },
    /// A malformed search query.
    #[error("invalid query: {message}")]
    Query {
        /// What is wrong.
        message: String,
        /// Character position in the query, when known.
        position: Option<usize>,
    },
    /// A bad argument value.
    #[error("{0}")]
    Usage(String),
    /// The search index or snapshot is unusable.
    #[error("index error: {0}")]
    Index(String),
    /// An import could not read its input or write its files.
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),
    /// The search index failed; tantivy's error is kept as the source.
    #[error("index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The knowledge base has errors and no part of it could be indexed;
    /// every diagnostic is here for the caller to render.
    #[error("the knowledge base has {} error(s); run `policygraph check` to see them", .0.errors())]
    Rejected(Box<crate::check::Checked>),
    /// Another process holds the knowledge base's write lock, and this one
    /// did not wait (`--no-wait`) or waited too long.
    #[error("another policygraph process is writing this knowledge base{}; try again when it is done (lock: {})", holder.as_ref().map(|h| format!(": {h}")).unwrap_or_default(), path.display())]
    Locked {
        /// The lock file.
        path: PathBuf,
        /// What the lock file says of its holder.
        holder: Option<crate::lock::Holder>,
    },
    /// An external tool (Graphviz, git) failed or is missing.
    #[error("{0}")]
    Tool(String),
}

impl Error {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Error {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
