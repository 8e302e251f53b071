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

    /// Whether an object at any depth holds a key twice. (Depth is bounded by the
    /// parser's limit, so the recursion is too.)
    pub fn has_duplicate_keys(&self) -> bool {
        match self {
            Json::Object(m) => {
                KeyCopies::of(m).any_repeat(m) || m.iter().any(|(_, v)| v.has_duplicate_keys())
            }
            Json::Array(a) => a.iter().any(Json::has_duplicate_keys),
            _ => false,
        }
    }

    /// The value as the provider reads it: of duplicate keys only the last is kept, so
    /// code that walks an object's members sees each key once, with the value that wins.
    pub fn last_key_wins(&self) -> Json<'a> {
        match self {
            Json::Object(m) => {
                let copies = KeyCopies::of(m);
                Json::Object(
                    m.iter()
                        .enumerate()
                        .filter(|&(i, _)| copies.is_last(m, i))
                        .map(|(_, (k, v))| (k.clone(), v.last_key_wins()))
                        .collect(),
                )
            }
            Json::Array(a) => Json::Array(a.iter().map(Json::last_key_wins).collect()),
            other => other.clone(),
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

/// Objects with at most this many members compare keys pairwise (no allocation, and
/// chat objects have two to seven keys); larger ones hash their keys, so an object with
/// 100,000 keys costs linear time, not quadratic.
const PAIRWISE_MAX: usize = 16;

type Members<'m, 'a> = &'m [(Cow<'a, str>, Json<'a>)];

/// Where each key of one object appears: answers "is member `i` the last copy of its
/// key" and "does an earlier copy exist" in constant time for large objects.
pub enum KeyCopies<'m> {
    Pairwise,
    /// Key → (first index, last index).
    Hashed(rustc_hash::FxHashMap<&'m str, (usize, usize)>),
}

impl<'m> KeyCopies<'m> {
    pub fn of(m: Members<'m, '_>) -> KeyCopies<'m> {
        if m.len() <= PAIRWISE_MAX {
            return KeyCopies::Pairwise;
        }
        let mut map = rustc_hash::FxHashMap::default();
        map.reserve(m.len());
        for (i, (k, _)) in m.iter().enumerate() {
            map.entry(k.as_ref())
                .and_modify(|e: &mut (usize, usize)| e.1 = i)
                .or_insert((i, i));
        }
        KeyCopies::Hashed(map)
    }

    /// Whether any key of `m` (the object this was built from) appears twice.
    pub fn any_repeat(&self, m: Members<'_, '_>) -> bool {
        match self {
            KeyCopies::Pairwise => (1..m.len()).any(|i| self.has_earlier(m, i)),
            KeyCopies::Hashed(map) => map.len() < m.len(),
        }
    }

    /// Whether member `i` of `m` (the object this was built from) is the last copy of
    /// its key: the one the provider keeps.
    pub fn is_last(&self, m: Members<'_, '_>, i: usize) -> bool {
        match self {
            KeyCopies::Pairwise => !m[i + 1..].iter().any(|(k, _)| *k == m[i].0),
            KeyCopies::Hashed(map) => map.get(m[i].0.as_ref()).is_some_and(|e| e.1 == i),
        }
    }

    /// Whether an earlier member of `m` has the same key as member `i`.
    pub fn has_earlier(&self, m: Members<'_, '_>, i: usize) -> bool {
        match self {
            KeyCopies::Pairwise => m[..i].iter().any(|(k, _)| *k == m[i].0),
            KeyCopies::Hashed(map) => map.get(m[i].0.as_ref()).is_some_and(|e| e.0 < i),
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
        let mut v = Vec::with_capacity(4);
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

/// A 128-bit hash of a value's canonical form: object keys sorted (last duplicate wins,
/// as when the provider parses it), so whitespace and key order do not matter and two
/// copies of one example hash alike. One-shot hashes per leaf, folded with a
/// multiply-rotate mix: much cheaper than streaming every leaf through a hasher.
pub fn canonical_hash(v: &Json) -> u128 {
    use xxhash_rust::xxh3::xxh3_128_with_seed as h;
    match v {
        Json::Null => h(b"", 1),
        Json::Bool(b) => h(&[u8::from(*b)], 2),
        Json::Int(i) => h(&i.to_le_bytes(), 3),
        Json::Float(f) => h(&f.to_bits().to_le_bytes(), 4),
        Json::Str(s) => h(s.as_bytes(), 5),
        Json::Array(a) => {
            let mut acc = h(&(a.len() as u64).to_le_bytes(), 6);
            for x in a {
                acc = mix(acc, canonical_hash(x));
            }
            acc
        }
        Json::Object(m) => {
            let copies = KeyCopies::of(m);
            let mut pairs: Vec<(&str, &Json)> = m
                .iter()
                .enumerate()
                .filter(|&(i, _)| copies.is_last(m, i))
                .map(|(_, (k, val))| (k.as_ref(), val))
                .collect();
            pairs.sort_unstable_by(|a, b| a.0.cmp(b.0));
            let mut acc = h(&(pairs.len() as u64).to_le_bytes(), 7);
            for (k, val) in pairs {
                acc = mix(mix(acc, h(k.as_bytes(), 8)), canonical_hash(val));
            }
            acc
        }
    }
}

fn mix(acc: u128, x: u128) -> u128 {
    // An odd 128-bit multiplier (from the PCG family): every input bit reaches the top half.
    const K: u128 = 0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645;
    (acc.rotate_left(47) ^ x).wrapping_mul(K)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(s: &str) -> u128 {
        canonical_hash(&serde_json::from_str(s).unwrap())
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
        // Order inside arrays matters; a string is not the same as a number.
        assert_ne!(hash("[1,2]"), hash("[2,1]"));
        assert_ne!(hash(r#"["1"]"#), hash("[1]"));
        assert_eq!(hash(r#"{"a":1,"a":2}"#), hash(r#"{"a":2}"#));
    }

    #[test]
    fn duplicate_keys_last_wins() {
        let v: Json = serde_json::from_str(r#"{"a":1,"a":2}"#).unwrap();
        assert_eq!(v.get("a"), Some(&Json::Int(2)));
    }

    #[test]
    fn last_key_wins_drops_shadowed_members_at_any_depth() {
        let v: Json = serde_json::from_str(r#"{"a":1,"b":[{"c":1,"c":2}],"a":3}"#).unwrap();
        assert!(v.has_duplicate_keys());
        let w = v.last_key_wins();
        assert!(!w.has_duplicate_keys());
        let want: Json = serde_json::from_str(r#"{"b":[{"c":2}],"a":3}"#).unwrap();
        assert_eq!(w, want);
        let plain: Json = serde_json::from_str(r#"{"a":[{"b":1},{"b":2}]}"#).unwrap();
        assert!(!plain.has_duplicate_keys());
    }

    #[test]
    fn escaped_strings_are_owned_and_plain_ones_borrowed() {
        let v: Json = serde_json::from_str(r#"["a\nb","plain"]"#).unwrap();
        let a = v.as_array().unwrap();
        assert!(matches!(&a[0], Json::Str(Cow::Owned(s)) if s == "a\nb"));
        assert!(matches!(&a[1], Json::Str(Cow::Borrowed("plain"))));
    }
}
