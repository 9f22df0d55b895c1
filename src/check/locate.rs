//! Finds where a value sits in an entity file, by its path in the entity
//! (`relations[2].to`), so that a diagnostic points at the right token even
//! when the same text occurs several times in the file.
//!
//! serde forgets positions once a file is parsed, so this re-reads the text
//! with a small RON tokenizer: strings (plain, raw and byte), comments (line
//! and nested block), brackets, `:` and `,`. It only runs on files that
//! already parsed, so it need not report errors; on anything unexpected it
//! falls back to a coarser location (the enclosing item, then the file).

use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use crate::diag::Location;
use crate::load::{read_back, SourceFile};

/// One step of a path into an entity.
#[derive(Clone, Copy, Debug)]
pub enum Seg<'a> {
    /// A struct field or map key.
    Key(&'a str),
    /// A list element, 0-based.
    Index(usize),
}

pub use Seg::{Index, Key};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Open,
    Close,
    Str,
    Word,
    Colon,
    Comma,
}

#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Kind,
    start: usize,
    end: usize,
    /// 1-based line and character column of `start`.
    line: usize,
    col: usize,
}

/// A tokenized file, ready for path lookups.
///
/// Every lookup is cheap however large the file: brackets are matched once,
/// positions are computed once, and the items of a list are split once and
/// cached, so that a file with thousands of bad relations does not cost
/// thousands of scans.
pub struct Located<'f> {
    file: &'f SourceFile,
    /// The directory to read the file's text back from when the loader
    /// did not keep it (see [`SourceFile::text`]).
    root: Option<&'f std::path::Path>,
    read_back: std::cell::OnceCell<String>,
    /// The tokens and, for each `Open` token, the index of its `Close` (or
    /// the last token).
    lexed: std::cell::OnceCell<(Vec<Tok>, Vec<usize>)>,
    items: RefCell<HashMap<usize, Rc<Vec<Range<usize>>>>>,
}

impl<'f> Located<'f> {
    /// Tokenizes `file`.
    #[cfg(test)]
    pub fn new(file: &'f SourceFile) -> Located<'f> {
        Located::in_dir(file, None)
    }

    /// Tokenizes `file`, read back from under `root` if its text was not
    /// kept.
    pub fn in_dir(file: &'f SourceFile, root: Option<&'f std::path::Path>) -> Located<'f> {
        Located {
            file,
            root,
            read_back: std::cell::OnceCell::new(),
            lexed: std::cell::OnceCell::new(),
            items: RefCell::new(HashMap::new()),
        }
    }

    /// The file's text, read back from disk on first use if the loader
    /// did not keep it (empty if it cannot be read any more).
    fn text(&self) -> &str {
        match self.root {
            Some(root) if self.file.text.is_empty() => self
                .read_back
                .get_or_init(|| read_back(root, &self.file.path).unwrap_or_default()),
            _ => &self.file.text,
        }
    }

    /// The tokens, and for each `Open` the index of its `Close`: lexed on
    /// first use, so a file without a problem costs nothing.
    fn lexed(&self) -> &(Vec<Tok>, Vec<usize>) {
        self.lexed.get_or_init(|| {
            let toks = lex(self.text());
            let last = toks.len().saturating_sub(1);
            let mut close = vec![last; toks.len()];
            let mut stack = Vec::new();
            for (i, t) in toks.iter().enumerate() {
                match t.kind {
                    Kind::Open => stack.push(i),
                    Kind::Close => {
                        if let Some(o) = stack.pop() {
                            close[o] = i;
                        }
                    }
                    _ => {}
                }
            }
            (toks, close)
        })
    }

    /// The value at `path` (the whole string literal, list or struct).
    /// When part of the path is missing, the deepest value found instead;
    /// when nothing is found, the start of the file.
    pub fn value(&self, path: &[Seg]) -> Location {
        self.find(path)
            .map_or_else(|| Location::file(&self.file.path), |f| self.loc(f.value))
    }

    /// The key of the last step of `path` (`source` in `source: 3`), or the
    /// value when the last step is an index.
    pub fn key(&self, path: &[Seg]) -> Location {
        match self.find(path) {
            Some(Found {
                key: Some(k),
                complete: true,
                ..
            }) => self.loc(k),
            Some(f) => self.loc(f.value),
            None => Location::file(&self.file.path),
        }
    }

