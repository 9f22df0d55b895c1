//! The fast comparison (a snapshot and the files that changed since) gives
//! what the full one gives (every file of both versions parsed).

use std::path::Path;

use super::*;
use crate::model::Date;
use crate::sync::config::Watch;
use crate::sync::digest::{self, Basis, Item};

fn put(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

fn bill(id: &str, name: &str, events: &str, relations: &str, more: &str) -> String {
    format!(
        "(\n    id: \"{id}\",\n    kind: bill,\n    name: \"{name}\",\n    jurisdiction: \"US-NH\",\n    events: [{events}],\n    relations: [{relations}],\n    sources: [(title: \"{name}\", url: \"https://example.gov/{id}\")],\n{more})\n"
    )
}

fn agency(id: &str, name: &str, more: &str) -> String {
    format!("(\n    id: \"{id}\",\n    kind: agency,\n    name: \"{name}\",\n    jurisdiction: \"US\",\n{more})\n")
}

const IMPORTED: &str =
    "    provenance: (importer: \"openstates\", from: \"x.json\", retrieved: \"2026-01-02\"),\n";

/// State A: a hand-written bill with an imported file of the same id, an
/// agency with a deadline, a file to rename, one to remove, one to touch,
/// a duplicate and a file that does not parse.
fn state_a(k: &Path) {
    put(
        k,
        "bills/nh-hb-1.ron",
        &bill(
            "nh-hb-1",
            "Stable tokens",
            "",
            "(rel: directs, to: \"agency-x\")",
            "",
        ),
    );
    put(
        k,
        "imported/openstates/nh/nh-hb-1.ron",
        &bill(
            "nh-hb-1",
            "HB 1",
            "(date: \"2026-01-05\", stage: introduced)",
            "",
            IMPORTED,
        ),
    );
    put(
        k,
        "agencies/agency-x.ron",
        &agency(
            "agency-x",
            "Agency X",
            "    deadlines: [(due: \"2026-03-01\", owner: \"agency-x\", what: \"a report\", fulfilled_by: [\"nh-hb-2\"])],\n",
        ),
    );
    put(
        k,
        "agencies/agency-y.ron",
        &agency("agency-y", "Agency Y", ""),
    );
    put(
        k,
        "old/nh-hb-2.ron",
        &bill(
            "nh-hb-2",
            "Renamed",
            "(date: \"2026-01-03\", stage: introduced)",
            "",
            "",
        ),
    );
    put(
        k,
        "bills/nh-hb-3.ron",
        &bill(
            "nh-hb-3",
            "Removed",
            "",
            "(rel: directs, to: \"agency-y\")",
            "",
        ),
    );
    put(
        k,
        "bills/nh-hb-4.ron",
        &bill("nh-hb-4", "Touched", "", "", ""),
    );
    put(
        k,
        "bills/nh-hb-5.ron",
        &bill("nh-hb-5", "Twice", "", "", ""),
    );
    put(
        k,
        "more/nh-hb-5.ron",
        &bill("nh-hb-5", "Twice again", "", "", ""),
    );
    put(
        k,
        "bad.ron",
        "(\n    id: \"bad\",\n    kind: nonsense,\n)\n",
    );
}

/// State B: the import adds an event and a relation (merged into the
/// hand-written id), a file is renamed, one removed, one touched without
/// a change, one added, a field changes, the duplicate goes, and another
/// file stops parsing.
fn state_b(k: &Path) {
    put(
        k,
        "imported/openstates/nh/nh-hb-1.ron",
        &bill(
            "nh-hb-1",
            "HB 1",
            "(date: \"2026-01-05\", stage: introduced), (date: \"2026-02-01\", stage: passed_one_chamber)",
            "(rel: directs, to: \"agency-y\")",
            IMPORTED,
        ),
    );
    std::fs::create_dir_all(k.join("new")).unwrap();
    std::fs::rename(k.join("old/nh-hb-2.ron"), k.join("new/nh-hb-2.ron")).unwrap();
    std::fs::remove_file(k.join("bills/nh-hb-3.ron")).unwrap();
    let touched = std::fs::read(k.join("bills/nh-hb-4.ron")).unwrap();
    std::fs::remove_file(k.join("bills/nh-hb-4.ron")).unwrap();
    std::fs::write(k.join("bills/nh-hb-4.ron"), touched).unwrap();
    put(
        k,
        "bills/nh-hb-6.ron",
        &bill(
            "nh-hb-6",
            "Added",
            "",
            "(rel: directs, to: \"agency-x\")",
            "",
        ),
    );
    put(
        k,
        "agencies/agency-y.ron",
        &agency("agency-y", "Agency Y, renamed", ""),
    );
    std::fs::remove_file(k.join("more/nh-hb-5.ron")).unwrap();
    put(k, "bills/nh-hb-7.ron", "(\n    id: \"nh-hb-7\",\n");
}

fn watch(text: &str) -> Watch {
    ron::from_str(text).unwrap()
}

fn items(w: &Watch, pair: &Pair, edges: &digest::Edges<'_>, today: Date) -> Vec<Item> {
    let scope = digest::scope(w, &pair.old, &pair.new, None, edges, today);
    let basis = Basis {
        old: &pair.old,
        new: &pair.new,
        changes: &pair.changes,
        today,
        since_day: "2026-01-01".parse().unwrap(),
        lang: None,
    };
    digest::items(w, &scope, &basis)
}

#[test]
fn the_fast_comparison_gives_what_a_full_reparse_gives() {
    let tmp = tempfile::tempdir().unwrap();
    let (k, index) = (tmp.path().join("knowledge"), tmp.path().join("index"));
    state_a(&k);
    let lock = crate::lock::acquire(&index, "test", crate::lock::Wait::No, &mut |_| {}).unwrap();
    let first = scan(&k, &Snapshot::empty()).unwrap();
    let name = write(&index, &Snapshot::empty(), &first, &lock).unwrap();
    let snap = Snapshot::read(&index, &name).unwrap();
    // The snapshot holds what a full read of state A holds.
    let full_a = Side::from_dir(&k, "now").unwrap();
    assert_eq!(snap.side("now").unwrap().entities, full_a.entities);
    let labelled: Vec<String> = first.warnings.iter().map(|w| format!("now: {w}")).collect();
    assert_eq!(labelled, full_a.warnings);

    state_b(&k);
    let now = scan(&k, &snap).unwrap();
    // Only the files that changed are parsed, and the unchanged files of
    // the ids they touch (nh-hb-1's hand-written file; nh-hb-5's).
    assert!(now.parsed <= 9, "{}", now.parsed);
    let fast = Pair::of(&snap, &now, true, "snap").unwrap();
    let full = Pair::full(
        snap.side("snap").unwrap(),
        Side::from_dir(&k, "now").unwrap(),
    );
    assert_eq!(fast.changes, full.changes);
    let c = &full.changes;
    assert!(c.modified.iter().any(|m| m.id == "nh-hb-1"), "{c:#?}");
    assert!(c.removed.iter().any(|m| m.id == "nh-hb-3"), "{c:#?}");
    assert!(c.added.iter().any(|m| m.id == "nh-hb-6"), "{c:#?}");
    assert!(
        !c.modified
            .iter()
            .any(|m| m.id == "nh-hb-2" || m.id == "nh-hb-4"),
        "{c:#?}"
    );
    assert!(c.warnings.iter().any(|w| w.contains("nh-hb-7")), "{c:#?}");

    let today: Date = "2026-02-20".parse().unwrap();
    for w in [
        "(name: \"all\", deadlines: Some(30))",
        "(name: \"x\", entity: Some(\"agency-x\"), depth: Some(1))",
        "(name: \"y\", entity: Some(\"agency-y\"), depth: Some(2), kinds: [bill])",
        "(name: \"bills\", kinds: [bill], jurisdiction: Some(\"NH\"))",
    ] {
        let w = watch(w);
        let a = items(&w, &fast, &snap.edges(&now), today);
        let b = items(&w, &full, &digest::edges(&full.old, &full.new), today);
        assert_eq!(a, b, "watch {}", w.name);
        assert!(!a.is_empty(), "watch {}", w.name);
    }

    // The next snapshot, made from the last and the changes, holds what a
    // full read of state B holds.
    let next = write(&index, &snap, &now, &lock).unwrap();
    let snap_b = Snapshot::read(&index, &next).unwrap();
    let full_b = Side::from_dir(&k, "now").unwrap();
    assert_eq!(snap_b.side("now").unwrap().entities, full_b.entities);
    // Measured against it, nothing changed.
    let again = scan(&k, &snap_b).unwrap();
    assert!(again.touched.is_empty() && again.parsed == 0, "{again:?}");
    let labelled: Vec<String> = again.warnings.iter().map(|w| format!("now: {w}")).collect();
    assert_eq!(labelled, full_b.warnings);
}
