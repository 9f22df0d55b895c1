//! The query syntax: reads a query as a user types it, reports mistakes
//! with their position and a way to write it instead, and rewrites it into
//! what tantivy's parser reads.
//!
//! People type text, not grammar, so the rules lean towards text:
//! - an apostrophe, a colon after a word that is not a field, a URL, and
//!   any other character that tantivy's grammar would take for an operator
//!   (`'`, `` ` ``, `!`, `[`, `]`, `{`, `}`, `\`, `*`) are part of the word,
//!   which is searched as a phrase of its tokens (`President's`,
//!   `Crypto Week: House`, `https://…`);
//! - `401(k)` is a word, not a group;
//! - `AND NOT` means exclusion;
//! - a value after `kind:` or `status:` must be a kind or a status;
//! - words of the domain are widened to their synonyms
//!   ([`super::synonyms`]);
//! - Chinese written without spaces matches its character pairs as a
//!   conjunction (each character in a pair that matches), not only as an
//!   exact phrase; the search boosts the exact phrase.

use crate::model::{Kind, Stage};
use crate::text::is_cjk;
use crate::{Error, Result};

/// Fields a query may name, and what they search.
pub const QUERY_FIELDS: &[(&str, &str)] = &[
    ("name", "names in every language and aliases"),
    (
        "ident",
        "official identifiers (EO number, bill number, public law, citations)",
    ),
    (
        "body",
        "summaries, notes, deadline and relation notes, tags, sponsors",
    ),
    (
        "procedural",
        "event notes (bill actions, referrals to committees) and source titles",
    ),
    ("text", "a document's own full text, where it was imported"),
    ("id", "the exact entity id"),
    ("kind", "the exact kind"),
    ("jurisdiction", "the exact jurisdiction code"),
    ("status", "the exact current status"),
    ("tag", "an exact tag"),
];

/// How deeply parentheses may nest in a query.
const MAX_NESTING: usize = 8;

/// Characters that tantivy's query grammar reads as syntax inside or at the
/// start of a word; in a plain word they are text.
const GRAMMAR: &[char] = &[
    '+', '^', '`', ':', '{', '}', '\'', '[', ']', '!', '\\', '*', '~', '<', '>', '=',
];

/// A query checked and rewritten for the parser.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Prepared {
    /// The query as tantivy's parser reads it.
    pub text: String,
    /// The words to search for as typed (not excluded, not in a field,
    /// not operators), in order: for typo tolerance, phrase ranking and
    /// "which word matched nothing".
    pub words: Vec<String>,
    /// Whether the query is nothing but such words.
    pub plain: bool,
    /// Runs of Chinese (three or more characters, no spaces) that match as
    /// pairs of characters; the exact run ranks higher.
    pub cjk_runs: Vec<String>,
}

/// Checks a query and rewrites it for the parser (see [`parse`]).
pub fn prepare_query(q: &str) -> Result<String> {
    parse(q).map(|p| p.text)
}

fn err(message: impl Into<String>, position: usize) -> Error {
    Error::Query {
        message: message.into(),
        position: Some(position),
    }
}

/// A piece of the query, as the lexer cuts it.
#[derive(Debug)]
enum Tok {
    /// A run of characters up to a space, quote or parenthesis. `glued`:
    /// a phrase or `(` follows with no space (`name:"…"`, `-(…)`).
    Word {
        text: String,
        at: usize,
        glued: bool,
    },
    /// A quoted phrase with its quotes, and a `~2` or `^2` after it.
    Phrase {
        text: String,
    },
    Open,
    Close,
}

