//! Which of a bill's titles names it: the short title an analyst quotes
//! ("Thin Blue Line Act"), not the official one ("A bill to amend title
//! 18, United States Code, …"), which is kept as an alias.

/// Whether `t` reads as an official title: the long "To amend …", "A bill
/// to …" form a bill is introduced under.
pub fn is_official(t: &str) -> bool {
    let t = t.trim_start().to_ascii_lowercase();
    [
        "to ",
        "a bill to ",
        "a bill for ",
        "an act to ",
        "a joint resolution ",
        "a concurrent resolution ",
        "a resolution ",
        "providing for ",
        "making appropriations",
        "making continuing appropriations",
        "relative to ",
        "relating to ",
    ]
    .iter()
    .any(|p| t.starts_with(p))
}

/// The name for a bill titled `title` with `others` as its other titles:
/// when the title is official and another title is a short title (not
/// official itself, and not a copy of the title), that short title.
/// Sources that say which title is short (unitedstates/congress'
/// `short_title`) have already put it first.
pub fn short_title<'a>(title: &str, others: &'a [String]) -> Option<&'a str> {
    if !is_official(title) {
        return None;
    }
    others.iter().map(|o| o.trim()).find(|o| {
        !o.is_empty() && !is_official(o) && !o.eq_ignore_ascii_case(title.trim()) && o.len() < 200
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_title_names_the_bill() {
        let others = vec![
            "A bill to amend title 18, United States Code, to provide enhanced penalties"
                .to_owned(),
            "Thin Blue Line Act".to_owned(),
        ];
        assert_eq!(
            short_title(
                "A bill to amend title 18, United States Code, to provide enhanced penalties",
                &others
            ),
            Some("Thin Blue Line Act")
        );
        // Already short: kept.
        assert_eq!(short_title("GENIUS Act", &others), None);
        // New Hampshire's "relative to …" titles have no short title.
        assert_eq!(short_title("relative to political advertising.", &[]), None);
    }
}
