//! `policygraph import federal-register`: real recorded API output in, RON
//! files out, and every other command working on the result.

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use serde_json::Value;

use crate::util;

fn fr(name: &str) -> PathBuf {
    util::fixture("federal-register").join(name)
}

const DOCS: &str = "documents-2024-01-sample.json";
const AGENCIES: &str = "agencies-sample.json";
const ORDERS: &str = "executive-orders-13180-13199.json";

/// A copy of the shipped knowledge base, with its own index directory.
struct Kb {
    dir: tempfile::TempDir,
}

impl Kb {
    fn shipped() -> Kb {
        let dir = util::tmp();
        util::copy_tree(&util::shipped(), &dir.path().join("knowledge"));
        Kb { dir }
    }

    fn with(files: &[(&str, &str)]) -> Kb {
        let dir = util::tmp();
        for (path, text) in files {
            let p = dir.path().join("knowledge").join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
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

    fn json(&self, args: &[&str]) -> Value {
        let mut all = vec!["--json"];
        all.extend_from_slice(args);
        let out = self.ok(&all);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
    }

    fn import(&self, files: &[&Path], extra: &[&str]) -> (i32, String, String) {
        let mut args: Vec<String> = vec!["import".into(), "federal-register".into()];
        args.extend(extra.iter().map(|s| s.to_string()));
        args.extend(files.iter().map(|p| p.display().to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        self.run(&args)
    }

    /// Every file under `knowledge/imported/`: bytes and mtime.
    fn imported(&self) -> BTreeMap<PathBuf, (Vec<u8>, SystemTime)> {
        let base = self.knowledge().join("imported");
        let mut out = BTreeMap::new();
        if !base.exists() {
            return out;
        }
        for e in walkdir::WalkDir::new(&base) {
            let e = e.unwrap();
            if e.file_type().is_file() {
                let meta = e.metadata().unwrap();
                out.insert(
                    e.path().strip_prefix(&base).unwrap().to_path_buf(),
                    (std::fs::read(e.path()).unwrap(), meta.modified().unwrap()),
                );
            }
        }
        out
    }

    fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.knowledge().join(rel)).unwrap()
    }
}

fn all_samples() -> Vec<PathBuf> {
    vec![fr(AGENCIES), fr(DOCS), fr(ORDERS)]
}

fn refs(v: &[PathBuf]) -> Vec<&Path> {
    v.iter().map(PathBuf::as_path).collect()
}

/// `check` finds nothing at all: the shipped agencies carry their Federal
/// Register identifiers (NCUA, OCC, FDIC and the Fed included), so the
/// agency list enriches them instead of adding a second NCUA beside the
/// first.
fn assert_clean(check: &str) {
    assert!(check.contains("no problems"), "{check}");
}

#[test]
fn imports_real_pages_agencies_and_orders_and_every_command_works() {
    let kb = Kb::shipped();
    let files = all_samples();
    let (code, out, err) = kb.import(&refs(&files), &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.starts_with("federal-register: 68 record(s) read; wrote "),
        "{out}"
    );
    // The three "See: Notice of ..." items name no order: listed, kept.
    assert!(
        out.contains("eo-13192 (EO 13192 (01-2138)): See: Notice of May 24, 2001"),
        "{out}"
    );
    let check = kb.ok(&["check"]);
    assert_clean(&check);

    // Documents: a proposed rule with its agency, identifiers and deadline.
    let show = kb.json(&["show", "fr-2023-28384"]);
    let e = &show["entity"];
    assert_eq!(e["kind"], "rule");
    assert_eq!(e["name"], "Air Plan Disapproval; Kansas; Regional Haze");
    let idents: Vec<String> = e["identifiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            format!(
                "{} {}",
                i["scheme"].as_str().unwrap(),
                i["value"].as_str().unwrap()
            )
        })
        .collect();
    for want in [
        "fr_doc 2023-28384",
        "federal_register 89 FR 178",
        "docket EPA-R07-OAR-2023-0582",
        "cfr 40 CFR 52",
    ] {
        assert!(
            idents.contains(&want.to_owned()),
            "{want} not in {idents:?}"
        );
    }
    assert_eq!(e["provenance"]["importer"], "federal-register");
    assert_eq!(e["sources"][0]["retrieved"], "2026-11-27");
    let agencies = kb.ok(&["agencies", "fr-2023-28384"]);
    assert!(
        agencies.contains("environmental-protection-agency"),
        "{agencies}"
    );

