//! Names an import must not take over (issue 25): the Federal Register's
//! agency list, imported into the shipped knowledge base, leaves `DOL`,
//! `NEC` and `House` with the hand-written entities.

use crate::util::{fixture, shipped, PrivateKb};

fn json(s: &str) -> serde_json::Value {
    serde_json::from_str(s).unwrap_or_else(|e| panic!("{e}: {s}"))
}

fn import(kb: &PrivateKb, file: &str) -> serde_json::Value {
    let path = fixture("federal-register").join(file);
    let (code, out, err) = kb.run(&[
        "--json",
        "import",
        "federal-register",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    json(&out)
}

fn resolves_to(kb: &PrivateKb, name: &str) -> String {
    let (code, out, err) = kb.run(&["--json", "show", name]);
    assert_eq!(code, 0, "`show {name}`: {err}");
    json(&out)["entity"]["id"].as_str().unwrap().to_owned()
}

#[test]
fn the_agency_list_matches_hand_written_agencies_by_name_and_keeps_their_short_names() {
    let kb = PrivateKb::copy_of(&shipped());
    let report = import(&kb, "agencies-names.json");
    let ids: Vec<&str> = report["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    // The National Economic Council and the House are the curated ones,
    // matched by name: no second entity for either.
    assert!(ids.contains(&"nec") && ids.contains(&"us-house"), "{ids:?}");
    assert!(
        !ids.contains(&"national-economic-council")
            && !ids.contains(&"u-s-house-of-representatives"),
        "{ids:?}"
    );
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("employment-standards-administration: short name `DOL`"),
        "{warnings}"
    );
    assert_eq!(resolves_to(&kb, "DOL"), "dol");
    assert_eq!(resolves_to(&kb, "NEC"), "nec");
    assert_eq!(resolves_to(&kb, "House"), "us-house");
    assert_eq!(resolves_to(&kb, "LOC"), "library-of-congress");
    let (code, out, err) = kb.run(&["deadlines", "--owner", "DOL"]);
    assert_eq!(code, 0, "{out}{err}");
    let esa = kb
        .run(&["--json", "show", "employment-standards-administration"])
        .1;
    let aliases = json(&esa)["entity"]["aliases"].clone();
    assert_eq!(aliases, serde_json::json!([]), "{aliases}");
    // The curated agencies now carry their Federal Register ids.
    let nec = kb.run(&["--json", "show", "nec"]).1;
    assert!(nec.contains("\"340\""), "{nec}");
    let (code, out, err) = kb.run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
    // Imported again: nothing changes.
    let again = import(&kb, "agencies-names.json");
    assert_eq!(again["added"], 0);
    assert_eq!(again["changed"], 0);
}

#[test]
fn a_short_name_a_hand_written_entity_answers_to_stays_its_own() {
    // The Employment Standards Administration alone: its parent is not in
    // the input, but the hand-written `dol` answers to "DOL".
    let kb = PrivateKb::copy_of(&shipped());
    let report = import(&kb, "agencies-esa-alone.json");
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("`DOL` is a name of the hand-written `dol`"),
        "{warnings}"
    );
    assert_eq!(resolves_to(&kb, "DOL"), "dol");
    let (code, out, err) = kb.run(&["deadlines", "--owner", "DOL"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn a_defunct_agency_never_takes_a_live_ones_short_name() {
    // Real records of the Federal Register's agency list: the Amtrak
    // Reform Council ("was an independent … commission") and the
    // Appalachian Regional Commission are both "ARC"; the Postal Regulatory
    // Commission is "the successor agency to the Postal Rate Commission",
    // both "PRC"; the Fiscal Service and the Forest Service, both live,
    // are both "FS".
    let kb = PrivateKb::copy_of(&shipped());
    let report = import(&kb, "agencies-short-clash.json");
    let warnings = report["warnings"].to_string();
    assert!(
        warnings.contains("not made an alias of the defunct Amtrak Reform Council (21)"),
        "{warnings}"
    );
    assert!(warnings.contains("`FS` is shared by"), "{warnings}");
    assert_eq!(resolves_to(&kb, "ARC"), "appalachian-regional-commission");
    assert_eq!(resolves_to(&kb, "PRC"), "postal-regulatory-commission");
    // Two live agencies: the reference is ambiguous, and says so.
    let (code, _, err) = kb.run(&["show", "FS"]);
    assert_ne!(code, 0);
    assert!(
        err.contains("ambiguous") && err.contains("forest-service"),
        "{err}"
    );
}
