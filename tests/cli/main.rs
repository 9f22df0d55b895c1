//! Integration tests: every test drives the real `policygraph` binary.
//!
//! One test binary with modules keeps link time low. Goldens live in
//! `tests/cli/snapshots/` (insta); review changes with `cargo insta review`
//! or `INSTA_UPDATE=always cargo test` and read the diff before committing.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    clippy::print_stdout
)]

mod util;

mod api_server;

mod asof;
mod bill_status;
mod changes_import;
mod check;
mod dates;
mod differential;
mod digest;
mod docs;
mod export;
mod focus;
mod fuzz;
mod import;
mod import_bills;
mod import_names;
mod index;
mod manners;
mod monitor;
mod oracle;
mod query;
mod ranking;
mod reliability;
mod search;
mod shipped;
mod site;
mod site_size;
mod sync;
mod text;
mod track;