    /// The key of the last step of `path`, only when the whole path is
    /// written in the file (fields left to their default are not).
    pub fn written_key(&self, path: &[Seg]) -> Option<Location> {
        match self.find(path)? {
            Found {
                key: Some(k),
                complete: true,
                ..
            } => Some(self.loc(k)),
            _ => None,
        }
    }

    fn loc(&self, toks: Range<usize>) -> Location {
        let (Some(a), Some(b)) = (
            self.lexed().0.get(toks.start),
            self.lexed().0.get(toks.end.saturating_sub(1)),
        ) else {
            return Location::file(&self.file.path);
        };
        Location {
            path: self.file.path.clone(),
            line: a.line,
            col: a.col,
            offset: a.start,
            len: b.end.saturating_sub(a.start),
        }
    }

    fn find(&self, path: &[Seg]) -> Option<Found> {
        let root = self.root()?;
        let mut cur = Found {
            key: None,
            value: root,
            complete: path.is_empty(),
        };
        for (n, seg) in path.iter().enumerate() {
            let next = match *seg {
                Seg::Key(k) => self.field(cur.value.clone(), k),
                Seg::Index(i) => self
                    .items(cur.value.clone())
                    .get(i)
                    .map(|v| (None, v.clone())),
            };
            match next {
                Some((key, value)) => {
                    let value = self.unwrap_some(value);
                    cur = Found {
                        key,
                        value,
                        complete: n + 1 == path.len(),
                    }
                }
                None => return Some(cur),
            }
        }
        Some(cur)
    }

    /// `Some(x)` is written for optional values; paths look through it.
    fn unwrap_some(&self, value: Range<usize>) -> Range<usize> {
        let is_some = self
            .lexed()
            .0
            .get(value.start)
            .is_some_and(|t| t.kind == Kind::Word && &self.text()[t.start..t.end] == "Some");
        if is_some && value.len() > 1 {
            let inner = self.items(value.clone());
            if let [only] = inner.as_slice() {
                return only.clone();
            }
        }
        value
    }

    /// The token range of the entity: the first value in the file.
    fn root(&self) -> Option<Range<usize>> {
        if self.lexed().0.is_empty() {
            return None;
        }
        Some(self.value_at(0))
    }

    /// The token range of the value that starts at token `i`: a literal, a
    /// bracketed group, or a name followed by a group (`Some(..)`, `Entity(..)`).
    fn value_at(&self, i: usize) -> Range<usize> {
        match self.lexed().0.get(i).map(|t| t.kind) {
            Some(Kind::Open) => i..self.close_of(i) + 1,
            Some(Kind::Word)
                if self
                    .lexed()
                    .0
                    .get(i + 1)
                    .is_some_and(|t| t.kind == Kind::Open && t.start == self.lexed().0[i].end) =>
            {
                i..self.close_of(i + 1) + 1
            }
            Some(_) => i..i + 1,
            None => i..i,
        }
    }

    /// The index of the token closing the group opened at `open` (or the
    /// last token when the file is unbalanced).
    fn close_of(&self, open: usize) -> usize {
        self.lexed().1.get(open).copied().unwrap_or(open)
    }

    /// The elements directly inside the group `value` (a list, a struct's
    /// fields, a map's entries): token ranges between top-level commas.
    fn items(&self, value: Range<usize>) -> Rc<Vec<Range<usize>>> {
        let open = match self.lexed().0.get(value.start).map(|t| t.kind) {
            Some(Kind::Open) => value.start,
            Some(Kind::Word) if value.len() > 1 => value.start + 1,
            _ => return Rc::new(Vec::new()),
        };
        if let Some(cached) = self.items.borrow().get(&open) {
            return Rc::clone(cached);
        }
        let out = Rc::new(self.split(open));
        self.items.borrow_mut().insert(open, Rc::clone(&out));
        out
    }

