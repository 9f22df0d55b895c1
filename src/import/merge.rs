//! The merge rules for imported files: several files of one id (one
//! hand-written at most, one per importer) are one entity. `base_rank`
//! picks the file the others merge into, [`merge`] folds each of the others
//! into it, and `check_enrichment` reports where two of them disagree
//! (kind, dated facts, official identifiers). `check` applies these rules
//! when it builds a corpus; the importers write files on the understanding
//! that they are merged this way.

use crate::check::a;
use crate::check::locate::{Index, Key, Located};
use crate::diag::Diagnostic;
use crate::load::SourceFile;
use crate::model::{self, Entity, Kind, Stage};

/// Which of the files of one id is the base the others merge into: the
/// hand-written one (0), else the first complete import (1), else the first
/// placeholder (2), so that a placeholder's stand-in name and notes do not
/// hide the record itself.
pub(crate) fn base_rank(e: &Entity) -> u8 {
    match &e.provenance {
        None => 0,
        Some(p) if !p.incomplete => 1,
        Some(_) => 2,
    }
}

/// Who wrote an entity's file: `None` by hand, else the importer.
pub(crate) fn importer_of(e: &Entity) -> Option<&str> {
    e.provenance.as_ref().map(|p| p.importer.as_str())
}

/// The stages whose date is a fact of record: when the official data and
/// the hand-written entity both give one, and the days differ, `check`
/// warns.
fn dated_once(stage: Stage) -> bool {
    matches!(
        stage,
        Stage::Signed
            | Stage::Published
            | Stage::Proposed
            | Stage::Final
            | Stage::Effective
            | Stage::CommentClosed
            | Stage::Enacted
            | Stage::Vetoed
    )
}

/// Identifier schemes an entity has one value of.
fn single_valued(scheme: model::IdScheme) -> bool {
    use model::IdScheme::*;
    matches!(
        scheme,
        ExecutiveOrder | FederalRegister | FrDoc | FrAgency | FrAgencyId
    )
}

/// Rules across a hand-written entity and the imported file that enriches
/// it: the same kind, and no disagreement on a dated fact or an official
/// identifier. Disagreements are warnings that name both sources; the
/// hand-written value is kept first.
pub(crate) fn check_enrichment<'f>(
    base: &crate::load::Loaded,
    over: &crate::load::Loaded,
    files: &[SourceFile],
    located: &dyn Fn(usize) -> &'f Located<'f>,
    diags: &mut Vec<Diagnostic>,
) {
    let (b, o) = (&base.entity, &over.entity);
    let over_path = files[over.file].path.display().to_string();
    let base_path = files[base.file].path.display().to_string();
    // Two imports of one bill from two sources, or an import and the
    // hand-written entity: the words differ.
    let by_hand = b.provenance.is_none();
    let (base_entity, here, base_label, help) = if by_hand {
        (
            "the hand-written entity".to_owned(),
            "here".to_owned(),
            "hand-written",
            "check both sources; correct the hand-written {}, or note why they differ",
        )
    } else {
        (
            "the imported entity".to_owned(),
            format!("in the imported record `{base_path}`"),
            "first imported",
            "the two sources disagree on this {}; both stay on the timeline, so check which is right before quoting either",
        )
    };
    // One source may know of the enactment before another: an enacted
    // bill is a statute (see `merge`).
    let enacted_in_one = !by_hand
        && matches!(
            (b.kind, o.kind),
            (Kind::Bill, Kind::Statute) | (Kind::Statute, Kind::Bill)
        );
    if b.kind != o.kind && !enacted_in_one {
        diags.push(
            Diagnostic::error(
                "enrich-kind",
                located(over.file).value(&[Key("kind")]),
                format!(
                    "imported `{}` is {}, but {base_entity} in `{base_path}` is {}",
                    o.id,
                    a(o.kind),
                    a(b.kind)
                ),
            )
            .with_label("kind differs")
            .with_related(
                located(base.file).value(&[Key("kind")]),
                format!("{base_label} kind"),
            )
            .with_help(if by_hand {
                "an imported file enriches the hand-written entity with the same id; fix the kind, or re-import"
            } else {
                "two sources give this id different kinds; check both records, and remove the file of the source that is wrong"
            }),
        );
    }
    let title = |e: &Entity, src: Option<usize>| {
        src.and_then(|i| e.sources.get(i))
            .map(|s| match &s.url {
                Some(u) => format!("{} <{u}>", s.title),
                None => s.title.clone(),
            })
            .unwrap_or_else(|| "no source given".to_owned())
    };
    for (oi, oe) in o.events.iter().enumerate() {
        if !dated_once(oe.stage) {
            continue;
        }
        let same: Vec<(usize, &model::Event)> = b
            .events
            .iter()
            .enumerate()
            .filter(|(_, be)| be.stage == oe.stage)
            .collect();
        if same.is_empty() || same.iter().any(|(_, be)| be.date == oe.date) {
            continue;
        }
        let (bi, be) = same[0];
        diags.push(
            Diagnostic::warning(
                "date-conflict",
                located(base.file).value(&[Key("events"), Index(bi), Key("date")]),
                format!(
                    "`{}` is `{}` on {} {here} (source: {}), but on {} in the imported record `{over_path}` (source: {})",
                    b.id,
                    oe.stage,
                    be.date,
                    title(b, be.source),
                    oe.date,
                    title(o, oe.source)
                ),
            )
            .with_label(format!("{base_label} date"))
            .with_related(
                located(over.file).value(&[Key("events"), Index(oi), Key("date")]),
                "official date",
            )
            .with_help(help.replace("{}", "event")),
        );
    }
    for (oi, oid) in o.identifiers.iter().enumerate() {
        if !single_valued(oid.scheme) {
            continue;
        }
        let mine: Vec<(usize, &model::Identifier)> = b
            .identifiers
            .iter()
            .enumerate()
            .filter(|(_, x)| x.scheme == oid.scheme)
            .collect();
        if mine.is_empty() || mine.iter().any(|(_, x)| same_ident(&x.value, &oid.value)) {
            continue;
        }
        let (bi, bid) = mine[0];
        diags.push(
            Diagnostic::warning(
                "identifier-conflict",
                located(base.file).value(&[Key("identifiers"), Index(bi), Key("value")]),
                format!(
                    "`{}` has {} `{}` {here}, but `{}` in the imported record `{over_path}`",
                    b.id, oid.scheme, bid.value, oid.value
                ),
            )
            .with_label(format!("{base_label} identifier"))
            .with_related(
                located(over.file).value(&[Key("identifiers"), Index(oi), Key("value")]),
                "official identifier",
            )
            .with_help(help.replace("{}", "identifier")),
        );
    }
}

