use super::*;

const NUMBERS: &[&str] = &["2011-10732", "2012-7636", "2017-02762", "2019-22623"];

fn fixture(name: &str) -> Vec<u8> {
    let path = format!(
        "{}/tests/fixtures/fr-text/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn renditions(number: &str) -> Vec<(Rendition, String)> {
    ["htm", "html", "xml"]
        .iter()
        .map(|ext| {
            let (text, r) = normalise(&fixture(&format!("{number}.{ext}")), Some(number))
                .unwrap_or_else(|e| panic!("{number}.{ext}: {e}"));
            (r, text)
        })
        .collect()
}

#[test]
fn each_rendition_is_recognised() {
    let r = renditions("2017-02762");
    assert_eq!(
        r.iter().map(|(r, _)| *r).collect::<Vec<_>>(),
        [Rendition::PreHtml, Rendition::BodyHtml, Rendition::Xml]
    );
}

#[test]
fn three_renditions_give_the_same_sections_and_sentences() {
    for number in NUMBERS {
        let r = renditions(number);
        let outlines: Vec<_> = r.iter().map(|(_, t)| Outline::read(t)).collect();
        for (o, (rend, text)) in outlines.iter().zip(&r) {
            assert_eq!(
                o.sections, outlines[2].sections,
                "{number} {rend:?}:\n{text}"
            );
        }
        // The sentences of the body (from the first section on) agree, word for word.
        let body = |o: &Outline| -> Vec<String> {
            o.paragraphs
                .iter()
                .filter(|p| !p.section.is_empty() && !p.heading)
                .flat_map(|p| sentences(p.text))
                .map(|s| s.to_string())
                .collect()
        };
        let want = body(&outlines[2]);
        for (o, (rend, _)) in outlines.iter().zip(&r) {
            let got = body(o);
            for (a, b) in got.iter().zip(&want) {
                assert_eq!(a, b, "{number} {rend:?}");
            }
            assert_eq!(got.len(), want.len(), "{number} {rend:?}");
        }
    }
}

#[test]
fn page_breaks_and_filing_lines_are_dropped() {
    for (rend, text) in renditions("2017-02762") {
        assert!(!text.contains("[[Page"), "{rend:?}");
        assert!(!text.contains("Start Printed Page"), "{rend:?}");
        assert!(!text.contains("Billing code"), "{rend:?}");
        assert!(!text.contains("FR Doc"), "{rend:?}");
        assert!(
            text.contains("# Core Principles for Regulating the United States Financial System"),
            "{rend:?}:\n{text}"
        );
        assert!(text.contains("\n\nSec. 2. Directive to the Secretary of the Treasury. The Secretary of the Treasury shall consult"), "{rend:?}");
    }
}

#[test]
fn outline_lists_sections_with_headings() {
    let (text, _) = normalise(&fixture("2017-02762.xml"), None).unwrap_or_else(|e| panic!("{e}"));
    let o = Outline::read(&text);
    let got: Vec<(String, String)> = o
        .sections
        .iter()
        .map(|s| (s.label.clone(), s.heading.clone()))
        .collect();
    assert_eq!(
        got,
        [
            ("Sec. 1".into(), "Policy".into()),
            (
                "Sec. 2".into(),
                "Directive to the Secretary of the Treasury".into()
            ),
            ("Sec. 3".into(), "General Provisions".into())
        ]
    );
}

#[test]
fn hyphen_at_a_line_end_is_undone() {
    // A word broken at a line end is joined; a compound keeps its hyphen.
    let text = "Sec. 1. Policy. The Secretary shall estab-\n   lish a lower-\ncost pro-\ngram, and establish a program.\n";
    let (out, r) = normalise(text.as_bytes(), None).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r, Rendition::Plain);
    assert_eq!(out, "Sec. 1. Policy. The Secretary shall establish a lower-cost program, and establish a program.\n");
}

#[test]
fn bad_input_is_named() {
    assert!(matches!(
        normalise(b"abc\0def\x01\x02", None),
        Err(TextProblem::Binary { offset: 3, .. })
    ));
    assert!(matches!(
        normalise(b"Sec. 1. Caf\xe9 policy.", None),
        Err(TextProblem::NotUtf8 { latin1: true, .. })
    ));
    assert!(matches!(
        normalise(&[0xff, 0xfe, 0x80, 0x81, 0x90], None),
        Err(TextProblem::NotUtf8 { latin1: false, .. }) | Err(TextProblem::Binary { .. })
    ));
    assert_eq!(
        normalise(
            b"<html><body><h1>Page not found</h1><p>Sorry.</p></body></html>",
            None
        ),
        Err(TextProblem::NotFederalRegisterHtml)
    );
    assert!(matches!(
        normalise(b"<EXECORD><P>unclosed", None),
        Ok(_) | Err(TextProblem::Xml { .. })
    ));
    assert!(matches!(
        normalise(b"<EXECORD><P>a</Q></EXECORD>", None),
        Ok(_) | Err(TextProblem::Xml { .. })
    ));
    assert_eq!(
        normalise(&fixture("2017-02762.htm"), Some("2019-22623")),
        Err(TextProblem::OtherDocument {
            found: "2017-02762".into()
        })
    );
    assert_eq!(normalise(b"   \n\n", None), Err(TextProblem::Empty));
}

#[test]
fn ten_megabytes_in_linear_time() {
    // 10 MB of plain text and of XML; a quadratic step would take minutes.
    let para = "                The Secretary of Labor shall report to the President on the state of the \n                program within 90 days of the date of this order.\n\n";
    let text = para.repeat(10_000_000 / para.len());
    let t = std::time::Instant::now();
    let (out, _) = normalise(text.as_bytes(), None).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.len() > 5_000_000);
    let xml = format!(
        "<EXECORD>{}</EXECORD>",
        "<P>The Secretary of Labor shall report within 90 days.</P>\n".repeat(170_000)
    );
    let (out, _) = normalise(xml.as_bytes(), None).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.len() > 5_000_000);
    let html = format!(
        "<html><body>{}</body></html>",
        "<p id=\"p-1\">The Secretary of Labor shall report within 90 days.</p>\n".repeat(150_000)
    );
    let (out, _) = normalise(html.as_bytes(), None).unwrap_or_else(|e| panic!("{e}"));
    assert!(out.len() > 5_000_000);
    assert!(t.elapsed().as_secs() < 60, "{:?}", t.elapsed());
}

#[test]
fn sentences_split_by_rule() {
    let s = sentences("Sec. 2. Policy. The Secretary of the Treasury, in consultation with the U.S. Trade Representative, shall act under 12 U.S.C. 1811. The Director shall report; (b) the Attorney General shall review; and (c) no other.");
    assert_eq!(
        s,
        [
            "Sec. 2. Policy.",
            "The Secretary of the Treasury, in consultation with the U.S. Trade Representative, shall act under 12 U.S.C. 1811.",
            "The Director shall report;",
            "(b) the Attorney General shall review; and (c) no other."
        ]
    );
}
