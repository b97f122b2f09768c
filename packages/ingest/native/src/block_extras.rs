//! What block-prepare.ts sends beside a block's columns, for native
//! events: the rows' shape ids (block-shape.ts shapeFromIds, raw), the
//! content-id tags (content-id.ts contentIdTag) and the rollup codes
//! (block-rollup.ts rollupCodes). nonFiniteFields needs nothing: a JSON
//! number is never infinite.
use crate::gather::{Cell, Gathered};
use crate::shapes::Event;
use crate::fx_hash::FxHashMap as HashMap;

/// sqlite/rollup.ts ROLLUP_FIELDS (PROMOTED_COLUMNS' keys but message).
const ROLLUP_FIELDS: [&str; 10] = ["level", "logger", "host", "source", "job", "unit", "status", "duration_ms", "path", "user_id"];

fn base64url_value(c: u8) -> u32 {
    match c {
        b'A'..=b'Z' => (c - b'A') as u32,
        b'a'..=b'z' => (c - b'a') as u32 + 26,
        b'0'..=b'9' => (c - b'0') as u32 + 52,
        b'-' => 62,
        b'_' => 63,
        _ => (c as u32) & 63,
    }
}

/// contentIdTag: the content id's first byte, from its first two base64url characters.
fn content_id_tag(id: &str) -> u8 {
    let b = id.as_bytes();
    (((base64url_value(b[0]) << 2) | (base64url_value(b[1]) >> 4)) & 0xff) as u8
}

fn blob(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

/// Appends u8 shape flag [+ u32 + shape ids], u32 + tags, then per
/// ROLLUP_FIELDS u32 keys, each u16 + key, and i32 a row (-1: none).
/// shaped: encodeBlock attached the shape to some column (one missing from some rows).
pub fn write_extras(out: &mut Vec<u8>, g: &Gathered, events: &[&Event], shaped: bool) {
    out.push(shaped as u8);
    if shaped {
        blob(out, &g.row_shape);
    }
    let tags: Vec<u8> = events.iter().map(|e| content_id_tag(&e.id)).collect();
    blob(out, &tags);
    let count = events.len();
    let mut key = ryu_js::Buffer::new();
    for field in ROLLUP_FIELDS {
        let mut codes = vec![-1i32; count];
        // Keys in first-seen order; numbers by value so each is formatted once (500 and "500" share a key).
        let mut seen: HashMap<String, i32> = HashMap::default();
        let mut numbers: HashMap<u64, i32> = HashMap::default();
        let mut list: Vec<String> = Vec::new();
        fn code_of(k: &str, seen: &mut HashMap<String, i32>, list: &mut Vec<String>) -> i32 {
            if let Some(&c) = seen.get(k) {
                return c;
            }
            let c = list.len() as i32;
            seen.insert(k.to_owned(), c);
            list.push(k.to_owned());
            c
        }
        if let Some(col) = g.columns.iter().find(|c| c.name == field) {
            for (j, v) in col.values.iter().enumerate() {
                let r = col.rows[j] as usize;
                codes[r] = match v {
                    Cell::Num(n) => {
                        let bits = if *n == 0.0 { 0 } else { n.to_bits() };
                        match numbers.get(&bits) {
                            Some(&c) => c,
                            None => {
                                let c = code_of(key.format(*n), &mut seen, &mut list);
                                numbers.insert(bits, c);
                                c
                            }
                        }
                    }
                    Cell::Str(s) => code_of(s, &mut seen, &mut list),
                    Cell::Bool(b) => code_of(if *b { "true" } else { "false" }, &mut seen, &mut list),
                };
            }
        }
        out.extend_from_slice(&(list.len() as u32).to_le_bytes());
        for k in &list {
            out.extend_from_slice(&(k.len() as u16).to_le_bytes());
            out.extend_from_slice(k.as_bytes());
        }
        for c in codes {
            out.extend_from_slice(&c.to_le_bytes());
        }
    }
}
