//! The options and value parsers that several commands share: `--json`,
//! `--as-of` and `--lang` (each offered only by the commands it changes),
//! and the parsers of language tags, periods and jurisdictions. Every
//! command file takes these from here, and `args.rs` for the global
//! options, so no command's arguments depend on another command's file.

use policygraph::model::Date;

/// The heading of `--json`, `--as-of` and `--lang`, where a command takes
/// them.
pub const OUTPUT: &str = "Output options";

/// `--json` where a command offers it.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct JsonOpt {
    /// Print JSON instead of text (see docs/json.md, "JSON output").
    #[arg(long, help_heading = OUTPUT)]
    pub json: bool,
}

/// `--as-of` where a command offers it.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct AsOfOpt {
    /// See the world as it stood on this day (YYYY-MM-DD): later entities,
    /// relations and events are hidden.
    #[arg(long, value_name = "DATE", help_heading = OUTPUT)]
    pub as_of: Option<Date>,
}

/// `--lang` where a command offers it.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct LangOpt {
    /// Show names in this language where known: `en`, `zh-Hant` (also
    /// `zh-TW`, `zh-HK`) or `zh-Hans` (also `zh-CN`, `zh-SG`); any case.
    #[arg(long, value_name = "LANG", value_parser = parse_lang, help_heading = OUTPUT)]
    pub lang: Option<String>,
}

/// `--lang`: a tag as typed, as the tag names are stored under.
pub fn parse_lang(s: &str) -> Result<String, String> {
    policygraph::model::lang_tag(s).map(str::to_owned)
}

/// `--since`: the first day of a period (`2025`, `2025-07`, `2025-07-18`).
pub fn parse_since(s: &str) -> Result<Date, String> {
    Date::period(s).map(|p| p.0).map_err(|e| e.0)
}

/// `--until`: the last day of a period (`2025` is up to 2025-12-31).
pub fn parse_until(s: &str) -> Result<Date, String> {
    Date::period(s).map(|p| p.1).map_err(|e| e.0)
}

/// `--jurisdiction`: checked here, passed on in its canonical form
/// (`US-TX` for `Texas`), which reads back the same.
pub fn parse_jurisdiction(s: &str) -> Result<String, String> {
    s.parse::<policygraph::select::Jurisdiction>()
        .map(|j| j.to_string())
}
