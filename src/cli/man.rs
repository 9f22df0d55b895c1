//! `policygraph man`: the manual page, generated with clap_mangen from the
//! same clap definition as `--help` and the completions, so the three never
//! disagree.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Options of `man`.
#[derive(Debug, clap::Args)]
pub struct ManArgs {
    /// Write `policygraph.1` and one `policygraph-COMMAND.1` per command into
    /// this directory (created) instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

/// Runs `man`: the main page on stdout, or every page into `--dir`.
/// `cmd` is the whole command line's definition (`Args::command()`).
pub fn run(args: &ManArgs, mut cmd: clap::Command) -> anyhow::Result<()> {
    cmd.build();
    match &args.dir {
        None => {
            let mut out = std::io::stdout().lock();
            render(&cmd, &mut out)?;
            out.flush()?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| policygraph::Error::io(dir, e))?;
            let mut written = vec![write_page(dir, "policygraph", cmd.clone())?];
            for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
                // After `build`, a subcommand's display name is
                // `policygraph-show`: the page's title and file name.
                let name = sub
                    .get_display_name()
                    .map_or_else(|| format!("policygraph-{}", sub.get_name()), str::to_owned);
                written.push(write_page(dir, &name, sub.clone())?);
            }
            super::ctx::note(&format!(
                "wrote {} man pages into {}; read them with `man policygraph` once that directory is on MANPATH",
                written.len(),
                dir.display()
            ));
        }
    }
    Ok(())
}

/// Renders one page to `DIR/NAME.1`, atomically.
fn write_page(dir: &Path, name: &str, cmd: clap::Command) -> anyhow::Result<String> {
    let file = format!("{name}.1");
    let path = dir.join(&file);
    let mut buf = Vec::new();
    render(&cmd, &mut buf)?;
    policygraph::export::write_atomic(&path, |w| {
        w.write_all(&buf)
            .map_err(|e| policygraph::Error::io(&path, e))
    })?;
    Ok(file)
}

/// Renders a page as clap_mangen does, except for the text after the
/// options: clap_mangen fills it as one paragraph, which breaks the
/// aligned examples and tables apart. Here each `Heading:` block of it
/// becomes a section of its own (EXAMPLES, SEARCH OPERATORS,
/// ENVIRONMENT), set line by line, and the loose lines go under NOTES.
fn render(cmd: &clap::Command, out: &mut dyn Write) -> std::io::Result<()> {
    let man = clap_mangen::Man::new(cmd.clone());
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    if cmd.get_subcommands().next().is_some() {
        man.render_subcommands_section(out)?;
    }
    let after = cmd
        .get_after_long_help()
        .or_else(|| cmd.get_after_help())
        .map(|s| s.to_string());
    if let Some(text) = after {
        let mut notes: Vec<&str> = Vec::new();
        for block in text.split("\n\n") {
            let mut lines = block.lines();
            let head = lines.next().unwrap_or_default();
            let body: Vec<&str> = lines.collect();
            let titled =
                head.ends_with(':') && !body.is_empty() && body.iter().all(|l| l.starts_with(' '));
            if titled {
                let title = head
                    .trim_end_matches(':')
                    .split(" (")
                    .next()
                    .unwrap_or(head)
                    .to_uppercase();
                writeln!(out, ".SH {}", roff_escape(&title))?;
                write_nofill(out, &body)?;
            } else {
                notes.extend(block.lines());
            }
        }
        if !notes.is_empty() {
            writeln!(out, ".SH NOTES")?;
            write_nofill(out, &notes)?;
        }
    }
    if cmd.get_version().is_some() {
        man.render_version_section(out)?;
    }
    Ok(())
}

/// Lines set as they are (no filling, no adjusting).
fn write_nofill(out: &mut dyn Write, lines: &[&str]) -> std::io::Result<()> {
    writeln!(out, ".nf")?;
    for l in lines {
        writeln!(out, "{}", roff_escape(l))?;
    }
    writeln!(out, ".fi")
}

/// Text safe for roff: backslashes and hyphens escaped, and a line that
/// starts with a control character protected.
fn roff_escape(s: &str) -> String {
    let t = s.replace('\\', "\\e").replace('-', "\\-");
    if t.starts_with('.') || t.starts_with('\'') {
        format!("\\&{t}")
    } else {
        t
    }
}
