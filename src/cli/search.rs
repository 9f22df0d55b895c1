//! `policygraph search`: ranked full-text search.

use std::io::Write;

use policygraph::model::{Date, Kind, Stage};
use policygraph::search::{search, SearchOptions, WhyEmpty};

use super::flags::{parse_jurisdiction, parse_since, parse_until, AsOfOpt, JsonOpt, LangOpt};
use super::render::{self, DIM, HIT, ID};
use super::{Ctx, Status};

/// Options of `search`.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The query: words, "phrases", -excluded, field:value (fields: name,
    /// ident, body, id, kind, jurisdiction, status, tag).
    #[arg(required = true, num_args = 1.., value_name = "QUERY")]
    pub query: Vec<String>,
    /// At most this many hits (the last line says how many of how many).
    #[arg(long, short = 'n', default_value_t = 10)]
    pub limit: usize,
    /// Only this kind (repeatable).
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<Kind>,
    /// Only this jurisdiction: `US` (or `federal`) for federal entities,
    /// `US-TX`, `TX` or `Texas` for a state, `US-` (or `states`) for every
    /// state.
    #[arg(long, value_name = "J", value_parser = parse_jurisdiction)]
    pub jurisdiction: Option<String>,
    /// Only this status (repeatable).
    #[arg(long = "status", value_name = "STAGE")]
    pub statuses: Vec<Stage>,
    /// Only entities with a date (event, deadline, figure) in or after this
    /// period: `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (alias `--from`).
    #[arg(long, visible_alias = "from", value_name = "DATE", value_parser = parse_since)]
    pub since: Option<Date>,
    /// Only entities with a date in or before this period (`--until 2025`
    /// reaches 2025-12-31; alias `--to`).
    #[arg(long, visible_alias = "to", value_name = "DATE", value_parser = parse_until)]
    pub until: Option<Date>,
    /// Also count all matches by kind, jurisdiction and status.
    #[arg(long)]
    pub facets: bool,
    /// Where to look: `names` (names, aliases, identifiers), `text`
    /// (documents' own texts), or `all`.
    #[arg(long = "in", value_enum, default_value_t = policygraph::search::Within::All, value_name = "WHERE")]
    pub within: policygraph::search::Within,
    /// Show how each hit's score was made: each field's part, the lifts,
    /// and the entity's prior (see docs/search.md, "Ranking").
    #[arg(long)]
    pub explain: bool,
    #[command(flatten)]
    pub json: JsonOpt,
    #[command(flatten)]
    pub as_of: AsOfOpt,
    #[command(flatten)]
    pub lang: LangOpt,
}

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
        within: args.within,
        knowledge: Some(ctx.knowledge.clone()),
        explain: args.explain,
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
        for why in &res.why_empty {
            writeln!(e, "  {}", why_line(why))?;
        }
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
            let section = h
                .snippet
                .section
                .as_deref()
                .map(|s| format!("{s}: "))
                .unwrap_or_default();
            writeln!(out, "    {section}{}", highlight(&h.snippet, color))?;
        }
        if let Some(x) = &h.explain {
            writeln!(
                out,
                "{}    {}{}",
                DIM.render(),
                explain_line(h.score, x),
                DIM.render_reset()
            )?;
        }
    }
    let shown = res.hits.len();
    let summary = match (res.total, shown < res.total) {
        (1, _) => "1 match".to_owned(),
        (n, false) => format!("{n} matches"),
        (n, true) => format!("{shown} of {n} matches (--limit N for more)"),
    };
    writeln!(out, "\n{}{summary}{}", DIM.render(), DIM.render_reset())?;
    if let Some(f) = &res.facets {
        for (group, counts) in f {
            let parts: Vec<String> = counts.iter().map(|(k, n)| format!("{k} {n}")).collect();
            writeln!(out, "  {group}: {}", parts.join(", "))?;
        }
    }
    Ok(Status::Ok)
}

/// A hit's score taken apart, on one line:
/// `score 84.62 = (name 32.66 + body 8.27 + procedural 0.47) × prior 2.044 (kind 1.6, linked to 3)`.
fn explain_line(score: f32, x: &policygraph::search::Explain) -> String {
    let mut parts: Vec<String> = x
        .fields
        .iter()
        .map(|f| format!("{} {:.2}", f.field, f.score))
        .collect();
    for (what, v) in [("phrase", x.phrase), ("other", x.other)] {
        if v != 0.0 {
            parts.push(format!("{what} {v:.2}"));
        }
    }
    if parts.is_empty() {
        parts.push("0".into());
    }
    let moved = if x.follows_founded {
        "; moved up under the hit it established"
    } else {
        ""
    };
    let exact = if x.exact_name > 0.0 {
        format!(" + exact name {:.0}", x.exact_name)
    } else {
        String::new()
    };
    let prior = format!(
        "prior {:.3} (kind {}, linked to {})",
        x.prior.value, x.prior.kind, x.prior.linked
    );
    if !x.prior_applied {
        return format!(
            "score {score:.2} = {}; a close spelling: no {prior}{moved}",
            parts.join(" + ")
        );
    }
    format!(
        "score {score:.2} = ({}) × {prior}{exact}{moved}",
        parts.join(" + ")
    )
}

/// One reason for an empty result, for people.
fn why_line(why: &WhyEmpty) -> String {
    let n = |m: usize| {
        if m == 1 {
            "1 entity".to_owned()
        } else {
            format!("{m} entities")
        }
    };
    match why {
        WhyEmpty::Word { word } => format!("no entity has the word `{word}` (nor a close spelling)"),
        WhyEmpty::NotTogether { exact_only: false } => {
            "each word is found somewhere, but no entity has them all".to_owned()
        }
        WhyEmpty::NotTogether { exact_only: true } => {
            "no entity has all of it; a query with fields, quotes or operators matches exactly, without close spellings".to_owned()
        }
        WhyEmpty::FilterMatchesNothing { filter } => {
            format!("{filter} matches no entity at all")
        }
        WhyEmpty::FilterLeftNothing { filter, matches } => format!(
            "{filter} leaves none of the {} that the query matches",
            n(*matches)
        ),
        WhyEmpty::FiltersTogether { matches } => format!(
            "the query matches {} without filters; each filter alone keeps some, but none passes them all",
            n(*matches)
        ),
    }
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
