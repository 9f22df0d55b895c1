//! `policygraph import openstates|legiscan|congress`: real bill files from
//! the three sources into a copy of the shipped knowledge base, then the
//! query commands on the result.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::util::{fixture, shipped, PrivateKb};

/// A copy of the shipped knowledge base and a private index.
struct Kb(PrivateKb);

impl std::ops::Deref for Kb {
    type Target = PrivateKb;
    fn deref(&self) -> &PrivateKb {
        &self.0
    }
}

impl Kb {
    fn new() -> Kb {
        Kb(PrivateKb::copy_of(&shipped()))
    }

    fn import(&self, source: &str, paths: &[&Path]) -> (i32, String, String) {
        let mut args = vec!["import", source];
        let strs: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        args.extend(strs.iter().map(String::as_str));
        self.run(&args)
    }

    /// Every file under `imported/`, with its text.
    fn imported(&self) -> BTreeMap<PathBuf, String> {
        let root = self.knowledge.join("imported");
        let mut out = BTreeMap::new();
        if !root.exists() {
            return out;
        }
        for e in walkdir::WalkDir::new(&root) {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let text = std::fs::read_to_string(e.path()).unwrap();
                out.insert(e.path().strip_prefix(&root).unwrap().to_path_buf(), text);
            }
        }
        out
    }
}

fn bills(rel: &str) -> PathBuf {
    fixture("bills").join(rel)
}

fn bad(name: &str) -> PathBuf {
    fixture("bills-bad").join(name)
}

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

