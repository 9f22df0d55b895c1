//! Documents' texts: `import federal-register --text DIR`, the text kept
//! beside the record, duties read from it with their evidence, full-text
//! search of it, and `show` / `agencies` on the result. Fixtures are four
//! real orders in every rendition (tests/fixtures/fr-text).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::util;

struct Kb {
    dir: tempfile::TempDir,
}

impl Kb {
    fn shipped() -> Kb {
        let dir = util::tmp();
        util::copy_tree(&util::shipped(), &dir.path().join("knowledge"));
        Kb { dir }
    }
    fn knowledge(&self) -> PathBuf {
        self.dir.path().join("knowledge")
    }
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        util::run_with_index(&self.knowledge(), &self.dir.path().join("index"), args)
    }
    fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.run(args);
        assert_eq!(code, 0, "{args:?}\nstdout: {out}\nstderr: {err}");
        out
    }
}

/// The four records, and a text directory holding the renditions given
/// (by extension) plus the bad files given by name.
fn inputs(dir: &Path, exts: &[&str], extra: &[(&str, &[u8])]) -> (Vec<String>, PathBuf) {
    let src = util::fixture("fr-text");
    let texts = dir.join("texts");
    std::fs::create_dir_all(&texts).unwrap();
    let mut records = Vec::new();
    for n in ["2011-10732", "2012-7636", "2017-02762", "2019-22623"] {
        records.push(src.join(format!("{n}.json")).display().to_string());
        for e in exts {
            std::fs::copy(src.join(format!("{n}.{e}")), texts.join(format!("{n}.{e}"))).unwrap();
        }
    }
    for (name, bytes) in extra {
        std::fs::write(texts.join(name), bytes).unwrap();
    }
    (records, texts)
}

fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for e in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let e = e.unwrap();
        if e.file_type().is_file() {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            out.insert(rel, std::fs::read(e.path()).unwrap());
        }
    }
    out
}

