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
