//! `policygraph show`: one entity in full.

use std::collections::BTreeMap;
use std::io::Write;

use policygraph::model::{Confidence, Date, DeadlineKind};
use policygraph::store::{Node, NodeSource, Store};
use policygraph::track::DeadlineStatus;
use serde::Serialize;

use super::flags::{AsOfOpt, JsonOpt, LangOpt};
use super::render::{BOLD, DIM, ID, WARN};
use super::{Ctx, Status};

/// Options of `show`.
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The entity: id, alias, or name in any language (several words are
    /// one name: `GENIUS Act` needs no quotes).
    #[arg(required = true, num_args = 1.., value_name = "REF")]
    pub entity: Vec<String>,
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
    #[command(flatten)]
    pub lang: LangOpt,
    /// Print the document's own text (imported, or kept beside a
    /// hand-written entity), instead of the entity.
    #[arg(long)]
    pub text: bool,
}

/// The document text kept beside a node's files (`x.ron` → `x.txt`): its
/// path relative to `knowledge/`, and the text.
pub fn text_of(ctx: &Ctx, node: &policygraph::store::Node) -> Option<(String, String)> {
    std::iter::once(&node.path)
        .chain(&node.merged)
        .find_map(|p| {
            let rel = std::path::Path::new(p);
            policygraph::load::read_text(&ctx.knowledge, rel).map(|t| {
                let shown = rel.with_extension(policygraph::doctext::TEXT_EXTENSION);
                (shown.display().to_string(), t.to_string())
            })
        })
}

#[derive(Serialize)]
struct TextJson<'a> {
    id: &'a str,
    path: Option<&'a str>,
    sections: Vec<policygraph::doctext::Section>,
    text: Option<&'a str>,
}

#[derive(Serialize)]
struct ShowJson<'a> {
    as_of: Option<Date>,
    /// The entity's id (also inside `entity`, which is null when it did
    /// not exist yet on `as_of`).
    id: &'a str,
    exists: bool,
    /// Its first event (see `Entity::first_seen`).
    first_seen: Option<Date>,
    status: Option<policygraph::model::Stage>,
    /// The day the status was reached (see `Entity::status_since`).
    status_since: Option<Date>,
    path: &'a str,
    /// The imported files merged into the entity, in path order.
    merged: &'a [String],
    entity: Option<&'a policygraph::model::Entity>,
    incoming: Vec<Incoming<'a>>,
    /// The entity's own deadlines, judged (as `deadlines --json` does).
    deadlines: Vec<DeadlineStatus>,
    /// Deadlines others set that this entity owes.
    owes: Vec<DeadlineStatus>,
}

#[derive(Serialize)]
struct Incoming<'a> {
    from: &'a str,
    from_kind: policygraph::model::Kind,
    from_name: &'a str,
    relation: policygraph::model::RelationKind,
    reads: &'static str,
    date: Option<Date>,
    note: &'a str,
}

fn confidence_mark(c: Confidence) -> &'static str {
    match c {
        Confidence::Verified => "",
        Confidence::Partly => " (partly verified)",
        Confidence::Unverified => " (unverified)",
        Confidence::Extracted => " (read from the text)",
    }
}