/// Whether two identifier values are the same once case, spaces and dots
/// are set aside (`90 FR 38921` and `90 fr 38921`).
fn same_ident(a: &str, b: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric() || *c == '-')
            .flat_map(char::to_lowercase)
            .collect()
    };
    norm(a) == norm(b)
}

/// Merges an imported file into the hand-written entity it enriches. The
/// hand-written entity keeps its kind, names, summary, notes and
/// everything it says; the import adds its identifiers, events, relations,
/// deadlines, sources, tags and notes, leaving out what the hand-written
/// entity already says (the same identifier; an event of the same stage on
/// the same day; the same relation to the same entity). Source indices of
/// the import are renumbered after the hand-written sources.
///
/// A bill imported from two sources (one file under each importer's
/// directory, with one id) is merged the same way into the first file in
/// path order, except that an enactment one source knows of makes the
/// bill a statute.
pub fn merge(base: &mut Entity, over: Entity) {
    if base.provenance.is_some() && base.kind == Kind::Bill && over.kind == Kind::Statute {
        base.kind = Kind::Statute;
    }
    let mut map = Vec::with_capacity(over.sources.len());
    for s in over.sources {
        let known = base
            .sources
            .iter()
            .position(|b| b.url.is_some() && b.url == s.url && b.title == s.title);
        map.push(known.unwrap_or_else(|| {
            base.sources.push(s);
            base.sources.len() - 1
        }));
    }
    let remap = |i: Option<usize>| i.and_then(|i| map.get(i).copied());
    // A placeholder's name and notes only stand in for the record itself.
    let stand_in = over.provenance.as_ref().is_some_and(|p| p.incomplete);
    if !stand_in && over.name != base.name && !base.aliases.contains(&over.name) {
        base.aliases.push(over.name);
    }
    for a in over.aliases {
        if a != base.name && !base.aliases.contains(&a) {
            base.aliases.push(a);
        }
    }
    if base.summary.trim().is_empty() {
        base.summary = over.summary;
    }
    // The hand-written text, if any, wins; otherwise the imported one.
    if base.text.is_none() {
        base.text = over.text;
    }
    for id in over.identifiers {
        if !base
            .identifiers
            .iter()
            .any(|b| b.scheme == id.scheme && same_ident(&b.value, &id.value))
        {
            base.identifiers.push(id);
        }
    }
    // Compared with the hand-written events only: an import may hold two
    // actions of one day and stage (two `action` events, say).
    let curated_events = base.events.len();
    for mut ev in over.events {
        if base.events[..curated_events]
            .iter()
            .any(|b| b.date == ev.date && b.stage == ev.stage)
        {
            continue;
        }
        ev.source = remap(ev.source);
        base.events.push(ev);
    }
    // Stable: the hand-written event comes first on a shared day.
    base.events.sort_by_key(|e| e.date);
    for mut r in over.relations {
        if base
            .relations
            .iter()
            .any(|b| b.rel == r.rel && b.to == r.to)
        {
            continue;
        }
        r.source = remap(r.source);
        base.relations.push(r);
    }
    for mut d in over.deadlines {
        if base
            .deadlines
            .iter()
            .any(|b| b.due == d.due && b.owner == d.owner && b.kind == d.kind)
        {
            continue;
        }
        d.source = remap(d.source);
        base.deadlines.push(d);
    }
    for t in over.tags {
        if !base.tags.contains(&t) {
            base.tags.push(t);
        }
    }
    for n in over.notes {
        if !stand_in && !base.notes.contains(&n) {
            base.notes.push(n);
        }
    }
    if base.session.is_none() {
        base.session = over.session;
    }
    for s in over.sponsors {
        if !base.sponsors.iter().any(|b| b.name == s.name) {
            base.sponsors.push(s);
        }
    }
    // One provenance stands for all: the first complete record's.
    if base.provenance.as_ref().is_none_or(|p| p.incomplete) {
        base.provenance = over.provenance;
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use crate::check::tests::{agency, found, run};
    use crate::model::Kind;

    #[test]
    fn an_imported_file_enriches_the_hand_written_entity() {
        let hand = agency("a", "    summary: \"mine\",\n    events: [(date: \"2025-01-02\", stage: published, source: 0)],\n");
        let imported = |kind: &str, date: &str| {
            format!("(id: \"a\", kind: {kind}, name: \"Official\", jurisdiction: \"US\", summary: \"theirs\",\n    identifiers: [(scheme: fr_agency, value: \"x\")],\n    events: [(date: \"{date}\", stage: published, source: 0)],\n    sources: [(title: \"api\")],\n    provenance: (importer: \"t\", from: \"f\", retrieved: \"2025-01-05\"))\n")
        };
        // Same day: merged quietly; the hand-written summary stays.
        let c = run(&[
            ("imported/a.ron", &imported("agency", "2025-01-02")),
            ("z/a.ron", &hand),
        ]);
        assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
        let corpus = c.corpus.unwrap();
        let e = corpus.get("a").unwrap();
        assert_eq!((e.summary.as_str(), e.events.len()), ("mine", 1));
        assert_eq!(e.aliases, ["Official"]);
        assert_eq!(e.sources.len(), 2);
        assert!(e.provenance.is_some());
        assert_eq!(corpus.paths[0], PathBuf::from("z/a.ron"));
        // Another day: both kept, a warning at the hand-written date.
        let c = run(&[
            ("z/a.ron", &hand),
            ("imported/a.ron", &imported("agency", "2025-01-03")),
        ]);
        assert_eq!(found(&c), [("date-conflict", "z/a.ron:7:21".to_owned())]);
        assert_eq!(c.corpus.unwrap().get("a").unwrap().events.len(), 2);
        // Another kind: an error.
        let c = run(&[
            ("z/a.ron", &hand),
            ("imported/a.ron", &imported("office", "2025-01-02")),
        ]);
        assert_eq!(
            found(&c),
            [("enrich-kind", "imported/a.ron:1:17".to_owned())]
        );
        // Two imported files, or two hand-written ones: duplicates.
        let i = imported("agency", "2025-01-02");
        let c = run(&[("x/a.ron", &i), ("y/a.ron", &i)]);
        assert_eq!(found(&c)[0].0, "duplicate-id");
        let c = run(&[("x/a.ron", &hand), ("y/a.ron", &i), ("z/a.ron", &i)]);
        assert_eq!(found(&c)[0].0, "duplicate-id");
    }

    /// A bill from two importers is one entity, whichever file comes first
    /// and with or without a hand-written one; two files of one importer,
    /// or two hand-written ones, are duplicates.
    #[test]
    fn files_of_one_id_from_different_writers_merge() {
        let bill = |kind: &str, importer: &str, date: &str, stage: &str, ident: &str| {
            format!(
                "(id: \"b\", kind: {kind}, name: \"B\", jurisdiction: \"US\", summary: \"\",\n    identifiers: [(scheme: other, value: \"{ident}\")],\n    events: [(date: \"{date}\", stage: {stage}, source: 0)],\n    sources: [(title: \"{importer}\")],\n    provenance: (importer: \"{importer}\", from: \"f\", retrieved: \"2025-08-01\"))\n"
            )
        };
        let os = bill(
            "bill",
            "openstates",
            "2025-06-17",
            "passed_one_chamber",
            "ocd-bill/x",
        );
        let cg = bill("statute", "congress", "2025-07-18", "signed", "s1582-119");
        let cg_bill = bill("bill", "congress", "2025-07-18", "signed", "s1582-119");
        let cg_same_day = bill(
            "bill",
            "congress",
            "2025-06-17",
            "passed_one_chamber",
            "s1582-119",
        );
        let hand = "(id: \"b\", kind: bill, name: \"Hand\", jurisdiction: \"US\", summary: \"Ours.\",\n    sources: [(title: \"s\", url: \"https://www.congress.gov/\")])\n";
        for files in [
            vec![
                ("imported/openstates/b.ron", os.as_str()),
                ("imported/congress/b.ron", cg.as_str()),
            ],
            // The importer gives an enriching file the hand-written kind.
            vec![
                ("imported/congress/b.ron", cg_bill.as_str()),
                ("imported/openstates/b.ron", os.as_str()),
                ("z/b.ron", hand),
            ],
        ] {
            let c = run(&files);
            assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
            let corpus = c.corpus.unwrap();
            assert_eq!(corpus.len(), 1);
            let e = &corpus.entities[0];
            assert_eq!(e.identifiers.len(), 2, "{e:?}");
            assert_eq!(e.events.len(), 2, "{e:?}");
            if files.len() == 3 {
                assert_eq!((e.kind, e.summary.as_str()), (Kind::Bill, "Ours."));
            } else {
                // Congress knows of the enactment: a statute.
                assert_eq!(e.kind, Kind::Statute);
            }
        }
        // The same passage from both: once.
        let c = run(&[
            ("imported/openstates/b.ron", &os),
            ("imported/congress/b.ron", &cg_same_day),
        ]);
        assert_eq!(c.corpus.unwrap().entities[0].events.len(), 1);
        // One importer twice, or two hand-written files: duplicates.
        let c = run(&[
            ("imported/congress/a/b.ron", &cg),
            ("imported/congress/c/b.ron", &cg),
        ]);
        assert_eq!(found(&c)[0].0, "duplicate-id");
        let c = run(&[
            ("a/b.ron", hand),
            ("imported/congress/b.ron", &cg_bill),
            ("z/b.ron", hand),
        ]);
        assert_eq!(found(&c), [("duplicate-id", "z/b.ron:1:6".to_owned())]);
    }

    /// A placeholder that sorts first does not become the base of a bill
    /// from two sources, and a bill one source knows was enacted is a
    /// statute for the relation rules too.
    #[test]
    fn a_placeholder_is_no_base_and_an_enactment_counts_for_relations() {
        let file = |kind: &str, importer: &str, name: &str, incomplete: bool| {
            format!(
                "(id: \"b\", kind: {kind}, name: \"{name}\", jurisdiction: \"US\", summary: \"\",\n    events: [(date: \"2025-06-17\", stage: introduced, source: 0)],\n    sources: [(title: \"{importer}\")],\n    notes: [\"{importer} note\"],\n    provenance: (importer: \"{importer}\", from: \"f\", retrieved: \"2025-08-01\", incomplete: {incomplete}))\n"
            )
        };
        let stub = file("bill", "congress", "S 1 (US 119)", true);
        let whole = file("bill", "openstates", "Real Title", false);
        let c = run(&[
            ("imported/congress/b.ron", &stub),
            ("imported/openstates/b.ron", &whole),
        ]);
        assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
        let corpus = c.corpus.unwrap();
        let e = &corpus.entities[0];
        assert_eq!(e.name, "Real Title");
        assert!(
            !e.aliases.contains(&"S 1 (US 119)".to_owned()),
            "{:?}",
            e.aliases
        );
        assert_eq!(e.notes, ["openstates note"]);
        assert_eq!(corpus.paths[0], PathBuf::from("imported/openstates/b.ron"));

        // `administers` may point at a statute, not at a bill.
        let dol = agency("dol", "    relations: [(rel: administers, to: \"b\")],\n");
        let bill = file("bill", "congress", "B", false);
        let enacted = file("statute", "openstates", "B", false);
        let c = run(&[("dol.ron", &dol), ("imported/congress/b.ron", &bill)]);
        assert_eq!(found(&c)[0].0, "relation-kinds");
        let c = run(&[
            ("dol.ron", &dol),
            ("imported/congress/b.ron", &bill),
            ("imported/openstates/b.ron", &enacted),
        ]);
        assert!(c.diagnostics.is_empty(), "{:?}", c.diagnostics);
        assert_eq!(c.corpus.unwrap().get("b").unwrap().kind, Kind::Statute);
    }
}
