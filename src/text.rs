//! Text analysis shared by the index and search: the tokenizer that turns
//! names and bodies into terms (English words, stemmed, and CJK bigrams,
//! with Traditional Chinese folded to Simplified), registered on every
//! index under [`TOKENIZER`] and applied to queries the same way.
//!
//! Chinese is tokenized the way Lucene's CJK analyzer does it: every run of
//! Han characters becomes overlapping bigrams, so `比特幣戰略儲備` matches as a
//! phrase of bigrams without a dictionary to load. Traditional characters
//! are folded to Simplified (fast2s, a static table) at index and query
//! time, so either script finds the same items.

use tantivy::tokenizer::{RemoveLongFilter, TextAnalyzer, Token, TokenStream, Tokenizer};
use tantivy::Index;

/// The name of the tokenizer used for every text field.
pub const TOKENIZER: &str = "policygraph";

/// Registers the policygraph tokenizer on an index.
pub fn register_tokenizers(index: &Index) {
    index.tokenizers().register(TOKENIZER, analyzer());
}

/// The analyzer used for every text field, at index and at query time.
pub fn analyzer() -> TextAnalyzer {
    TextAnalyzer::builder(MixedTokenizer::default())
        .filter(RemoveLongFilter::limit(48))
        .build()
}

/// Whether `c` is written without spaces between words (Han, kana, Hangul).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0xAC00..=0xD7AF | 0x20000..=0x2FA1F)
}

/// Splits text into lowercase, English-stemmed words and CJK bigrams.
/// `401(k)` is one word, `401k`, as people write it both ways.
///
/// Tokenizing is the costliest step of indexing, so the common case
/// allocates nothing: ASCII is read byte by byte, the tokens' strings are
/// reused from one text to the next, and each tokenizer (one per indexing
/// thread) keeps a bounded cache of stems, as words repeat a lot.
#[derive(Clone)]
pub struct MixedTokenizer {
    stemmer: std::sync::Arc<rust_stemmers::Stemmer>,
    cache: std::collections::HashMap<String, String>,
    /// Token buffers, reused; the first `len` are the current text's.
    tokens: Vec<Token>,
    len: usize,
}

impl Default for MixedTokenizer {
    fn default() -> Self {
        MixedTokenizer {
            stemmer: std::sync::Arc::new(rust_stemmers::Stemmer::create(
                rust_stemmers::Algorithm::English,
            )),
            cache: std::collections::HashMap::new(),
            tokens: Vec::new(),
            len: 0,
        }
    }
}

impl MixedTokenizer {
    /// The next token's buffer, cleared.
    fn next_token(&mut self, from: usize) -> &mut Token {
        if self.len == self.tokens.len() {
            self.tokens.push(Token::default());
        }
        let position = self.len;
        self.len += 1;
        let t = &mut self.tokens[position];
        t.text.clear();
        t.offset_from = from;
        t.offset_to = from;
        t.position = position;
        t.position_length = 1;
        t
    }

    /// Replaces the last token's word by its stem.
    fn stem_last(&mut self) {
        let Some(t) = self.len.checked_sub(1).and_then(|i| self.tokens.get_mut(i)) else {
            return;
        };
        if !t.text.bytes().any(|b| b.is_ascii_alphabetic()) {
            return;
        }
        if let Some(s) = self.cache.get(t.text.as_str()) {
            t.text.clear();
            t.text.push_str(s);
            return;
        }
        let stemmed = self.stemmer.stem(&t.text).into_owned();
        if self.cache.len() > 200_000 {
            self.cache.clear();
        }
        self.cache
            .insert(std::mem::replace(&mut t.text, stemmed.clone()), stemmed);
    }

