//! Plain data types of the knowledge format: entities, kinds, relations,
//! stages, dates and sources. No I/O happens here.
//!
//! These types are deserialized straight from the RON files under
//! `knowledge/` (with `deny_unknown_fields`, so a typo is reported with the
//! list of expected fields) and are also what the snapshot stores, so they
//! avoid serde features that non-self-describing formats cannot carry.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date, `YYYY-MM-DD`. Invalid dates (2025-02-30) are rejected
/// while parsing, so every `Date` in a loaded corpus is real.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub jiff::civil::Date);

impl Date {
    /// Builds a date from its parts; `None` when the day does not exist.
    pub fn new(year: i16, month: i8, day: i8) -> Option<Date> {
        jiff::civil::Date::new(year, month, day).ok().map(Date)
    }

    /// Today's date in the local time zone, or `POLICYGRAPH_TODAY` when set
    /// (tests pin "today" with it so that deadline states are reproducible).
    pub fn today() -> Date {
        if let Ok(s) = std::env::var("POLICYGRAPH_TODAY") {
            if let Ok(d) = s.parse() {
                return d;
            }
        }
        Date(jiff::Timestamp::now().to_zoned(local_zone()).date())
    }

    /// Days from `self` to `other` (positive when `other` is later).
    pub fn days_until(self, other: Date) -> i64 {
        let a = self.0.to_zoned(jiff::tz::TimeZone::UTC);
        let b = other.0.to_zoned(jiff::tz::TimeZone::UTC);
        match (a, b) {
            (Ok(a), Ok(b)) => (b.timestamp().as_second() - a.timestamp().as_second()) / 86_400,
            _ => 0,
        }
    }

    /// The date `days` days later (or earlier, when negative).
    pub fn add_days(self, days: i64) -> Date {
        match self.0.checked_add(jiff::Span::new().days(days)) {
            Ok(d) => Date(d),
            Err(_) => self,
        }
    }

