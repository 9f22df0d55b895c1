//! `watch` and `digest`: after a day-1 sync and a digest, a day-2 sync's
//! digest lists exactly day 2's news; feeds read back by `feed-rs`, mail
//! received by an SMTP sink and read back by `mail-parser`.

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;

use serde_json::Value;

use crate::sync::SyncKb;
use crate::util;

fn watches(kb: &SyncKb) {
    for args in [
        vec!["watch", "add", "everything", "--deadlines", "30"],
        vec!["watch", "add", "nh", "--jurisdiction", "NH"],
        vec!["watch", "add", "tax", "--search", "income tax"],
        vec!["watch", "add", "eo", "--entity", "eo-14330", "--depth", "1"],
    ] {
        let (code, out, err) = kb.run(&args);
        assert_eq!(code, 0, "{args:?}\n{out}\n{err}");
    }
}

fn digest_json(kb: &SyncKb, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["digest", "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = kb.run(&args);
    assert!(code == 0 || code == 1, "{out}\n{err}");
    (
        code,
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}")),
    )
}

fn watch<'a>(d: &'a Value, name: &str) -> &'a [Value] {
    d["watches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["watch"] == name)
        .unwrap_or_else(|| panic!("no watch {name}"))["items"]
        .as_array()
        .unwrap()
}