    /// Tokenizes `text` into the first `len` buffers.
    fn fill(&mut self, text: &str) {
        self.len = 0;
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii() && !b.is_ascii_alphanumeric() {
                i += 1;
                continue;
            }
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            if is_cjk(c) {
                i = self.cjk_run(text, i);
            } else if c.is_alphanumeric() {
                i = self.word(text, i);
                self.stem_last();
            } else {
                i += c.len_utf8();
            }
        }
    }

    /// A word starting at byte `start`; returns where it ends.
    fn word(&mut self, text: &str, start: usize) -> usize {
        let bytes = text.as_bytes();
        let t = self.next_token(start);
        let mut i = start;
        while i < bytes.len() {
            let b = bytes[i];
            if b.is_ascii_alphanumeric() {
                t.text.push(char::from(b.to_ascii_lowercase()));
                i += 1;
            } else if b == b'(' && !t.text.is_empty() {
                // `401(k)`, `404(a)(1)`: fold a parenthesised suffix in.
                let inner = bytes[i + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_alphanumeric())
                    .count();
                let close = i + 1 + inner;
                if inner > 0 && inner <= 3 && bytes.get(close) == Some(&b')') {
                    for &b in &bytes[i + 1..close] {
                        t.text.push(char::from(b.to_ascii_lowercase()));
                    }
                    i = close + 1;
                } else {
                    break;
                }
            } else if b.is_ascii() {
                break;
            } else {
                match text[i..].chars().next() {
                    Some(c) if c.is_alphanumeric() && !is_cjk(c) => {
                        t.text.extend(c.to_lowercase());
                        i += c.len_utf8();
                    }
                    _ => break,
                }
            }
        }
        t.offset_to = i;
        i
    }

    /// A run of CJK characters starting at byte `start`, folded to
    /// Simplified and cut into overlapping bigrams; returns where it ends.
    fn cjk_run(&mut self, text: &str, start: usize) -> usize {
        let chars: Vec<(usize, char)> = text[start..]
            .char_indices()
            .take_while(|c| is_cjk(c.1))
            .map(|(at, c)| (start + at, c))
            .collect();
        let end = chars.last().map_or(start, |c| c.0 + c.1.len_utf8());
        let end_of = |k: usize| chars.get(k).map_or(end, |c| c.0);
        let folded: Vec<char> = fast2s::convert(&text[start..end]).chars().collect();
        let n = chars.len();
        if n == 1 || folded.len() != n {
            let t = self.next_token(start);
            t.text.extend(folded.iter());
            t.offset_to = end;
        } else {
            for k in 0..n - 1 {
                let t = self.next_token(chars[k].0);
                t.text.extend(&folded[k..k + 2]);
                t.offset_to = end_of(k + 2);
            }
        }
        end
    }
}

/// The tokens of one text, borrowed from the tokenizer.
pub struct MixedStream<'a> {
    tokens: &'a mut [Token],
    len: usize,
    next: usize,
}

impl TokenStream for MixedStream<'_> {
    fn advance(&mut self) -> bool {
        self.next += 1;
        self.next <= self.len
    }
    fn token(&self) -> &Token {
        &self.tokens[self.next.clamp(1, self.tokens.len()) - 1]
    }
    fn token_mut(&mut self) -> &mut Token {
        let i = self.next.clamp(1, self.tokens.len()) - 1;
        &mut self.tokens[i]
    }
}

impl Tokenizer for MixedTokenizer {
    type TokenStream<'a> = MixedStream<'a>;
    fn token_stream<'a>(&'a mut self, text: &'a str) -> MixedStream<'a> {
        self.fill(text);
        if self.tokens.is_empty() {
            // `token()` must always have something to point at.
            self.tokens.push(Token::default());
        }
        MixedStream {
            tokens: &mut self.tokens,
            len: self.len,
            next: 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokens(s).into_iter().map(|t| t.text).collect()
    }

    fn tokens(s: &str) -> Vec<Token> {
        let mut a = analyzer();
        let mut stream = a.token_stream(s);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().clone());
        }
        out
    }

    /// Offsets point at the original text, positions count tokens, and
    /// a tokenizer reused for a shorter text yields only that text's tokens.
    #[test]
    fn offsets_positions_and_reuse() {
        let t = tokens("See 401(k) plans, 勞工部.");
        let spans: Vec<_> = t
            .iter()
            .map(|t| (t.text.as_str(), t.offset_from, t.offset_to, t.position))
            .collect();
        assert_eq!(
            spans,
            [
                ("see", 0, 3, 0),
                ("401k", 4, 10, 1),
                ("plan", 11, 16, 2),
                ("劳工", 18, 24, 3),
                ("工部", 21, 27, 4),
            ]
        );
        let mut a = analyzer();
        for (text, want) in [
            ("Retirement plans vary", 3),
            ("ERISA", 1),
            ("", 0),
            ("  .", 0),
        ] {
            let mut stream = a.token_stream(text);
            let mut n = 0;
            while stream.advance() {
                n += 1;
            }
            assert_eq!(n, want, "{text:?}");
        }
    }

    #[test]
    fn words_and_bigrams() {
        assert_eq!(texts("401(k) Plans"), vec!["401k", "plan"]);
        assert_eq!(texts("勞工部"), vec!["劳工", "工部"]);
        assert_eq!(texts("EO 14330"), vec!["eo", "14330"]);
        assert_eq!(texts("幣"), vec!["币"]);
    }
}
