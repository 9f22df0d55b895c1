//! The real samples in `tests/fixtures/bills/`, read by each source and
//! mapped to stages.

use super::*;

fn read(rel: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/bills")
        .join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn bill(parsed: Result<Parsed, ParseError>) -> BillRecord {
    match parsed {
        Ok(Parsed::Bill(b)) => *b,
        Ok(other) => panic!("not a bill: {other:?}"),
        Err(ParseError::Json(e)) => panic!("{e}"),
        Err(ParseError::WrongFormat { looks_like }) => panic!("wrong format {looks_like:?}"),
    }
}

/// `(date, stage)` of every event that sets the status.
fn milestones(b: &BillRecord) -> Vec<(String, Stage)> {
    let id = b.key.id().unwrap();
    let (e, _) = b.to_entity(&id);
    e.events
        .iter()
        .filter(|ev| ev.stage.sets_status())
        .map(|ev| (ev.date.to_string(), ev.stage))
        .collect()
}

fn ms(v: &[(&str, Stage)]) -> Vec<(String, Stage)> {
    v.iter().map(|(d, s)| (d.to_string(), *s)).collect()
}

#[test]
fn openstates_s1582() {
    let b = bill(crate::import::openstates::parse(
        &read("openstates/usa-119/S1582.json"),
        None,
    ));
    assert_eq!(b.key.id().unwrap(), "us-119-s-1582");
    use Stage::*;
    assert_eq!(
        milestones(&b),
        ms(&[
            ("2025-05-01", Introduced),
            ("2025-06-17", PassedOneChamber),
            ("2025-07-17", PassedBoth),
            ("2025-07-17", SentToExecutive),
            ("2025-07-18", Signed),
        ])
    );
    let (e, counts) = b.to_entity("us-119-s-1582");
    assert_eq!(e.kind, Kind::Statute);
    assert!(e
        .identifiers
        .iter()
        .any(|i| i.scheme == IdScheme::PublicLaw && i.value == "Pub. L. 119-27"));
    assert!(e.sponsors.iter().any(|s| s.matches("Lummis")));
    assert!(counts.unclassified > 10);
    assert_eq!(e.status(None), Some(Signed));
}

#[test]
fn openstates_nh_hb302() {
    let b = bill(crate::import::openstates::parse(
        &read("openstates/nh-2025/HB302.json"),
        None,
    ));
    assert_eq!(b.key.id().unwrap(), "us-nh-2025-hb-302");
    use Stage::*;
    assert_eq!(
        milestones(&b),
        ms(&[
            ("2025-01-07", Introduced),
            ("2025-03-05", CommitteeAction),
            ("2025-03-13", PassedOneChamber),
            ("2025-04-10", PassedOneChamber),
            ("2025-05-01", PassedBoth),
            ("2025-05-07", Signed),
        ])
    );
    let (e, _) = b.to_entity("us-nh-2025-hb-302");
    // The signature's text gives an earlier day than the action.
    assert!(
        e.notes.iter().any(|n| n.contains("2025-05-06")),
        "{:?}",
        e.notes
    );
    assert_eq!(
        e.sponsors.first().map(|s| (s.name.as_str(), s.role)),
        Some(("Keith Michael Ammon", crate::model::SponsorRole::Sponsor))
    );
}

#[test]
fn openstates_nh_amended_in_the_second_chamber_never_agreed() {
    // SB 100: the House passed it with an amendment, the Senate did
    // not concur. HB 107: the Senate passed it with an amendment, the
    // House laid it on the table. Neither passed both chambers.
    for rel in [
        "openstates/nh-2025/SB100.json",
        "openstates/nh-2025-amended/HB107.json",
    ] {
        let b = bill(crate::import::openstates::parse(&read(rel), None));
        let (e, _) = b.to_entity("x");
        assert_eq!(e.status(None), Some(Stage::PassedOneChamber), "{rel}");
        assert_eq!(e.kind, Kind::Bill);
        assert!(!e.events.iter().any(|ev| ev.stage == Stage::PassedBoth));
    }
}

#[test]
fn legiscan_georgia() {
    let b = bill(crate::import::legiscan::parse(&read("legiscan/HB1.json")));
    assert_eq!(b.key.id().unwrap(), "us-ga-2023-hb-1");
    assert_eq!(milestones(&b), ms(&[("2022-11-22", Stage::Introduced)]));
    let (e, _) = b.to_entity("us-ga-2023-hb-1");
    assert!(e.sources[0].title.contains("CC BY 4.0"));
    assert!(e
        .identifiers
        .iter()
        .any(|i| i.scheme == IdScheme::Legiscan && i.value == "1634354"));
    assert!(e.sponsors.iter().any(|s| s.matches("kendrick")));
}

#[test]
fn congress_dodd_frank() {
    let b = bill(crate::import::congress::parse(&read(
        "congress/hr4173-111.json",
    )));
    assert_eq!(b.key.id().unwrap(), "us-111-hr-4173");
    use Stage::*;
    let m = milestones(&b);
    assert_eq!(m.first(), Some(&("2009-12-02".to_owned(), Referred)));
    // Referred to nine committees, cleared and presented: each stage once.
    assert_eq!(m.iter().filter(|(_, s)| *s == Referred).count(), 1);
    assert_eq!(m.iter().filter(|(_, s)| *s == SentToExecutive).count(), 1);
    assert!(m.contains(&("2009-12-11".to_owned(), PassedOneChamber)));
    // The Senate passed it with an amendment; both chambers passed one
    // text when the Senate agreed to the conference report.
    assert!(m.contains(&("2010-05-20".to_owned(), PassedOneChamber)));
    assert!(m.contains(&("2010-07-15".to_owned(), PassedBoth)));
    assert_eq!(m.iter().filter(|(_, s)| *s == PassedBoth).count(), 1);
    assert_eq!(m.last(), Some(&("2010-07-21".to_owned(), Signed)));
    let (e, _) = b.to_entity("us-111-hr-4173");
    assert_eq!(
        e.name,
        "Dodd-Frank Wall Street Reform and Consumer Protection Act"
    );
    assert!(e.identifiers.iter().any(|i| i.value == "Pub. L. 111-203"));
    assert_eq!(e.kind, Kind::Statute);
    assert!(b
        .related
        .iter()
        .any(|r| r.key.id().unwrap() == "us-111-s-3217"));
}

#[test]
fn wrong_importer_says_which_one() {
    let ls = read("legiscan/HB1.json");
    assert!(matches!(
        crate::import::openstates::parse(&ls, None),
        Err(ParseError::WrongFormat {
            looks_like: Some("legiscan")
        })
    ));
    let cg = read("congress/hr3590-111.json");
    assert!(matches!(
        crate::import::legiscan::parse(&cg),
        Err(ParseError::WrongFormat {
            looks_like: Some("congress")
        })
    ));
    let os = read("openstates/nh-2025/HB1.json");
    assert!(matches!(
        crate::import::congress::parse(&os),
        Err(ParseError::WrongFormat {
            looks_like: Some("openstates")
        })
    ));
}