    /// Days since 1970-01-01, for compact storage and date fields.
    pub fn unix_days(self) -> i64 {
        Date(jiff::civil::date(1970, 1, 1)).days_until(self)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why a date string was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError(pub String);

impl fmt::Display for DateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DateError {}

impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Date, DateError> {
        let b = s.as_bytes();
        let shape_ok = b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter()
                .enumerate()
                .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
        if !shape_ok {
            return Err(DateError(format!(
                "invalid date `{s}`: expected YYYY-MM-DD"
            )));
        }
        let num = |r: std::ops::Range<usize>| s[r].parse::<i32>().unwrap_or(0);
        let (y, m, d) = (num(0..4), num(5..7), num(8..10));
        jiff::civil::Date::new(y as i16, m as i8, d as i8)
            .map(Date)
            .map_err(|_| {
                DateError(format!(
                    "impossible date `{s}`: no such day in the calendar"
                ))
            })
    }
}

impl Date {
    /// The first and last day of a period written `YYYY`, `YYYY-MM` or
    /// `YYYY-MM-DD` (a whole year, a whole month, or one day). `--since`
    /// takes the first day and `--until` the last, so that `--until 2025`
    /// reaches 2025-12-31.
    pub fn period(s: &str) -> Result<(Date, Date), DateError> {
        let t = s.trim();
        let bad = || {
            DateError(format!(
                "invalid date `{s}`: expected YYYY, YYYY-MM or YYYY-MM-DD"
            ))
        };
        let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
        let parts: Vec<&str> = t.split('-').collect();
        match parts.as_slice() {
            [y] if y.len() == 4 && digits(y) => {
                let y: i16 = y.parse().map_err(|_| bad())?;
                let first = Date::new(y, 1, 1).ok_or_else(bad)?;
                let last = Date::new(y, 12, 31).ok_or_else(bad)?;
                Ok((first, last))
            }
            [y, m] if y.len() == 4 && m.len() == 2 && digits(y) && digits(m) => {
                let y: i16 = y.parse().map_err(|_| bad())?;
                let m: i8 = m.parse().map_err(|_| bad())?;
                let first = Date::new(y, m, 1)
                    .ok_or_else(|| DateError(format!("impossible date `{s}`: no such month")))?;
                Ok((first, Date(first.0.last_of_month())))
            }
            _ => {
                let d: Date =
                    t.parse().map_err(
                        |e: DateError| {
                            if e.0.starts_with("invalid") {
                                bad()
                            } else {
                                e
                            }
                        },
                    )?;
                Ok((d, d))
            }
        }
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// Declares a closed vocabulary: a serde enum with snake_case names, a
/// `name()` for display, `ALL` for help texts and a forgiving `FromStr` that
/// accepts `kebab-case` too.
macro_rules! vocabulary {
    (
        $(#[$meta:meta])*
        pub enum $ty:ident ($noun:literal) { $( $(#[$vmeta:meta])* $variant:ident => $name:literal ),+ $(,)? }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $ty { $( $(#[$vmeta])* $variant ),+ }

        impl $ty {
            /// Every value, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];
            /// The name used in RON files, on the command line and in JSON.
            pub fn name(self) -> &'static str {
                match self { $($ty::$variant => $name),+ }
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }

        impl FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let norm = s.trim().to_ascii_lowercase().replace('-', "_");
                $ty::ALL
                    .iter()
                    .copied()
                    .find(|v| v.name() == norm)
                    .ok_or_else(|| {
                        let all: Vec<&str> = $ty::ALL.iter().map(|v| v.name()).collect();
                        format!("unknown {} `{}`, expected one of: {}", $noun, s, all.join(", "))
                    })
            }
        }
    };
}

vocabulary! {
    /// What an entity is.
    pub enum Kind ("kind") {
        /// A government agency or department (DOL, SEC, Treasury).
        Agency => "agency",
        /// An office or position (the President, a governor, the AI & Crypto Czar).
        Office => "office",
        /// A body: working group, council, committee, legislature.
        Body => "body",
        /// A natural person.
        Person => "person",
        /// A non-government organization (a trade group, a publisher of data).
        Organization => "organization",
        /// A presidential executive order.
        ExecutiveOrder => "executive_order",
        /// An enacted law.
        Statute => "statute",
        /// A bill that is not (or not yet) law.
        Bill => "bill",
        /// A proposed or final rule.
        Rule => "rule",
        /// Guidance: letters, releases, statements, staff guidance, notices.
        Guidance => "guidance",
        /// A report.
        Report => "report",
        /// A program, such as a reserve.
        Program => "program",
        /// A type of plan, such as a 401(k).
        PlanType => "plan_type",
        /// An asset class.
        AssetClass => "asset_class",
        /// An event, such as "Crypto Week".
        Event => "event",
        /// A statistic with a value, a unit and an as-of date.
        Figure => "figure",
    }
}

impl Kind {
    /// Agencies, offices and bodies: the answers to "which agencies?".
    pub fn is_agency_like(self) -> bool {
        matches!(self, Kind::Agency | Kind::Office | Kind::Body)
    }

    /// Anyone who can act: issue, lead, consult, owe a deadline.
    pub fn is_actor(self) -> bool {
        matches!(
            self,
            Kind::Agency | Kind::Office | Kind::Body | Kind::Person | Kind::Organization
        )
    }

    /// Legal or policy instruments that have a status.
    pub fn is_instrument(self) -> bool {
        matches!(
            self,
            Kind::ExecutiveOrder
                | Kind::Statute
                | Kind::Bill
                | Kind::Rule
                | Kind::Guidance
                | Kind::Report
        )
    }

    /// Asset classes and plan types: hubs that nearly everything covers or
    /// governs. Graph walks do not pass through them by default, or every
    /// bill about bitcoin would be two steps from every other.
    pub fn is_hub(self) -> bool {
        matches!(self, Kind::AssetClass | Kind::PlanType)
    }

    /// Kinds that carry a tracked status derived from their events.
    pub fn has_status(self) -> bool {
        self.is_instrument() || matches!(self, Kind::Program)
    }
}

vocabulary! {
    /// How a relation connects two entities. Every relation has an inverse
    /// name, used when the relation is shown from its target's side.
    pub enum RelationKind ("relation") {
        /// A directive tells an actor to do something.
        Directs => "directs",
        /// Named to be consulted, or to coordinate with.
        Consults => "consults",
        /// The actor that issued a document.
        IssuedBy => "issued_by",
        /// An actor administers a program, statute or rule.
        Administers => "administers",
        /// Carries out a directive or law.
        Implements => "implements",
        /// Changes another instrument.
        Amends => "amends",
        /// Revokes or rescinds another instrument.
        Revokes => "revokes",
        /// Replaces another instrument.
        Supersedes => "supersedes",
        /// Continues another instrument in effect (an order continuing a
        /// national emergency).
        Continues => "continues",
        /// Adds to another instrument without changing it.
        Supplements => "supplements",
        /// Creates a program, body or office.
        Establishes => "establishes",
        /// Agency hierarchy: EBSA is part of DOL.
        PartOf => "part_of",
        /// Membership of a body: Treasury is a member of the working group.
        MemberOf => "member_of",
        /// An order names an agency a member of a council, task force or
        /// working group it establishes (not a duty of the agency itself).
        NamesMember => "names_member",
        /// A law or rule governs a plan type, program or asset class.
        Governs => "governs",
        /// A directive, bill or event concerns asset classes, plan types or bills.
        Covers => "covers",
        /// An actor enacts (signs into law) a bill or statute.
        Enacts => "enacts",
        /// Refers to another entity.
        Cites => "cites",
        /// An actor leads a body, agency or program.
        Leads => "leads",
        /// A person holds an office.
        Holds => "holds",
        /// Recommends an action or instrument.
        Recommends => "recommends",
        /// A rule (a House resolution "providing for consideration of")
        /// sets the terms on which the House takes up a bill. A rule is not
        /// a companion: companions are identical bills in the other chamber.
        RuleFor => "rule_for",
        /// Any other link worth showing.
        Related => "related",
    }
}

impl RelationKind {
    /// The name of the relation read from its target's side.
    pub fn inverse_name(self) -> &'static str {
        match self {
            RelationKind::Directs => "directed_by",
            RelationKind::Consults => "consulted_by",
            RelationKind::IssuedBy => "issued",
            RelationKind::Administers => "administered_by",
            RelationKind::Implements => "implemented_by",
            RelationKind::Amends => "amended_by",
            RelationKind::Revokes => "revoked_by",
            RelationKind::Supersedes => "superseded_by",
            RelationKind::Continues => "continued_by",
            RelationKind::Supplements => "supplemented_by",
            RelationKind::Establishes => "established_by",
            RelationKind::PartOf => "has_part",
            RelationKind::MemberOf => "has_member",
            RelationKind::NamesMember => "named_member_by",
            RelationKind::Governs => "governed_by",
            RelationKind::Covers => "covered_by",
            RelationKind::Enacts => "enacted_by",
            RelationKind::Cites => "cited_by",
            RelationKind::Leads => "led_by",
            RelationKind::Holds => "held_by",
            RelationKind::Recommends => "recommended_by",
            RelationKind::RuleFor => "considered_under",
            RelationKind::Related => "related",
        }
    }

    /// Parses a relation as the command line names it: by its name
    /// (`enacts`) or by its inverse name (`enacted_by`, as `show` prints
    /// it), case-insensitively, in snake or kebab case. Both name the same
    /// relation.
    pub fn parse_either(s: &str) -> Result<RelationKind, String> {
        if let Ok(r) = s.parse::<RelationKind>() {
            return Ok(r);
        }
        let norm = s.trim().to_ascii_lowercase().replace('-', "_");
        RelationKind::ALL
            .iter()
            .copied()
            .find(|r| r.inverse_name() == norm)
            .ok_or_else(|| {
                let all: Vec<&str> = RelationKind::ALL.iter().map(|r| r.name()).collect();
                let inv: Vec<&str> = RelationKind::ALL
                    .iter()
                    .filter(|r| r.inverse_name() != r.name())
                    .map(|r| r.inverse_name())
                    .collect();
                format!(
                    "unknown relation `{s}`, expected one of: {}; or an inverse name: {}",
                    all.join(", "),
                    inv.join(", ")
                )
            })
    }

    /// Which kinds may stand at the source and at the target of this
    /// relation. `None` means any kind. `check` reports anything else.
    pub fn allowed(self) -> (Option<&'static [Kind]>, Option<&'static [Kind]>) {
        use Kind::*;
        const ACTORS: &[Kind] = &[Agency, Office, Body, Person, Organization];
        const AGENCY_LIKE: &[Kind] = &[Agency, Office, Body];
        const INSTRUMENTS: &[Kind] = &[ExecutiveOrder, Statute, Bill, Rule, Guidance, Report];
        const LAWLIKE: &[Kind] = &[ExecutiveOrder, Statute, Bill, Rule, Guidance];
        const DIRECTIVES: &[Kind] = &[
            ExecutiveOrder,
            Statute,
            Bill,
            Rule,
            Guidance,
            Report,
            Program,
            Agency,
            Office,
            Body,
            Person,
        ];
        const ISSUED: &[Kind] = &[
            ExecutiveOrder,
            Rule,
            Guidance,
            Report,
            Figure,
            Program,
            Event,
            Statute,
            Bill,
        ];
        const SUBJECTS: &[Kind] = &[AssetClass, PlanType, Program, Bill, Statute, Rule, Guidance];
        match self {
            RelationKind::Directs => (Some(DIRECTIVES), Some(ACTORS)),
            RelationKind::Consults => (Some(DIRECTIVES), Some(ACTORS)),
            RelationKind::IssuedBy => (Some(ISSUED), Some(ACTORS)),
            RelationKind::Administers => (
                Some(ACTORS),
                Some(&[Program, Statute, Rule, PlanType, Guidance]),
            ),
            RelationKind::Implements => (
                Some(&[
                    Rule,
                    Guidance,
                    Program,
                    Report,
                    ExecutiveOrder,
                    Body,
                    Statute,
                ]),
                Some(&[ExecutiveOrder, Statute, Bill, Rule, Program, Guidance]),
            ),
            RelationKind::Amends => (Some(LAWLIKE), Some(LAWLIKE)),
            RelationKind::Revokes => (Some(INSTRUMENTS), Some(INSTRUMENTS)),
            RelationKind::Supersedes => (Some(INSTRUMENTS), Some(INSTRUMENTS)),
            RelationKind::Continues => (Some(INSTRUMENTS), Some(INSTRUMENTS)),
            RelationKind::Supplements => (Some(INSTRUMENTS), Some(INSTRUMENTS)),
            RelationKind::Establishes => (
                Some(&[
                    ExecutiveOrder,
                    Statute,
                    Bill,
                    Rule,
                    Agency,
                    Office,
                    Body,
                    Person,
                ]),
                Some(&[Program, Body, Office, Agency, Event]),
            ),
            RelationKind::PartOf => (Some(AGENCY_LIKE), Some(AGENCY_LIKE)),
            RelationKind::MemberOf => (Some(ACTORS), Some(&[Body])),
            RelationKind::NamesMember => (Some(INSTRUMENTS), Some(ACTORS)),
            RelationKind::Governs => (Some(LAWLIKE), Some(SUBJECTS)),
            RelationKind::Covers => (
                Some(&[
                    ExecutiveOrder,
                    Statute,
                    Bill,
                    Rule,
                    Guidance,
                    Report,
                    Event,
                    Program,
                    Figure,
                ]),
                Some(&[AssetClass, PlanType, Program, Bill, Statute, Figure]),
            ),
            RelationKind::Enacts => (Some(ACTORS), Some(&[Statute, Bill])),
            RelationKind::Cites => (None, None),
            RelationKind::Leads => (Some(ACTORS), Some(&[Agency, Office, Body, Program, Event])),
            RelationKind::Holds => (Some(&[Person]), Some(&[Office])),
            RelationKind::Recommends => (Some(&[Report, Body, Agency, Office, Person]), None),
            RelationKind::RuleFor => (Some(&[Bill, Statute]), Some(&[Bill, Statute])),
            RelationKind::Related => (None, None),
        }
    }
}

vocabulary! {
    /// The stage an event marks. The latest event on or before a date gives
    /// the status of its entity on that date.
    pub enum Stage ("stage") {
        /// Announced, reported or planned.
        Announced => "announced",
        /// Introduced in a legislature.
        Introduced => "introduced",
        /// Reported out of, or advanced by, a committee.
        CommitteeAction => "committee_action",
        /// Passed one chamber.
        PassedOneChamber => "passed_one_chamber",
        /// Passed both chambers.
        PassedBoth => "passed_both",
        /// Signed (an order) or signed into law (a bill).
        Signed => "signed",
        /// Enacted without signature, or became law.
        Enacted => "enacted",
        /// Vetoed.
        Vetoed => "vetoed",
        /// Failed a vote.
        Failed => "failed",
        /// Referred to a committee (a bill's usual first step after
        /// introduction, and again on arrival in the second chamber).
        Referred => "referred",
        /// Reported unfavourably by a committee, or failed a committee vote.
        CommitteeFailed => "committee_failed",
        /// Passed by the legislature and sent to the governor or president.
        SentToExecutive => "sent_to_executive",
        /// A chamber voted to override a veto.
        VetoOverridden => "veto_overridden",
        /// Withdrawn by its sponsors.
        Withdrawn => "withdrawn",
        /// Stalled: no action, session over, or died in committee.
        Stalled => "stalled",
        /// Published (in the Federal Register, or released).
        Published => "published",
        /// Sent for review (for example to OMB).
        SentForReview => "sent_for_review",
        /// Proposed (a rule).
        Proposed => "proposed",
        /// Comment period open.
        CommentOpen => "comment_open",
        /// Comment period closed.
        CommentClosed => "comment_closed",
        /// Final (a rule).
        Final => "final",
        /// In effect.
        Effective => "effective",
        /// Rescinded or revoked.
        Rescinded => "rescinded",
        /// Superseded by another instrument.
        Superseded => "superseded",
        /// Expired.
        Expired => "expired",
        /// Held or took place (an event); met (a deadline's work delivered).
        Held => "held",
        /// Agreed to by the one chamber it needs: a simple resolution
        /// (H.Res., S.Res.) is final once its own chamber adopts it.
        Adopted => "adopted",
        /// An official action with no stage of its own (a hearing, a
        /// reading, a motion). It is shown on the timeline with its text
        /// but never sets the status.
        Action => "action",
    }
}

impl Stage {
    /// Stages that deliver what a deadline asks for: a document published,
    /// proposed, final or in effect, an order or law signed or enacted, an
    /// event held, a comment period closed. Announcements, drafts sent for
    /// review and introductions do not.
    pub fn delivers(self) -> bool {
        matches!(
            self,
            Stage::Published
                | Stage::Proposed
                | Stage::Final
                | Stage::Effective
                | Stage::Signed
                | Stage::Enacted
                | Stage::Held
                | Stage::CommentClosed
        )
    }

    /// Stages after which a bill cannot be signed without a new passage.
    pub fn is_terminal_failure(self) -> bool {
        matches!(self, Stage::Vetoed | Stage::Failed | Stage::Withdrawn)
    }

    /// Whether an event of this stage sets its entity's status. Only
    /// [`Stage::Action`] does not.
    pub fn sets_status(self) -> bool {
        self != Stage::Action
    }
}

vocabulary! {
    /// How well a claim is supported (see the sourcing rules in
    /// docs/knowledge-format.md, "Confidence and sourcing").
    pub enum Confidence ("confidence") {
        /// A primary text, or two or more independent sources.
        Verified => "verified",
        /// One secondary source, or sources that disagree on a detail.
        Partly => "partly",
        /// Not found in the material checked; kept only as a claim.
        Unverified => "unverified",
        /// Read by rule out of the document's own text (with evidence).
        Extracted => "extracted",
    }
}

vocabulary! {
    /// The scheme of an official identifier.
    pub enum IdScheme ("identifier scheme") {
        /// Executive order number (`14330`).
        ExecutiveOrder => "executive_order",
        /// Federal Register citation (`90 FR 38921`).
        FederalRegister => "federal_register",
        /// Federal Register document number (`2025-03992`).
        FrDoc => "fr_doc",
        /// Public law (`Pub. L. 119-27`).
        PublicLaw => "public_law",
        /// Statutes at Large (`88 Stat. 829`).
        StatutesAtLarge => "statutes_at_large",
        /// A bill number (`S. 1582`, `H.R. 3633`, `HB 302`).
        Bill => "bill",
        /// A US Code section (`29 U.S.C. 1104`).
        UsCode => "us_code",
        /// A CFR section (`29 CFR 2550.404a-6`).
        Cfr => "cfr",
        /// A notice, release or guidance number (`Notice 2024-80`, `CAR 2022-01`).
        DocumentNumber => "document_number",
        /// A section of a statute (`ERISA 404(a)`).
        Section => "section",
        /// An Open States bill id (`ocd-bill/...`).
        OpenStates => "open_states",
        /// A LegiScan `bill_id` (`1634354`).
        Legiscan => "legiscan",
        /// A unitedstates/congress (GovTrack) bill id (`s1582-119`).
        UsCongress => "us_congress",
        /// A state session-law citation (`Chapter 4`, `Laws 2025, ch. 4`).
        SessionLaw => "session_law",
        /// A Federal Register agency slug (`labor-department`).
        FrAgency => "fr_agency",
        /// A Federal Register agency id (`271`).
        FrAgencyId => "fr_agency_id",
        /// A Regulation Identifier Number (`1210-AC29`).
        Rin => "rin",
        /// A docket id (`EBSA-2025-0001`).
        Docket => "docket",
        /// Anything else.
        Other => "other",
    }
}

// The vocabulary macro cannot mark a `#[default]` variant.
#[allow(clippy::derivable_impls)]
impl Default for Confidence {
    fn default() -> Self {
        Confidence::Verified
    }
}

/// An official identifier of an entity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identifier {
    /// What kind of identifier this is.
    pub scheme: IdScheme,
    /// The identifier as usually written.
    pub value: String,
    /// How well it is supported.
    #[serde(default)]
    pub confidence: Confidence,
}

/// Where a claim comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Title of the document or page.
    pub title: String,
    /// Who published it.
    #[serde(default)]
    pub publisher: Option<String>,
    /// Its address.
    #[serde(default)]
    pub url: Option<String>,
    /// Its publication date.
    #[serde(default)]
    pub date: Option<Date>,
    /// The day an importer read it (see [`Provenance`]); `None` for sources
    /// cited by hand.
    #[serde(default)]
    pub retrieved: Option<Date>,
}

/// A dated event in an entity's life.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// When it happened.
    pub date: Date,
    /// What stage it marks.
    pub stage: Stage,
    /// What happened, in a sentence.
    #[serde(default)]
    pub note: String,
    /// The entity that acted (a governor, a chamber), when it matters.
    #[serde(default)]
    pub by: Option<String>,
    /// Index into the entity's `sources`.
    #[serde(default)]
    pub source: Option<usize>,
    /// How well it is supported.
    #[serde(default)]
    pub confidence: Confidence,
}

vocabulary! {
    /// What a deadline asks, and of whom.
    pub enum DeadlineKind ("deadline kind") {
        /// Work the owner owes by the due date (the default); met by an
        /// event of a `fulfilled_by` entity, else overdue.
        Owed => "owed",
        /// Something the public may do by the due date, such as comment on
        /// a proposed rule; `owner` receives it. Upcoming until the due
        /// date, then closed: never owed, never overdue.
        Public => "public",
    }
}

// The vocabulary macro cannot mark a `#[default]` variant.
#[allow(clippy::derivable_impls)]
impl Default for DeadlineKind {
    fn default() -> Self {
        DeadlineKind::Owed
    }
}

/// Something an entity owes, by a date.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deadline {
    /// When it is due.
    pub due: Date,
    /// Who owes it (an entity id).
    pub owner: String,
    /// What is owed.
    pub what: String,
    /// Owed by `owner`, or open to the public ([`DeadlineKind`]).
    #[serde(default)]
    pub kind: DeadlineKind,
    /// Entities whose events fulfil the deadline (a proposed rule, a report).
    /// The earliest delivering event of any of them meets it.
    #[serde(default)]
    pub fulfilled_by: Vec<String>,
    /// The stage of a fulfilling event that meets the deadline, when only
    /// one does (a comment period is met by `comment_closed`). By default
    /// any stage that delivers ([`Stage::delivers`]) meets it.
    #[serde(default)]
    pub stage: Option<Stage>,
    /// A day on which a source confirmed that the work was still not
    /// delivered. Only then is a past-due deadline `overdue`; without it,
    /// the knowledge base records no fulfilment, which is not proof that
    /// there was none (`unrecorded`).
    #[serde(default)]
    pub unmet_on: Option<Date>,
    /// Index into the entity's `sources`.
    #[serde(default)]
    pub source: Option<usize>,
    /// How well it is supported.
    #[serde(default)]
    pub confidence: Confidence,
}

