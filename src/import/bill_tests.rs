//! Unit tests of bill numbers, sessions, dates and stages.

use super::*;

fn n(s: &str) -> String {
    BillNumber::parse(s)
        .map(|b| b.to_string())
        .unwrap_or_default()
}

#[test]
fn numbers_normalise() {
    for s in ["S 1582", "S. 1582", "s1582", "S.1582", " s 01582 "] {
        assert_eq!(n(s), "S 1582", "{s}");
    }
    for s in ["HB 302", "H.B. 302", "hb302", "HB0302"] {
        assert_eq!(n(s), "HB 302", "{s}");
    }
    assert_eq!(n("H.R. 3633"), "HR 3633");
    assert_eq!(n("SJR 1"), "SJR 1");
    assert_eq!(n("H.Con.Res. 14"), "HCONRES 14");
    assert_eq!(n("HJRES 3"), "HJRES 3");
    assert_eq!(n("HB 1A"), "HB 1A");
    assert!(BillNumber::parse("1582").is_none());
    assert!(BillNumber::parse("S").is_none());
    assert!(BillNumber::parse("HB 302 (2025)").is_none());
    assert!(BillNumber::parse("ocd-bill/123").is_none());
}

#[test]
fn legiscan_federal_prefixes() {
    let f = |s: &str| {
        BillNumber::parse(s)
            .map(|b| b.from_legiscan_federal().to_string())
            .unwrap_or_default()
    };
    assert_eq!(f("SB1582"), "S 1582");
    assert_eq!(f("HB3633"), "HR 3633");
    assert_eq!(f("HR5"), "HRES 5");
    assert_eq!(f("SJR7"), "SJRES 7");
}

#[test]
fn ids_are_stable_and_readable() {
    let key = |j: &str, s: &str, b: &str| BillKey {
        jurisdiction: j.into(),
        session: s.into(),
        number: BillNumber::parse(b).unwrap(),
    };
    assert_eq!(key("US", "119", "S. 1582").id().unwrap(), "us-119-s-1582");
    assert_eq!(
        key("US-NH", "2025", "HB302").id().unwrap(),
        "us-nh-2025-hb-302"
    );
    assert_ne!(key("US", "118", "S 1582"), key("US", "119", "S 1582"));
}

#[test]
fn instants_are_read_in_the_legislatures_zone() {
    let us = record_zone("US");
    let d = |raw: &str| {
        parse_date_in(raw, us.as_ref())
            .unwrap()
            .unwrap()
            .to_string()
    };
    // "Rule H. Res. 580 passed House" on the evening of July 16.
    assert_eq!(d("2025-07-17T03:04:08+00:00"), "2025-07-16");
    assert_eq!(d("2025-07-17T19:54:11+00:00"), "2025-07-17");
    // Open States' bare days: local midnight, or midnight UTC.
    assert_eq!(d("2025-07-18T04:00:00+00:00"), "2025-07-18");
    assert_eq!(d("2025-05-07T00:00:00+00:00"), "2025-05-07");
    assert_eq!(d("2025-05-07T00:00:00.000000Z"), "2025-05-07");
    assert_eq!(d("2025-05-07T00:00:00+0000"), "2025-05-07");
    assert_eq!(d("2010-07-21T18:00:00-04:00"), "2010-07-21");
    assert_eq!(d("2025-07-17"), "2025-07-17");
    assert_eq!(d("2025-07-17T23:30:00"), "2025-07-17");
    assert!(parse_date_in("2025-02-30T12:00:00+00:00", us.as_ref()).is_err());
    let hi = record_zone("US-HI");
    assert_eq!(
        parse_date_in("2025-04-02T08:00:00+00:00", hi.as_ref())
            .unwrap()
            .unwrap()
            .to_string(),
        "2025-04-01"
    );
    assert!(record_zone("US-ZZ").is_none());
}

#[test]
fn sessions() {
    let s = |j: &str, raw: &str| state_session(j, raw).unwrap();
    assert_eq!(s("US-NH", "2025"), "2025");
    assert_eq!(s("US-GA", "2023_24"), "2023");
    assert_eq!(s("US-PA", "2023-2024"), "2023");
    assert_eq!(s("US-CO", "2025S1"), "2025s1");
    assert_eq!(s("US-NH", "2025 Special Session 2"), "2025s2");
    // Numbered legislatures meet LegiScan's years.
    assert_eq!(s("US-TX", "89R"), "2025");
    assert_eq!(s("US-TX", "88R"), "2023");
    assert_eq!(s("US-TX", "891"), "2025s1");
    assert_eq!(s("US-TX", "882"), "2023s2");
    assert_eq!(s("US-OH", "136"), "2025");
    assert_eq!(s("US-OH", "135"), "2023");
    assert_eq!(s("US-NJ", "221"), "2024");
    assert_eq!(s("US-IL", "104th"), "2025");
    assert_eq!(s("US-MA", "194th"), "2025");
    assert_eq!(s("US-AZ", "57th-1st-regular"), "2025");
    assert_eq!(s("US-AZ", "57th-2nd-regular"), "2026");
    // Not of a known form, or not a numbered legislature: kept.
    assert_eq!(s("US-AZ", "57th-1st-special"), "57th-1st-special");
    assert_eq!(s("US-NH", "89R"), "89r");
    assert_eq!(s("US-TX", "9999"), "9999");
    assert_eq!(congress_of_year(2025), Some(119));
    assert_eq!(congress_of_year(2026), Some(119));
    assert_eq!(congress_of_year(2009), Some(111));
}

