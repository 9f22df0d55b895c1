//! A document's own text: the renditions the Federal Register serves
//! (plain text in `<pre>`, the `body_html_url` HTML, the FR XML) turned
//! into one normalised plain text with its section structure
//! ([`normalise`]), read back into paragraphs, sections and sentences
//! ([`Outline`]), and the duties, consultations, memberships and
//! cross-references an order states ([`extract`]).
//!
//! The normalised text is what `knowledge/` keeps beside a record: one
//! paragraph a line, paragraphs separated by a blank line, a heading
//! written `# Heading`. Page breaks, running heads and filing lines are
//! dropped, and a word hyphenated at a line end is joined again, so the
//! three renditions of one order give the same paragraphs.

pub mod extract;
mod render;
pub mod titles;

pub use render::{normalise, Rendition};

/// The extension of a text kept beside an entity file (`eo-14330.ron`,
/// `eo-14330.txt`).
pub const TEXT_EXTENSION: &str = "txt";

/// What is wrong with a file offered as a document's text. The import
/// names the file with this and keeps the record without text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextProblem {
    /// Bytes that are not UTF-8; `latin1` when they read as Latin-1 text.
    #[error("not UTF-8 at byte {offset}{}", if *.latin1 { " (it looks like Latin-1; save it as UTF-8)" } else { "" })]
    NotUtf8 {
        /// The first bad byte.
        offset: usize,
        /// Whether the file reads as Latin-1 (Windows-1252) text.
        latin1: bool,
    },
    /// Control bytes that no text has (NUL and the like).
    #[error("binary data, not text (control byte {byte:#04x} at byte {offset})")]
    Binary {
        /// Where.
        offset: usize,
        /// The byte.
        byte: u8,
    },
    /// An HTML page with neither `<pre>` text nor numbered paragraphs.
    #[error("an HTML page without Federal Register text (no <pre> block and no numbered <p id=\"p-N\"> paragraphs)")]
    NotFederalRegisterHtml,
    /// Malformed XML.
    #[error("malformed XML at byte {position}: {message}")]
    Xml {
        /// Byte offset.
        position: u64,
        /// The parser's message.
        message: String,
    },
    /// The text names another document number than the file's.
    #[error("the text of another document (FR Doc. {found})")]
    OtherDocument {
        /// The number the text gives.
        found: String,
    },
    /// Nothing left after normalising.
    #[error("no text in it")]
    Empty,
}

/// A block of normalised text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Block {
    /// A heading.
    Heading(String),
    /// A paragraph.
    Para(String),
}

/// Joins blocks into the stored form: one block a line, a blank line
/// between, headings written `# Heading`.
pub fn join_blocks(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        match b {
            Block::Heading(h) => {
                out.push_str("# ");
                out.push_str(h);
            }
            Block::Para(p) => out.push_str(p),
        }
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// One paragraph of a stored text, with the section it is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Paragraph<'a> {
    /// The section label (`Sec. 2`), or `""` before the first section.
    pub section: &'a str,
    /// Whether the line is a heading.
    pub heading: bool,
    /// The paragraph's text (a heading without its `# `).
    pub text: &'a str,
}

/// A section of an order: its label and heading.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Section {
    /// `Sec. 2`.
    pub label: String,
    /// `Directive to the Secretary of the Treasury`, or empty.
    pub heading: String,
}

/// The structure of a stored text: its paragraphs and the outline.
#[derive(Clone, Debug)]
pub struct Outline<'a> {
    /// Paragraphs in order.
    pub paragraphs: Vec<Paragraph<'a>>,
    /// Headings (not sections) in order.
    pub headings: Vec<&'a str>,
    /// Sections in order.
    pub sections: Vec<Section>,
}

impl<'a> Outline<'a> {
    /// Reads the stored form back (see [`join_blocks`]).
    pub fn read(text: &'a str) -> Outline<'a> {
        let mut paragraphs = Vec::new();
        let mut headings = Vec::new();
        let mut sections = Vec::new();
        let mut current: &'a str = "";
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            if let Some(h) = line.strip_prefix("# ") {
                headings.push(h);
                paragraphs.push(Paragraph {
                    section: current,
                    heading: true,
                    text: h,
                });
                continue;
            }
            if let Some((label, heading)) = section_start(line) {
                current = label;
                sections.push(Section {
                    label: normal_label(label),
                    heading: heading.to_string(),
                });
            }
            paragraphs.push(Paragraph {
                section: current,
                heading: false,
                text: line,
            });
        }
        Outline {
            paragraphs,
            headings,
            sections,
        }
    }
}

