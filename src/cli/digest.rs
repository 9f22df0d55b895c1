//! `policygraph digest`: for each watch, what is new or changed since the
//! last digest (or `--since DATE|REV`), as text, JSON, Atom or JSON Feed,
//! on stdout, into a file, or by email. The watches' snapshots move only
//! once the digest was written or sent, so a digest that dies on the way
//! is given again in full by the next one.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::PathBuf;

use serde::Serialize;

use policygraph::model::Date;
use policygraph::search::{self, SearchOptions};
use policygraph::sync::config::Watch;
use policygraph::sync::digest::{self, Basis, DigestState, WatchDigest, WatchState};
use policygraph::sync::feed::{self, Entry, FeedMeta};
use policygraph::sync::mail;
use policygraph::sync::snapshot::{self, Pair, Snapshot};
use policygraph::sync::state::{self, State};
use policygraph::track::Side;

use super::flags::{JsonOpt, LangOpt};
use super::{Ctx, Status};

/// How a digest is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Plain text, grouped by watch.
    Text,
    /// The digest as JSON (docs/json.md).
    Json,
    /// An Atom feed.
    Atom,
    /// A JSON Feed 1.1.
    Jsonfeed,
}

/// Options of `digest`.
#[derive(Debug, clap::Args)]
#[command(after_help = "Examples:
  policygraph digest                              what is new since the last digest
  policygraph digest --watch stablecoins --since 2025-07-01 --format atom -o feed.xml
  policygraph digest --email team@example.org --smtp smtp://localhost:25

Exit 0 when something is new, 1 when nothing is (so that cron mails only when it matters).")]
pub struct DigestArgs {
    /// Only this watch (repeatable) [default: every watch].
    #[arg(long = "watch", value_name = "NAME")]
    pub watches: Vec<String>,
    /// Measure from the last digest (`last`), a day (the last commit on or
    /// before it) or a git revision; with a day or a revision, no watch's
    /// baseline moves.
    #[arg(long, value_name = "last|DATE|REV", default_value = "last")]
    pub since: String,
    /// How to write it.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Write it into this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Send it by email to this address (repeatable), as plain text with
    /// an HTML alternative; nothing is sent when nothing is new.
    #[arg(long = "email", value_name = "TO", conflicts_with = "output")]
    pub email: Vec<String>,
    /// The SMTP server for --email: `smtp://[USER[:PASS]@]HOST[:PORT]`
    /// (plain), `smtps://...` (TLS), or `smtp://...?tls=required`
    /// (STARTTLS).
    #[arg(
        long,
        value_name = "URL",
        env = "POLICYGRAPH_SMTP",
        hide_env_values = true
    )]
    pub smtp: Option<String>,
    /// The sender for --email.
    #[arg(
        long,
        value_name = "ADDR",
        default_value = "policygraph <policygraph@localhost>"
    )]
    pub from: String,
    /// Report loudly a source of `sources.ron` that has failed for this
    /// many days running.
    #[arg(long, value_name = "N", default_value_t = 2)]
    pub failing_days: i64,
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub lang: LangOpt,
}

/// A source that keeps failing.
#[derive(Debug, Serialize)]
struct Failing {
    name: String,
    since: String,
    days: i64,
    failures: u32,
    last_error: Option<String>,
}

/// The whole digest, for `--json`.
#[derive(Debug, Serialize)]
struct Digest {
    today: Date,
    generated: String,
    items: usize,
    failing_sources: Vec<Failing>,
    watches: Vec<WatchDigest>,
}

/// What each watch is measured against.
enum Baseline {
    /// Its snapshot (label, snapshot file, day taken).
    Snapshot(String, String, Date),
    /// None yet: it starts now.
    Fresh,
}

