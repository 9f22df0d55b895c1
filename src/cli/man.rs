//! `policygraph man`: the manual page, generated with clap_mangen from the
//! same clap definition as `--help` and the completions, so the three never
//! disagree.

use std::io::Write;
use std::path::Path;

use clap::CommandFactory;

use super::args::{Args, ManArgs};

/// Runs `man`: the main page on stdout, or every page into `--dir`.
pub fn run(args: &ManArgs) -> anyhow::Result<()> {
    let mut cmd = Args::command();
    cmd.build();
    match &args.dir {
        None => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(cmd).render(&mut out)?;
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
    clap_mangen::Man::new(cmd).render(&mut buf)?;
    policygraph::export::write_atomic(&path, |w| {
        w.write_all(&buf)
            .map_err(|e| policygraph::Error::io(&path, e))
    })?;
    Ok(file)
}
