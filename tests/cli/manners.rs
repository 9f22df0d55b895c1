//! Issue 17, the CLI's manners: what a new user's first try should get.
//! Every test drives the real binary, on the small fixtures where it can
//! and on the shipped knowledge base for the examples the issue names.

use std::path::PathBuf;

use serde_json::Value;

use crate::util;

fn graph() -> PathBuf {
    util::fixture("graph")
}

fn track() -> PathBuf {
    util::fixture("track")
}

/// Runs and parses stdout as JSON, whatever the exit code; returns both.
fn json_doc(knowledge: &std::path::Path, args: &[&str]) -> (i32, Value) {
    let (code, out, err) = util::run(knowledge, args);
    let v = serde_json::from_str(&out)
        .unwrap_or_else(|e| panic!("{args:?}: not JSON ({e}):\n{out}\nstderr:\n{err}"));
    (code, v)
}

// ------------------------------------------------- item: JSON when empty

#[test]
fn json_is_a_document_even_when_nothing_is_found() {
    let (code, v) = json_doc(&track(), &["--json", "timeline", "--until", "2024-12-31"]);
    assert_eq!(code, 1);
    assert_eq!(v["events"], serde_json::json!([]));

    let (code, v) = json_doc(
        &track(),
        &["--json", "deadlines", "--within", "0", "--overdue"],
    );
    assert_eq!(code, 1);
    assert_eq!(v["deadlines"], serde_json::json!([]));

    let (code, v) = json_doc(&graph(), &["export", "json", "--jurisdiction", "US-ZZ"]);
    assert_eq!(code, 1);
    assert_eq!(v["nodes"], serde_json::json!([]));
    assert_eq!(v["edges"], serde_json::json!([]));

    // An entity that did not exist yet on --as-of: an empty answer.
    for args in [
        vec!["agencies", "order-alpha"],
        vec!["neighbors", "order-alpha"],
        vec!["path", "order-alpha", "dept-labor"],
    ] {
        let mut all = vec!["--json", "--as-of", "2024-01-01"];
        all.extend(args.iter());
        let (code, v) = json_doc(&graph(), &all);
        assert_eq!(code, 1, "{all:?}");
        assert!(v.is_object(), "{all:?}: {v}");
    }
}

// ------------------------------------------- item: inverse relation names

