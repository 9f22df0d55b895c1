//! Lenient field types for the bill sources' JSON: a value may be
//! missing, `null`, a string or a number, and the importers take what
//! is there. (Kept apart from the shared import machinery because only
//! the bill sources mix strings and numbers this freely.)

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

/// A scalar read as text: a string, a number or a boolean; `null` or a
/// missing field is `None`. LegiScan writes ids as numbers in one place and
/// strings in another (`party_id: "1"`, `people_id: 11778`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text(pub Option<String>);

impl Text {
    /// The text, trimmed; `None` when missing or blank.
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }

    /// The text, or `""`.
    pub fn or_empty(&self) -> &str {
        self.get().unwrap_or("")
    }

    /// The value as an integer, when it is one.
    pub fn int(&self) -> Option<i64> {
        self.get().and_then(|s| s.parse().ok())
    }
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, a number or null")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(Some(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(Some(v)))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(Some(v.to_string())))
            }
            fn visit_none<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Text, E> {
                Ok(Text(None))
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Text, D2::Error> {
                d.deserialize_any(V)
            }
        }
        d.deserialize_any(V)
    }
}

/// A list that may be missing or `null` (both read as empty).
pub fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Default)]
    #[serde(default)]
    struct T {
        a: Text,
        #[serde(deserialize_with = "list")]
        b: Vec<Text>,
    }

    #[test]
    fn scalars_and_nulls() {
        let t: T = serde_json::from_str(r#"{"a": 12, "b": null}"#).unwrap();
        assert_eq!(t.a.get(), Some("12"));
        assert!(t.b.is_empty());
        let t: T = serde_json::from_str(r#"{"a": null, "b": ["x", 1, null]}"#).unwrap();
        assert_eq!(t.a.get(), None);
        assert_eq!(t.b.len(), 3);
        let t: T = serde_json::from_str("{}").unwrap();
        assert_eq!(t.a, Text(None));
    }
}