/// Runs `digest`.
pub fn run(ctx: &Ctx, args: &DigestArgs) -> anyhow::Result<Status> {
    if !args.email.is_empty() && args.smtp.is_none() {
        return Err(policygraph::Error::Usage(
            "--email needs an SMTP server: --smtp smtp://HOST[:PORT] (or smtps://, or ?tls=required), or POLICYGRAPH_SMTP".into(),
        )
        .into());
    }
    let smtp = args
        .smtp
        .as_deref()
        .map(mail::Smtp::parse)
        .transpose()
        .map_err(|e| policygraph::Error::Usage(format!("--smtp: {e}")))?;
    let all = super::watch::watches(ctx)?;
    for n in &args.watches {
        if !all.iter().any(|w| &w.name == n) {
            return Err(policygraph::Error::Usage(format!("no watch named `{n}`")).into());
        }
    }
    let chosen: Vec<&Watch> = all
        .iter()
        .filter(|w| args.watches.is_empty() || args.watches.contains(&w.name))
        .collect();
    let today = Date::today();
    let now_ts = state::now();
    let lang = ctx.lang.as_deref();
    let last = args.since == "last";
    let deadlines = chosen.iter().any(|w| w.deadlines.is_some());
    // The old version of each watch and what changed since, made once per
    // distinct baseline.
    let mut pairs: BTreeMap<String, Pair> = BTreeMap::new();
    let mut baselines: Vec<Baseline> = Vec::new();
    // Each snapshot read and the knowledge base now measured against it;
    // the next snapshot is made from the first.
    let mut measured: BTreeMap<String, (Snapshot, snapshot::Now)> = BTreeMap::new();
    let mut first: Option<String> = None;
    if last {
        let st = DigestState::load(&ctx.index)?;
        for w in &chosen {
            match st.watches.get(&w.name) {
                Some(ws) => {
                    if !pairs.contains_key(&ws.snapshot) {
                        let snap = Snapshot::read(&ctx.index, &ws.snapshot)?;
                        let now = snapshot::scan(&ctx.knowledge, &snap)?;
                        let pair = Pair::of(&snap, &now, deadlines, &ws.since)?;
                        pairs.insert(ws.snapshot.clone(), pair);
                        first.get_or_insert_with(|| ws.snapshot.clone());
                        measured.insert(ws.snapshot.clone(), (snap, now));
                    }
                    let day = ws.day.unwrap_or(today);
                    baselines.push(Baseline::Snapshot(
                        ws.since.clone(),
                        ws.snapshot.clone(),
                        day,
                    ));
                }
                None => baselines.push(Baseline::Fresh),
            }
        }
        if first.is_none() {
            // No watch has a baseline yet: every file is read once.
            let snap = Snapshot::empty();
            let now = snapshot::scan(&ctx.knowledge, &snap)?;
            first = Some(String::new());
            measured.insert(String::new(), (snap, now));
        }
        if let Some((_, now)) = first.as_ref().and_then(|k| measured.get(k)) {
            for w in &now.warnings {
                super::ctx::warn(&format!("now: {w}"));
            }
        }
    } else {
        let (rev, day) = match args.since.parse::<Date>() {
            Ok(d) => (git_rev_before(ctx, d)?, d),
            Err(_) => (args.since.clone(), today),
        };
        let old = Side::from_git(&ctx.knowledge, &rev)?;
        let new = Side::from_dir(&ctx.knowledge, "now")?;
        for w in &new.warnings {
            super::ctx::warn(w);
        }
        let label = args.since.clone();
        pairs.insert(label.clone(), Pair::full(old, new));
        for _ in &chosen {
            baselines.push(Baseline::Snapshot(label.clone(), label.clone(), day));
        }
    }
    let store = if chosen.iter().any(|w| w.search.is_some()) {
        Some(ctx.store()?)
    } else {
        None
    };
    let mut out = Vec::new();
    for (w, base) in chosen.iter().zip(&baselines) {
        let Baseline::Snapshot(label, key, day) = base else {
            out.push(WatchDigest {
                watch: w.name.clone(),
                since: "(starts now)".to_owned(),
                items: Vec::new(),
            });
            continue;
        };
        let Some(pair) = pairs.get(key) else {
            continue;
        };
        let hits = match (&w.search, &store) {
            (Some(q), Some(store)) => {
                let res = search::search(
                    store,
                    &SearchOptions {
                        query: q.clone(),
                        limit: 100_000,
                        ..SearchOptions::default()
                    },
                    None,
                )?;
                Some(res.hits.into_iter().map(|h| h.id).collect::<BTreeSet<_>>())
            }
            _ => None,
        };
        // The whole graph's relations, for a neighbourhood only.
        let scope = match measured.get(key) {
            Some((snap, now)) => digest::scope(
                w,
                &pair.old,
                &pair.new,
                hits.as_ref(),
                &snap.edges(now),
                today,
            ),
            None => {
                let edges = digest::edges(&pair.old, &pair.new);
                digest::scope(w, &pair.old, &pair.new, hits.as_ref(), &edges, today)
            }
        };
        let basis = Basis {
            old: &pair.old,
            new: &pair.new,
            changes: &pair.changes,
            today,
            since_day: *day,
            lang,
        };
        out.push(WatchDigest {
            watch: w.name.clone(),
            since: label.clone(),
            items: digest::items(w, &scope, &basis),
        });
    }
    let failing = failing_sources(ctx, &now_ts, args.failing_days)?;
    let total: usize = out.iter().map(|w| w.items.len()).sum();
    let d = Digest {
        today,
        generated: now_ts.clone(),
        items: total,
        failing_sources: failing,
        watches: out,
    };
    let news = total > 0 || !d.failing_sources.is_empty();

    // Deliver, then move the baselines.
    if !args.email.is_empty() {
        if news {
            if let Some(smtp) = &smtp {
                let subject = format!(
                    "policygraph digest {}: {} new item(s){}",
                    d.today,
                    d.items,
                    if d.failing_sources.is_empty() {
                        String::new()
                    } else {
                        format!(", {} source(s) failing", d.failing_sources.len())
                    }
                );
                mail::send(
                    smtp,
                    mail::Mail {
                        from: &args.from,
                        to: &args.email,
                        subject: &subject,
                        text: text(&d),
                        html: html(&d),
                    },
                )
                .map_err(policygraph::Error::Tool)?;
                super::ctx::note(&format!("sent the digest to {}", args.email.join(", ")));
            }
        }
    } else {
        // `--json` is `--format json`, as everywhere.
        let format = if ctx.json { Format::Json } else { args.format };
        let body = match format {
            Format::Text => text(&d),
            Format::Json => {
                let mut s = serde_json::to_string_pretty(&d)?;
                s.push('\n');
                s
            }
            Format::Atom => feed::atom(&meta(&d), &entries(&d)),
            Format::Jsonfeed => {
                let mut s =
                    serde_json::to_string_pretty(&feed::json_feed(&meta(&d), &entries(&d)))?;
                s.push('\n');
                s
            }
        };
        match &args.output {
            Some(path) => policygraph::fsio::write_atomic(path, body.as_bytes())?,
            None => {
                let mut o = std::io::stdout().lock();
                o.write_all(body.as_bytes())?;
                o.flush()?;
            }
        }
    }
    if last {
        let lock = ctx.lock("digest")?;
        let (base, now) = first
            .as_ref()
            .and_then(|k| measured.get(k))
            .ok_or_else(|| policygraph::Error::Index("no snapshot was measured".into()))?;
        let snapshot = snapshot::write(&ctx.index, base, now, &lock)?;
        let mut st = DigestState::load(&ctx.index)?;
        for w in &chosen {
            st.watches.insert(
                w.name.clone(),
                WatchState {
                    snapshot: snapshot.clone(),
                    since: now_ts.clone(),
                    day: Some(today),
                },
            );
        }
        let names: BTreeSet<&str> = all.iter().map(|w| w.name.as_str()).collect();
        st.watches.retain(|n, _| names.contains(n.as_str()));
        st.save(&ctx.index, &lock)?;
        let mut log = feed::Log::load(&ctx.index)?;
        log.add(&entries(&d));
        log.save(&ctx.index, &lock)?;
    }
    if !news {
        super::ctx::note("nothing new");
        return Ok(Status::Found);
    }
    Ok(Status::Ok)
}

