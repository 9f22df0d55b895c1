//! The query syntax: checks a query typed by a user for mistakes the
//! tantivy parser would report badly, with their position, and rewrites
//! what people write naturally (`401(k)`, `kind:Bill`, `AND NOT`) into
//! what the parser reads.

use crate::{Error, Result};

/// Whether `NOT` at `i` is the operator of `AND NOT`: a whole word, after
/// a whole-word `AND`, with a term after it.
fn and_not(chars: &[char], i: usize) -> bool {
    let word_at = |at: usize, w: &str| {
        w.chars()
            .enumerate()
            .all(|(k, c)| chars.get(at + k) == Some(&c))
    };
    let before = |at: usize| at == 0 || chars[at - 1].is_whitespace() || chars[at - 1] == '(';
    if !word_at(i, "NOT") || !before(i) || !chars.get(i + 3).is_some_and(|c| c.is_whitespace()) {
        return false;
    }
    let Some(end) = chars[..i].iter().rposition(|c| !c.is_whitespace()) else {
        return false;
    };
    end >= 2 && word_at(end - 2, "AND") && before(end - 2)
}

/// Fields a query may name, and what they search.
pub const QUERY_FIELDS: &[(&str, &str)] = &[
    ("name", "names in every language and aliases"),
    (
        "ident",
        "official identifiers (EO number, bill number, public law, citations)",
    ),
    (
        "body",
        "summaries, notes, event and deadline notes, source titles, tags",
    ),
    ("id", "the exact entity id"),
    ("kind", "the exact kind"),
    ("jurisdiction", "the exact jurisdiction code"),
    ("status", "the exact current status"),
    ("tag", "an exact tag"),
];

/// Checks a query for mistakes the parser would report badly (unbalanced
/// quotes and parentheses, unknown fields), with their character position,
/// and rewrites `401(k)`-style words so the parser does not take their
/// parentheses for grouping.
pub fn prepare_query(q: &str) -> Result<String> {
    let chars: Vec<char> = q.chars().collect();
    if q.trim().is_empty() {
        return Err(Error::Query {
            message: "the query is empty".into(),
            position: None,
        });
    }
    let mut out = String::with_capacity(q.len());
    let mut depth: Vec<usize> = Vec::new();
    let mut quote: Option<usize> = None;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(start) = quote {
            let _ = start;
            if c == '"' {
                quote = None;
            }
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '"' => {
                quote = Some(i);
                out.push(c);
            }
            '(' => {
                // `401(k)`: letters or digits right before, a short word and `)` after.
                let prev_alnum = i > 0 && chars[i - 1].is_alphanumeric();
                let mut j = i + 1;
                while j < chars.len() && chars[j].is_ascii_alphanumeric() {
                    j += 1;
                }
                if prev_alnum && j > i + 1 && j - i - 1 <= 3 && j < chars.len() && chars[j] == ')' {
                    out.extend(chars[i + 1..j].iter());
                    i = j + 1;
                    continue;
                }
                depth.push(i);
                out.push(c);
            }
            ')' => {
                if depth.pop().is_none() {
                    return Err(Error::Query {
                        message: "unbalanced `)`: no `(` before it".into(),
                        position: Some(i),
                    });
                }
                out.push(c);
            }
            ':' => {
                let start = chars[..i]
                    .iter()
                    .rposition(|c| !(c.is_alphanumeric() || *c == '_'))
                    .map_or(0, |p| p + 1);
                let field: String = chars[start..i].iter().collect();
                let url_like = chars.get(i + 1) == Some(&'/');
                if !field.is_empty() && !url_like && !QUERY_FIELDS.iter().any(|(f, _)| *f == field)
                {
                    let known: Vec<&str> = QUERY_FIELDS.iter().map(|f| f.0).collect();
                    return Err(Error::Query {
                        message: format!(
                            "unknown field `{field}`; fields are {}",
                            known.join(", ")
                        ),
                        position: Some(start),
                    });
                }
                out.push(c);
                if let Some(fold) = raw_fold(&field) {
                    // Raw fields hold exact values: fold a bare value to
                    // their spelling, as the command-line filters do
                    // (`kind:Bill`, `jurisdiction:us-tx`).
                    let mut j = i + 1;
                    while j < chars.len()
                        && !chars[j].is_whitespace()
                        && !matches!(chars[j], '(' | ')' | '"')
                    {
                        out.push_str(&fold(chars[j]));
                        j += 1;
                    }
                    i = j;
                    continue;
                }
            }
            'N' if and_not(&chars, i) => {
                // `a AND NOT b`: tantivy's parser reads this `NOT` as a
                // word; `a AND -b` says what was meant.
                out.push('-');
                i += 3;
                while chars.get(i).is_some_and(|c| c.is_whitespace()) {
                    i += 1;
                }
                continue;
            }
            _ => out.push(c),
        }
        i += 1;
    }
    if let Some(start) = quote {
        return Err(Error::Query {
            message: "unbalanced `\"`: the phrase is not closed".into(),
            position: Some(start),
        });
    }
    if let Some(open) = depth.pop() {
        return Err(Error::Query {
            message: "unbalanced `(`: it is never closed".into(),
            position: Some(open),
        });
    }
    Ok(out)
}

/// How a bare value after a raw field is folded to the indexed spelling:
/// ids are lowercase, kinds and statuses snake_case, jurisdictions
/// uppercase. Tags and the text fields are left alone.
fn raw_fold(field: &str) -> Option<fn(char) -> String> {
    match field {
        "id" => Some(|c| c.to_lowercase().collect()),
        "kind" | "status" => Some(|c| {
            if c == '-' {
                "_".into()
            } else {
                c.to_lowercase().collect()
            }
        }),
        "jurisdiction" => Some(|c| c.to_uppercase().collect()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn and_not_means_exclusion() {
        for (q, want) in [
            ("reserve AND NOT bill", "reserve AND -bill"),
            ("(reserve AND  NOT bill)", "(reserve AND  -bill)"),
            ("reserve NOT bill", "reserve NOT bill"),
            ("reserve AND NOTE", "reserve AND NOTE"),
            ("BRAND NOT bill", "BRAND NOT bill"),
            ("\"AND NOT bill\"", "\"AND NOT bill\""),
        ] {
            assert_eq!(prepare_query(q).unwrap(), want, "{q}");
        }
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
        assert_eq!(prepare_query("401(k) plans").unwrap(), "401k plans");
        assert!(prepare_query("name:reserve").is_ok());
        assert_eq!(
            prepare_query("kind:Executive-Order jurisdiction:us-tx id:EO-1 Name").unwrap(),
            "kind:executive_order jurisdiction:US-TX id:eo-1 Name"
        );
        assert_eq!(prepare_query("name:Reserve").unwrap(), "name:Reserve");
    }
}
