//! Rendering an entity as RON text, and writing it atomically.
//!
//! The text is written by hand rather than by `ron::ser`, so that imported
//! files look like hand-written ones (one event, relation or source per
//! line; fields left out when they hold their default) and stay valid under
//! the strict loader. Every string goes through `ron`'s own escaping, and
//! every rendered file is parsed back and compared with the entity before
//! it is written ([`render_checked`]): a value that would not round-trip
//! exactly (quotes, newlines, RON syntax, a megabyte of text) is an error,
//! never a broken or injected file.

use std::fmt::Write as _;
use std::path::Path;

use crate::model::{Confidence, DeadlineKind, Entity, Identifier, Provenance, Source};

use super::ImportError;

/// A RON string literal for `s`.
fn q(s: &str) -> String {
    // ron escapes quotes, backslashes and control characters; it cannot
    // fail on a `str`.
    ron::to_string(s).unwrap_or_else(|_| format!("{s:?}"))
}

/// `, confidence: partly` unless verified (the default).
fn conf(c: Confidence) -> String {
    match c {
        Confidence::Verified => String::new(),
        other => format!(", confidence: {other}"),
    }
}

fn opt_source(s: Option<usize>) -> String {
    s.map(|i| format!(", source: {i}")).unwrap_or_default()
}

fn list(out: &mut String, name: &str, items: &[String]) {
    if items.is_empty() {
        return;
    }
    let _ = writeln!(out, "    {name}: [");
    for i in items {
        let _ = writeln!(out, "        {i},");
    }
    out.push_str("    ],\n");
}

fn map(out: &mut String, name: &str, m: &std::collections::BTreeMap<String, String>) {
    if m.is_empty() {
        return;
    }
    let _ = writeln!(out, "    {name}: {{");
    for (k, v) in m {
        let _ = writeln!(out, "        {}: {},", q(k), q(v));
    }
    out.push_str("    },\n");
}

fn ident(i: &Identifier) -> String {
    format!(
        "(scheme: {}, value: {}{})",
        i.scheme,
        q(&i.value),
        conf(i.confidence)
    )
}

fn source(s: &Source) -> String {
    let mut t = format!("(title: {}", q(&s.title));
    if let Some(p) = &s.publisher {
        let _ = write!(t, ", publisher: {}", q(p));
    }
    if let Some(u) = &s.url {
        let _ = write!(t, ", url: {}", q(u));
    }
    if let Some(d) = s.date {
        let _ = write!(t, ", date: \"{d}\"");
    }
    if let Some(d) = s.retrieved {
        let _ = write!(t, ", retrieved: \"{d}\"");
    }
    t.push(')');
    t
}

fn provenance(p: &Provenance) -> String {
    format!(
        "(importer: {}, from: {}, retrieved: \"{}\"{})",
        q(&p.importer),
        q(&p.from),
        p.retrieved,
        if p.incomplete {
            ", incomplete: true"
        } else {
            ""
        }
    )
}

/// The RON text of an entity, with a comment line on top.
pub fn render(e: &Entity, comment: &str) -> String {
    let mut out = String::new();
    for line in comment.lines() {
        let _ = writeln!(out, "// {line}");
    }
    out.push_str("(\n");
    let _ = writeln!(out, "    id: {},", q(&e.id));
    let _ = writeln!(out, "    kind: {},", e.kind);
    let _ = writeln!(out, "    name: {},", q(&e.name));
    map(&mut out, "names", &e.names);
    list(
        &mut out,
        "aliases",
        &e.aliases.iter().map(|a| q(a)).collect::<Vec<_>>(),
    );
    let _ = writeln!(out, "    jurisdiction: {},", q(&e.jurisdiction));
    if let Some(session) = &e.session {
        let _ = writeln!(out, "    session: {},", q(session));
    }
    let sponsors: Vec<String> = e
        .sponsors
        .iter()
        .map(|s| {
            let mut t = format!("(name: {}, role: {}", q(&s.name), s.role);
            if let Some(p) = &s.party {
                let _ = write!(t, ", party: {}", q(p));
            }
            if let Some(p) = &s.person {
                let _ = write!(t, ", person: {}", q(p));
            }
            t.push(')');
            t
        })
        .collect();
    list(&mut out, "sponsors", &sponsors);
    if !e.summary.is_empty() {
        let _ = writeln!(out, "    summary: {},", q(&e.summary));
    }
    map(&mut out, "summaries", &e.summaries);
    list(
        &mut out,
        "identifiers",
        &e.identifiers.iter().map(ident).collect::<Vec<_>>(),
    );
    let events: Vec<String> = e
        .events
        .iter()
        .map(|ev| {
            let mut t = format!("(date: \"{}\", stage: {}", ev.date, ev.stage);
            if !ev.note.is_empty() {
                let _ = write!(t, ", note: {}", q(&ev.note));
            }
            if let Some(by) = &ev.by {
                let _ = write!(t, ", by: {}", q(by));
            }
            t.push_str(&opt_source(ev.source));
            t.push_str(&conf(ev.confidence));
            t.push(')');
            t
        })
        .collect();
    list(&mut out, "events", &events);
    let deadlines: Vec<String> = e
        .deadlines
        .iter()
        .map(|d| {
            let mut t = format!(
                "(due: \"{}\", owner: {}, what: {}",
                d.due,
                q(&d.owner),
                q(&d.what)
            );
            if d.kind != DeadlineKind::Owed {
                let _ = write!(t, ", kind: {}", d.kind);
            }
            if !d.fulfilled_by.is_empty() {
                let f: Vec<String> = d.fulfilled_by.iter().map(|x| q(x)).collect();
                let _ = write!(t, ", fulfilled_by: [{}]", f.join(", "));
            }
            if let Some(s) = d.stage {
                let _ = write!(t, ", stage: {s}");
            }
            t.push_str(&opt_source(d.source));
            t.push_str(&conf(d.confidence));
            t.push(')');
            t
        })
        .collect();
    list(&mut out, "deadlines", &deadlines);
    let relations: Vec<String> = e
        .relations
        .iter()
        .map(|r| {
            let mut t = format!("(rel: {}, to: {}", r.rel, q(&r.to));
            if let Some(d) = r.date {
                let _ = write!(t, ", date: \"{d}\"");
            }
            if !r.note.is_empty() {
                let _ = write!(t, ", note: {}", q(&r.note));
            }
            t.push_str(&opt_source(r.source));
            t.push_str(&conf(r.confidence));
            if let Some(ev) = &r.evidence {
                let _ = write!(
                    t,
                    ", evidence: (section: {}, quote: {})",
                    q(&ev.section),
                    q(&ev.quote)
                );
            }
            t.push(')');
            t
        })
        .collect();
    list(&mut out, "relations", &relations);
    list(
        &mut out,
        "sources",
        &e.sources.iter().map(source).collect::<Vec<_>>(),
    );
    if !e.tags.is_empty() {
        let t: Vec<String> = e.tags.iter().map(|x| q(x)).collect();
        let _ = writeln!(out, "    tags: [{}],", t.join(", "));
    }
    if let Some(f) = &e.figure {
        let _ = write!(
            out,
            "    figure: (value: {:?}, unit: {}, as_of: \"{}\"",
            f.value,
            q(&f.unit),
            f.as_of
        );
        if let Some(d) = &f.derived {
            let _ = write!(out, ", derived: {}", q(d));
        }
        out.push_str("),\n");
    }
    if e.confidence != Confidence::Verified {
        let _ = writeln!(out, "    confidence: {},", e.confidence);
    }
    list(
        &mut out,
        "notes",
        &e.notes.iter().map(|n| q(n)).collect::<Vec<_>>(),
    );
    if let Some(p) = &e.provenance {
        let _ = writeln!(out, "    provenance: {},", provenance(p));
    }
    out.push_str(")\n");
    out
}