/// The last commit of the knowledge base's repository on or before `day`.
fn git_rev_before(ctx: &Ctx, day: Date) -> anyhow::Result<String> {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(&ctx.knowledge)
        .args([
            "rev-list",
            "-1",
            &format!("--before={}T23:59:59", day),
            "HEAD",
        ])
        .output()
        .map_err(|e| policygraph::Error::Tool(format!("cannot run git: {e}")))?;
    let rev = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    if !out.status.success() || rev.is_empty() {
        return Err(policygraph::Error::Usage(format!(
            "--since {day}: no commit of the knowledge base's git repository on or before that day"
        ))
        .into());
    }
    Ok(rev)
}

fn failing_sources(ctx: &Ctx, now: &str, days: i64) -> anyhow::Result<Vec<Failing>> {
    let st = State::load(&ctx.index)?;
    Ok(st
        .sources
        .into_iter()
        .filter_map(|(name, s)| {
            let since = s.failing_since?;
            let d = state::days_between(&since, now);
            (d >= days).then_some(Failing {
                name,
                since,
                days: d,
                failures: s.failures,
                last_error: s.last_error,
            })
        })
        .collect())
}

fn entries(d: &Digest) -> Vec<Entry> {
    d.watches
        .iter()
        .flat_map(|w| {
            w.items.iter().map(|i| Entry {
                watch: w.watch.clone(),
                item: i.clone(),
            })
        })
        .collect()
}