/// Runs `show`.
pub fn run(ctx: &Ctx, args: &ShowArgs) -> anyhow::Result<Status> {
    let store = ctx.store()?;
    let id = store.resolve(&args.entity.join(" "))?;
    let node = store.node(&id)?.ok_or_else(|| {
        policygraph::Error::Index(format!("`{id}` is in the key index but not stored"))
    })?;
    if args.text {
        let found = text_of(ctx, &node);
        if ctx.json {
            let sections = found
                .as_ref()
                .map(|(_, t)| policygraph::doctext::Outline::read(t).sections)
                .unwrap_or_default();
            super::print_json(&TextJson {
                id: &id,
                path: found.as_ref().map(|f| f.0.as_str()),
                sections,
                text: found.as_ref().map(|f| f.1.as_str()),
            })?;
        } else {
            let mut out = anstream::stdout().lock();
            match &found {
                Some((_, t)) => write!(out, "{t}")?,
                None => writeln!(out, "{id}: no text is kept for it (import it with `import federal-register --text DIR`)")?,
            }
        }
        return Ok(if found.is_some() {
            Status::Ok
        } else {
            Status::Found
        });
    }
    let as_of = ctx.as_of;
    let e = &node.entity;
    let exists = e.exists_on(as_of);
    let status_since = if e.kind.has_status() {
        e.status_since(Some(status_day(as_of)))
    } else {
        None
    };
    let status = status_since.map(|(s, _)| s);
    let status_since = status_since.map(|(_, d)| d);
    let rel_ok =
        |r: &policygraph::model::Relation| policygraph::graph::relation_exists_on(r, as_of);
    let (deadlines, owes) = if exists {
        judged(&store, e, as_of)?
    } else {
        (Vec::new(), Vec::new())
    };
    if ctx.json {
        let incoming = node
            .incoming
            .iter()
            .filter(|(p, r)| exists && rel_ok(r) && p.exists_on(as_of))
            .map(|(p, r)| Incoming {
                from: &p.id,
                from_kind: p.kind,
                from_name: &p.name,
                relation: r.rel,
                reads: r.rel.inverse_name(),
                date: r.date,
                note: &r.note,
            })
            .collect();
        super::print_json(&ShowJson {
            as_of,
            id: &e.id,
            exists,
            first_seen: e.first_seen(),
            status,
            status_since,
            path: &node.path,
            merged: &node.merged,
            // Nothing of an entity that did not exist yet: all of it is
            // later than the day.
            entity: exists.then_some(e),
            incoming,
            deadlines,
            owes,
        })?;
        return Ok(if exists { Status::Ok } else { Status::Found });
    }
    let mut out = anstream::stdout().lock();
    if !exists {
        write_not_yet(&mut out, e, as_of)?;
        return Ok(Status::Found);
    }
    render_node(&mut out, ctx, &store, &node, &deadlines, &owes)?;
    Ok(Status::Ok)
}

/// The entity's deadlines judged on `--as-of` (else today), and the
/// deadlines others set that it owes (found through the index), by due
/// date.
fn judged(
    store: &Store,
    e: &policygraph::model::Entity,
    as_of: Option<Date>,
) -> anyhow::Result<(Vec<DeadlineStatus>, Vec<DeadlineStatus>)> {
    let day = status_day(as_of);
    let get = |id: &str| store.node(id).ok().flatten().map(|n| n.entity.clone());
    let own = e
        .deadlines
        .iter()
        .map(|d| policygraph::track::judge(d, e, get, day))
        .collect();
    let mut owes = Vec::new();
    if e.kind.is_actor() {
        for setter in store.owed_by(&e.id)? {
            let s = &setter.entity;
            if !s.exists_on(Some(day)) {
                continue;
            }
            for d in s.deadlines.iter().filter(|d| d.owner == e.id) {
                owes.push(policygraph::track::judge(d, s, get, day));
            }
        }
        owes.sort_by_key(|d| d.due);
    }
    Ok((own, owes))
}

/// `<id> did not exist yet on <as-of>: its first event is on <date>.`
fn write_not_yet(
    out: &mut dyn Write,
    e: &policygraph::model::Entity,
    as_of: Option<Date>,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{}{}{} did not exist yet on {}: its first event is on {}.",
        ID.render(),
        e.id,
        ID.render_reset(),
        as_of.map(|d| d.to_string()).unwrap_or_default(),
        e.first_seen().map(|d| d.to_string()).unwrap_or_default()
    )
}

/// For graph commands: when one of `ids` did not exist yet on `--as-of`,
/// says so on stderr and returns true. There is then nothing to answer,
/// which exits 1 as `show` does (not 2: the date is a valid one).
pub(super) fn any_not_yet(
    store: &policygraph::store::Store,
    ids: &[&str],
    as_of: Option<Date>,
) -> anyhow::Result<bool> {
    for id in ids {
        if let Some(node) = store.node(id)? {
            if !node.entity.exists_on(as_of) {
                write_not_yet(&mut anstream::stderr().lock(), &node.entity, as_of)?;
                return Ok(true);
            }
        }
    }
    Ok(false)
}