/// [`render`], then parse the text back with the loader and make sure it
/// gives the same entity.
pub fn render_checked(e: &Entity, comment: &str, rel: &Path) -> Result<String, ImportError> {
    let text = render(e, comment);
    match crate::load::parse_entity(rel, &text) {
        Ok(back) if &back == e => Ok(text),
        Ok(_) => Err(ImportError::Render {
            path: rel.to_path_buf(),
            message: "the rendered file reads back differently".to_owned(),
        }),
        Err(d) => Err(ImportError::Render {
            path: rel.to_path_buf(),
            message: format!("{}:{}: {}", d.location.line, d.location.col, d.message),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;

    fn hostile() -> Entity {
        let nasty = "a \"quoted\" title\nwith lines\r\n\ttabs, ), ] /* not a comment */ // nor this\n r#\"raw\"# \\ \u{1F600} 中文 \u{0}\u{7f}";
        Entity {
            text: None,
            id: "fr-2025-00001".into(),
            kind: Kind::Rule,
            name: nasty.into(),
            names: [("zh-Hant".to_owned(), nasty.to_owned())].into(),
            aliases: vec![
                nasty.into(),
                "), relations: [(rel: revokes, to: \"x\")]".into(),
            ],
            session: Some(nasty.into()),
            sponsors: vec![Sponsor {
                name: nasty.into(),
                role: SponsorRole::Cosponsor,
                party: Some(nasty.into()),
                person: None,
            }],
            jurisdiction: "US".into(),
            summary: "x".repeat(1 << 20),
            summaries: Default::default(),
            identifiers: vec![Identifier {
                scheme: IdScheme::FrDoc,
                value: nasty.into(),
                confidence: Confidence::Partly,
            }],
            events: vec![Event {
                date: "2025-01-02".parse().unwrap(),
                stage: Stage::Published,
                note: nasty.into(),
                by: Some("dol".into()),
                source: Some(0),
                confidence: Confidence::Verified,
            }],
            deadlines: vec![Deadline {
                due: "2025-03-01".parse().unwrap(),
                owner: "dol".into(),
                what: nasty.into(),
                kind: DeadlineKind::Public,
                fulfilled_by: vec!["a".into()],
                stage: Some(Stage::CommentClosed),
                unmet_on: None,
                source: None,
                confidence: Confidence::Unverified,
            }],
            relations: vec![Relation {
                evidence: None,
                rel: RelationKind::IssuedBy,
                to: "dol".into(),
                date: Some("2025-01-02".parse().unwrap()),
                note: nasty.into(),
                source: Some(0),
                confidence: Confidence::Verified,
            }],
            sources: vec![Source {
                title: nasty.into(),
                publisher: Some(nasty.into()),
                url: Some("https://example.org/?a=\"b\"".into()),
                date: Some("2025-01-02".parse().unwrap()),
                retrieved: Some("2025-01-03".parse().unwrap()),
            }],
            tags: vec![nasty.into()],
            figure: None,
            confidence: Confidence::Partly,
            notes: vec![nasty.into(), String::new()],
            provenance: Some(Provenance {
                importer: "federal-register".into(),
                from: nasty.into(),
                retrieved: "2025-01-03".parse().unwrap(),
                incomplete: true,
            }),
        }
    }

    #[test]
    fn hostile_values_round_trip() {
        let e = hostile();
        let text = render_checked(&e, "comment\nsecond line", Path::new("x.ron")).unwrap();
        assert!(text.starts_with("// comment\n// second line\n("));
        let back = crate::load::parse_entity(Path::new("x.ron"), &text).unwrap();
        assert_eq!(back, e);
    }
}
