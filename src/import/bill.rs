//! Bills, whatever their source: bill-number normalisation, sessions,
//! stable ids, the stage mapping shared by the Open States, LegiScan and
//! unitedstates/congress importers, and the conversion of one parsed bill
//! ([`BillRecord`]) into an [`Entity`].
//!
//! Every source module parses its own JSON into a [`BillRecord`] and tags
//! each action with a [`Meaning`]; [`resolve_stages`] then turns meanings
//! into stages in date order, because "passed one chamber" or "passed both"
//! depends on which chambers passed the bill before.

use std::collections::BTreeSet;
use std::fmt;

use crate::model::{
    Date, Entity, Event, IdScheme, Identifier, Kind, RelationKind, Source, Sponsor, Stage,
};

/// A bill number in canonical form: an upper-case type prefix and a
/// number without leading zeros (`S 1582`, `HB 302`, `HJRES 1`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BillNumber {
    /// Letters only, upper case: `S`, `HR`, `HB`, `SJR`, `HCONRES`.
    pub prefix: String,
    /// Digits without leading zeros, then an optional letter suffix.
    pub number: String,
}

impl BillNumber {
    /// Parses a bill number as sources and people write it: `S 1582`,
    /// `S. 1582`, `s1582`, `H.R. 3633`, `HB0201`, `H.B. 302`, `SJR 1`,
    /// `H.Con.Res. 14`. `None` when there is no prefix or no number.
    pub fn parse(raw: &str) -> Option<BillNumber> {
        let s = raw.trim();
        let split = s.find(|c: char| c.is_ascii_digit())?;
        let (head, tail) = s.split_at(split);
        if !head
            .chars()
            .all(|c| c.is_ascii_alphabetic() || matches!(c, '.' | ' ' | '-' | '_'))
        {
            return None;
        }
        let prefix: String = head
            .chars()
            .filter(char::is_ascii_alphabetic)
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if prefix.is_empty() || prefix.len() > 10 {
            return None;
        }
        let digits: String = tail.chars().take_while(char::is_ascii_digit).collect();
        let suffix = tail[digits.len()..].trim();
        if !suffix.chars().all(|c| c.is_ascii_alphabetic()) || suffix.len() > 2 {
            return None;
        }
        let trimmed = digits.trim_start_matches('0');
        let number = format!(
            "{}{}",
            if trimmed.is_empty() { "0" } else { trimmed },
            suffix.to_ascii_uppercase()
        );
        Some(BillNumber { prefix, number })
    }

    /// The form used in ids: `s-1582`, `hb-302`.
    pub fn slug(&self) -> String {
        format!(
            "{}-{}",
            self.prefix.to_ascii_lowercase(),
            self.number.to_ascii_lowercase()
        )
    }

    /// LegiScan writes federal bills with state-style prefixes: `HB` is a
    /// House bill (H.R.), `HR` a House *resolution* (H.Res.), `SB` a Senate
    /// bill (S.). This maps them onto the Congress prefixes.
    pub fn from_legiscan_federal(self) -> BillNumber {
        let prefix = match self.prefix.as_str() {
            "HB" => "HR",
            "SB" => "S",
            "HR" => "HRES",
            "SR" => "SRES",
            "HJR" => "HJRES",
            "SJR" => "SJRES",
            "HCR" => "HCONRES",
            "SCR" => "SCONRES",
            other => other,
        };
        BillNumber {
            prefix: prefix.to_owned(),
            number: self.number,
        }
    }
}

impl fmt::Display for BillNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.prefix, self.number)
    }
}

/// A bill number qualified by its jurisdiction and session: what makes a
/// bill unique, and what curated bills are matched on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct BillKey {
    /// `US` or `US-NH`.
    pub jurisdiction: String,
    /// The canonical session ([`session_slug`]): `119`, `2025`.
    pub session: String,
    /// The bill number.
    pub number: BillNumber,
}

impl BillKey {
    /// The stable, readable id: jurisdiction, session and number in lower
    /// case joined by `-` (`us-119-s-1582`, `us-nh-2025-hb-302`). `None`
    /// when the result is not a valid id (longer than 64 characters).
    pub fn id(&self) -> Option<String> {
        let id = format!(
            "{}-{}-{}",
            self.jurisdiction.to_ascii_lowercase(),
            self.session,
            self.number.slug()
        );
        crate::model::valid_id(&id).then_some(id)
    }
}

