//! Honest about dates (issue 25): impossible dates are reported by
//! `check` and counted by the import, which leaves them out; a saved page
//! of a longer answer is reported as partial.
//!
//! The fixture `documents-2024-01-impossible-dates.json` holds three
//! notices of January 2024 from the Federal Register's own answer
//! (recorded in mfebrizio/fr-toolbelt, tests/test_documents.json, page 1
//! of 2), whose `comments_close_on` is in February 2023, with the page's
//! own `count` and `next_page_url`.

use serde_json::Value;

use crate::util::{self, PrivateKb};

const PAGE: &str = "documents-2024-01-impossible-dates.json";

#[test]
fn import_counts_impossible_dates_and_a_missing_page_and_as_of_holds() {
    let kb = PrivateKb::copy_of(&util::shipped());
    let page = util::fixture("federal-register").join(PAGE);
    let (code, out, err) = kb.run(&["import", "federal-register", page.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    let all = format!("{out}{err}");
    assert!(
        all.contains("is page 1 of 2") && all.contains("`count` 1893"),
        "{all}"
    );
    assert!(all.contains("3 impossible date(s)"), "{all}");
    assert!(
        all.contains("2023-28816: `comment_closed` on 2023-02-01"),
        "{all}"
    );
    // The import is clean; the date is kept in a note, not on the timeline.
    let (_, check, _) = kb.run(&["check"]);
    assert!(check.contains("no problems"), "{check}");
    let (_, show, _) = kb.run(&["show", "fr-2023-28816", "--json"]);
    let v: Value = serde_json::from_str(&show).unwrap();
    let e = &v["entity"];
    assert!(
        e["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["stage"] != "comment_closed"),
        "{show}"
    );
    assert!(e["notes"].to_string().contains("2023-02-01"), "{show}");
    // As of mid-2023 the notice does not exist yet, and nothing is
    // comment_closed.
    let (code, out, err) = kb.run(&["--as-of", "2023-06-01", "show", "fr-2023-28816"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("did not exist yet"), "{out}");
    let (_, listed, _) = kb.run(&[
        "--as-of",
        "2023-06-01",
        "list",
        "--status",
        "comment_closed",
    ]);
    assert!(!listed.contains("fr-2023-28"), "{listed}");
    // The JSON report carries the warnings too.
    let (_, json, _) = kb.run(&[
        "import",
        "federal-register",
        "--dry-run",
        "--json",
        page.to_str().unwrap(),
    ]);
    let r: Value = serde_json::from_str(&json).unwrap();
    let w = r["warnings"].to_string();
    assert!(w.contains("page 1 of 2") && w.contains("impossible"), "{w}");
}

#[test]
fn every_page_given_is_not_partial() {
    // The same page as its own next page's predecessor: when page 2 is
    // given too, nothing is said.
    let dir = util::tmp();
    let src = util::fixture("federal-register").join(PAGE);
    let mut v: Value = serde_json::from_slice(&std::fs::read(&src).unwrap()).unwrap();
    let p1 = dir.path().join("documents-0001.json");
    std::fs::write(&p1, v.to_string()).unwrap();
    v["next_page_url"] = Value::Null;
    v["results"] = Value::Array(Vec::new());
    let p2 = dir.path().join("page=2.json");
    std::fs::write(&p2, v.to_string()).unwrap();
    let kb = PrivateKb::copy_of(&util::shipped());
    let (_, out, err) = kb.run(&[
        "import",
        "federal-register",
        "--dry-run",
        p1.to_str().unwrap(),
    ]);
    assert!(format!("{out}{err}").contains("page 1 of 2"), "{out}{err}");
    let (_, out, err) = kb.run(&[
        "import",
        "federal-register",
        "--dry-run",
        p1.to_str().unwrap(),
        p2.to_str().unwrap(),
    ]);
    assert!(!format!("{out}{err}").contains("page 1 of 2"), "{out}{err}");
}

#[test]
fn check_warns_on_impossible_dates() {
    let dir = util::tmp();
    let k = dir.path().join("knowledge");
    std::fs::create_dir_all(&k).unwrap();
    std::fs::write(
        k.join("notice.ron"),
        r#"(
    id: "notice",
    kind: guidance,
    name: "A notice",
    jurisdiction: "US",
    events: [
        (date: "2023-02-01", stage: comment_closed),
        (date: "2024-01-02", stage: published, source: 0),
    ],
    deadlines: [
        (due: "2023-02-01", owner: "agency", what: "Comments", kind: public),
    ],
    sources: [(title: "FR", url: "https://www.federalregister.gov/d/2023-28816")],
)"#,
    )
    .unwrap();
    std::fs::write(
        k.join("agency.ron"),
        r#"(id: "agency", kind: agency, name: "An agency", jurisdiction: "US",
    sources: [(title: "x", url: "https://www.usa.gov/")])"#,
    )
    .unwrap();
    let (_, out, err) = util::run(&k, &["check"]);
    let all = format!("{out}{err}");
    assert_eq!(all.matches("impossible-date").count(), 2, "{all}");
    assert!(
        all.contains(
            "`comment_closed` on 2023-02-01 is before the `published` event on 2024-01-02"
        ),
        "{all}"
    );
    assert!(
        all.contains("a deadline due on 2023-02-01 is before"),
        "{all}"
    );
}

/// The bill importers apply the same rule. No real record of NH 2025 or
/// the 119th Congress has an action before its introduction (counted:
/// none), so the fixture `bills-bad/before-introduction.json` is NH HB 107
/// of 2025 (Open States) with one edit, the year of its House committee
/// report typed 2024 for 2025, as the Federal Register's notices type it.
#[test]
fn bill_import_leaves_out_an_action_before_introduction() {
    let kb = PrivateKb::copy_of(&util::shipped());
    let bill = util::fixture("bills-bad").join("before-introduction.json");
    let (code, out, err) = kb.run(&[
        "import",
        "openstates",
        "--jurisdiction",
        "US-NH",
        bill.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let all = format!("{out}{err}");
    assert!(all.contains("1 impossible date(s)"), "{all}");
    assert!(
        all.contains(
            "`committee_action` on 2024-02-06 is before the `introduced` event on 2024-12-26"
        ),
        "{all}"
    );
    let (_, show, _) = kb.run(&["show", "us-nh-2025-hb-107", "--json"]);
    let v: Value = serde_json::from_str(&show).unwrap();
    let e = &v["entity"];
    assert!(
        e["events"]
            .as_array()
            .unwrap()
            .iter()
            .all(|ev| ev["date"] != "2024-02-06"),
        "{e}"
    );
    assert!(e["notes"].to_string().contains("2024-02-06"), "{e}");
    let (_, check, _) = kb.run(&["check"]);
    assert!(check.contains("no problems"), "{check}");
}

/// An effective date before publication is what the source says, not a
/// typo: a rule takes effect on the day it is filed for public
/// inspection, the day before it is printed, and rules and laws can
/// reach back. Document 2023-28792 of the Federal Register sample, a rule
/// effective 2024-01-01 and published 2024-01-02, keeps its `effective`
/// event and `check` does not flag it.
#[test]
fn an_effective_date_before_publication_is_kept() {
    let kb = PrivateKb::copy_of(&util::shipped());
    let page = util::fixture("federal-register").join("documents-2024-01-sample.json");
    let (code, out, err) = kb.run(&["import", "federal-register", page.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!format!("{out}{err}").contains("2023-28792: `effective`"));
    let (_, show, _) = kb.run(&["show", "fr-2023-28792", "--json"]);
    let v: Value = serde_json::from_str(&show).unwrap();
    let events = v["entity"]["events"].to_string();
    assert!(
        events.contains("\"2024-01-01\"") && events.contains("effective"),
        "{events}"
    );
    let (_, check, _) = kb.run(&["check"]);
    assert!(!check.contains("fr-2023-28792"), "{check}");
}