/// A typed link from this entity to another.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Relation {
    /// The relation.
    pub rel: RelationKind,
    /// The target entity id.
    pub to: String,
    /// When the relation started.
    #[serde(default)]
    pub date: Option<Date>,
    /// Why, in a sentence.
    #[serde(default)]
    pub note: String,
    /// Index into the entity's `sources`.
    #[serde(default)]
    pub source: Option<usize>,
    /// How well it is supported.
    #[serde(default)]
    pub confidence: Confidence,
    /// Where the document's own text says so (relations read from the
    /// text; see [`crate::doctext::extract`]).
    /// (Always serialized: the index's records are postcard, which has no
    /// field names to leave one out by.)
    #[serde(default)]
    pub evidence: Option<Evidence>,
}

/// The place in a document's text that states a relation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// The section (`Sec. 2`), empty before the first one.
    #[serde(default)]
    pub section: String,
    /// The sentence, as the normalised text has it.
    pub quote: String,
}

vocabulary! {
    /// A legislator's part in a bill.
    pub enum SponsorRole ("sponsor role") {
        /// The primary sponsor (or one of several primary sponsors).
        Sponsor => "sponsor",
        /// A cosponsor.
        Cosponsor => "cosponsor",
    }
}

/// A sponsor or cosponsor of a bill, as the source names them. People are
/// not entities: see docs/import.md ("Sponsors") for why.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sponsor {
    /// The name as the source writes it (`Hagerty, Bill`, `Keith Michael Ammon`).
    pub name: String,
    /// Primary sponsor or cosponsor.
    pub role: SponsorRole,
    /// Party, where the source gives it (`R`, `D`).
    #[serde(default)]
    pub party: Option<String>,
    /// The source's id for the person (`bioguide:H000601`, `legiscan:11778`).
    #[serde(default)]
    pub person: Option<String>,
}

