//! Relations read from a document's text that contradict the hand-written
//! entity: the text says an order directs an agency (an imported file's
//! `directs` with `confidence: extracted`), and the hand-written entity it
//! enriches does not list that agency as directed. The merge keeps both
//! (the hand-written relations first); `check` reports each such agency as
//! a note (`extracted-contradiction`) naming both sources, the sentence
//! the text says it in, and what the hand-written entity says instead, so
//! that a reader can correct one or the other. A note is never an error,
//! and `--deny-warnings` does not count it.

use super::locate::{Index, Key, Located};
use crate::diag::Diagnostic;
use crate::load::{Loaded, SourceFile};
use crate::model::{Confidence, RelationKind};

/// Notes for each extracted `directs` of `over` that the hand-written
/// `base` does not state (it lists the agency under another relation, or
/// not at all).
pub(crate) fn contradictions<'f>(
    base: &Loaded,
    over: &Loaded,
    files: &[SourceFile],
    located: &dyn Fn(usize) -> &'f Located<'f>,
    diags: &mut Vec<Diagnostic>,
) {
    let (b, o) = (&base.entity, &over.entity);
    if b.provenance.is_some() {
        return;
    }
    let base_path = files[base.file].path.display().to_string();
    for (i, r) in o.relations.iter().enumerate() {
        if r.rel != RelationKind::Directs || r.confidence != Confidence::Extracted {
            continue;
        }
        if b.relations
            .iter()
            .any(|c| c.rel == RelationKind::Directs && c.to == r.to)
        {
            continue;
        }
        let quote = r.evidence.as_ref().map_or_else(String::new, |e| {
            let section = if e.section.is_empty() {
                String::new()
            } else {
                format!(" ({})", e.section)
            };
            format!(": \"{}\"{section}", e.quote)
        });
        let mut d = Diagnostic::note(
            "extracted-contradiction",
            located(over.file).value(&[Key("relations"), Index(i)]),
            format!(
                "the text of `{}` directs `{}`{quote}, but the hand-written entity in `{base_path}` does not list `{}` as directed",
                o.id, r.to, r.to
            ),
        )
        .with_label("read from the text");
        // What the hand-written entity says of that agency instead, if
        // anything; else its relations.
        match b.relations.iter().position(|c| c.to == r.to) {
            Some(j) => {
                d = d.with_related(
                    located(base.file).value(&[Key("relations"), Index(j)]),
                    format!("hand-written: {} `{}`", b.relations[j].rel, r.to),
                );
            }
            None => {
                d = d.with_related(
                    located(base.file).key(&[Key("relations")]),
                    "hand-written relations",
                );
            }
        }
        diags.push(d.with_help(
            "read the sentence: add the `directs` to the hand-written entity, or, if the text does not give the agency a duty, note why",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::check::tests::{agency, found, run};
    use crate::diag::Severity;

    #[test]
    fn an_extracted_duty_the_hand_written_order_lacks_is_a_note() {
        let hand = "(id: \"eo-1\", kind: executive_order, name: \"EO 1\", jurisdiction: \"US\", summary: \"\",\n    relations: [(rel: directs, to: \"labor\", source: 0), (rel: consults, to: \"treasury\", source: 0)],\n    sources: [(title: \"s\", url: \"https://www.federalregister.gov/\")])\n";
        let imported = "(id: \"eo-1\", kind: executive_order, name: \"EO 1\", jurisdiction: \"US\", summary: \"\",\n    relations: [\n        (rel: directs, to: \"labor\", confidence: extracted, evidence: (section: \"Sec. 2\", quote: \"The Secretary of Labor shall act.\")),\n        (rel: directs, to: \"treasury\", confidence: extracted, evidence: (section: \"Sec. 3\", quote: \"The Secretary of the Treasury shall report.\")),\n        (rel: directs, to: \"sec\", confidence: extracted, evidence: (section: \"\", quote: \"The Commission shall act.\")),\n        (rel: directs, to: \"sec\", source: 0),\n    ],\n    sources: [(title: \"api\")],\n    provenance: (importer: \"federal-register\", from: \"f\", retrieved: \"2025-01-05\"))\n";
        let (labor, treasury, sec) = (
            agency("labor", ""),
            agency("treasury", ""),
            agency("sec", ""),
        );
        let c = run(&[
            ("a/labor.ron", &labor),
            ("a/sec.ron", &sec),
            ("a/treasury.ron", &treasury),
            ("d/eo-1.ron", hand),
            ("imported/eo-1.ron", imported),
        ]);
        // Labor agrees; Treasury is consulted by hand and directed by the
        // text; the SEC is not in the hand-written entity at all. The
        // imported relation without `extracted` is not a reading.
        assert_eq!(
            found(&c),
            [
                (
                    "extracted-contradiction",
                    "imported/eo-1.ron:4:9".to_owned()
                ),
                (
                    "extracted-contradiction",
                    "imported/eo-1.ron:5:9".to_owned()
                ),
            ]
        );
        assert!(c.diagnostics.iter().all(|d| d.severity == Severity::Note));
        assert_eq!((c.errors(), c.warnings(), c.notes()), (0, 0, 2));
        assert!(c.corpus.is_some());
        let m = &c.diagnostics[0].message;
        assert!(
            m.contains("The Secretary of the Treasury shall report.") && m.contains("(Sec. 3)"),
            "{m}"
        );
        assert_eq!(
            c.diagnostics[0].related[0].label,
            "hand-written: consults `treasury`"
        );
        assert_eq!(c.diagnostics[1].related[0].label, "hand-written relations");
        assert_eq!(
            c.diagnostics[1].related[0]
                .location
                .path
                .display()
                .to_string(),
            "d/eo-1.ron"
        );
        // Two imported files (no hand-written one): nothing to contradict.
        let c = run(&[
            ("a/labor.ron", &labor),
            ("a/sec.ron", &sec),
            ("a/treasury.ron", &treasury),
            ("imported/x/eo-1.ron", imported),
            (
                "imported/y/eo-1.ron",
                &imported.replace("federal-register", "other"),
            ),
        ]);
        assert!(
            found(&c)
                .iter()
                .all(|(code, _)| *code != "extracted-contradiction"),
            "{:?}",
            found(&c)
        );
    }
}
