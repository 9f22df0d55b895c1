//! The site at a real size (issue 25): long lists are paged and a long
//! year of the timeline is split by month, so that no page grows with the
//! corpus. On a synthetic corpus large enough that a kind, a year and a
//! kind's timeline each outgrow one page: every HTML page is under 1 MB
//! and no list or timeline page has more than 500 rows, and every page of
//! a paged list is linked from its siblings.

use std::path::Path;

use crate::util::{self, PrivateKb};

/// Rows on one page (`src/site/pages.rs`, `PAGE_ROWS`).
const PAGE_ROWS: usize = 500;

fn html_files(dir: &Path) -> Vec<(String, String)> {
    util::site_files(dir)
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect()
}

#[test]
fn no_page_grows_with_the_corpus() {
    let kb = PrivateKb::synth(2400);
    let out = kb.dir.path().join("site");
    let (code, _, err) = kb.run(&[
        "site",
        "-o",
        out.to_str().unwrap(),
        "--diagrams",
        "builtin",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0, "{err}");
    let files = html_files(&out);
    let mut paged = 0;
    let mut months = 0;
    for (path, html) in &files {
        assert!(html.len() < 1_000_000, "{path} is {} bytes", html.len());
        let rows = html.matches("<tr><td").count();
        assert!(rows <= PAGE_ROWS, "{path} has {rows} rows");
        if path.contains("-p2.html") {
            paged += 1;
        }
        if path.starts_with("en/timeline/") && path.len() == "en/timeline/2025-07.html".len() {
            months += 1;
        }
        // Every page a pager names exists beside it.
        if let Some(i) = html.find("class=\"pager\"") {
            let nav = &html[i..html[i..].find("</nav>").map_or(html.len(), |j| i + j)];
            let dir = Path::new(path).parent().unwrap();
            for href in nav.split("href=\"").skip(1) {
                let target = &href[..href.find('"').unwrap()];
                assert!(
                    out.join(dir).join(target).is_file(),
                    "{path} links to a missing page {target}"
                );
            }
        }
    }
    assert!(paged >= 2, "no list was paged");
    assert!(months >= 1, "no year was split by month");
    // The footer dates the knowledge by its latest event, not only by the
    // build day.
    let home = std::fs::read_to_string(out.join("en/index.html")).unwrap();
    assert!(
        home.contains("latest event recorded <time datetime=\""),
        "{home}"
    );
    // The kind list is cut, and its first page is still at its address.
    let first = std::fs::read_to_string(out.join("en/kind/bill.html")).unwrap();
    assert!(first.contains("bill-p2.html"), "no pager on kind/bill.html");
}