impl Sponsor {
    /// Whether `query` names this sponsor: every word of the query appears
    /// among the words of the name, ignoring case
    /// (`Lummis` matches `Lummis, Cynthia M.` and `Cynthia M. Lummis`).
    pub fn matches(&self, query: &str) -> bool {
        let name = Sponsor::words(&self.name);
        let q = Sponsor::words(query);
        !q.is_empty() && q.iter().all(|w| name.contains(w))
    }

    /// The words of a name as [`Sponsor::matches`] compares them:
    /// lowercased, split at anything but letters, digits and `'`.
    pub fn words(s: &str) -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric() && c != '\'')
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    }
}

/// The value of a figure (a statistic).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    /// The number.
    pub value: f64,
    /// Its unit, such as `USD`, `percent`, `people`.
    pub unit: String,
    /// The date the value describes.
    pub as_of: Date,
    /// For a derived figure: how it was computed.
    #[serde(default)]
    pub derived: Option<String>,
}

/// Where an imported entity came from. Hand-written entities have none;
/// an entity with a provenance was written by `policygraph import` under
/// `knowledge/imported/`, and is rewritten by the next import.
///
/// An imported file whose id is the id of a hand-written entity *enriches*
/// it: the loader merges the two (see `check`), and the hand-written file is
/// never touched.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The importer: `federal-register`, `openstates`, ...
    pub importer: String,
    /// Where the record was read: an API URL, or a file as given.
    pub from: String,
    /// The day it was read.
    pub retrieved: Date,
    /// A placeholder for a record that was named (by a note, a relation)
    /// but not in the input: only what the naming record says is known.
    /// The record's own import replaces it.
    #[serde(default)]
    pub incomplete: bool,
}