#[test]
fn openstates_import_enriches_curated_bills_and_writes_one_file_per_bill() {
    let kb = Kb::new();
    let (code, out, err) = kb.run(&[
        "--json",
        "import",
        "openstates",
        &bills("openstates").display().to_string(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let report = json(&out);
    let enriched: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["enriches"] == true)
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert_eq!(enriched, ["genius-act", "nh-hb-302"]);
    let files = kb.imported();
    // S 1582 and NH HB 302 enrich the hand-written entities, by id.
    assert!(files.contains_key(Path::new("openstates/us/119/genius-act.ron")));
    assert!(files.contains_key(Path::new("openstates/us-nh/2025/nh-hb-302.ron")));
    // The others get readable ids from jurisdiction, session and number.
    assert!(files.contains_key(Path::new("openstates/us/119/us-119-hr-1.ron")));
    assert!(files.contains_key(Path::new("openstates/us-nh/2025/us-nh-2025-sb-100.ron")));
    // No second GENIUS Act.
    assert!(!files.keys().any(|p| p.ends_with("us-119-s-1582.ron")));
    // The hand-written file is untouched.
    let curated = std::fs::read_to_string(kb.knowledge.join("law/genius-act.ron")).unwrap();
    let original = std::fs::read_to_string(shipped().join("law/genius-act.ron")).unwrap();
    assert_eq!(curated, original);

    // `show` has the curated summary and the official identifiers and sponsors.
    let (code, out, err) = kb.run(&["--json", "show", "genius-act"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    let e = &v["entity"];
    assert!(e["summary"]
        .as_str()
        .unwrap()
        .starts_with("Federal stablecoin law."));
    let ids: Vec<&str> = e["identifiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["value"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"Pub. L. 119-27"), "{ids:?}");
    assert!(ids.contains(&"S. 1582"), "{ids:?}");
    let sponsors: Vec<&str> = e["sponsors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert!(sponsors.contains(&"Cynthia M. Lummis"), "{sponsors:?}");
    assert_eq!(e["session"], "119");
    // The Chinese name stays.
    assert_eq!(e["names"]["zh-Hant"], "穩定幣法案《GENIUS Act》");
}

#[test]
fn same_day_same_stage_shows_once_and_conflicts_are_warned_with_both_sources() {
    let kb = Kb::new();
    let (code, out, err) = kb.import("openstates", &[&bills("openstates/nh-2025")]);
    assert_eq!(code, 0, "{err}");
    // The bulk tree's one-action logs and vote events are counted, not bills.
    assert!(
        out.contains("1 action log file(s) of this source skipped"),
        "{out}"
    );
    assert!(
        out.contains("1 vote event file(s) of this source skipped"),
        "{out}"
    );
    let (code, out, err) = kb.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
    let all = format!("{out}{err}");
    // New Hampshire dates the signature action 2025-05-07; its text and the
    // curated event say 2025-05-06.
    assert!(all.contains("warning[date-conflict]"), "{all}");
    assert!(all.contains("`signed` on 2025-05-06 here"), "{all}");
    assert!(
        all.contains("on 2025-05-07 in the imported record"),
        "{all}"
    );
    assert!(all.contains("fullycrypto.com"), "{all}");
    assert!(all.contains("gencourt.state.nh.us"), "{all}");

    // The GENIUS Act: the curated introduction (2025-05-01) and the official
    // one are the same day and stage: shown once.
    let kb = Kb::new();
    kb.import("openstates", &[&bills("openstates/usa-119/S1582.json")]);
    let (code, out, err) = kb.run(&["--json", "timeline", "--entity", "S 1582"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    let events = v["events"].as_array().unwrap();
    let count = |date: &str, stage: &str| {
        events
            .iter()
            .filter(|e| e["date"] == date && e["stage"] == stage)
            .count()
    };
    assert_eq!(count("2025-05-01", "introduced"), 1);
    assert_eq!(count("2025-07-18", "signed"), 1);
    assert_eq!(count("2025-06-17", "passed_one_chamber"), 1);
    assert_eq!(count("2025-07-17", "passed_both"), 1);
    // Unclassified actions are on the timeline, as `action`.
    assert!(events
        .iter()
        .any(|e| e["stage"] == "action" && e["note"].as_str().unwrap().contains("Cloture")));
    // ... but do not set the status.
    let (_, out, _) = kb.run(&["--json", "show", "genius-act"]);
    assert_eq!(json(&out)["status"], "signed");
}

#[test]
fn reimport_of_unchanged_input_changes_no_file() {
    let kb = Kb::new();
    let (code, _, err) = kb.import("openstates", &[&bills("openstates")]);
    assert_eq!(code, 0, "{err}");
    let before = kb.imported();
    let stamp = |p: &Path| {
        std::fs::metadata(kb.knowledge.join("imported").join(p))
            .unwrap()
            .modified()
            .unwrap()
    };
    let times: Vec<_> = before.keys().map(|p| stamp(p)).collect();
    let (code, out, err) = kb.run(&[
        "--json",
        "import",
        "openstates",
        &bills("openstates").display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    assert_eq!(r["added"], 0, "{out}");
    assert_eq!(r["changed"], 0, "{out}");
    // 41 before issue 25: the five House rules Open States calls
    // "companions" of HR 1, HR 4, S 1582 and S 5 are no longer linked
    // from the bills (their own records link them); 37 with NH HB 107.
    assert_eq!(r["unchanged"], 37, "{out}");
    assert_eq!(kb.imported(), before);
    let after: Vec<_> = before.keys().map(|p| stamp(p)).collect();
    assert_eq!(times, after, "a file was rewritten");
}

#[test]
fn dry_run_writes_nothing() {
    let kb = Kb::new();
    let (code, out, err) = kb.run(&[
        "import",
        "congress",
        "--dry-run",
        &bills("congress").display().to_string(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("would write 14 added"), "{out}");
    assert!(kb.imported().is_empty());
}

#[test]
fn stage_mapping_of_each_source_on_real_actions() {
    let kb = Kb::new();
    for (source, path) in [
        ("openstates", bills("openstates")),
        ("legiscan", bills("legiscan")),
        ("congress", bills("congress")),
    ] {
        let (code, out, err) = kb.import(source, &[&path]);
        assert_eq!(code, 0, "{source}: {out}{err}");
    }
    let status = |id: &str, as_of: Option<&str>| {
        let mut args = vec!["--json"];
        if let Some(d) = as_of {
            args.extend(["--as-of", d]);
        }
        args.extend(["show", id]);
        let (code, out, err) = kb.run(&args);
        assert_eq!(code, 0, "{id}: {err}");
        let v = json(&out);
        (
            v["status"].as_str().unwrap_or("-").to_owned(),
            v["entity"]["kind"].as_str().unwrap().to_owned(),
        )
    };
    // Open States, a state: introduction, committee report, House passage,
    // Senate passage, signature.
    assert_eq!(status("nh-hb-302", Some("2025-01-10")).0, "introduced");
    assert_eq!(
        status("nh-hb-302", Some("2025-03-06")).0,
        "committee_action"
    );
    assert_eq!(
        status("nh-hb-302", Some("2025-04-11")).0,
        "passed_one_chamber"
    );
    // Arrival and referral in the Senate do not undo "passed one chamber".
    assert_eq!(
        status("nh-hb-302", Some("2025-04-20")).0,
        "passed_one_chamber"
    );
    assert_eq!(status("nh-hb-302", Some("2025-05-02")).0, "passed_both");
    assert_eq!(status("nh-hb-302", None).0, "signed");
    // SB 100 passed the Senate, then the House with an amendment the
    // Senate did not concur in; HB 107 passed the House, then the Senate
    // with an amendment the House laid on the table: neither passed both.
    assert_eq!(
        status("us-nh-2025-sb-100", None),
        ("passed_one_chamber".into(), "bill".into())
    );
    assert_eq!(
        status("us-nh-2025-hb-107", None),
        ("passed_one_chamber".into(), "bill".into())
    );
    // Open States, Congress: the Laken Riley Act became law.
    assert_eq!(
        status("us-119-s-5", None),
        ("signed".into(), "statute".into())
    );
    // unitedstates/congress: Dodd-Frank, referral to signature.
    assert_eq!(status("us-111-hr-4173", Some("2009-12-05")).0, "referred");
    assert_eq!(
        status("us-111-hr-4173", Some("2009-12-12")).0,
        "passed_one_chamber"
    );
    // The Senate passed it with an amendment (2010-05-20); both chambers
    // passed one text with the conference report (2010-07-15).
    assert_eq!(
        status("us-111-hr-4173", Some("2010-06-01")).0,
        "passed_one_chamber"
    );
    assert_eq!(
        status("us-111-hr-4173", Some("2010-07-15")).0,
        "sent_to_executive"
    );
    assert_eq!(
        status("us-111-hr-4173", Some("2010-07-16")).0,
        "sent_to_executive"
    );
    assert_eq!(
        status("us-111-hr-4173", None),
        ("signed".into(), "statute".into())
    );
    // LegiScan: a prefiled Georgia bill is introduced (progress event 1).
    assert_eq!(
        status("us-ga-2023-hb-1", None),
        ("introduced".into(), "bill".into())
    );
    // HB 11: passed the House, then the Senate, then "passed" (4) and
    // "chaptered" (8) on the day the governor signed, listed 8 first.
    assert_eq!(
        status("us-ga-2023-hb-11", Some("2023-01-27")).0,
        "passed_one_chamber"
    );
    assert_eq!(
        status("us-ga-2023-hb-11", None),
        ("signed".into(), "statute".into())
    );
    let (_, out, _) = kb.run(&["show", "us-ga-2023-hb-11"]);
    assert!(out.contains("Act 93 (2023-2024 Regular Session)"), "{out}");

    // Related bills that are not in the input become incomplete placeholders.
    let (_, out, _) = kb.run(&["--json", "show", "us-111-s-3217"]);
    let v = json(&out);
    assert_eq!(v["entity"]["provenance"]["incomplete"], true, "{out}");
    let (code, out, err) = kb.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn queries_after_import() {
    let kb = Kb::new();
    kb.import("openstates", &[&bills("openstates")]);
    kb.import("legiscan", &[&bills("legiscan")]);

    // Signed New Hampshire bills; `--kind bill` includes enacted bills.
    let (code, out, err) = kb.run(&[
        "list",
        "--kind",
        "bill",
        "--jurisdiction",
        "US-NH",
        "--status",
        "signed",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("nh-hb-302"), "{out}");
    assert!(out.contains("us-nh-2025-hb-1 "), "{out}");
    assert!(!out.contains("sb-100"), "{out}");
    // As of 2025-04-01, HB 302 had passed the House only.
    let (_, out, _) = kb.run(&[
        "--as-of",
        "2025-04-01",
        "list",
        "--kind",
        "bill",
        "--jurisdiction",
        "US-NH",
        "--status",
        "passed_one_chamber",
    ]);
    assert!(out.contains("nh-hb-302"), "{out}");

    // Sponsors are filterable and searchable.
    let (code, out, _) = kb.run(&["list", "--sponsor", "Lummis"]);
    assert_eq!(code, 0);
    assert!(out.contains("genius-act"), "{out}");
    assert!(!out.contains("nh-hb-302"), "{out}");
    let (code, out, _) = kb.run(&["list", "--sponsor", "Ammon"]);
    assert_eq!(code, 0);
    assert!(out.contains("nh-hb-302"), "{out}");
    let (code, _, _) = kb.run(&["list", "--sponsor", "Nobody Atall"]);
    assert_eq!(code, 1);
    // Every word in one sponsor's name, in any order and case.
    let (code, out, _) = kb.run(&["list", "--sponsor", "lummis, CYNTHIA M."]);
    assert_eq!(code, 0);
    assert!(out.contains("genius-act"), "{out}");
    // Two sponsors' words together name nobody.
    let (_, out, _) = kb.run(&["list", "--sponsor", "Cynthia Hagerty"]);
    assert!(!out.contains("genius-act"), "{out}");
    let (code, out, _) = kb.run(&["search", "Kendrick"]);
    assert_eq!(code, 0);
    assert!(out.contains("us-ga-2023-hb-1"), "{out}");

    // Any spelling of the bill number finds the bill.
    for r in ["S 1582", "S. 1582", "s1582"] {
        let (code, out, err) = kb.run(&["timeline", "--entity", r]);
        assert_eq!(code, 0, "{r}: {err}");
        assert!(out.contains("Became Public Law No: 119-27"), "{r}: {out}");
    }
    // Full-text search reaches imported titles and official action text.
    let (code, out, _) = kb.run(&["search", "Pro-Birth Accountability"]);
    assert_eq!(code, 0);
    assert!(out.contains("us-ga-2023-hb-1"), "{out}");
    // `agencies` still answers on an enriched bill.
    let (code, out, err) = kb.run(&["agencies", "genius-act"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("president"), "{out}");

    // LegiScan is credited on every bill it gave.
    let (_, out, _) = kb.run(&["show", "us-ga-2023-hb-1"]);
    assert!(out.contains("CC BY 4.0"), "{out}");
    assert!(out.contains("LegiScan"), "{out}");
}

#[test]
fn not_json_or_truncated_exits_2_with_line_and_column_and_writes_nothing() {
    let kb = Kb::new();
    let (code, _, err) = kb.import(
        "openstates",
        &[&bills("openstates/nh-2025"), &bad("not-json.json")],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("not-json.json:1:1:"), "{err}");
    assert!(kb.imported().is_empty());

    let (code, _, err) = kb.import("openstates", &[&bad("truncated.json")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("truncated.json:"), "{err}");
    let tail = err.split("truncated.json:").nth(1).unwrap();
    let mut parts = tail.split(':');
    let line: usize = parts.next().unwrap().parse().unwrap();
    let _col: usize = parts.next().unwrap().parse().unwrap();
    assert!(line > 20, "{err}");
    assert!(kb.imported().is_empty());
}

#[test]
fn wrong_importer_says_which_one_fits() {
    let kb = Kb::new();
    let (code, _, err) = kb.import("openstates", &[&bills("legiscan/HB1.json")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("looks like `legiscan` input"), "{err}");
    assert!(err.contains("policygraph import legiscan"), "{err}");
    let (code, _, err) = kb.import("legiscan", &[&bills("congress")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("looks like `congress` input"), "{err}");
    let (code, _, err) = kb.import("congress", &[&bills("openstates/usa-119/S1582.json")]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("looks like `openstates` input"), "{err}");
    assert!(kb.imported().is_empty());
}

#[test]
fn impossible_values_are_reported_per_bill_and_the_rest_imported() {
    let kb = Kb::new();
    // An impossible action date: that action is skipped and reported.
    let (code, out, err) = kb.import("openstates", &[&bad("impossible-date.json")]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("2025-02-30"), "{out}");
    let (_, out, _) = kb.run(&["show", "nh-hb-302"]);
    assert!(out.contains("2025-02-30"), "{out}");
    // A value of the wrong type: that bill is skipped (exit 1), the others
    // are imported.
    let (code, out, err) = kb.import(
        "openstates",
        &[
            &bad("wrong-type.json"),
            &bills("openstates/nh-2025/HB1.json"),
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        out.contains("records skipped") && out.contains("wrong-type.json"),
        "{out}"
    );
    assert!(kb
        .imported()
        .contains_key(Path::new("openstates/us-nh/2025/us-nh-2025-hb-1.ron")));
    let (code, out, err) = kb.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
}

/// Two real bills of the 119th Congress that share their official title
/// (HR 1146 and HR 1595, both "To prohibit Federal funding for National
/// Public Radio, ..."; copied from govbot-data/usa-legislation): `check`
/// does not warn about the shared alias between two imported bills, and a
/// lookup by that title lists both.
#[test]
fn imported_bills_may_share_a_title_without_a_warning() {
    let kb = Kb::new();
    let dir = bills("openstates-extra/usa-119-same-title");
    let (code, out, err) = kb.import("openstates", &[&dir]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = kb.run(&["check", "--deny-warnings"]);
    assert_eq!(code, 0, "{out}");
    let (code, _, err) = kb.run(&[
        "show",
        "To prohibit Federal funding for National Public Radio, and for other purposes.",
    ]);
    assert_eq!(code, 1, "ambiguous: {err}");
    assert!(
        err.contains("us-119-hr-1146") && err.contains("us-119-hr-1595"),
        "{err}"
    );
}

/// S 1582 from Open States (a real file) and from the unitedstates/congress
/// layout (assembled from the same record: see
/// `tests/fixtures/bills/two-sources/README.md`), in either order: each
/// importer keeps its own file, neither is rewritten by the other, and the
/// GENIUS Act is one entity with the identifiers and actions of both, each
/// passage shown once.
#[test]
fn a_bill_from_two_sources_is_one_entity_and_neither_file_is_overwritten() {
    let os = bills("openstates/usa-119/S1582.json");
    let cg = bills("two-sources/s1582-119.json");
    for order in [["openstates", "congress"], ["congress", "openstates"]] {
        let kb = Kb::new();
        for source in order {
            let path = if source == "openstates" { &os } else { &cg };
            let (code, out, err) = kb.import(source, &[path]);
            assert_eq!(code, 0, "{source}: {out}{err}");
        }
        let files = kb.imported();
        let os_file = files
            .get(Path::new("openstates/us/119/genius-act.ron"))
            .expect("the Open States file");
        assert!(os_file.contains("ocd-bill"), "{os_file}");
        let cg_file = files
            .get(Path::new("congress/us/119/genius-act.ron"))
            .expect("the congress file");
        assert!(cg_file.contains("s1582-119"), "{cg_file}");
        assert!(!cg_file.contains("ocd-bill"), "{cg_file}");

        let (code, out, _) = kb.run(&["check", "--deny-warnings"]);
        assert_eq!(code, 0, "{out}");
        let (code, out, err) = kb.run(&["--json", "show", "genius-act"]);
        assert_eq!(code, 0, "{err}");
        let v = json(&out);
        let e = &v["entity"];
        let ids: Vec<&str> = e["identifiers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["value"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&"s1582-119"), "{ids:?}");
        assert!(ids.iter().any(|i| i.starts_with("ocd-bill")), "{ids:?}");
        let events = e["events"].as_array().unwrap();
        let on = |date: &str, stage: &str| {
            events
                .iter()
                .filter(|ev| ev["date"] == date && ev["stage"] == stage)
                .count()
        };
        // Open States alone has the cloture motions of June 9.
        assert!(
            events.iter().any(|ev| ev["date"] == "2025-06-09"),
            "{events:?}"
        );
        // Both sources have the Senate passage: shown once.
        assert_eq!(on("2025-06-17", "passed_one_chamber"), 1, "{events:?}");
        assert_eq!(e["names"]["zh-Hant"], "穩定幣法案《GENIUS Act》");
        // `show` names every file the entity comes from.
        assert_eq!(v["path"], "law/genius-act.ron");
        assert_eq!(
            v["merged"],
            serde_json::json!([
                "imported/congress/us/119/genius-act.ron",
                "imported/openstates/us/119/genius-act.ron"
            ])
        );
        let (code, text, err) = kb.run(&["show", "genius-act"]);
        assert_eq!(code, 0, "{err}");
        assert!(
            text.contains("  + imported/congress/us/119/genius-act.ron\n")
                && text.contains("  + imported/openstates/us/119/genius-act.ron\n"),
            "{text}"
        );
        // A second import of the first source leaves the other's file be.
        let (code, out, err) = kb.import(
            order[0],
            &[if order[0] == "openstates" { &os } else { &cg }],
        );
        assert_eq!(code, 0, "{out}{err}");
        assert_eq!(kb.imported(), files, "a re-import changed a file");
    }
}

/// Open States names Texas sessions by the legislature's number: `892` is
/// the 89th Legislature's second called session, which met in 2025, and
/// LegiScan's year. The bill gets session `2025s2`, so the two sources
/// (and a curated bill with `session: "2025s2"`) meet.
#[test]
fn a_numbered_texas_session_becomes_its_year() {
    let kb = Kb::new();
    let (code, out, err) = kb.import("openstates", &[&bills("openstates-extra/tx-892")]);
    assert_eq!(code, 0, "{out}{err}");
    let files = kb.imported();
    assert!(
        files.contains_key(Path::new("openstates/us-tx/2025s2/us-tx-2025s2-hb-1.ron")),
        "{:?}",
        files.keys().collect::<Vec<_>>()
    );
    let (code, out, err) = kb.run(&["--json", "show", "us-tx-2025s2-hb-1"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(json(&out)["entity"]["session"], "2025s2");
}

/// Open States gives Congress's actions as instants in UTC: "Rule H. Res.
/// 580 passed House" at 03:04 UTC on July 17, 2025 was the evening of July
/// 16 in Washington, and the timeline says July 16. Days written as local
/// midnight (04:00 UTC) stay as they are.
#[test]
fn actions_are_dated_in_the_legislatures_time_zone() {
    let kb = Kb::new();
    let (code, out, err) = kb.import("openstates", &[&bills("openstates/usa-119/S1582.json")]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = kb.run(&["--json", "timeline", "--entity", "S 1582"]);
    assert_eq!(code, 0, "{err}");
    let v = json(&out);
    let day_of = |note: &str| -> Vec<String> {
        v["events"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["note"].as_str().unwrap_or("").contains(note))
            .map(|e| e["date"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(day_of("Rule H. Res. 580 passed House"), ["2025-07-16"]);
    assert_eq!(day_of("Presented to President"), ["2025-07-17"]);
}

/// The Open States scrapers' own output does not name the jurisdiction in
/// the bill file: the `jurisdiction_*.json` beside it does, or
/// `--jurisdiction`. Without either, the bill is listed as unreadable with
/// what to do, and nothing is written.
#[test]
fn scraper_output_takes_its_jurisdiction_from_beside_it_or_from_the_flag() {
    let kb = Kb::new();
    let (code, out, err) = kb.import(
        "openstates",
        &[&bills("openstates-scrape/with-jurisdiction")],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(!format!("{out}{err}").contains("bill JSON"), "{out}{err}");
    assert!(kb
        .imported()
        .contains_key(Path::new("openstates/us-nh/2025/nh-hb-302.ron")));

    let alone = bills("openstates-scrape/alone/bill_HB302.json");
    let kb = Kb::new();
    let (code, out, err) = kb.import("openstates", &[&alone]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        format!("{out}{err}").contains("does not name its jurisdiction"),
        "{out}{err}"
    );
    assert!(kb.imported().is_empty());
    let (code, out, err) = kb.run(&[
        "import",
        "openstates",
        "--jurisdiction",
        "New Hampshire",
        &alone.display().to_string(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(kb
        .imported()
        .contains_key(Path::new("openstates/us-nh/2025/nh-hb-302.ron")));
    let (code, _, err) = kb.run(&["import", "openstates", "--jurisdiction", "US-", "x.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("give one jurisdiction"), "{err}");
}

/// A saved page of the Open States API's `/bills` search is read result by
/// result: the readable bills are imported, and the one that cannot be
/// read is listed by its place and identifier (exit 1).
#[test]
fn an_api_page_is_read_result_by_result() {
    let kb = Kb::new();
    let (code, out, err) = kb.run(&[
        "--json",
        "import",
        "openstates",
        &bills("openstates-api/bills-page-1.json")
            .display()
            .to_string(),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let r = json(&out);
    assert_eq!(r["added"], 2, "{out}");
    let skipped = &r["unreadable_records"][0];
    assert_eq!(skipped["index"], 2, "{out}");
    assert_eq!(skipped["record"], "HB 9", "{out}");
    assert_eq!(
        r["unreadable_records"].as_array().unwrap().len(),
        1,
        "{out}"
    );
    let files = kb.imported();
    assert!(files.contains_key(Path::new("openstates/us-nh/2025/us-nh-2025-hb-1.ron")));
    assert!(files.contains_key(Path::new("openstates/us-nh/2025/us-nh-2025-sb-100.ron")));
}

/// A placeholder that one source wrote for a bill it only names does not
/// overwrite another source's whole record of that bill, and does not
/// become the entity's name: the congress data names S 2067 (a
/// placeholder), Open States has S 2067 itself, and then Open States' HR 4
/// names S 2067 again.
#[test]
fn another_sources_placeholder_never_overwrites_a_whole_record() {
    let kb = Kb::new();
    let dir = crate::util::tmp();
    let mut cg = json(&std::fs::read_to_string(bills("two-sources/s1582-119.json")).unwrap());
    cg["related_bills"] = serde_json::json!([{"bill_id": "s2067-119", "reason": "related"}]);
    let cg_path = dir.path().join("s1582-119.json");
    std::fs::write(&cg_path, cg.to_string()).unwrap();
    let (code, out, err) = kb.import("congress", &[&cg_path]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(kb
        .imported()
        .get(Path::new("congress/us/119/us-119-s-2067.ron"))
        .is_some_and(|t| t.contains("incomplete: true")));
    let (code, out, err) = kb.import("openstates", &[&bills("openstates-extra/S2067.json")]);
    assert_eq!(code, 0, "{out}{err}");
    let whole = kb.imported()[Path::new("openstates/us/119/us-119-s-2067.ron")].clone();
    assert!(!whole.contains("incomplete: true"), "{whole}");
    let (code, out, err) = kb.import("openstates", &[&bills("openstates/usa-119/HR4.json")]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        kb.imported()[Path::new("openstates/us/119/us-119-s-2067.ron")],
        whole,
        "the whole record was rewritten"
    );
    let (code, out, err) = kb.run(&["--json", "show", "us-119-s-2067"]);
    assert_eq!(code, 0, "{err}");
    let e = &json(&out)["entity"];
    assert_eq!(e["name"], "Rescissions Act of 2025", "{out}");
    assert!(!out.contains("was not in the input"), "{out}");
    let (code, out, _) = kb.run(&["check", "--deny-warnings"]);
    assert_eq!(code, 0, "{out}");
}

/// A bill imported before the session rules changed (Texas `892` was then
/// its own session, id `us-tx-892-hb-1`) is found again by its Open States
/// id on the next import, even when another source now has the bill under
/// the new id: the Open States file is updated under its old id, and no
/// second Open States file appears.
#[test]
fn a_bill_imported_under_an_older_id_keeps_it() {
    let kb = Kb::new();
    let dir = bills("openstates-extra/tx-892");
    assert_eq!(kb.import("openstates", &[&dir]).0, 0);
    // Another source's file of the bill, under the new rules' id.
    let other = kb.knowledge.join("imported/legiscan/us-tx/2025s2");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(
        other.join("us-tx-2025s2-hb-1.ron"),
        r#"(id: "us-tx-2025s2-hb-1", kind: bill, name: "TX HB 1", jurisdiction: "US-TX",
    session: "2025s2", identifiers: [(scheme: bill, value: "HB 1")], summary: "",
    sources: [(title: "LegiScan")],
    provenance: (importer: "legiscan", from: "x", retrieved: "2025-09-01"))
"#,
    )
    .unwrap();
    let root = kb.knowledge.join("imported/openstates/us-tx");
    let new = root.join("2025s2/us-tx-2025s2-hb-1.ron");
    let text = std::fs::read_to_string(&new).unwrap();
    let old_text = text
        .replace("us-tx-2025s2-hb-1", "us-tx-892-hb-1")
        .replace("session: \"2025s2\"", "session: \"892\"");
    std::fs::create_dir_all(root.join("892")).unwrap();
    std::fs::write(root.join("892/us-tx-892-hb-1.ron"), &old_text).unwrap();
    std::fs::remove_file(&new).unwrap();
    std::fs::remove_dir(root.join("2025s2")).unwrap();

    let (code, out, err) = kb.import("openstates", &[&dir]);
    assert_eq!(code, 0, "{out}{err}");
    let files: Vec<PathBuf> = kb
        .imported()
        .into_keys()
        .filter(|p| p.starts_with("openstates"))
        .collect();
    assert_eq!(
        files,
        [PathBuf::from("openstates/us-tx/892/us-tx-892-hb-1.ron")],
        "{out}"
    );
    let (code, out, _) = kb.run(&["check"]);
    assert_eq!(code, 0, "{out}");
}

/// Bug 4: an input tree's symbolic links were skipped silently ("0
/// record(s) read", exit 0), a linked bill file and a linked subdirectory
/// alike. They are read now, as a link named on the command line is.
#[cfg(unix)]
#[test]
fn symlinked_input_files_and_directories_are_read() {
    let kb = Kb::new();
    let input = kb.dir.path().join("input");
    std::fs::create_dir(&input).unwrap();
    // One bill by a file link, four by a directory link.
    std::os::unix::fs::symlink(bills("openstates/nh-2025/HB1.json"), input.join("HB1.json"))
        .unwrap();
    std::os::unix::fs::symlink(bills("openstates/usa-119"), input.join("usa-119")).unwrap();
    let (code, out, err) = kb.run(&[
        "--json",
        "import",
        "openstates",
        &input.display().to_string(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let report = json(&out);
    assert_eq!(report["records"], 5, "{report:#}");
    assert!(
        !report["warnings"].to_string().contains("skipped"),
        "{report:#}"
    );
    let files = kb.imported();
    assert!(
        files.contains_key(Path::new("openstates/us-nh/2025/us-nh-2025-hb-1.ron")),
        "{:?}",
        files.keys()
    );
    assert!(
        files.contains_key(Path::new("openstates/us/119/us-119-hr-1.ron")),
        "{:?}",
        files.keys()
    );

    // A link named on the command line, to a file and to a directory.
    let (code, out, err) = kb.run(&[
        "--json",
        "import",
        "openstates",
        "--dry-run",
        &input.join("HB1.json").display().to_string(),
        &input.join("usa-119").display().to_string(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(json(&out)["records"], 5, "{out}");
}

/// What an input tree holds that cannot be read is named, never dropped:
/// a link to nothing stops the import, as an unreadable file does.
#[cfg(unix)]
#[test]
fn a_broken_link_in_an_input_tree_is_named() {
    let kb = Kb::new();
    let input = kb.dir.path().join("input");
    std::fs::create_dir(&input).unwrap();
    std::fs::copy(bills("openstates/nh-2025/HB1.json"), input.join("HB1.json")).unwrap();
    std::os::unix::fs::symlink("gone.json", input.join("HB2.json")).unwrap();
    // A stale link that is not an input file is none of the import's business.
    std::os::unix::fs::symlink("gone.md", input.join("README.md")).unwrap();
    let (code, out, err) = kb.import("openstates", &[&input]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("HB2.json"), "{err}");
    assert!(!err.contains("README.md"), "{err}");
    assert!(kb.imported().is_empty());
}