impl BillKey {
    /// Whether this is a simple resolution, which only its own chamber
    /// votes on: `HRES` and `SRES` in Congress; `HR` and `SR` (a House or
    /// Senate resolution) in a state, where `HR` is not a bill.
    pub fn is_simple_resolution(&self) -> bool {
        match self.number.prefix.as_str() {
            "HRES" | "SRES" => true,
            "HR" | "SR" => self.jurisdiction != "US",
            _ => false,
        }
    }

    /// The import key that matches this bill across sources and against
    /// curated entities: scheme `bill`, value `US-NH 2025 HB 302`.
    pub fn import_key(&self) -> super::Key {
        super::Key::new(
            IdScheme::Bill,
            &format!("{} {} {}", self.jurisdiction, self.session, self.number),
        )
    }
}

/// The bill keys of an entity that carries a session: one per `bill`
/// identifier, qualified by the entity's jurisdiction and session. Curated
/// bills are found by these.
pub fn entity_keys(e: &Entity) -> Vec<super::Key> {
    let Some(session) = e.session.as_deref().and_then(session_slug) else {
        return Vec::new();
    };
    e.identifiers
        .iter()
        .filter(|i| i.scheme == IdScheme::Bill)
        .filter_map(|i| BillNumber::parse(&i.value))
        .map(|number| {
            BillKey {
                jurisdiction: e.jurisdiction.clone(),
                session: session.clone(),
                number,
            }
            .import_key()
        })
        .collect()
}

impl fmt::Display for BillKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} ({})",
            self.jurisdiction, self.number, self.session
        )
    }
}

/// A session name in id form: lower case, runs of anything but `a-z0-9`
/// become one `-`. `None` when nothing is left.
pub fn session_slug(raw: &str) -> Option<String> {
    let mut out = String::new();
    for c in raw.trim().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_owned();
    (!out.is_empty()).then_some(out)
}

/// Legislatures whose sessions Open States names by their number rather
/// than a year, with one numbered legislature and the year it first met:
/// each sits for two years, so the Nth first met `year + 2 * (N - n)`.
const NUMBERED: &[(&str, u32, i32)] = &[
    ("US-AK", 34, 2025),
    ("US-AZ", 57, 2025),
    ("US-DC", 26, 2025),
    ("US-DE", 153, 2025),
    ("US-IL", 104, 2025),
    ("US-MA", 194, 2025),
    ("US-ME", 132, 2025),
    ("US-MI", 103, 2025),
    ("US-MN", 94, 2025),
    ("US-MT", 69, 2025),
    ("US-ND", 69, 2025),
    ("US-NE", 109, 2025),
    ("US-NJ", 221, 2024),
    ("US-NV", 83, 2025),
    ("US-OH", 136, 2025),
    ("US-SC", 126, 2025),
    ("US-TN", 114, 2025),
    ("US-TX", 89, 2025),
    ("US-WI", 107, 2025),
];

/// The session of a numbered legislature's bill (see [`NUMBERED`]): Texas
/// `89R` and Ohio `136` are `2025`; Texas `891` (the 89th's first called
/// session) is `2025s1`; Arizona `57th-2nd-regular` is `2026` (its second
/// regular session). `None` when the name is not of these forms.
fn numbered_session(jurisdiction: &str, t: &str) -> Option<String> {
    let &(_, base_n, base_year) = NUMBERED.iter().find(|(j, _, _)| *j == jurisdiction)?;
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let rest: String = t[digits.len()..]
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let year_of = |n: u32| -> Option<i32> {
        let n = i32::try_from(n).ok()?;
        let b = i32::try_from(base_n).ok()?;
        // A century either way: a number out of that is not a legislature.
        (n > b - 50 && n < b + 50).then(|| base_year + 2 * (n - b))
    };
    let width = base_n.to_string().len();
    let (n, special) = match digits.parse::<u32>().ok()? {
        n if digits.len() <= width => (n, None),
        // `891`: the 89th legislature, called session 1.
        _ => (
            digits.get(..width)?.parse::<u32>().ok()?,
            Some(digits.get(width..)?.parse::<u32>().ok()?),
        ),
    };
    let year = year_of(n)?;
    // `th`, `st`, `nd`, `rd` after a number.
    let unordinal = |r: &str| -> String {
        ["th", "st", "nd", "rd"]
            .iter()
            .find_map(|o| r.strip_prefix(o))
            .unwrap_or(r)
            .to_owned()
    };
    let ordinal = |r: &str| -> Option<(u32, String)> {
        let k: String = r.chars().take_while(char::is_ascii_digit).collect();
        Some((k.parse().ok()?, unordinal(&r[k.len()..])))
    };
    let rest = unordinal(&rest);
    let rest = rest.as_str();
    match (special, rest) {
        (Some(k), "") => Some(format!("{year}s{k}")),
        (None, "" | "r" | "regular" | "regularsession") => Some(year.to_string()),
        (None, r) => match ordinal(r)? {
            // Arizona: `57th-2nd-regular`, a regular session each year.
            (k, tail) if tail == "regular" && (1..=2).contains(&k) => {
                Some((year + i32::try_from(k).ok()? - 1).to_string())
            }
            _ => None,
        },
        _ => None,
    }
}

