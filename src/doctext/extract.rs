//! What an order says about agencies, read by rule from its normalised
//! text: who it directs (a duty or a function given to an official or an
//! agency), who is only consulted, who is named a member of a body the
//! order establishes, whether it directs the heads of all executive
//! departments and agencies, and which other orders it cites. Every finding
//! carries its evidence: the section and the sentence.
//!
//! The rules, in order of the sentence:
//! - a title followed (past a short name in brackets, a list of other
//!   titles, or a ", in consultation with …," aside) by `shall`, `is
//!   directed`, `is authorized`, `is designated`, `is requested` directs;
//!   so does a title right after `assigned to`, `delegated to`, `vested
//!   in`, `direct`/`directs`;
//! - a title inside "in consultation with …", "in coordination with …",
//!   "consult with …" is consulted;
//! - a title after "composed of", "consist of", "include" in a sentence
//!   about a body's members, or in the list items after such a sentence,
//!   is named a member;
//! - sentences that limit the order ("Nothing in this order …", "This
//!   order is not intended …") and the "General Provisions" section are
//!   not read.

use std::collections::{BTreeMap, HashMap};

use super::titles::{self, Mention, Title};
use super::{sentences, Outline};

/// What an order does with an agency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Gives it a duty or a function.
    Directs,
    /// Names it to be consulted.
    Consults,
    /// Names it a member of a body the order establishes.
    Member,
}

/// One agency's role, with the first sentence that states it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Finding {
    /// The role.
    pub role: Role,
    /// The agency's Federal Register slug.
    pub slug: &'static str,
    /// The agency's name.
    pub agency: &'static str,
    /// The title as the text wrote it.
    pub title: &'static str,
    /// The section label (`Sec. 2`), or empty.
    pub section: String,
    /// The sentence.
    pub quote: String,
}

/// Everything read from one text.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Extraction {
    /// One finding per (role, agency), first evidence kept, in slug order.
    pub findings: Vec<Finding>,
    /// The first sentence that directs the heads of all executive
    /// departments and agencies, with its section.
    pub all_agencies: Option<(String, String)>,
    /// Executive orders cited (numbers), with the first sentence.
    pub cited_orders: Vec<(String, String, String)>,
    /// Public laws and U.S. Code sections cited, with the first sentence.
    pub cited_laws: Vec<CitedLaw>,
    /// Titles that resolve to nothing in the table.
    pub unknown_titles: Vec<String>,
}

/// A public law or U.S. Code section a text cites.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct CitedLaw {
    /// Public law or U.S. Code.
    pub scheme: LawScheme,
    /// The identifiers to look it up by, most specific first, written as
    /// entities write them: `Pub. L. 119-27`; `29 U.S.C. 1104(a)(1)`, then
    /// `29 U.S.C. 1104(a)`, then `29 U.S.C. 1104`.
    pub keys: Vec<String>,
    /// The section label.
    pub section: String,
    /// The sentence.
    pub quote: String,
}

/// The kind of a cited law.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum LawScheme {
    /// `Public Law 119-27`, `Pub. L. 119–27`.
    PublicLaw,
    /// `31 U.S.C. 5112`.
    UsCode,
}

impl Extraction {
    /// The slugs with a role.
    pub fn slugs(&self, role: Role) -> Vec<&'static str> {
        self.findings
            .iter()
            .filter(|f| f.role == role)
            .map(|f| f.slug)
            .collect()
    }
}

const DIRECT_VERBS: &[&str] = &[
    "shall",
    "is directed",
    "are directed",
    "is hereby directed",
    "are hereby directed",
    "is authorized",
    "are authorized",
    "is hereby authorized",
    "are hereby authorized",
    "is designated",
    "is hereby designated",
    "is requested",
    "are requested",
    "is hereby requested",
    "is hereby assigned",
    "is assigned",
    "is hereby delegated",
    "will",
    "should",
    "is responsible",
    "shall be responsible",
    "is encouraged",
    "is hereby encouraged",
];
const DIRECT_BEFORE: &[&str] = &[
    "assigned to the ",
    "delegated to the ",
    "vested in the ",
    "I hereby direct the ",
    "I hereby designate the ",
    "hereby designated the ",
    "I direct the ",
    "hereby directs the ",
    "directs the ",
    "assigned to ",
    "delegated to ",
    "to the direction of the ",
    "under the direction of the ",
];
const CONSULT_CUES: &[&str] = &[
    "in collaboration with",
    "collaboration with",
    "in consultation with",
    "consultation with",
    "in coordination with",
    "coordination with",
    "consult with",
    "consults with",
    "consulting with",
    "in cooperation with",
    "with the concurrence of",
    "concurrence of",
    "after consulting",
    "consult",
];
const MEMBER_CUES: &[&str] = &[
    "composed of",
    "consist of",
    "consists of",
    "comprised of",
    "shall include",
    "shall be members",
    "shall also include",
    "membership",
    "members shall",
    "following members",
    "following officials",
    "shall serve as members",
    "shall be a member",
];

