//! When a bill has passed both chambers: the same text, agreed by both.
//!
//! A second chamber that passes a bill *with an amendment* has passed a
//! different text; the bill has passed both chambers only once the first
//! chamber concurs in that amendment, or both adopt a conference report
//! (New Hampshire's HB 107 of 2025: passed by the House, passed by the
//! Senate with an amendment, then laid on the table in the House — it
//! never passed both). Sources say so in words more often than in codes:
//! Open States classifies the amended passage as a plain `passage` and
//! leaves the concurrence unclassified, so [`refine`] reads the action's
//! text; unitedstates/congress says it in its status codes
//! (`PASS_BACK:*`, vote types `pingpong` and `conference`, see
//! `congress::meaning`); LegiScan's progress has its own `Enrolled` step
//! (passed both), which is taken as it is.

use std::collections::BTreeSet;

use super::bill::{Chamber, Meaning};
use crate::model::Stage;

/// Any of `needles` in `hay`.
fn has(hay: &str, needles: &[&str]) -> bool {
    needles.iter().any(|n| hay.contains(n))
}

/// The words of a motion or vote that failed, or of a refusal.
const FAILED: &[&str] = &[
    "failed",
    "not agreed",
    "not adopted",
    "rejected",
    "not filed",
    "not signed",
    ", mf",
    " mf,",
    "motion lost",
];

/// A passage's text that says the chamber amended the bill.
const AMENDED: &[&str] = &[
    "with amendment",
    "with an amendment",
    "with amendments",
    "as amended",
];

/// A meaning, made precise by the action's text: a passage "with an
/// amendment" is [`Meaning::AmendedPassage`]; a concurrence in the other
/// chamber's amendment (or agreeing to it) is [`Meaning::Agreement`]; the
/// adoption of a conference report is [`Meaning::ConferenceAdopted`]. A
/// signature classification on a conference committee report's sign-off
/// (New Hampshire's "Conference Committee Report Not Signed Off", which
/// Open States classifies `executive-signature`) is no signature.
pub fn refine(m: Meaning, text: &str) -> Meaning {
    let t = text.to_ascii_lowercase();
    let conference_report = t.contains("conference") && t.contains("report");
    match m {
        Meaning::Stage(Stage::Signed | Stage::Enacted | Stage::Vetoed) if conference_report => {
            return Meaning::Plain;
        }
        Meaning::Passage(_) | Meaning::Plain | Meaning::Unclassified | Meaning::Unknown => {}
        _ => return m,
    }
    let chamber = match m {
        Meaning::Passage(c) => c,
        _ => Chamber::Unknown,
    };
    if let Some(amended) = agreement(&t) {
        return Meaning::Agreement(chamber, amended);
    }
    if conference_adopted(&t) {
        return Meaning::ConferenceAdopted(chamber);
    }
    match m {
        Meaning::Passage(c) if has(&t, AMENDED) => Meaning::AmendedPassage(c),
        m => m,
    }
}

/// Whether `t` (lower case) records a chamber adopting a conference
/// report ("Conference Committee Report 2025-2795c, Adopted, VV", "On
/// agreeing to the conference report Agreed to", "Senate agreed to
/// conference report"), not a motion about one.
fn conference_adopted(t: &str) -> bool {
    let report = t.contains("conference report") || t.contains("conference committee report");
    let adopted = t.contains("agreed to conference report")
        || t.contains("agreed to the conference report")
        || (t.contains("agreeing to the conference report") && t.contains(" agreed to"))
        || t.contains("adopted");
    report && adopted && !has(t, FAILED) && !has(t, &["instruct", "conferees", "motion to"])
}

