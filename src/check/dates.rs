//! Impossible dates: an event that cannot come before the event that
//! starts its entity's life (a comment period closing before the document
//! was published, a bill passing before it was introduced), and a deadline
//! due before the instrument that sets it existed.
//!
//! `check` warns on each (`impossible-date`); the importers use the same
//! rule to leave such a date out of the timeline and deadlines, keep it in
//! a note, and count it (a Federal Register notice of January 2024 whose
//! comments "close" on 2023-02-01 is a typo in the source, and would
//! otherwise show the notice as `comment_closed` a year before it was
//! published).

use crate::model::{Date, Entity, Stage};

/// What an impossible date is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Slot {
    /// `events[i]`.
    Event(usize),
    /// `deadlines[i]`.
    Deadline(usize),
}

/// One impossible date.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Impossible {
    /// Where it is.
    pub slot: Slot,
    /// The date.
    pub date: Date,
    /// The event it cannot precede.
    pub origin: Stage,
    /// That event's date.
    pub origin_date: Date,
    /// The sentence a report prints.
    pub message: String,
}

fn publishes(s: Stage) -> bool {
    matches!(s, Stage::Published | Stage::Proposed | Stage::Final)
}

/// Stages a legislature reaches only after a bill was introduced.
fn after_introduction(s: Stage) -> bool {
    matches!(
        s,
        Stage::Referred
            | Stage::CommitteeAction
            | Stage::CommitteeFailed
            | Stage::PassedOneChamber
            | Stage::PassedBoth
            | Stage::SentToExecutive
            | Stage::Vetoed
            | Stage::VetoOverridden
            | Stage::Failed
    )
}

/// The earliest event of a stage matching `f`: (date, stage).
fn origin(e: &Entity, f: impl Fn(Stage) -> bool) -> Option<(Date, Stage)> {
    e.events
        .iter()
        .filter(|ev| f(ev.stage))
        .map(|ev| (ev.date, ev.stage))
        .min_by_key(|x| x.0)
}

/// Every impossible date of an entity, in events-then-deadlines order.
pub fn impossible_dates(e: &Entity) -> Vec<Impossible> {
    let mut out = Vec::new();
    let published = origin(e, publishes);
    let introduced = origin(e, |s| s == Stage::Introduced);
    for (i, ev) in e.events.iter().enumerate() {
        let before = match ev.stage {
            Stage::CommentOpen | Stage::CommentClosed => published,
            s if after_introduction(s) => introduced,
            _ => None,
        };
        if let Some((od, os)) = before.filter(|(od, _)| ev.date < *od) {
            out.push(Impossible {
                slot: Slot::Event(i),
                date: ev.date,
                origin: os,
                origin_date: od,
                message: format!(
                    "`{}` on {} is before the `{os}` event on {od} that starts it",
                    ev.stage, ev.date
                ),
            });
        }
    }
    // A deadline is set by a published, signed or enacted instrument: it
    // cannot fall due before that day.
    let set = origin(e, |s| {
        publishes(s) || matches!(s, Stage::Signed | Stage::Enacted)
    });
    if let Some((od, os)) = set {
        for (i, d) in e.deadlines.iter().enumerate() {
            if d.due < od {
                out.push(Impossible {
                    slot: Slot::Deadline(i),
                    date: d.due,
                    origin: os,
                    origin_date: od,
                    message: format!(
                        "a deadline due on {} is before the `{os}` event on {od} that set it",
                        d.due
                    ),
                });
            }
        }
    }
    out
}

/// Takes the impossible dates out of an imported entity: each event or
/// deadline so dated is removed and kept as a note that gives the date as
/// the source wrote it. Returns the messages, for the import's report.
pub fn strip_impossible(e: &mut Entity) -> Vec<String> {
    let found = impossible_dates(e);
    let mut events = Vec::new();
    let mut deadlines = Vec::new();
    let mut out = Vec::new();
    for f in &found {
        match f.slot {
            Slot::Event(i) => events.push(i),
            Slot::Deadline(i) => deadlines.push(i),
        }
        e.notes.push(format!(
            "Impossible date in the source, left out: {}.",
            f.message
        ));
        out.push(f.message.clone());
    }
    let mut i = 0;
    e.events.retain(|_| {
        i += 1;
        !events.contains(&(i - 1))
    });
    let mut i = 0;
    e.deadlines.retain(|_| {
        i += 1;
        !deadlines.contains(&(i - 1))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Event;

    fn ev(date: &str, stage: Stage) -> Event {
        Event {
            date: date
                .parse()
                .unwrap_or_else(|_| Date(jiff::civil::date(2000, 1, 1))),
            stage,
            note: String::new(),
            by: None,
            source: None,
            confidence: Default::default(),
        }
    }

    fn blank(kind: &str) -> Entity {
        let text = format!("(id: \"x\", kind: {kind}, name: \"x\", jurisdiction: \"US\")");
        match ron::from_str(&text) {
            Ok(e) => e,
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn comment_closing_before_publication_is_impossible() {
        let mut e: Entity = blank("guidance");
        e.events = vec![
            ev("2023-02-01", Stage::CommentClosed),
            ev("2024-01-02", Stage::Published),
        ];
        let found = impossible_dates(&e);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].slot, Slot::Event(0));
        let msgs = strip_impossible(&mut e);
        assert_eq!(msgs.len(), 1);
        assert_eq!(e.events.len(), 1);
        assert_eq!(e.events[0].stage, Stage::Published);
        assert!(e.notes[0].contains("2023-02-01"));
        // In order, nothing is reported.
        e.events.push(ev("2024-02-01", Stage::CommentClosed));
        assert!(impossible_dates(&e).is_empty());
    }

    #[test]
    fn passage_before_introduction_is_impossible() {
        let mut e: Entity = blank("bill");
        e.events = vec![
            ev("2025-01-03", Stage::PassedOneChamber),
            ev("2025-02-01", Stage::Introduced),
        ];
        assert_eq!(impossible_dates(&e).len(), 1);
    }
}