/// `Section 1` → `Sec. 1`; `Sec. 2` stays.
pub fn normal_label(label: &str) -> String {
    match label.strip_prefix("Section") {
        Some(rest) => format!("Sec.{rest}"),
        None => label.to_string(),
    }
}

/// If a paragraph opens a section (`Sec. 2. Heading. Text`, `Section 1.`),
/// its label (`Sec. 2`, as written) and heading.
pub fn section_start(line: &str) -> Option<(&str, &str)> {
    let rest = line
        .strip_prefix("Section ")
        .or_else(|| line.strip_prefix("Sec. "))?;
    let num_len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(rest.len());
    if num_len == 0 || num_len > 6 || !rest.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let after = &rest[num_len..];
    if !after.starts_with('.') {
        return None;
    }
    let label = &line[..line.len() - after.len()];
    let body = after[1..].trim_start();
    // A heading is a short run of words ending with a period before the text.
    let heading = match body
        .find(". ")
        .or_else(|| body.strip_suffix('.').map(|b| b.len()))
    {
        Some(end)
            if end <= 120
                && body.starts_with(|c: char| c.is_uppercase())
                && !body[..end].contains(" shall ")
                && !body[..end].contains(" is ") =>
        {
            &body[..end]
        }
        _ => "",
    };
    Some((label, heading))
}

/// Words after which a period does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "Sec", "Secs", "No", "Nos", "Pub", "Stat", "U.S", "U.S.C", "e.g", "i.e", "etc", "Mr", "Mrs",
    "Ms", "Dr", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sept", "Sep", "Oct", "Nov",
    "Dec", "seq", "et", "al", "Inc", "Co", "Corp", "Ltd", "St", "Jr", "Sr", "Gen", "Adm", "Vol",
    "pt", "par", "para", "subpar", "cl", "ch", "Ch", "Art", "art", "v", "vs", "Reg", "Fed", "Cong",
    "Sess", "approx", "H.R", "S", "L", "Exec", "Ord", "Proc",
];

/// Splits a paragraph into sentences by rule: a `.`, `?` or `!` (with any
/// closing quote or bracket) followed by a space and a capital, a digit
/// after `Sec.`-like words aside; abbreviations and initials do not end one.
pub fn sentences(para: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = para.as_bytes();
    // "Sec. 2." is a label, not a sentence.
    let mut start = 0;
    let mut i = section_start(para)
        .map(|(label, _)| label.len() + 1)
        .unwrap_or(0);
    while i < bytes.len() {
        let b = bytes[i];
        if matches!(b, b'.' | b'?' | b'!' | b';') {
            let mut end = i + 1;
            while end < bytes.len() && matches!(bytes[end], b'"' | b'\'' | b')') {
                end += 1;
            }
            let next_ok = end < bytes.len()
                && bytes[end] == b' '
                && bytes
                    .get(end + 1)
                    .is_some_and(|c| c.is_ascii_uppercase() || *c == b'(' || *c == b'"');
            let at_end = end >= bytes.len();
            let ends = if b == b';' {
                // A semicolon ends a clause of a list only before "(x)".
                next_ok && bytes.get(end + 1) == Some(&b'(')
            } else {
                (next_ok || at_end) && !(b == b'.' && is_abbreviation(&para[start..i]))
            };
            if ends {
                let s = para[start..end].trim();
                if !s.is_empty() {
                    out.push(s);
                }
                start = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    let s = para[start..].trim();
    if !s.is_empty() {
        out.push(s);
    }
    out
}

/// Whether the word that ends `before` (up to a period) is an
/// abbreviation or an initial.
fn is_abbreviation(before: &str) -> bool {
    let word = before
        .rsplit(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or("");
    if word.is_empty() {
        return false;
    }
    if word.chars().count() == 1 && word.chars().all(|c| c.is_alphabetic()) {
        return true;
    }
    // (a) ... items and "1." numbering.
    if word.chars().all(|c| c.is_ascii_digit())
        && word.len() <= 3
        && before.trim_end().len() == word.len()
    {
        return true;
    }
    ABBREVIATIONS.contains(&word) || (word.contains('.') && word.len() <= 8)
}

/// Whether `needle` occurs in `hay`, whitespace aside.
pub fn contains_ignoring_space(hay: &str, needle: &str) -> bool {
    let squash = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    squash(hay).contains(&squash(needle))
}

#[cfg(test)]
mod quality;
#[cfg(test)]
mod tests;
