//! Bill status on real records of the 119th Congress
//! (`tests/fixtures/bills/status-119/`): same-day actions in the order
//! they happened, a status that never steps back, and one answer for the
//! CLI and the site.

use crate::util::{fixture, shipped, tmp, PrivateKb};

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

/// The shipped knowledge base with the fixture bills imported.
fn imported() -> PrivateKb {
    let kb = PrivateKb::copy_of(&shipped());
    let dir = fixture("bills").join("status-119");
    let (code, out, err) = kb.run(&["import", "openstates", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    kb
}

fn show(kb: &PrivateKb, id: &str) -> serde_json::Value {
    let (code, out, err) = kb.run(&["--json", "show", id]);
    assert_eq!(code, 0, "{id}: {err}");
    json(&out)
}

/// The imported bills (and the curated bill they enrich).
const BILLS: &[&str] = &[
    "us-119-s-4465",
    "us-119-sconres-1",
    "clarity-act",
    "us-119-hres-707",
    "us-119-hr-3690",
    "us-119-hr-2392",
    "us-119-hr-3838",
];

#[test]
fn same_day_actions_keep_their_real_order_and_a_law_is_signed() {
    let kb = imported();
    // S. 4465: every action on 2026-04-30, listed newest first.
    let s = show(&kb, "us-119-s-4465");
    assert_eq!(s["entity"]["kind"], "statute");
    assert_eq!(s["status"], "signed", "{}", s["status"]);
    assert_eq!(s["status_since"], "2026-04-30");
    let (code, out, err) = kb.run(&["--json", "timeline", "--entity", "us-119-s-4465"]);
    assert_eq!(code, 0, "{err}");
    let t = json(&out);
    let notes: Vec<String> = t["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["note"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        notes.first().map(String::as_str),
        Some("[Senate] Introduced in Senate")
    );
    assert!(
        notes
            .last()
            .unwrap()
            .contains("Became Public Law No: 119-87"),
        "{notes:#?}"
    );
    let pos = |needle: &str| notes.iter().position(|n| n.contains(needle)).unwrap();
    assert!(pos("Passed/agreed to in Senate") < pos("Received in the House"));
    assert!(pos("Passed/agreed to in House") < pos("Presented to President"));
    assert!(pos("Presented to President") < pos("Signed by President"));

    // S.Con.Res. 1: the Senate agreed first, the House second.
    let (_, out, _) = kb.run(&["--json", "timeline", "--entity", "us-119-sconres-1"]);
    let stages: Vec<String> = json(&out)["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["stage"] != "action")
        .map(|e| {
            format!(
                "{} {}",
                e["stage"].as_str().unwrap(),
                &e["note"].as_str().unwrap()[..8]
            )
        })
        .collect();
    assert_eq!(
        stages,
        [
            "introduced [Senate]",
            "passed_one_chamber [Senate]",
            "passed_both [House] "
        ],
    );

    // `list --status signed` finds the law.
    let (_, out, _) = kb.run(&["--json", "list", "--status", "signed"]);
    let ids: Vec<String> = json(&out)["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_owned())
        .collect();
    assert!(ids.iter().any(|i| i == "us-119-s-4465"), "{ids:?}");
}

#[test]
fn a_rule_is_not_a_companion_and_a_long_title_is_printed_once() {
    let kb = imported();
    let c = show(&kb, "clarity-act");
    // H.Res. 707 provides for the consideration of H.R. 3633: the rule's
    // record links the bill with `rule_for`; the bill names no companion.
    let rels = c["entity"]["relations"].as_array().unwrap();
    assert!(rels.iter().all(|r| r["note"] != "companion"), "{rels:#?}");
    assert!(
        rels.iter().all(|r| r["to"] != "us-119-hres-707"),
        "{rels:#?}"
    );
    // H.R. 3690 is a House bill: related, not a companion.
    assert!(rels
        .iter()
        .any(|r| r["to"] == "us-119-hr-3690" && r["rel"] == "related" && r["note"] == "related"));
    let incoming = c["incoming"].as_array().unwrap();
    assert!(incoming.iter().any(|r| r["from"] == "us-119-hres-707"
        && r["relation"] == "rule_for"
        && r["reads"] == "considered_under"));
    let (_, text, _) = kb.run(&["show", "clarity-act"]);
    let title = "Providing for consideration of the bill (H.R. 4922)";
    assert_eq!(text.matches(title).count(), 1, "{text}");
    // A related bill named from both sides is listed once.
    assert_eq!(text.matches("us-119-hr-3690").count(), 1, "{text}");
    let (code, out, err) = kb.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_status_is_a_stage_reached_and_the_cli_and_the_site_agree() {
    let kb = imported();
    // The CLARITY Act passed the House on 2025-07-17; a Senate committee
    // acted on 2026-05-14 and later, which does not move it back.
    let c = show(&kb, "clarity-act");
    assert_eq!(c["status"], "passed_one_chamber");
    assert_eq!(c["status_since"], "2025-07-17");
    // A simple resolution is final once its own chamber agrees to it.
    let r = show(&kb, "us-119-hres-707");
    assert_eq!(r["status"], "adopted");

    let out = tmp();
    let site = out.path().join("site");
    let (code, o, err) = kb.run(&["site", "-o", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{o}{err}");
    for id in BILLS {
        let s = show(&kb, id);
        let page = std::fs::read_to_string(site.join("en/e").join(format!("{id}.html")))
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let badge = format!("badge badge-{}\"", s["status"].as_str().unwrap());
        assert!(page.contains(&badge), "{id}: the site lacks {badge}");
        let since = format!(
            "<span class=\"muted\">since {}</span>",
            s["status_since"].as_str().unwrap()
        );
        assert!(page.contains(&since), "{id}: the site lacks {since}");
        // The text view says the same.
        let (_, text, _) = kb.run(&["show", id]);
        let line = format!(
            "status: {} (since {})",
            s["status"].as_str().unwrap(),
            s["status_since"].as_str().unwrap()
        );
        assert!(text.contains(&line), "{id}: `show` lacks {line}");
    }
    // Sponsors on the site's page, with their role.
    let page = std::fs::read_to_string(site.join("en/e/clarity-act.html")).unwrap();
    assert!(
        page.contains("<li><span lang=\"en\">J. French Hill</span> · sponsor</li>"),
        "the CLARITY Act's page lacks its sponsor"
    );
    assert!(page.contains("<span lang=\"en\">Ritchie Torres</span> · cosponsor</li>"));
    let page = std::fs::read_to_string(site.join("zh-Hant/e/clarity-act.html")).unwrap();
    assert!(page.contains("J. French Hill</span> · 提案人</li>"));
}

#[test]
fn sponsors_have_roles_in_list_and_its_json() {
    let kb = imported();
    // J. French Hill sponsored H.R. 3633 and cosponsored H.R. 2392.
    let ids = |args: &[&str]| -> Vec<(String, String)> {
        let mut a = vec!["--json", "list"];
        a.extend_from_slice(args);
        let (code, out, err) = kb.run(&a);
        assert!(code == 0 || code == 1, "{err}");
        json(&out)["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["id"].as_str().unwrap().to_owned(),
                    e["role"].as_str().unwrap_or("").to_owned(),
                )
            })
            .collect()
    };
    let p = |id: &str, role: &str| (id.to_owned(), role.to_owned());
    assert_eq!(
        ids(&["--sponsor", "French Hill"]),
        [
            p("clarity-act", "sponsor"),
            p("us-119-hr-2392", "cosponsor")
        ]
    );
    assert_eq!(
        ids(&["--sponsor", "French Hill", "--role", "sponsor"]),
        [p("clarity-act", "sponsor")]
    );
    assert_eq!(
        ids(&["--sponsor", "French Hill", "--role", "cosponsor"]),
        [p("us-119-hr-2392", "cosponsor")]
    );
    let (_, text, _) = kb.run(&["list", "--sponsor", "Cotton", "--role", "sponsor"]);
    assert!(text.contains("ROLE"), "{text}");
    assert!(text.contains("us-119-s-4465"), "{text}");
    // `--role` needs `--sponsor`.
    let (code, _, err) = kb.run(&["list", "--role", "sponsor"]);
    assert_eq!(code, 2, "{err}");
}