fn lex(chars: &[char]) -> Result<Vec<Tok>> {
    let mut out = Vec::new();
    let mut depth: Vec<usize> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '"' => {
                let Some(len) = chars[i + 1..].iter().position(|&c| c == '"') else {
                    return Err(err(
                        "unbalanced `\"`: the phrase is not closed; close it, or drop the `\"` to search the words",
                        i,
                    ));
                };
                let mut end = i + 1 + len + 1;
                if matches!(chars.get(end), Some('~' | '^')) {
                    let digits = chars[end + 1..]
                        .iter()
                        .take_while(|c| c.is_ascii_digit() || **c == '.')
                        .count();
                    if digits > 0 {
                        end += 1 + digits;
                    }
                }
                // A backslash in a phrase escapes in tantivy's grammar; it
                // is punctuation here.
                let text: String = chars[i..end]
                    .iter()
                    .map(|&c| if c == '\\' { ' ' } else { c })
                    .collect();
                out.push(Tok::Phrase { text });
                i = end;
            }
            '(' => {
                depth.push(i);
                if depth.len() > MAX_NESTING {
                    // tantivy's parser takes time exponential in the depth:
                    // 16 levels took seconds, 20 minutes.
                    return Err(err(
                        format!("parentheses nested too deep: at most {MAX_NESTING} levels"),
                        i,
                    ));
                }
                out.push(Tok::Open);
                i += 1;
            }
            ')' => {
                if depth.pop().is_none() {
                    return Err(err(
                        "unbalanced `)`: no `(` before it; drop it, or quote the words",
                        i,
                    ));
                }
                out.push(Tok::Close);
                i += 1;
            }
            _ => {
                let at = i;
                let mut text = String::new();
                while i < chars.len() {
                    let c = chars[i];
                    if c.is_whitespace() || c == '"' || c == ')' {
                        break;
                    }
                    if c == '(' {
                        // `401(k)`, `404(a)`: letters or digits right
                        // before, a short word and `)` after.
                        let inner = chars[i + 1..]
                            .iter()
                            .take_while(|c| c.is_ascii_alphanumeric())
                            .count();
                        let close = i + 1 + inner;
                        let prev_alnum = text.chars().last().is_some_and(char::is_alphanumeric);
                        if prev_alnum && (1..=3).contains(&inner) && chars.get(close) == Some(&')')
                        {
                            text.extend(&chars[i + 1..close]);
                            i = close + 1;
                            continue;
                        }
                        break;
                    }
                    text.push(c);
                    i += 1;
                }
                let glued = matches!(chars.get(i), Some('"' | '('));
                out.push(Tok::Word { text, at, glued });
            }
        }
    }
    if let Some(open) = depth.pop() {
        return Err(err(
            "unbalanced `(`: it is never closed; close it, or drop it",
            open,
        ));
    }
    Ok(out)
}