/// The canonical session of a state bill from a session name that begins
/// with a year (`2025`, `2023_24`, `2023-2024`, `2025S1`, `2025 Special
/// Session 1`): the first year, plus `s<N>` for a special session. A
/// numbered legislature's name is read as the year it first met (Texas
/// `89R` is `2025`), so that Open States and LegiScan meet. Other names are
/// kept as their [`session_slug`].
pub fn state_session(jurisdiction: &str, raw: &str) -> Option<String> {
    let t = raw.trim();
    let year: String = t.chars().take_while(char::is_ascii_digit).collect();
    if year.len() != 4 {
        return numbered_session(jurisdiction, t).or_else(|| session_slug(t));
    }
    let rest: String = t[4..]
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    // `2023_24`, `2023-2024`, `2025r`, `2025 regular session`: the year.
    let continuation = rest.is_empty()
        || (rest.chars().all(|c| c.is_ascii_digit()) && matches!(rest.len(), 2 | 4))
        || rest == "r"
        || rest.starts_with("regular");
    if continuation {
        return Some(year);
    }
    let special = rest.starts_with('s') || rest.contains("special") || rest.contains("extra");
    if special {
        let n: String = rest
            .chars()
            .skip_while(|c| !c.is_ascii_digit())
            .take_while(char::is_ascii_digit)
            .collect();
        let n = if n.is_empty() { "1".to_owned() } else { n };
        return Some(format!("{year}s{n}"));
    }
    session_slug(t)
}

/// The Congress that sat in `year` (the 119th from 2025 to 2026).
pub fn congress_of_year(year: i32) -> Option<u32> {
    (year >= 1789).then(|| ((year - 1789) / 2 + 1) as u32)
}

/// A chamber, as far as passage is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Chamber {
    /// House, Assembly, House of Delegates.
    Lower,
    /// Senate.
    Upper,
    /// A one-chamber legislature (Nebraska, DC): one passage is final.
    Unicameral,
    /// The governor or president.
    Executive,
    /// Not given.
    Unknown,
}

impl Chamber {
    /// Reads `lower`, `upper`, `legislature`, `executive`, `H`, `S`,
    /// `house`, `senate` and the like.
    pub fn parse(raw: &str) -> Chamber {
        match raw.trim().to_ascii_lowercase().as_str() {
            "lower" | "h" | "house" | "a" | "assembly" => Chamber::Lower,
            "upper" | "s" | "senate" => Chamber::Upper,
            "legislature" | "l" | "council" | "joint" => Chamber::Unicameral,
            "executive" | "e" | "governor" | "president" => Chamber::Executive,
            _ => Chamber::Unknown,
        }
    }

    /// For notes: `House`, `Senate`, …
    pub fn label(self) -> Option<&'static str> {
        match self {
            Chamber::Lower => Some("House"),
            Chamber::Upper => Some("Senate"),
            Chamber::Unicameral => Some("Legislature"),
            Chamber::Executive => Some("Executive"),
            Chamber::Unknown => None,
        }
    }
}