/// One entity: one RON file under `knowledge/`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entity {
    /// Lowercase `a-z0-9-`, at most 64 characters, equal to the file stem.
    pub id: String,
    /// The document's own text, normalised (see [`crate::doctext`]): read
    /// at load time from the `.txt` file beside the entity's file, never
    /// written into the RON file nor stored in the index's record.
    #[serde(skip)]
    pub text: Option<std::sync::Arc<str>>,
    /// What it is.
    pub kind: Kind,
    /// The English name.
    pub name: String,
    /// Names in other languages, keyed by language tag (`zh-Hant`, `zh-Hans`).
    #[serde(default)]
    pub names: BTreeMap<String, String>,
    /// Other ways people refer to it: `EO 14330`, `DOL`, `勞工部`.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// `US`, or `US-TX` style for states.
    pub jurisdiction: String,
    /// For a bill or statute: the legislative session or Congress that its
    /// bill number belongs to (`119`, `2025`), so that S. 1582 of the
    /// 119th Congress is not S. 1582 of the 118th. Imported bills are
    /// matched to curated ones by jurisdiction, session and bill number.
    #[serde(default)]
    pub session: Option<String>,
    /// For a bill or statute: its sponsors and cosponsors.
    #[serde(default)]
    pub sponsors: Vec<Sponsor>,
    /// A short English summary.
    #[serde(default)]
    pub summary: String,
    /// Summaries in other languages, keyed by language tag.
    #[serde(default)]
    pub summaries: BTreeMap<String, String>,
    /// Official identifiers.
    #[serde(default)]
    pub identifiers: Vec<Identifier>,
    /// Dated events, oldest first.
    #[serde(default)]
    pub events: Vec<Event>,
    /// Deadlines this entity sets.
    #[serde(default)]
    pub deadlines: Vec<Deadline>,
    /// Typed links to other entities.
    #[serde(default)]
    pub relations: Vec<Relation>,
    /// Sources, referenced by index from events, deadlines and relations.
    #[serde(default)]
    pub sources: Vec<Source>,
    /// Free tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// For figures: the value.
    #[serde(default)]
    pub figure: Option<Figure>,
    /// How well the entity as a whole is supported.
    #[serde(default)]
    pub confidence: Confidence,
    /// Free notes: disagreements between sources, caveats.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Set on entities written by an importer; `None` on hand-written ones.
    #[serde(default)]
    pub provenance: Option<Provenance>,
}