/// Whether `t` (lower case) records a chamber agreeing to the other
/// chamber's amendment, and if so whether it added an amendment of its
/// own (`Some(true)`: the other chamber must agree in turn).
fn agreement(t: &str) -> Option<bool> {
    if has(t, FAILED)
        || has(
            t,
            &[
                "nonconcur",
                "disagree",
                "non concur",
                "non-concur",
                "not concur",
                "refuse to concur",
                "refused to concur",
                "decline to concur",
                "declined to concur",
                "makes in order",
                "provides for",
                "providing for",
                "request",
            ],
        )
    {
        return None;
    }
    // "concur", but not "concurrent resolution".
    let concur = t
        .match_indices("concur")
        .map(|(i, k)| i + k.len())
        .find(|&i| !t[i..].starts_with("rent"));
    let at = [
        "agree to the senate amendment",
        "agree to the house amendment",
        "agree to senate amendment",
        "agree to house amendment",
        "agreed to the senate amendment",
        "agreed to the house amendment",
        "agreed to senate amendment",
        "agreed to house amendment",
    ]
    .iter()
    .filter_map(|k| t.find(k).map(|i| i + k.len()))
    .chain(concur)
    .min()?;
    if !t.contains("amendment") {
        return None;
    }
    // "On motion that the House agree ..." records the motion's result.
    if t.contains("on motion") && !t[at..].contains("agreed to") {
        return None;
    }
    Some(has(&t[at..], &["with an amendment", "with amendments"]))
}