#[test]
fn inverse_relation_names_are_accepted_wherever_a_relation_is_named() {
    // `show guide-beta` prints `implements`; `show order-alpha` prints the
    // same edge as `implemented_by`. Both select it.
    let by_name = util::run(
        &graph(),
        &["neighbors", "order-alpha", "--relation", "implements"],
    );
    let by_inverse = util::run(
        &graph(),
        &["neighbors", "order-alpha", "--relation", "implemented-by"],
    );
    assert_eq!(by_name.0, 0, "{}", by_name.2);
    assert_eq!((by_name.0, &by_name.1), (by_inverse.0, &by_inverse.1));
    assert!(by_name.1.contains("guide-beta"), "{}", by_name.1);

    let (code, out, err) = util::run(
        &graph(),
        &[
            "export",
            "dot",
            "--relation",
            "Issued_By",
            "--relation",
            "has_part",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let (_, same, _) = util::run(
        &graph(),
        &[
            "export",
            "dot",
            "--relation",
            "issued",
            "--relation",
            "part_of",
        ],
    );
    assert_eq!(out, same);

    let (code, _, err) = util::run(&graph(), &["neighbors", "potus", "--relation", "enacted"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown relation `enacted`"), "{err}");
    assert!(err.contains("enacted_by"), "{err}");
    assert!(!err.contains("relationkind"), "{err}");
}

// ---------------------------------------------------------- item: --lang

#[test]
fn lang_tags_are_case_insensitive_regional_tags_map_to_scripts_and_show_honours_them() {
    let k = util::shipped();
    let (code, plain, err) = util::run(&k, &["show", "genius-act"]);
    assert_eq!(code, 0, "{err}");
    let (code, hant, err) = util::run(&k, &["show", "genius-act", "--lang", "ZH-tw"]);
    assert_eq!(code, 0, "{err}");
    assert_ne!(plain, hant, "show --lang must change what show prints");
    let second = hant.lines().nth(1).unwrap_or_default();
    assert!(
        second.starts_with("穩定幣法案"),
        "heading in zh-Hant: {hant}"
    );
    assert!(hant.contains("  en: Guiding and Establishing"), "{hant}");
    // A related entity is named in the language too.
    assert!(hant.contains("president  美國總統"), "{hant}");

    for tag in ["zh-HK", "zh-hant", "ZH-HANT"] {
        let (_, out, _) = util::run(&k, &["show", "genius-act", "--lang", tag]);
        assert_eq!(out, hant, "--lang {tag}");
    }
    let (code, hans, err) = util::run(&k, &["show", "genius-act", "--lang", "zh-SG"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        hans.lines()
            .nth(1)
            .unwrap_or_default()
            .starts_with("稳定币法案"),
        "{hans}"
    );
    let (_, cn, _) = util::run(&k, &["show", "genius-act", "--lang", "zh-cn"]);
    assert_eq!(cn, hans);

    // Other commands use the same mapping.
    let (code, out, err) = util::run(&graph(), &["list", "--kind", "agency", "--lang", "zh-tw"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("勞工部"), "{out}");

    let (code, out, err) = util::run(&graph(), &["show", "dol", "--lang", "fr"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.contains("unknown language `fr`"), "{err}");
    assert!(err.contains("en, zh-Hant, zh-Hans"), "{err}");
}

// ----------------------------------------------------------- item: dates

#[test]
fn from_and_to_are_aliases_and_dates_may_be_a_year_or_a_month() {
    let k = util::shipped();
    let full = util::run(
        &k,
        &["timeline", "--since", "2025-07-01", "--until", "2025-07-31"],
    );
    assert_eq!(full.0, 0, "{}", full.2);
    let month = util::run(&k, &["timeline", "--from", "2025-07", "--to", "2025-07"]);
    assert_eq!(full.1, month.1);
    assert!(month.1.contains("2025-07-17  genius-act"), "{}", month.1);
    assert!(
        !month.1.contains("2025-06-") && !month.1.contains("2025-08-"),
        "{}",
        month.1
    );

    let year = util::run(&k, &["timeline", "--since", "2025", "--until", "2025"]);
    let days = util::run(
        &k,
        &["timeline", "--since", "2025-01-01", "--until", "2025-12-31"],
    );
    assert_eq!(year.1, days.1);
    assert!(
        !year.1.contains(" 2024-") && !year.1.contains(" 2026-"),
        "{}",
        year.1
    );

    // search takes the same forms.
    let a = util::run(
        &k,
        &["search", "stablecoin", "--from", "2025", "--to", "2025-12"],
    );
    let b = util::run(
        &k,
        &[
            "search",
            "stablecoin",
            "--since",
            "2025-01-01",
            "--until",
            "2025-12-31",
        ],
    );
    assert_eq!(a.0, 0, "{}", a.2);
    assert_eq!(a.1, b.1);

    let (code, _, err) = util::run(&k, &["timeline", "--until", "2025-13"]);
    assert_eq!(code, 2);
    assert!(err.contains("no such month"), "{err}");
    let (code, _, err) = util::run(&k, &["timeline", "--since", "July"]);
    assert_eq!(code, 2);
    assert!(err.contains("YYYY, YYYY-MM or YYYY-MM-DD"), "{err}");
}

// --------------------------------------------------- item: jurisdictions

#[test]
fn jurisdiction_takes_state_codes_and_names_and_us_means_federal_only() {
    let k = util::shipped();
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--json", "list"];
        all.extend_from_slice(args);
        let (_, v) = json_doc(&k, &all);
        v["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let texas = ids(&["--jurisdiction", "US-TX"]);
    assert!(texas.contains(&"tx-sb-21".to_owned()), "{texas:?}");
    for j in ["TX", "tx", "Texas", "TEXAS"] {
        assert_eq!(ids(&["--jurisdiction", j]), texas, "--jurisdiction {j}");
    }
    let federal = ids(&["--jurisdiction", "US"]);
    assert_eq!(ids(&["--jurisdiction", "federal"]), federal);
    assert!(federal.contains(&"genius-act".to_owned()));
    assert!(
        !federal.iter().any(|id| texas.contains(id)),
        "US is federal only"
    );
    let states = ids(&["--jurisdiction", "states"]);
    assert_eq!(ids(&["--jurisdiction", "US-"]), states);
    assert_eq!(federal.len() + states.len(), ids(&[]).len());

    // The same rule in search, timeline and export.
    let (code, out, err) = util::run(&k, &["search", "reserve", "--jurisdiction", "Texas"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("tx-sb-21") && !out.contains("US-AZ"), "{out}");
    let (code, out, err) = util::run(&k, &["timeline", "--jurisdiction", "arizona"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("az-sb-1025") && !out.contains("genius-act"),
        "{out}"
    );
    let (code, out, err) = util::run(&k, &["export", "json", "--jurisdiction", "federal"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.contains("\"jurisdiction\": \"US-"),
        "export federal only"
    );

    let (code, _, err) = util::run(&k, &["list", "--jurisdiction", "Texass"]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown jurisdiction `Texass`"), "{err}");
    assert!(err.contains("`federal`"), "{err}");
}

// ------------------------------------------------------ item: tags, stats

#[test]
fn tags_match_in_any_case_and_stats_lists_them_as_of_a_day() {
    // A copy whose Texan bill spells one tag in capitals.
    let dir = util::tmp();
    let k = dir.path().join("knowledge");
    util::copy_tree(&graph(), &k);
    let f = k.join("tx-widget-bill.ron");
    let text = std::fs::read_to_string(&f).unwrap();
    std::fs::write(
        &f,
        text.replace("\"reserve\", \"state\"", "\"Reserve\", \"state\""),
    )
    .unwrap();

    let list = |tag: &str| {
        let (_, v) = json_doc(&k, &["--json", "list", "--tag", tag]);
        v["entities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["id"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    let want = vec!["tx-widget-bill".to_owned(), "widget-act".to_owned()];
    assert_eq!(list("reserve"), want);
    assert_eq!(list("RESERVE"), want);
    assert_eq!(list("Reserve"), want);
    let (code, out, err) = util::run(&k, &["search", "tag:RESERVE"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("tx-widget-bill") && out.contains("widget-act"),
        "{out}"
    );

    let (code, out, err) = util::run(&k, &["stats"]);
    assert_eq!(code, 0, "{err}");
    let tags = out
        .split("by tag:")
        .nth(1)
        .unwrap_or_else(|| panic!("{out}"));
    let count = |t: &str| {
        tags.lines()
            .find(|l| l.split_whitespace().next() == Some(t))
            .and_then(|l| l.split_whitespace().nth(1))
            .map(|n| n.parse::<usize>().unwrap())
    };
    assert_eq!(count("reserve"), Some(2), "{tags}");
    assert_eq!(count("widgets"), Some(5), "{tags}");
    assert_eq!(count("Reserve"), None, "one spelling: {tags}");

    // --as-of: before order-alpha was signed (2025-03-01), it and what
    // followed it are not counted.
    let (_, all) = json_doc(&k, &["--json", "stats"]);
    let (_, then) = json_doc(&k, &["--json", "stats", "--as-of", "2025-02-01"]);
    assert_eq!(then["as_of"], "2025-02-01");
    assert!(
        then["entities"].as_u64() < all["entities"].as_u64(),
        "{then} vs {all}"
    );
    assert!(then["relations"].as_u64() < all["relations"].as_u64());
    assert_eq!(then["by_kind"]["executive_order"], Value::Null, "{then}");
    assert_eq!(all["by_kind"]["executive_order"], 1);
}

// ------------------------------------------------------------ item: hubs

#[test]
fn paths_neighbors_and_focused_exports_do_not_route_through_hubs_by_default() {
    let k = util::shipped();
    let (code, out, err) = util::run(&k, &["path", "tx-sb-21", "genius-act"]);
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains("digital-assets"), "{out}");
    assert!(err.contains("--through-hubs"), "{err}");
    let (code, out, err) = util::run(&k, &["path", "tx-sb-21", "genius-act", "--through-hubs"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("digital-assets"), "{out}");
    // A hub may still be an end of the chain.
    let (code, out, err) = util::run(&k, &["path", "tx-sb-21", "digital-assets"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), "tx-sb-21 ─covers→ digital-assets");

    // export --focus: the GENIUS Act's diagram holds no state bill.
    let (code, dot, err) = util::run(&k, &["export", "dot", "--focus", "GENIUS Act"]);
    assert_eq!(code, 0, "{err}");
    assert!(dot.contains("digital-assets"), "the hub itself is drawn");
    for state_bill in ["tx-sb-21", "az-sb-1025", "nh-hb-302"] {
        assert!(!dot.contains(state_bill), "{state_bill} drawn:\n{dot}");
    }
    let (_, all, _) = util::run(
        &k,
        &["export", "dot", "--focus", "GENIUS Act", "--through-hubs"],
    );
    assert!(all.contains("tx-sb-21"), "{all}");

    // neighbors: the hub is listed, not walked through.
    let ids = |args: &[&str]| -> Vec<String> {
        let mut a = vec!["--json", "neighbors", "genius-act", "--depth", "2"];
        a.extend_from_slice(args);
        let (_, v) = json_doc(&k, &a);
        v["neighbors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let plain = ids(&[]);
    assert!(plain.contains(&"digital-assets".to_owned()), "{plain:?}");
    assert!(!plain.contains(&"tx-sb-21".to_owned()), "{plain:?}");
    assert!(ids(&["--through-hubs"]).contains(&"tx-sb-21".to_owned()));

    // timeline --entity --depth walks the same way.
    let (code, out, err) = util::run(&k, &["timeline", "--entity", "genius-act", "--depth", "2"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("genius-act") && !out.contains("tx-sb-21"),
        "{out}"
    );
    let (_, out, _) = util::run(
        &k,
        &[
            "timeline",
            "--entity",
            "genius-act",
            "--depth",
            "2",
            "--through-hubs",
        ],
    );
    assert!(out.contains("tx-sb-21"), "{out}");
}

// ------------------------------------------------- item: event actors

#[test]
fn agencies_counts_the_actor_of_an_event_with_the_event_in_the_chain() {
    let k = util::shipped();
    let (code, out, err) = util::run(&k, &["agencies", "az-sb-1025"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("az-governor"), "{out}");
    assert!(
        out.contains("az-sb-1025 ─vetoed 2025-05-02 by→ az-governor"),
        "{out}"
    );

    let (_, v) = json_doc(&k, &["--json", "agencies", "genius-act"]);
    let hits = v["agencies"].as_array().unwrap();
    let senate = hits
        .iter()
        .find(|h| h["id"] == "us-senate")
        .unwrap_or_else(|| panic!("the Senate passed it: {v}"));
    let step = &senate["chain"][0];
    assert_eq!(step["from"], "genius-act");
    assert_eq!(step["relation"], Value::Null);
    assert_eq!(step["event"], "passed_one_chamber");
    assert_eq!(step["reads"], "by");
    assert_eq!(step["date"], "2025-06-17");
    // Relation steps say so.
    let president = hits.iter().find(|h| h["id"] == "president").unwrap();
    assert_eq!(president["chain"][0]["relation"], "enacts");
    assert_eq!(president["chain"][0]["event"], Value::Null);

    // As of a day before the Senate vote, the Senate is not yet touched.
    let (_, v) = json_doc(
        &k,
        &["--json", "--as-of", "2025-06-01", "agencies", "genius-act"],
    );
    let ids: Vec<&str> = v["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap())
        .collect();
    assert!(!ids.contains(&"us-senate"), "{ids:?}");
}

/// Weak links stay out of chains: an actor reached only by `cites` or
/// `related` is listed, but nothing beyond it, and events of entities
/// reached that way do not count.
#[test]
fn event_actors_are_not_reached_through_weak_links() {
    let dir = util::tmp();
    let k = dir.path().join("knowledge");
    util::copy_tree(&graph(), &k);
    // A report that only cites the Texan bill, whose signing has an actor.
    std::fs::write(
        k.join("cite-report.ron"),
        r#"(
    id: "cite-report",
    kind: report,
    name: "Citing Report",
    jurisdiction: "US",
    events: [(date: "2025-01-10", stage: published, source: 0)],
    relations: [(rel: cites, to: "tx-widget-bill")],
    sources: [(title: "Test source")],
)
"#,
    )
    .unwrap();
    let f = k.join("tx-widget-bill.ron");
    let text = std::fs::read_to_string(&f).unwrap();
    assert!(text.contains("stage: signed"), "{text}");
    std::fs::write(
        &f,
        text.replacen("stage: signed", "stage: signed, by: \"mint\"", 1),
    )
    .unwrap();

    let (code, out, err) = util::run(&k, &["agencies", "tx-widget-bill"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("tx-widget-bill ─signed"), "{out}");
    let (_, out, _) = util::run(&k, &["agencies", "cite-report"]);
    assert!(
        !out.contains("mint"),
        "a cited bill's actors are not touched: {out}"
    );
}

// -------------------------------------------------------- item: deadlines

#[test]
fn deadlines_by_owner_and_show_gives_each_deadline_its_state() {
    // `deadlines --owner` takes any reference and keeps what it owes.
    let owned = |owner: &str| -> Vec<String> {
        let (_, v) = json_doc(&track(), &["--json", "deadlines", "--owner", owner]);
        v["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["due"].as_str().unwrap(),
                    d["owner"]["id"].as_str().unwrap()
                )
            })
            .collect()
    };
    assert_eq!(owned("dol"), ["2026-02-03 dol", "2026-06-30 dol"]);
    assert_eq!(
        owned("Department of the Treasury"),
        ["2026-03-01 treasury", "2026-12-15 treasury"]
    );
    let (code, _, err) = util::run(&track(), &["deadlines", "--owner", "nobody-at-all"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no entity matches"), "{err}");

    // `show dol` lists what DOL owes, each with its state.
    let (code, out, err) = util::run(&track(), &["show", "dol"]);
    assert_eq!(code, 0, "{err}");
    let owed = out
        .split("deadlines owed")
        .nth(1)
        .unwrap_or_else(|| panic!("no `deadlines owed` section:\n{out}"));
    assert!(owed.contains("2026-02-03  set by "), "{owed}");
    assert!(owed.contains("met on time"), "{owed}");
    assert!(owed.contains("2026-06-30  set by "), "{owed}");
    assert!(owed.contains("overdue by 150 days"), "{owed}");

    // `show` of the setter states each of its deadlines; the states
    // follow --as-of.
    let setters: Vec<String> = {
        let (_, v) = json_doc(&track(), &["--json", "deadlines"]);
        v["deadlines"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["owner"]["id"] == "treasury")
            .map(|d| d["set_by"]["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let (_, v) = json_doc(&track(), &["--json", "show", &setters[0]]);
    let states: Vec<&str> = v["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"].as_str().unwrap())
        .collect();
    assert!(!states.is_empty(), "{v}");
    let (code, out, err) = util::run(&track(), &["show", "treasury", "--as-of", "2026-02-01"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("upcoming: 28 days left"), "{out}");
    let (_, out, _) = util::run(&track(), &["show", "treasury"]);
    assert!(
        out.contains("met late: res-report published on 2026-03-02, 1 day late"),
        "{out}"
    );
    assert!(out.contains("upcoming: 18 days left"), "{out}");
}

// ----------------------------------------------------------- item: export

fn export_fx() -> PathBuf {
    util::fixture("export")
}

#[test]
fn export_to_an_image_name_renders_it_or_refuses_never_writes_dot_text() {
    if !util::have("dot") {
        return;
    }
    let dir = util::tmp();
    let jpg = dir.path().join("eo.jpg");
    let (code, out, err) = util::run(
        &export_fx(),
        &[
            "export",
            "dot",
            "--focus",
            "eo-14330",
            "-o",
            &jpg.to_string_lossy(),
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.is_empty());
    let bytes = std::fs::read(&jpg).unwrap();
    assert!(
        bytes.starts_with(&[0xFF, 0xD8, 0xFF]),
        "a JPEG, not DOT text"
    );

    // A format Graphviz does not render here: refused, with the list.
    let odd = dir.path().join("eo.ico");
    std::fs::write(&odd, "old").unwrap();
    let (code, _, err) = util::run(
        &export_fx(),
        &["export", "dot", "-o", &odd.to_string_lossy()],
    );
    let supported = std::process::Command::new("dot")
        .arg("-Tico")
        .stdin(std::process::Stdio::null())
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !supported {
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("cannot render .ico"), "{err}");
        assert!(err.contains("png") && err.contains("svg"), "{err}");
        assert_eq!(std::fs::read_to_string(&odd).unwrap(), "old");
    }
}

#[test]
fn a_missing_output_directory_is_one_clean_error_naming_it_once() {
    let dir = util::tmp();
    let missing = dir.path().join("no/such");
    let target = missing.join("graph.json");
    let (code, out, err) = util::run(
        &export_fx(),
        &["export", "json", "-o", &target.to_string_lossy()],
    );
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    let lines: Vec<&str> = err.lines().filter(|l| !l.starts_with("note:")).collect();
    assert_eq!(lines.len(), 1, "one line: {err}");
    assert!(lines[0].contains("does not exist"), "{err}");
    assert_eq!(
        lines[0].matches(&*missing.to_string_lossy()).count(),
        1,
        "the path once: {err}"
    );
    assert!(
        !err.contains(".graph.json."),
        "no temporary file name: {err}"
    );
}

#[test]
fn bitmap_export_with_chinese_labels_warns_when_no_chinese_font_is_installed() {
    if !util::have("dot") {
        return;
    }
    // A stand-in `fc-list` that finds no font, ahead of the real PATH.
    let bin = util::tmp();
    let fc = bin.path().join("fc-list");
    std::fs::write(&fc, "#!/bin/sh\nexit 0\n").unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&fc, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let out_dir = util::tmp();
    let idx = util::tmp();
    let run = |lang: Option<&str>, file: &str| {
        let mut c = util::cmd(&export_fx(), idx.path());
        c.env("PATH", &path);
        if let Some(l) = lang {
            c.args(["--lang", l]);
        }
        let o = c
            .args(["export", "dot", "--focus", "eo-14330", "-o"])
            .arg(out_dir.path().join(file))
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, err) = run(Some("zh-Hant"), "zh.png");
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("warning: no Chinese font is installed"),
        "{err}"
    );
    assert!(err.contains("fonts-noto-cjk"), "{err}");
    // English labels, or SVG (drawn by the viewer's fonts): no warning.
    let (_, err) = run(None, "en.png");
    assert!(!err.contains("Chinese font"), "{err}");
    let (_, err) = run(Some("zh-Hant"), "zh.svg");
    assert!(!err.contains("Chinese font"), "{err}");
}

// ------------------------------------------------------------ item: synth

#[test]
fn synth_refuses_a_knowledge_base_and_says_what_it_wrote() {
    let dir = util::tmp();
    let out = dir.path().join("fresh");
    let (code, stdout, err) = util::run(&graph(), &["synth", "40", &out.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    let files = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "ron")
        })
        .count();
    assert_eq!(files, 40);
    assert!(
        stdout.starts_with(&format!("wrote 40 entity files into {}", out.display())),
        "{stdout}"
    );
    assert!(
        stdout.contains("statute") && stdout.contains("bill"),
        "{stdout}"
    );
    // No temporary directory left beside it.
    let litter: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(litter, ["fresh"]);

    // Again into the same directory: refused, nothing touched.
    let before = std::fs::read_dir(&out).unwrap().count();
    let (code, stdout, err) = util::run(&graph(), &["synth", "10", &out.to_string_lossy()]);
    assert_eq!(code, 2, "{err}");
    assert!(stdout.is_empty());
    assert!(err.contains("already holds a knowledge base"), "{err}");
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), before);

    // A real knowledge base is refused too; an empty directory is fine.
    let k = dir.path().join("kb");
    util::copy_tree(&graph(), &k);
    let (code, _, err) = util::run(&graph(), &["synth", "10", &k.to_string_lossy()]);
    assert_eq!(code, 2, "{err}");
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (code, _, err) = util::run(&graph(), &["synth", "10", &empty.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
}

// ------------------------------------------------------------- item: help

/// Every command, as `policygraph -h` lists them (but `help`).
fn commands() -> Vec<String> {
    let text = help(&["-h"]);
    let list: Vec<String> = text
        .lines()
        .skip_while(|l| *l != "Commands:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|c| *c != "help")
        .map(str::to_owned)
        .collect();
    assert!(list.len() >= 16, "{list:?}");
    list
}

fn help(args: &[&str]) -> String {
    let (code, out, err) = util::run(&graph(), args);
    assert_eq!(code, 0, "{args:?}: {err}");
    out
}

/// The lines under one heading of a help text, up to the next heading
/// (a line that is not indented).
fn section(text: &str, heading: &str) -> String {
    let head = format!("{heading}:");
    let mut lines = text.lines().skip_while(|l| *l != head);
    assert!(
        lines.next().is_some(),
        "no `{heading}:` heading in:\n{text}"
    );
    lines
        .take_while(|l| l.is_empty() || l.starts_with(' '))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_command_has_global_options_apart_and_two_or_three_examples() {
    for cmd in commands() {
        let cmd = cmd.as_str();
        let text = help(&[cmd, "--help"]);
        let global = section(&text, "Global options");
        assert!(global.contains("--knowledge <DIR>"), "{cmd}: {global}");
        assert!(global.contains("--no-refresh"), "{cmd}: {global}");
        // Global options appear only under their heading.
        let options = section(&text, "Options");
        assert!(!options.contains("--knowledge"), "{cmd}: {options}");
        let examples = text
            .split("\nExamples:\n")
            .nth(1)
            .unwrap_or_else(|| panic!("{cmd} --help has no examples:\n{text}"));
        let n = examples
            .lines()
            .take_while(|l| !l.is_empty())
            .filter(|l| {
                l.trim_start().starts_with("policygraph ")
                    || l.trim_start().starts_with("sudo policygraph ")
            })
            .count();
        assert!((2..=3).contains(&n), "{cmd}: {n} examples:\n{examples}");
    }
}

#[test]
fn options_that_do_nothing_for_a_command_are_not_offered_by_it() {
    let offers = |cmd: &str, opt: &str| help(&[cmd, "--help"]).contains(&format!("{opt} "));
    for cmd in ["synth", "completions", "man", "export"] {
        assert!(!offers(cmd, "--json"), "{cmd} offers --json");
    }
    assert!(!offers("index", "--as-of"));
    assert!(!offers("index", "--lang"));
    assert!(offers("index", "--json"));
    assert!(offers("show", "--lang") && offers("show", "--as-of"));
    // check: `--json` only; `--format` is hidden, still read, and warned of.
    let check = help(&["check", "--help"]);
    assert!(check.contains("--json"), "{check}");
    assert!(!check.contains("--format"), "{check}");
    let (code, out, err) = util::run(&util::fixture("clean"), &["check", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert!(serde_json::from_str::<Value>(&out).is_ok(), "{out}");
    assert!(err.contains("`--format` is deprecated"), "{err}");

    // Given before the command, an option the command does not use is
    // refused, not silently ignored.
    let dir = util::tmp();
    let out = dir.path().join("s");
    let (code, _, err) = util::run(&graph(), &["--json", "synth", "3", &out.to_string_lossy()]);
    assert_eq!(code, 2);
    assert!(err.contains("`--json` does nothing for `synth`"), "{err}");
    assert!(!out.exists());
    let (code, _, err) = util::run(&graph(), &["--as-of", "2025-01-01", "index"]);
    assert_eq!(code, 2);
    assert!(err.contains("`--as-of` does nothing for `index`"), "{err}");
    let (code, _, err) = util::run(&graph(), &["index", "--lang", "zh-Hant"]);
    assert_eq!(code, 2);
    assert!(err.contains("unexpected argument '--lang'"), "{err}");
    // Before or after the command, an offered option means the same.
    let (_, a, _) = util::run(&graph(), &["--json", "--lang", "zh-TW", "show", "dol"]);
    let (_, b, _) = util::run(&graph(), &["show", "dol", "--json", "--lang", "zh-TW"]);
    assert_eq!(a, b);
    assert!(a.starts_with('{'), "{a}");
}

#[test]
fn top_level_help_lists_search_operators_environment_and_json_schemas() {
    let long = help(&["--help"]);
    for needle in [
        "Search operators",
        "field:value",
        "arizona OR texas",
        "POLICYGRAPH_TODAY",
        "POLICYGRAPH_KNOWLEDGE",
        "NO_COLOR",
        "\"JSON output\"",
        "policygraph man",
    ] {
        assert!(long.contains(needle), "--help lacks {needle}:\n{long}");
    }
    let short = help(&["-h"]);
    let about = short.lines().next().unwrap_or_default();
    for word in ["RON", "petgraph", "tantivy", "clap", "crate"] {
        assert!(!short.contains(word), "-h speaks of {word}:\n{short}");
    }
    assert!(about.contains("agencies"), "{about}");
}

#[test]
fn man_page_is_generated_from_the_same_definitions_and_installs() {
    let page = help(&["man"]);
    assert!(
        page.contains(".TH policygraph 1"),
        "{}",
        &page[..page.len().min(300)]
    );
    assert!(page.contains("POLICYGRAPH_TODAY"));
    // The examples and tables keep their lines (no-fill sections).
    for section in [
        ".SH EXAMPLES\n.nf",
        ".SH SEARCH OPERATORS\n.nf",
        ".SH ENVIRONMENT\n.nf",
    ] {
        assert!(page.contains(section), "{section} missing");
    }
    // Every command is in it, as in --help.
    let cmds = commands();
    for cmd in &cmds {
        assert!(
            page.contains(&format!("policygraph\\-{cmd}")),
            "{cmd} missing"
        );
    }
    let dir = util::tmp();
    let man1 = dir.path().join("share/man/man1");
    let (code, _, err) = util::run(&graph(), &["man", "--dir", &man1.to_string_lossy()]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(&format!("wrote {} man pages", cmds.len() + 1)),
        "{err}"
    );
    for cmd in &cmds {
        assert!(man1.join(format!("policygraph-{cmd}.1")).is_file(), "{cmd}");
    }
    let main = std::fs::read_to_string(man1.join("policygraph.1")).unwrap();
    assert_eq!(main, page, "the installed page is the printed one");
    let show = std::fs::read_to_string(man1.join("policygraph-show.1")).unwrap();
    assert!(show.contains(".TH policygraph-show 1"), "{show}");
    assert!(show.contains("as\\-of"), "{show}");
    assert!(
        show.contains("GENIUS") || show.contains("genius"),
        "examples: {show}"
    );
    // `man` itself renders it, where it is installed.
    if std::process::Command::new("man")
        .arg("--version")
        .output()
        .is_ok()
    {
        let out = std::process::Command::new("man")
            .arg("-l")
            .arg(man1.join("policygraph-show.1"))
            .env("MANPAGER", "cat")
            .env("PAGER", "cat")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("OUTPUT OPTIONS"), "{text}");
    }
}

#[test]
fn changes_names_added_entities_in_lang() {
    let dir = util::tmp();
    let v2 = dir.path().join("v2");
    util::copy_tree(&util::fixture("track-v2"), &v2);
    let f = v2.join("hr-77.ron");
    let text = std::fs::read_to_string(&f).unwrap();
    let text = text.replacen(
        "name: \"Retirement Access Test Act\",",
        "name: \"Retirement Access Test Act\",\n    names: {\"zh-Hant\": \"退休準入測試法案\"},",
        1,
    );
    assert!(text.contains("退休準入測試法案"));
    std::fs::write(&f, text).unwrap();
    let old = track().to_string_lossy().into_owned();
    let new = v2.to_string_lossy().into_owned();
    let (code, out, err) = util::run(
        &track(),
        &["changes", "--dirs", &old, &new, "--lang", "zh-HK"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("hr-77  bill  introduced  退休準入測試法案"),
        "{out}"
    );
    let (_, out, _) = util::run(&track(), &["changes", "--dirs", &old, &new]);
    assert!(
        out.contains("hr-77  bill  introduced  Retirement Access Test Act"),
        "{out}"
    );
}

/// `site --jurisdiction` follows the same rule as the other commands.
#[test]
fn site_takes_the_same_jurisdictions() {
    let out = util::tmp();
    let site = |dir: &std::path::Path, jurisdiction: &str| {
        let (code, _, err) = util::run(
            &graph(),
            &[
                "site",
                "-o",
                &dir.to_string_lossy(),
                "--jurisdiction",
                jurisdiction,
                "--diagrams",
                "builtin",
            ],
        );
        assert_eq!(code, 0, "{jurisdiction}: {err}");
    };
    let texas = out.path().join("tx");
    site(&texas, "Texas");
    assert!(texas.join("en/e/tx-widget-bill.html").is_file());
    assert!(!texas.join("en/e/ny-widget-bill.html").exists());
    assert!(!texas.join("en/e/order-alpha.html").exists());
    let federal = out.path().join("us");
    site(&federal, "US");
    assert!(federal.join("en/e/order-alpha.html").is_file());
    assert!(
        !federal.join("en/e/tx-widget-bill.html").exists(),
        "US is federal only"
    );
}
