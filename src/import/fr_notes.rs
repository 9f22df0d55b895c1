//! The grammar of the Federal Register's `executive_order_notes`: lines
//! such as `Revoked (in part) by: EO 13209, April 30, 2001; EO 13319,
//! December 3, 2003`, read into a relation, its direction and the orders it
//! names ([`parse_note`]). What is not understood is kept, whole, for the
//! entity's notes. The mapping in [`super::federal_register`] turns each
//! note into links.

use crate::model::{Date, RelationKind};

/// Which way a note's relation goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// From this order to the named ones ("Revokes: EO 12834").
    Outgoing,
    /// From the named orders to this one ("Revoked by: EO 13304").
    Incoming,
}

/// An order named in a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteItem {
    /// Its number.
    pub number: String,
    /// Its signing date, when the note gives one.
    pub date: Option<Date>,
}

/// One line of `executive_order_notes`, parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The label as the line wrote it, without its colon.
    pub label: String,
    /// The relation.
    pub rel: RelationKind,
    /// Which way it goes.
    pub direction: Direction,
    /// "(in part)".
    pub in_part: bool,
    /// The orders named.
    pub items: Vec<NoteItem>,
    /// What could not be read: the whole line when its label is unknown,
    /// else each item that names no order ("Notice of May 24, 2001"),
    /// with its label.
    pub unparsed: Vec<String>,
}

/// Parses a line of `executive_order_notes`, such as
/// `Revoked (in part) by: EO 13209, April 30, 2001; EO 13319, December 3, 2003`.
/// Labels are matched without regard to case, spaces or "(in part)", and
/// the typos met in real data ("Suspersedes", "Superceded") are accepted.
pub fn parse_note(line: &str) -> Note {
    let unknown = |line: &str| Note {
        label: String::new(),
        rel: RelationKind::Related,
        direction: Direction::Outgoing,
        in_part: false,
        items: Vec::new(),
        unparsed: vec![line.to_owned()],
    };
    let Some((label, rest)) = line.split_once(':') else {
        return unknown(line);
    };
    let label = label.trim();
    let lower = label.to_ascii_lowercase();
    let in_part = lower.contains("in part");
    let norm: String = lower
        .replace("(in part)", " ")
        .replace("in part", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    use Direction::*;
    let (rel, direction) = match norm.as_str() {
        "revokes" | "revoked" => (RelationKind::Revokes, Outgoing),
        "revoked by" => (RelationKind::Revokes, Incoming),
        "amends" => (RelationKind::Amends, Outgoing),
        "amended by" => (RelationKind::Amends, Incoming),
        "supersedes" | "suspersedes" | "supercedes" => (RelationKind::Supersedes, Outgoing),
        "superseded by" | "superceded by" | "suspersededby" | "suspersedes by" => {
            (RelationKind::Supersedes, Incoming)
        }
        "continues" => (RelationKind::Continues, Outgoing),
        "continued by" => (RelationKind::Continues, Incoming),
        "supplements" => (RelationKind::Supplements, Outgoing),
        "supplemented by" => (RelationKind::Supplements, Incoming),
        "see" | "see also" => (RelationKind::Related, Outgoing),
        _ => return unknown(line),
    };
    let mut items = Vec::new();
    let mut unparsed = Vec::new();
    for part in rest.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        match parse_item(part) {
            Some(item) => items.push(item),
            None => unparsed.push(format!("{label}: {part}")),
        }
    }
    Note {
        label: label.to_owned(),
        rel,
        direction,
        in_part,
        items,
        unparsed,
    }
}

/// `EO 13264, June 4, 2002` (also `E.O.`, `Executive Order`, no date).
fn parse_item(s: &str) -> Option<NoteItem> {
    let rest = ["EO ", "E.O. ", "E. O. ", "Executive Order ", "EO", "E.O."]
        .iter()
        .find_map(|p| s.strip_prefix(p))?
        .trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    let after = rest[digits.len()..].trim_start_matches([',', ' ']).trim();
    let date = if after.is_empty() {
        None
    } else {
        Some(parse_long_date(after)?)
    };
    Some(NoteItem {
        number: digits,
        date,
    })
}

/// `June 4, 2002` (also `Sept. 4, 2002`, `June 4 2002`).
fn parse_long_date(s: &str) -> Option<Date> {
    let cleaned = s.replace([',', '.'], " ");
    let mut words = cleaned.split_whitespace();
    let month = words.next()?.to_ascii_lowercase();
    let day: i8 = words.next()?.parse().ok()?;
    let year: i16 = words.next()?.parse().ok()?;
    if words.next().is_some() {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let m = MONTHS.iter().position(|p| month.starts_with(p))? as i8 + 1;
    Date::new(year, m, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_variants() {
        let n = parse_note(
            "Revoked (in part) by: EO 13209, April 30, 2001; EO 13319, December 3, 2003",
        );
        assert_eq!(
            (n.rel, n.direction, n.in_part, n.items.len()),
            (RelationKind::Revokes, Direction::Incoming, true, 2)
        );
        assert_eq!(n.items[1].date, Date::new(2003, 12, 3));
        let n = parse_note("Suspersedes: EO 12345");
        assert_eq!(
            (n.rel, n.direction),
            (RelationKind::Supersedes, Direction::Outgoing)
        );
        assert_eq!(n.items[0].date, None);
        let n = parse_note("See: EO 13121, April 30, 1999; Notice of May 24, 2001");
        assert_eq!(n.rel, RelationKind::Related);
        assert_eq!(n.unparsed, ["See: Notice of May 24, 2001"]);
        let n = parse_note("Continued by: EO 14000, Jan. 5, 2021");
        assert_eq!(
            (n.rel, n.direction),
            (RelationKind::Continues, Direction::Incoming)
        );
        assert_eq!(n.items[0].date, Date::new(2021, 1, 5));
        let n = parse_note("Supplements: EO 1");
        assert_eq!(n.rel, RelationKind::Supplements);
        let n = parse_note("Something else entirely");
        assert_eq!(n.unparsed, ["Something else entirely"]);
        let n = parse_note("Frobnicates: EO 1");
        assert_eq!(n.unparsed, ["Frobnicates: EO 1"]);
        // An impossible date is not silently taken.
        let n = parse_note("Amends: EO 13078, February 30, 1998");
        assert_eq!(n.unparsed, ["Amends: EO 13078, February 30, 1998"]);
    }
}
