//! The world as it stood on a day (`--as-of`): an entity as it was then.
//!
//! Every command that takes `--as-of` reads entities through
//! [`Entity::on`] (the store applies it to each node it decodes, see
//! [`crate::store::Store::at`]), so that no view shows what came later:
//! events and dated relations after the day are gone, an enacted bill is
//! still a bill before its enactment, and the identifiers that enactment or
//! publication gave it (a public law number, a Federal Register citation),
//! with the aliases that spell them, are hidden until then.
//!
//! What cannot be dated is kept as written: names, summaries, notes,
//! undated relations, sources, and deadlines (a deadline is known from the
//! day its setter exists, or for a law from its enactment; its due date
//! may of course lie ahead).

use crate::model::{Date, Entity, Event, IdScheme, Identifier, Kind, Stage};

/// Stages that make a bill law.
fn makes_law(s: Stage) -> bool {
    matches!(s, Stage::Signed | Stage::Enacted | Stage::VetoOverridden)
}

/// Stages that publish a document (and give it Federal Register
/// identifiers).
fn publishes(s: Stage) -> bool {
    matches!(
        s,
        Stage::Published
            | Stage::Proposed
            | Stage::Final
            | Stage::Effective
            | Stage::CommentOpen
            | Stage::CommentClosed
    )
}

fn first(events: &[Event], f: impl Fn(Stage) -> bool) -> Option<Date> {
    events.iter().filter(|e| f(e.stage)).map(|e| e.date).min()
}

impl Entity {
    /// The day a statute became law: its first signing or enactment event.
    /// `None` for anything else, or a statute whose enactment is not
    /// recorded (it is then a statute on every day it exists).
    pub fn law_since(&self) -> Option<Date> {
        if self.kind != Kind::Statute {
            return None;
        }
        first(&self.events, makes_law)
    }

    /// Its kind on `day`: a statute is a bill before it became law.
    pub fn kind_on(&self, day: Date) -> Kind {
        match self.law_since() {
            Some(d) if d > day => Kind::Bill,
            _ => self.kind,
        }
    }

    /// The first day an identifier could be known: a public law or session
    /// law number from enactment, a Federal Register citation or document
    /// number from publication. `None`: known whenever the entity is.
    pub fn identifier_since(&self, i: &Identifier) -> Option<Date> {
        match i.scheme {
            IdScheme::PublicLaw | IdScheme::StatutesAtLarge | IdScheme::SessionLaw => {
                first(&self.events, makes_law)
            }
            // A law is classified to the Code once it is law.
            IdScheme::UsCode => self.law_since(),
            IdScheme::FederalRegister | IdScheme::FrDoc => first(&self.events, publishes),
            _ => None,
        }
    }

    /// The entity as it stood on `day`: only events and dated relations of
    /// that day or earlier; its kind then ([`Entity::kind_on`]); only the
    /// identifiers it had then ([`Entity::identifier_since`]), and none of
    /// the aliases that spell a hidden one.
    ///
    /// An entity that did not exist yet on `day` is returned unchanged, so
    /// that [`Entity::exists_on`] still says so and every view leaves it
    /// out (hiding its events would make it look timeless).
    pub fn on(&self, day: Date) -> Entity {
        let mut e = self.clone();
        if !self.exists_on(Some(day)) {
            return e;
        }
        e.events.retain(|ev| ev.date <= day);
        e.relations
            .retain(|r| crate::graph::relation_exists_on(r, Some(day)));
        e.kind = self.kind_on(day);
        // A law's deadlines run from its enactment: a bill sets none.
        if self.law_since().is_some_and(|d| d > day) {
            e.deadlines.clear();
        }
        let (kept, hidden): (Vec<Identifier>, Vec<Identifier>) = self
            .identifiers
            .iter()
            .cloned()
            .partition(|i| self.identifier_since(i).is_none_or(|d| d <= day));
        e.identifiers = kept;
        if !hidden.is_empty() {
            e.aliases
                .retain(|a| !hidden.iter().any(|i| spells(a, &i.value)));
        }
        // Free text written later tells of later events: a summary (and
        // its translations) or a note that names a later day is hidden,
        // and a note says so.
        let later = |t: &str| latest_date_in(t).is_some_and(|d| d > day);
        let mut hid = Vec::new();
        if later(&e.summary) || e.summaries.values().any(|t| later(t)) {
            e.summary.clear();
            e.summaries.clear();
            hid.push("summary");
        }
        let before = e.notes.len();
        e.notes.retain(|n| !later(n));
        if e.notes.len() < before {
            hid.push("notes");
        }
        drop_later_sources(&mut e, cited(self), day);
        if !hid.is_empty() {
            e.notes.push(format!(
                "As of {day}, the {} written later (naming later days) {} hidden.",
                hid.join(" and some "),
                if hid.len() == 1 && hid[0] == "summary" {
                    "is"
                } else {
                    "are"
                }
            ));
        }
        e
    }
}

/// The sources an entity's events, relations and deadlines cite.
fn cited(e: &Entity) -> std::collections::BTreeSet<usize> {
    e.events
        .iter()
        .filter_map(|x| x.source)
        .chain(e.relations.iter().filter_map(|x| x.source))
        .chain(e.deadlines.iter().filter_map(|x| x.source))
        .collect()
}

