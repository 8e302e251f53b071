//! The value a line parses into, and format detection.
//!
//! `Json` borrows strings from the line where it can (no escapes) and keeps object
//! members in source order as a list, so duplicate keys survive for the duplicate-key
//! rule and nothing is hashed on the hot path. serde_json enforces its 128-level depth
//! limit on any visitor, so deep nesting is an error, never a stack overflow.

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    /// Integers that fit i64/u64 keep their kind so `weight: 1` differs from `1.0`.
    Int(i128),
    Float(f64),
    Str(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// The value of `key`; like Python's json (what the provider parses with), the
    /// last of duplicate keys wins.
    pub fn get(&self, key: &str) -> Option<&Json<'a>> {
        match self {
            Json::Object(m) => m.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Json<'a>]> {
        match self {
            Json::Array(a) => Some(a),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&[(Cow<'a, str>, Json<'a>)]> {
        match self {
            Json::Object(m) => Some(m),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Int(_) | Json::Float(_) => "a number",
            Json::Str(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

impl<'de> Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Json::Int(v as i128))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Json::Int(v as i128))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Json::Float(v))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Json::Str(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Self::Value, E> {
        Ok(Json::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut v = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(x) = seq.next_element()? {
            v.push(x);
        }
        Ok(Json::Array(v))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut v = Vec::new();
        while let Some(k) = map.next_key::<KeyStr<'de>>()? {
            let val = map.next_value()?;
            v.push((k.0, val));
        }
        Ok(Json::Object(v))
    }
}

/// A map key that borrows when it has no escapes.
struct KeyStr<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for KeyStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(KeyStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(KeyStr(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(KeyStr(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// What kind of record a line holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// `{"messages": [...]}`: chat models.
    Chat,
    /// `{"prompt": ..., "completion": ...}`: babbage-002 / davinci-002.
    Legacy,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Chat => "chat",
            Format::Legacy => "prompt-completion",
        }
    }

    /// A record with `prompt` or `completion` and no `messages` is legacy; every other
    /// object is judged as chat (so a missing `messages` is reported as such).
    pub fn detect(record: &Json) -> Format {
        if record.get("messages").is_none()
            && (record.get("prompt").is_some() || record.get("completion").is_some())
        {
            Format::Legacy
        } else {
            Format::Chat
        }
    }
}

/// Feeds a canonical form of a value to a hasher: object keys sorted, whitespace and
/// key order irrelevant, so two copies of one example hash alike however they were written.
pub fn hash_canonical(v: &Json, h: &mut xxhash_rust::xxh3::Xxh3) {
    match v {
        Json::Null => h.update(b"n"),
        Json::Bool(b) => h.update(if *b { b"t" } else { b"f" }),
        Json::Int(i) => {
            h.update(b"i");
            h.update(&i.to_le_bytes());
        }
        Json::Float(f) => {
            h.update(b"d");
            h.update(&f.to_bits().to_le_bytes());
        }
        Json::Str(s) => {
            h.update(b"s");
            h.update(&(s.len() as u64).to_le_bytes());
            h.update(s.as_bytes());
        }
        Json::Array(a) => {
            h.update(b"[");
            h.update(&(a.len() as u64).to_le_bytes());
            for x in a {
                hash_canonical(x, h);
            }
        }
        Json::Object(m) => {
            // Last duplicate wins, as when the provider parses it.
            let mut keys: Vec<(&str, &Json)> = Vec::with_capacity(m.len());
            for (k, val) in m.iter().rev() {
                if !keys.iter().any(|(kk, _)| *kk == k.as_ref()) {
                    keys.push((k.as_ref(), val));
                }
            }
            keys.sort_unstable_by(|a, b| a.0.cmp(b.0));
            h.update(b"{");
            h.update(&(keys.len() as u64).to_le_bytes());
            for (k, val) in keys {
                h.update(&(k.len() as u64).to_le_bytes());
                h.update(k.as_bytes());
                hash_canonical(val, h);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(s: &str) -> u128 {
        let v: Json = serde_json::from_str(s).unwrap();
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        hash_canonical(&v, &mut h);
        h.digest128()
    }

    #[test]
    fn canonical_hash_ignores_whitespace_and_key_order() {
        assert_eq!(
            hash(r#"{"messages":[{"role":"user","content":"hi"}]}"#),
            hash(r#"{ "messages" : [ { "content" : "hi", "role" : "user" } ] }"#)
        );
        assert_ne!(
            hash(r#"{"messages":[{"role":"user","content":"hi"}]}"#),
            hash(r#"{"messages":[{"role":"user","content":"hi "}]}"#)
        );
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let v: Json = serde_json::from_str(r#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(v.get("a"), Some(&Json::Int(2)));
    }

    #[test]
    fn escaped_strings_are_owned_and_plain_ones_borrowed() {
        let v: Json = serde_json::from_str(r#"["a\nb","plain"]"#).unwrap();
        let a = v.as_array().unwrap();
        assert!(matches!(&a[0], Json::Str(Cow::Owned(s)) if s == "a\nb"));
        assert!(matches!(&a[1], Json::Str(Cow::Borrowed("plain"))));
    }
}
