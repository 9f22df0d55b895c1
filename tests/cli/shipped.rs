//! The shipped knowledge base: it passes `check --deny-warnings`, every
//! entity is sourced and named in Traditional Chinese, and key facts from
//! the fact sheet come out of the real binary as recorded.

use serde_json::Value;

use crate::util;

fn json(args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let (code, out, err) = util::run(&util::shipped(), &all);
    assert!(code == 0, "{args:?} exit {code}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}): {out}"))
}

/// `(date, stage)` of every event of an entity.
fn events(id: &str) -> Vec<(String, String)> {
    let v = json(&["show", id]);
    v["entity"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["date"].as_str().unwrap().to_owned(),
                e["stage"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn has_event(id: &str, date: &str, stage: &str) -> bool {
    events(id).contains(&(date.to_owned(), stage.to_owned()))
}

fn identifiers(id: &str) -> Vec<String> {
    let v = json(&["show", id]);
    v["entity"]["identifiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["value"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn shipped_base_passes_check_with_warnings_denied() {
    let (code, out, err) = util::run(&util::shipped(), &["check", "--deny-warnings"]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("no problems"), "{out}");
}

#[test]
fn every_entity_is_sourced_and_named_in_chinese() {
    let v = json(&["export", "json"]);
    let nodes = v["nodes"].as_array().unwrap();
    assert!(nodes.len() >= 70, "{} entities", nodes.len());
    for n in nodes {
        let id = &n["id"];
        assert!(
            n["names"]["zh-Hant"]
                .as_str()
                .is_some_and(|s| !s.is_empty()),
            "{id} lacks a zh-Hant name"
        );
        assert!(
            !n["sources"].as_array().unwrap().is_empty(),
            "{id} has no source"
        );
        let kind = n["kind"].as_str().unwrap();
        let needs_summary = matches!(
            kind,
            "executive_order"
                | "statute"
                | "bill"
                | "rule"
                | "guidance"
                | "report"
                | "program"
                | "agency"
        );
        if needs_summary {
            assert!(
                n["summaries"]["zh-Hant"]
                    .as_str()
                    .is_some_and(|s| !s.is_empty()),
                "{id} lacks a zh-Hant summary"
            );
        }
    }
}

#[test]
fn executive_orders_signing_dates_and_links() {
    assert!(has_event("eo-14330", "2025-08-07", "signed"));
    assert!(has_event("eo-14178", "2025-01-23", "signed"));
    assert!(has_event("eo-14233", "2025-03-06", "signed"));
    assert!(identifiers("eo-14233").contains(&"90 FR 11789".to_owned()));
    let v = json(&["show", "eo-14178"]);
    let rels: Vec<(String, String)> = v["entity"]["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["rel"].as_str().unwrap().to_owned(),
                r["to"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert!(
        rels.contains(&("revokes".into(), "eo-14067".into())),
        "{rels:?}"
    );
    assert!(
        rels.contains(&("establishes".into(), "pwg-digital-asset-markets".into())),
        "{rels:?}"
    );
}

#[test]
fn genius_act_law_number_votes_and_signing() {
    let ids = identifiers("genius-act");
    assert!(ids.contains(&"S. 1582".to_owned()), "{ids:?}");
    assert!(ids.contains(&"Pub. L. 119-27".to_owned()), "{ids:?}");
    assert!(has_event("genius-act", "2025-06-17", "passed_one_chamber"));
    assert!(has_event("genius-act", "2025-07-17", "passed_both"));
    assert!(has_event("genius-act", "2025-07-18", "signed"));
    let v = json(&["show", "genius-act"]);
    assert_eq!(v["status"], "signed");
    let notes: String = v["entity"]["events"].to_string();
    assert!(
        notes.contains("68-30") && notes.contains("308-122"),
        "{notes}"
    );
}

#[test]
fn state_bills_caps_and_outcomes() {
    assert!(has_event("nh-hb-302", "2025-05-06", "signed"));
    assert!(has_event("az-sb-1025", "2025-05-02", "vetoed"));
    assert!(has_event("az-hb-2324", "2025-07-01", "vetoed"));
    assert!(has_event("az-hb-2749", "2025-05-07", "signed"));
    assert!(has_event("fl-hb-487", "2025-05-03", "withdrawn"));
    assert!(has_event("sd-hb-1202", "2025-02-24", "failed"));
    let caps = [
        ("nh-hb-302", "5%"),
        ("az-sb-1025", "10%"),
        ("mt-hb-429", "$50 million"),
        ("wy-hb-201", "3%"),
    ];
    for (id, cap) in caps {
        let v = json(&["show", id]);
        let summary = v["entity"]["summary"].as_str().unwrap();
        assert!(summary.contains(cap), "{id}: `{cap}` not in {summary}");
    }
    let tx = json(&["show", "tx-sb-21"]);
    assert_eq!(tx["status"], "signed");
    assert!(tx["entity"]["summary"]
        .as_str()
        .unwrap()
        .contains("$500 billion"));
}

#[test]
fn figures_values_dates_and_the_derived_claim() {
    let limit = json(&["show", "fig-401k-deferral-limit-2025"]);
    assert_eq!(limit["entity"]["figure"]["value"], 23500.0);
    let assets = json(&["show", "fig-401k-assets-2025q1"]);
    assert_eq!(assets["entity"]["figure"]["value"], 8.7e12);
    assert_eq!(assets["entity"]["figure"]["as_of"], "2025-03-31");
    let derived = json(&["show", "fig-one-percent-401k-87b"]);
    assert_eq!(derived["entity"]["figure"]["value"], 8.7e10);
    assert!(derived["entity"]["figure"]["derived"]
        .as_str()
        .is_some_and(|d| d.contains("8.7")));
    assert_eq!(derived["entity"]["confidence"], "partly");
}

#[test]
fn july_2025_timeline_and_the_401k_deadlines() {
    let v = json(&["timeline", "--since", "2025-07-01", "--until", "2025-07-31"]);
    let seen: Vec<(String, String)> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["entity"].as_str().unwrap().to_owned(),
                e["date"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for (id, date) in [
        ("crypto-week-2025", "2025-07-14"),
        ("genius-act", "2025-07-17"),
        ("genius-act", "2025-07-18"),
        ("pwg-report-2025", "2025-07-30"),
    ] {
        assert!(
            seen.contains(&(id.to_owned(), date.to_owned())),
            "{id} {date} missing from {seen:?}"
        );
    }
    let d = json(&["deadlines"]);
    let eo = d["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["set_by"]["id"] == "eo-14330")
        .unwrap()
        .clone();
    assert_eq!(eo["due"], "2026-02-03");
    assert_eq!(eo["owner"]["id"], "dol");
    assert_eq!(eo["met"]["by"]["id"], "dol-dia-proposed-rule-2026");
    assert_eq!(eo["met"]["date"], "2026-03-31");
    assert_eq!(eo["met"]["on_time"], false);
    assert!(has_event(
        "dol-dia-proposed-rule-2026",
        "2026-06-01",
        "comment_closed"
    ));
}

#[test]
fn the_order_did_not_exist_before_it_was_signed() {
    let (code, out, _) = util::run(
        &util::shipped(),
        &["show", "eo-14330", "--as-of", "2025-07-15"],
    );
    assert_eq!(code, 1);
    assert!(out.contains("did not exist yet on 2025-07-15"), "{out}");
}
