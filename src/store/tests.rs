use super::*;
use crate::check::Corpus;
use crate::model::Date;
use crate::model::Entity;
use std::path::{Path, PathBuf};
use tantivy::{Index, TantivyDocument};

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A borrowed node is stored in the bytes of the owned one, so that the
/// snapshot reads back what indexing wrote.
#[test]
fn borrowed_nodes_encode_as_owned() {
    let checked = crate::check::check_dir(Path::new("knowledge")).unwrap();
    let corpus = checked.corpus.unwrap();
    let refs = node_refs(&corpus);
    assert_eq!(refs.len(), corpus.len());
    assert!(refs.iter().any(|n| !n.incoming.is_empty()));
    for n in &refs {
        let bytes = postcard::to_stdvec(n).unwrap();
        let back: Node = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, n.to_node());
        assert_eq!(postcard::to_stdvec(&back.as_ref()).unwrap(), bytes);
    }
}

/// Equal scores make the `--limit` cut the same way whatever order
/// the documents were stored in (indexing threads take them in no
/// fixed order).
#[test]
fn equal_scores_cut_the_same_whatever_the_document_order() {
    let items: Vec<(Entity, PathBuf)> = (0..30)
        .map(|i| {
            let id = format!("widget-{i:02}");
            let text = format!(
                r#"(id: "{id}", kind: program, name: "Widget Program", jurisdiction: "US",
                        summary: "A widget.", sources: [(title: "T", url: "https://example.org")])"#
            );
            let rel = PathBuf::from(format!("{id}.ron"));
            (crate::load::parse_entity(&rel, &text).unwrap(), rel)
        })
        .collect();
    let corpus = Corpus::from_validated(items);
    let refs = node_refs(&corpus);
    let mut picks = Vec::new();
    for reverse in [false, true] {
        let tmp = tempfile::tempdir().unwrap();
        let gen = tmp.path().join("gen-test");
        std::fs::create_dir_all(&gen).unwrap();
        let (schema, f) = Fields::schema();
        let index = Index::create_in_dir(&gen, schema).unwrap();
        crate::text::register_tokenizers(&index);
        let mut writer = index
            .writer_with_num_threads::<TantivyDocument>(1, 50_000_000)
            .unwrap();
        let mut order: Vec<&NodeRef> = refs.iter().collect();
        if reverse {
            order.reverse();
        }
        for n in order {
            writer
                .add_document(document(&f, n, Date::today()).unwrap())
                .unwrap();
        }
        let mut prepared = writer.prepare_commit().unwrap();
        prepared.set_payload(&payload(&format!("v{FORMAT_VERSION}-test"), None));
        prepared.commit().unwrap();
        drop(index);
        seal(&gen).unwrap();
        std::fs::write(tmp.path().join("CURRENT"), "gen-test").unwrap();
        let store = Store::open(tmp.path()).unwrap().unwrap();
        let opts = crate::search::SearchOptions {
            query: "widget".into(),
            limit: 3,
            ..Default::default()
        };
        let res = crate::search::search(&store, &opts, None).unwrap();
        assert_eq!(res.total, 30);
        let scores: Vec<f32> = res.hits.iter().map(|h| h.score).collect();
        assert!(scores.windows(2).all(|w| w[0] == w[1]), "{scores:?}");
        picks.push(res.hits.iter().map(|h| h.id.clone()).collect::<Vec<_>>());
    }
    assert_eq!(picks[0], picks[1]);
}

/// The quick fingerprint (no list) and the one made from the sorted
/// list agree, and both see an edit, an addition and a rename.
#[test]
fn quick_fingerprint_matches_scan() {
    let tmp = tempfile::tempdir().unwrap();
    let k = tmp.path();
    write(k, "a.ron", "one");
    write(k, "agency/dol.ron", "two");
    write(k, "agency/deep/ebsa.ron", "three");
    write(k, "notes.md", "ignored");
    write(k, "agency/dol.txt", "a text, counted with its entity");
    let both = || {
        let quick = fingerprint(k).unwrap();
        let listed = scan(k).unwrap();
        assert_eq!(quick, fingerprint_of(&listed));
        (quick, listed)
    };
    let (first, listed) = both();
    assert_eq!(
        listed.iter().map(|f| f.0.as_str()).collect::<Vec<_>>(),
        [
            "a.ron",
            "agency/deep/ebsa.ron",
            "agency/dol.ron",
            "agency/dol.txt"
        ]
    );
    assert!(first.starts_with(&format!("v{FORMAT_VERSION}-4-")));
    write(k, "notes.md", "still ignored");
    assert_eq!(both().0, first);
    write(k, "agency/dol.txt", "a text, edited by hand");
    let text_edited = both().0;
    assert_ne!(text_edited, first);
    write(k, "agency/dol.ron", "two, longer");
    let edited = both().0;
    assert_ne!(edited, first);
    std::fs::rename(k.join("agency/dol.ron"), k.join("agency/dol2.ron")).unwrap();
    let renamed = both().0;
    assert_ne!(renamed, edited);
    write(k, "b.ron", "four");
    assert!(both().0.starts_with(&format!("v{FORMAT_VERSION}-5-")));
}