    // Orders: typed relations from the notes, both ways, and placeholders.
    let show = kb.json(&["show", "eo-13187"]);
    let rels: Vec<String> = show["entity"]["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{} {}",
                r["rel"].as_str().unwrap(),
                r["to"].as_str().unwrap()
            )
        })
        .collect();
    assert!(rels.contains(&"amends eo-13078".to_owned()), "{rels:?}");
    assert!(rels.contains(&"revokes eo-12640".to_owned()), "{rels:?}");
    let placeholder = kb.json(&["show", "eo-12640"]);
    assert_eq!(placeholder["entity"]["provenance"]["incomplete"], true);
    assert_eq!(placeholder["entity"]["events"][0]["date"], "1988-05-10");
    // "Revoked by: EO 13304, May 28, 2003" on EO 13192: EO 13304 revokes
    // it, and the order is rescinded from that day.
    let revoker = kb.json(&["show", "eo-13304"]);
    assert_eq!(revoker["entity"]["relations"][0]["rel"], "revokes");
    assert_eq!(revoker["entity"]["relations"][0]["to"], "eo-13192");
    let s = kb.json(&["show", "eo-13192"]);
    assert_eq!(s["status"], "rescinded");
    let s = kb.json(&["--as-of", "2003-01-01", "show", "eo-13192"]);
    assert_eq!(s["status"], "signed");
    // "Amended by: A; B; C": three orders, each amending this one.
    for n in ["13209", "13319", "13517"] {
        let s = kb.json(&["show", &format!("eo-{n}")]);
        assert_eq!(s["entity"]["relations"][0]["rel"], "amends", "eo-{n}");
        assert_eq!(s["entity"]["relations"][0]["to"], "eo-13183", "eo-{n}");
    }

    // Agencies: the shipped ones are enriched, not duplicated.
    let ebsa = kb.json(&["show", "ebsa"]);
    assert_eq!(ebsa["path"], "agencies/ebsa.ron");
    assert!(ebsa["entity"]["summary"]
        .as_str()
        .unwrap()
        .starts_with("The agency within the Department of Labor"));
    let srcs = ebsa["entity"]["sources"].to_string();
    assert!(srcs.contains("api/v1/agencies/131"), "{srcs}");
    assert!(!kb
        .knowledge()
        .join("imported/federal-register/agencies/employee-benefits-security-administration.ron")
        .exists());
    // The IRS document links to the shipped `irs`.
    let irs = kb.ok(&["show", "irs"]);
    assert!(irs.contains("fr-2023-28793"), "{irs}");

    // Search, timeline, deadlines, export.
    let hits = kb.json(&["search", "regional haze Kansas"]);
    assert_eq!(hits["hits"][0]["id"], "fr-2023-28384", "{hits}");
    let tl = kb.json(&["timeline", "--entity", "eo-13182"]);
    let tl = tl.to_string();
    assert!(
        tl.contains("2000-12-23") && tl.contains("2001-12-28"),
        "{tl}"
    );
    let dl = kb.ok(&["--as-of", "2024-01-15", "deadlines", "--upcoming"]);
    assert!(dl.contains("2024-02-01  upcoming: 17 days left"), "{dl}");
    assert!(
        dl.contains(
            "open to the public: Comments on “Air Plan Disapproval; Kansas; Regional Haze”"
        ),
        "{dl}"
    );
    let closed = kb.json(&["deadlines", "--closed"]);
    let states: Vec<&str> = closed["deadlines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"].as_str().unwrap())
        .collect();
    assert!(
        !states.is_empty() && states.iter().all(|s| *s == "closed"),
        "{states:?}"
    );
    assert_eq!(closed["deadlines"][0]["kind"], "public");
    let (_, overdue, _) = kb.run(&["--json", "deadlines", "--overdue"]);
    assert!(
        !overdue.contains("\"public\""),
        "a comment period is never overdue: {overdue}"
    );
    let (code, dot, err) = kb.run(&["export", "dot", "--focus", "eo-13183", "--depth", "1"]);
    assert_eq!(code, 0, "{err}");
    assert!(dot.contains("eo-13517"), "{dot}");
}

