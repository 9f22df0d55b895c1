//! The `data.json` of the unitedstates/congress scrapers (GovTrack's bill
//! data, every federal bill since 1973) -> [`BillRecord`].
//!
//! An action's `status` (`REFERRED`, `PASS_OVER:HOUSE`, `ENACTED:SIGNED`,
//! …) says most; a `vote` says which chamber passed or failed the bill
//! (`where`) and how (`result`); the `type` covers the rest.

use serde::Deserialize;

use super::bill::{
    entry_date, Action, BillKey, BillNumber, BillRecord, BillSource, Chamber, Meaning, ParseError,
    Parsed, RelatedBill,
};
use super::lenient::{list, Text};
use crate::model::{IdScheme, Identifier, Source, Sponsor, SponsorRole, Stage};

#[derive(Deserialize, Default)]
#[serde(default)]
struct Bill {
    bill_id: Text,
    bill_type: Text,
    number: Text,
    congress: Text,
    official_title: Text,
    popular_title: Text,
    short_title: Text,
    #[serde(deserialize_with = "list")]
    titles: Vec<TitleEntry>,
    sponsor: Option<Person>,
    #[serde(deserialize_with = "list")]
    cosponsors: Vec<Person>,
    #[serde(deserialize_with = "list")]
    actions: Vec<CgAction>,
    #[serde(deserialize_with = "list")]
    related_bills: Vec<Related>,
    #[serde(deserialize_with = "list")]
    subjects: Vec<Text>,
    subjects_top_term: Text,
    summary: Option<Summary>,
    enacted_as: Option<EnactedAs>,
    url: Text,
    // Present in the scrapers' other records, used to tell them apart.
    amendment_id: Text,
    vote_id: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TitleEntry {
    title: Text,
    #[serde(rename = "type")]
    kind: Text,
    is_for_portion: Option<bool>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Person {
    name: Text,
    party: Text,
    bioguide_id: Text,
    thomas_id: Text,
    withdrawn_at: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CgAction {
    acted_at: Text,
    #[serde(rename = "type")]
    kind: Text,
    text: Text,
    status: Text,
    result: Text,
    vote_type: Text,
    #[serde(rename = "where")]
    chamber: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Related {
    bill_id: Text,
    reason: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Summary {
    text: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct EnactedAs {
    congress: Text,
    law_type: Text,
    number: Text,
}

/// A `bill_id` such as `s1582-119` -> the number and the Congress.
pub fn parse_bill_id(id: &str) -> Option<(BillNumber, String)> {
    let (n, congress) = id.trim().rsplit_once('-')?;
    if congress.is_empty() || !congress.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((BillNumber::parse(n)?, congress.to_owned()))
}

/// What one action means, from its `status`, then its vote, then its type.
pub fn meaning(
    kind: &str,
    status: &str,
    result: &str,
    vote_type: &str,
    chamber: Chamber,
) -> Meaning {
    let passed = result.eq_ignore_ascii_case("pass");
    match status {
        "INTRODUCED" => return Meaning::Stage(Stage::Introduced),
        "REFERRED" => return Meaning::Stage(Stage::Referred),
        "REPORTED" => return Meaning::Stage(Stage::CommitteeAction),
        s if s.starts_with("ENACTED:") => return Meaning::Stage(Stage::Enacted),
        s if s.starts_with("VETOED:OVERRIDE_PASS") => return Meaning::Stage(Stage::VetoOverridden),
        "VETOED:POCKET" | "PROV_KILL:VETO" => return Meaning::Stage(Stage::Vetoed),
        s if s.starts_with("FAIL:") => return Meaning::Stage(Stage::Failed),
        _ => {}
    }
    match kind {
        "vote" | "vote2" => match vote_type {
            "override" if passed => Meaning::Stage(Stage::VetoOverridden),
            "override" => Meaning::Plain,
            // The other chamber's amendment agreed to, with one more
            // (`PASS_BACK`) or not; a conference report adopted.
            "pingpong" if passed => Meaning::Agreement(chamber, status.starts_with("PASS_BACK")),
            "conference" if passed => Meaning::ConferenceAdopted(chamber),
            // Passed with an amendment, back to the first chamber.
            _ if passed && status.starts_with("PASS_BACK") => Meaning::AmendedPassage(chamber),
            _ if passed => Meaning::Passage(chamber),
            "vote" | "vote2" | "pingpong" | "conference" => Meaning::Stage(Stage::Failed),
            _ => Meaning::Plain,
        },
        "referral" => Meaning::Stage(Stage::Referred),
        "topresident" => Meaning::Stage(Stage::SentToExecutive),
        "signed" => Meaning::Stage(Stage::Signed),
        "vetoed" => Meaning::Stage(Stage::Vetoed),
        "enacted" => Meaning::Stage(Stage::Enacted),
        "withdrawn" => Meaning::Stage(Stage::Withdrawn),
        "reported" => Meaning::Stage(Stage::CommitteeAction),
        "introduced" => Meaning::Stage(Stage::Introduced),
        "action" | "calendar" | "vote-aux" | "committee" | "hearings" => Meaning::Plain,
        "" => Meaning::Unclassified,
        _ => Meaning::Unknown,
    }
}

/// `119th`, `101st`, `112th`.
fn ordinal(n: &str) -> String {
    let v: u32 = n.parse().unwrap_or(0);
    let suffix = match (v % 10, v % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The congress.gov page of a bill, for the types it knows.
fn congress_gov(bill_type: &str, number: &str, congress: &str) -> Option<String> {
    let path = match bill_type {
        "hr" => "house-bill",
        "s" => "senate-bill",
        "hres" => "house-resolution",
        "sres" => "senate-resolution",
        "hjres" => "house-joint-resolution",
        "sjres" => "senate-joint-resolution",
        "hconres" => "house-concurrent-resolution",
        "sconres" => "senate-concurrent-resolution",
        _ => return None,
    };
    Some(format!(
        "https://www.congress.gov/bill/{}-congress/{path}/{number}",
        ordinal(congress)
    ))
}

/// Parses one `data.json`.
pub fn parse(bytes: &[u8]) -> Result<Parsed, ParseError> {
    let b: Bill = serde_json::from_slice(bytes)?;
    if b.bill_id.get().is_none() {
        if b.amendment_id.get().is_some() {
            return Ok(Parsed::Other("amendment"));
        }
        if b.vote_id.get().is_some() {
            return Ok(Parsed::Other("vote"));
        }
        return Err(ParseError::WrongFormat {
            looks_like: super::bill::sniff(bytes).filter(|s| *s != "congress"),
        });
    }
    let bill_id = b.bill_id.or_empty();
    let Some((number, congress)) = parse_bill_id(bill_id) else {
        return Ok(Parsed::Rejected(format!(
            "bill_id `{bill_id}` is not of the form `s1582-119`"
        )));
    };
    let key = BillKey {
        jurisdiction: "US".to_owned(),
        session: congress.clone(),
        number,
    };
    let mut problems = Vec::new();
    let zone = super::bill::record_zone("US");
    let mut actions = Vec::with_capacity(b.actions.len());
    for (i, a) in b.actions.iter().enumerate() {
        let Some(date) = entry_date(
            a.acted_at.or_empty(),
            zone.as_ref(),
            "action",
            i,
            &mut problems,
        ) else {
            continue;
        };
        let chamber = Chamber::parse(a.chamber.or_empty());
        let kind = a.kind.or_empty();
        let chamber = match (chamber, kind) {
            (Chamber::Unknown, "signed" | "vetoed" | "enacted" | "topresident") => {
                Chamber::Executive
            }
            (c, _) => c,
        };
        actions.push(Action {
            date,
            text: a.text.or_empty().to_owned(),
            chamber,
            at: super::bill::entry_instant(a.acted_at.or_empty(), zone.as_ref()),
            meaning: meaning(
                kind,
                a.status.or_empty(),
                a.result.or_empty(),
                a.vote_type.or_empty(),
                chamber,
            ),
        });
    }

    let mut identifiers = vec![Identifier {
        scheme: IdScheme::UsCongress,
        value: bill_id.to_owned(),
        confidence: Default::default(),
    }];
    if let Some(e) = &b.enacted_as {
        if let (Some(c), Some(n)) = (e.congress.get(), e.number.get()) {
            let scheme = if e.law_type.get() == Some("private") {
                IdScheme::Other
            } else {
                IdScheme::PublicLaw
            };
            let value = if scheme == IdScheme::PublicLaw {
                format!("Pub. L. {c}-{n}")
            } else {
                format!("Priv. L. {c}-{n}")
            };
            identifiers.push(Identifier {
                scheme,
                value,
                confidence: Default::default(),
            });
        }
    }

    let person = |p: &Person, role| -> Option<Sponsor> {
        let name = p.name.get()?;
        Some(Sponsor {
            name: name.to_owned(),
            role,
            party: p.party.get().map(str::to_owned),
            person: p
                .bioguide_id
                .get()
                .map(|b| format!("bioguide:{b}"))
                .or_else(|| p.thomas_id.get().map(|t| format!("thomas:{t}"))),
        })
    };
    let mut sponsors: Vec<Sponsor> = b
        .sponsor
        .as_ref()
        .and_then(|p| person(p, SponsorRole::Sponsor))
        .into_iter()
        .collect();
    sponsors.extend(
        b.cosponsors
            .iter()
            // A cosponsor who withdrew is no longer one.
            .filter(|p| p.withdrawn_at.get().is_none())
            .filter_map(|p| person(p, SponsorRole::Cosponsor)),
    );

    let title = b
        .short_title
        .get()
        .or(b.popular_title.get())
        .or(b.official_title.get())
        .unwrap_or("")
        .to_owned();
    let mut other_titles: Vec<String> = Vec::new();
    for t in [b.popular_title.get(), b.official_title.get()]
        .into_iter()
        .flatten()
        .chain(
            b.titles
                .iter()
                .filter(|t| t.is_for_portion != Some(true) && t.kind.get() != Some("official"))
                .filter_map(|t| t.title.get()),
        )
    {
        if t != title && !other_titles.iter().any(|o| o == t) {
            other_titles.push(t.to_owned());
        }
    }

    let related = b
        .related_bills
        .iter()
        .filter_map(|r| {
            let (number, session) = parse_bill_id(r.bill_id.get()?)?;
            Some(RelatedBill {
                key: BillKey {
                    jurisdiction: "US".to_owned(),
                    session,
                    number,
                },
                reason: r.reason.get().unwrap_or("related").to_owned(),
            })
        })
        .collect();

    let bill_type = b.bill_type.or_empty().to_ascii_lowercase();
    let url = b
        .url
        .get()
        .map(str::to_owned)
        .or_else(|| congress_gov(&bill_type, b.number.or_empty(), &congress));
    let sources = vec![Source {
        title: format!(
            "{} ({} Congress): unitedstates/congress data",
            key.number,
            ordinal(&congress)
        ),
        publisher: Some(BillSource::Congress.publisher().to_owned()),
        url,
        date: None,
        retrieved: None,
    }];
    let mut subjects: Vec<String> = b
        .subjects_top_term
        .get()
        .map(str::to_owned)
        .into_iter()
        .collect();
    subjects.extend(b.subjects.iter().filter_map(|s| s.get().map(str::to_owned)));

    Ok(Parsed::Bill(Box::new(BillRecord {
        source: BillSource::Congress,
        key,
        title,
        other_titles,
        summary: b
            .summary
            .as_ref()
            .and_then(|s| s.text.get())
            .unwrap_or("")
            .to_owned(),
        identifiers,
        actions,
        sponsors,
        related,
        subjects,
        sources,
        problems,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bill_ids() {
        let (n, c) = parse_bill_id("s1582-119").unwrap();
        assert_eq!((n.to_string(), c.as_str()), ("S 1582".to_owned(), "119"));
        let (n, _) = parse_bill_id("hconres14-119").unwrap();
        assert_eq!(n.to_string(), "HCONRES 14");
        assert!(parse_bill_id("s1582").is_none());
    }

    #[test]
    fn ordinals() {
        assert_eq!(ordinal("119"), "119th");
        assert_eq!(ordinal("101"), "101st");
        assert_eq!(ordinal("102"), "102nd");
        assert_eq!(ordinal("111"), "111th");
        assert_eq!(ordinal("112"), "112th");
    }
}