/// Drops the sources that only hidden items cited, and those dated after
/// `day` that nothing kept cites; renumbers the citations of the rest.
/// `was_cited`: the sources cited before anything was hidden.
fn drop_later_sources(e: &mut Entity, was_cited: std::collections::BTreeSet<usize>, day: Date) {
    let now = cited(e);
    let keep: Vec<bool> = e
        .sources
        .iter()
        .enumerate()
        .map(|(i, s)| {
            now.contains(&i) || (!was_cited.contains(&i) && s.date.is_none_or(|d| d <= day))
        })
        .collect();
    if keep.iter().all(|k| *k) {
        return;
    }
    let mut new_index = Vec::with_capacity(keep.len());
    let mut n = 0;
    for k in &keep {
        new_index.push(n);
        if *k {
            n += 1;
        }
    }
    let renumber = |s: &mut Option<usize>| {
        if let Some(i) = s {
            *s = new_index.get(*i).copied();
        }
    };
    e.events.iter_mut().for_each(|x| renumber(&mut x.source));
    e.relations.iter_mut().for_each(|x| renumber(&mut x.source));
    e.deadlines.iter_mut().for_each(|x| renumber(&mut x.source));
    let mut k = keep.iter();
    e.sources.retain(|_| k.next().copied().unwrap_or(true));
}

/// The latest day a text names, written `2025-07-18`, `July 18, 2025` or
/// `2025 年 7 月 18 日`.
pub fn latest_date_in(text: &str) -> Option<Date> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let mut best: Option<Date> = None;
    let mut note = |d: Option<Date>| {
        if let Some(d) = d {
            best = Some(best.map_or(d, |b| b.max(d)));
        }
    };
    let b = text.as_bytes();
    let num = |s: &str| s.parse::<i32>().ok();
    // ISO dates.
    for i in 0..b.len().saturating_sub(9) {
        let w = &b[i..i + 10];
        let digit = |j: usize| w[j].is_ascii_digit();
        if (0..4).all(digit)
            && w[4] == b'-'
            && digit(5)
            && digit(6)
            && w[7] == b'-'
            && digit(8)
            && digit(9)
            && (i == 0 || !b[i - 1].is_ascii_digit())
            && b.get(i + 10).is_none_or(|c| !c.is_ascii_digit())
        {
            note(std::str::from_utf8(w).ok().and_then(|s| s.parse().ok()));
        }
    }
    // `July 18, 2025`.
    let words: Vec<&str> = text
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .collect();
    for w in words.windows(3) {
        if let Some(m) = MONTHS.iter().position(|m| *m == w[0]) {
            let d = num(w[1].trim_end_matches(','));
            let y = num(w[2].get(..4).unwrap_or(""));
            if let (Some(d), Some(y)) = (d, y) {
                note(Date::new(y as i16, m as i8 + 1, d as i8));
            }
        }
    }
    // `2025 年 7 月 18 日`.
    let cjk: Vec<&str> = text.split_whitespace().collect();
    for w in cjk.windows(6) {
        let year = w[0]
            .char_indices()
            .rev()
            .nth(3)
            .and_then(|(i, _)| num(&w[0][i..]));
        if w[1] == "年" && w[3] == "月" && w[5].starts_with('日') {
            if let Some(y) = year {
                if let (Some(m), Some(d)) = (num(w[2]), num(w[4])) {
                    note(Date::new(y as i16, m as i8, d as i8));
                }
            }
        }
    }
    best
}

/// Whether alias `a` spells identifier `value`: equal ignoring case,
/// spaces and punctuation, or holding its number (`Public Law 119-27`
/// spells `Pub. L. 119-27`).
fn spells(a: &str, value: &str) -> bool {
    let norm = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    if norm(a) == norm(value) {
        return true;
    }
    match value
        .split_whitespace()
        .last()
        .filter(|t| t.chars().any(|c| c.is_ascii_digit()) && t.len() >= 3)
    {
        Some(number) => a.contains(number),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_text() {
        let d = |s: &str| s.parse::<Date>().ok();
        assert_eq!(
            latest_date_in("passed on 2025-06-17 and signed on 2025-07-18 as"),
            d("2025-07-18")
        );
        assert_eq!(latest_date_in("signed July 18, 2025."), d("2025-07-18"));
        assert_eq!(latest_date_in("於 2025 年 1 月 20 日就任"), d("2025-01-20"));
        assert_eq!(latest_date_in("Pub. L. 119-27, 12 U.S.C. 5901"), None);
        assert_eq!(latest_date_in("FR Doc. 2025-18226"), None);
    }

    #[test]
    fn spells_public_law_and_its_long_form() {
        assert!(spells("Pub. L. 119-27", "Pub. L. 119-27"));
        assert!(spells("Public Law 119-27", "Pub. L. 119-27"));
        assert!(spells("P.L. 119-27", "Pub. L. 119-27"));
        assert!(!spells("S. 1582", "Pub. L. 119-27"));
        assert!(!spells("GENIUS Act", "Pub. L. 119-27"));
    }
}