/// Turns meanings into stages, in date order (`meanings` must already be
/// sorted by date, stably). The status is the furthest step reached, so:
///
/// - passage gives `passed_one_chamber`, then `passed_both` once a second
///   chamber (or a one-chamber legislature) passed the same text: a
///   second chamber's amended passage leaves the bill at
///   `passed_one_chamber` until the first concurs (an [`Meaning::Agreement`])
///   or both chambers adopt a conference report;
/// - a passage recorded twice in a row in one chamber (two records of
///   one vote, as in S. 4465 of the 119th Congress), or any passage once
///   both chambers passed the bill, is a plain `action`, so that a stage
///   is reached once;
/// - a stage recorded again right after itself (a referral to a second
///   committee, "Cleared for White House" then "Presented to President")
///   is an `action`;
/// - after a passage, an introduction, referral or committee report in the
///   other chamber is kept as a plain `action`;
/// - once signed or enacted, a later "became law" or "chaptered" is an
///   `action` too (the signature made it law).
pub fn resolve_stages(meanings: &[(Meaning, Chamber)]) -> Vec<Stage> {
    let mut passed: BTreeSet<Chamber> = BTreeSet::new();
    let mut conference: BTreeSet<Chamber> = BTreeSet::new();
    // The chamber whose amendment waits for the other's agreement.
    let mut pending: Option<Chamber> = None;
    let mut both = false;
    let mut law = false;
    let mut out = Vec::with_capacity(meanings.len());
    let known = |c: Chamber, action: Chamber| if c == Chamber::Unknown { action } else { c };
    // Counted once per chamber; an unknown chamber counts on its own.
    let mut conference_votes = 0usize;
    // The chamber of the latest passage, while nothing else staged followed.
    let mut last_passage: Option<Chamber> = None;
    let mut last_stage: Option<Stage> = None;
    // An agreement recorded before the amended passage it agrees to.
    let mut early_agreement = false;
    for &(m, chamber) in meanings {
        let this_passage = match m {
            Meaning::Passage(ch) | Meaning::AmendedPassage(ch) => Some(known(ch, chamber)),
            _ => None,
        };
        let stage = match m {
            Meaning::Passage(ch) | Meaning::AmendedPassage(ch) if both => {
                let _ = ch;
                Stage::Action
            }
            Meaning::Passage(ch) | Meaning::AmendedPassage(ch) => {
                let amended = matches!(m, Meaning::AmendedPassage(_));
                match known(ch, chamber) {
                    Chamber::Unicameral => {
                        both = true;
                        Stage::PassedBoth
                    }
                    // An unknown chamber after a passage is taken as the other one.
                    Chamber::Unknown if !passed.is_empty() && !amended => {
                        both = true;
                        Stage::PassedBoth
                    }
                    Chamber::Unknown if !passed.is_empty() => {
                        pending = Some(Chamber::Unknown);
                        Stage::PassedOneChamber
                    }
                    // Passed again where it passed before: after the other
                    // chamber's amendment, that is agreeing to it.
                    c if passed.contains(&c) => match pending {
                        Some(p) if p != c => {
                            pending = None;
                            both = true;
                            Stage::PassedBoth
                        }
                        // The same vote recorded again, with nothing staged
                        // in between.
                        _ if last_passage == Some(c) => Stage::Action,
                        // A second vote of the same chamber (New Hampshire's
                        // House passes a bill again after a second committee).
                        _ => Stage::PassedOneChamber,
                    },
                    c => {
                        let first = passed.is_empty();
                        passed.insert(c);
                        if first {
                            Stage::PassedOneChamber
                        } else if amended && !early_agreement {
                            pending = Some(c);
                            Stage::PassedOneChamber
                        } else {
                            both = true;
                            Stage::PassedBoth
                        }
                    }
                }
            }
            Meaning::Agreement(ch, amended) => {
                let c = known(ch, chamber);
                match pending {
                    // Recorded before the amendment it agrees to: one day's
                    // actions listed chamber by chamber (NH HB 10 of 2025).
                    None if !both && passed.len() == 1 && !amended => {
                        early_agreement = true;
                        Stage::Action
                    }
                    Some(p) if !both && (p != c || c == Chamber::Unknown) => {
                        if amended {
                            pending = Some(c);
                            Stage::Action
                        } else {
                            pending = None;
                            both = true;
                            Stage::PassedBoth
                        }
                    }
                    _ => Stage::Action,
                }
            }
            Meaning::ConferenceAdopted(ch) => {
                let c = known(ch, chamber);
                if c == Chamber::Unknown || conference.insert(c) {
                    conference_votes += 1;
                }
                if !both && conference_votes >= 2 {
                    both = true;
                    pending = None;
                    Stage::PassedBoth
                } else {
                    Stage::Action
                }
            }
            Meaning::Stage(Stage::PassedBoth) if both => Stage::Action,
            Meaning::Stage(Stage::PassedBoth) => {
                both = true;
                pending = None;
                Stage::PassedBoth
            }
            Meaning::Stage(Stage::Introduced | Stage::Referred | Stage::CommitteeAction)
                if !passed.is_empty() || both || law =>
            {
                Stage::Action
            }
            Meaning::Stage(Stage::Enacted) if law => Stage::Action,
            Meaning::Stage(s) => {
                if matches!(s, Stage::Signed | Stage::Enacted) {
                    law = true;
                }
                if matches!(
                    s,
                    Stage::SentToExecutive | Stage::Signed | Stage::Enacted | Stage::Vetoed
                ) {
                    // Only a text both chambers passed goes to the executive.
                    both = true;
                    pending = None;
                }
                s
            }
            Meaning::Plain | Meaning::Unclassified | Meaning::Unknown => Stage::Action,
        };
        // A stage recorded again right after itself (referred to a second
        // committee, "Cleared for White House" then "Presented to
        // President") is reached once; passages are counted above.
        let stage = match stage {
            Stage::PassedOneChamber | Stage::PassedBoth | Stage::Action => stage,
            s if last_stage == Some(s) => Stage::Action,
            s => s,
        };
        if stage != Stage::Action {
            last_stage = Some(stage);
        }
        if this_passage.is_some()
            || !matches!(m, Meaning::Plain | Meaning::Unclassified | Meaning::Unknown)
        {
            last_passage = this_passage;
        }
        out.push(stage);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use Chamber::*;

    #[test]
    fn texts_say_amended_agreed_or_conference() {
        let p = Meaning::Passage(Unknown);
        assert_eq!(
            refine(
                p,
                "Ought to Pass with Amendment #2025-1616s, MA, VV; OT3rdg"
            ),
            Meaning::AmendedPassage(Unknown)
        );
        assert_eq!(
            refine(p, "Passed Senate without amendment by Voice Vote."),
            p
        );
        let plain = Meaning::Unclassified;
        assert_eq!(
            refine(
                plain,
                "House Concurs with Senate Amendment 2025-1616s (Rep. Berry): MA VV"
            ),
            Meaning::Agreement(Unknown, false)
        );
        assert_eq!(
            refine(
                plain,
                "Sen. Pearl Moved to Concur with the House Amendment, MA, VV"
            ),
            Meaning::Agreement(Unknown, false)
        );
        assert_eq!(
            refine(
                plain,
                "Sen. Ward Moved Nonconcur with the House Amendment, MA, VV"
            ),
            plain
        );
        assert_eq!(
            refine(
                plain,
                "House Non Concurs with Senate Amendment 2025-1903s and Requests CofC"
            ),
            plain
        );
        assert_eq!(
            refine(
                Meaning::Passage(Lower),
                "Resolving differences -- House actions: On motion that the House agree to the Senate amendment Agreed to by the Yeas and Nays"
            ),
            Meaning::Agreement(Lower, false)
        );
        assert_eq!(
            refine(
                plain,
                "House agreed to Senate amendment pursuant to H. Res. 590."
            ),
            Meaning::Agreement(Unknown, false)
        );
        assert_eq!(
            refine(
                plain,
                "On motion that the House disagree to the Senate amendment, and request a conference Agreed to by voice vote."
            ),
            plain
        );
        assert_eq!(
            refine(
                plain,
                "Conference Committee Report 2025-2795c, Adopted, VV; SJ 17"
            ),
            Meaning::ConferenceAdopted(Unknown)
        );
        assert_eq!(
            refine(plain, "Conference Committee Report Not Filed HJ 18"),
            plain
        );
        assert_eq!(
            refine(
                Meaning::Stage(Stage::Signed),
                "Conference Committee Report Not Signed Off SJ 17"
            ),
            Meaning::Plain
        );
    }

    #[test]
    fn both_chambers_pass_one_text() {
        use Meaning::{Agreement, AmendedPassage, ConferenceAdopted, Passage};
        // NH HB 107: the Senate amends, the House never concurs.
        let m = [
            (Passage(Lower), Lower),
            (AmendedPassage(Upper), Upper),
            (Meaning::Plain, Lower),
        ];
        assert_eq!(
            resolve_stages(&m[..2]),
            [Stage::PassedOneChamber, Stage::PassedOneChamber]
        );
        // The House concurs: passed both, once.
        let m = [
            (Passage(Lower), Lower),
            (AmendedPassage(Upper), Upper),
            (Agreement(Unknown, false), Lower),
            (Meaning::Stage(Stage::PassedBoth), Unknown),
        ];
        assert_eq!(
            resolve_stages(&m),
            [
                Stage::PassedOneChamber,
                Stage::PassedOneChamber,
                Stage::PassedBoth,
                Stage::Action
            ]
        );
        // The concurrence listed before the amended passage of the same
        // day (NH HB 10): passed both at the amended passage.
        let m = [
            (Passage(Lower), Lower),
            (Agreement(Unknown, false), Lower),
            (AmendedPassage(Upper), Upper),
            (Meaning::Stage(Stage::PassedBoth), Unknown),
        ];
        assert_eq!(
            resolve_stages(&m),
            [
                Stage::PassedOneChamber,
                Stage::Action,
                Stage::PassedBoth,
                Stage::Action
            ]
        );
        // Conference: both chambers adopt the report.
        let m = [
            (Passage(Upper), Upper),
            (AmendedPassage(Lower), Lower),
            (ConferenceAdopted(Unknown), Upper),
            (ConferenceAdopted(Unknown), Lower),
        ];
        assert_eq!(
            resolve_stages(&m),
            [
                Stage::PassedOneChamber,
                Stage::PassedOneChamber,
                Stage::Action,
                Stage::PassedBoth
            ]
        );
        // The first chamber amends its own bill: an ordinary passage; one
        // vote recorded twice is one passage (S. 4465).
        let m = [
            (AmendedPassage(Upper), Upper),
            (Passage(Lower), Lower),
            (Passage(Lower), Lower),
        ];
        assert_eq!(
            resolve_stages(&m),
            [Stage::PassedOneChamber, Stage::PassedBoth, Stage::Action]
        );
    }
}
