//! Renditions → blocks. Each rendition has its own reader (quick-xml for
//! the FR XML, html5ever's tokenizer for both HTML shapes, lines for the
//! `<pre>` plain text); all of them end in [`finish`], which drops the
//! filing lines and collapses whitespace the same way. Every reader is a
//! single pass over its input.

use std::borrow::Cow;
use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use quick_xml::events::Event;
use quick_xml::Reader;

use super::{join_blocks, Block, TextProblem};

/// The shape a text came in, best first (the order [`Rendition::rank`] gives).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rendition {
    /// The Federal Register XML (`full_text_xml_url`).
    Xml,
    /// The `body_html_url` HTML, paragraphs with ids.
    BodyHtml,
    /// An HTML page with the text in `<pre>` (govinfo, `raw_text_url`).
    PreHtml,
    /// Plain text.
    Plain,
}

impl Rendition {
    /// Lower is better: markup says where paragraphs and headings are;
    /// plain text leaves it to rules.
    pub fn rank(self) -> u8 {
        self as u8
    }

    /// A short name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Rendition::Xml => "FR XML",
            Rendition::BodyHtml => "body HTML",
            Rendition::PreHtml => "<pre> HTML",
            Rendition::Plain => "plain text",
        }
    }
}

/// Normalises one file's bytes. `document_number`, when given, is checked
/// against the number the text itself states, so that the page of another
/// document is refused.
pub fn normalise(
    bytes: &[u8],
    document_number: Option<&str>,
) -> Result<(String, Rendition), TextProblem> {
    let decoded = decode(bytes)?;
    let text = decoded.strip_prefix('\u{feff}').unwrap_or(&decoded);
    let head = text.trim_start();
    let (blocks, rendition) = if head.starts_with('<') {
        if is_fr_xml(head) {
            (xml_blocks(head)?, Rendition::Xml)
        } else {
            html_blocks(head)?
        }
    } else {
        (pre_blocks(text), Rendition::Plain)
    };
    if let (Some(want), Some(found)) = (document_number, stated_number(text)) {
        if !found.eq_ignore_ascii_case(want) {
            return Err(TextProblem::OtherDocument { found });
        }
    }
    let blocks = finish(blocks);
    if !blocks.iter().any(|b| matches!(b, Block::Para(_))) {
        return Err(TextProblem::Empty);
    }
    Ok((join_blocks(&blocks), rendition))
}

/// UTF-8 only; Latin-1 and binary files are named as such. The govinfo
/// text has a few stray NUL bytes in its cover lines: a control byte here
/// and there is read as a space, and only a file where they are more than
/// one byte in a hundred is binary.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, TextProblem> {
    let is_control = |b: u8| (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)) || b == 0x7f;
    let controls = bytes.iter().filter(|&&b| is_control(b)).count();
    if controls * 100 > bytes.len() {
        let offset = bytes.iter().position(|&b| is_control(b)).unwrap_or(0);
        return Err(TextProblem::Binary {
            offset,
            byte: bytes.get(offset).copied().unwrap_or(0),
        });
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let offset = e.valid_up_to();
            // Latin-1 text: a few high bytes in ASCII text.
            let high = bytes.iter().filter(|&&b| b >= 0x80).count();
            let latin1 =
                high * 3 < bytes.len().max(1) && bytes.get(offset).is_some_and(|&b| b >= 0x80);
            return Err(TextProblem::NotUtf8 { offset, latin1 });
        }
    };
    if controls == 0 {
        return Ok(Cow::Borrowed(text));
    }
    Ok(Cow::Owned(
        text.chars()
            .map(|c| {
                if c.is_control() && !matches!(c, '\n' | '\r' | '\t') {
                    ' '
                } else {
                    c
                }
            })
            .collect(),
    ))
}

/// The document number a text states (`[FR Doc No: 2017-02762]`,
/// `[FR Doc. 2017-02762 Filed …`), if any.
fn stated_number(text: &str) -> Option<String> {
    for marker in ["[FR Doc No: ", "[FR Doc. ", "FR Doc. "] {
        if let Some(pos) = text.find(marker) {
            let rest = &text[pos + marker.len()..];
            // In body HTML the number is a link: `<a href="/a/N">N</a>`.
            let rest = match rest.strip_prefix('<') {
                Some(r) => r.split_once('>').map(|(_, r)| r).unwrap_or(r),
                None => rest,
            };
            let num: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
                .collect();
            if !num.is_empty() && num.contains('-') {
                return Some(num);
            }
        }
    }
    None
}