fn render_node(
    out: &mut dyn Write,
    ctx: &Ctx,
    store: &policygraph::store::Store,
    node: &Node,
    deadlines: &[DeadlineStatus],
    owes: &[DeadlineStatus],
) -> std::io::Result<()> {
    let as_of = ctx.as_of;
    let lang = ctx.lang.as_deref();
    // Peers are named in `--lang` too.
    let peer_name = |p: &policygraph::store::Peer| match lang {
        None => p.name.clone(),
        Some(_) => ctx.local_name(store, &p.id, &p.name),
    };
    let e = &node.entity;
    let (b, r) = (BOLD.render(), BOLD.render_reset());
    writeln!(
        out,
        "{}{}{}  {}  {}  {}",
        ID.render(),
        e.id,
        ID.render_reset(),
        e.kind,
        e.jurisdiction,
        node.path
    )?;
    // Where the rest of it comes from: the imported files merged into it.
    for p in &node.merged {
        writeln!(
            out,
            "{d}  + {p}{dr}",
            d = DIM.render(),
            dr = DIM.render_reset()
        )?;
    }
    // The name in `--lang` heads the entry; the others follow, English
    // first.
    let shown = e.name_in(lang);
    writeln!(out, "{b}{shown}{r}{}", confidence_mark(e.confidence))?;
    if shown != e.name {
        writeln!(out, "  en: {}", e.name)?;
    }
    for (tag, n) in &e.names {
        if Some(tag.as_str()) != lang {
            writeln!(out, "  {tag}: {n}")?;
        }
    }
    if !e.aliases.is_empty() {
        writeln!(out, "  aliases: {}", e.aliases.join("; "))?;
    }
    if e.kind.has_status() {
        let when = as_of.map(|d| format!(" as of {d}")).unwrap_or_default();
        let day = status_day(as_of);
        match e.status_since(Some(day)) {
            Some((s, since)) => writeln!(out, "  status{when}: {b}{s}{r} (since {since})")?,
            None => writeln!(out, "  status{when}: no events")?,
        }
    }
    if let Some(f) = &e.figure {
        writeln!(
            out,
            "  value: {} {} as of {}",
            policygraph::model::format_value(f.value),
            f.unit,
            f.as_of
        )?;
        if let Some(d) = &f.derived {
            writeln!(out, "  derived: {d}")?;
        }
    }
    if !e.identifiers.is_empty() || e.session.is_some() {
        writeln!(out, "\n{b}identifiers{r}")?;
        if let Some(session) = &e.session {
            writeln!(out, "  {:<18} {session}", "(session)")?;
        }
        for i in &e.identifiers {
            writeln!(
                out,
                "  {:<18} {}{}",
                i.scheme.name(),
                i.value,
                confidence_mark(i.confidence)
            )?;
        }
    }
    if !e.sponsors.is_empty() {
        // A Congress bill can have hundreds of cosponsors: name the
        // sponsors and the first cosponsors, count the rest.
        const SHOWN: usize = 12;
        writeln!(out, "\n{b}sponsors{r}")?;
        for s in e.sponsors.iter().take(SHOWN) {
            let party = s
                .party
                .as_deref()
                .map(|p| format!(" ({p})"))
                .unwrap_or_default();
            writeln!(out, "  {:<10} {}{party}", s.role.name(), s.name)?;
        }
        if e.sponsors.len() > SHOWN {
            writeln!(
                out,
                "  ... and {} more (--json lists all)",
                e.sponsors.len() - SHOWN
            )?;
        }
    }
    if !e.summary.is_empty() || !e.summaries.is_empty() {
        writeln!(out, "\n{b}summary{r}")?;
        // The summary in `--lang` first, then English, then the others.
        let chosen = lang.and_then(|l| e.summaries.get_key_value(l));
        if let Some((tag, s)) = chosen {
            writeln!(out, "  [{tag}] {s}")?;
        }
        if !e.summary.is_empty() {
            writeln!(out, "  {}", e.summary)?;
        }
        for (tag, s) in &e.summaries {
            if chosen.is_none_or(|(c, _)| c != tag) {
                writeln!(out, "  [{tag}] {s}")?;
            }
        }
    }
    if let Some((path, text)) = text_of(ctx, node) {
        let outline = policygraph::doctext::Outline::read(&text);
        writeln!(
            out,
            "\n{b}text{r}  {path} ({} paragraphs; `show --text` prints it)",
            outline.paragraphs.len()
        )?;
        for h in &outline.headings {
            writeln!(out, "  {h}")?;
        }
        for s in &outline.sections {
            if s.heading.is_empty() {
                writeln!(out, "  {}", s.label)?;
            } else {
                writeln!(out, "  {}. {}", s.label, s.heading)?;
            }
        }
    }
    let (outgoing, incoming) = node.grouped(as_of);
    let lines = |g: policygraph::store::Groups| -> BTreeMap<&str, Vec<String>> {
        g.into_iter()
            .map(|(rel, items)| {
                let lines = items
                    .into_iter()
                    .map(|(p, r)| edge_line(&p.id, &peer_name(p), r))
                    .collect();
                (rel, lines)
            })
            .collect()
    };
    write_groups(out, "relations", &lines(outgoing))?;
    let incoming = lines(incoming);
    write_groups(out, "incoming", &incoming)?;
    let events: Vec<_> = e
        .events
        .iter()
        .filter(|ev| as_of.is_none_or(|d| ev.date <= d))
        .collect();
    if !events.is_empty() {
        writeln!(out, "\n{b}timeline{r}")?;
        for ev in events {
            let by = ev
                .by
                .as_ref()
                .map(|b| format!(" [by {b}]"))
                .unwrap_or_default();
            let src = ev.source.map(|s| format!(" [{s}]")).unwrap_or_default();
            writeln!(
                out,
                "  {}  {:<18} {}{by}{src}{}",
                ev.date,
                ev.stage.name(),
                ev.note,
                confidence_mark(ev.confidence)
            )?;
        }
    }
    // Deadlines with their state on `--as-of` (else today), as
    // `deadlines` judges them.
    let state = |d: &DeadlineStatus| {
        let (style, text) = super::deadlines::describe(d);
        format!("{}{text}{}", style.render(), style.render_reset())
    };
    if !deadlines.is_empty() {
        writeln!(out, "\n{b}deadlines{r}")?;
        for d in deadlines {
            match d.kind {
                DeadlineKind::Public => writeln!(
                    out,
                    "  {}  open to the public (filed with {}): {}",
                    d.due, d.owner.id, d.what
                )?,
                DeadlineKind::Owed => {
                    writeln!(out, "  {}  owed by {}: {}", d.due, d.owner.id, d.what)?
                }
            }
            writeln!(out, "              {}", state(d))?;
            if !d.fulfilled_by.is_empty() {
                writeln!(
                    out,
                    "              fulfilled by: {}",
                    d.fulfilled_by.join(", ")
                )?;
            }
        }
    }
    if !owes.is_empty() {
        writeln!(out, "\n{b}deadlines owed{r}")?;
        for d in owes {
            writeln!(out, "  {}  set by {}: {}", d.due, d.set_by.id, d.what)?;
            writeln!(out, "              {}", state(d))?;
        }
    }
    if !e.notes.is_empty() {
        writeln!(out, "\n{b}notes{r}")?;
        for n in &e.notes {
            writeln!(out, "  {}{n}{}", WARN.render(), WARN.render_reset())?;
        }
    }
    if !e.sources.is_empty() {
        writeln!(out, "\n{b}sources{r}")?;
        for (i, s) in e.sources.iter().enumerate() {
            let mut line = format!("  [{i}] {}", s.title);
            if let Some(p) = &s.publisher {
                line.push_str(&format!(" — {p}"));
            }
            if let Some(d) = s.date {
                line.push_str(&format!(", {d}"));
            }
            if let Some(d) = s.retrieved {
                line.push_str(&format!(" (retrieved {d})"));
            }
            writeln!(out, "{line}")?;
            if let Some(u) = &s.url {
                writeln!(out, "      {}{u}{}", DIM.render(), DIM.render_reset())?;
            }
        }
    }
    if !e.tags.is_empty() {
        writeln!(out, "\ntags: {}", e.tags.join(", "))?;
    }
    if let Some(p) = &e.provenance {
        let what = if p.incomplete {
            "incomplete placeholder"
        } else {
            "official data"
        };
        writeln!(
            out,
            "\nimported: {what} from {} ({}), retrieved {}",
            p.importer, p.from, p.retrieved
        )?;
    }
    Ok(())
}