#[test]
fn passage_order_decides_one_or_both() {
    use Chamber::*;
    let m = [
        (Meaning::Stage(Stage::Introduced), Upper),
        (Meaning::Stage(Stage::Referred), Upper),
        (Meaning::Passage(Upper), Upper),
        (Meaning::Stage(Stage::Introduced), Lower),
        (Meaning::Stage(Stage::CommitteeAction), Lower),
        (Meaning::Passage(Lower), Lower),
        (Meaning::Stage(Stage::Signed), Executive),
        (Meaning::Stage(Stage::Enacted), Executive),
        (Meaning::Unknown, Lower),
    ];
    assert_eq!(
        resolve_stages(&m),
        vec![
            Stage::Introduced,
            Stage::Referred,
            Stage::PassedOneChamber,
            Stage::Action,
            Stage::Action,
            Stage::PassedBoth,
            Stage::Signed,
            Stage::Action,
            Stage::Action,
        ]
    );
    // A second passage in the same chamber is still one chamber, reached once.
    let again = [
        (Meaning::Passage(Lower), Lower),
        (Meaning::Passage(Lower), Lower),
    ];
    assert_eq!(
        resolve_stages(&again),
        vec![Stage::PassedOneChamber, Stage::Action]
    );
    // A one-chamber legislature passes a bill once.
    assert_eq!(
        resolve_stages(&[(Meaning::Passage(Unicameral), Unicameral)]),
        vec![Stage::PassedBoth]
    );
}

#[test]
fn one_days_actions_run_in_the_order_of_events() {
    let a = |text: &str, meaning: Meaning, at: Option<&str>| Action {
        date: "2026-04-30".parse().unwrap(),
        text: text.into(),
        chamber: Chamber::Unknown,
        meaning,
        at: at.map(|t| t.parse().unwrap()),
    };
    let texts = |acts: &[Action]| -> Vec<String> {
        chronological(acts)
            .into_iter()
            .map(|i| acts[i].text.clone())
            .collect()
    };
    // Newest first, told by the times of day (S. 4465).
    let acts = [
        a("law", Meaning::Stage(Stage::Enacted), None),
        a(
            "house",
            Meaning::Passage(Chamber::Lower),
            Some("2026-04-30T20:43:45Z"),
        ),
        a("received", Meaning::Plain, Some("2026-04-30T19:46:34Z")),
        a("senate", Meaning::Passage(Chamber::Upper), None),
        a("introduced", Meaning::Stage(Stage::Introduced), None),
    ];
    assert_eq!(
        texts(&acts),
        ["introduced", "senate", "received", "house", "law"]
    );
    // Nothing tells: the stages trade places, the rest stays.
    let acts = [
        a("law", Meaning::Stage(Stage::Enacted), None),
        a("note", Meaning::Plain, None),
        a("signed", Meaning::Stage(Stage::Signed), None),
        a("introduced", Meaning::Stage(Stage::Introduced), None),
    ];
    assert_eq!(texts(&acts), ["introduced", "note", "signed", "law"]);
    assert_eq!(
        entry_instant("2026-04-30T04:00:00+00:00", record_zone("US").as_ref()),
        None
    );
    assert!(entry_instant("2026-04-30T20:43:45+00:00", record_zone("US").as_ref()).is_some());
}

#[test]
fn dates_from_sources() {
    assert_eq!(
        parse_date("2025-07-18T04:00:00+00:00")
            .unwrap()
            .unwrap()
            .to_string(),
        "2025-07-18"
    );
    assert_eq!(parse_date("").unwrap(), None);
    assert!(parse_date("2025-02-30").is_err());
    assert_eq!(
        text_date("Signed by Governor Ayotte 05/06/2025; Chapter 4; eff. 05/07/2025")
            .unwrap()
            .to_string(),
        "2025-05-06"
    );
    assert_eq!(text_date("no date here"), None);
}