impl Entity {
    /// The name in `lang`, falling back to English.
    pub fn name_in(&self, lang: Option<&str>) -> &str {
        match lang {
            Some(l) if l != "en" => self.names.get(l).map(String::as_str).unwrap_or(&self.name),
            _ => &self.name,
        }
    }

    /// The date an entity first appears: its earliest event, else the
    /// figure's as-of date. `None` means "always there".
    pub fn first_seen(&self) -> Option<Date> {
        let ev = self.events.iter().map(|e| e.date).min();
        match (ev, &self.figure) {
            (Some(d), _) => Some(d),
            (None, Some(f)) => Some(f.as_of),
            (None, None) => None,
        }
    }

    /// The status on `as_of` (all events when `None`): see
    /// [`Entity::status_since`] (in `status.rs`).
    pub fn status(&self, as_of: Option<Date>) -> Option<Stage> {
        self.status_since(as_of).map(|(s, _)| s)
    }

    /// Whether the entity existed on `as_of`.
    pub fn exists_on(&self, as_of: Option<Date>) -> bool {
        match (as_of, self.first_seen()) {
            (Some(d), Some(first)) => first <= d,
            _ => true,
        }
    }
}

/// The languages `--lang` offers: English and the two Chinese scripts
/// that names and summaries are written in.
pub const LANGUAGES: &[&str] = &["en", "zh-Hant", "zh-Hans"];