/// Reads an order's text.
pub fn extract(text: &str, own_number: Option<&str>) -> Extraction {
    let outline = Outline::read(text);
    let mut aliases: HashMap<String, Title> = HashMap::new();
    let mut found: BTreeMap<(Role, &'static str), Finding> = BTreeMap::new();
    let mut out = Extraction::default();
    let mut cited: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut laws: BTreeMap<(LawScheme, Vec<String>), (String, String)> = BTreeMap::new();
    let mut unknown: Vec<String> = Vec::new();
    let general: Vec<&str> = outline
        .sections
        .iter()
        .filter(|s| {
            let h = s.heading.to_lowercase();
            h.contains("general provision") || h == "judicial review"
        })
        .map(|s| s.label.as_str())
        .collect();
    let mut implicit = implicit_aliases(&outline, &general, &mut aliases);
    // The bare titles whose official an earlier sentence named in full:
    // "the Secretary" refers back, never forward.
    let mut introduced: Vec<String> = Vec::new();
    // "performed by the head of the department or agency designated after
    // each committee": the agency in brackets after each item is directed.
    let mut designated_after = false;
    // A list of members follows a sentence that announces it.
    let mut member_list = false;
    for p in &outline.paragraphs {
        if p.heading {
            continue;
        }
        let label = super::normal_label(p.section);
        let in_general = general.contains(&label.as_str());
        let item = p.text.starts_with('(');
        if !item {
            member_list = false;
        }
        for s in sentences(p.text) {
            cross_references(s, own_number, &label, &mut cited);
            for (scheme, keys) in law_citations(s) {
                laws.entry((scheme, keys))
                    .or_insert_with(|| (label.clone(), s.to_string()));
            }
            if in_general || limits(s) {
                continue;
            }
            if designates_after_each(s) {
                designated_after = true;
            }
            let ms = titles::mentions(s, &aliases);
            define_aliases(s, &ms, &mut aliases, &mut implicit);
            // A short name being defined, "(Secretary)", is not a mention.
            let ms: Vec<Mention> = titles::mentions(s, &aliases)
                .into_iter()
                .filter(|m| {
                    let b = s[..m.start].trim_end_matches(['"', '\u{201c}', '`']);
                    !(b.ends_with('(')
                        || b.ends_with("(the ")
                        || b.ends_with("(hereinafter the ")
                        || b.ends_with("(hereinafter "))
                        && implicit_fits(s, m, &implicit, &introduced)
                })
                .collect();
            for w in &implicit {
                let named = ms.iter().any(|m| {
                    s[m.start..m.end].starts_with(&format!("{w} "))
                        && aliases.get(w).is_some_and(|t| t.slug == m.title.slug)
                });
                if named && !introduced.contains(w) {
                    introduced.push(w.clone());
                }
            }
            unknown.extend(titles::unknown_titles(s, &ms));
            let members_here = has_member_cue(s);
            for (k, m) in ms.iter().enumerate() {
                let role = if member_list && item && !is_subject(s, &ms, k) {
                    Some(Role::Member)
                } else {
                    role_of(s, &ms, k, members_here)
                };
                let Some(role) = role else { continue };
                found
                    .entry((role, m.title.slug))
                    .or_insert_with(|| Finding {
                        role,
                        slug: m.title.slug,
                        agency: m.title.agency,
                        title: m.title.title,
                        section: label.clone(),
                        quote: s.to_string(),
                    });
            }
            if out.all_agencies.is_none() && directs_all(s) {
                out.all_agencies = Some((label.clone(), s.to_string()));
            }
            if members_here && s.trim_end().ends_with(':') {
                member_list = true;
            }
        }
        if p.text.trim_end().ends_with(':') && has_member_cue(p.text) {
            member_list = true;
        }
    }
    if designated_after {
        for (f, label) in designated_items(&outline, &aliases) {
            found.entry((Role::Directs, f.slug)).or_insert(Finding {
                section: label,
                ..f
            });
        }
    }
    // An agency directed is not also listed as consulted or a member.
    let directed: Vec<&'static str> = found
        .keys()
        .filter(|(r, _)| *r == Role::Directs)
        .map(|(_, s)| *s)
        .collect();
    out.findings = found
        .into_values()
        .filter(|f| f.role == Role::Directs || !directed.contains(&f.slug))
        .collect();
    out.findings
        .sort_by(|a, b| (a.slug, a.role).cmp(&(b.slug, b.role)));
    out.cited_orders = cited.into_iter().map(|(n, (sec, q))| (n, sec, q)).collect();
    out.cited_laws = laws
        .into_iter()
        .map(|((scheme, keys), (section, quote))| CitedLaw {
            scheme,
            keys,
            section,
            quote,
        })
        .collect();
    unknown.sort();
    unknown.dedup();
    out.unknown_titles = unknown;
    out
}

/// The bare titles an order may use for the one official of that kind it
/// names: "the Secretary" where the operative text names one Secretary.
const IMPLICIT: &[&str] = &["Secretary", "Administrator", "Director"];

/// "The Secretary" (or Administrator, Director) with no short name
/// defined stands for the one official of that title the order names
/// outside its general provisions, when there is exactly one (counting
/// titles the table does not know, so that an unknown "Director of the
/// Office of Foo" makes "the Director" ambiguous).
fn implicit_aliases(
    outline: &Outline,
    general: &[&str],
    aliases: &mut HashMap<String, Title>,
) -> Vec<String> {
    let mut seen: BTreeMap<&str, Vec<Title>> = BTreeMap::new();
    let mut unknown: BTreeMap<&str, usize> = BTreeMap::new();
    let none = HashMap::new();
    for p in outline.paragraphs.iter().filter(|p| !p.heading) {
        if general.contains(&super::normal_label(p.section).as_str()) {
            continue;
        }
        for s in sentences(p.text).into_iter().filter(|s| !limits(s)) {
            let ms = titles::mentions(s, &none);
            for m in &ms {
                for w in IMPLICIT {
                    if m.title.title.starts_with(&format!("{w} of "))
                        || m.title.title.starts_with(&format!("{w} for "))
                    {
                        let v = seen.entry(w).or_default();
                        if !v.iter().any(|t| t.slug == m.title.slug) {
                            v.push(m.title.clone());
                        }
                    }
                }
            }
            for u in titles::unknown_titles(s, &ms) {
                for w in IMPLICIT {
                    if u.starts_with(&format!("{w} ")) {
                        *unknown.entry(w).or_default() += 1;
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    for (w, v) in seen {
        if v.len() == 1 && !unknown.contains_key(w) && !aliases.contains_key(w) {
            aliases.insert(w.to_string(), v[0].clone());
            out.push(w.to_string());
        }
    }
    out
}

/// A bare title stands for its official only after an earlier sentence
/// named the official in full, and only as "the Secretary", not in
/// "Cabinet Secretary", "the Secretary concerned" or an unknown
/// "Secretary of the Smithsonian Institution".
fn implicit_fits(s: &str, m: &Mention, implicit: &[String], introduced: &[String]) -> bool {
    let word = &s[m.start..m.end];
    if !implicit.iter().any(|w| w == word) {
        return true;
    }
    if !introduced.iter().any(|w| w == word) {
        return false;
    }
    let before = &s[..m.start];
    let after = &s[m.end..];
    (before.ends_with("the ") || before.ends_with("The "))
        && ![" of ", " for ", " concerned", " General", "-", " to the"]
            .iter()
            .any(|a| after.starts_with(a))
}

/// "… performed by the head of the department or agency designated after
/// each committee": the order's list names the agency after each item.
fn designates_after_each(s: &str) -> bool {
    s.contains("designated after each") || s.contains("named after each")
}

/// The list items that end with an agency in brackets, "(k) President's
/// Committee …; Executive Order 12994, as amended (Department of Health
/// and Human Services).", each a finding with the item as its quote.
fn designated_items(outline: &Outline, aliases: &HashMap<String, Title>) -> Vec<(Finding, String)> {
    let mut out = Vec::new();
    for p in outline
        .paragraphs
        .iter()
        .filter(|p| !p.heading && p.text.starts_with('('))
    {
        let Some(s) = sentences(p.text).into_iter().last() else {
            continue;
        };
        let t = s.trim_end().trim_end_matches(['.', ';']).trim_end();
        let Some(inner) = t
            .strip_suffix(')')
            .and_then(|t| t.rfind('(').map(|i| &t[i + 1..]))
        else {
            continue;
        };
        let ms = titles::mentions(inner, aliases);
        if let [m] = ms.as_slice() {
            if m.start == 0 && m.end == inner.len() {
                out.push((
                    Finding {
                        role: Role::Directs,
                        slug: m.title.slug,
                        agency: m.title.agency,
                        title: m.title.title,
                        section: String::new(),
                        quote: s.to_string(),
                    },
                    super::normal_label(p.section),
                ));
            }
        }
    }
    out
}

/// Sentences that limit the order rather than give duties.
fn limits(s: &str) -> bool {
    s.starts_with("Nothing in this order")
        || s.contains("shall be construed to impair")
        || s.contains("not intended to, and does not, create")
        || s.starts_with("This order is not intended")
        || s.starts_with("This order shall be implemented consistent with")
        || s.contains("is hereby revoked")
}

/// A sentence about the members of a body: a cue ("composed of",
/// "shall include") and a body or its members named ("shall include:"
/// alone begins many a list of requirements).
fn has_member_cue(s: &str) -> bool {
    const BODIES: &[&str] = &[
        "member",
        "Council",
        "Task Force",
        "Committee",
        "Board",
        "Working Group",
        "Commission",
        "Group",
        "Panel",
        "Interagency",
        "Team",
        "Subcommittee",
        "Initiative",
    ];
    MEMBER_CUES.iter().any(|c| s.contains(c)) && BODIES.iter().any(|b| s.contains(b))
}

/// `the Secretary of Labor (Secretary)`, `(the "Director")`: a short name
/// the document uses for a title.
fn define_aliases(
    s: &str,
    ms: &[Mention],
    aliases: &mut HashMap<String, Title>,
    implicit: &mut Vec<String>,
) {
    for m in ms {
        let rest = &s[m.end..];
        let Some(inner) = rest
            .strip_prefix(" (")
            .and_then(|r| r.split_once(')'))
            .map(|(a, _)| a)
        else {
            continue;
        };
        let inner = inner
            .trim_start_matches("hereinafter ")
            .trim_start_matches("the ");
        let inner =
            inner.trim_matches(|c: char| matches!(c, '"' | '\u{201c}' | '\u{201d}' | '\'' | '`'));
        let inner = inner.trim_start_matches("the ");
        if !inner.is_empty()
            && inner.len() <= 40
            && inner.starts_with(|c: char| c.is_uppercase())
            && inner.split(' ').count() <= 5
        {
            // A short name the order defines replaces the one assumed.
            if let Some(i) = implicit.iter().position(|w| w == inner) {
                implicit.remove(i);
                aliases.insert(inner.to_string(), m.title.clone());
            }
            aliases
                .entry(inner.to_string())
                .or_insert_with(|| m.title.clone());
        }
    }
}

/// Whether mention `k` is the subject of a duty verb (past other titles of
/// the same subject and a consultation aside).
fn is_subject(s: &str, ms: &[Mention], k: usize) -> bool {
    let mut pos = ms[k].end;
    let mut next = k + 1;
    loop {
        let mut rest = &s[pos..];
        // A short name in brackets.
        if let Some(r) = rest.strip_prefix(" (") {
            if let Some(close) = r.find(')') {
                pos += 2 + close + 1;
                rest = &s[pos..];
            }
        }
        // "and the Secretary of X", ", the Secretary of Y," — one subject.
        let joiner = [
            "and ",
            ", and ",
            ", ",
            " and ",
            " or ",
            ", or ",
            "and the ",
            " and the ",
            ", the ",
            ", and the ",
            " or the ",
            ", or the ",
        ];
        while ms.get(next).is_some_and(|m| m.start < pos) {
            next += 1;
        }
        if let Some(m) = ms.get(next) {
            let gap = &s[pos..m.start];
            if joiner.contains(&gap) || gap == " and the " || gap == " and " {
                pos = m.end;
                next += 1;
                continue;
            }
        }
        // A consultation aside: ", in consultation with …, shall".
        if let Some(r) = rest.strip_prefix(", ") {
            let lower = r.to_lowercase();
            let aside = [
                "in consultation with",
                "in coordination with",
                "acting through",
                "through ",
                "as appropriate",
                "in cooperation with",
                "after consultation",
                "with the assistance of",
                "consistent with",
                "to the extent",
                "in accordance with",
                "as the",
                "or his",
                "or her",
                "or the designee",
                "or their",
                "in conjunction with",
                "jointly with",
                "with the assistance",
                "and heads of",
                "and the heads of",
                "and other",
                "each within",
                "as appropriate",
                "upon",
                "within",
                "together with",
                "after",
                "where",
                "when",
                "in ",
            ];
            if aside.iter().any(|a| lower.starts_with(a)) {
                if let Some(close) = verb_after_aside(r) {
                    pos = pos + 2 + close;
                    rest = &s[pos..];
                } else {
                    return false;
                }
            }
        }
        let rest = rest.trim_start_matches([',', ' ']);
        let rest = rest.strip_prefix("each ").unwrap_or(rest);
        return DIRECT_VERBS
            .iter()
            .any(|v| rest.starts_with(v) && rest[v.len()..].starts_with([' ', ',', ':', ';']));
    }
}

/// In ", in consultation with A, B, and C, shall …", where the verb
/// starts (the byte after the aside's closing comma), if it is a verb.
fn verb_after_aside(r: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = r[from..].find(", ") {
        let at = from + i + 2;
        let after = &r[at..];
        let after = after.strip_prefix("each ").unwrap_or(after);
        if DIRECT_VERBS
            .iter()
            .any(|v| after.starts_with(v) && after[v.len()..].starts_with([' ', ',', ':', ';']))
        {
            return Some(at);
        }
        from = at;
        if from > 400 {
            break;
        }
    }
    None
}

/// The role of mention `k` of sentence `s`.
fn role_of(s: &str, ms: &[Mention], k: usize, members_here: bool) -> Option<Role> {
    let m = &ms[k];
    let before = &s[..m.start];
    // Possessives and "the Secretary's designee" are not the agency acting.
    if is_subject(s, ms, k) {
        // "in consultation with the Secretary of X, the Y shall": X is consulted,
        // but is_subject already skips consultation asides only after a title.
        if in_consult_zone(before) {
            return Some(Role::Consults);
        }
        return Some(Role::Directs);
    }
    // "delegated to the Attorney General and the Director of Central
    // Intelligence": a list of titles is read from its first.
    let before = &s[..list_head(s, ms, k)];
    if agent_of_duty(before) || acts_as_head(before) {
        return Some(Role::Directs);
    }
    let tail = before.strip_suffix("the ").unwrap_or(before);
    if DIRECT_BEFORE
        .iter()
        .any(|c| before.ends_with(c) || tail.ends_with(c.trim_end_matches("the ")))
        && !s[m.end..].starts_with("'s")
    {
        return Some(Role::Directs);
    }
    if in_consult_zone(before) {
        return Some(Role::Consults);
    }
    if members_here {
        let cue = MEMBER_CUES.iter().filter_map(|c| before.rfind(c)).max();
        if cue.is_some() {
            return Some(Role::Member);
        }
    }
    None
}

/// Where the list of titles that mention `k` ends starts: "the Attorney
/// General and the Director of Central Intelligence" is one list.
fn list_head(s: &str, ms: &[Mention], k: usize) -> usize {
    const JOINERS: &[&str] = &[
        ", ",
        ", and ",
        " and ",
        ", and the ",
        " and the ",
        ", the ",
        " or the ",
        ", or the ",
    ];
    let mut k = k;
    while k > 0 && JOINERS.contains(&&s[ms[k - 1].end.min(ms[k].start)..ms[k].start]) {
        k -= 1;
    }
    ms[k].start
}

/// Verbs of a duty done by someone: "shall be performed by the Secretary".
const AGENT_VERBS: &[&str] = &[
    "performed",
    "supported",
    "prepared",
    "exercised",
    "administered",
    "carried out",
    "provided",
    "assigned",
    "conducted",
    "chaired",
    "headed",
    "led",
    "implemented",
    "coordinated",
    "funded",
    "staffed",
    "appointed",
    "terminated sooner",
    "terminated",
    "made",
    "submitted",
    "developed",
    "issued jointly",
    "prescribed",
    "approved",
    "disapproved",
    "reviewed",
];

/// "… shall be performed by the Secretary of Transportation", "supported
/// administratively and financially by the Department of Defense": the
/// agent of a duty the sentence states.
fn agent_of_duty(before: &str) -> bool {
    let Some(head) = before
        .strip_suffix("by the ")
        .or_else(|| before.strip_suffix("by "))
    else {
        return false;
    };
    if head.ends_with("appointed ") && before.ends_with("President ") {
        return false;
    }
    let window = &head[head.len().saturating_sub(70)..];
    let window = window.rsplit([';', ':']).next().unwrap_or(window);
    (before.contains("shall")
        || window.contains("to be ")
        || before.contains(" will ")
        || before.contains(" are ")
        || before.contains(" is "))
        && AGENT_VERBS
            .iter()
            .any(|v| window.contains(&format!("{v} ")))
        && !window.contains("established")
        && !window.contains("promulgated")
}

/// An order of succession: "… shall act as, and perform the functions and
/// duties of, the office of the Secretary of X": the officers of X act.
fn acts_as_head(before: &str) -> bool {
    let b = before.trim_end();
    (b.ends_with("the office of")
        || b.ends_with("the office of,")
        || b.ends_with("the office of, the")
        || b.ends_with("the office of the"))
        && (before.contains("shall act as") || before.contains("perform the functions and duties"))
        || b.ends_with("officials of the")
        || b.ends_with("officers of the")
}

/// Whether the text just before a mention is inside "in consultation
/// with …" (a list of titles continuing it).
fn in_consult_zone(before: &str) -> bool {
    let lower = before.to_lowercase();
    let Some(cue) = CONSULT_CUES
        .iter()
        .filter_map(|c| lower.rfind(c).map(|p| p + c.len()))
        .max()
    else {
        return false;
    };
    let between = &before[cue..];
    // The aside ends at a verb or a clause that is not a list of names.
    !(between.contains(" shall ")
        || between.contains(';')
        || between.contains(" to ") && between.len() > 120)
        && between.len() < 400
}

/// "the heads of all executive departments and agencies shall …".
fn directs_all(s: &str) -> bool {
    let lower = s.to_lowercase();
    let cues = [
        "heads of all executive departments and agencies",
        "heads of executive departments and agencies",
        "heads of all agencies",
        "all executive departments and agencies",
        "each executive department and agency",
        "heads of all executive agencies",
        "all agencies shall",
        "each agency shall",
        "heads of agencies shall",
        "agency heads shall",
    ];
    cues.iter().any(|c| {
        lower.find(c).is_some_and(|p| {
            let after = &lower[p + c.len()..];
            after.contains("shall")
                || after.contains("are directed")
                || after.contains("should")
                || c.ends_with("shall")
        })
    })
}

/// "Executive Order 12866 of September 30, 1993", "Executive Order No. 12866".
fn cross_references(
    s: &str,
    own: Option<&str>,
    label: &str,
    cited: &mut BTreeMap<String, (String, String)>,
) {
    for marker in [
        "Executive Order No. ",
        "Executive Order ",
        "Executive Orders ",
    ] {
        for (p, _) in s.match_indices(marker) {
            let mut rest = &s[p + marker.len()..];
            // "Executive Orders 12866 and 13563": every number of the run.
            loop {
                let num: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
                if num.len() < 4 || num.len() > 5 {
                    break;
                }
                if own != Some(num.as_str()) {
                    cited
                        .entry(num.clone())
                        .or_insert_with(|| (label.to_string(), s.to_string()));
                }
                rest = &rest[num.len()..];
                let Some(r) = [", and ", " and ", ", "]
                    .iter()
                    .find_map(|j| rest.strip_prefix(j))
                else {
                    break;
                };
                rest = r;
            }
        }
    }
}

/// "Public Law 119-27", "Pub. L. 119–27", "Pub. L. No. 93-406"; "31
/// U.S.C. 5112", "29 U.S.C. 1104(a)(1)", "12 U.S.C. 5901 et seq.": each
/// with the identifiers to look it up by (see [`CitedLaw::keys`]).
fn law_citations(s: &str) -> Vec<(LawScheme, Vec<String>)> {
    let mut out = Vec::new();
    for marker in ["Public Law ", "Pub. L. "] {
        for (p, _) in s.match_indices(marker) {
            let rest = &s[p + marker.len()..];
            let rest = rest.strip_prefix("No. ").unwrap_or(rest);
            let congress: String = rest.chars().take_while(char::is_ascii_digit).collect();
            let Some(after) =
                rest[congress.len()..].strip_prefix(['-', '\u{2013}', '\u{2011}', '\u{2010}'])
            else {
                continue;
            };
            let number: String = after.chars().take_while(char::is_ascii_digit).collect();
            if congress.is_empty() || congress.len() > 3 || number.is_empty() {
                continue;
            }
            out.push((
                LawScheme::PublicLaw,
                vec![format!("Pub. L. {congress}-{number}")],
            ));
        }
    }
    for (p, _) in s.match_indices(" U.S.C. ") {
        let head = &s[..p];
        let title: String = head
            .chars()
            .rev()
            .take_while(char::is_ascii_digit)
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        if title.is_empty() || title.len() > 2 {
            continue;
        }
        if head[..head.len() - title.len()]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_alphanumeric())
        {
            continue;
        }
        let rest = &s[p + " U.S.C. ".len()..];
        let section: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '(' | ')' | '-' | '.'))
            .collect();
        // A sentence's full stop, an unmatched bracket closing an aside.
        let mut section = section.trim_end_matches('.').to_string();
        while section.matches(')').count() > section.matches('(').count() {
            section.pop();
        }
        if !section.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let base = format!("{title} U.S.C. ");
        let mut keys = Vec::new();
        if rest[section.len()..].starts_with(" et seq.") {
            keys.push(format!("{base}{section} et seq."));
        }
        // "1104(a)(1)", then "1104(a)", then "1104".
        let mut sec = section.as_str();
        loop {
            keys.push(format!("{base}{sec}"));
            match sec.rfind('(') {
                Some(i) if i > 0 => sec = &sec[..i],
                _ => break,
            }
        }
        out.push((LawScheme::UsCode, keys));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles(text: &str) -> Vec<(Role, &'static str)> {
        extract(text, None)
            .findings
            .iter()
            .map(|f| (f.role, f.slug))
            .collect()
    }

    #[test]
    fn duties_consultations_and_members() {
        let t = "Sec. 2. Policy. The Secretary of Labor shall, in consultation with the Secretary of the Treasury and the Attorney General, issue guidance.\n\nSec. 3. Council. (a) There is established the Council. The Council shall be composed of the following members:\n\n(i) the Secretary of State;\n\n(ii) the Administrator of General Services.\n\nSec. 4. Functions. The functions of the President under the Act are assigned to the Director of the Office of Management and Budget. The Secretary of Energy and the Secretary of Commerce shall report.\n\nSec. 5. General Provisions. (a) Nothing in this order shall be construed to impair the functions of the Secretary of Defense.\n";
        assert_eq!(
            roles(t),
            [
                (Role::Directs, "commerce-department"),
                (Role::Directs, "energy-department"),
                (Role::Member, "general-services-administration"),
                (Role::Consults, "justice-department"),
                (Role::Directs, "labor-department"),
                (Role::Directs, "management-and-budget-office"),
                (Role::Member, "state-department"),
                (Role::Consults, "treasury-department"),
            ]
        );
    }

    #[test]
    fn a_defined_short_name_is_followed() {
        let t = "Sec. 1. The Secretary of Labor (Secretary) is a good title.\n\nSec. 2. Duties. The Secretary shall report.\n";
        let x = extract(t, None);
        assert_eq!(x.slugs(Role::Directs), ["labor-department"]);
        assert_eq!(x.findings[0].section, "Sec. 2");
        assert_eq!(x.findings[0].quote, "The Secretary shall report.");
    }

    #[test]
    fn heads_of_all_agencies_once_and_cited_orders() {
        let t = "Sec. 1. The heads of all executive departments and agencies shall comply with Executive Order 12866 of September 30, 1993, and Executive Orders 13563 and 13610.\n";
        let x = extract(t, Some("13610"));
        assert!(x.findings.is_empty());
        assert!(x.all_agencies.is_some());
        let nums: Vec<&str> = x.cited_orders.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(nums, ["12866", "13563"]);
    }

    #[test]
    fn the_one_secretary_named_is_the_secretary() {
        let t = "Sec. 1. Policy. The Secretary of Labor may act.\n\nSec. 2. Duties. The Secretary shall report. The Cabinet Secretary shall not count.\n";
        let x = extract(t, None);
        assert_eq!(x.slugs(Role::Directs), ["labor-department"]);
        assert_eq!(x.findings[0].quote, "The Secretary shall report.");
        // Two Secretaries named: "the Secretary" is not guessed.
        let t = "Sec. 1. The Secretary of Labor and the Secretary of State may act.\n\nSec. 2. The Secretary shall report.\n";
        assert!(extract(t, None).slugs(Role::Directs).is_empty());
        // Named only after: "the Secretary" is someone else (an amended
        // order's Secretary, say).
        let t = "Sec. 1. The functions are delegated to the Secretary, who shall act in consultation with the Secretary of State.\n";
        assert!(extract(t, None).slugs(Role::Directs).is_empty());
    }

    #[test]
    fn lists_after_a_delegation_and_agencies_named_after_items() {
        let t = "Sec. 1. The function is delegated to the Attorney General and the Director of Central Intelligence, to be exercised jointly. Medals shall be awarded under regulations to be prescribed by the Secretary of Transportation.\n\nSec. 2. Each committee listed below is continued.\n\n(a) President's Export Council; Executive Order 12131, as amended (Department of Commerce).\n\nSec. 3. The functions shall be performed by the head of the department or agency designated after each committee.\n";
        assert_eq!(
            roles(t),
            [
                (Role::Directs, "central-intelligence-agency"),
                (Role::Directs, "commerce-department"),
                (Role::Directs, "justice-department"),
                (Role::Directs, "transportation-department"),
            ]
        );
    }

    #[test]
    fn public_laws_and_code_sections_cited() {
        let t = "Sec. 1. Under the GENIUS Act (Public Law 119-27), Pub. L. 119\u{2013}27, and Pub. L. No. 93-406, and under 31 U.S.C. 5112, 29 U.S.C. 1104(a)(1), and 12 U.S.C. 5901 et seq. (see 5 U.S.C. App.) the Secretary of the Treasury shall act.\n";
        let x = extract(t, None);
        let keys: Vec<&str> = x.cited_laws.iter().map(|c| c.keys[0].as_str()).collect();
        assert_eq!(
            keys,
            [
                "Pub. L. 119-27",
                "Pub. L. 93-406",
                "12 U.S.C. 5901 et seq.",
                "29 U.S.C. 1104(a)(1)",
                "31 U.S.C. 5112",
            ]
        );
        let erisa = &x.cited_laws[3];
        assert_eq!(
            erisa.keys,
            [
                "29 U.S.C. 1104(a)(1)",
                "29 U.S.C. 1104(a)",
                "29 U.S.C. 1104"
            ]
        );
        assert_eq!(x.cited_laws[2].keys[1], "12 U.S.C. 5901");
        assert_eq!(
            (erisa.section.as_str(), erisa.quote.as_str()),
            ("Sec. 1", t.trim_end())
        );
    }

    #[test]
    fn unknown_titles_are_listed() {
        let t = "Sec. 1. The Director of the Office of Unicorn Affairs shall report.\n";
        assert_eq!(
            extract(t, None).unknown_titles,
            ["Director of the Office of Unicorn Affairs"]
        );
    }
}
