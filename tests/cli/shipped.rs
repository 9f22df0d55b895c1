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
    pairs(&v["entity"]["events"], "date", "stage")
}

/// `(a, b)` string fields of every object in the JSON array `list`.
fn pairs(list: &Value, a: &str, b: &str) -> Vec<(String, String)> {
    list.as_array()
        .unwrap_or_else(|| panic!("not an array: {list}"))
        .iter()
        .map(|x| {
            let field = |k: &str| {
                x[k].as_str()
                    .unwrap_or_else(|| panic!("no string `{k}` in {x}"))
                    .to_owned()
            };
            (field(a), field(b))
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
    let rels: Vec<(String, String)> = pairs(&v["entity"]["relations"], "rel", "to");
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
    // Issue 26: in effect from its signing on 2025-06-20.
    assert_eq!(tx["status"], "effective");
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
    let seen: Vec<(String, String)> = pairs(&v["events"], "entity", "date");
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

// ------------------------------------------- issue 15: the audit's fixes ---

/// `(rel, to)` of every relation an entity writes.
fn relations(id: &str) -> Vec<(String, String)> {
    let v = json(&["show", id]);
    pairs(&v["entity"]["relations"], "rel", "to")
}

fn summary(id: &str, lang: Option<&str>) -> String {
    let v = json(&["show", id]);
    let s = match lang {
        None => &v["entity"]["summary"],
        Some(l) => &v["entity"]["summaries"][l],
    };
    s.as_str()
        .unwrap_or_else(|| panic!("{id} has no {lang:?} summary"))
        .to_owned()
}

fn source_urls(id: &str) -> Vec<String> {
    let v = json(&["show", id]);
    v["entity"]["sources"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["url"].as_str().map(str::to_owned))
        .collect()
}

#[test]
fn only_reserve_bitcoin_is_unsellable_the_stockpile_may_be_sold() {
    for id in ["eo-14233", "us-digital-asset-stockpile"] {
        let en = summary(id, None);
        assert!(en.contains("potential sales"), "{id}: {en}");
        assert!(
            !en.contains("provides that these holdings are not to be sold"),
            "{id}: {en}"
        );
        assert!(
            !en.contains("provides that they are not to be sold"),
            "{id}: {en}"
        );
        let zh = summary(id, Some("zh-Hant"));
        assert!(zh.contains("包括可能出售"), "{id}: {zh}");
        assert!(!zh.contains("這些資產不得出售"), "{id}: {zh}");
    }
    let eo = summary("eo-14233", None);
    assert!(
        eo.contains("Bitcoin in the Reserve is not to be sold"),
        "{eo}"
    );
    let sbr = summary("strategic-bitcoin-reserve", None);
    assert!(sbr.contains("not to be sold"), "{sbr}");
}

#[test]
fn treasury_administers_the_reserve_and_the_stockpile() {
    let rels = relations("treasury");
    for program in ["strategic-bitcoin-reserve", "us-digital-asset-stockpile"] {
        assert!(
            rels.contains(&("administers".into(), program.into())),
            "{rels:?}"
        );
        let v = json(&["agencies", program, "--direct"]);
        let ids: Vec<&str> = v["agencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap())
            .collect();
        // Treasury runs it; the President, who created it, is the actor
        // of its `effective` event.
        assert!(ids.contains(&"treasury"), "{program}: {ids:?}");
        assert!(
            ids.iter().all(|id| ["treasury", "president"].contains(id)),
            "{program}: {ids:?}"
        );
        let shown = json(&["show", program]);
        assert!(
            !shown["entity"]["notes"]
                .to_string()
                .contains("does not say"),
            "{program}: {}",
            shown["entity"]["notes"]
        );
    }
    let eo = relations("eo-14233");
    assert!(
        eo.contains(&("directs".into(), "treasury".into())),
        "{eo:?}"
    );
    assert!(
        eo.contains(&("directs".into(), "commerce".into())),
        "{eo:?}"
    );
}

#[test]
fn texas_hb_4488_is_its_own_bill_related_to_sb_21() {
    // The bill number resolves to the new entity, not to SB 21.
    let v = json(&["show", "HB 4488"]);
    assert_eq!(v["entity"]["id"], "tx-hb-4488");
    assert_eq!(v["entity"]["kind"], "statute");
    // Issue 26: signed and effective on 2025-06-20.
    assert_eq!(v["status"], "effective");
    assert!(relations("tx-hb-4488").contains(&("covers".into(), "tx-sb-21".into())));
    let sb = json(&["show", "tx-sb-21"]);
    let aliases = sb["entity"]["aliases"].to_string();
    assert!(!aliases.contains("4488"), "{aliases}");
    assert!(!identifiers("tx-sb-21").iter().any(|i| i.contains("4488")));
    let incoming: Vec<&str> = sb["incoming"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["from"].as_str().unwrap())
        .collect();
    assert!(incoming.contains(&"tx-hb-4488"), "{incoming:?}");
    assert!(!summary("tx-sb-21", None).contains("companion"));
    // Issue 26: the enrolled text says 24 months; 12 was the Senate's text.
    let notes = sb["entity"]["notes"].to_string();
    assert!(
        notes.contains("Senate-passed text said 12 months"),
        "{notes}"
    );
}

#[test]
fn sacks_holds_no_office_before_2025_01_20() {
    let agencies_on = |day: &str| {
        let (code, out, err) = util::run(
            &util::shipped(),
            &["--json", "--as-of", day, "agencies", "david-sacks"],
        );
        let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
        let ids: Vec<String> = v["agencies"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["id"].as_str().unwrap().to_owned())
            .collect();
        (code, ids)
    };
    assert_eq!(agencies_on("2024-12-31"), (1, vec![]));
    assert_eq!(agencies_on("2025-01-19"), (1, vec![]));
    assert_eq!(
        agencies_on("2025-01-20"),
        (0, vec!["ai-crypto-czar".to_owned()])
    );
    // The announcement is an event, and the post dates from the inauguration.
    assert!(has_event("david-sacks", "2024-12-05", "announced"));
    let v = json(&["show", "david-sacks"]);
    let holds = &v["entity"]["relations"][0];
    assert_eq!(holds["rel"], "holds");
    assert_eq!(holds["date"], "2025-01-20");
}

#[test]
fn genius_act_agencies_name_each_regulator_with_its_reason() {
    let v = json(&["agencies", "genius-act"]);
    let hits = v["agencies"].as_array().unwrap();
    let want = [
        ("occ", "directs", "federal qualified (nonbank) issuers"),
        ("federal-reserve-board", "directs", "subsidiaries"),
        ("fdic", "directs", "subsidiaries"),
        ("ncua", "directs", "credit unions"),
        ("treasury", "directs", "Certification Review Committee"),
        (
            "state-payment-stablecoin-regulators",
            "directs",
            "$10 billion or less",
        ),
        (
            "stablecoin-certification-review-committee",
            "establishes",
            "certifies state regulatory regimes",
        ),
    ];
    for (id, rel, reason) in want {
        let h = hits
            .iter()
            .find(|h| h["id"] == id)
            .unwrap_or_else(|| panic!("`{id}` missing from agencies genius-act: {v}"));
        assert_eq!(h["distance"], 1, "{id}");
        let step = &h["chain"][0];
        assert_eq!(step["relation"], rel, "{id}");
        let note = step["note"].as_str().unwrap();
        assert!(note.contains(reason), "{id}: `{reason}` not in {note}");
        if id != "stablecoin-certification-review-committee" {
            assert!(note.contains("2026-07-18"), "{id}: {note}");
        }
    }
    // The committee: chaired by Treasury, with the Fed and the FDIC.
    let c = json(&["show", "stablecoin-certification-review-committee"]);
    let incoming: Vec<(String, String)> = pairs(&c["incoming"], "from", "relation");
    for (from, rel) in [
        ("treasury", "leads"),
        ("federal-reserve-board", "member_of"),
        ("fdic", "member_of"),
    ] {
        assert!(
            incoming.contains(&(from.to_owned(), rel.to_owned())),
            "{incoming:?}"
        );
    }
    // The text form shows the same chains.
    let (code, text, _) = util::run(&util::shipped(), &["agencies", "genius-act"]);
    assert_eq!(code, 0);
    assert!(text.contains("genius-act ─directs→ occ"), "{text}");
}

#[test]
fn genius_act_deadlines_and_the_comment_period_owed_by_the_public() {
    let d = json(&["--as-of", "2026-07-01", "deadlines"]);
    let items = d["deadlines"].as_array().unwrap();
    let genius: Vec<(String, String, String)> = items
        .iter()
        .filter(|x| x["set_by"]["id"] == "genius-act")
        .map(|x| {
            (
                x["due"].as_str().unwrap().to_owned(),
                x["owner"]["id"].as_str().unwrap().to_owned(),
                x["what"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let mut regs: Vec<&str> = genius
        .iter()
        .filter(|g| g.0 == "2026-07-18")
        .map(|g| g.1.as_str())
        .collect();
    regs.sort_unstable();
    assert_eq!(
        regs,
        [
            "fdic",
            "federal-reserve-board",
            "ncua",
            "occ",
            "state-payment-stablecoin-regulators",
            "treasury"
        ]
    );
    // Issue 26: the effective date is no deadline (the Act cannot meet a
    // deadline of its own); it is in the summary and notes.
    assert!(!genius.iter().any(|g| g.0 == "2027-01-18"), "{genius:?}");
    let providers = genius.iter().find(|g| g.0 == "2028-07-18").unwrap();
    assert_eq!(providers.1, "digital-asset-service-providers");
    assert_eq!(genius.len(), 7, "{genius:?}");
    for x in items.iter().filter(|x| x["set_by"]["id"] == "genius-act") {
        assert_eq!(x["state"], "upcoming", "{x}");
    }
    // The DIA comment period closed on 2026-06-01: the public owed the
    // comments, so it is an event of the rule, not a deadline DOL "met".
    let all = json(&["deadlines"]);
    assert!(
        !all["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["due"] == "2026-06-01" || x["set_by"]["id"] == "dol-dia-proposed-rule-2026"),
        "{all}"
    );
    assert!(has_event(
        "dol-dia-proposed-rule-2026",
        "2026-06-01",
        "comment_closed"
    ));
    // Treasury's advance notice is an implementing step (verified since
    // issue 26 against its Federal Register record).
    let anprm = json(&["show", "treasury-genius-anprm-2025"]);
    assert_eq!(anprm["entity"]["confidence"], "verified");
    assert!(relations("treasury-genius-anprm-2025")
        .contains(&("implements".into(), "genius-act".into())));
}

#[test]
fn taiwan_and_hong_kong_forms_find_the_same_entities() {
    let first = |q: &str| {
        let v = json(&["search", "-n", "3", q]);
        assert_eq!(v["fuzzy"], false, "{q}: {v}");
        v["hits"][0]["id"].as_str().unwrap_or_default().to_owned()
    };
    // The article's form, and the Taiwan and Hong Kong forms.
    assert_eq!(first("數字資產"), "digital-assets");
    assert_eq!(first("數位資產"), "digital-assets");
    assert_eq!(first("數碼資產"), "digital-assets");
    assert_eq!(first("數位資產庫存"), "us-digital-asset-stockpile");
    assert_eq!(first("8.7 萬億美元"), "fig-401k-assets-2025q1");
    assert_eq!(first("8.7 兆美元"), "fig-401k-assets-2025q1");
    // Issue 26: zh-Hant names use the Taiwan form; the article's stays an
    // alias.
    let v = json(&["show", "us-digital-asset-stockpile"]);
    assert_eq!(v["entity"]["names"]["zh-Hant"], "美國數位資產庫存");
}

#[test]
fn sources_roll_calls_and_orders_from_the_audit() {
    // Roll call 201 is the Anti-CBDC vote only.
    let roll_201 = "https://govprofiles.com/roll-call-votes/119-1-201";
    assert!(source_urls("anti-cbdc-act").contains(&roll_201.to_owned()));
    assert!(!source_urls("clarity-act").contains(&roll_201.to_owned()));
    let week = json(&["show", "crypto-week-2025"]);
    let genius_rel = week["entity"]["relations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["to"] == "genius-act")
        .unwrap();
    let cited = &week["entity"]["sources"][genius_rel["source"].as_u64().unwrap() as usize];
    assert_ne!(cited["url"], roll_201, "{cited}");
    // The GENIUS Act cites Congress.gov and its public law text.
    let genius = source_urls("genius-act");
    assert!(
        genius.contains(&"https://www.congress.gov/119/plaws/publ27/PLAW-119publ27.htm".to_owned())
    );
    // EO 14067 has its title, signing, citation and document number.
    let eo = json(&["show", "eo-14067"]);
    assert_eq!(
        eo["entity"]["name"],
        "Ensuring Responsible Development of Digital Assets"
    );
    assert!(has_event("eo-14067", "2022-03-09", "signed"));
    let ids = identifiers("eo-14067");
    assert!(ids.contains(&"87 FR 14143".to_owned()) && ids.contains(&"2022-05471".to_owned()));
    // Treasury's framework: one date, one term in both names.
    assert!(has_event(
        "treasury-digital-assets-framework-2022",
        "2022-07-07",
        "published"
    ));
    let zh = summary("treasury-digital-assets-framework-2022", Some("zh-Hant"));
    assert!(zh.contains("數位資產國際參與框架"), "{zh}");
}

#[test]
fn arizona_votes_adi_wording_and_the_401k_tax_code() {
    assert!(has_event("az-sb-1025", "2025-02-27", "passed_one_chamber"));
    assert!(has_event("az-sb-1025", "2025-04-28", "passed_both"));
    assert!(has_event("az-hb-2324", "2025-06-19", "passed_one_chamber"));
    assert!(json(&["show", "az-hb-2324"])["entity"]["events"]
        .to_string()
        .contains("16-14"));
    // ADI 2025-16: staff comment practices, not dropped conditions.
    let adi = summary("sec-adi-2025-16", None);
    assert!(adi.contains("no longer ask"), "{adi}");
    assert!(
        !adi.contains("dropped") && !adi.contains("conditions"),
        "{adi}"
    );
    // The 401(k) plan and section 401(k) of the tax code, and the IRS.
    let plan = json(&["show", "401k-plan"]);
    let incoming: Vec<(String, String)> = pairs(&plan["incoming"], "from", "relation");
    assert!(
        incoming.contains(&("irc-401k".into(), "governs".into())),
        "{incoming:?}"
    );
    assert!(
        incoming.contains(&("irs".into(), "administers".into())),
        "{incoming:?}"
    );
    assert!(source_urls("irc-401k")
        .contains(&"https://www.irs.gov/retirement-plans/401k-plans".to_owned()));
    // EO 14330 changes no statute; it directs guidance.
    let eo = summary("eo-14330", None);
    assert!(eo.contains("changes no statute"), "{eo}");
    assert!(summary("eo-14330", Some("zh-Hant")).contains("並未修改任何法律"));
    // Chinese names say what the English names say.
    for id in ["nd-hb-1184", "wy-hb-201"] {
        let v = json(&["show", id]);
        let zh = v["entity"]["names"]["zh-Hant"].as_str().unwrap();
        assert!(!zh.contains("比特幣"), "{id}: {zh}");
    }
}

// ------------------------------------ issue 26: the second audit's fixes ---

/// The confidence of an entity's identifier with this value.
fn identifier_confidence(id: &str, value: &str) -> String {
    let v = json(&["show", id]);
    v["entity"]["identifiers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["value"] == value)
        .unwrap_or_else(|| panic!("{id} has no identifier {value}"))["confidence"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn dates_of(id: &str) -> Vec<String> {
    events(id).into_iter().map(|(d, _)| d).collect()
}

fn notes(id: &str) -> String {
    json(&["show", id])["entity"]["notes"].to_string()
}

#[test]
fn texas_sb_21_signed_and_effective_on_2025_06_20_with_a_24_month_average() {
    assert!(has_event("tx-sb-21", "2025-06-20", "signed"));
    assert!(has_event("tx-sb-21", "2025-06-20", "effective"));
    assert!(!dates_of("tx-sb-21").contains(&"2025-06-21".to_owned()));
    // Texas Legislature Online: "Effective: 6-20-25".
    assert!(source_urls("tx-sb-21").contains(
        &"https://capitol.texas.gov/billlookup/BillSummary.aspx?Bill=SB21&LegSess=89R".to_owned()
    ));
    // The governor's relation carries the same day.
    let gov = json(&["show", "tx-governor"]);
    let enacts = gov["entity"]["relations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rel"] == "enacts" && r["to"] == "tx-sb-21")
        .unwrap()
        .clone();
    assert_eq!(enacts["date"], "2025-06-20", "{enacts}");
    assert_eq!(enacts["confidence"], "verified", "{enacts}");
    // The enrolled text averages over 24 months; 12 was the Senate's text.
    let en = summary("tx-sb-21", None);
    assert!(en.contains("24 months"), "{en}");
    assert!(!en.contains("sources disagree"), "{en}");
    let zh = summary("tx-sb-21", Some("zh-Hant"));
    assert!(
        zh.contains("24 個月") && !zh.contains("各來源說法不一"),
        "{zh}"
    );
    assert!(notes("tx-sb-21").contains("Senate-passed"));
}

#[test]
fn new_hampshire_hb_302_was_cut_to_5_percent_before_the_house_passed_it() {
    assert!(has_event("nh-hb-302", "2025-03-05", "committee_action"));
    // The press dates the House vote 2025-04-10 (a Thursday); 04-11, the
    // audit's day, is the engrossment in the General Court's record.
    assert!(has_event("nh-hb-302", "2025-04-10", "passed_one_chamber"));
    let en = summary("nh-hb-302", None);
    assert!(!en.contains("House version had"), "{en}");
    assert!(en.contains("introduced"), "{en}");
    let zh = summary("nh-hb-302", Some("zh-Hant"));
    assert!(!zh.contains("眾議院版本的上限為 10%"), "{zh}");
    assert!(zh.contains("提出時"), "{zh}");
    assert!(!notes("nh-hb-302").contains("the House version had 10%"));
    assert!(source_urls("nh-hb-302")
        .iter()
        .any(|u| u.starts_with("https://www.gencourt.state.nh.us/bill_status/")));
}

#[test]
fn texas_hb_4488_is_the_funds_consolidation_bill() {
    let v = json(&["show", "tx-hb-4488"]);
    let name = v["entity"]["name"].as_str().unwrap();
    assert!(!name.to_lowercase().contains("protection"), "{name}");
    let zh_name = v["entity"]["names"]["zh-Hant"].as_str().unwrap();
    assert!(!zh_name.contains("保護"), "{zh_name}");
    let en = summary("tx-hb-4488", None);
    assert!(en.contains("Bonnen") && en.contains("funds"), "{en}");
    assert!(en.contains("exempts"), "{en}");
    assert!(has_event("tx-hb-4488", "2025-06-20", "effective"));
    let covers = v["entity"]["relations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["to"] == "tx-sb-21")
        .unwrap()
        .clone();
    assert!(
        covers["note"].as_str().unwrap().contains("exempts"),
        "{covers}"
    );
    assert!(source_urls("tx-hb-4488").contains(
        &"https://capitol.texas.gov/billlookup/BillSummary.aspx?Bill=HB4488&LegSess=89R".to_owned()
    ));
}

#[test]
fn eo_14233_attributes_each_stockpile_wording_to_its_source() {
    let fact_sheet = "https://www.whitehouse.gov/fact-sheets/2025/03/fact-sheet-president-donald-j-trump-establishes-the-strategic-bitcoin-reserve-and-u-s-digital-asset-stockpile/";
    for id in ["eo-14233", "us-digital-asset-stockpile"] {
        let en = summary(id, None);
        assert!(
            en.contains("in accordance with applicable law"),
            "{id}: {en}"
        );
        assert!(en.contains("fact sheet"), "{id}: {en}");
        let zh = summary(id, Some("zh-Hant"));
        assert!(
            zh.contains("依照適用法律") && zh.contains("說明"),
            "{id}: {zh}"
        );
        assert!(source_urls(id).contains(&fact_sheet.to_owned()), "{id}");
    }
}

#[test]
fn eo_14178_names_the_working_group_members_itself() {
    for id in ["treasury", "doj", "commerce", "sec", "cftc"] {
        let v = json(&["show", id]);
        let member = v["entity"]["relations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["rel"] == "member_of" && r["to"] == "pwg-digital-asset-markets")
            .unwrap_or_else(|| panic!("{id} is not a member"))
            .clone();
        assert_eq!(member["confidence"], "verified", "{id}: {member}");
        let note = member["note"].as_str().unwrap();
        assert!(
            note.contains("EO 14178") && !note.contains("reported"),
            "{id}: {note}"
        );
        let cited = &v["entity"]["sources"][member["source"].as_u64().unwrap() as usize];
        assert_eq!(
            cited["url"], "https://www.federalregister.gov/d/2025-02123",
            "{id}: {cited}"
        );
        assert!(!summary(id, None).contains("reported"), "{id}");
        assert!(!summary(id, Some("zh-Hant")).contains("據報道"), "{id}");
    }
    let pwg = summary("pwg-digital-asset-markets", None);
    assert!(!pwg.contains("reportedly"), "{pwg}");
    assert!(pwg.contains("Secretary of Homeland Security"), "{pwg}");
    assert!(!notes("eo-14178").contains("partly verified: the two reports"));
}

#[test]
fn genius_act_is_codified_at_chapter_56_and_its_effective_date_is_no_deadline_it_meets() {
    let ids = identifiers("genius-act");
    assert!(
        ids.contains(&"12 U.S.C. 5901 et seq.".to_owned()),
        "{ids:?}"
    );
    assert!(!ids.contains(&"12 U.S.C. 5913".to_owned()), "{ids:?}");
    let v = json(&["show", "genius-act"]);
    for d in v["entity"]["deadlines"].as_array().unwrap() {
        assert!(
            !d["fulfilled_by"].to_string().contains("genius-act"),
            "a deadline the Act meets itself: {d}"
        );
    }
    let en = summary("genius-act", None);
    assert!(en.contains("12 U.S.C. ch. 56"), "{en}");
    assert!(en.contains("2027-01-18"), "{en}");
}

#[test]
fn north_dakota_hb_1184_keeps_no_placeholder_date() {
    assert!(!dates_of("nd-hb-1184").contains(&"2025-02-01".to_owned()));
    assert!(source_urls("nd-hb-1184").iter().any(
        |u| u.starts_with("https://ndlegis.gov/assembly/69-2025/regular/bill-overview/bo1184.html")
    ));
    let en = summary("nd-hb-1184", None);
    assert!(en.contains("32-57"), "{en}");
}

#[test]
fn montana_hb_429_vote_date_disagreement_is_noted() {
    let n = notes("mt-hb-429");
    assert!(n.contains("2025-02-21") && n.contains("2025-02-22"), "{n}");
    assert!(n.contains("most"), "{n}");
    let v = json(&["show", "mt-hb-429"]);
    let failed = v["entity"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["stage"] == "failed")
        .unwrap()
        .clone();
    assert_eq!(failed["date"], "2025-02-22", "{failed}");
    assert_eq!(failed["confidence"], "partly", "{failed}");
}

#[test]
fn pennsylvania_hb_2664_belongs_to_the_2023_24_session() {
    let v = json(&["show", "pa-hb-2664"]);
    assert_eq!(v["entity"]["session"], "2023-2024");
    assert!(has_event("pa-hb-2664", "2024-11-19", "introduced"));
    assert!(has_event("pa-hb-2664", "2024-11-19", "referred"));
    assert!(identifiers("pa-hb-2664").contains(&"PN 3820".to_owned()));
    let en = summary("pa-hb-2664", None);
    assert!(
        en.contains("Finance") && en.contains("died") && !en.contains("unclear"),
        "{en}"
    );
    assert!(!summary("pa-hb-2664", Some("zh-Hant")).contains("不明"));
    assert!(source_urls("pa-hb-2664")
        .contains(&"https://www.palegis.us/legislation/bills/2023/hb2664".to_owned()));
}

#[test]
fn eo_14330_consultations_run_through_the_secretary_of_labor() {
    let eo = relations("eo-14330");
    assert!(
        !eo.iter().any(|(rel, _)| rel == "consults"),
        "the order itself consults no one: {eo:?}"
    );
    let dol = relations("dol");
    for to in ["treasury", "sec"] {
        assert!(dol.contains(&("consults".into(), to.into())), "{dol:?}");
    }
    assert!(relations("sec").contains(&("consults".into(), "dol".into())));
    let (code, out, _) = util::run(&util::shipped(), &["path", "eo-14330", "treasury", "--all"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("eo-14330 ─directs→ dol ─consults→ treasury"),
        "{out}"
    );
    let (_, text, _) = util::run(&util::shipped(), &["agencies", "eo-14330"]);
    assert!(!text.contains("eo-14330 ─consults→"), "{text}");
    // ERISA 404(c) is fiduciary relief, not what governs 401(k) plans.
    let c = relations("erisa-404c");
    assert!(
        !c.contains(&("governs".into(), "401k-plan".into())),
        "{c:?}"
    );
    let en = summary("erisa-404c", None);
    assert!(en.contains("relief") && en.contains("not liable"), "{en}");
}

#[test]
fn unconfirmed_federal_register_citations_are_marked_unverified() {
    assert_eq!(
        identifier_confidence("eo-14330", "90 FR 38921"),
        "unverified"
    );
    let rule = "dol-dia-proposed-rule-2026";
    assert_eq!(identifier_confidence(rule, "91 FR 16088"), "unverified");
    assert_eq!(
        identifier_confidence(rule, "29 CFR 2550.404a-6"),
        "unverified"
    );
    // The document number is confirmed by two independent sources.
    assert_eq!(identifier_confidence(rule, "2026-06178"), "verified");
    let (_, text, _) = util::run(&util::shipped(), &["show", "eo-14330"]);
    assert!(text.contains("90 FR 38921 (unverified)"), "{text}");
}

#[test]
fn treasury_genius_advance_notice_has_its_federal_register_address() {
    let id = "treasury-genius-anprm-2025";
    assert!(source_urls(id).contains(&"https://www.federalregister.gov/d/2025-18226".to_owned()));
    let ids = identifiers(id);
    assert!(ids.contains(&"90 FR 45159".to_owned()), "{ids:?}");
    assert!(has_event(id, "2025-09-19", "published"));
    assert!(has_event(id, "2025-10-20", "comment_closed"));
    assert_eq!(identifier_confidence(id, "2025-18226"), "verified");
}

#[test]
fn every_entity_cites_a_source_address() {
    let v = json(&["export", "json"]);
    for n in v["nodes"].as_array().unwrap() {
        assert!(
            n["sources"]
                .as_array()
                .unwrap()
                .iter()
                .any(|s| s["url"].as_str().is_some_and(|u| !u.is_empty())),
            "{} cites no address",
            n["id"]
        );
    }
}

#[test]
fn every_instrument_cites_an_official_source() {
    let (_, out, err) = util::run(&util::shipped(), &["--json", "check"]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let missing: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "no-official-source")
        .collect();
    assert!(missing.is_empty(), "{missing:#?}");
    // And the state bills cite their legislature's own page.
    let bills = json(&[
        "list",
        "--kind",
        "bill",
        "--kind",
        "statute",
        "--jurisdiction",
        "states",
    ]);
    for b in bills["entities"].as_array().unwrap() {
        let id = b["id"].as_str().unwrap();
        let urls = source_urls(id);
        assert!(
            urls.iter().any(|u| [
                "capitol.texas.gov",
                "gencourt.state.nh.us",
                "azleg.gov",
                "legmt.gov",
                "ndlegis.gov",
                "palegis.us",
                "sdlegislature.gov",
                "flsenate.gov",
                "oklegislature.gov",
                "le.utah.gov",
                "legislature.ohio.gov",
                "wyoleg.gov",
            ]
            .iter()
            .any(|h| u.contains(h))),
            "{id} cites no legislature page: {urls:?}"
        );
    }
}

#[test]
fn zh_hant_uses_taiwan_forms_and_keeps_the_others_as_aliases() {
    let v = json(&["export", "json"]);
    for n in v["nodes"].as_array().unwrap() {
        for field in ["names", "summaries"] {
            let Some(text) = n[field]["zh-Hant"].as_str() else {
                continue;
            };
            for mainland in [
                "數字資產",
                "數字貨幣",
                "數字金融",
                "計劃",
                "提供商",
                "國內收入法典",
            ] {
                assert!(
                    !text.contains(mainland),
                    "{} zh-Hant {field} has {mainland}: {text}",
                    n["id"]
                );
            }
        }
    }
    let first = |q: &str| {
        let v = json(&["search", "-n", "3", q]);
        v["hits"][0]["id"].as_str().unwrap_or_default().to_owned()
    };
    for q in ["美國數位資產庫存", "美國數字資產庫存", "美國數碼資產庫存"] {
        assert_eq!(first(q), "us-digital-asset-stockpile", "{q}");
    }
    assert_eq!(first("《天才法案》"), "genius-act");
    assert_eq!(first("戰略比特幣儲備"), "strategic-bitcoin-reserve");
    assert_eq!(first("《國內稅收法典》第 401(k) 條"), "irc-401k");
    assert_eq!(first("國內收入法典第 401(k) 條"), "irc-401k");
    assert_eq!(first("央行數位貨幣"), "anti-cbdc-act");
    let irc = json(&["show", "irc-401k"]);
    assert!(irc["entity"]["names"]["zh-Hant"]
        .as_str()
        .unwrap()
        .contains("《國內稅收法典》"));
}
