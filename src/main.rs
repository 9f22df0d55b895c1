//! The `policygraph` binary: parse arguments, run, exit. Everything lives in
//! [`cli`].

mod cli;

// Loading and indexing allocate many small strings; mimalloc is markedly
// faster at that than the system allocator (see docs/performance.md). It
// is built without transparent huge pages (`no_thp` in Cargo.toml): with
// them, the first touch of each 2 MiB region zeroes all of it, which cost a
// search about 0.3 ms of its 9.5 and a rebuild about a quarter of a second
// in A/B runs.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