/// What one official action means for the bill's status, before the
/// order of actions is taken into account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Meaning {
    /// A stage of its own.
    Stage(Stage),
    /// Passage by a chamber: "passed one chamber" the first time,
    /// "passed both" once a second chamber passed it.
    Passage(Chamber),
    /// Passage by a chamber with an amendment of its own: in the second
    /// chamber, the first must agree before the bill passed both.
    AmendedPassage(Chamber),
    /// A chamber agreeing to the other chamber's amendment (concurring);
    /// `true` when it adds an amendment of its own.
    Agreement(Chamber, bool),
    /// A chamber adopting a conference committee's report.
    ConferenceAdopted(Chamber),
    /// A known kind of action with no stage (a reading, an amendment).
    Plain,
    /// No classification at all.
    Unclassified,
    /// A classification the mapping does not know; kept and counted.
    Unknown,
}

pub use super::passage::{refine, resolve_stages};

/// Reads a source date: `2025-05-01`, or a timestamp such as
/// `2025-05-01T04:00:00+00:00`, whose calendar date is taken as written.
/// `Ok(None)` for an empty value; `Err` for an impossible one.
pub fn parse_date(raw: &str) -> Result<Option<Date>, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let day = t.get(..10).unwrap_or(t);
    day.parse::<Date>()
        .map(Some)
        .map_err(|e| format!("{e} (in `{t}`)"))
}

/// The time zone a legislature keeps its record in: its capital's. Open
/// States gives Congress's actions as instants in UTC, so that a House
/// vote at 11 pm in Washington is written the next day; read in this zone,
/// it is back on its own day.
pub fn record_zone(jurisdiction: &str) -> Option<jiff::tz::TimeZone> {
    let name = match jurisdiction.strip_prefix("US-").unwrap_or("") {
        _ if jurisdiction == "US" => "America/New_York",
        "CT" | "DE" | "DC" | "FL" | "GA" | "KY" | "ME" | "MD" | "MA" | "NH" | "NJ" | "NY"
        | "NC" | "OH" | "PA" | "RI" | "SC" | "VT" | "VA" | "WV" => "America/New_York",
        "MI" => "America/Detroit",
        "IN" => "America/Indiana/Indianapolis",
        "AL" | "AR" | "IL" | "IA" | "KS" | "LA" | "MN" | "MS" | "MO" | "NE" | "ND" | "OK"
        | "SD" | "TN" | "TX" | "WI" => "America/Chicago",
        "CO" | "MT" | "NM" | "UT" | "WY" => "America/Denver",
        "ID" => "America/Boise",
        "AZ" => "America/Phoenix",
        "CA" | "NV" | "OR" | "WA" => "America/Los_Angeles",
        "AK" => "America/Juneau",
        "HI" => "Pacific/Honolulu",
        "PR" => "America/Puerto_Rico",
        "VI" => "America/St_Thomas",
        "GU" => "Pacific/Guam",
        "MP" => "Pacific/Saipan",
        "AS" => "Pacific/Pago_Pago",
        _ => return None,
    };
    jiff::tz::TimeZone::get(name).ok()
}

/// [`parse_date`], but an instant with a time and an offset
/// (`2025-07-17T03:04:08+00:00`) is the day it was in `zone`, the
/// legislature's (see [`record_zone`]). Midnight UTC exactly is taken for
/// a bare day, as sources write one. Without a zone, or without an
/// offset, the day is taken as written.
pub fn parse_date_in(raw: &str, zone: Option<&jiff::tz::TimeZone>) -> Result<Option<Date>, String> {
    let t = raw.trim();
    if let (Some(zone), true) = (zone, t.len() > 10) {
        if let Ok(ts) = t.parse::<jiff::Timestamp>() {
            let utc = ts.to_zoned(jiff::tz::TimeZone::UTC);
            let midnight_utc = utc.time() == jiff::civil::Time::midnight();
            if !midnight_utc {
                return Ok(Some(Date(ts.to_zoned(zone.clone()).date())));
            }
        }
    }
    parse_date(t)
}

/// The instant of an action, when the source gives a time of day:
/// `2026-04-30T20:43:45+00:00`. `None` for a bare day, which sources write
/// as midnight UTC or midnight in the legislature's `zone`
/// (`2026-04-30T04:00:00+00:00`), and for a date alone.
pub fn entry_instant(raw: &str, zone: Option<&jiff::tz::TimeZone>) -> Option<jiff::Timestamp> {
    let t = raw.trim();
    if t.len() <= 10 {
        return None;
    }
    let ts = t.parse::<jiff::Timestamp>().ok()?;
    let midnight =
        |z: &jiff::tz::TimeZone| ts.to_zoned(z.clone()).time() == jiff::civil::Time::midnight();
    if midnight(&jiff::tz::TimeZone::UTC) || zone.is_some_and(midnight) {
        return None;
    }
    Some(ts)
}

