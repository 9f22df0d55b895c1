//! `policygraph search`: ranked full-text search.

use std::io::Write;

use policygraph::search::{search, SearchOptions};

use super::args::SearchArgs;
use super::render::{self, DIM, HIT, ID};
use super::{Ctx, Status};

/// Runs `search`.
pub fn run(ctx: &Ctx, args: &SearchArgs) -> anyhow::Result<Status> {
    if args.limit == 0 {
        // Zero hits would read as "no matches".
        return Err(policygraph::Error::Usage("--limit must be at least 1".into()).into());
    }
    let query = args.query.join(" ");
    // Check the query before touching the index, so a typo in it is
    // reported at once.
    policygraph::search::prepare_query(&query)?;
    let store = ctx.store()?;
    let opts = SearchOptions {
        query,
        limit: args.limit,
        kinds: args.kinds.clone(),
        jurisdiction: args.jurisdiction.clone(),
        status: args.statuses.clone(),
        since: args.since,
        until: args.until,
        as_of: ctx.as_of,
        facets: args.facets,
    };
    let res = search(&store, &opts, ctx.lang.as_deref())?;
    if ctx.json {
        super::print_json(&res)?;
        return Ok(if res.hits.is_empty() {
            Status::Found
        } else {
            Status::Ok
        });
    }
    if res.hits.is_empty() {
        let mut e = anstream::stderr().lock();
        writeln!(e, "no matches for `{}`", res.query)?;
        return Ok(Status::Found);
    }
    let color = render::color_stdout();
    let mut out = anstream::stdout().lock();
    if res.fuzzy {
        super::ctx::note("no exact matches; showing close spellings");
    }
    for (i, h) in res.hits.iter().enumerate() {
        let status = h.status.map(|s| format!("  {s}")).unwrap_or_default();
        writeln!(
            out,
            "{:>2}. {}{}{}  {}  {}{status}",
            i + 1,
            ID.render(),
            h.id,
            ID.render_reset(),
            h.kind,
            h.jurisdiction
        )?;
        writeln!(out, "    {}", h.local_name.as_deref().unwrap_or(&h.name))?;
        if !h.snippet.text.is_empty() {
            writeln!(out, "    {}", highlight(&h.snippet, color))?;
        }
    }
    if let Some(f) = &res.facets {
        writeln!(
            out,
            "\n{}{} match(es){}",
            DIM.render(),
            res.total,
            DIM.render_reset()
        )?;
        for (group, counts) in f {
            let parts: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
            writeln!(out, "  {group}: {}", parts.join(", "))?;
        }
    }
    Ok(Status::Ok)
}

fn highlight(s: &policygraph::search::Snippet, color: bool) -> String {
    let text = s.text.replace('\n', " ");
    if !color || s.highlights.is_empty() {
        return text;
    }
    let mut out = String::new();
    let mut at = 0;
    for r in &s.highlights {
        if r.start < at
            || r.end > text.len()
            || !text.is_char_boundary(r.start)
            || !text.is_char_boundary(r.end)
        {
            continue;
        }
        out.push_str(&text[at..r.start]);
        out.push_str(&format!(
            "{}{}{}",
            HIT.render(),
            &text[r.start..r.end],
            HIT.render_reset()
        ));
        at = r.end;
    }
    out.push_str(&text[at..]);
    out
}