#[test]
fn reimport_changes_no_file_and_newer_data_rewrites_only_what_changed() {
    let kb = Kb::shipped();
    let files = all_samples();
    assert_eq!(kb.import(&refs(&files), &[]).0, 0);
    let before = kb.imported();
    assert!(before.len() > 100, "{}", before.len());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let (code, out, _) = kb.import(&refs(&files), &[]);
    assert_eq!(code, 0);
    assert!(out.contains("wrote 0 added, 0 changed,"), "{out}");
    assert_eq!(kb.imported(), before, "bytes or mtimes changed");

    // Newer data: one title changes in the page.
    let mut page: Value =
        serde_json::from_str(&std::fs::read_to_string(fr(DOCS)).unwrap()).unwrap();
    page["results"][3]["title"] = Value::String("A newer title".into());
    let number = page["results"][3]["document_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let newer = kb.dir.path().join("newer.json");
    std::fs::write(&newer, page.to_string()).unwrap();
    let report = kb.json(&["import", "federal-register", newer.to_str().unwrap()]);
    assert_eq!(
        (report["added"].as_u64(), report["changed"].as_u64()),
        (Some(0), Some(1)),
        "{report}"
    );
    let after = kb.imported();
    let differ: Vec<&PathBuf> = after.keys().filter(|k| after[*k] != before[*k]).collect();
    assert_eq!(differ.len(), 1, "{differ:?}");
    assert!(
        differ[0]
            .to_string_lossy()
            .ends_with(&format!("fr-{number}.ron")),
        "{differ:?}"
    );
}

#[test]
fn dry_run_lists_what_would_change_and_writes_nothing() {
    let kb = Kb::shipped();
    let (code, out, err) = kb.import(&[&fr(ORDERS)], &["--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("would write 40 added"), "{out}");
    assert!(
        out.contains("  add    imported/federal-register/executive-orders/eo-13183.ron"),
        "{out}"
    );
    assert!(out.contains("(incomplete)"), "{out}");
    assert!(kb.imported().is_empty());
}

#[test]
fn json_report_counts_and_lists() {
    let kb = Kb::shipped();
    let r = kb.json(&["import", "federal-register", fr(ORDERS).to_str().unwrap()]);
    assert_eq!(r["importer"], "federal-register");
    assert_eq!(r["records"], 20);
    assert_eq!(r["added"], 40);
    assert_eq!(r["changed"], 0);
    assert_eq!(r["unchanged"], 0);
    assert_eq!(r["incomplete"], 20);
    assert_eq!(r["unparsed"], 3);
    assert_eq!(r["skipped"], 0);
    assert_eq!(
        r["unparsed_lines"][0]["line"],
        "See: Notice of May 24, 2001"
    );
    assert_eq!(r["unparsed_lines"][0]["record"], "EO 13192 (01-2138)");
    let files = r["files"].as_array().unwrap();
    assert_eq!(files.len(), 40);
    // The unparsed line stays in the entity's notes.
    let s = kb.json(&["show", "eo-13192"]);
    assert!(s["entity"]["notes"]
        .to_string()
        .contains("See: Notice of May 24, 2001"));
}

const CURATED_EO: &str = r#"// Hand-written.
(
    id: "eo-13187",
    kind: executive_order,
    name: "The President's Disability Employment Partnership Board",
    aliases: ["Disability board order"],
    jurisdiction: "US",
    summary: "A hand-written summary that the import must keep.",
    identifiers: [(scheme: executive_order, value: "13187")],
    events: [
        (date: "2001-01-11", stage: signed, note: "Signed (as one newsletter reported).", source: 0),
    ],
    sources: [(title: "A newsletter", publisher: "Somebody", url: "https://example.org/newsletter")],
    notes: ["A hand-written note."],
)
"#;

#[test]
fn a_curated_order_is_enriched_and_a_conflict_is_a_warning() {
    let kb = Kb::with(&[("orders/eo-13187.ron", CURATED_EO)]);
    let (code, out, err) = kb.import(&[&fr(ORDERS)], &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    // The hand-written file is untouched; the import sits beside it.
    assert_eq!(kb.read("orders/eo-13187.ron"), CURATED_EO);
    let overlay = kb.read("imported/federal-register/executive-orders/eo-13187.ron");
    assert!(overlay.contains("id: \"eo-13187\""));
    let s = kb.json(&["show", "eo-13187"]);
    let e = &s["entity"];
    assert_eq!(s["path"], "orders/eo-13187.ron");
    assert_eq!(
        e["summary"],
        "A hand-written summary that the import must keep."
    );
    assert_eq!(e["notes"][0], "A hand-written note.");
    assert_eq!(
        e["name"],
        "The President's Disability Employment Partnership Board"
    );
    let idents = e["identifiers"].to_string();
    assert!(idents.contains("01-1438"), "{idents}");
    let rels = e["relations"].to_string();
    assert!(
        rels.contains("eo-12640") && rels.contains("eo-13078"),
        "{rels}"
    );
    // Both signing dates are kept, and check names both sources.
    let events: Vec<&str> = e["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["date"].as_str().unwrap())
        .collect();
    assert_eq!(events, ["2001-01-10", "2001-01-11"]);
    let (code, out, _) = kb.run(&["check"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning[date-conflict]"), "{out}");
    assert!(out.contains("`eo-13187` is `signed` on 2001-01-11 here (source: A newsletter <https://example.org/newsletter>), but on 2001-01-10 in the imported record `imported/federal-register/executive-orders/eo-13187.ron` (source: Federal Register API record of document 01-1438)"), "{out}");
    assert!(out.starts_with("orders/eo-13187.ron:"), "{out}");
    // Only one entity has the id.
    let list = kb.json(&["list", "--kind", "executive-order"]);
    let n = list.to_string().matches("\"eo-13187\"").count();
    assert_eq!(n, 1, "{list}");
    // Re-importing leaves both files as they are.
    let before = kb.imported();
    assert!(kb
        .import(&[&fr(ORDERS)], &[])
        .1
        .contains("0 added, 0 changed"));
    assert_eq!(kb.imported(), before);
    assert_eq!(kb.read("orders/eo-13187.ron"), CURATED_EO);
}

fn assert_nothing_written(kb: &Kb) {
    assert!(
        !kb.knowledge().join("imported").exists(),
        "something was written"
    );
}

#[test]
fn a_file_that_is_not_json_exits_2_with_its_position_and_writes_nothing() {
    let kb = Kb::shipped();
    let bad = kb.dir.path().join("page.html");
    std::fs::write(&bad, "<html>\n<body>rate limited</body>\n").unwrap();
    // A good file first: nothing of it is written either.
    let (code, _, err) = kb.import(&[&fr(ORDERS), &bad], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!("{}:1:1: expected value", bad.display())),
        "{err}"
    );
    assert_nothing_written(&kb);

    let text = std::fs::read_to_string(fr(DOCS)).unwrap();
    let cut = kb.dir.path().join("cut.json");
    std::fs::write(&cut, &text[..5000]).unwrap();
    let (code, _, err) = kb.import(&[&cut], &[]);
    assert_eq!(code, 2, "{err}");
    let line = text[..5000].lines().count();
    assert!(err.contains(&format!("{}:{line}:", cut.display())), "{err}");
    assert!(err.contains("EOF while parsing"), "{err}");
    assert_nothing_written(&kb);

    let wrong = kb.dir.path().join("wrong.json");
    std::fs::write(&wrong, r#"{"hello": 1}"#).unwrap();
    let (code, _, err) = kb.import(&[&wrong], &[]);
    assert_eq!(code, 2);
    assert!(
        err.contains("not a Federal Register documents page"),
        "{err}"
    );
    assert_nothing_written(&kb);
}

#[test]
fn an_impossible_value_skips_that_record_only_and_says_which() {
    let kb = Kb::shipped();
    let mut page: Value =
        serde_json::from_str(&std::fs::read_to_string(fr(DOCS)).unwrap()).unwrap();
    page["results"][2]["publication_date"] = Value::String("2025-13-45".into());
    page["results"][5]["title"] = serde_json::json!(12345);
    let n2 = page["results"][2]["document_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let n5 = page["results"][5]["document_number"]
        .as_str()
        .unwrap()
        .to_owned();
    let p = kb.dir.path().join("page.json");
    std::fs::write(&p, serde_json::to_string_pretty(&page).unwrap()).unwrap();
    let (code, out, err) = kb.import(&[&p], &[]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(out.contains("2 record(s) skipped"), "{out}");
    assert!(
        out.contains(&format!(
            "record 2 ({n2}): `publication_date`: impossible date `2025-13-45`"
        )),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "record 5 ({n5}): invalid type: integer `12345`, expected a string"
        )),
        "{out}"
    );
    let written = kb.imported();
    assert!(!written.keys().any(|k| k.to_string_lossy().contains(&n2)));
    let others = written
        .keys()
        .filter(|k| k.starts_with("federal-register/documents"))
        .count();
    assert_eq!(others, 33, "the other documents are imported");
    assert_clean(&kb.ok(&["check"]));
}

#[test]
fn hostile_values_round_trip_exactly() {
    let kb = Kb::shipped();
    let title = "He said \"stop\"\nthen ), relations: [(rel: revokes, to: \"dol\")], // \\ r#\"x\"# /* 中文 */";
    let abstract_text = format!("{}\"\n)", "x".repeat(1 << 20));
    let doc = serde_json::json!({
        "document_number": "2025-99999",
        "type": "Notice",
        "title": title,
        "abstract": abstract_text,
        "publication_date": "2025-01-02",
        "agencies": [
            {"name": "Labor Department", "id": 271, "slug": "labor-department"},
            {"raw_name": "OFFICE WITHOUT A RECORD", "id": null, "slug": null},
        ],
    });
    let p = kb.dir.path().join("doc.json");
    std::fs::write(&p, doc.to_string()).unwrap();
    let (code, out, err) = kb.import(&[&p], &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    let s = kb.json(&["show", "fr-2025-99999"]);
    assert_eq!(s["entity"]["name"], title);
    assert_eq!(s["entity"]["summary"].as_str().unwrap(), abstract_text);
    // No relation was injected: only the one to the shipped `dol`.
    assert_eq!(s["entity"]["relations"].as_array().unwrap().len(), 1);
    assert_eq!(s["entity"]["relations"][0]["rel"], "issued_by");
    assert_eq!(s["entity"]["relations"][0]["to"], "dol");
    // An agency with no Federal Register record is kept as a note.
    assert_eq!(
        s["entity"]["notes"][0],
        "Also listed as an agency (no Federal Register agency record): OFFICE WITHOUT A RECORD"
    );
    assert_clean(&kb.ok(&["check"]));
}

/// A tiny HTTP server replaying recorded pages: the first request for the
/// documents gets a 429, the first for page 2 a 500. `pages` builds the
/// two pages once the port is known (page 1 names page 2 by URL).
struct Server {
    port: u16,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

fn serve(pages: impl FnOnce(u16) -> [String; 2], agencies: String) -> Server {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let [p1, p2] = pages(port);
    let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log2 = log.clone();
    std::thread::spawn(move || {
        let mut seen_429 = false;
        let mut seen_500 = false;
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
            let (status, body) = if path.starts_with("/api/v1/agencies.json") {
                ("200 OK", agencies.clone())
            } else if path.starts_with("/api/v1/documents.json") && !seen_429 {
                seen_429 = true;
                ("429 Too Many Requests", "slow down".to_owned())
            } else if path.starts_with("/api/v1/documents.json") {
                ("200 OK", p1.clone())
            } else if path.starts_with("/page2") && !seen_500 {
                seen_500 = true;
                ("500 Internal Server Error", "oops".to_owned())
            } else if path.starts_with("/page2") {
                ("200 OK", p2.clone())
            } else {
                ("404 Not Found", "no".to_owned())
            };
            log2.lock()
                .unwrap()
                .push(format!("{} {path}", &status[..3]));
            let extra = if status.starts_with("429") {
                "Retry-After: 0\r\n"
            } else {
                ""
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{extra}Connection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    Server { port, log }
}

#[test]
fn fetch_follows_pages_and_retries_429_and_500() {
    let page: Value = serde_json::from_str(&std::fs::read_to_string(fr(DOCS)).unwrap()).unwrap();
    let results = page["results"].as_array().unwrap().clone();
    let server = serve(
        |port| {
            let mut p1 = page.clone();
            p1["results"] = Value::Array(results[..20].to_vec());
            p1["next_page_url"] = Value::String(format!("http://127.0.0.1:{port}/page2?x=1"));
            let mut p2 = page.clone();
            p2["results"] = Value::Array(results[20..].to_vec());
            p2["next_page_url"] = Value::Null;
            [p1.to_string(), p2.to_string()]
        },
        std::fs::read_to_string(fr(AGENCIES)).unwrap(),
    );
    let kb = Kb::shipped();
    let raw = kb.dir.path().join("raw");
    let base = format!("http://127.0.0.1:{}/api/v1", server.port);
    let (code, out, err) = kb.run(&[
        "import",
        "federal-register",
        "--fetch",
        // Texts are fetched in tests/cli/text.rs.
        "--no-text",
        "--agency-list",
        "--since",
        "2024-01-01",
        "--base-url",
        &base,
        "--save-raw",
        raw.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("federal-register: 48 record(s) read"), "{out}");
    // Retries are said on stderr (no progress bar in a pipe).
    assert!(err.contains("HTTP 429; trying again"), "{err}");
    assert!(err.contains("HTTP 500; trying again"), "{err}");
    let log = server.log.lock().unwrap().clone();
    let codes: Vec<&str> = log.iter().map(|l| &l[..3]).collect();
    assert_eq!(codes, ["200", "429", "200", "500", "200"], "{log:?}");
    assert!(
        log[1].contains("conditions%5Bpublication_date%5D%5Bgte%5D=2024-01-01"),
        "{log:?}"
    );
    // Raw responses are kept, and replaying them offline changes nothing.
    let mut saved: Vec<String> = std::fs::read_dir(&raw)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    saved.sort();
    assert_eq!(
        saved,
        [
            "agencies.json",
            "documents-0001.json",
            "documents-0002.json"
        ]
    );
    let before = kb.imported();
    let replay: Vec<PathBuf> = saved.iter().map(|s| raw.join(s)).collect();
    let (code, out, _) = kb.import(&refs(&replay), &[]);
    assert_eq!(code, 0);
    assert!(out.contains("0 added, 0 changed"), "{out}");
    assert_eq!(kb.imported(), before);
    assert_clean(&kb.ok(&["check"]));
    assert!(kb.ok(&["show", "fr-2023-28384"]).contains("Regional Haze"));
}

#[test]
fn fetch_gives_up_after_bounded_tries() {
    // A server that always answers 503.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut chunk = [0u8; 4096];
            let _ = stream.read(&mut chunk);
            let _ = write!(stream, "HTTP/1.1 503 Busy\r\nRetry-After: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    let kb = Kb::shipped();
    let base = format!("http://127.0.0.1:{port}/api/v1");
    let (code, _, err) = kb.run(&["import", "federal-register", "--fetch", "--base-url", &base]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("HTTP 503, after 5 tries"), "{err}");
    assert_nothing_written(&kb);
}

#[test]
fn index_updates_keep_enrichment_merged() {
    let kb = Kb::shipped();
    assert_eq!(kb.import(&[&fr(AGENCIES)], &[]).0, 0);
    let has_fr = |kb: &Kb| kb.ok(&["show", "ebsa"]).contains("api/v1/agencies/131");
    assert!(has_fr(&kb));
    // A hand edit of the enriched file: the import's facts stay.
    let p = kb.knowledge().join("agencies/ebsa.ron");
    let text = std::fs::read_to_string(&p).unwrap();
    std::fs::write(
        &p,
        text.replace(
            "summary: \"The agency within",
            "summary: \"A new hand-written note. The agency within",
        ),
    )
    .unwrap();
    let show = kb.ok(&["show", "ebsa"]);
    assert!(
        show.contains("A new hand-written note.") && show.contains("api/v1/agencies/131"),
        "{show}"
    );
    // The import's file removed: its facts go.
    std::fs::remove_file(
        kb.knowledge()
            .join("imported/federal-register/agencies/ebsa.ron"),
    )
    .unwrap();
    assert!(!has_fr(&kb));
    assert!(kb
        .ok(&["show", "ebsa"])
        .contains("A new hand-written note."));
}

/// Stops an import of every sample after `stop` files, on a copy of the
/// shipped base where `first` was imported before, and checks that the
/// base is valid, that no more than `stop` files appeared, and that a
/// second run gives what one clean run gives. Returns how many files the
/// stopped run left visible.
fn stop_and_rerun(first: &[PathBuf], stop: usize, want: &BTreeMap<PathBuf, Vec<u8>>) -> usize {
    let files = all_samples();
    let kb = Kb::shipped();
    if !first.is_empty() {
        assert_eq!(kb.import(&refs(first), &[]).0, 0);
    }
    let before = kb.imported().len();
    let mut args: Vec<String> = vec!["import".into(), "federal-register".into()];
    args.extend(files.iter().map(|p| p.display().to_string()));
    let out = util::cmd(&kb.knowledge(), &kb.dir.path().join("index"))
        .env("POLICYGRAPH_IMPORT_STOP_AFTER", stop.to_string())
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "stop after {stop}");
    assert!(String::from_utf8_lossy(&out.stderr).contains(&format!("stopped after {stop} file(s)")));
    let appeared = kb.imported().len() - before;
    assert!(appeared <= stop, "stop after {stop}: {appeared} files");
    let (code, check, _) = kb.run(&["check"]);
    assert_eq!(code, 0, "stop after {stop}: knowledge invalid:\n{check}");
    // Running it again completes it: the same files as one clean run, and
    // nothing left of the stopped one.
    assert_eq!(kb.import(&refs(&files), &[]).0, 0);
    let got: BTreeMap<PathBuf, Vec<u8>> =
        kb.imported().into_iter().map(|(k, v)| (k, v.0)).collect();
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "stop after {stop}"
    );
    assert!(&got == want, "stop after {stop}: contents differ");
    let left: Vec<String> = walkdir::WalkDir::new(kb.knowledge())
        .into_iter()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".import-"))
        .collect();
    assert!(left.is_empty(), "stop after {stop}: left behind {left:?}");
    appeared
}

/// A first import writes its new directory out of sight and moves it into
/// place at once: stopped part way, nothing appears. An import into
/// directories that exist writes file by file, placeholders first: stopped
/// part way, some files appear, and every link still resolves.
#[test]
fn an_interrupted_import_leaves_a_valid_knowledge_base_and_completes_on_rerun() {
    let files = all_samples();
    let full = Kb::shipped();
    assert_eq!(full.import(&refs(&files), &[]).0, 0);
    let want: BTreeMap<PathBuf, Vec<u8>> =
        full.imported().into_iter().map(|(k, v)| (k, v.0)).collect();
    for stop in [1, 7, 40, want.len() - 1] {
        assert_eq!(stop_and_rerun(&[], stop, &want), 0, "stop after {stop}");
    }
    // The agencies first: the documents' and orders' directories are new
    // but not under one new directory, so they are written file by file.
    let agencies = Kb::shipped();
    assert_eq!(agencies.import(&[&fr(AGENCIES)], &[]).0, 0);
    let new_files = want.len() - agencies.imported().len();
    let mut seen = 0;
    for stop in [1, 7, 40, new_files - 1] {
        seen += stop_and_rerun(&[fr(AGENCIES)], stop, &want);
    }
    assert!(seen > 0, "no file appeared while writing file by file");
}

#[test]
fn a_damaged_imported_file_is_written_anew() {
    let kb = Kb::shipped();
    assert_eq!(kb.import(&[&fr(ORDERS)], &[]).0, 0);
    let p = kb
        .knowledge()
        .join("imported/federal-register/executive-orders/eo-13183.ron");
    let good = std::fs::read_to_string(&p).unwrap();
    std::fs::write(&p, "").unwrap();
    assert_eq!(kb.run(&["check"]).0, 1);
    let (code, out, _) = kb.import(&[&fr(ORDERS)], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("eo-13183.ron: the file was empty; it is written anew"),
        "{out}"
    );
    assert_eq!(std::fs::read_to_string(&p).unwrap(), good);
    assert_eq!(kb.run(&["check"]).0, 0);
}

#[test]
fn path_and_list_work_on_imported_records_and_no_knowledge_dir_is_refused() {
    let kb = Kb::shipped();
    assert_eq!(kb.import(&[&fr(ORDERS)], &[]).0, 0);
    let path = kb.ok(&["path", "eo-13517", "eo-13209"]);
    assert!(
        path.contains("eo-13517 ─amends→ eo-13183 ←amends─ eo-13209"),
        "{path}"
    );
    let list = kb.json(&["list", "--kind", "executive-order", "--status", "rescinded"]);
    let ids = list.to_string();
    assert!(
        ids.contains("eo-13192") && ids.contains("eo-13194"),
        "{ids}"
    );

    // Without --knowledge and no knowledge/ around: refused, nothing cached.
    let dir = util::tmp();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("policygraph"))
        .env_clear()
        .env("HOME", dir.path().join("home"))
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .args(["import", "federal-register", fr(ORDERS).to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no knowledge directory here to import into"),
        "{err}"
    );
}