/// The date of the `i`th `what` (an action, a history line) of a bill, in
/// the legislature's `zone` (see [`parse_date_in`]); `None`, with a problem
/// noted, when it is empty or impossible, and the entry is then skipped.
pub fn entry_date(
    raw: &str,
    zone: Option<&jiff::tz::TimeZone>,
    what: &str,
    i: usize,
    problems: &mut Vec<String>,
) -> Option<Date> {
    match parse_date_in(raw, zone) {
        Ok(Some(d)) => Some(d),
        Ok(None) => {
            problems.push(format!("{what} {i}: no date; skipped"));
            None
        }
        Err(e) => {
            problems.push(format!("{what} {i}: {e}; skipped"));
            None
        }
    }
}

/// The first `MM/DD/YYYY` date in an action's text, if any: New Hampshire
/// writes the day a governor signed into the text of an action dated later.
pub fn text_date(text: &str) -> Option<Date> {
    let b = text.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let w = &b[i..i + 10];
        let digits = |r: std::ops::Range<usize>| w[r].iter().all(u8::is_ascii_digit);
        let boundary = i == 0 || !b[i - 1].is_ascii_digit();
        if boundary && digits(0..2) && w[2] == b'/' && digits(3..5) && w[5] == b'/' && digits(6..10)
        {
            let s = std::str::from_utf8(w).ok()?;
            let (m, d, y) = (&s[0..2], &s[3..5], &s[6..10]);
            format!("{y}-{m}-{d}").parse().ok()
        } else {
            None
        }
    })
}

/// Which source a bill came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BillSource {
    /// Open States bill JSON.
    OpenStates,
    /// LegiScan `getBill` JSON.
    Legiscan,
    /// unitedstates/congress `data.json`.
    Congress,
}

impl BillSource {
    /// The name on the command line and in `knowledge/imported/<name>/`.
    pub fn name(self) -> &'static str {
        match self {
            BillSource::OpenStates => "openstates",
            BillSource::Legiscan => "legiscan",
            BillSource::Congress => "congress",
        }
    }

    /// The publisher written in source entries.
    pub fn publisher(self) -> &'static str {
        match self {
            BillSource::OpenStates => "Open States",
            BillSource::Legiscan => "LegiScan (CC BY 4.0)",
            BillSource::Congress => "unitedstates/congress",
        }
    }
}

/// One official action, as parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    /// Its date.
    pub date: Date,
    /// Its text.
    pub text: String,
    /// The acting chamber.
    pub chamber: Chamber,
    /// What it means for the status.
    pub meaning: Meaning,
    /// The instant, when the source gives a time of day (see
    /// [`entry_instant`]): it tells which way a source lists the actions
    /// of one day.
    pub at: Option<jiff::Timestamp>,
}

/// A related bill named by the source.
#[derive(Clone, Debug, PartialEq)]
pub struct RelatedBill {
    /// Its key.
    pub key: BillKey,
    /// Why it is related (`companion`, `related`, `rule`, `identical`).
    pub reason: String,
}

/// Whether a bill is a House rule: a House resolution whose title begins
/// "Providing for consideration of" (H.Res. 580 of the 119th Congress).
pub fn is_rule(number: &BillNumber, title: &str) -> bool {
    number.prefix == "HRES"
        && title
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("providing for consideration")
}

/// The chamber a bill number belongs to, from its prefix (`H`ouse,
/// `A`ssembly, `S`enate); `None` when the prefix does not tell.
fn chamber_of(n: &BillNumber) -> Option<Chamber> {
    match n.prefix.chars().next() {
        Some('H' | 'A') => Some(Chamber::Lower),
        Some('S') => Some(Chamber::Upper),
        _ => None,
    }
}

/// How the record of a bill links a bill its source names as related.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Tie {
    /// A relation of this bill, with its note.
    Out(RelationKind, String),
    /// A relation of the other bill pointing at this one, with its note
    /// (a rule the source names beside the bill it provides for).
    In(RelationKind, String),
}

