//! A focus diagram stays a diagram (issue 25): agencies are hubs for
//! imported documents, and a `related` link written on both sides is drawn
//! once, in every format.

use serde_json::Value;

use crate::util::{self, PrivateKb};

fn export_json(kb: &PrivateKb, args: &[&str]) -> Value {
    let mut full = vec!["export", "json"];
    full.extend(args);
    let (code, out, err) = kb.run(&full);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

#[test]
fn agencies_are_hubs_for_imported_documents() {
    let kb = PrivateKb::copy_of(&util::shipped());
    let page = util::fixture("federal-register").join("documents-2024-01-sample.json");
    let agencies = util::fixture("federal-register").join("agencies-sample.json");
    let (code, _, err) = kb.run(&[
        "import",
        "federal-register",
        page.to_str().unwrap(),
        agencies.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let imported = |v: &Value| -> Vec<String> {
        v["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["id"].as_str().unwrap().starts_with("fr-20"))
            .map(|n| n["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let v = export_json(&kb, &["--focus", "GENIUS Act"]);
    assert!(imported(&v).is_empty(), "{:?}", imported(&v));
    // The Treasury, the Fed and the FDIC are still drawn.
    let ids: Vec<&str> = v["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert!(
        ids.contains(&"treasury") && ids.contains(&"fdic"),
        "{ids:?}"
    );
    // Walking through hubs reaches the notices, as before.
    let all = export_json(&kb, &["--focus", "GENIUS Act", "--through-hubs"]);
    assert!(!imported(&all).is_empty());
    // An agency in focus shows its own documents.
    let own = export_json(&kb, &["--focus", "treasury", "--depth", "1"]);
    assert!(!imported(&own).is_empty());
    // DOT draws as many nodes as JSON lists.
    let (_, dot, _) = kb.run(&["export", "dot", "--focus", "GENIUS Act"]);
    assert!(!dot.contains("fr-20"), "{dot}");
}

#[test]
fn a_related_link_on_both_sides_is_drawn_once() {
    let dir = util::tmp();
    let k = dir.path().join("knowledge");
    std::fs::create_dir_all(&k).unwrap();
    for (id, other) in [("a", "b"), ("b", "a")] {
        std::fs::write(
            k.join(format!("{id}.ron")),
            format!(
                r#"(id: "{id}", kind: program, name: "{id}", jurisdiction: "US",
    relations: [(rel: related, to: "{other}")],
    sources: [(title: "x", url: "https://www.usa.gov/")])"#
            ),
        )
        .unwrap();
    }
    let (_, json, _) = util::run(&k, &["export", "json", "--focus", "a"]);
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["edges"].as_array().unwrap().len(), 1, "{json}");
    let (_, dot, _) = util::run(&k, &["export", "dot", "--focus", "a"]);
    assert_eq!(dot.matches("->").count(), 1, "{dot}");
    let (_, mermaid, _) = util::run(&k, &["export", "mermaid", "--focus", "a"]);
    assert_eq!(mermaid.matches("-.->").count(), 1, "{mermaid}");
}
