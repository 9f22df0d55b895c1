//! LegiScan bill JSON (`getBill`, and the `bill/*.json` files of its
//! dataset archives) -> [`BillRecord`].
//!
//! LegiScan's `history` has no classification; its `progress` list does
//! (event codes, below). Each progress event gives its stage to the
//! history action of the same day (the first one; among them, the one
//! LegiScan marks important); the other actions stay plain.
//!
//! LegiScan data is CC BY 4.0: every imported bill's first source names
//! LegiScan and the licence.

use serde::Deserialize;

use super::bill::{
    congress_of_year, entry_date, parse_date, Action, BillKey, BillNumber, BillRecord, BillSource,
    Chamber, Meaning, ParseError, Parsed, RelatedBill,
};
use super::lenient::{list, Text};
use crate::model::{IdScheme, Identifier, Source, Sponsor, SponsorRole, Stage};

#[derive(Deserialize, Default)]
#[serde(default)]
struct Envelope {
    bill: Option<Bill>,
    person: Option<serde::de::IgnoredAny>,
    roll_call: Option<serde::de::IgnoredAny>,
    text: Option<serde::de::IgnoredAny>,
    amendment: Option<serde::de::IgnoredAny>,
    supplement: Option<serde::de::IgnoredAny>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Bill {
    bill_id: Text,
    session: Session,
    url: Text,
    state_link: Text,
    #[serde(deserialize_with = "list")]
    progress: Vec<Progress>,
    state: Text,
    bill_number: Text,
    body: Text,
    title: Text,
    description: Text,
    #[serde(deserialize_with = "list")]
    history: Vec<History>,
    #[serde(deserialize_with = "list")]
    sponsors: Vec<LsSponsor>,
    #[serde(deserialize_with = "list")]
    sasts: Vec<Sast>,
    #[serde(deserialize_with = "list")]
    subjects: Vec<Subject>,
    #[serde(deserialize_with = "list")]
    texts: Vec<Doc>,
    #[serde(deserialize_with = "list")]
    amendments: Vec<Doc>,
    #[serde(deserialize_with = "list")]
    supplements: Vec<Doc>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Session {
    year_start: Text,
    special: Text,
    session_name: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Progress {
    date: Text,
    event: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct History {
    date: Text,
    action: Text,
    chamber: Text,
    importance: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LsSponsor {
    people_id: Text,
    name: Text,
    party: Text,
    sponsor_type_id: Text,
    bioguide_id: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Sast {
    #[serde(rename = "type")]
    kind: Text,
    sast_bill_number: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Subject {
    subject_name: Text,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Doc {
    date: Text,
    #[serde(rename = "type")]
    kind: Text,
    title: Text,
    url: Text,
    state_link: Text,
}

/// What a LegiScan progress event code means. `None` for codes with no
/// stage (12, "draft", and codes LegiScan may add).
pub fn progress_meaning(code: i64) -> Option<Meaning> {
    Some(match code {
        1 => Meaning::Stage(Stage::Introduced),
        // Engrossed: passed the chamber of origin.
        2 => Meaning::Passage(Chamber::Unknown),
        // Enrolled: passed both chambers.
        3 => Meaning::Stage(Stage::PassedBoth),
        // Passed: became law (a signature in the text makes it `signed`).
        4 => Meaning::Stage(Stage::Enacted),
        5 => Meaning::Stage(Stage::Vetoed),
        6 => Meaning::Stage(Stage::Failed),
        7 => Meaning::Stage(Stage::VetoOverridden),
        // Chaptered: given a chapter number after becoming law.
        8 => Meaning::Stage(Stage::Enacted),
        9 => Meaning::Stage(Stage::Referred),
        10 => Meaning::Stage(Stage::CommitteeAction),
        11 => Meaning::Stage(Stage::CommitteeFailed),
        _ => return None,
    })
}

/// The canonical session: the Congress for federal bills, else the first
/// year, with `s<N>` for the Nth special session.
fn session_of(s: &Session, federal: bool) -> Option<String> {
    let year = s.year_start.int()?;
    if federal {
        return congress_of_year(year as i32).map(|c| c.to_string());
    }
    if s.special.int().unwrap_or(0) == 0 {
        return Some(year.to_string());
    }
    Some(format!(
        "{year}s{}",
        special_number(s.session_name.or_empty())
    ))
}

/// Which special session a name means: the ordinal just before `Special`
/// (or `Called`, `Extraordinary`), in figures or words: `89th Legislature
/// 2nd Special Session` is 2 (not 89), `2025 Second Special Session` is 2.
/// 1 when the name does not say.
fn special_number(name: &str) -> u32 {
    const WORDS: [&str; 10] = [
        "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
        "tenth",
    ];
    let words: Vec<String> = name
        .split(|c: char| c.is_whitespace() || c == '-' || c == ',')
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    let ordinal = |w: &str| -> Option<u32> {
        let d: String = w.chars().take_while(char::is_ascii_digit).collect();
        if !d.is_empty() && matches!(&w[d.len()..], "st" | "nd" | "rd" | "th") {
            return d.parse().ok();
        }
        WORDS
            .iter()
            .position(|x| *x == w)
            .and_then(|i| u32::try_from(i + 1).ok())
    };
    words
        .iter()
        .position(|w| matches!(w.as_str(), "special" | "called" | "extraordinary"))
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| ordinal(&words[i]))
        .unwrap_or(1)
}

/// Parses one LegiScan file.
pub fn parse(bytes: &[u8]) -> Result<Parsed, ParseError> {
    let env: Envelope = serde_json::from_slice(bytes)?;
    let Some(b) = env.bill else {
        if env.person.is_some() {
            return Ok(Parsed::Other("person"));
        }
        if env.roll_call.is_some() {
            return Ok(Parsed::Other("roll call"));
        }
        if env.text.is_some() || env.amendment.is_some() || env.supplement.is_some() {
            return Ok(Parsed::Other("document"));
        }
        return Err(ParseError::WrongFormat {
            looks_like: super::bill::sniff(bytes).filter(|s| *s != "legiscan"),
        });
    };
    let (Some(state), Some(raw_number)) = (b.state.get(), b.bill_number.get()) else {
        return Err(ParseError::WrongFormat {
            looks_like: super::bill::sniff(bytes).filter(|s| *s != "legiscan"),
        });
    };
    let state = state.to_ascii_uppercase();
    let federal = state == "US";
    let jurisdiction = if federal {
        "US".to_owned()
    } else {
        format!("US-{state}")
    };
    if !crate::model::valid_jurisdiction(&jurisdiction) {
        return Ok(Parsed::Rejected(format!(
            "state `{state}` is not a state code"
        )));
    }
    let Some(number) = BillNumber::parse(raw_number) else {
        return Ok(Parsed::Rejected(format!(
            "bill number `{raw_number}` cannot be read"
        )));
    };
    let number = if federal {
        number.from_legiscan_federal()
    } else {
        number
    };
    let Some(session) = session_of(&b.session, federal) else {
        return Ok(Parsed::Rejected(format!(
            "{raw_number}: the session has no `year_start`"
        )));
    };
    let key = BillKey {
        jurisdiction,
        session: session.clone(),
        number,
    };
    let mut problems = Vec::new();
    let zone = super::bill::record_zone(&key.jurisdiction);
    let unicameral = matches!(state.as_str(), "NE" | "DC");

    let mut actions: Vec<Action> = Vec::with_capacity(b.history.len());
    let mut important: Vec<bool> = Vec::with_capacity(b.history.len());
    for (i, h) in b.history.iter().enumerate() {
        let Some(date) = entry_date(
            h.date.or_empty(),
            zone.as_ref(),
            "history",
            i,
            &mut problems,
        ) else {
            continue;
        };
        let mut chamber = Chamber::parse(h.chamber.or_empty());
        if unicameral && matches!(chamber, Chamber::Lower | Chamber::Upper) {
            chamber = Chamber::Unicameral;
        }
        actions.push(Action {
            date,
            text: h.action.or_empty().to_owned(),
            chamber,
            meaning: Meaning::Plain,
            at: None,
        });
        important.push(h.importance.int().unwrap_or(0) > 0);
    }
    // By day, then by code: LegiScan may list "chaptered" (8) before
    // "passed" (4) on the day of the signature.
    let mut progress: Vec<(usize, &Progress)> = b.progress.iter().enumerate().collect();
    progress.sort_by_key(|(_, p)| (p.date.or_empty().to_owned(), p.event.int().unwrap_or(-1)));
    let mut chapters: Vec<String> = Vec::new();
    for (i, p) in progress {
        let date = match parse_date(p.date.or_empty()) {
            Ok(Some(d)) => d,
            Ok(None) => continue,
            Err(e) => {
                problems.push(format!("progress {i}: {e}; skipped"));
                continue;
            }
        };
        let code = p.event.int().unwrap_or(-1);
        let Some(m) = progress_meaning(code) else {
            continue;
        };
        // A signature in the text of the day's action makes "passed" a
        // signature.
        let day: Vec<usize> = (0..actions.len())
            .filter(|&j| actions[j].date == date && actions[j].meaning == Meaning::Plain)
            .collect();
        let m = if code == 4
            && day
                .iter()
                .any(|&j| actions[j].text.to_ascii_lowercase().contains("signed"))
        {
            Meaning::Stage(Stage::Signed)
        } else {
            m
        };
        let pick = day
            .iter()
            .copied()
            .find(|&j| important[j] && matches_event(code, &actions[j].text))
            .or_else(|| {
                day.iter()
                    .copied()
                    .find(|&j| matches_event(code, &actions[j].text))
            })
            .or_else(|| day.iter().copied().find(|&j| important[j]))
            .or_else(|| day.first().copied());
        match pick {
            Some(j) => {
                actions[j].meaning = m;
                // Georgia's "Act 93", "Chapter 12": the session-law number.
                let t = actions[j].text.trim();
                let is_cite = ["Act ", "Chapter "].iter().any(|p| {
                    t.strip_prefix(p)
                        .is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
                });
                if code == 8 && is_cite {
                    chapters.push(t.to_owned());
                }
            }
            None => {
                actions.push(Action {
                    date,
                    text: format!("LegiScan progress event {code}"),
                    chamber: Chamber::Unknown,
                    meaning: m,
                    at: None,
                });
                important.push(true);
            }
        }
    }

    let mut identifiers = Vec::new();
    for c in chapters {
        identifiers.push(Identifier {
            scheme: IdScheme::SessionLaw,
            value: format!(
                "{c} ({session_label})",
                session_label = b.session.session_name.get().unwrap_or(&session)
            ),
            confidence: Default::default(),
        });
    }
    if let Some(id) = b.bill_id.get() {
        identifiers.push(Identifier {
            scheme: IdScheme::Legiscan,
            value: id.to_owned(),
            confidence: Default::default(),
        });
    }

    let mut sponsors: Vec<Sponsor> = b
        .sponsors
        .iter()
        .filter_map(|s| {
            let name = s.name.get()?;
            Some(Sponsor {
                name: name.to_owned(),
                role: if s.sponsor_type_id.int() == Some(1) {
                    SponsorRole::Sponsor
                } else {
                    SponsorRole::Cosponsor
                },
                party: s.party.get().map(str::to_owned),
                person: s
                    .bioguide_id
                    .get()
                    .map(|b| format!("bioguide:{b}"))
                    .or_else(|| s.people_id.get().map(|p| format!("legiscan:{p}"))),
            })
        })
        .collect();
    sponsors.sort_by_key(|s| s.role);

    let related = b
        .sasts
        .iter()
        .filter_map(|s| {
            let n = BillNumber::parse(s.sast_bill_number.get()?)?;
            Some(RelatedBill {
                key: BillKey {
                    jurisdiction: key.jurisdiction.clone(),
                    session: session.clone(),
                    number: if federal {
                        n.from_legiscan_federal()
                    } else {
                        n
                    },
                },
                reason: s.kind.get().unwrap_or("related").to_ascii_lowercase(),
            })
        })
        .collect();

    let session_name = b.session.session_name.get().unwrap_or(&session).to_owned();
    let mut sources = vec![Source {
        title: format!("LegiScan: {state} {raw_number} ({session_name}), data licensed CC BY 4.0"),
        publisher: Some(BillSource::Legiscan.publisher().to_owned()),
        url: b.url.get().map(str::to_owned),
        date: None,
        retrieved: None,
    }];
    if let Some(link) = b.state_link.get() {
        sources.push(Source {
            title: format!("{state} legislature: {raw_number}"),
            publisher: None,
            url: Some(link.to_owned()),
            date: None,
            retrieved: None,
        });
    }
    for (what, docs) in [
        ("Text", &b.texts),
        ("Amendment", &b.amendments),
        ("Supplement", &b.supplements),
    ] {
        for d in docs {
            let Some(url) = d.state_link.get().or(d.url.get()) else {
                continue;
            };
            let date = match parse_date(d.date.or_empty()) {
                Ok(d) => d,
                Err(e) => {
                    problems.push(format!("{what} `{url}`: {e}"));
                    None
                }
            };
            let label = d.title.get().or(d.kind.get()).unwrap_or("document");
            sources.push(Source {
                title: format!("{what}: {label}"),
                publisher: None,
                url: Some(url.to_owned()),
                date,
                retrieved: None,
            });
        }
    }

    Ok(Parsed::Bill(Box::new(BillRecord {
        source: BillSource::Legiscan,
        key,
        title: b.title.or_empty().to_owned(),
        other_titles: Vec::new(),
        summary: b.description.or_empty().to_owned(),
        identifiers,
        actions,
        sponsors,
        related,
        subjects: b
            .subjects
            .iter()
            .filter_map(|s| s.subject_name.get().map(str::to_owned))
            .collect(),
        sources,
        problems,
    })))
}

/// Whether an action's text reads like a progress event (so that, of
/// several actions on one day, the stage lands on the right one).
fn matches_event(code: i64, text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    let any = |ws: &[&str]| ws.iter().any(|w| t.contains(w));
    match code {
        1 => any(&["introduc", "prefiled", "filed", "first read", "hopper"]),
        2 | 3 => any(&["pass", "adopt", "third read", "engross", "enroll"]),
        4 | 8 => any(&["sign", "law", "chapter", "approved by governor"]),
        5 => any(&["veto"]),
        6 => any(&["fail", "defeat", "lost", "died"]),
        7 => any(&["overrid"]),
        9 => any(&["refer", "committee"]),
        10 | 11 => any(&["report", "committee", "recommend"]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_sessions_are_numbered_by_the_ordinal_before_special() {
        assert_eq!(special_number("89th Legislature 2nd Special Session"), 2);
        assert_eq!(special_number("2025 Second Special Session"), 2);
        assert_eq!(special_number("2025 1st Special Session"), 1);
        assert_eq!(special_number("2024 Special Session"), 1);
        assert_eq!(special_number("Third Extraordinary Session"), 3);
    }
}