/// How the record of bill `b` links a bill its source names as related;
/// `None` for no link.
///
/// Open States' federal files call every related bill a "companion": the
/// rules that provided for a bill's debate, bills of the same chamber,
/// identical bills of the other. So:
/// - a rule links the bills it provides for with `rule_for`;
/// - a bill names its rule with `rule_for` pointing at itself when the
///   source says "rule" (unitedstates/congress); a federal bill does not
///   link the House resolutions Open States calls its "companions": its
///   rule links it from the rule's own record, which tells (by its title)
///   that it is one;
/// - a "companion" of the same chamber is `related` (companions are
///   identical bills in the other chamber).
pub fn tie(b: &BillRecord, r: &RelatedBill) -> Option<Tie> {
    let this = &b.key.number;
    let other = &r.key.number;
    let reason = r.reason.to_ascii_lowercase();
    if other.prefix != "HRES" {
        if is_rule(this, &b.title) || (this.prefix == "HRES" && reason == "rule") {
            return Some(Tie::Out(RelationKind::RuleFor, String::new()));
        }
    } else if this.prefix != "HRES" {
        if reason == "rule" {
            return Some(Tie::In(RelationKind::RuleFor, String::new()));
        }
        if b.key.jurisdiction == "US" && reason == "companion" {
            return None;
        }
    }
    let companion = matches!(reason.as_str(), "companion" | "identical");
    let same_chamber = chamber_of(this).is_some() && chamber_of(this) == chamber_of(other);
    let note = if companion && same_chamber {
        "related".to_owned()
    } else {
        r.reason.clone()
    };
    Some(Tie::Out(RelationKind::Related, note))
}

/// One bill as parsed from any source, before it becomes an entity.
#[derive(Clone, Debug, PartialEq)]
pub struct BillRecord {
    /// Where it came from.
    pub source: BillSource,
    /// Jurisdiction, session and number.
    pub key: BillKey,
    /// The main title (short title where there is one).
    pub title: String,
    /// Other titles (official, popular, other).
    pub other_titles: Vec<String>,
    /// A summary or description.
    pub summary: String,
    /// Source ids, public-law and chapter citations.
    pub identifiers: Vec<Identifier>,
    /// Dated official actions, in source order.
    pub actions: Vec<Action>,
    /// Sponsors and cosponsors.
    pub sponsors: Vec<Sponsor>,
    /// Related bills and companions.
    pub related: Vec<RelatedBill>,
    /// Subjects, as the source writes them.
    pub subjects: Vec<String>,
    /// Versions, documents and pages; the first is the record itself.
    pub sources: Vec<Source>,
    /// Impossible values met in this bill (reported, then skipped).
    pub problems: Vec<String>,
}

/// What [`BillRecord::to_entity`] met along the way.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Actions whose classification the mapping does not know.
    pub unknown_classifications: usize,
    /// Actions with no classification at all.
    pub unclassified: usize,
    /// Impossible dates left out (see `check::dates`), as the report
    /// words them.
    pub impossible: Vec<String>,
}

/// A tag from a subject: lower case, `a-z0-9` runs joined by `-`.
pub fn subject_tag(subject: &str) -> Option<String> {
    session_slug(subject)
}