/// A digest's feed: its entries' ids name their watch, as the site's
/// feed of that watch does.
fn meta(d: &Digest) -> FeedMeta<'_> {
    FeedMeta {
        title: "policygraph digest",
        id: "urn:policygraph:digest",
        updated: &d.generated,
        self_url: None,
        per_watch: true,
    }
}

fn value(v: &Option<serde_json::Value>) -> String {
    let s = v
        .as_ref()
        .map_or_else(|| "(none)".to_owned(), |v| v.to_string());
    if s.chars().count() > 300 {
        let cut: String = s.chars().take(300).collect();
        format!("{cut}...")
    } else {
        s
    }
}

fn alert_lines(d: &Digest) -> Vec<String> {
    d.failing_sources
        .iter()
        .map(|f| {
            format!(
                "ALERT: source `{}` has failed for {} day(s) running (since {}, {} run(s)): {}",
                f.name,
                f.days,
                f.since,
                f.failures,
                f.last_error.as_deref().unwrap_or("no message")
            )
        })
        .collect()
}

/// The digest as plain text.
fn text(d: &Digest) -> String {
    let mut s = format!("policygraph digest, {}\n", d.today);
    for a in alert_lines(d) {
        s.push_str(&format!("\n{a}\n"));
    }
    for w in &d.watches {
        s.push_str(&format!(
            "\n{}: {} item(s) since {}\n",
            w.watch,
            w.items.len(),
            w.since
        ));
        for i in &w.items {
            s.push_str(&format!(
                "  {}  {:<16} {}\n",
                i.date,
                i.kind.label(),
                i.title
            ));
            s.push_str(&format!("              {}", i.entity));
            if let Some(l) = &i.link {
                s.push_str(&format!("  {l}"));
            }
            s.push('\n');
            if i.before.is_some() || i.after.is_some() {
                s.push_str(&format!("              before: {}\n", value(&i.before)));
                s.push_str(&format!("              after:  {}\n", value(&i.after)));
            }
        }
    }
    s
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The digest as HTML, the email's alternative.
fn html(d: &Digest) -> String {
    let mut s = format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>policygraph digest {}</title></head><body>\n<h1>policygraph digest, {}</h1>\n",
        d.today, d.today
    );
    for a in alert_lines(d) {
        s.push_str(&format!("<p><strong>{}</strong></p>\n", esc(&a)));
    }
    for w in &d.watches {
        s.push_str(&format!(
            "<h2>{}</h2>\n<p>{} item(s) since {}</p>\n<ul>\n",
            esc(&w.watch),
            w.items.len(),
            esc(&w.since)
        ));
        for i in &w.items {
            let title = match &i.link {
                Some(l) => format!("<a href=\"{}\">{}</a>", esc(l), esc(&i.title)),
                None => esc(&i.title),
            };
            s.push_str(&format!(
                "<li>{} <em>{}</em> {title} (<code>{}</code>)",
                i.date,
                esc(i.kind.label()),
                esc(&i.entity)
            ));
            if i.before.is_some() || i.after.is_some() {
                s.push_str(&format!(
                    "<br>before: <code>{}</code><br>after: <code>{}</code>",
                    esc(&value(&i.before)),
                    esc(&value(&i.after))
                ));
            }
            s.push_str("</li>\n");
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</body></html>\n");
    s
}