/// Whether the first element is one of the Federal Register's own.
fn is_fr_xml(head: &str) -> bool {
    let mut rest = head;
    loop {
        rest = rest.trim_start();
        if rest.starts_with("<?") || rest.starts_with("<!") {
            match rest.find('>') {
                Some(p) => rest = &rest[p + 1..],
                None => return false,
            }
        } else {
            break;
        }
    }
    let name: String = rest
        .trim_start_matches('<')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

/// Drops what is not the document (filing lines, signature marks) and
/// collapses whitespace; `--` of the plain text is an em dash.
fn finish(blocks: Vec<Block>) -> Vec<Block> {
    let mut out = Vec::with_capacity(blocks.len());
    for b in blocks {
        let (text, heading) = match b {
            Block::Heading(t) => (t, true),
            Block::Para(t) => (t, false),
        };
        let mut s = String::with_capacity(text.len());
        for word in text.split_whitespace() {
            if !s.is_empty() {
                s.push(' ');
            }
            s.push_str(word);
        }
        // GPO's plain text writes quotes ``so'' and a dash --.
        let s = s
            .replace("--", "\u{2014}")
            .replace("``", "\u{201c}")
            .replace("''", "\u{201d}");
        if s.is_empty() || is_filing_line(&s) {
            continue;
        }
        out.push(if heading {
            Block::Heading(s)
        } else {
            Block::Para(s)
        });
    }
    out
}

fn is_filing_line(s: &str) -> bool {
    s.starts_with("[FR Doc")
        || s.starts_with("Filed ")
        || s.starts_with("Billing code")
        || s.starts_with("BILLING CODE")
        || s == "(Presidential Sig.)"
        || s.starts_with("<GRAPHIC")
        || s.chars().all(|c| matches!(c, '-' | '_' | '=' | '*' | ' '))
}

// ---------------------------------------------------------------- XML

/// Elements whose text is not the document's (running heads, filing lines,
/// graphics).
const XML_SKIP: &[&str] = &[
    "TITLE3", "PRES", "GPH", "GID", "PSIG", "FRDOC", "FILED", "BILCOD", "PRTPAGE", "CFR", "DEPDOC",
    "RIN", "AGY", "AGENCY", "SUBAGY",
];
/// Elements inside a paragraph.
const XML_INLINE: &[&str] = &["E", "SU", "FR", "AC", "B", "I", "SB", "FTREF", "LI", "ENT"];
/// Elements that are headings.
const XML_HEADING: &[&str] = &["HD", "SUBJECT", "TTITLE"];

fn xml_blocks(text: &str) -> Result<Vec<Block>, TextProblem> {
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut blocks = Vec::new();
    let mut cur = String::new();
    let mut heading = false;
    let mut skip = 0usize;
    let flush = |cur: &mut String, heading: &mut bool, blocks: &mut Vec<Block>| {
        if !cur.trim().is_empty() {
            let t = std::mem::take(cur);
            blocks.push(if *heading {
                Block::Heading(t)
            } else {
                Block::Para(t)
            });
        }
        cur.clear();
        *heading = false;
    };
    loop {
        let ev = reader.read_event().map_err(|e| TextProblem::Xml {
            position: reader.error_position(),
            message: e.to_string(),
        })?;
        match ev {
            Event::Start(e) => {
                let name = e.name();
                let name = name.as_ref();
                if skip > 0 || XML_SKIP.contains(&name) {
                    skip += 1;
                } else if XML_INLINE.contains(&name) {
                } else {
                    flush(&mut cur, &mut heading, &mut blocks);
                    heading = XML_HEADING.contains(&name);
                }
            }
            Event::End(e) => {
                let name = e.name();
                let name = name.as_ref();
                if skip > 0 {
                    skip -= 1;
                } else if XML_INLINE.contains(&name) {
                    // a row's cells are apart
                    if name == "ENT" {
                        cur.push_str(" | ");
                    }
                } else {
                    flush(&mut cur, &mut heading, &mut blocks);
                }
            }
            Event::Empty(_) => {}
            Event::Text(t) if skip == 0 => {
                cur.push_str(&t);
            }
            Event::GeneralRef(r) if skip == 0 => match r.resolve_char_ref() {
                Ok(Some(c)) => cur.push(c),
                _ => cur.push_str(match &*r {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    "mdash" => "\u{2014}",
                    "ndash" => "\u{2013}",
                    "sect" => "\u{a7}",
                    _ => " ",
                }),
            },
            Event::CData(t) if skip == 0 => cur.push_str(&t),
            Event::Eof => break,
            _ => {}
        }
    }
    flush(&mut cur, &mut heading, &mut blocks);
    Ok(blocks)
}

// --------------------------------------------------------------- HTML

/// What the tokenizer sink collects.
#[derive(Default)]
struct HtmlState {
    blocks: Vec<Block>,
    cur: String,
    heading: bool,
    /// Depth inside an element being skipped (0: not skipping).
    skip: usize,
    /// Inside `<pre>`: its text, and whether there was one.
    in_pre: bool,
    pre: String,
    saw_pre: bool,
    /// Paragraphs with `id="p-N"`.
    numbered: usize,
    /// Whether the text being collected is inside a block element.
    opened: bool,
}

struct Sink(RefCell<HtmlState>);

const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr",
];
const HTML_BLOCK: &[&str] = &[
    "p",
    "div",
    "li",
    "ul",
    "ol",
    "tr",
    "table",
    "section",
    "article",
    "blockquote",
    "body",
    "dd",
    "dt",
    "br",
    "hr",
    "td",
    "th",
];