#[test]
fn import_with_texts_reads_duties_and_reimport_changes_nothing() {
    let kb = Kb::shipped();
    let scratch = util::tmp();
    let (records, texts) = inputs(
        scratch.path(),
        &["htm", "html", "xml"],
        &[
            (
                "2019-22623.txt",
                b"\x00\x01\x02\x03garbage\x00\x00\x00\x04\x05",
            ),
            (
                "2012-7636.txt",
                b"Sec. 1. Caf\xe9 policy, written in Latin-1.",
            ),
            (
                "2011-10732.txt",
                b"<html><body><h1>Page not found</h1></body></html>",
            ),
            (
                "1999-99999.xml",
                b"<EXECORD><P>no record has this number</P></EXECORD>",
            ),
        ],
    );
    let texts_arg = texts.display().to_string();
    let mut args = vec!["import", "federal-register"];
    args.extend(records.iter().map(String::as_str));
    args.extend(["--text", &texts_arg]);
    let out = kb.ok(&args);
    assert!(out.contains("texts: wrote 4, 0 unchanged"), "{out}");
    // Every bad file is named with what is wrong; the record keeps its
    // best rendition; a text of no record is listed by name.
    assert!(out.contains("2019-22623.txt: binary data"), "{out}");
    assert!(out.contains("2012-7636.txt: not UTF-8"), "{out}");
    assert!(out.contains("Latin-1"), "{out}");
    assert!(
        out.contains("2011-10732.txt: an HTML page without Federal Register text"),
        "{out}"
    );
    assert!(out.contains("texts matching no record"), "{out}");
    assert!(out.contains("1999-99999.xml"), "{out}");

    let text_path = kb
        .knowledge()
        .join("imported/federal-register/executive-orders/eo-13772.txt");
    let text = std::fs::read_to_string(&text_path).unwrap();
    assert!(text.contains("\n\nSec. 2. Directive to the Secretary of the Treasury. The Secretary of the Treasury shall consult"));
    assert!(!text.contains("[[Page"));

    // The duty, with its evidence; Treasury is the curated entity.
    let agencies = kb.ok(&["agencies", "eo-13772"]);
    assert!(
        agencies.contains("eo-13772 ─directs→ treasury"),
        "{agencies}"
    );
    assert!(
        agencies.contains("Sec. 2: “The Secretary of the Treasury shall consult"),
        "{agencies}"
    );
    let json: Value = serde_json::from_str(&kb.ok(&["--json", "agencies", "eo-13772"])).unwrap();
    let treasury = json["agencies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "treasury")
        .unwrap();
    let ev = &treasury["chain"][0]["evidence"];
    assert_eq!(ev["section"], "Sec. 2");
    let quote = ev["quote"].as_str().unwrap();
    assert!(text.contains(quote), "{quote}");

    // The record's RON file holds the relation with its evidence.
    let ron = std::fs::read_to_string(text_path.with_extension("ron")).unwrap();
    assert!(
        ron.contains("confidence: extracted, evidence: (section: \"Sec. 2\""),
        "{ron}"
    );

    // Search reaches the text, says which section, and `--in` chooses.
    let hits = kb.ok(&["search", "\"heads of the member agencies\""]);
    assert!(hits.contains("eo-13772"), "{hits}");
    assert!(hits.contains("Sec. 2: "), "{hits}");
    let (code, names_only, _) = kb.run(&[
        "search",
        "--in",
        "names",
        "\"heads of the member agencies\"",
    ]);
    assert_eq!(code, 1, "{names_only}");
    let by_name = kb.ok(&["search", "Core Principles"]);
    assert!(
        by_name.lines().next().unwrap_or("").contains("eo-13772"),
        "{by_name}"
    );
    // Chinese search is unchanged.
    let zh = kb.ok(&["search", "穩定幣"]);
    assert!(zh.contains("genius-act"), "{zh}");

    // `show` prints the outline; `show --text` the text.
    let show = kb.ok(&["show", "eo-13772"]);
    assert!(
        show.contains("Sec. 2. Directive to the Secretary of the Treasury"),
        "{show}"
    );
    assert_eq!(kb.ok(&["show", "--text", "eo-13772"]), text);

    // Re-importing the same records and texts changes no file.
    let before = files(&kb.knowledge());
    let again = kb.ok(&args);
    assert!(again.contains("texts: wrote 0, 4 unchanged"), "{again}");
    assert_eq!(before, files(&kb.knowledge()));
}

#[test]
fn every_rendition_alone_gives_the_same_agencies() {
    let mut seen: Vec<String> = Vec::new();
    for ext in ["htm", "html", "xml"] {
        let kb = Kb::shipped();
        let scratch = util::tmp();
        let (records, texts) = inputs(scratch.path(), &[ext], &[]);
        let texts_arg = texts.display().to_string();
        let mut args = vec!["import", "federal-register"];
        args.extend(records.iter().map(String::as_str));
        args.extend(["--text", &texts_arg]);
        kb.ok(&args);
        let mut all = String::new();
        for eo in ["eo-13571", "eo-13604", "eo-13772", "eo-13891"] {
            let json: Value =
                serde_json::from_str(&kb.ok(&["--json", "agencies", "--direct", eo])).unwrap();
            for a in json["agencies"].as_array().unwrap() {
                all.push_str(&format!("{eo} {} {}\n", a["id"], a["chain"][0]["relation"]));
            }
        }
        seen.push(all);
    }
    assert_eq!(seen[0], seen[2], "htm vs xml");
    assert_eq!(seen[1], seen[2], "html vs xml");
    assert!(
        seen[2].contains("eo-13772 \"treasury\" \"directs\""),
        "{}",
        seen[2]
    );
}

#[test]
fn an_order_without_text_says_what_is_not_known() {
    let kb = Kb::shipped();
    let orders = util::fixture("federal-register").join("executive-orders-13180-13199.json");
    kb.ok(&["import", "federal-register", &orders.display().to_string()]);
    let (code, out, _) = kb.run(&["agencies", "eo-13181"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("no relation to an agency is recorded"),
        "{out}"
    );
    assert!(out.contains("the text is not imported"), "{out}");
}

/// A one-page API whose documents' `raw_text_url` points back at it.
fn serve_with_text(texts: BTreeMap<String, Vec<u8>>, record: Value) -> u16 {
    use std::io::{Read as _, Write as _};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let mut record = record;
    let number = record["document_number"].as_str().unwrap().to_owned();
    record["raw_text_url"] = Value::String(format!("http://127.0.0.1:{port}/text/{number}.htm"));
    let page = serde_json::json!({"count": 1, "total_pages": 1, "results": [record], "next_page_url": null});
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                match stream.read(&mut chunk) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            }
            let req = String::from_utf8_lossy(&buf).into_owned();
            let path = req.split_whitespace().nth(1).unwrap_or("/").to_owned();
            let (status, body): (&str, Vec<u8>) = if path.starts_with("/api/v1/documents.json") {
                ("200 OK", page.to_string().into_bytes())
            } else if let Some(t) = path.strip_prefix("/text/").and_then(|n| texts.get(n)) {
                ("200 OK", t.clone())
            } else {
                ("404 Not Found", b"no".to_vec())
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(&body);
        }
    });
    port
}

