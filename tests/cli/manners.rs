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