impl HtmlState {
    fn flush(&mut self) {
        if !self.cur.trim().is_empty() {
            let t = std::mem::take(&mut self.cur);
            if self.heading {
                self.blocks.push(Block::Heading(t));
            } else if self.opened {
                self.blocks.push(Block::Para(t));
            } else {
                // Loose text between paragraphs (items of a list, the
                // place and date) has a line for each.
                self.blocks.extend(
                    t.lines()
                        .filter(|l| !l.trim().is_empty())
                        .map(|l| Block::Para(l.to_string())),
                );
            }
        }
        self.cur.clear();
        self.heading = false;
        self.opened = false;
    }
}

fn skipped(name: &str, class: &str) -> bool {
    matches!(
        name,
        "script" | "style" | "head" | "noscript" | "template" | "nav" | "footer"
    ) || class.contains("printed-page")
        || class.contains("unprinted-element")
        || class.contains("end-matter")
        || class.contains("document-graphic")
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let mut st = self.0.borrow_mut();
        match token {
            Token::TagToken(tag) => {
                let name: &str = &tag.name;
                let void = VOID.contains(&name) || tag.self_closing;
                if st.skip > 0 {
                    match tag.kind {
                        TagKind::StartTag if !void => st.skip += 1,
                        TagKind::EndTag => st.skip -= 1,
                        _ => {}
                    }
                    return TokenSinkResult::Continue;
                }
                if name == "pre" {
                    st.in_pre = tag.kind == TagKind::StartTag;
                    st.saw_pre = true;
                    return TokenSinkResult::Continue;
                }
                if st.in_pre {
                    return TokenSinkResult::Continue;
                }
                let class = tag
                    .attrs
                    .iter()
                    .find(|a| &*a.name.local == "class")
                    .map(|a| a.value.to_string())
                    .unwrap_or_default();
                if tag.kind == TagKind::StartTag && !void && skipped(name, &class) {
                    st.skip = 1;
                    return match name {
                        "script" => TokenSinkResult::RawData(
                            html5ever::tokenizer::states::RawKind::ScriptData,
                        ),
                        "style" => {
                            TokenSinkResult::RawData(html5ever::tokenizer::states::RawKind::Rawtext)
                        }
                        _ => TokenSinkResult::Continue,
                    };
                }
                let is_heading = matches!(name, "h1" | "h2" | "h3" | "h4" | "h5" | "h6");
                if is_heading || HTML_BLOCK.contains(&name) {
                    st.flush();
                    if tag.kind == TagKind::StartTag {
                        st.heading = is_heading;
                        st.opened = !void;
                        if name == "p"
                            && tag
                                .attrs
                                .iter()
                                .any(|a| &*a.name.local == "id" && a.value.starts_with("p-"))
                        {
                            st.numbered += 1;
                        }
                    }
                }
            }
            Token::CharacterTokens(t) if st.skip == 0 => push_chars(&mut st, &t),
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

fn push_chars(st: &mut HtmlState, t: &StrTendril) {
    if st.in_pre {
        st.pre.push_str(t);
    } else {
        st.cur.push_str(t);
    }
}

fn html_blocks(text: &str) -> Result<(Vec<Block>, Rendition), TextProblem> {
    let sink = Sink(RefCell::new(HtmlState::default()));
    let tok = Tokenizer::new(sink, TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(text));
    let _ = tok.feed(&input);
    tok.end();
    let mut st = tok.sink.0.into_inner();
    st.flush();
    if st.saw_pre && !st.pre.trim().is_empty() {
        return Ok((pre_blocks(&st.pre), Rendition::PreHtml));
    }
    if st.numbered == 0 {
        return Err(TextProblem::NotFederalRegisterHtml);
    }
    // Body HTML: the order's line before the title is loose text.
    Ok((st.blocks, Rendition::BodyHtml))
}

// ---------------------------------------------------------- plain text

/// Running heads of the plain text, dropped wherever they are.
fn is_running_head(t: &str) -> bool {
    (t.starts_with("[[Page ") && t.ends_with("]]"))
        || t.starts_with("[Federal Register Volume")
        || t.starts_with("From the Federal Register Online")
        || t.starts_with("[FR Doc No:")
        || (t.starts_with("[Pages ") || t.starts_with("[Page "))
        || matches!(
            t,
            "[Presidential Documents]"
                | "[Rules and Regulations]"
                | "[Proposed Rules]"
                | "[Notices]"
        )
        || t.starts_with("<GRAPHIC")
}

/// Plain text (the `<pre>` of govinfo and `raw_text_url`) to blocks: a
/// blank line or a line indented deeper than the one before starts a
/// paragraph; a page break inside a sentence does not; a word hyphenated
/// at a line end is joined again.
fn pre_blocks(text: &str) -> Vec<Block> {
    let lines: Vec<&str> = text.lines().collect();
    // The cover of a presidential document ends at "Title 3--" and "The President".
    let mut start = 0;
    if let Some(i) = lines.iter().take(120).position(|l| {
        let t = l.trim();
        t == "Title 3--" || t == "Title 3\u{2014}"
    }) {
        start = i + 1;
        if lines
            .get(start)
            .is_some_and(|l| l.trim() == "The President")
        {
            start += 1;
        }
    }
    // Words of the text, to tell a word broken at a line end ("estab-
    // lish", written whole elsewhere) from a compound ("lower-cost"): in
    // GPO's plain text almost every line-end hyphen is a compound's.
    let words: std::collections::HashSet<&str> = text
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty())
        .collect();
    let mut blocks = Vec::new();
    let mut cur = String::new();
    let mut prev_indent: Option<usize> = None;
    let mut blank = false;
    let mut page_break = false;
    let mut after_order_line = false;
    let flush = |cur: &mut String, blocks: &mut Vec<Block>, after_order_line: &mut bool| {
        let t = cur.trim();
        if !t.is_empty() {
            let heading = *after_order_line
                && !t.ends_with(['.', ':', ';', ','])
                && t.len() < 300
                && !t.starts_with("By the ");
            *after_order_line = !heading && is_order_line(t);
            blocks.push(if heading {
                Block::Heading(t.to_string())
            } else {
                Block::Para(t.to_string())
            });
        }
        cur.clear();
    };
    for line in &lines[start..] {
        let t = line.trim();
        if t.is_empty() {
            blank = true;
            continue;
        }
        if is_running_head(t) {
            page_break = true;
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let mid_sentence = !cur.trim_end().ends_with(['.', ':', ';']);
        // A deeper line, or an item "(c)", starts a paragraph where the
        // one before has ended; a title's second line does not.
        let item = list_marker(t) && !mid_sentence;
        let deeper =
            (prev_indent.is_some_and(|p| indent > p) && (!mid_sentence || list_marker(t))) || item;
        let continues = page_break
            && mid_sentence
            && !list_marker(t)
            && prev_indent.is_none_or(|p| indent <= p);
        if !continues && (blank || deeper) {
            flush(&mut cur, &mut blocks, &mut after_order_line);
        }
        blank = false;
        page_break = false;
        prev_indent = Some(indent);
        join_line(&mut cur, t, &words);
    }
    flush(&mut cur, &mut blocks, &mut after_order_line);
    blocks
}

/// `(a)`, `(iv)`, `(12)` at the start of a line.
fn list_marker(t: &str) -> bool {
    t.strip_prefix('(')
        .and_then(|r| r.split_once(')'))
        .is_some_and(|(m, _)| {
            !m.is_empty() && m.len() <= 4 && m.chars().all(|c| c.is_ascii_alphanumeric())
        })
}

/// `Executive Order 13772 of February 3, 2017`.
fn is_order_line(t: &str) -> bool {
    (t.starts_with("Executive Order ") || t.starts_with("Proclamation "))
        && t.contains(" of ")
        && t.len() < 80
}

/// Appends a line to a paragraph. A hyphen at the line end is dropped
/// when the joined word is written whole elsewhere in the text, and kept
/// (without a space) otherwise.
fn join_line(cur: &mut String, line: &str, words: &std::collections::HashSet<&str>) {
    let trimmed = cur.trim_end().len();
    cur.truncate(trimmed);
    if cur.is_empty() {
        cur.push_str(line);
        return;
    }
    let b = cur.as_bytes();
    let hyphen = b.len() >= 2
        && b[b.len() - 1] == b'-'
        && b[b.len() - 2].is_ascii_lowercase()
        && line.starts_with(|c: char| c.is_ascii_lowercase());
    if hyphen {
        let head = cur[..cur.len() - 1]
            .rsplit(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or("");
        let tail = line
            .split(|c: char| !c.is_alphabetic())
            .next()
            .unwrap_or("");
        if words.contains(format!("{head}{tail}").as_str()) {
            cur.pop();
        }
    } else if !cur.ends_with("--") {
        cur.push(' ');
    }
    cur.push_str(line);
}