/// Reads a language tag as a user types it, case-insensitively, and
/// returns the tag names are stored under. Regional tags map to their
/// script: `zh-TW`, `zh-HK` and `zh-MO` to `zh-Hant`; `zh-CN`, `zh-SG` and
/// `zh-MY` to `zh-Hans`. Anything else is rejected with the list.
pub fn lang_tag(s: &str) -> Result<&'static str, String> {
    let norm = s.trim().replace('_', "-").to_ascii_lowercase();
    let tag = match norm.as_str() {
        "en" | "en-us" | "en-gb" => "en",
        "zh-hant" | "zh-tw" | "zh-hk" | "zh-mo" | "zh-hant-tw" | "zh-hant-hk" => "zh-Hant",
        "zh-hans" | "zh-cn" | "zh-sg" | "zh-my" | "zh-hans-cn" => "zh-Hans",
        _ => {
            return Err(format!(
                "unknown language `{s}`, expected one of: {} (zh-TW and zh-HK mean zh-Hant; zh-CN and zh-SG mean zh-Hans)",
                LANGUAGES.join(", ")
            ))
        }
    };
    Ok(tag)
}

/// Whether `id` is a valid entity id.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// Whether `j` is a jurisdiction code: `US`, or `US-XX`.
pub fn valid_jurisdiction(j: &str) -> bool {
    let b = j.as_bytes();
    match b.len() {
        2 => b.iter().all(u8::is_ascii_uppercase),
        5 => {
            b[..2].iter().all(u8::is_ascii_uppercase)
                && b[2] == b'-'
                && b[3..].iter().all(u8::is_ascii_uppercase)
        }
        _ => false,
    }
}

/// The local time zone, looked up once per process. Without `TZ`,
/// `/etc/localtime` is read directly: asking jiff for the system zone by
/// name first lists the whole zoneinfo database, which took about a
/// millisecond, as long as the rest of a small query.
fn local_zone() -> jiff::tz::TimeZone {
    static ZONE: std::sync::OnceLock<jiff::tz::TimeZone> = std::sync::OnceLock::new();
    ZONE.get_or_init(|| {
        #[cfg(unix)]
        if std::env::var_os("TZ").is_none() {
            if let Ok(bytes) = std::fs::read("/etc/localtime") {
                if let Ok(tz) = jiff::tz::TimeZone::tzif("Local", &bytes) {
                    return tz;
                }
            }
        }
        jiff::tz::TimeZone::system()
    })
    .clone()
}

