//! The `policygraph` binary: parse arguments, run, exit. Everything lives in
//! [`cli`].

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
