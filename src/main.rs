//! The `policygraph` binary: parse arguments, run, exit. Everything lives in
//! [`cli`].

mod cli;

// Loading and indexing allocate many small strings; mimalloc is markedly
// faster at that than the system allocator (see the README's performance
// section).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