#[test]
fn fetch_downloads_each_documents_text_and_no_text_skips_it() {
    let src = util::fixture("fr-text");
    let record: Value =
        serde_json::from_str(&std::fs::read_to_string(src.join("2017-02762.json")).unwrap())
            .unwrap();
    let texts = BTreeMap::from([(
        "2017-02762.htm".to_owned(),
        std::fs::read(src.join("2017-02762.htm")).unwrap(),
    )]);
    let port = serve_with_text(texts, record);
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let kb = Kb::shipped();
    let raw = kb.dir.path().join("raw");
    let out = kb.ok(&[
        "import",
        "federal-register",
        "--fetch",
        "--base-url",
        &base,
        "--save-raw",
        raw.to_str().unwrap(),
    ]);
    assert!(out.contains("texts: wrote 1, 0 unchanged"), "{out}");
    assert!(raw.join("texts/2017-02762.htm").is_file());
    let agencies = kb.ok(&["agencies", "eo-13772"]);
    assert!(
        agencies.contains("Sec. 2: “The Secretary of the Treasury shall consult"),
        "{agencies}"
    );

    let other = Kb::shipped();
    let out = other.ok(&[
        "import",
        "federal-register",
        "--fetch",
        "--no-text",
        "--base-url",
        &base,
    ]);
    assert!(!out.contains("texts:"), "{out}");
    assert!(!other
        .knowledge()
        .join("imported/federal-register/executive-orders/eo-13772.txt")
        .exists());
}

/// A hand-written order that does not list an agency its text directs:
/// `check` notes it with both sources and the sentence; a note fails
/// nothing, not even with `--deny-warnings`.
#[test]
fn check_notes_an_extracted_duty_the_hand_written_order_lacks() {
    let kb = Kb::shipped();
    let scratch = util::tmp();
    let (records, texts) = inputs(scratch.path(), &["xml"], &[]);
    let texts_arg = texts.display().to_string();
    let mut args = vec!["import", "federal-register"];
    args.extend(records.iter().map(String::as_str));
    args.extend(["--text", &texts_arg]);
    kb.ok(&args);
    let v: Value = serde_json::from_str(&kb.ok(&["check", "--json"])).unwrap();
    assert_eq!(v["notes"], 0, "{v:#}");
    // By hand: EO 13772 consults Treasury; its text says it directs it.
    std::fs::write(
        kb.knowledge().join("directives/eo-13772.ron"),
        "(\n    id: \"eo-13772\",\n    kind: executive_order,\n    name: \"Core Principles for Regulating the United States Financial System\",\n    jurisdiction: \"US\",\n    relations: [\n        (rel: consults, to: \"treasury\", source: 0),\n    ],\n    sources: [(title: \"Federal Register\", url: \"https://www.federalregister.gov/d/2017-02762\")],\n)\n",
    )
    .unwrap();
    let (code, out, err) = kb.run(&["check", "--json", "--deny-warnings"]);
    let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}{err}"));
    let notes: Vec<&Value> = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "extracted-contradiction")
        .collect();
    assert_eq!(notes.len(), 1, "{v:#}");
    let n = notes[0];
    assert_eq!(n["severity"], "note");
    let msg = n["message"].as_str().unwrap();
    assert!(msg.contains("directs `treasury`"), "{msg}");
    assert!(
        msg.contains("The Secretary of the Treasury shall consult"),
        "{msg}"
    );
    assert!(msg.contains("directives/eo-13772.ron"), "{msg}");
    assert!(
        n["location"]["path"]
            .as_str()
            .unwrap()
            .ends_with("executive-orders/eo-13772.ron"),
        "{n:#}"
    );
    assert_eq!(
        n["related"][0]["label"],
        "hand-written: consults `treasury`"
    );
    assert_eq!(v["notes"], 1);
    assert_eq!((code, v["errors"].as_u64()), (0, Some(0)), "{v:#}");
    // The text form says so too, and counts it apart.
    let (_, out, _) = kb.run(&["check"]);
    assert!(out.contains("note[extracted-contradiction]"), "{out}");
    assert!(out.contains("(1 note)"), "{out}");
}

