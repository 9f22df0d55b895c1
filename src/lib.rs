//! policygraph: a regulatory knowledge graph and policy tracker.
//!
//! Data flows top to bottom through these modules:
//!
//! - [`model`]: plain serde types of the RON knowledge format;
//! - [`load`]: walks `knowledge/` in sorted order and parses every file,
//!   keeping the text for diagnostics;
//! - [`check`]: semantic rules over the whole corpus, every problem
//!   collected, giving a validated [`check::Corpus`];
//! - [`graph`]: the petgraph graph and `stats`; [`query`]: the graph
//!   questions (agencies, neighbours, paths) over any
//!   [`store::NodeSource`], in memory or on disk;
//! - [`text`]: the tokenizer shared by the index and search;
//! - [`lock`]: the one write lock every writer holds; [`fsio`]: the one
//!   atomic file write and the one stage-and-swap every writer uses;
//! - [`walk`]: the one loop-safe walk of `knowledge/`, shared by loading and
//!   by the index's freshness check;
//! - [`store`]: the on-disk snapshot and tantivy index in `index/`, and
//!   [`store::refresh`], the one policy that keeps it fresh against
//!   `knowledge/` (lock, patch or rebuild, cleanup);
//! - [`select`]: the part of the graph a diagram shows (focus, kinds,
//!   relations, jurisdictions, date);
//! - [`search`], [`export`], [`track`]: full-text search, diagrams, and the
//!   time-based views;
//! - [`site`]: a static web site over the same queries.
//! - [`import`]: official records (the Federal Register, bills) written
//!   into `knowledge/imported/`, enriching hand-written entities.
//!
//! The library never prints: it returns data, [`diag::Diagnostic`]s or a
//! typed [`Error`]. The `policygraph` binary renders them.

// Diagnostics are the cold path, and carry their context by value.
#![allow(clippy::result_large_err)]

pub mod asof;
pub mod check;
pub mod diag;
pub mod doctext;
pub mod embedded;
pub mod error;
pub mod export;
pub mod fsio;
pub mod graph;
pub mod import;
pub mod load;
pub mod lock;
pub mod model;
pub mod monitor;
pub mod query;
pub mod rank;
pub mod resolve;
pub mod search;
pub mod select;
pub mod site;
pub mod status;
pub mod store;
pub mod sync;
pub mod synth;
pub mod text;
pub mod track;
pub mod walk;

pub use error::{Error, Result};
