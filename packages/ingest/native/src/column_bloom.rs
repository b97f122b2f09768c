//! block-codec.ts columnBloom and arrayKeys for native columns: which
//! keys a column's bloom holds and how many it is sized for. Sets follow
//! JavaScript's Set (SameValueZero: 0 and -0 one key, a string never a
//! number), since the bloom's size is its distinct keys' count.
use crate::bloom::{Bloom, BITS_PER_KEY, PROBES};
use crate::gather::Cell;
use crate::tokenize::tokenize;
use std::borrow::Cow;
use crate::fx_hash::FxHashSet as HashSet;

const T_STRING: u8 = 1;
const T_NUMBER: u8 = 2;
const PROBE: usize = 256;
const MAX_NUMBER_KEYS: usize = 256;
/// bloom.ts ARRAY_NUMBERS_KEY.
const ARRAY_NUMBERS_KEY: &str = "[n";

#[derive(PartialEq, Eq, Hash)]
enum Key<'e> {
    Str(Cow<'e, str>),
    /// SameValueZero: -0 as 0 (a JSON number is never NaN).
    Num(u64),
    Bool(bool),
}

fn num_key(n: f64) -> u64 {
    if n == 0.0 { 0 } else { n.to_bits() }
}

fn key_of<'e>(c: &Cell<'e>) -> Key<'e> {
    match c {
        Cell::Str(s) => Key::Str(Cow::Borrowed(s)),
        Cell::Num(n) => Key::Num(num_key(*n)),
        Cell::Bool(b) => Key::Bool(*b),
    }
}

fn add_key(b: &mut Bloom, k: &Key) {
    match k {
        Key::Str(s) => b.add_string(s),
        Key::Num(bits) => b.add_number(f64::from_bits(*bits)),
        Key::Bool(v) => b.add_bool(*v),
    }
}

/// array-values.ts arrayElements: the elements of a value that is an
/// array's JSON text (nested arrays flattened, nulls and objects not
/// elements), None for any other value.
fn array_elements(s: &str) -> Option<Vec<Key<'static>>> {
    if s.len() < 2 || !s.starts_with('[') || !s.ends_with(']') {
        return None;
    }
    let parsed: serde_json::Value = serde_json::from_str(s).ok()?;
    fn collect(v: &serde_json::Value, out: &mut Vec<Key<'static>>, depth: usize) {
        match v {
            serde_json::Value::Array(a) if depth <= 64 => a.iter().for_each(|x| collect(x, out, depth + 1)),
            serde_json::Value::String(x) => out.push(Key::Str(Cow::Owned(x.clone()))),
            serde_json::Value::Bool(x) => out.push(Key::Bool(*x)),
            serde_json::Value::Number(x) => match x.as_f64() {
                Some(f) if f.is_finite() => out.push(Key::Num(num_key(f))),
                _ => {}
            },
            _ => {}
        }
    }
    let mut out = Vec::new();
    if parsed.is_array() {
        collect(&parsed, &mut out, 0);
    }
    parsed.is_array().then_some(out)
}

/// arrayKeys over the distinct values: their elements, and whether one is a number.
fn array_keys<'a, 'e: 'a>(values: impl Iterator<Item = &'a Key<'e>>) -> Option<(Vec<Key<'static>>, bool)> {
    let mut out: Option<Vec<Key<'static>>> = None;
    let mut numbers = false;
    for v in values {
        let Key::Str(s) = v else { continue };
        let Some(elements) = array_elements(s) else { continue };
        numbers |= elements.iter().any(|e| matches!(e, Key::Num(_)));
        out.get_or_insert_with(Vec::new).extend(elements);
    }
    out.map(|o| (o, numbers))
}

/// mostlyDistinct: the first PROBE values all different (only from 2·PROBE values on).
fn mostly_distinct(values: &[Cell]) -> bool {
    if values.len() < PROBE * 2 {
        return false;
    }
    let seen: HashSet<Key> = values[..PROBE].iter().map(key_of).collect();
    seen.len() == PROBE
}

/// columnBloom for a column with no nulls (the native normalizer stores none).
pub fn column_bloom(values: &[Cell], is_text: bool, types: u8) -> Option<Vec<u8>> {
    let numbers_only = !is_text && types & !T_NUMBER == 0;
    if !is_text && mostly_distinct(values) {
        if numbers_only {
            return None;
        }
        // Every value hashed (repeats set the same bits), sized by the row count.
        let elements = if types & T_STRING != 0 {
            let distinct: HashSet<Key> = values.iter().map(key_of).collect();
            array_keys(distinct.iter())
        } else {
            None
        };
        let size = values.len() + elements.as_ref().map_or(0, |(e, _)| e.len() + 1);
        if size == 0 {
            return None;
        }
        let mut b = Bloom::new(size, BITS_PER_KEY, PROBES);
        values.iter().for_each(|v| add_key(&mut b, &key_of(v)));
        if let Some((e, numbers)) = elements {
            e.iter().for_each(|k| add_key(&mut b, k));
            if numbers {
                b.add_token(ARRAY_NUMBERS_KEY);
            }
        }
        return Some(b.bytes);
    }
    let mut distinct: HashSet<Key> = values.iter().map(key_of).collect();
    if numbers_only && distinct.len() > MAX_NUMBER_KEYS {
        return None;
    }
    let mut tokens: HashSet<Cow<str>> = HashSet::default();
    if !is_text && types & T_STRING != 0 {
        if let Some((e, numbers)) = array_keys(distinct.iter()) {
            distinct.extend(e);
            if numbers {
                tokens.insert(Cow::Borrowed(ARRAY_NUMBERS_KEY));
            }
        }
    }
    if is_text {
        distinct.retain(|k| {
            let Key::Str(s) = k else { return true };
            tokenize(s, |t| {
                if !tokens.contains(t) {
                    tokens.insert(Cow::Owned(t.to_owned()));
                }
            });
            false
        });
    }
    if distinct.len() + tokens.len() == 0 {
        return None;
    }
    let mut b = Bloom::new(distinct.len() + tokens.len(), BITS_PER_KEY, PROBES);
    distinct.iter().for_each(|k| add_key(&mut b, k));
    tokens.iter().for_each(|t| b.add_token(t));
    Some(b.bytes)
}

/// The content ids' bloom of event.id (block-codec.ts CONTENT_ID_BLOOM: 16 bits a key, 11 probes).
pub fn content_id_bloom<'a>(ids: impl ExactSizeIterator<Item = &'a str>) -> Vec<u8> {
    let mut b = Bloom::new(ids.len(), 16, 11);
    ids.for_each(|id| b.add_string(id));
    b.bytes
}