/// The store answers `list --status` (from the stored statuses today,
/// from the `stage` field on another day) and `timeline --entity` (from
/// the nodes around the entity) exactly as the whole corpus in memory
/// does, for every stage, every entity and several days.
#[test]
fn store_answers_status_lists_and_timelines_like_the_corpus() {
    use crate::model::Stage;
    use crate::track::{timeline, timeline_around, TimelineFilter};
    let tmp = tempfile::tempdir().unwrap();
    let done = refresh(
        Path::new("knowledge"),
        &tmp.path().join("index"),
        &Options::default(),
    )
    .unwrap();
    let store = done.store;
    let corpus = store.corpus().unwrap();
    let today = Date::today();
    let days = [
        None,
        Some("2025-01-01".parse::<Date>().unwrap()),
        Some("2025-07-18".parse::<Date>().unwrap()),
        Some(today),
    ];
    let mut compared = 0;
    for as_of in days {
        let day = as_of.unwrap_or(today);
        for &stage in Stage::ALL {
            let filter = ListFilter {
                statuses: vec![stage],
                as_of,
                ..ListFilter::default()
            };
            let got: Vec<String> = store
                .list(&filter)
                .unwrap()
                .into_iter()
                .map(|n| n.entity.id)
                .collect();
            let want: Vec<String> = corpus
                .entities
                .iter()
                .filter(|e| e.exists_on(as_of))
                .filter(|e| e.kind.has_status() && e.status(Some(day)) == Some(stage))
                .map(|e| e.id.clone())
                .collect();
            assert_eq!(got, want, "list --status {} as of {as_of:?}", stage.name());
            compared += want.len();
        }
        for e in &corpus.entities {
            for depth in [0, 1, 2] {
                let filter = TimelineFilter {
                    as_of,
                    depth,
                    entity: Some(e.id.clone()),
                    ..TimelineFilter::default()
                };
                let want = timeline(&corpus, &filter).unwrap();
                let got = timeline_around(&store, &e.id, &filter).unwrap();
                assert_eq!(got, want, "timeline --entity {} --depth {depth}", e.id);
            }
        }
    }
    assert!(compared > 50, "only {compared} entities had a status");

    // A timeline filtered by days, kinds and jurisdiction, from the
    // entities the index finds: the same as from the whole corpus.
    use crate::model::Kind;
    let day = |s: &str| Some(s.parse::<Date>().unwrap());
    let mut shown = 0;
    for (since, until, as_of) in [
        (None, None, None),
        (day("2025-07-01"), None, None),
        (None, day("2025-03-31"), None),
        (day("2025-01-01"), day("2025-12-31"), day("2025-08-15")),
        (day("2026-01-01"), None, None),
    ] {
        for kinds in [vec![], vec![Kind::Bill, Kind::Statute], vec![Kind::Agency]] {
            for jurisdiction in [None, Some("US"), Some("US-"), Some("TX")] {
                let filter = TimelineFilter {
                    since,
                    until,
                    as_of,
                    kinds: kinds.clone(),
                    jurisdiction: jurisdiction.map(str::to_owned),
                    ..TimelineFilter::default()
                };
                let want = timeline(&corpus, &filter).unwrap();
                let last = match (until, as_of) {
                    (Some(u), Some(a)) => Some(u.min(a)),
                    (u, a) => u.or(a),
                };
                let nodes = store.dated(&kinds, jurisdiction, since, last).unwrap();
                let got =
                    crate::track::timeline_of(nodes.iter().map(|n| &n.entity), &filter).unwrap();
                assert_eq!(
                    got, want,
                    "{since:?} {until:?} {as_of:?} {kinds:?} {jurisdiction:?}"
                );
                shown += want.len();
            }
        }
    }
    assert!(shown > 100, "only {shown} events in all");

    // Deadlines from the entities that set them, with the owners and
    // fulfillers looked up: the same as from the whole corpus.
    use crate::track::{deadlines, deadlines_of, DeadlineFilter};
    use std::collections::HashMap;
    let setters = store.with_deadlines().unwrap();
    assert!(setters.iter().all(|n| !n.entity.deadlines.is_empty()));
    let by_id: HashMap<&str, &Entity> =
        corpus.entities.iter().map(|e| (e.id.as_str(), e)).collect();
    let mut judged = 0;
    for as_of in ["2025-01-01", "2025-09-01", "2026-07-19", "2030-01-01"] {
        let as_of: Date = as_of.parse().unwrap();
        for owner in [None, Some("treasury".to_owned()), Some("dol".to_owned())] {
            let filter = DeadlineFilter {
                owner,
                ..DeadlineFilter::default()
            };
            let want = deadlines(&corpus, as_of, &filter);
            let got = deadlines_of(
                setters.iter().map(|n| &n.entity),
                |id| by_id.get(id).copied(),
                as_of,
                &filter,
            );
            assert_eq!(
                serde_json::to_string(&got).unwrap(),
                serde_json::to_string(&want).unwrap()
            );
            judged += want.len();
        }
    }
    assert!(judged > 20, "only {judged} deadlines judged");
}
