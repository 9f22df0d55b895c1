//! Open States bill JSON (the scrapers' bulk output, and the v3 API's bill
//! objects) -> [`BillRecord`].
//!
//! Both shapes are read: the scrapers write `legislative_session` and
//! `organization_id: "~{\"classification\": \"lower\"}"`, the API writes
//! `session` and `organization: {classification}`. A saved page of the
//! API's `/bills` search (`{"results": [...], "pagination": ...}`) is read
//! bill by bill. Any field may be missing or `null`.

use serde::Deserialize;

use super::bill::{
    entry_date, parse_date, state_session, Action, BillKey, BillNumber, BillRecord, BillSource,
    Chamber, Meaning, ParseError, Parsed, RelatedBill,
};
use super::lenient::{list, Text};
use crate::model::{IdScheme, Identifier, Source, Sponsor, SponsorRole, Stage};

#[derive(Deserialize, Default)]
#[serde(default)]
struct Bill {
    id: Text,
    legislative_session: Text,
    session: Text,
    identifier: Text,
    title: Text,
    from_organization: Org,
    #[serde(deserialize_with = "list")]
    subject: Vec<Text>,
    #[serde(deserialize_with = "list")]
    abstracts: Vec<Abstract>,
    #[serde(deserialize_with = "list")]
    other_titles: Vec<Title>,
    #[serde(deserialize_with = "list")]
    other_identifiers: Vec<OtherId>,
    #[serde(deserialize_with = "list")]
    actions: Vec<OsAction>,
    #[serde(deserialize_with = "list")]
    sponsorships: Vec<Sponsorship>,
    #[serde(deserialize_with = "list")]
    related_bills: Vec<Related>,
    #[serde(deserialize_with = "list")]
    versions: Vec<Doc>,
    #[serde(deserialize_with = "list")]
    documents: Vec<Doc>,
    #[serde(deserialize_with = "list")]
    citations: Vec<Citation>,
    #[serde(deserialize_with = "list")]
    sources: Vec<Link>,
    jurisdiction: Option<Jurisdiction>,
    openstates_url: Text,
    // The scrapers' `jurisdiction_*.json`, told apart by this.
    legislative_sessions: Option<serde::de::IgnoredAny>,
    // Other records of Open States bulk trees, told apart by these: a vote
    // event (`motion_text`, `counts`) and a one-action log (`action`).
    motion_text: Text,
    counts: Option<serde::de::IgnoredAny>,
    action: Option<serde::de::IgnoredAny>,
    // govbot-data's stand-in for a bill it names but has not scraped.
    placeholder: Option<bool>,
}

/// An organization, written as an object or as a pseudo-id string
/// `~{"classification": "lower"}`.
#[derive(Default)]
struct Org(Option<String>);

impl<'de> Deserialize<'de> for Org {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Org, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Text(String),
            Obj {
                #[serde(default)]
                classification: Text,
            },
            Other(serde::de::IgnoredAny),
        }
        Ok(match Option::<Raw>::deserialize(d)? {
            Some(Raw::Text(s)) => Org(pseudo_classification(&s)),
            Some(Raw::Obj { classification }) => Org(classification.get().map(str::to_owned)),
            Some(Raw::Other(_)) | None => Org(None),
        })
    }
}