/// A public law or U.S. Code section the text cites becomes `cites` when
/// an entity has that identifier (real text: EO 13571 cites "Public Law
/// 111-352" and "44 U.S.C. 3501 et seq."); one without an entity (EO
/// 13891's "Public Law 104-121", "18 U.S.C. 1968") is left out quietly.
#[test]
fn cited_public_laws_and_code_sections_with_entities_become_cites() {
    let kb = Kb::shipped();
    for (id, name, scheme, value) in [
        (
            "gpra-modernization-act",
            "GPRA Modernization Act of 2010",
            "public_law",
            "Pub. L. 111-352",
        ),
        (
            "paperwork-reduction-act",
            "Paperwork Reduction Act",
            "us_code",
            "44 U.S.C. 3501 et seq.",
        ),
    ] {
        std::fs::write(
            kb.knowledge().join(format!("law/{id}.ron")),
            format!("(\n    id: \"{id}\",\n    kind: statute,\n    name: \"{name}\",\n    jurisdiction: \"US\",\n    identifiers: [(scheme: {scheme}, value: \"{value}\")],\n    sources: [(title: \"U.S. Code\", url: \"https://uscode.house.gov/\")],\n)\n"),
        )
        .unwrap();
    }
    let scratch = util::tmp();
    let (records, texts) = inputs(scratch.path(), &["htm"], &[]);
    let texts_arg = texts.display().to_string();
    let mut args = vec!["import", "federal-register", "--json"];
    args.extend(records.iter().map(String::as_str));
    args.extend(["--text", &texts_arg]);
    let report: Value = serde_json::from_str(&kb.ok(&args)).unwrap();
    let warnings = report["warnings"].to_string();
    assert!(
        !warnings.contains("104-121") && !warnings.contains("1968"),
        "{warnings}"
    );
    let ron = std::fs::read_to_string(
        kb.knowledge()
            .join("imported/federal-register/executive-orders/eo-13571.ron"),
    )
    .unwrap();
    let cites: Vec<&str> = ron
        .lines()
        .filter(|l| l.contains("rel: cites") && l.contains("confidence: extracted"))
        .collect();
    assert!(
        cites
            .iter()
            .any(|l| l.contains("to: \"gpra-modernization-act\"")
                && l.contains("Public Law 111-352")),
        "{ron}"
    );
    assert!(
        cites
            .iter()
            .any(|l| l.contains("to: \"paperwork-reduction-act\"")
                && l.contains("44 U.S.C. 3501 et seq.")),
        "{ron}"
    );
    let eo_13891 = std::fs::read_to_string(
        kb.knowledge()
            .join("imported/federal-register/executive-orders/eo-13891.ron"),
    )
    .unwrap();
    assert!(
        !eo_13891.contains("104-121\"") && !eo_13891.contains("law/"),
        "{eo_13891}"
    );
    kb.ok(&["check"]);
}
