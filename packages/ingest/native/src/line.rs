//! A line's top-level object as (key, value) pairs in order, strings
//! borrowed from the body where they hold no escapes: no map, no hashing,
//! one allocation a line (serde_json's Value with preserve_order was a
//! third of the time in allocation and hashing).
use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

const MAX_SAFE: i64 = 9_007_199_254_740_991;

pub enum Val<'a> {
    Str(Cow<'a, str>),
    Num(f64),
    Bool(bool),
    Null,
    /// An object or array: flattening's business, the JavaScript path's here.
    Nested,
}

pub struct Key<'a>(pub Cow<'a, str>);
pub struct Line<'a>(pub Vec<(Cow<'a, str>, Val<'a>)>);

struct StrV;
impl<'de> Visitor<'de> for StrV {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(StrV).map(Key)
    }
}

struct ValV;
impl<'de> Visitor<'de> for ValV {
    type Value = Val<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Val::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Val::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Val::Str(Cow::Owned(v)))
    }
    // parse-json.ts keeps an integer past 2^53 as the text of its digits.
    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(if v > MAX_SAFE as u64 { Val::Str(Cow::Owned(v.to_string())) } else { Val::Num(v as f64) })
    }
    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(if v < -MAX_SAFE { Val::Str(Cow::Owned(v.to_string())) } else { Val::Num(v as f64) })
    }
    // An integer past u64 arrives here as a double, its digits lost: the JavaScript path's.
    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(if v.fract() == 0.0 && v.abs() > MAX_SAFE as f64 { Val::Nested } else { Val::Num(v) })
    }
    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Val::Bool(v))
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Val::Null)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Val::Nested)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
        while s.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Val::Nested)
    }
}

impl<'de> Deserialize<'de> for Val<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ValV)
    }
}

struct LineV;
impl<'de> Visitor<'de> for LineV {
    type Value = Line<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
        let mut out: Vec<(Cow<'de, str>, Val<'de>)> = Vec::with_capacity(16);
        while let Some((Key(k), v)) = m.next_entry::<Key<'de>, Val<'de>>()? {
            // A repeated key: JSON.parse keeps the last value at the first one's place.
            if let Some(slot) = out.iter_mut().find(|(e, _)| *e == k) {
                slot.1 = v;
            } else {
                out.push((k, v));
            }
        }
        Ok(Line(out))
    }
}

impl<'de> Deserialize<'de> for Line<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(LineV)
    }
}