    fn split(&self, open: usize) -> Vec<Range<usize>> {
        let close = self.close_of(open);
        let mut out = Vec::new();
        let mut i = open + 1;
        while i < close {
            let v = self.value_at(i);
            // A field or map entry (`key: value`) is one item.
            let v = if self
                .lexed()
                .0
                .get(v.end)
                .is_some_and(|t| t.kind == Kind::Colon)
            {
                let val = self.value_at(v.end + 1);
                v.start..val.end
            } else {
                v
            };
            if v.is_empty() {
                break;
            }
            out.push(v.clone());
            i = v.end;
            if self.lexed().0.get(i).is_some_and(|t| t.kind == Kind::Comma) {
                i += 1;
            }
            // Anything unexpected (two values without a comma) moves on
            // rather than looping.
            while i < close
                && !matches!(self.lexed().0[i].kind, Kind::Open | Kind::Word | Kind::Str)
            {
                i += 1;
            }
        }
        out
    }

    /// The key and value of field `name` directly inside the group `value`.
    fn field(
        &self,
        value: Range<usize>,
        name: &str,
    ) -> Option<(Option<Range<usize>>, Range<usize>)> {
        self.items(value).iter().find_map(|item| {
            let k = self.lexed().0.get(item.start)?;
            let colon = self.lexed().0.get(item.start + 1)?;
            if colon.kind != Kind::Colon {
                return None;
            }
            let text = &self.text()[k.start..k.end];
            let matches = match k.kind {
                Kind::Word => text == name,
                Kind::Str => text.len() >= 2 && &text[1..text.len() - 1] == name,
                _ => false,
            };
            matches.then(|| (Some(item.start..item.start + 1), item.start + 2..item.end))
        })
    }
}

struct Found {
    key: Option<Range<usize>>,
    value: Range<usize>,
    /// Whether every step of the path was found.
    complete: bool,
}

/// Splits RON text into the tokens the path lookups need.
fn lex(text: &str) -> Vec<Tok> {
    let b = text.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    // Positions are filled in below, in one pass.
    let push = |toks: &mut Vec<Tok>, kind, start, end| {
        toks.push(Tok {
            kind,
            start,
            end,
            line: 0,
            col: 0,
        })
    };
    while i < b.len() {
        let c = b[i];
        match c {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map_or(b.len(), |n| i + n + 1);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0usize;
                while i < b.len() {
                    if b[i] == b'/' && b.get(i + 1) == Some(&b'*') {
                        depth += 1;
                        i += 2;
                    } else if b[i] == b'*' && b.get(i + 1) == Some(&b'/') {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'(' | b'[' | b'{' => {
                push(&mut toks, Kind::Open, i, i + 1);
                i += 1;
            }
            b')' | b']' | b'}' => {
                push(&mut toks, Kind::Close, i, i + 1);
                i += 1;
            }
            b':' => {
                push(&mut toks, Kind::Colon, i, i + 1);
                i += 1;
            }
            b',' => {
                push(&mut toks, Kind::Comma, i, i + 1);
                i += 1;
            }
            b'"' | b'\'' => {
                let end = quoted_end(b, i + 1, c);
                push(&mut toks, Kind::Str, i, end);
                i = end;
            }
            b'b' if b.get(i + 1) == Some(&b'"') => {
                let end = quoted_end(b, i + 2, b'"');
                push(&mut toks, Kind::Str, i, end);
                i = end;
            }
            b'r' | b'b' if raw_start(b, i).is_some() => {
                let (hashes, quote) = raw_start(b, i).unwrap_or((0, i + 1));
                let closing = format!("\"{}", "#".repeat(hashes));
                let end = text[quote + 1..]
                    .find(&closing)
                    .map_or(b.len(), |n| quote + 1 + n + closing.len());
                push(&mut toks, Kind::Str, i, end);
                i = end;
            }
            c if c.is_ascii_whitespace() => i += 1,
            _ => {
                let start = i;
                while i < b.len() && !ends_word(b, i) {
                    i += 1;
                }
                if i == start {
                    i += 1;
                }
                push(&mut toks, Kind::Word, start, i);
            }
        }
    }
    // Lines and character columns of every token, in one pass.
    let (mut line, mut col, mut at) = (1, 1, 0);
    for t in &mut toks {
        for &c in &b[at..t.start] {
            if c == b'\n' {
                line += 1;
                col = 1;
            } else if c & 0xC0 != 0x80 {
                // Count characters, not UTF-8 continuation bytes.
                col += 1;
            }
        }
        at = t.start;
        t.line = line;
        t.col = col;
    }
    toks
}

/// Whether a bare word (an identifier, a number) ends before `b[i]`.
fn ends_word(b: &[u8], i: usize) -> bool {
    let c = b[i];
    c.is_ascii_whitespace()
        || matches!(
            c,
            b'(' | b')' | b'[' | b']' | b'{' | b'}' | b',' | b':' | b'"'
        )
        || (c == b'/' && matches!(b.get(i + 1), Some(b'/' | b'*')))
}

/// The end (exclusive) of a quoted literal whose body starts at `i`.
fn quoted_end(b: &[u8], mut i: usize, quote: u8) -> usize {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == quote => return i + 1,
            _ => i += 1,
        }
    }
    b.len()
}

