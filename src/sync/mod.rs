//! Keeping the knowledge base current and saying what changed: the sources
//! `sync` reads (`sources.ron`, [`config`]), what each gives since its
//! cursor ([`fetch`]), the cursors and failures kept between runs
//! ([`state`]), and the watches and digests over [`crate::track::changes()`].
//! The binary drives these: it takes the write lock, writes each batch
//! through [`crate::import::apply`], and only then moves a cursor.

pub mod config;
pub mod digest;
pub mod edit;
pub mod feed;
pub mod fetch;
pub mod mail;
pub mod snapshot;
pub mod state;
