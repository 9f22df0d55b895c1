//! A status and the day it was reached, read from an entity's events:
//! the one reading the CLI, the index, the exports and the site share.

use crate::model::{Date, Entity, Event, Stage};

impl Entity {
    /// The status on or before `as_of` (all events when `None`), and the
    /// day it was reached. The one function the CLI, the index, the
    /// exports and the site all read a status from.
    ///
    /// Events are read in order (by date; on one day, in file order), and
    /// [`Stage::Action`] events set nothing. A status is a stage reached:
    /// a step of the legislative ladder ([`Stage::legislative_rank`]) lower
    /// than one already reached does not move it back, so a committee
    /// acting in the second chamber leaves a bill passed by the first at
    /// `passed_one_chamber`. Any other stage (a failed vote, a veto, a
    /// publication, a rescission) is the status from its day on. The day
    /// is that of the event that first set the stage, so a second
    /// committee report does not restart "since".
    pub fn status_since(&self, as_of: Option<Date>) -> Option<(Stage, Date)> {
        let mut order: Vec<&Event> = self
            .events
            .iter()
            .filter(|e| as_of.is_none_or(|d| e.date <= d) && e.stage.sets_status())
            .collect();
        // A stable sort: events of one day keep file order.
        order.sort_by_key(|e| e.date);
        let mut reached: Option<u8> = None;
        let mut current: Option<(Stage, Date)> = None;
        for e in order {
            if let Some(rank) = e.stage.legislative_rank() {
                if reached.is_some_and(|r| rank < r) {
                    continue;
                }
                reached = Some(rank);
            }
            if current.is_none_or(|(s, _)| s != e.stage) {
                current = Some((e.stage, e.date));
            }
        }
        current
    }
}

impl Stage {
    /// The step of the legislative ladder this stage stands for, from
    /// introduction to law; `None` for stages off the ladder: outcomes
    /// that set the status whenever they happen (a committee failure, a
    /// failed vote, a veto, a withdrawal) and the stages of other kinds
    /// (a publication, a rule's stages). A bill's
    /// status never steps down the ladder (see [`Entity::status_since`]).
    pub fn legislative_rank(self) -> Option<u8> {
        Some(match self {
            Stage::Introduced => 1,
            Stage::Referred => 2,
            Stage::CommitteeAction => 3,
            Stage::PassedOneChamber => 4,
            Stage::PassedBoth => 5,
            Stage::SentToExecutive => 6,
            Stage::VetoOverridden => 7,
            Stage::Signed | Stage::Enacted | Stage::Adopted => 8,
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Entity, Event, Kind, Stage};

    fn bill(events: &[(&str, Stage)]) -> Entity {
        let mut e = Entity {
            text: None,
            id: "b".into(),
            kind: Kind::Bill,
            name: "B".into(),
            names: Default::default(),
            aliases: Vec::new(),
            jurisdiction: "US".into(),
            session: None,
            sponsors: Vec::new(),
            summary: String::new(),
            summaries: Default::default(),
            identifiers: Vec::new(),
            events: Vec::new(),
            deadlines: Vec::new(),
            relations: Vec::new(),
            sources: Vec::new(),
            tags: Vec::new(),
            figure: None,
            confidence: Default::default(),
            notes: Vec::new(),
            provenance: None,
        };
        e.events = events
            .iter()
            .map(|(d, s)| Event {
                date: d.parse().unwrap(),
                stage: *s,
                note: String::new(),
                by: None,
                source: None,
                confidence: Default::default(),
            })
            .collect();
        e
    }

    fn read(e: &Entity, as_of: Option<&str>) -> Option<(String, String)> {
        e.status_since(as_of.map(|d| d.parse().unwrap()))
            .map(|(s, d)| (s.to_string(), d.to_string()))
    }

    fn pair(s: &str, d: &str) -> Option<(String, String)> {
        Some((s.to_owned(), d.to_owned()))
    }

    #[test]
    fn a_status_never_steps_down_the_ladder() {
        use Stage::*;
        // The CLARITY Act: passed the House, then a Senate committee acted.
        let e = bill(&[
            ("2025-05-29", Introduced),
            ("2025-06-10", CommitteeAction),
            ("2025-07-17", PassedOneChamber),
            ("2026-05-14", CommitteeAction),
            ("2026-08-08", Action),
        ]);
        assert_eq!(read(&e, None), pair("passed_one_chamber", "2025-07-17"));
        assert_eq!(
            read(&e, Some("2025-07-01")),
            pair("committee_action", "2025-06-10")
        );
        // A stage reached twice keeps the day it was first reached.
        let e = bill(&[("2025-01-01", Referred), ("2025-02-01", Referred)]);
        assert_eq!(read(&e, None), pair("referred", "2025-01-01"));
        // Off the ladder, the latest stage is the status; the ladder
        // climbs again after it.
        let e = bill(&[
            ("2025-01-01", PassedOneChamber),
            ("2025-02-01", Failed),
            ("2025-03-01", CommitteeAction),
        ]);
        assert_eq!(read(&e, None), pair("failed", "2025-02-01"));
        let e = bill(&[
            ("2025-01-01", PassedOneChamber),
            ("2025-02-01", Failed),
            ("2025-03-01", PassedOneChamber),
        ]);
        assert_eq!(read(&e, None), pair("passed_one_chamber", "2025-03-01"));
        // An order signed, then published: published.
        let e = bill(&[("2025-01-01", Signed), ("2025-01-05", Published)]);
        assert_eq!(read(&e, None), pair("published", "2025-01-05"));
        // Same day: file order.
        let e = bill(&[("2025-01-01", PassedBoth), ("2025-01-01", Signed)]);
        assert_eq!(read(&e, None), pair("signed", "2025-01-01"));
        assert_eq!(read(&bill(&[]), None), None);
    }
}
