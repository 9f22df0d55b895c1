//! Graph queries against the real binary (issue #4): reference resolution,
//! `show`, `agencies`, `neighbors`, `path`, `list`, JSON output and closed
//! pipes. Most tests run on the small `tests/fixtures/graph` corpus (see its
//! README for its shape); a few check the shipped knowledge base, asserting
//! only on entities that will stay.

use std::io::Read;
use std::path::PathBuf;
use std::process::Stdio;

use serde_json::Value;

use crate::util;

fn fx() -> PathBuf {
    util::fixture("graph")
}

/// Runs on the fixture and expects exit 0; returns stdout.
fn ok(args: &[&str]) -> String {
    let (code, out, err) = util::run(&fx(), args);
    assert_eq!(code, 0, "{args:?} failed\nstdout:\n{out}\nstderr:\n{err}");
    out
}

/// Runs on the fixture with `--json`, expects exit 0, parses stdout.
fn json(args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = ok(&all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{out}"))
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not an array: {v}"))
        .iter()
        .map(|x| x["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The id `show --json` resolved a reference to.
fn resolved(reference: &str) -> String {
    json(&["show", reference])["entity"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

// ---------------------------------------------------------------- resolution

#[test]
fn resolves_id_alias_and_names_in_any_language_and_case() {
    for reference in [
        "dept-labor",
        "DOL",
        "dol",
        "Labor Department",
        "Department of Labor",
        "department OF   labor",
        "勞工部",
        "劳工部",
    ] {
        assert_eq!(resolved(reference), "dept-labor", "reference `{reference}`");
    }
    // Names of other entities resolve to them, not to a neighbour.
    assert_eq!(resolved("財政部"), "treasury-dept");
    assert_eq!(resolved("EO 9001"), "order-alpha");
}

#[test]
fn ambiguous_reference_lists_candidates_and_exits_1() {
    let (code, out, err) = util::run(&fx(), &["show", "The Bureau"]);
    assert_eq!(code, 1, "stderr: {err}");
    assert!(out.is_empty(), "nothing on stdout: {out}");
    assert!(err.contains("ambiguous"), "{err}");
    assert!(err.contains("benefits-office  Benefits Office"), "{err}");
    assert!(err.contains("mint  National Mint"), "{err}");
    // Every command resolves the same way.
    for args in [
        &["agencies", "the bureau"][..],
        &["neighbors", "THE BUREAU"],
        &["path", "order-alpha", "The Bureau"],
    ] {
        let (code, _, err) = util::run(&fx(), args);
        assert_eq!(code, 1, "{args:?}: {err}");
        assert!(err.contains("ambiguous"), "{args:?}: {err}");
    }
}

#[test]
fn unknown_reference_suggests_the_closest_and_exits_1() {
    let (code, out, err) = util::run(&fx(), &["show", "dept-labr"]);
    assert_eq!(code, 1, "stderr: {err}");
    assert!(out.is_empty());
    assert!(err.contains("no entity matches `dept-labr`"), "{err}");
    assert!(
        err.contains("did you mean: dept-labor (Department of Labor)"),
        "{err}"
    );
    let (code, _, err) = util::run(&fx(), &["agencies", "Natonal Mint"]);
    assert_eq!(code, 1);
    assert!(err.contains("mint (National Mint)"), "{err}");
}

// ---------------------------------------------------------------------- show

#[test]
fn show_golden() {
    insta::assert_snapshot!("show_order_alpha", ok(&["show", "order-alpha"]));
    insta::assert_snapshot!("show_dept_labor_by_chinese_name", ok(&["show", "勞工部"]));
}

#[test]
fn show_json_shape() {
    let v = json(&["show", "dept-labor"]);
    assert_eq!(v["exists"], true);
    assert_eq!(v["as_of"], Value::Null);
    assert_eq!(v["path"], "dept-labor.ron");
    assert_eq!(v["entity"]["id"], "dept-labor");
    assert_eq!(v["entity"]["kind"], "agency");
    assert_eq!(v["entity"]["names"]["zh-Hant"], "勞工部");
    // Incoming relations are read from the other side (inverse names);
    // compare them as a set.
    let mut inc: Vec<(String, String)> = v["incoming"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["from"].as_str().unwrap().to_owned(),
                i["reads"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    inc.sort();
    assert_eq!(
        inc,
        vec![
            ("benefits-office".into(), "has_part".into()),
            ("order-alpha".into(), "directed_by".into()),
        ]
    );
    let order = json(&["show", "order-alpha"]);
    assert_eq!(order["status"], "signed");
    assert_eq!(order["entity"]["relations"].as_array().unwrap().len(), 4);
}

#[test]
fn show_as_of_before_first_event_says_it_did_not_exist() {
    let (code, out, err) = util::run(&fx(), &["--as-of", "2025-01-01", "show", "order-alpha"]);
    assert_eq!(code, 1, "stderr: {err}");
    assert!(
        out.contains("order-alpha did not exist yet on 2025-01-01"),
        "{out}"
    );
    assert!(out.contains("2025-03-01"), "names the first event: {out}");
    // JSON says so too, with the same exit code.
    let (code, out, _) = util::run(
        &fx(),
        &["--json", "--as-of", "2025-01-01", "show", "order-alpha"],
    );
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["exists"], false);
    assert_eq!(v["as_of"], "2025-01-01");
}

#[test]
fn show_as_of_hides_later_relations_and_events() {
    // On 2025-04-01 the order exists, but the guidance implementing it does
    // not yet (published 2025-06-01).
    let (code, out, err) = util::run(&fx(), &["--as-of", "2025-04-01", "show", "order-alpha"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("status as of 2025-04-01: signed"), "{out}");
    assert!(!out.contains("guide-beta"), "{out}");
    assert!(ok(&["show", "order-alpha"]).contains("guide-beta"));
}

// ------------------------------------------------------------------ agencies

#[test]
fn agencies_golden() {
    insta::assert_snapshot!("agencies_order_alpha", ok(&["agencies", "order-alpha"]));
}

#[test]
fn agencies_chains_rollup_and_order() {
    let v = json(&["agencies", "order-alpha"]);
    assert_eq!(v["entity"], "order-alpha");
    assert_eq!(v["depth"], 2);
    assert_eq!(v["direct"], false);
    let hits = &v["agencies"];
    // Distance first, then name (not id): "Chief Executive" < "Department
    // of Labor" < "National Mint", although potus sorts last by id.
    assert_eq!(
        ids(hits),
        vec![
            "potus",
            "dept-labor",
            "mint",
            "benefits-office",
            "treasury-dept",
            "cabinet"
        ]
    );
    let by_id = |id: &str| {
        hits.as_array()
            .unwrap()
            .iter()
            .find(|h| h["id"] == id)
            .unwrap()
            .clone()
    };
    let office = by_id("benefits-office");
    assert_eq!(office["distance"], 2);
    assert_eq!(office["rollup"], false);
    assert_eq!(office["parents"], serde_json::json!(["dept-labor"]));
    let chain: Vec<(&str, &str, &str, bool)> = office["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["from"].as_str().unwrap(),
                s["reads"].as_str().unwrap(),
                s["to"].as_str().unwrap(),
                s["reversed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        chain,
        vec![
            ("guide-beta", "implemented_by", "order-alpha", true),
            ("guide-beta", "issued_by", "benefits-office", false),
        ]
    );
    // Treasury is reached only as the parent of the mint.
    let t = by_id("treasury-dept");
    assert_eq!(t["rollup"], true);
    assert_eq!(t["distance"], 2);
    let last = t["chain"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["from"], "mint");
    assert_eq!(last["relation"], "part_of");
    assert_eq!(last["to"], "treasury-dept");
    assert_eq!(t["parents"], serde_json::json!(["cabinet"]));
    assert_eq!(
        by_id("mint")["parents"],
        serde_json::json!(["treasury-dept", "cabinet"])
    );
    // Two levels up: the roll-up chain goes on from the first.
    let cab = by_id("cabinet");
    assert_eq!(cab["rollup"], true);
    assert_eq!(cab["distance"], 3);
    assert_eq!(cab["parents"], serde_json::json!([]));
    // Every hit has the full schema.
    for h in hits.as_array().unwrap() {
        for key in [
            "id", "kind", "name", "distance", "chain", "rollup", "parents",
        ] {
            assert!(h.get(key).is_some(), "missing `{key}` in {h}");
        }
        assert_eq!(h["chain"].as_array().unwrap().len() as u64, h["distance"]);
        for s in h["chain"].as_array().unwrap() {
            for key in [
                "from", "relation", "to", "reversed", "reads", "date", "note",
            ] {
                assert!(s.get(key).is_some(), "missing `{key}` in step {s}");
            }
        }
    }
}

#[test]
fn agencies_direct_and_depth() {
    let direct = json(&["agencies", "order-alpha", "--direct"]);
    assert_eq!(direct["direct"], true);
    // No roll-up and nothing two relations away.
    assert_eq!(
        ids(&direct["agencies"]),
        vec!["potus", "dept-labor", "mint"]
    );
    let d1 = json(&["agencies", "order-alpha", "--depth", "1"]);
    // Depth 1 still rolls up through part_of.
    assert_eq!(
        ids(&d1["agencies"]),
        vec!["potus", "dept-labor", "mint", "treasury-dept", "cabinet"]
    );
    // From the guidance: its issuer at 1, and the order's agencies at 2.
    let g1 = json(&["agencies", "guide-beta", "--direct"]);
    assert_eq!(ids(&g1["agencies"]), vec!["benefits-office"]);
    let g2 = json(&["agencies", "guide-beta"]);
    let got = ids(&g2["agencies"]);
    assert_eq!(got[0], "benefits-office");
    for want in ["dept-labor", "mint", "potus", "treasury-dept"] {
        assert!(got.contains(&want.to_owned()), "{want} in {got:?}");
    }
}

#[test]
fn agencies_as_of_skips_what_did_not_exist() {
    let v = json(&["--as-of", "2025-04-01", "agencies", "order-alpha"]);
    let got = ids(&v["agencies"]);
    assert!(
        !got.contains(&"benefits-office".to_owned()),
        "reached through guidance published later: {got:?}"
    );
    assert!(got.contains(&"dept-labor".to_owned()));
}

#[test]
fn agencies_rollup_as_of_skips_later_part_of() {
    // The treasury joined the cabinet on 2026-01-01.
    let v = json(&["--as-of", "2025-12-01", "agencies", "order-alpha"]);
    let hits = v["agencies"].as_array().unwrap();
    let got = ids(&v["agencies"]);
    assert!(!got.contains(&"cabinet".to_owned()), "{got:?}");
    let parents = |id: &str| {
        hits.iter()
            .find(|h| h["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing from {got:?}"))["parents"]
            .clone()
    };
    assert_eq!(parents("mint"), serde_json::json!(["treasury-dept"]));
    assert_eq!(
        parents("treasury-dept"),
        serde_json::json!([]),
        "a roll-up entry lists a parent it did not have yet"
    );
    let text = ok(&["--as-of", "2025-12-01", "agencies", "order-alpha"]);
    assert!(!text.contains("cabinet"), "{text}");
}

#[test]
fn graph_commands_before_the_entity_existed_exit_1() {
    for args in [
        &["agencies", "order-alpha"][..],
        &["neighbors", "order-alpha"],
        &["path", "order-alpha", "mint"],
        &["path", "mint", "order-alpha"],
    ] {
        let mut all = vec!["--as-of", "2025-01-01"];
        all.extend_from_slice(args);
        let (code, out, err) = util::run(&fx(), &all);
        assert_eq!(code, 1, "{args:?}: like `show`, nothing found: {err}");
        assert!(out.is_empty(), "{args:?}: {out}");
        assert!(
            err.contains("order-alpha did not exist yet on 2025-01-01")
                && err.contains("2025-03-01"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn agencies_none_exits_1() {
    let (code, out, _) = util::run(&fx(), &["agencies", "lonely-report"]);
    assert_eq!(code, 1);
    // Issue 25: what is known, not "touches no agency".
    assert!(
        out.contains("lonely-report: no relation to an agency is recorded"),
        "{out}"
    );
    assert!(out.contains("the text is not imported"), "{out}");
}

#[test]
fn agencies_on_shipped_kb_eo_14330() {
    let (code, out, err) = util::run(&util::shipped(), &["--json", "agencies", "eo-14330"]);
    assert_eq!(code, 0, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["entity"], "eo-14330");
    let hits = v["agencies"].as_array().unwrap();
    // Issue 26: the order consults no one itself; the Secretary of Labor is
    // to consult Treasury (dol ─consults→ treasury). Issue 25: that
    // consultation is shown, through dol, never as the order's own.
    let treasury = hits.iter().find(|h| h["id"] == "treasury").unwrap();
    let steps: Vec<(&str, &str)> = treasury["chain"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["reads"].as_str().unwrap(), s["to"].as_str().unwrap()))
        .collect();
    assert_eq!(steps, [("directs", "dol"), ("consults", "treasury")]);
    // Every relation to an agency is listed: sec is directed, and dol
    // consults it.
    let sec = hits.iter().find(|h| h["id"] == "sec").unwrap();
    assert_eq!(sec["chain"][0]["reads"], "directs");
    assert_eq!(sec["also"][0][1]["reads"], "consults");
    for want in ["dol", "ebsa", "sec"] {
        let h = hits
            .iter()
            .find(|h| h["id"] == want)
            .unwrap_or_else(|| panic!("`{want}` missing from {:?}", ids(&v["agencies"])));
        let chain = h["chain"].as_array().unwrap();
        assert!(!chain.is_empty(), "{want} has no chain");
        assert_eq!(chain.len() as u64, h["distance"], "{want}");
        // The chain starts at the order and ends at the agency.
        let first = &chain[0];
        let starts = if first["reversed"] == true {
            &first["to"]
        } else {
            &first["from"]
        };
        assert_eq!(starts, "eo-14330", "{want}: {first}");
        let last = chain.last().unwrap();
        let ends = if last["reversed"] == true {
            &last["from"]
        } else {
            &last["to"]
        };
        assert_eq!(ends, want, "{want}: {last}");
    }
    // Sorted by distance.
    let d: Vec<u64> = hits
        .iter()
        .map(|h| h["distance"].as_u64().unwrap())
        .collect();
    assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    // The human form shows the same chains.
    let (code, text, _) = util::run(&util::shipped(), &["agencies", "eo-14330"]);
    assert_eq!(code, 0);
    assert!(text.contains("eo-14330 ─directs→ dol"), "{text}");
}

// ----------------------------------------------------------------- neighbors

fn neighbor_ids(args: &[&str]) -> Vec<String> {
    let mut all = vec!["neighbors"];
    all.extend_from_slice(args);
    ids(&json(&all)["neighbors"])
}

#[test]
fn neighbors_depth_direction_relation_kind() {
    // Sorted by distance, then id.
    assert_eq!(
        neighbor_ids(&["order-alpha"]),
        vec!["dept-labor", "guide-beta", "mint", "potus", "widgets"]
    );
    assert_eq!(
        neighbor_ids(&["order-alpha", "--direction", "out"]),
        vec!["dept-labor", "mint", "potus", "widgets"]
    );
    assert_eq!(
        neighbor_ids(&["order-alpha", "--direction", "in"]),
        vec!["guide-beta"]
    );
    assert_eq!(
        neighbor_ids(&[
            "order-alpha",
            "--relation",
            "directs",
            "--relation",
            "consults"
        ]),
        vec!["dept-labor", "mint"]
    );
    assert_eq!(
        neighbor_ids(&["order-alpha", "--kind", "agency"]),
        vec!["dept-labor", "mint"]
    );
    let two = json(&["neighbors", "order-alpha", "--depth", "2"]);
    assert_eq!(two["depth"], 2);
    let got: Vec<(String, u64)> = two["neighbors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["id"].as_str().unwrap().to_owned(),
                n["distance"].as_u64().unwrap(),
            )
        })
        .collect();
    let want: Vec<(String, u64)> = [
        ("dept-labor", 1),
        ("guide-beta", 1),
        ("mint", 1),
        ("potus", 1),
        ("widgets", 1),
        ("benefits-office", 2),
        ("treasury-dept", 2),
    ]
    .iter()
    .map(|(i, d)| ((*i).to_owned(), *d))
    .collect();
    // `widgets` is an asset class, a hub: listed, not walked through.
    assert_eq!(got, want);
    let through = neighbor_ids(&["order-alpha", "--depth", "2", "--through-hubs"]);
    assert_eq!(
        through.last().map(String::as_str),
        Some("widget-act"),
        "{through:?}"
    );
    // Kind filters what is listed, not where the walk goes.
    assert_eq!(
        neighbor_ids(&["order-alpha", "--depth", "2", "--kind", "office"]),
        vec!["potus", "benefits-office"]
    );
    // Outgoing only, two hops: the mint's parent, not the guidance.
    assert_eq!(
        neighbor_ids(&["order-alpha", "--depth", "2", "--direction", "out"]),
        vec!["dept-labor", "mint", "potus", "widgets", "treasury-dept"]
    );
}

#[test]
fn neighbors_none_exits_1() {
    let (code, out, err) = util::run(&fx(), &["neighbors", "lonely-report"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("lonely-report has no neighbours"), "{err}");
}

#[test]
fn neighbors_table() {
    let out = ok(&["neighbors", "mint"]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].contains("DIST") && lines[0].contains("VIA"),
        "{out}"
    );
    assert!(out.contains("mint ─part_of→ treasury-dept"), "{out}");
    assert!(out.contains("mint ←consults─ order-alpha"), "{out}");
}

// ---------------------------------------------------------------------- path

#[test]
fn path_golden() {
    insta::assert_snapshot!(
        "path_order_alpha_benefits_office_all",
        ok(&["path", "order-alpha", "benefits-office", "--all"])
    );
}

#[test]
fn path_one_all_and_limit() {
    let one = ok(&["path", "potus", "treasury-dept"]);
    assert_eq!(
        one.trim_end(),
        "potus ←issued_by─ order-alpha ─consults→ mint ─part_of→ treasury-dept"
    );
    let all = json(&["path", "order-alpha", "benefits-office", "--all"]);
    assert_eq!(all["from"], "order-alpha");
    assert_eq!(all["to"], "benefits-office");
    assert_eq!(all["length"], 2);
    assert_eq!(all["paths"].as_array().unwrap().len(), 2);
    let limited = json(&[
        "path",
        "order-alpha",
        "benefits-office",
        "--all",
        "--limit",
        "1",
    ]);
    assert_eq!(limited["paths"].as_array().unwrap().len(), 1);
    // Without --all: one chain.
    let single = json(&["path", "order-alpha", "benefits-office"]);
    assert_eq!(single["paths"].as_array().unwrap().len(), 1);
    // References resolve like everywhere else.
    let by_name = json(&["path", "Chief Executive", "財政部"]);
    assert_eq!(by_name["from"], "potus");
    assert_eq!(by_name["to"], "treasury-dept");
    assert_eq!(by_name["length"], 3);
}

#[test]
fn path_none_says_so_and_exits_1() {
    let (code, out, err) = util::run(&fx(), &["path", "order-alpha", "lonely-report"]);
    assert_eq!(code, 1, "{err}");
    assert!(out.is_empty(), "{out}");
    assert!(
        err.contains("no chain of relations connects order-alpha and lonely-report"),
        "{err}"
    );
    let (code, out, _) = util::run(&fx(), &["--json", "path", "order-alpha", "lonely-report"]);
    assert_eq!(code, 1);
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["length"], Value::Null);
    assert_eq!(v["paths"], serde_json::json!([]));
}

#[test]
fn path_as_of_ignores_later_relations() {
    // Before the guidance, only the chain through the department remains.
    let v = json(&[
        "--as-of",
        "2025-04-01",
        "path",
        "order-alpha",
        "benefits-office",
        "--all",
    ]);
    let paths = v["paths"].as_array().unwrap();
    assert_eq!(paths.len(), 1, "{v}");
    assert_eq!(paths[0][0]["to"], "dept-labor");
}

// ---------------------------------------------------------------------- list

fn list_ids(args: &[&str]) -> Vec<String> {
    let mut all = vec!["list"];
    all.extend_from_slice(args);
    let v = json(&all);
    assert_eq!(
        v["count"].as_u64(),
        v["entities"].as_array().map(|a| a.len() as u64),
        "{v}"
    );
    ids(&v["entities"])
}

#[test]
fn list_filters() {
    assert_eq!(list_ids(&[]).len(), 13);
    assert_eq!(
        list_ids(&["--kind", "bill"]),
        vec!["ny-widget-bill", "tx-widget-bill", "widget-act"]
    );
    assert_eq!(
        list_ids(&["--kind", "agency", "--kind", "office"]),
        vec![
            "benefits-office",
            "dept-labor",
            "mint",
            "potus",
            "treasury-dept"
        ]
    );
    // `US-` is a prefix: every state, not the federal bill.
    assert_eq!(
        list_ids(&["--jurisdiction", "US-"]),
        vec!["ny-widget-bill", "tx-widget-bill"]
    );
    assert_eq!(
        list_ids(&["--jurisdiction", "US-TX"]),
        vec!["tx-widget-bill"]
    );
    // `US` is the federal level only; `TX` and `Texas` name the state.
    assert_eq!(list_ids(&["--jurisdiction", "US"]).len(), 11);
    assert!(!list_ids(&["--jurisdiction", "federal"]).contains(&"tx-widget-bill".to_owned()));
    assert_eq!(list_ids(&["--jurisdiction", "TX"]), vec!["tx-widget-bill"]);
    assert_eq!(
        list_ids(&["--jurisdiction", "texas"]),
        vec!["tx-widget-bill"]
    );
    assert_eq!(
        list_ids(&["--status", "signed"]),
        vec!["order-alpha", "tx-widget-bill"]
    );
    assert_eq!(
        list_ids(&["--status", "failed", "--status", "passed_one_chamber"]),
        vec!["ny-widget-bill", "widget-act"]
    );
    assert_eq!(
        list_ids(&["--tag", "reserve"]),
        vec!["tx-widget-bill", "widget-act"]
    );
    assert_eq!(
        list_ids(&["--tag", "reserve", "--tag", "state"]),
        vec!["tx-widget-bill"]
    );
    assert_eq!(
        list_ids(&["--kind", "bill", "--jurisdiction", "US-", "--tag", "state"]),
        vec!["ny-widget-bill", "tx-widget-bill"]
    );
}

#[test]
fn list_as_of() {
    // On 2025-01-01: the NY bill was introduced (it failed on 2025-01-10),
    // the federal and Texas bills did not exist yet.
    let v = json(&["--as-of", "2025-01-01", "list", "--kind", "bill"]);
    assert_eq!(ids(&v["entities"]), vec!["ny-widget-bill"]);
    assert_eq!(v["as_of"], "2025-01-01");
    assert_eq!(v["entities"][0]["status"], "introduced");
    assert_eq!(
        list_ids(&["--as-of", "2025-05-01", "--status", "introduced"]),
        vec!["tx-widget-bill", "widget-act"]
    );
    // Entities without events always exist.
    assert!(list_ids(&["--as-of", "2000-01-01"]).contains(&"mint".to_owned()));
    assert!(!list_ids(&["--as-of", "2000-01-01"]).contains(&"lonely-report".to_owned()));
}

/// A status is the stage of the latest event up to today (or `--as-of`),
/// never a scheduled event still in the future: `widget-act` is to be
/// enacted on 2027-01-15, after the tests' fixed today, 2026-11-27.
#[test]
fn status_ignores_events_after_today() {
    let v = json(&["list", "--kind", "bill", "--jurisdiction", "federal"]);
    let act = v["entities"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "widget-act")
        .unwrap()
        .clone();
    assert_eq!(act["status"], "passed_one_chamber");
    let (code, _, _) = util::run(&fx(), &["list", "--status", "enacted"]);
    assert_eq!(code, 1, "nothing is enacted yet");
    assert_eq!(
        list_ids(&["--as-of", "2027-02-01", "--status", "enacted"]),
        vec!["widget-act"]
    );
    let shown = ok(&["show", "widget-act"]);
    assert!(
        shown.contains("status: passed_one_chamber (since 2025-07-20)"),
        "{shown}"
    );
    assert_eq!(
        json(&["show", "widget-act"])["status"],
        "passed_one_chamber"
    );
    let later = ok(&["--as-of", "2027-02-01", "show", "widget-act"]);
    assert!(
        later.contains("status as of 2027-02-01: enacted (since 2027-01-15)"),
        "{later}"
    );
}

#[test]
fn list_json_schema_and_table() {
    let v = json(&["list", "--kind", "bill", "--jurisdiction", "US-TX"]);
    assert_eq!(
        v,
        serde_json::json!({
            "as_of": null,
            "count": 1,
            "entities": [{
                "id": "tx-widget-bill",
                "kind": "bill",
                "name": "Texas Widget Reserve Bill",
                "local_name": null,
                "jurisdiction": "US-TX",
                "status": "signed",
                "tags": ["widgets", "reserve", "state"],
            }],
        })
    );
    let zh = json(&[
        "--lang", "zh-Hant", "list", "--kind", "agency", "--tag", "agency",
    ]);
    assert_eq!(zh["entities"][0]["id"], "dept-labor");
    assert_eq!(zh["entities"][0]["local_name"], "勞工部");
    let out = ok(&["list", "--kind", "bill"]);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(lines[0].contains("ID") && lines[0].contains("STATUS"));
    assert!(lines[3].contains("widget-act") && lines[3].contains("passed_one_chamber"));
}

#[test]
fn list_nothing_exits_1_and_bad_jurisdiction_exits_2() {
    let (code, out, err) = util::run(&fx(), &["list", "--tag", "no-such-tag"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("no entity matches these filters"), "{err}");
    let (code, _, err) = util::run(&fx(), &["list", "--jurisdiction", "US_TX"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("unknown jurisdiction `US_TX`"), "{err}");
}

// ---------------------------------------------------- JSON and closed pipes

#[test]
fn every_command_prints_parseable_json() {
    let cases: &[&[&str]] = &[
        &["show", "order-alpha"],
        &["agencies", "order-alpha"],
        &["neighbors", "order-alpha", "--depth", "2"],
        &["path", "potus", "treasury-dept", "--all"],
        &["list"],
        &["search", "widget"],
        &["index"],
    ];
    let idx = util::tmp();
    for args in cases {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let (code, out, err) = util::run_with_index(&fx(), idx.path(), &all);
        assert_eq!(code, 0, "{args:?}: {err}");
        let v: Value = serde_json::from_str(&out)
            .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{out}"));
        assert!(v.is_object() || v.is_array(), "{args:?}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// Runs the binary with stdout piped and closes the pipe before it has a
/// chance to write, so that every write fails with EPIPE; returns
/// (exit code, stderr).
fn run_with_stdout_closed(
    knowledge: &std::path::Path,
    index: &std::path::Path,
    args: &[&str],
) -> (i32, String) {
    let mut child = util::std_cmd(knowledge, index)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    let status = child.wait().unwrap();
    (status.code().unwrap_or(-1), err)
}

#[test]
fn closed_pipe_exits_0_without_panic() {
    let idx = util::tmp();
    let (code, _, err) = util::run_with_index(&util::shipped(), idx.path(), &["index"]);
    assert_eq!(code, 0, "{err}");
    for args in [
        &["list"][..],
        &["--json", "list"],
        &["neighbors", "eo-14330", "--depth", "3"],
        &["agencies", "eo-14330"],
        &["path", "eo-14330", "ebsa", "--all"],
        &["show", "eo-14330"],
        &["--json", "show", "eo-14330"],
        &["search", "bitcoin", "-n", "100"],
        &["--json", "search", "bitcoin", "--facets"],
    ] {
        let (code, err) = run_with_stdout_closed(&util::shipped(), idx.path(), args);
        assert_eq!(code, 0, "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(!err.contains("error"), "{args:?}: {err}");
    }
}

#[test]
fn closed_pipe_through_head() {
    let idx = util::tmp();
    let (code, _, err) = util::run_with_index(&util::shipped(), idx.path(), &["index"]);
    assert_eq!(code, 0, "{err}");
    let bin = assert_cmd::cargo::cargo_bin("policygraph");
    // POSIX sh has no PIPESTATUS: the subshell reports the exit code on stderr.
    let script = format!(
        "( '{bin}' --knowledge '{k}' --index '{i}' --json neighbors eo-14330 --depth 5; echo \"rc=$?\" >&2 ) | head -1",
        bin = bin.display(),
        k = util::shipped().display(),
        i = idx.path().display()
    );
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(&script)
        .env("NO_COLOR", "1")
        .env("POLICYGRAPH_TODAY", "2026-11-27")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stdout.lines().collect::<Vec<_>>(), vec!["{"], "{stdout}");
    assert!(stderr.contains("rc=0"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// Installed with `cargo install` and run far from any checkout, the binary
/// answers from the knowledge base compiled into it, with its index in the
/// user's cache directory.
#[test]
fn built_in_knowledge_base_outside_a_checkout() {
    let home = util::tmp();
    let run = || {
        assert_cmd::Command::cargo_bin("policygraph")
            .unwrap()
            .env_clear()
            .env("NO_COLOR", "1")
            .env("HOME", home.path())
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .current_dir(home.path())
            .args(["agencies", "eo-14330"])
            .output()
            .unwrap()
    };
    let out = run();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("dol") && stdout.contains("ebsa"),
        "{stdout}"
    );
    let cache = home.path().join(".cache/policygraph");
    assert!(cache.is_dir(), "no cache directory at {}", cache.display());
    // The second run reuses the copy and its index: no build note.
    let again = run();
    assert_eq!(again.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&again.stderr).is_empty(),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

/// `--lang` shows the agencies' names in that language, English otherwise.
#[test]
fn agencies_and_neighbors_in_chinese() {
    let (code, out, err) = util::run(&fx(), &["--lang", "zh-Hant", "agencies", "order-alpha"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("勞工部"), "{out}");
    let (code, out, _) = util::run(&fx(), &["--lang", "zh-Hant", "neighbors", "order-alpha"]);
    assert_eq!(code, 0);
    assert!(out.contains("勞工部"), "{out}");
    let (_, english, _) = util::run(&fx(), &["agencies", "order-alpha"]);
    assert!(!english.contains("勞工部"), "{english}");
}

/// Shell completions come from the same clap definition as `--help`, and
/// need no knowledge base.
#[test]
fn completions_for_bash_zsh_and_fish() {
    let dir = util::tmp();
    for shell in ["bash", "zsh", "fish"] {
        let out = assert_cmd::Command::cargo_bin("policygraph")
            .unwrap()
            .env_clear()
            .current_dir(dir.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("agencies") && text.contains("no-refresh"),
            "{shell}: {text}"
        );
    }
}

// ------------------------------------------------ issue 17: names as typed

/// Several words are one reference, without quotes.
#[test]
fn issue_17_unquoted_words_are_one_reference() {
    for args in [
        &["show", "Order", "on", "Strategic", "Widget", "Reserves"][..],
        &["agencies", "Order", "on", "Strategic", "Widget", "Reserves"],
        &[
            "neighbors",
            "Order",
            "on",
            "Strategic",
            "Widget",
            "Reserves",
        ],
    ] {
        let v = json(args);
        let s = v.to_string();
        assert!(s.contains("order-alpha"), "{args:?}: {s}");
    }
    assert_eq!(
        json(&["show", "Widget", "Order"])["entity"]["id"],
        "order-alpha"
    );
}

/// A unique prefix of a name or alias resolves, where a word ends.
#[test]
fn issue_17_unique_prefix_of_a_name_resolves() {
    assert_eq!(
        json(&["show", "New York Widget"])["entity"]["id"],
        "ny-widget-bill"
    );
    assert_eq!(
        json(&["show", "federal widget"])["entity"]["id"],
        "widget-act"
    );
    // Not in the middle of a word.
    let (code, _, err) = util::run(&fx(), &["show", "New York Widg"]);
    assert_eq!(code, 1, "{err}");
    // A prefix of two entities' names is ambiguous, with the candidates.
    let (code, _, err) = util::run(&fx(), &["show", "The"]);
    assert_eq!(code, 1);
    assert!(err.contains("ambiguous") && err.contains("mint"), "{err}");
    // On the shipped base: the issue's example.
    let (code, out, err) = util::run(&util::shipped(), &["show", "Texas SB 21"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("tx-sb-21 "), "{out}");
}

/// An alias wins over an identifier with the same text.
#[test]
fn issue_17_alias_wins_over_identifier() {
    // `ERISA 404(a)` is the section's alias, and a citation in the act.
    let (code, out, err) = util::run(&util::shipped(), &["show", "ERISA 404(a)"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("erisa-404a "), "{out}");
}

/// When nothing matches, the error suggests `search`.
#[test]
fn issue_17_unknown_reference_suggests_search() {
    let (code, out, err) = util::run(&fx(), &["show", "zzz", "widget"]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(err.contains("no entity matches `zzz widget`"), "{err}");
    assert!(err.contains("policygraph search 'zzz widget'"), "{err}");
}
