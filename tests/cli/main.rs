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

mod check;
mod differential;
mod docs;
mod export;
mod fuzz;
mod import;
mod import_bills;
mod index;
mod manners;
mod oracle;
mod query;
mod reliability;
mod search;
mod shipped;
mod site;
mod text;
mod track;