impl BillRecord {
    /// The bill as an entity. Actions become events oldest first (a stable
    /// sort keeps source order within a day), with their text as the note
    /// and the record as their source; a bill that was signed or became law
    /// is a `statute`.
    pub fn to_entity(&self, id: &str) -> (Entity, Counts) {
        let mut counts = Counts::default();
        let order = chronological(&self.actions);
        let meanings: Vec<(Meaning, Chamber)> = order
            .iter()
            .map(|&i| {
                let a = &self.actions[i];
                (refine(a.meaning, &a.text), a.chamber)
            })
            .collect();
        let mut stages = resolve_stages(&meanings);
        if self.key.is_simple_resolution() {
            // Its own chamber's passage is final: `adopted`.
            for s in &mut stages {
                if matches!(s, Stage::PassedOneChamber | Stage::PassedBoth) {
                    *s = Stage::Adopted;
                }
            }
        }
        let mut events = Vec::with_capacity(order.len());
        let mut notes = Vec::new();
        for (&i, stage) in order.iter().zip(stages) {
            let a = &self.actions[i];
            match a.meaning {
                Meaning::Unknown => counts.unknown_classifications += 1,
                Meaning::Unclassified => counts.unclassified += 1,
                _ => {}
            }
            if matches!(stage, Stage::Signed | Stage::Vetoed | Stage::Enacted) {
                if let Some(d) = text_date(&a.text).filter(|d| *d != a.date && *d < a.date) {
                    notes.push(format!(
                        "{} ({}): the action is dated {} but its text says {}: \"{}\"",
                        stage,
                        self.source.publisher(),
                        a.date,
                        d,
                        a.text
                    ));
                }
            }
            events.push(Event {
                date: a.date,
                stage,
                note: match a.chamber.label() {
                    Some(ch) if !a.text.is_empty() => format!("[{ch}] {}", a.text),
                    Some(ch) => format!("[{ch}]"),
                    None => a.text.clone(),
                },
                by: None,
                source: Some(0),
                confidence: Default::default(),
            });
        }
        let enacted = events
            .iter()
            .any(|e| matches!(e.stage, Stage::Signed | Stage::Enacted));
        let mut identifiers = vec![Identifier {
            scheme: IdScheme::Bill,
            value: self.key.number.to_string(),
            confidence: Default::default(),
        }];
        for i in &self.identifiers {
            if !identifiers.contains(i) {
                identifiers.push(i.clone());
            }
        }
        let mut aliases: Vec<String> = Vec::new();
        let name = if self.title.trim().is_empty() {
            self.key.number.to_string()
        } else if let Some(short) = super::titles::short_title(&self.title, &self.other_titles) {
            // The official title stays, as an alias.
            aliases.push(self.title.trim().to_owned());
            short.to_owned()
        } else {
            self.title.trim().to_owned()
        };
        for t in &self.other_titles {
            let t = t.trim();
            if !t.is_empty() && t != name && !aliases.iter().any(|a| a == t) {
                aliases.push(t.to_owned());
            }
        }
        let mut tags: Vec<String> = self
            .subjects
            .iter()
            .filter_map(|s| subject_tag(s))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        tags.insert(0, format!("imported-{}", self.source.name()));
        let entity = Entity {
            text: None,
            id: id.to_owned(),
            kind: if enacted { Kind::Statute } else { Kind::Bill },
            name,
            names: Default::default(),
            aliases,
            jurisdiction: self.key.jurisdiction.clone(),
            session: Some(self.key.session.clone()),
            sponsors: self.sponsors.clone(),
            summary: self.summary.trim().to_owned(),
            summaries: Default::default(),
            identifiers,
            events,
            deadlines: Vec::new(),
            // Related bills become relations through the import's links
            // (see `bills::batch`), so that a bill not in the input gets a
            // placeholder.
            relations: Vec::new(),
            sources: self.sources.clone(),
            tags,
            figure: None,
            confidence: Default::default(),
            notes,
            provenance: None,
        };
        (entity, counts)
    }
}

/// The order of events of a bill's actions: by date, and within a day
/// in the order of the source, read backwards when the source lists
/// actions newest first (Open States' federal data does). Which way a
/// source runs is told by its dates, then by its times of day (Open
/// States gives a vote's instant, and a bare day for the rest). When
/// neither tells, as when every action falls on one day with no time, the
/// actions of a day are put in the order of the stages they mark
/// ([`precedence`]), source order breaking ties.
pub fn chronological(actions: &[Action]) -> Vec<usize> {
    let (mut up, mut down) = (0usize, 0usize);
    let mut vote = |o: std::cmp::Ordering| match o {
        std::cmp::Ordering::Less => up += 1,
        std::cmp::Ordering::Greater => down += 1,
        std::cmp::Ordering::Equal => {}
    };
    for w in actions.windows(2) {
        vote(w[0].date.cmp(&w[1].date));
    }
    let timed: Vec<jiff::Timestamp> = actions.iter().filter_map(|a| a.at).collect();
    for w in timed.windows(2) {
        vote(w[0].cmp(&w[1]));
    }
    let mut order: Vec<usize> = (0..actions.len()).collect();
    if down > up {
        order.reverse();
    }
    order.sort_by_key(|&i| actions[i].date);
    if up == 0 && down == 0 {
        // Within each day, the actions that mark a stage trade places so
        // that they run in stage order; the others stay where they are.
        let mut start = 0;
        while start < order.len() {
            let day = actions[order[start]].date;
            let end = start
                + order[start..]
                    .iter()
                    .take_while(|&&i| actions[i].date == day)
                    .count();
            let slots: Vec<usize> = (start..end)
                .filter(|&k| precedence(actions[order[k]].meaning).is_some())
                .collect();
            let mut staged: Vec<usize> = slots.iter().map(|&k| order[k]).collect();
            staged.sort_by_key(|&i| precedence(actions[i].meaning));
            for (k, i) in slots.into_iter().zip(staged) {
                order[k] = i;
            }
            start = end;
        }
    }
    order
}

