//! The extractor against the labelled orders of `tests/fixtures/eo-labels`
//! (made by reading; see its README): precision and recall of `directs`
//! per (order, agency) pair, and every quote found in its text.

use std::collections::BTreeSet;

use super::extract::{extract, Role};
use super::{contains_ignoring_space, normalise};

/// The floors, set from the measurement (see docs/import.md): a change
/// that reads fewer duties right fails here.
const MIN_PRECISION: f64 = 1.0;
const MIN_RECALL: f64 = 0.98;
const MIN_PRECISION_HELD_OUT: f64 = 1.0;
const MIN_RECALL_HELD_OUT: f64 = 0.84;
const MIN_PRECISION_BLIND: f64 = 1.0;
const MIN_RECALL_BLIND: f64 = 0.66;

struct Scores {
    tp: usize,
    fp: usize,
    fn_: usize,
    orders: usize,
    misses: Vec<String>,
}

/// Scores the extractor on one label file of the fixture.
fn measure(file: &str) -> Scores {
    let dir = format!("{}/tests/fixtures/eo-labels", env!("CARGO_MANIFEST_DIR"));
    let labels = std::fs::read_to_string(format!("{dir}/{file}"))
        .unwrap_or_else(|e| panic!("{dir}/{file}: {e}"));
    let mut s = Scores {
        tp: 0,
        fp: 0,
        fn_: 0,
        orders: 0,
        misses: Vec::new(),
    };
    for line in labels.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (eo, number, directs) = (cols[0], cols[1], cols[3]);
        let want: BTreeSet<&str> = directs.split(',').filter(|x| !x.is_empty()).collect();
        let path = ["xml", "htm"]
            .iter()
            .map(|e| format!("{dir}/{number}.{e}"))
            .find(|p| std::path::Path::new(p).exists())
            .unwrap_or_else(|| panic!("no text for {number}"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let (text, _) = normalise(&bytes, Some(number)).unwrap_or_else(|e| panic!("{path}: {e}"));
        let x = extract(&text, Some(eo));
        for f in &x.findings {
            assert!(
                contains_ignoring_space(&text, &f.quote),
                "EO {eo}: quote not in the text: {}",
                f.quote
            );
        }
        let got: BTreeSet<&str> = x.slugs(Role::Directs).into_iter().collect();
        s.orders += 1;
        for g in &got {
            if want.contains(g) {
                s.tp += 1;
            } else {
                s.fp += 1;
                s.misses.push(format!("EO {eo}: extra {g}"));
            }
        }
        for w in want.difference(&got) {
            s.fn_ += 1;
            s.misses.push(format!("EO {eo}: missed {w}"));
        }
    }
    s
}

/// Precision and recall of one label file, printed with every miss.
fn report(file: &str) -> (Scores, f64, f64) {
    let s = measure(file);
    let precision = s.tp as f64 / (s.tp + s.fp).max(1) as f64;
    let recall = s.tp as f64 / (s.tp + s.fn_).max(1) as f64;
    eprintln!(
        "directs on {} orders of {file}: precision {precision:.3} ({} of {}), recall {recall:.3} ({} of {})",
        s.orders,
        s.tp,
        s.tp + s.fp,
        s.tp,
        s.tp + s.fn_
    );
    for m in &s.misses {
        eprintln!("  {m}");
    }
    (s, precision, recall)
}

#[test]
fn directs_precision_and_recall_on_labelled_orders() {
    let (s, precision, recall) = report("labels.tsv");
    assert!(s.orders >= 30, "{} orders", s.orders);
    assert!(precision >= MIN_PRECISION, "precision {precision:.3}");
    assert!(recall >= MIN_RECALL, "recall {recall:.3}");
}

/// The orders labelled after the rules were written (see the fixture's
/// README), scored apart: how the rules do on orders they were not
/// tuned on.
#[test]
fn directs_precision_and_recall_on_held_out_orders() {
    let (s, precision, recall) = report("heldout.tsv");
    assert!(s.orders >= 15, "{} orders", s.orders);
    assert!(
        precision >= MIN_PRECISION_HELD_OUT,
        "precision {precision:.3}"
    );
    assert!(recall >= MIN_RECALL_HELD_OUT, "recall {recall:.3}");
}

/// Ten orders labelled last and never used to change a rule (see the
/// fixture's README): the figure for orders the rules have not seen.
#[test]
fn directs_precision_and_recall_on_blind_orders() {
    let (s, precision, recall) = report("blind.tsv");
    assert!(s.orders >= 10, "{} orders", s.orders);
    assert!(precision >= MIN_PRECISION_BLIND, "precision {precision:.3}");
    assert!(recall >= MIN_RECALL_BLIND, "recall {recall:.3}");
}