/// The classification inside a pseudo-id: `~{"classification": "upper"}`.
fn pseudo_classification(s: &str) -> Option<String> {
    let json = s.strip_prefix('~')?;
    let v: serde_json::Value = serde_json::from_str(json).ok()?;
    v.get("classification")?.as_str().map(str::to_owned)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Abstract {
    #[serde(rename = "abstract")]
    text: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Title {
    title: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OtherId {
    identifier: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct OsAction {
    description: Text,
    date: Text,
    organization_id: Org,
    organization: Org,
    #[serde(deserialize_with = "list")]
    classification: Vec<Text>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Sponsorship {
    name: Text,
    classification: Text,
    primary: Option<bool>,
    person_id: Text,
    person: Option<Person>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Person {
    id: Text,
    party: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Related {
    identifier: Text,
    legislative_session: Text,
    relation_type: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Doc {
    note: Text,
    date: Text,
    #[serde(deserialize_with = "list")]
    links: Vec<Link>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Link {
    url: Text,
    note: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Citation {
    publication: Text,
    citation: Text,
    url: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Jurisdiction {
    id: Text,
}

/// `US` or `US-NH` from an OCD jurisdiction id
/// (`ocd-jurisdiction/country:us/state:nh/government`).
pub fn jurisdiction_of(ocd: &str) -> Option<String> {
    let mut parts = ocd.split('/');
    if parts.next()? != "ocd-jurisdiction" || parts.next()? != "country:us" {
        return None;
    }
    match parts.next()? {
        "government" => Some("US".to_owned()),
        p => {
            let (_, code) = p.split_once(':')?;
            (code.len() == 2 && code.chars().all(|c| c.is_ascii_alphabetic()))
                .then(|| format!("US-{}", code.to_ascii_uppercase()))
        }
    }
}

/// What an Open States action classification means. The most telling
/// classification of an action wins (a signature over a passage, a
/// passage over a committee report, …).
pub fn meaning(classes: &[&str]) -> Meaning {
    let rank = |c: &str| -> Option<(u8, Meaning)> {
        Some(match c {
            "became-law" => (1, Meaning::Stage(Stage::Enacted)),
            "executive-signature" => (0, Meaning::Stage(Stage::Signed)),
            "executive-veto" => (2, Meaning::Stage(Stage::Vetoed)),
            "veto-override-passage" => (3, Meaning::Stage(Stage::VetoOverridden)),
            "passage" => (4, Meaning::Passage(Chamber::Unknown)),
            "failure" => (5, Meaning::Stage(Stage::Failed)),
            "withdrawal" => (6, Meaning::Stage(Stage::Withdrawn)),
            "executive-receipt" => (7, Meaning::Stage(Stage::SentToExecutive)),
            "committee-failure" | "committee-passage-unfavorable" => {
                (8, Meaning::Stage(Stage::CommitteeFailed))
            }
            "committee-passage" | "committee-passage-favorable" => {
                (9, Meaning::Stage(Stage::CommitteeAction))
            }
            "introduction" | "filing" => (10, Meaning::Stage(Stage::Introduced)),
            "referral-committee" | "referral" => (11, Meaning::Stage(Stage::Referred)),
            // Enrolled: the text both chambers passed (see `passage`).
            "enrolled" => (12, Meaning::Stage(Stage::PassedBoth)),
            "reading-1"
            | "reading-2"
            | "reading-3"
            | "receipt"
            | "substitution"
            | "deferral"
            | "executive-veto-line-item"
            | "veto-override-failure"
            | "amendment-introduction"
            | "amendment-passage"
            | "amendment-failure"
            | "amendment-amendment"
            | "amendment-withdrawal"
            | "amendment-deferral"
            | "amendment-tabling"
            | "committee-amendment"
            | "became-law-without-signature"
            | "other"
            | "" => (13, Meaning::Plain),
            _ => return None,
        })
    };
    if classes.is_empty() {
        return Meaning::Unclassified;
    }
    let mut best: Option<(u8, Meaning)> = None;
    let mut unknown = false;
    for c in classes {
        match rank(c) {
            Some(r) if best.is_none_or(|b| r.0 < b.0) => best = Some(r),
            Some(_) => {}
            None => unknown = true,
        }
    }
    match best {
        Some((13, _)) | None if unknown => Meaning::Unknown,
        Some((_, m)) => m,
        None => Meaning::Unclassified,
    }
}

/// The jurisdiction that an Open States scraper's `jurisdiction_*.json`
/// names (`US-NH`), if `bytes` is one.
pub fn jurisdiction_file(bytes: &[u8]) -> Option<String> {
    #[derive(Deserialize)]
    struct File {
        id: Text,
        legislative_sessions: Option<serde::de::IgnoredAny>,
    }
    let f: File = serde_json::from_slice(bytes).ok()?;
    f.legislative_sessions?;
    jurisdiction_of(f.id.get()?)
}

/// A page of the v3 API's `/bills` search: `{"results": [...],
/// "pagination": {...}}`.
#[derive(Deserialize)]
struct Page {
    results: Vec<serde_json::Value>,
    #[serde(rename = "pagination")]
    _pagination: serde::de::IgnoredAny,
}

/// Each bill of an API page, read on its own: one that cannot be read is
/// reported by its place and identifier, and the others are kept.
fn parse_page(page: Page, fallback: Option<&str>) -> Parsed {
    let results = page
        .results
        .into_iter()
        .map(|v| {
            let ident = v
                .get("identifier")
                .and_then(|x| x.as_str())
                .map(str::to_owned);
            let parsed = match serde_json::to_vec(&v) {
                Err(e) => Parsed::Rejected(e.to_string()),
                Ok(bytes) => match parse(&bytes, fallback) {
                    Ok(Parsed::Page(_)) => Parsed::Rejected("a page inside a page".into()),
                    Ok(p) => p,
                    Err(ParseError::Json(e)) => Parsed::Rejected(super::json::json_message(&e)),
                    Err(ParseError::WrongFormat { .. }) => {
                        Parsed::Rejected("not a bill (no `identifier` or no `session`)".into())
                    }
                },
            };
            (ident, parsed)
        })
        .collect();
    Parsed::Page(results)
}

/// Parses one Open States bill file. A bill that does not name its
/// jurisdiction (the scrapers' own output keeps it in a separate
/// `jurisdiction_*.json`) is in `fallback`'s, when one is given.
pub fn parse(bytes: &[u8], fallback: Option<&str>) -> Result<Parsed, ParseError> {
    let b: Bill = serde_json::from_slice(bytes)?;
    if b.motion_text.get().is_some() || b.counts.is_some() {
        return Ok(Parsed::Other("vote event"));
    }
    if b.legislative_sessions.is_some() {
        return Ok(Parsed::Other("jurisdiction"));
    }
    if b.action.is_some() && b.actions.is_empty() {
        return Ok(Parsed::Other("action log"));
    }
    if b.placeholder == Some(true) {
        return Ok(Parsed::Other("placeholder"));
    }
    let raw_number = b.identifier.get();
    let raw_session = b.legislative_session.get().or(b.session.get());
    let jurisdiction = b
        .jurisdiction
        .as_ref()
        .and_then(|j| j.id.get())
        .and_then(jurisdiction_of)
        .or_else(|| fallback.map(str::to_owned));
    let (Some(raw_number), Some(raw_session)) = (raw_number, raw_session) else {
        // Read a second time only when it is no bill: an API page?
        if let Ok(page) = serde_json::from_slice::<Page>(bytes) {
            return Ok(parse_page(page, fallback));
        }
        return Err(ParseError::WrongFormat {
            looks_like: super::bill::sniff(bytes).filter(|s| *s != "openstates"),
        });
    };
    let Some(jurisdiction) = jurisdiction else {
        return Ok(Parsed::Rejected(format!(
            "{raw_number} ({raw_session}): the file does not name its jurisdiction; keep the scraper's `jurisdiction_*.json` beside it, or give `--jurisdiction` (`--jurisdiction NH`)"
        )));
    };
    let Some(number) = BillNumber::parse(raw_number) else {
        return Ok(Parsed::Rejected(format!(
            "bill number `{raw_number}` cannot be read"
        )));
    };
    let federal = jurisdiction == "US";
    let session = if federal {
        super::bill::session_slug(raw_session)
    } else {
        state_session(&jurisdiction, raw_session)
    }
    .unwrap_or_else(|| "unknown".to_owned());
    let mut problems = Vec::new();
    let zone = super::bill::record_zone(&jurisdiction);
    let unicameral = matches!(jurisdiction.as_str(), "US-NE" | "US-DC");
    let key = BillKey {
        jurisdiction,
        session: session.clone(),
        number,
    };

    let mut actions = Vec::with_capacity(b.actions.len());
    for (i, a) in b.actions.iter().enumerate() {
        let Some(date) = entry_date(a.date.or_empty(), zone.as_ref(), "action", i, &mut problems)
        else {
            continue;
        };
        let classes: Vec<&str> = a.classification.iter().filter_map(Text::get).collect();
        let org = a
            .organization_id
            .0
            .as_deref()
            .or(a.organization.0.as_deref());
        let mut chamber = org.map_or(Chamber::Unknown, Chamber::parse);
        if unicameral && matches!(chamber, Chamber::Lower | Chamber::Upper) {
            chamber = Chamber::Unicameral;
        }
        actions.push(Action {
            date,
            text: a.description.or_empty().to_owned(),
            chamber,
            at: super::bill::entry_instant(a.date.or_empty(), zone.as_ref()),
            meaning: meaning(&classes),
        });
    }

    let mut identifiers = Vec::new();
    let mut push_id = |scheme, value: String| {
        let id = Identifier {
            scheme,
            value,
            confidence: Default::default(),
        };
        if !identifiers.contains(&id) {
            identifiers.push(id);
        }
    };
    if let Some(id) = b.id.get() {
        push_id(IdScheme::OpenStates, id.to_owned());
    }
    for o in &b.other_identifiers {
        if let Some(v) = o.identifier.get() {
            if v.starts_with("ocd-bill") {
                push_id(IdScheme::OpenStates, v.to_owned());
            } else if let Some(n) = BillNumber::parse(v) {
                if n != key.number {
                    push_id(IdScheme::Bill, n.to_string());
                }
            } else {
                push_id(IdScheme::Other, v.to_owned());
            }
        }
    }
    for c in &b.citations {
        let (Some(publication), Some(citation)) = (c.publication.get(), c.citation.get()) else {
            continue;
        };
        if publication.eq_ignore_ascii_case("US Public Law") {
            push_id(IdScheme::PublicLaw, format!("Pub. L. {citation}"));
        } else {
            push_id(IdScheme::SessionLaw, format!("{publication} {citation}"));
        }
    }

    let mut sponsors = Vec::new();
    for s in &b.sponsorships {
        let Some(name) = s.name.get() else { continue };
        let primary = s.primary.unwrap_or(false)
            || s.classification
                .get()
                .is_some_and(|c| c == "primary" || c == "author");
        let person = s
            .person
            .as_ref()
            .and_then(|p| p.id.get())
            .or(s.person_id.get())
            .filter(|p| !p.starts_with('~'))
            .map(str::to_owned);
        sponsors.push(Sponsor {
            name: name.to_owned(),
            role: if primary {
                SponsorRole::Sponsor
            } else {
                SponsorRole::Cosponsor
            },
            party: s
                .person
                .as_ref()
                .and_then(|p| p.party.get())
                .map(str::to_owned),
            person,
        });
    }
    // Primary sponsors first, then cosponsors, each in source order.
    sponsors.sort_by_key(|s| s.role);

    let related = b
        .related_bills
        .iter()
        .filter_map(|r| {
            let number = BillNumber::parse(r.identifier.get()?)?;
            let session = match r.legislative_session.get() {
                Some(s) if federal => super::bill::session_slug(s)?,
                Some(s) => state_session(&key.jurisdiction, s)?,
                None => session.clone(),
            };
            Some(RelatedBill {
                key: BillKey {
                    jurisdiction: key.jurisdiction.clone(),
                    session,
                    number,
                },
                reason: r.relation_type.get().unwrap_or("related").to_owned(),
            })
        })
        .collect();

    let mut sources = vec![Source {
        title: format!(
            "{} ({} session {}): Open States",
            key.number, key.jurisdiction, raw_session
        ),
        publisher: Some(BillSource::OpenStates.publisher().to_owned()),
        url: b
            .openstates_url
            .get()
            .or(b.sources.iter().find_map(|s| s.url.get()))
            .map(str::to_owned),
        date: None,
        retrieved: None,
    }];
    for s in &b.sources {
        let Some(url) = s.url.get() else { continue };
        if sources.iter().any(|x| x.url.as_deref() == Some(url)) {
            continue;
        }
        sources.push(Source {
            title: s.note.get().unwrap_or("Bill page").to_owned(),
            publisher: None,
            url: Some(url.to_owned()),
            date: None,
            retrieved: None,
        });
    }
    for (kind, docs) in [("Version", &b.versions), ("Document", &b.documents)] {
        for d in docs {
            // One source per document: its first link (PDF, HTML or XML of
            // the same text).
            let Some(url) = d.links.iter().find_map(|l| l.url.get()) else {
                continue;
            };
            let date = match parse_date(d.date.or_empty()) {
                Ok(d) => d,
                Err(e) => {
                    problems.push(format!("{kind} `{}`: {e}", d.note.or_empty()));
                    None
                }
            };
            sources.push(Source {
                title: format!("{kind}: {}", d.note.get().unwrap_or("text")),
                publisher: None,
                url: Some(url.to_owned()),
                date,
                retrieved: None,
            });
        }
    }

    let title = b.title.or_empty().to_owned();
    Ok(Parsed::Bill(Box::new(BillRecord {
        source: BillSource::OpenStates,
        key,
        title,
        other_titles: b
            .other_titles
            .iter()
            .filter_map(|t| t.title.get().map(str::to_owned))
            .collect(),
        summary: b
            .abstracts
            .iter()
            .find_map(|a| a.text.get())
            .unwrap_or("")
            .to_owned(),
        identifiers,
        actions,
        sponsors,
        related,
        subjects: b
            .subject
            .iter()
            .filter_map(|s| s.get().map(str::to_owned))
            .collect(),
        sources,
        problems,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jurisdictions() {
        assert_eq!(
            jurisdiction_of("ocd-jurisdiction/country:us/state:nh/government").unwrap(),
            "US-NH"
        );
        assert_eq!(
            jurisdiction_of("ocd-jurisdiction/country:us/government").unwrap(),
            "US"
        );
        assert_eq!(
            jurisdiction_of("ocd-jurisdiction/country:us/district:dc/government").unwrap(),
            "US-DC"
        );
        assert!(jurisdiction_of("nonsense").is_none());
    }

    #[test]
    fn classifications() {
        assert_eq!(
            meaning(&["committee-passage-favorable", "passage"]),
            Meaning::Passage(Chamber::Unknown)
        );
        assert_eq!(
            meaning(&["introduction", "referral-committee"]),
            Meaning::Stage(Stage::Introduced)
        );
        assert_eq!(meaning(&["reading-2"]), Meaning::Plain);
        assert_eq!(meaning(&[]), Meaning::Unclassified);
        assert_eq!(meaning(&["made-up"]), Meaning::Unknown);
        assert_eq!(
            meaning(&["made-up", "executive-signature"]),
            Meaning::Stage(Stage::Signed)
        );
    }
}
