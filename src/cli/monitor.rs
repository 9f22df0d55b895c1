//! `policygraph monitor start|stop|status`: the optional file-system
//! monitor (see `policygraph::monitor` and docs/performance.md,
//! "File-system monitor").

use clap::Subcommand;

use super::flags::JsonOpt;
use super::{Ctx, Status};

/// Options of `monitor`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  policygraph monitor start
  policygraph monitor status --json
  policygraph monitor stop")]
pub struct MonitorArgs {
    #[command(subcommand)]
    pub command: MonitorCommand,
}

/// `monitor start|stop|status`.
#[derive(Debug, Subcommand)]
pub enum MonitorCommand {
    /// Start the daemon that watches `knowledge/`; returns once it watches.
    Start(JsonOpt),
    /// Stop it.
    Stop(JsonOpt),
    /// Whether it runs, with its pid.
    Status(JsonOpt),
    /// Run the daemon in the foreground (what `start` launches).
    #[command(hide = true)]
    Run,
}

impl MonitorArgs {
    /// Whether `--json` was given.
    pub fn json(&self) -> bool {
        match &self.command {
            MonitorCommand::Start(j) | MonitorCommand::Stop(j) | MonitorCommand::Status(j) => {
                j.json
            }
            MonitorCommand::Run => false,
        }
    }
}

#[cfg(not(unix))]
pub fn run(_: &Ctx, _: &MonitorArgs) -> anyhow::Result<Status> {
    anyhow::bail!("the file-system monitor is not supported on this platform (it needs Unix sockets); queries walk `knowledge/` instead")
}

#[cfg(unix)]
pub fn run(ctx: &Ctx, args: &MonitorArgs) -> anyhow::Result<Status> {
    use policygraph::monitor::{self, client, daemon};
    use std::time::{Duration, Instant};

    let json = ctx.json || args.json();
    let report = |st: Option<&monitor::Status>, said: &str| -> anyhow::Result<()> {
        if json {
            let value = match st {
                Some(st) => serde_json::json!({
                    "running": true,
                    "pid": st.pid,
                    "token": st.token,
                    "knowledge": st.knowledge,
                    "walks_because": st.walks_because,
                }),
                None => serde_json::json!({ "running": false }),
            };
            super::print_json(&value)
        } else {
            let mut out = std::io::stdout().lock();
            std::io::Write::write_all(&mut out, format!("{said}\n").as_bytes())?;
            Ok(())
        }
    };
    let watching = |st: &monitor::Status| {
        let mut s = format!("monitor: watching {} (pid {})", st.knowledge, st.pid);
        if let Some(why) = &st.walks_because {
            s.push_str(&format!("; queries walk anyway, because {why}"));
        }
        s
    };
    match &args.command {
        MonitorCommand::Run => {
            daemon::run(&ctx.knowledge, &ctx.index)?;
            Ok(Status::Ok)
        }
        MonitorCommand::Status(_) => {
            let st = client::status(&ctx.index);
            match &st {
                Some(st) => report(Some(st), &watching(st))?,
                None => report(None, "monitor: not running")?,
            }
            Ok(Status::Ok)
        }
        MonitorCommand::Stop(_) => {
            let Some(st) = client::status(&ctx.index) else {
                report(None, "monitor: not running")?;
                return Ok(Status::Ok);
            };
            client::stop(&ctx.index);
            let deadline = Instant::now() + Duration::from_secs(10);
            while client::status(&ctx.index).is_some() {
                if Instant::now() > deadline {
                    anyhow::bail!("the monitor (pid {}) did not stop", st.pid);
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            report(None, &format!("monitor: stopped (pid {})", st.pid))?;
            Ok(Status::Ok)
        }
        MonitorCommand::Start(_) => {
            if let Some(st) = client::status(&ctx.index) {
                report(Some(&st), &format!("{} (already running)", watching(&st)))?;
                return Ok(Status::Ok);
            }
            if !ctx.knowledge.is_dir() {
                anyhow::bail!("{} is not a directory", ctx.knowledge.display());
            }
            let mdir = monitor::dir(&ctx.index);
            std::fs::create_dir_all(&mdir)?;
            let _ = std::fs::remove_file(mdir.join(daemon::ERROR_FILE));
            let exe = std::env::current_exe()?;
            let mut child = {
                use std::os::unix::process::CommandExt;
                std::process::Command::new(exe)
                    .arg("--knowledge")
                    .arg(&ctx.knowledge)
                    .arg("--index")
                    .arg(&ctx.index)
                    .args(["monitor", "run"])
                    .stdin(std::process::Stdio::null())
                    .stdout(std::process::Stdio::null())
                    .stderr(std::process::Stdio::null())
                    .process_group(0)
                    .spawn()?
            };
            // Watching a large tree takes a while: one watch per directory.
            let deadline = Instant::now() + Duration::from_secs(600);
            loop {
                if let Some(st) = client::status(&ctx.index) {
                    report(Some(&st), &watching(&st))?;
                    return Ok(Status::Ok);
                }
                if let Some(exit) = child.try_wait()? {
                    let why = std::fs::read_to_string(mdir.join(daemon::ERROR_FILE))
                        .unwrap_or_else(|_| format!("it exited with {exit}"));
                    anyhow::bail!("the monitor could not start: {}", why.trim());
                }
                if Instant::now() > deadline {
                    anyhow::bail!("the monitor did not start watching within 10 minutes");
                }
                std::thread::sleep(Duration::from_millis(5));
            }
        }
    }
}