/// The day a status is read on: `--as-of`, else today. An event scheduled
/// after today is listed in the timeline but is not a status yet.
pub(super) fn status_day(as_of: Option<Date>) -> Date {
    as_of.unwrap_or_else(Date::today)
}

/// A titled section of relations grouped by name (nothing when empty).
fn write_groups(
    out: &mut dyn Write,
    title: &str,
    groups: &BTreeMap<&str, Vec<String>>,
) -> std::io::Result<()> {
    if groups.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{}{title}{}", BOLD.render(), BOLD.render_reset())?;
    for (rel, lines) in groups {
        writeln!(out, "  {rel}")?;
        for l in lines {
            writeln!(out, "    {l}")?;
        }
    }
    Ok(())
}

fn edge_line(id: &str, name: &str, r: &policygraph::model::Relation) -> String {
    let mut l = format!("{id}  {name}");
    if let Some(d) = r.date {
        l.push_str(&format!("  ({d})"));
    }
    if !r.note.is_empty() {
        l.push_str(&format!(" — {}", r.note));
    }
    l.push_str(confidence_mark(r.confidence));
    if let Some(ev) = &r.evidence {
        let section = if ev.section.is_empty() {
            String::new()
        } else {
            format!("{}: ", ev.section)
        };
        l.push_str(&format!("\n        {section}“{}”", ev.quote));
    }
    l
}