fn ids_of(items: &[Value], kind: &str) -> BTreeSet<String> {
    items
        .iter()
        .filter(|i| i["kind"] == kind)
        .map(|i| i["entity"].as_str().unwrap().to_owned())
        .collect()
}

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_day_2_digest_lists_exactly_day_2s_news_once() {
    let kb = SyncKb::new();
    watches(&kb);
    let (code, out, _) = kb.run(&["watch", "list"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("eo-14330 within 1") && out.contains("search \"income tax\""),
        "{out}"
    );

    kb.sync();
    let (code, day1) = digest_json(&kb, &[]);
    assert_eq!(code, 0);
    assert!(ids_of(watch(&day1, "everything"), "new_entity").contains("us-nh-2025-hb-1"));
    // Nothing near eo-14330 changed.
    assert!(watch(&day1, "eo").is_empty(), "{day1}");

    kb.server.set_day(2);
    kb.sync();
    let (code, day2) = digest_json(&kb, &[]);
    assert_eq!(code, 0, "{day2}");
    let all = watch(&day2, "everything");
    assert_eq!(
        ids_of(all, "new_entity"),
        set(&[
            "copyright-office-library-of-congress",
            "fr-2023-28724",
            "fr-2023-28995",
            "library-of-congress",
            "us-ga-2023-hb-100",
            "us-nh-2025-sb-100",
        ]),
        "{day2}"
    );
    assert_eq!(
        ids_of(all, "new_event"),
        set(&["us-ga-2023-hb-11", "us-nh-2025-hb-302"])
    );
    // Every new event is later than the day-1 cut of its bill's record.
    for i in all.iter().filter(|i| i["kind"] == "new_event") {
        let cut = if i["entity"] == "us-nh-2025-hb-302" {
            "2025-03-31"
        } else {
            "2023-01-26"
        };
        assert!(i["date"].as_str().unwrap() > cut, "{i}");
    }
    let hb302 = all
        .iter()
        .find(|i| i["kind"] == "status_change" && i["entity"] == "us-nh-2025-hb-302")
        .unwrap_or_else(|| panic!("no status change of HB 302: {day2}"));
    assert_eq!(hb302["after"], "signed", "{hb302}");
    assert!(
        hb302["link"].as_str().unwrap().starts_with("https://"),
        "{hb302}"
    );
    // Nothing of day 1 is reported again.
    for i in all {
        let e = i["entity"].as_str().unwrap();
        assert!(
            ![
                "us-nh-2025-hb-1",
                "us-ga-2023-hb-10",
                "fr-2023-28935",
                "fr-2023-27783"
            ]
            .contains(&e),
            "{i}"
        );
    }
    // The narrower watches see their part.
    let nh = watch(&day2, "nh");
    assert_eq!(ids_of(nh, "new_entity"), set(&["us-nh-2025-sb-100"]));
    assert!(nh
        .iter()
        .all(|i| i["entity"].as_str().unwrap().starts_with("us-nh")));
    assert_eq!(
        ids_of(watch(&day2, "tax"), "new_entity"),
        set(&["us-ga-2023-hb-100"])
    );
    assert!(watch(&day2, "eo").is_empty());

    // Said once: the next digest has nothing, and exits 1.
    let (code, again) = digest_json(&kb, &[]);
    assert_eq!(code, 1, "{again}");
    assert_eq!(again["items"], 0);
}

#[test]
fn feeds_have_stable_ids_and_parse_as_atom_and_json_feed() {
    // Two knowledge bases through the same two days give the same ids.
    let mut id_sets = Vec::new();
    for format in ["atom", "jsonfeed"] {
        let kb = SyncKb::new();
        watches(&kb);
        kb.sync();
        kb.run(&["digest"]);
        kb.server.set_day(2);
        kb.sync();
        let out_file = kb.dir.path().join("feed");
        let (code, out, err) = kb.run(&[
            "digest",
            "--format",
            format,
            "-o",
            out_file.to_str().unwrap(),
            "--lang",
            "zh-Hant",
        ]);
        assert_eq!(code, 0, "{out}\n{err}");
        assert!(out.is_empty());
        let bytes = std::fs::read(&out_file).unwrap();
        let feed = feed_rs::parser::parse(&bytes[..]).unwrap_or_else(|e| panic!("{format}: {e}"));
        let want = if format == "atom" {
            feed_rs::model::FeedType::Atom
        } else {
            feed_rs::model::FeedType::JSON
        };
        assert_eq!(feed.feed_type, want);
        let ids: Vec<String> = feed.entries.iter().map(|e| e.id.clone()).collect();
        let unique: BTreeSet<String> = ids.iter().cloned().collect();
        assert_eq!(ids.len(), unique.len(), "ids repeat");
        assert!(ids.len() > 10, "{ids:?}");
        assert!(ids.iter().all(|i| i.starts_with("urn:policygraph:watch:")));
        // Every entry is dated and titled; those with a source link it.
        for e in &feed.entries {
            assert!(e.updated.is_some() || e.published.is_some(), "{e:?}");
            assert!(e.title.as_ref().is_some_and(|t| !t.content.is_empty()));
        }
        assert!(feed
            .entries
            .iter()
            .any(|e| e.links.iter().any(|l| l.href.starts_with("https://"))));
        id_sets.push(unique);
    }
    assert_eq!(id_sets[0], id_sets[1]);
}

#[test]
fn a_digest_that_could_not_be_written_is_given_again() {
    let kb = SyncKb::new();
    watches(&kb);
    kb.sync();
    // A file cannot be written below a regular file.
    let bad = kb.dir.path().join("sources.ron").join("digest.txt");
    let (code, _, err) = kb.run(&["digest", "-o", bad.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    let (code, d) = digest_json(&kb, &[]);
    assert_eq!(code, 0);
    assert!(ids_of(watch(&d, "everything"), "new_entity").contains("us-nh-2025-hb-1"));
    // A new watch starts from when it was added.
    kb.run(&["watch", "add", "late", "--jurisdiction", "GA"]);
    kb.server.set_day(2);
    kb.sync();
    let (_, d) = digest_json(&kb, &["--watch", "late"]);
    assert_eq!(
        ids_of(watch(&d, "late"), "new_entity"),
        set(&["us-ga-2023-hb-100"])
    );
    // `watch remove`, and a broken watches.ron at its line and column.
    let (code, _, _) = kb.run(&["watch", "remove", "late"]);
    assert_eq!(code, 0);
    std::fs::write(
        kb.dir.path().join("watches.ron"),
        "[\n  (name: \"x\", kinds: [bil]),\n]\n",
    )
    .unwrap();
    let (code, _, err) = kb.run(&["digest"]);
    assert_eq!(code, 2);
    assert!(err.contains("watches.ron:2:"), "{err}");
}

#[test]
fn a_source_failing_days_running_is_reported_loudly() {
    let kb = SyncKb::new();
    watches(&kb);
    kb.sync();
    kb.run(&["digest"]);
    for day in ["2026-11-24T06:00:00Z", "2026-11-26T06:00:00Z"] {
        kb.server.fault("/os/", crate::api_server::Fault::CutJson);
        let (code, _, _) = kb.run_env(&[("POLICYGRAPH_NOW", day)], &["sync"]);
        assert_eq!(code, 1);
    }
    let (code, out, _) = kb.run_env(&[("POLICYGRAPH_NOW", "2026-11-26T07:00:00Z")], &["digest"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("ALERT: source `nh` has failed for 2 day(s) running (since 2026-11-24T06:00:00Z, 2 run(s))"),
        "{out}"
    );
}

/// A one-message SMTP sink: answers a client's commands and returns the
/// message's DATA.
/// What the sink received: the RCPT TO lines and the DATA.
type Received = (Vec<String>, Vec<u8>);

fn smtp_sink() -> (String, std::thread::JoinHandle<Received>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("smtp://{}", l.local_addr().unwrap());
    let h = std::thread::spawn(move || {
        let (mut s, _) = l.accept().unwrap();
        let mut r = BufReader::new(s.try_clone().unwrap());
        s.write_all(b"220 sink ESMTP\r\n").unwrap();
        let mut rcpt = Vec::new();
        let mut data = Vec::new();
        loop {
            let mut line = String::new();
            if r.read_line(&mut line).unwrap() == 0 {
                break;
            }
            let up = line.to_ascii_uppercase();
            if up.starts_with("EHLO") || up.starts_with("HELO") {
                s.write_all(b"250-sink\r\n250 8BITMIME\r\n").unwrap();
            } else if up.starts_with("RCPT TO") {
                rcpt.push(line.trim().to_owned());
                s.write_all(b"250 ok\r\n").unwrap();
            } else if up.starts_with("DATA") {
                s.write_all(b"354 go\r\n").unwrap();
                loop {
                    let mut l = String::new();
                    r.read_line(&mut l).unwrap();
                    if l == ".\r\n" {
                        break;
                    }
                    data.extend_from_slice(l.as_bytes());
                }
                s.write_all(b"250 queued\r\n").unwrap();
            } else if up.starts_with("QUIT") {
                s.write_all(b"221 bye\r\n").unwrap();
                break;
            } else {
                s.write_all(b"250 ok\r\n").unwrap();
            }
        }
        (rcpt, data)
    });
    (url, h)
}

#[test]
fn email_goes_out_as_text_with_an_html_alternative() {
    let kb = SyncKb::new();
    watches(&kb);
    kb.sync();
    kb.run(&["digest"]);
    kb.server.set_day(2);
    kb.sync();
    let (url, sink) = smtp_sink();
    let (code, out, err) = kb.run(&["digest", "--email", "team@example.org", "--smtp", &url]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(err.contains("sent the digest to team@example.org"), "{err}");
    let (rcpt, data) = sink.join().unwrap();
    assert_eq!(rcpt, ["RCPT TO:<team@example.org>"]);
    let msg = mail_parser::MessageParser::default()
        .parse(&data[..])
        .unwrap();
    assert!(msg
        .subject()
        .unwrap()
        .starts_with("policygraph digest 2026-11-27:"));
    let text = msg.body_text(0).unwrap();
    let html = msg.body_html(0).unwrap();
    assert!(text.contains("us-nh-2025-sb-100"), "{text}");
    assert!(
        html.contains("<h2>everything</h2>") && html.contains("us-nh-2025-sb-100"),
        "{html}"
    );
    assert_eq!(msg.text_body_count(), 1);
    assert_eq!(msg.html_body_count(), 1);
    // Sent: the next digest has nothing, and sends nothing.
    let (code, _, err) = kb.run(&["digest", "--email", "team@example.org", "--smtp", &url]);
    assert_eq!(code, 1, "{err}");
    kb.assert_check_clean();
}

#[test]
fn the_site_publishes_a_feed_per_watch_and_one_of_all_changes() {
    let kb = SyncKb::new();
    watches(&kb);
    kb.sync();
    kb.run(&["digest"]);
    kb.server.set_day(2);
    kb.sync();
    let digest = kb.dir.path().join("digest.xml");
    let (code, _, err) = kb.run(&["digest", "--format", "atom", "-o", digest.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let site = kb.dir.path().join("site");
    let (code, out, err) = kb.run(&["site", "-o", site.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}\n{err}");
    let parse = |p: &std::path::Path| {
        feed_rs::parser::parse(&std::fs::read(p).unwrap()[..])
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
    };
    let ids = |f: &feed_rs::model::Feed| {
        f.entries
            .iter()
            .map(|e| e.id.clone())
            .collect::<BTreeSet<_>>()
    };
    // The watch's feed holds both digests' entries, with the digest's ids.
    let everything = parse(&site.join("feeds/watch-everything.xml"));
    let day2 = parse(&digest);
    let day2_everything: BTreeSet<String> = ids(&day2)
        .into_iter()
        .filter(|i| i.starts_with("urn:policygraph:watch:everything:"))
        .collect();
    assert!(!day2_everything.is_empty());
    assert!(ids(&everything).is_superset(&day2_everything));
    assert!(
        everything.entries.len() > day2_everything.len(),
        "day 1 is there too"
    );
    // All changes: each change once.
    let all = parse(&site.join("feeds/changes.xml"));
    let all_ids = ids(&all);
    assert_eq!(all_ids.len(), all.entries.len());
    assert!(all_ids
        .iter()
        .all(|i| i.starts_with("urn:policygraph:change:")));
    let keys = |s: &BTreeSet<String>| -> BTreeSet<String> {
        s.iter()
            .map(|i| i.rsplit(':').next().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        keys(&all_ids),
        keys(&ids(&everything)),
        "`everything` sees every change"
    );
    // Every page links the feeds, and the links resolve.
    let page = std::fs::read_to_string(site.join("en/index.html")).unwrap();
    for f in [
        "feeds/changes.xml",
        "feeds/watch-nh.xml",
        "feeds/watch-eo.xml",
    ] {
        let link = format!(
            "<link rel=\"alternate\" type=\"application/atom+xml\" title=\"policygraph: {}\" href=\"../{f}\">",
            if f == "feeds/changes.xml" { "all changes".to_owned() } else { f[12..f.len() - 4].to_owned() }
        );
        assert!(page.contains(&link), "{link}\n{page}");
        assert!(site.join(f).is_file());
    }
    // A second build writes the same feeds.
    let before = crate::sync::files_under(&site.join("feeds"));
    kb.run(&["site", "-o", site.to_str().unwrap()]);
    assert_eq!(crate::sync::files_under(&site.join("feeds")), before);
}

#[test]
fn deadlines_coming_within_the_horizon_or_missed_and_fields_before_and_after() {
    let kb = util::PrivateKb::copy_of(&util::fixture("clean"));
    let at = |day: &str, args: &[&str]| kb.run_env(&[("POLICYGRAPH_TODAY", day)], args);
    let json = |day: &str| {
        let (code, out, err) = at(day, &["digest", "--format", "json"]);
        let v: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}\n{err}"));
        (code, v)
    };
    let (code, _, err) = at("2025-12-01", &["watch", "add", "due", "--deadlines", "30"]);
    assert_eq!(code, 0, "{err}");
    // EO 14330's deadline of 2026-02-03 comes within 30 days.
    let (code, d) = json("2026-01-10");
    assert_eq!(code, 0, "{d}");
    let items = watch(&d, "due");
    assert_eq!(items.len(), 1, "{d}");
    assert_eq!(items[0]["kind"], "deadline_soon");
    assert_eq!(items[0]["date"], "2026-02-03");
    assert_eq!(items[0]["entity"], "eo-14330");
    // Said once.
    let (code, d) = json("2026-01-11");
    assert_eq!(code, 1, "{d}");
    // Nothing fulfils it any more, and it passes: missed. A renamed agency
    // and a new relation are news too, with the values before and after.
    kb.edit(
        "directives/eo-14330.ron",
        "fulfilled_by: [\"dol-guidance-2025\"]",
        "fulfilled_by: []",
    );
    kb.edit(
        "agencies/dol.ron",
        "name: \"Department of Labor\"",
        "name: \"U.S. Department of Labor\"",
    );
    kb.edit(
        "agencies/dol.ron",
        "(rel: administers, to: \"erisa\", source: 0),",
        "(rel: administers, to: \"erisa\", source: 0),\n        (rel: administers, to: \"hr-1234\", source: 0),",
    );
    let (code, d) = json("2026-02-10");
    assert_eq!(code, 0, "{d}");
    let items = watch(&d, "due");
    let missed: Vec<&Value> = items
        .iter()
        .filter(|i| i["kind"] == "deadline_missed")
        .collect();
    assert_eq!(missed.len(), 1, "{d}");
    assert_eq!(missed[0]["date"], "2026-02-03");
    let name = items
        .iter()
        .find(|i| i["kind"] == "field_changed" && i["entity"] == "dol")
        .unwrap_or_else(|| panic!("{d}"));
    assert_eq!(name["before"], "Department of Labor");
    assert_eq!(name["after"], "U.S. Department of Labor");
    assert!(items
        .iter()
        .any(|i| i["kind"] == "relation_added"
            && i["title"].as_str().unwrap().contains("administers")));
    // `--since REV` needs git; a day before any commit is refused clearly.
    let (code, _, err) = at("2026-02-10", &["digest", "--since", "2020-01-01"]);
    assert_eq!(code, 2, "{err}");
}