/// Where an action's meaning stands in a bill's progress, for ordering
/// the actions of one day when the source does not tell their order:
/// introduction, referral, committee, passage, presentation, signature or
/// veto, then becoming law. `None` for an action with no stage.
pub fn precedence(m: Meaning) -> Option<u8> {
    Some(match m {
        Meaning::Stage(s) => match s {
            Stage::Announced => 0,
            Stage::Introduced => 1,
            Stage::Referred => 2,
            Stage::CommitteeAction | Stage::CommitteeFailed => 3,
            Stage::PassedBoth => 5,
            Stage::SentToExecutive => 6,
            Stage::Signed | Stage::Vetoed => 7,
            Stage::VetoOverridden => 8,
            Stage::Adopted => 4,
            Stage::Enacted => 9,
            _ => 4,
        },
        Meaning::Passage(_)
        | Meaning::AmendedPassage(_)
        | Meaning::Agreement(..)
        | Meaning::ConferenceAdopted(_) => 4,
        Meaning::Plain | Meaning::Unclassified | Meaning::Unknown => return None,
    })
}

/// What a source module makes of one file.
#[derive(Clone, Debug, PartialEq)]
pub enum Parsed {
    /// A bill.
    Bill(Box<BillRecord>),
    /// A record of the same source that is not a bill (a LegiScan person
    /// or roll call, a congress vote or amendment): skipped, and counted.
    Other(&'static str),
    /// A bill that cannot be imported at all (its number is unreadable):
    /// reported with the reason, and the rest of the input imported.
    Rejected(String),
    /// A page of an API's search results: each result as it was read,
    /// with its identifier when it has one.
    Page(Vec<(Option<String>, Parsed)>),
}

/// Why a file could not be read as the source's bill JSON.
#[derive(Debug)]
pub enum ParseError {
    /// Not JSON, or truncated, or a value of the wrong type: serde_json
    /// gives the line and column.
    Json(serde_json::Error),
    /// JSON, but not this source's bill format; `looks_like` names the
    /// importer whose format it resembles, when one does.
    WrongFormat {
        /// `openstates`, `legiscan`, `congress` or `federal-register`.
        looks_like: Option<&'static str>,
    },
}

impl From<serde_json::Error> for ParseError {
    fn from(e: serde_json::Error) -> ParseError {
        ParseError::Json(e)
    }
}

/// Which importer's format a JSON document looks like, from its keys.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    let v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let has = |o: &serde_json::Value, k: &str| o.get(k).is_some();
    if let Some(b) = v.get("bill") {
        if has(b, "bill_id") || has(b, "bill_number") {
            return Some("legiscan");
        }
    }
    if has(&v, "bill_id") && (has(&v, "bill_type") || has(&v, "congress")) {
        return Some("congress");
    }
    if has(&v, "identifier") && (has(&v, "legislative_session") || has(&v, "session")) {
        return Some("openstates");
    }
    if has(&v, "results") || has(&v, "document_number") || has(&v, "executive_order_number") {
        return Some("federal-register");
    }
    if v.as_array()
        .and_then(|a| a.first())
        .is_some_and(|x| has(x, "parent_id") && has(x, "slug"))
    {
        return Some("federal-register");
    }
    None
}

#[cfg(test)]
#[path = "bill_tests.rs"]
mod tests;

/// The real samples in `tests/fixtures/bills/`, read by each source and
/// mapped to stages.
#[cfg(test)]
#[path = "bill_fixtures.rs"]
mod fixtures;
