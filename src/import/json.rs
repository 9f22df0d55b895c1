//! Reading an input file as JSON: the whole text first, so that a file that
//! is not JSON, or is cut short, fails with its line and column before
//! anything is written; then each record on its own, so that one bad record
//! is reported (by its identifier and position) while the others import.

use std::path::Path;

use serde::de::DeserializeOwned;

use super::ImportError;

/// Input files larger than this are refused: the largest real API page
/// (1,000 documents with every field) is a few megabytes.
pub const MAX_INPUT_BYTES: u64 = 512 * 1024 * 1024;

/// Reads `path` and parses it as JSON. Errors carry the file and, for
/// syntax errors, the line and column.
pub fn read_value(path: &Path) -> Result<serde_json::Value, ImportError> {
    let meta = std::fs::metadata(path).map_err(|e| ImportError::io(path, e))?;
    if !meta.is_file() {
        return Err(ImportError::Input {
            input: path.display().to_string(),
            message: "not a regular file".to_owned(),
        });
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(ImportError::Input {
            input: path.display().to_string(),
            message: format!(
                "file is {} bytes; the limit is {MAX_INPUT_BYTES}",
                meta.len()
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| ImportError::io(path, e))?;
    parse_value(&path.display().to_string(), &bytes)
}

/// Parses `bytes` (read from `input`, a file or a URL) as JSON.
pub fn parse_value(input: &str, bytes: &[u8]) -> Result<serde_json::Value, ImportError> {
    serde_json::from_slice(bytes).map_err(|e| ImportError::Json {
        input: input.to_owned(),
        line: e.line(),
        column: e.column(),
        message: json_message(&e),
    })
}

/// serde_json's message without its trailing " at line L column C", which
/// the error shows in its own place.
pub fn json_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_owned(),
        None => s,
    }
}

/// Decodes one record into a source's lenient type. The message names the
/// field at fault where serde can tell.
pub fn record<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, String> {
    T::deserialize(value).map_err(|e| e.to_string())
}

/// A JSON value that may be written as a number or as a string (`13180` or
/// `"13180"`), read as text.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text(pub String);

impl<'de> serde::Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(s) => Ok(Text(s)),
            serde_json::Value::Number(n) => Ok(Text(n.to_string())),
            other => Err(serde::de::Error::custom(format!(
                "expected a string or a number, found {}",
                kind_of(&other)
            ))),
        }
    }
}

/// "an object", "a list", for messages.
pub fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_have_line_and_column() {
        let e = parse_value("x.json", b"{\n  \"a\": [1, 2,\n").unwrap_err();
        match e {
            ImportError::Json { line, column, .. } => assert_eq!((line, column), (3, 0)),
            other => panic!("{other:?}"),
        }
        let e = parse_value("x.json", b"<html>").unwrap_err();
        assert!(e.to_string().starts_with("x.json:1:1: "), "{e}");
    }

    #[test]
    fn text_takes_numbers_and_strings() {
        let t: Text = serde_json::from_str("13180").unwrap();
        assert_eq!(t.0, "13180");
        let t: Text = serde_json::from_str("\"x\"").unwrap();
        assert_eq!(t.0, "x");
        assert!(serde_json::from_str::<Text>("[1]").is_err());
    }
}