/// A number as people read it: `23,500`, `8.7 trillion`; `show` and the site print figures with it.
pub fn format_value(v: f64) -> String {
    let abs = v.abs();
    let trim = |x: f64| {
        let s = format!("{x:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_owned()
    };
    let scaled = |d: f64, w: &str| format!("{} {w}", trim(v / d));
    if abs >= 1e12 {
        scaled(1e12, "trillion")
    } else if abs >= 1e9 {
        scaled(1e9, "billion")
    } else if abs >= 1e6 {
        scaled(1e6, "million")
    } else if v.fract() == 0.0 {
        let s = format!("{}", v as i64);
        let mut out = String::new();
        for (k, ch) in s.chars().enumerate() {
            if k > 0 && (s.len() - k) % 3 == 0 && ch != '-' {
                out.push(',');
            }
            out.push(ch);
        }
        out
    } else {
        trim(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_parse_and_reject() {
        assert!("2025-08-07".parse::<Date>().is_ok());
        assert!("2025-02-30".parse::<Date>().is_err());
        assert!("2025-8-7".parse::<Date>().is_err());
        let a: Date = "2025-08-07".parse().unwrap();
        assert_eq!(a.add_days(180).to_string(), "2026-02-03");
        assert_eq!(a.days_until(a.add_days(180)), 180);
    }

    #[test]
    fn vocabulary_accepts_kebab() {
        assert_eq!("executive-order".parse::<Kind>(), Ok(Kind::ExecutiveOrder));
        assert!("nope"
            .parse::<Kind>()
            .unwrap_err()
            .contains("expected one of"));
    }

    #[test]
    fn sponsor_names_match_by_word() {
        let s = |name: &str| Sponsor {
            name: name.into(),
            role: SponsorRole::Cosponsor,
            party: None,
            person: None,
        };
        assert!(s("Cynthia M. Lummis").matches("Lummis"));
        assert!(s("Lummis, Cynthia M.").matches("cynthia lummis"));
        assert!(!s("Cynthia M. Lummis").matches("Lumm"));
        assert!(!s("Cynthia M. Lummis").matches(""));
        assert!(s("Dar'shun Kendrick").matches("dar'shun"));
    }

    #[test]
    fn relations_parse_by_either_name() {
        assert_eq!(
            RelationKind::parse_either("Enacted-By"),
            Ok(RelationKind::Enacts)
        );
        assert_eq!(
            RelationKind::parse_either("issued"),
            Ok(RelationKind::IssuedBy)
        );
        assert_eq!(
            RelationKind::parse_either("part_of"),
            Ok(RelationKind::PartOf)
        );
        let err = RelationKind::parse_either("nope").unwrap_err();
        assert!(err.starts_with("unknown relation `nope`"), "{err}");
        assert!(err.contains("enacted_by"), "{err}");
    }

    #[test]
    fn language_tags_map_to_scripts() {
        assert_eq!(lang_tag("ZH-tw"), Ok("zh-Hant"));
        assert_eq!(lang_tag("zh-hk"), Ok("zh-Hant"));
        assert_eq!(lang_tag("zh-HANT"), Ok("zh-Hant"));
        assert_eq!(lang_tag("zh-CN"), Ok("zh-Hans"));
        assert_eq!(lang_tag("zh_SG"), Ok("zh-Hans"));
        assert_eq!(lang_tag("EN"), Ok("en"));
        assert!(lang_tag("zh").unwrap_err().contains("zh-Hant, zh-Hans"));
        assert!(lang_tag("fr").is_err());
    }

    #[test]
    fn periods_cover_a_year_a_month_or_a_day() {
        let p = |s: &str| {
            Date::period(s)
                .map(|(a, b)| format!("{a}..{b}"))
                .map_err(|e| e.0)
        };
        assert_eq!(p("2025").unwrap(), "2025-01-01..2025-12-31");
        assert_eq!(p("2024-02").unwrap(), "2024-02-01..2024-02-29");
        assert_eq!(p("2025-07-18").unwrap(), "2025-07-18..2025-07-18");
        assert!(p("2025-13").unwrap_err().contains("no such month"));
        assert!(p("2025-02-30").unwrap_err().contains("impossible"));
        assert!(p("25").unwrap_err().contains("YYYY, YYYY-MM or YYYY-MM-DD"));
        assert!(p("2025-7").is_err());
    }

    #[test]
    fn ids_and_jurisdictions() {
        assert!(valid_id("eo-14330"));
        assert!(!valid_id("EO-14330"));
        assert!(!valid_id("-x"));
        assert!(valid_jurisdiction("US"));
        assert!(valid_jurisdiction("US-TX"));
        assert!(!valid_jurisdiction("us-tx"));
    }
}