/// For a raw string starting at `i` (`r"`, `r#"`, `br#"`): the number of
/// `#` and the index of the opening quote.
fn raw_start(b: &[u8], i: usize) -> Option<(usize, usize)> {
    let mut j = i;
    if b.get(j) == Some(&b'b') {
        j += 1;
    }
    if b.get(j) != Some(&b'r') {
        return None;
    }
    j += 1;
    let hashes = b[j..].iter().take_while(|&&c| c == b'#').count();
    (b.get(j + hashes) == Some(&b'"')).then_some((hashes, j + hashes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn file(text: &str) -> SourceFile {
        SourceFile {
            path: PathBuf::from("x.ron"),
            text: text.to_owned(),
        }
    }

    fn snippet(f: &SourceFile, l: &Location) -> String {
        f.text[l.offset..l.offset + l.len].to_owned()
    }

    const TEXT: &str = r##"// "to": a comment with (brackets] and "quotes
(
    id: "eo-1", /* a (nested /* block */ comment ) */
    name: r#"raw "name" (with brackets"#,
    relations: [
        (rel: directs, to: "dol", source: 0),
        (rel: consults, to: "dol", note: "to: \"dol\", source: 9", source: 3),
    ],
    names: {"zh-Hant": "勞工部"},
    figure: Some((value: 1.5e3, unit: "USD")),
)
"##;

    #[test]
    fn finds_the_right_occurrence() {
        let f = file(TEXT);
        let l = Located::new(&f);
        let to = l.value(&[Key("relations"), Index(1), Key("to")]);
        assert_eq!(snippet(&f, &to), "\"dol\"");
        assert_eq!((to.line, to.col), (7, 29));
        let src = l.value(&[Key("relations"), Index(1), Key("source")]);
        assert_eq!(snippet(&f, &src), "3");
        let key = l.key(&[Key("relations"), Index(1), Key("source")]);
        assert_eq!((key.line, snippet(&f, &key).as_str()), (7, "source"));
        assert_eq!(snippet(&f, &l.value(&[Key("id")])), "\"eo-1\"");
    }

    #[test]
    fn maps_named_groups_and_raw_strings() {
        let f = file(TEXT);
        let l = Located::new(&f);
        assert_eq!(
            snippet(&f, &l.key(&[Key("names"), Key("zh-Hant")])),
            "\"zh-Hant\""
        );
        assert_eq!(
            snippet(&f, &l.value(&[Key("figure"), Key("unit")])),
            "\"USD\""
        );
        assert!(snippet(&f, &l.value(&[Key("name")])).starts_with("r#\"raw"));
        assert_eq!(l.value(&[Key("relations")]).line, 5);
    }

    #[test]
    fn falls_back_to_the_deepest_part_found() {
        let f = file(TEXT);
        let l = Located::new(&f);
        let item = l.value(&[Key("relations"), Index(0), Key("date")]);
        assert!(snippet(&f, &item).starts_with("(rel: directs"));
        assert_eq!(l.key(&[Key("nope")]).line, 2);
        let empty = file("");
        assert_eq!(
            Located::new(&empty).value(&[Key("id")]),
            Location::file("x.ron")
        );
    }

    #[test]
    fn survives_unbalanced_text() {
        for text in [
            "(",
            ")",
            "(id: ",
            "[[[",
            "\"",
            "r#\"",
            "/*",
            "(a: (b: [1, 2",
            "(a: b c d, e: f)",
        ] {
            let f = file(text);
            let l = Located::new(&f);
            let _ = l.value(&[Key("a"), Index(3), Key("b")]);
            let _ = l.key(&[Key("e")]);
        }
    }
}