/// Operators need words around them, and a group needs words in it.
fn check_operators(toks: &[Tok]) -> Result<()> {
    let op = |t: Option<&Tok>| match t {
        Some(Tok::Word { text, .. }) => matches!(text.as_str(), "AND" | "OR" | "NOT"),
        _ => false,
    };
    // A word with something to find (punctuation alone is dropped), or a
    // sign or field glued to a phrase or group.
    let word = |t: Option<&Tok>| match t {
        Some(Tok::Word { text, glued, .. }) => {
            !op(t) && (*glued || text.chars().any(char::is_alphanumeric))
        }
        _ => false,
    };
    let term_before =
        |t: Option<&Tok>| matches!(t, Some(Tok::Phrase { .. } | Tok::Close)) || word(t);
    let term_after = |t: Option<&Tok>| matches!(t, Some(Tok::Phrase { .. } | Tok::Open)) || word(t);
    for (k, tok) in toks.iter().enumerate() {
        let prev = k.checked_sub(1).and_then(|p| toks.get(p));
        let next = toks.get(k + 1);
        match tok {
            Tok::Open if matches!(next, Some(Tok::Close)) => {
                return Err(Error::Query {
                    message: "`()` holds nothing; put words in it, or drop it".into(),
                    position: None,
                });
            }
            Tok::Word { text, at, .. } if op(Some(tok)) => {
                let word = text.as_str();
                // `AND NOT`: the `NOT` is checked on its own.
                let before_ok = word == "NOT" || term_before(prev);
                let after_ok = term_after(next)
                    || (word == "AND"
                        && op(next)
                        && matches!(next, Some(Tok::Word { text, .. }) if text == "NOT"));
                if !(before_ok && after_ok) {
                    let example = match word {
                        "OR" => "`arizona OR texas`",
                        "AND" => "`bitcoin AND reserve`",
                        _ => "`bitcoin NOT texas`",
                    };
                    let side = if word == "NOT" {
                        "after it"
                    } else {
                        "on each side"
                    };
                    return Err(err(
                        format!("`{word}` needs a word {side}, as in {example}; to search for the word, write it in lowercase"),
                        *at,
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// One piece of the rewritten query.
enum Piece {
    /// Passed to the parser as is; `glued` to the next piece.
    Raw { text: String, glued: bool },
    /// A word to search for, as typed; `quoted` when it must be a phrase.
    Plain { text: String, quoted: bool },
}

/// Reads a query as typed; see the module documentation for the rules.
pub fn parse(q: &str) -> Result<Prepared> {
    if q.trim().is_empty() {
        return Err(Error::Query {
            message: "the query is empty".into(),
            position: None,
        });
    }
    let chars: Vec<char> = q.chars().collect();
    let toks = lex(&chars)?;
    check_operators(&toks)?;
    let mut pieces: Vec<Piece> = Vec::new();
    let mut plain = true;
    let mut negate_next = false;
    // Whether the query has something to find at the top level (tantivy
    // refuses a query that only excludes).
    let mut positive = false;
    let mut level = 0usize;
    // A lone `-` before a phrase or group: what follows is excluded.
    let mut excluded_next = false;
    for (k, tok) in toks.iter().enumerate() {
        let neg = std::mem::take(&mut negate_next);
        let excl = neg || std::mem::take(&mut excluded_next);
        let (text, at, glued) = match tok {
            Tok::Phrase { text } if !text.chars().any(char::is_alphanumeric) => {
                // `""`: nothing to find; an operator before it applies to
                // what follows, a field before it has no value.
                if let Some(Piece::Raw { text, glued: true }) = pieces.last() {
                    if let Some(field) = text.strip_suffix(':') {
                        let field = field.trim_start_matches(['-', '+']);
                        return Err(Error::Query {
                            message: format!(
                                "`{field}:` needs a value, as in `{field}:{}`",
                                example(field)
                            ),
                            position: None,
                        });
                    }
                    if matches!(text.as_str(), "-" | "+" | "") {
                        pieces.pop();
                    }
                }
                negate_next = neg;
                excluded_next = excl;
                continue;
            }
            Tok::Phrase { text } => {
                plain = false;
                if level == 0 && !excl {
                    positive = true;
                }
                let text = if neg {
                    format!("-{text}")
                } else {
                    text.clone()
                };
                pieces.push(Piece::Raw { text, glued: false });
                continue;
            }
            Tok::Open => {
                plain = false;
                if level == 0 && !excl {
                    positive = true;
                }
                level += 1;
                let text = if neg { "-(" } else { "(" };
                pieces.push(Piece::Raw {
                    text: text.into(),
                    glued: true,
                });
                continue;
            }
            Tok::Close => {
                level = level.saturating_sub(1);
                pieces.push(Piece::Raw {
                    text: ")".into(),
                    glued: false,
                });
                continue;
            }
            Tok::Word { text, at, glued } => (text.as_str(), *at, *glued),
        };
        if matches!(text, "AND" | "OR" | "NOT") {
            plain = false;
            let prev_and = matches!(pieces.last(), Some(Piece::Raw { text, .. }) if text == "AND");
            if text == "NOT" && prev_and && k + 1 < toks.len() {
                // `a AND NOT b`: tantivy's parser reads this `NOT` as a
                // word; `a AND -b` says what was meant.
                negate_next = true;
                continue;
            }
            // What follows `NOT` is excluded.
            excluded_next = text == "NOT";
            pieces.push(Piece::Raw {
                text: text.into(),
                glued: false,
            });
            continue;
        }
        // A leading `-` excludes, a leading `+` requires.
        let (sign, rest) = match text.chars().next() {
            Some(c @ ('-' | '+')) if text.len() > 1 || glued => (Some(c), &text[1..]),
            _ => (None, text),
        };
        // After `NOT` (which excludes already), a sign of its own is not
        // grammar tantivy reads.
        let sign = if neg {
            Some('-')
        } else if excl {
            None
        } else {
            sign
        };
        let excluded = sign == Some('-') || excl;
        // Whether this word, once written out, gives the query something to
        // find.
        let finds = level == 0 && !excluded;
        let prefix = sign.map(String::from).unwrap_or_default();
        if rest.is_empty() {
            // A lone `-` or `+` before a phrase or a group.
            plain = false;
            excluded_next = excluded && glued;
            pieces.push(Piece::Raw {
                text: prefix,
                glued,
            });
            continue;
        }
        if let Some((field, value)) = field_of(rest, at + prefix.len())? {
            plain = false;
            let value = if value.is_empty() {
                if !glued {
                    return Err(err(
                        format!("`{field}:` needs a value right after the colon, as in `{field}:{}`; to search for the word, drop the colon",
                            example(field)),
                        at,
                    ));
                }
                String::new()
            } else {
                field_value(field, value, at + prefix.len() + field.chars().count() + 1)?
            };
            positive |= finds;
            pieces.push(Piece::Raw {
                glued: glued && value.is_empty(),
                text: format!("{prefix}{field}:{value}"),
            });
            continue;
        }
        // Text. A word with grammar characters in it is a phrase of its
        // tokens; a trailing `^2` stays a boost.
        let (core, boost) = split_boost(rest);
        // `-OR`, `OR^2`: the word, not the operator.
        let lowered;
        let core = if matches!(core, "AND" | "OR" | "NOT") {
            lowered = core.to_lowercase();
            lowered.as_str()
        } else {
            core
        };
        let quoted =
            core.contains(GRAMMAR) || core.contains(['’', '‘']) || core.starts_with(['-', '+']);
        if excluded || sign.is_some() || !boost.is_empty() {
            plain = false;
            let core = if quoted { quote(core) } else { core.to_owned() };
            if core.chars().all(|c| !c.is_alphanumeric()) {
                // `-` and punctuation: nothing to exclude or require.
                negate_next = neg;
                excluded_next = excl;
                continue;
            }
            positive |= finds;
            pieces.push(Piece::Raw {
                text: format!("{prefix}{core}{boost}"),
                glued: false,
            });
            continue;
        }
        if !core.chars().any(char::is_alphanumeric) {
            // Punctuation alone (`-`, `:::`): nothing to find; an operator
            // before it applies to what follows.
            negate_next = neg;
            excluded_next = excl;
            continue;
        }
        // `Trump's`: the possessive adds nothing to find.
        let bare = core
            .strip_suffix("'s")
            .or_else(|| core.strip_suffix("’s"))
            .filter(|b| !b.is_empty() && !b.contains(GRAMMAR) && !b.contains(['’', '‘']))
            .filter(|b| !matches!(*b, "AND" | "OR" | "NOT"));
        if !bare.unwrap_or(core).chars().any(char::is_alphanumeric) {
            negate_next = neg;
            excluded_next = excl;
            continue;
        }
        positive |= finds;
        match bare {
            Some(b) => pieces.push(Piece::Plain {
                text: b.to_owned(),
                quoted: false,
            }),
            None => pieces.push(Piece::Plain {
                text: core.to_owned(),
                quoted,
            }),
        }
    }
    // Dropped punctuation can leave an operator alone (`'^2 AND x`).
    let kind = |p: Option<&Piece>| match p {
        None => 'x',
        Some(Piece::Plain { .. }) => 't',
        Some(Piece::Raw { text, glued }) => match text.as_str() {
            "AND" | "OR" | "NOT" => 'o',
            ")" => ')',
            t if t.ends_with('(') => '(',
            _ if *glued => 'p',
            _ => 't',
        },
    };
    for (k, p) in pieces.iter().enumerate() {
        if let Piece::Raw { text, .. } = p {
            if !matches!(text.as_str(), "AND" | "OR" | "NOT") {
                continue;
            }
            let before = kind(k.checked_sub(1).and_then(|j| pieces.get(j)));
            let after = kind(pieces.get(k + 1));
            let after_ok = matches!(after, 't' | '(' | 'p')
                || (text == "AND"
                    && matches!(pieces.get(k + 1), Some(Piece::Raw { text, .. }) if text == "NOT"));
            let before_ok = text == "NOT" || matches!(before, 't' | ')');
            if !(before_ok && after_ok) {
                return Err(Error::Query {
                    message: format!(
                        "`{text}` needs a word {}; to search for the word, write it in lowercase",
                        if text == "NOT" {
                            "after it"
                        } else {
                            "on each side"
                        }
                    ),
                    position: None,
                });
            }
        }
    }
    let empty_group = pieces.windows(2).any(|w| {
        matches!((&w[0], &w[1]), (Piece::Raw { text: open, .. }, Piece::Raw { text: close, .. })
            if open.ends_with('(') && close == ")")
    });
    if empty_group {
        return Err(Error::Query {
            message: "`()` holds nothing to search for; put words in it, or drop it".into(),
            position: None,
        });
    }
    let terms = pieces.iter().any(|p| match p {
        Piece::Plain { .. } => true,
        Piece::Raw { text, .. } => !matches!(
            text.as_str(),
            "AND" | "OR" | "NOT" | "(" | ")" | "-(" | "-" | "+"
        ),
    });
    if !terms {
        return Err(Error::Query {
            message: "the query has no words to search for, only operators; write words around them, as in `bitcoin AND reserve`".into(),
            position: None,
        });
    }
    if !positive {
        return Err(Error::Query {
            message: "the query only excludes; add a word to search for, as in `bitcoin -texas`"
                .into(),
            position: None,
        });
    }
    Ok(render(pieces, plain))
}

/// `field` and its value when `word` starts with a field name and a colon.
/// A word before a colon that is not a field is text (`Week:`, `https:`),
/// unless it is a near miss of a field with a value right after it
/// (`nmae:reserve`), which is an error with a suggestion.
fn field_of(word: &str, at: usize) -> Result<Option<(&'static str, &str)>> {
    let Some((name, value)) = word.split_once(':') else {
        return Ok(None);
    };
    if name.is_empty() || !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Ok(None);
    }
    if let Some((field, _)) = QUERY_FIELDS.iter().find(|(f, _)| *f == name) {
        return Ok(Some((field, value)));
    }
    let lower = name.to_lowercase();
    if let Some((field, _)) = QUERY_FIELDS.iter().find(|(f, _)| *f == lower) {
        return Ok(Some((field, value)));
    }
    if value.is_empty() || value.starts_with('/') {
        return Ok(None);
    }
    if matches!(
        lower.as_str(),
        "date" | "since" | "until" | "year" | "from" | "to"
    ) {
        return Err(err(
            format!(
                "`{name}:` is not a field: dates are filters, `--since DATE` and `--until DATE`"
            ),
            at,
        ));
    }
    let near = QUERY_FIELDS.iter().map(|f| f.0).find(|f| {
        let d = strsim::damerau_levenshtein(f, &lower);
        d == 1 || (d == 2 && f.len() >= 6)
    });
    if let Some(field) = near {
        let known: Vec<&str> = QUERY_FIELDS.iter().map(|f| f.0).collect();
        return Err(err(
            format!(
                "unknown field `{name}`: did you mean `{field}:`? Fields are {}; to search for the text, quote it: \"{word}\"",
                known.join(", ")
            ),
            at,
        ));
    }
    Ok(None)
}

/// An example value for `field`, for messages.
fn example(field: &str) -> &'static str {
    match field {
        "id" => "eo-14330",
        "kind" => "bill",
        "jurisdiction" => "US-TX",
        "status" => "enacted",
        "tag" => "bitcoin-reserve",
        "ident" => "\"S. 1582\"",
        _ => "genius",
    }
}

/// The value of `field:` as the index spells it. Raw fields hold exact
/// values: ids are lowercase, kinds and statuses snake_case (and must be
/// one of theirs), tags lowercase, jurisdictions uppercase, as the command-line filters
/// take them. Text fields take a word, a phrase if it has grammar in it.
fn field_value(field: &str, value: &str, at: usize) -> Result<String> {
    if !split_boost(value).0.chars().any(char::is_alphanumeric) {
        return Err(err(
            format!(
                "`{field}:` needs a value right after the colon, as in `{field}:{}`",
                example(field)
            ),
            at,
        ));
    }
    // An exact value with grammar in it is written as a phrase, which a
    // raw field reads as one term.
    let raw = |v: String| {
        if v.contains(GRAMMAR)
            || v.starts_with(['-', '+'])
            || matches!(v.as_str(), "AND" | "OR" | "NOT")
        {
            quote(&v)
        } else {
            v
        }
    };
    match field {
        "id" => Ok(raw(value.to_lowercase())),
        // `jurisdiction:tx` and `jurisdiction:texas` as `--jurisdiction` takes them.
        "jurisdiction" => Ok(raw(match value.parse::<crate::select::Jurisdiction>() {
            Ok(crate::select::Jurisdiction::Exact(code)) => code,
            _ => value.to_uppercase(),
        })),
        "kind" | "status" => {
            let v = value.to_lowercase().replace('-', "_");
            let known: Vec<&str> = if field == "kind" {
                Kind::ALL.iter().map(|k| k.name()).collect()
            } else {
                Stage::ALL.iter().map(|s| s.name()).collect()
            };
            if !known.contains(&v.as_str()) {
                return Err(err(
                    format!(
                        "unknown {field} `{value}`; {} are {}",
                        if field == "kind" { "kinds" } else { "statuses" },
                        known.join(", ")
                    ),
                    at,
                ));
            }
            Ok(v)
        }
        "tag" => Ok(raw(value.to_lowercase())),
        _ => {
            let (core, boost) = split_boost(value);
            if core.contains(GRAMMAR)
                || core.contains(['’', '‘'])
                || core.starts_with(['-', '+'])
                || matches!(core, "AND" | "OR" | "NOT")
            {
                Ok(format!("{}{boost}", quote(core)))
            } else {
                Ok(value.to_owned())
            }
        }
    }
}

/// `word` without a trailing `^2` boost, and the boost.
fn split_boost(word: &str) -> (&str, &str) {
    if let Some(p) = word.rfind('^') {
        let n = &word[p + 1..];
        if p > 0 && !n.is_empty() && n.chars().all(|c| c.is_ascii_digit() || c == '.') {
            return (&word[..p], &word[p..]);
        }
    }
    (word, "")
}

/// `word` as a phrase: its tokens in order.
fn quote(word: &str) -> String {
    let inner: String = word
        .chars()
        .map(|c| if matches!(c, '"' | '\\') { ' ' } else { c })
        .collect();
    format!("\"{inner}\"")
}

fn render(pieces: Vec<Piece>, plain: bool) -> Prepared {
    let mut words = Vec::new();
    let mut cjk_runs = Vec::new();
    let mut out: Vec<(String, bool)> = Vec::with_capacity(pieces.len());
    let mut k = 0;
    // Plain words are widened to their synonyms, longest match first.
    let plain_run: Vec<Option<&str>> = pieces
        .iter()
        .map(|p| match p {
            Piece::Plain {
                text,
                quoted: false,
            } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let expansions = super::synonyms::expand(&plain_run);
    while k < pieces.len() {
        match &pieces[k] {
            Piece::Raw { text, glued } => out.push((text.clone(), *glued)),
            Piece::Plain { text, quoted } => {
                words.push(text.clone());
                if let Some((len, group)) = expansions.get(&k) {
                    for p in &pieces[k + 1..k + len] {
                        if let Piece::Plain { text, .. } = p {
                            words.push(text.clone());
                        }
                    }
                    out.push((group.clone(), false));
                    k += len;
                    continue;
                }
                let text = if *quoted {
                    quote(text)
                } else {
                    cjk_pairs(text, &mut cjk_runs)
                };
                out.push((text, false));
            }
        }
        k += 1;
    }
    let mut text = String::new();
    let mut glue = true;
    for (piece, glued) in out {
        if !glue && piece != ")" {
            text.push(' ');
        }
        text.push_str(&piece);
        glue = glued;
    }
    Prepared {
        text,
        words,
        plain,
        cjk_runs,
    }
}

/// A word with a run of three or more CJK characters, as a conjunction
/// that every character be in a matching pair:
/// `比特幣儲備` is `(比特 AND (特幣 OR 幣儲) AND 儲備)`. Other words are
/// returned as they are. The runs are added to `runs`.
fn cjk_pairs(word: &str, runs: &mut Vec<String>) -> String {
    let chars: Vec<char> = word.chars().collect();
    if chars.iter().filter(|c| is_cjk(**c)).count() < 3 {
        return word.to_owned();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let cjk = is_cjk(chars[i]);
        let len = chars[i..].iter().take_while(|c| is_cjk(**c) == cjk).count();
        let run = &chars[i..i + len];
        i += len;
        if !cjk {
            if run.iter().any(|c| c.is_alphanumeric()) {
                parts.push(quote(&run.iter().collect::<String>()));
            }
            continue;
        }
        if run.len() < 3 {
            parts.push(run.iter().collect());
            continue;
        }
        runs.push(run.iter().collect());
        let pair = |k: usize| -> String { run[k..k + 2].iter().collect() };
        let last = run.len() - 2;
        parts.push(pair(0));
        // Character k (inside the run) is in pair k-1 and pair k; the
        // first and last pairs are required anyway.
        for k in 2..last {
            parts.push(format!("({} OR {})", pair(k - 1), pair(k)));
        }
        parts.push(pair(last));
    }
    format!("({})", parts.join(" AND "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn and_not_means_exclusion() {
        for (q, want) in [
            ("reserve AND NOT bill", "reserve AND -bill"),
            ("(reserve AND  NOT bill)", "(reserve AND -bill)"),
            ("reserve NOT bill", "reserve NOT bill"),
            ("reserve AND NOTE", "reserve AND NOTE"),
            ("BRAND NOT bill", "BRAND NOT bill"),
            ("\"AND NOT bill\"", "\"AND NOT bill\""),
        ] {
            assert_eq!(prepare_query(q).unwrap(), want, "{q}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_before_the_parser_sees_it() {
        let ok = format!("{}x{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        assert!(prepare_query(&ok).is_ok());
        let deep = format!("a {}x{}", "(".repeat(40), ")".repeat(40));
        let e = prepare_query(&deep).unwrap_err();
        assert!(
            matches!(e, Error::Query { position: Some(p), .. } if p == 2 + MAX_NESTING),
            "{e:?}"
        );
    }

    #[test]
    fn query_errors_have_positions() {
        let e = prepare_query("\"strategic bitcoin").unwrap_err();
        assert!(matches!(
            e,
            Error::Query {
                position: Some(0),
                ..
            }
        ));
        let e = prepare_query("a (b").unwrap_err();
        assert!(matches!(
            e,
            Error::Query {
                position: Some(2),
                ..
            }
        ));
        let e = prepare_query("nmae:reserve").unwrap_err();
        assert!(matches!(
            e,
            Error::Query {
                position: Some(0),
                ..
            }
        ));
        assert_eq!(prepare_query("404(a) plans").unwrap(), "404a plans");
        assert!(prepare_query("name:reserve").is_ok());
        assert_eq!(
            prepare_query("kind:Executive-Order jurisdiction:us-tx id:EO-1 Name").unwrap(),
            "kind:executive_order jurisdiction:US-TX id:eo-1 Name"
        );
        assert_eq!(prepare_query("name:Reserve").unwrap(), "name:Reserve");
    }

    #[test]
    fn punctuation_is_text() {
        for (q, want) in [
            ("President's Working Group", "President Working Group"),
            ("Trump’s", "Trump"),
            ("don't", "\"don't\""),
            ("Bitcoin Week: House", "Bitcoin \"Week:\" House"),
            ("https://example.gov/a", "\"https://example.gov/a\""),
            ("name:\"S. 1582\" -tx", "name:\"S. 1582\" -tx"),
            ("-(a OR b) c", "-(a OR b) c"),
            ("bitcoin^2 reserve", "bitcoin^2 reserve"),
            ("a [b] {c} !d", "a \"[b]\" \"{c}\" \"!d\""),
        ] {
            assert_eq!(prepare_query(q).unwrap(), want, "{q}");
        }
    }

    #[test]
    fn mistakes_say_how_to_write_it() {
        for (q, needle) in [
            ("-bitcoin", "only excludes"),
            ("kind:bil", "kinds are"),
            ("status:enactd", "statuses are"),
            ("name:", "needs a value"),
            ("date:2025", "--since"),
            ("jurisdction:US", "did you mean `jurisdiction:`"),
            ("a AND NOT", "`NOT` needs a word"),
            ("OR texas", "`OR` needs a word"),
            ("a ()", "`()` holds nothing"),
            ("-", "no words"),
            ("status:*", "needs a value"),
        ] {
            let e = prepare_query(q).unwrap_err().to_string();
            assert!(e.contains(needle), "{q}: {e}");
        }
    }

    #[test]
    fn chinese_runs_are_pairs() {
        let p = parse("比特幣儲備").unwrap();
        assert_eq!(p.text, "(比特 AND (特幣 OR 幣儲) AND 儲備)");
        assert_eq!(p.cjk_runs, ["比特幣儲備"]);
        assert_eq!(prepare_query("勞工部").unwrap(), "(勞工 AND 工部)");
        assert_eq!(prepare_query("勞工 bill").unwrap(), "勞工 bill");
        assert_eq!(
            prepare_query("\"比特幣儲備\"").unwrap(),
            "\"比特幣儲備\"",
            "a phrase stays a phrase"
        );
    }

    /// Random queries from an alphabet of grammar, words, Chinese and
    /// punctuation: `parse` never panics, and whatever it accepts,
    /// tantivy's parser reads (so its raw messages never reach a user).
    #[test]
    fn whatever_parse_accepts_tantivy_reads() {
        use tantivy::schema::{Schema, TextFieldIndexing, TextOptions};
        let mut b = Schema::builder();
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(crate::text::TOKENIZER)
                .set_index_option(tantivy::schema::IndexRecordOption::WithFreqsAndPositions),
        );
        let mut fields = Vec::new();
        for f in ["name", "ident", "body"] {
            fields.push(b.add_text_field(f, text.clone()));
        }
        for f in ["id", "kind", "jurisdiction", "status", "tag"] {
            b.add_text_field(f, tantivy::schema::STRING);
        }
        let index = tantivy::Index::create_in_ram(b.build());
        crate::text::register_tokenizers(&index);
        let mut parser = tantivy::query::QueryParser::for_index(&index, fields);
        parser.set_conjunction_by_default();
        let atoms = [
            "bitcoin",
            "reserve",
            "AND",
            "OR",
            "NOT",
            "(",
            ")",
            "\"",
            "-",
            "+",
            ":",
            "name:",
            "kind:bill",
            "status:",
            "'",
            "’s",
            "401(k)",
            "比特幣儲備",
            "穩定幣",
            "^2",
            "~",
            "*",
            "[",
            "]",
            "{",
            "}",
            "!",
            "\\",
            "https://x.gov/a",
            "crypto",
            "digital",
            "assets",
            " ",
            "  ",
            "date:",
            "nmae:",
            "a",
            "é",
            "😀",
            "`",
            "<",
            "=",
            ",",
        ];
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..20_000 {
            let n = 1 + next() % 7;
            let mut q = String::new();
            for _ in 0..n {
                q.push_str(atoms[(next() % atoms.len() as u64) as usize]);
                if next() % 2 == 0 {
                    q.push(' ');
                }
            }
            if let Ok(p) = parse(&q) {
                if let Err(e) = parser.parse_query(&p.text) {
                    panic!("{q:?} -> {:?}: tantivy says {e}", p.text);
                }
            }
        }
    }
}
