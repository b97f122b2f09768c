//! string-values.ts writeStrings: a dictionary when values repeat, else
//! templates (template_strings.rs), else plain; lengths in UTF-16 units as
//! JavaScript counts them. Native strings are valid UTF-8 (serde refuses
//! lone surrogates), so encodeString's bytes are the UTF-8 bytes.
use crate::byte_writer::{utf16_len, uvarint};
use crate::template_strings::{template_strings, write_templated};
// FxHash, not SipHash: a block's keys, hashed a value each (fx_hash.rs).
use crate::fx_hash::FxHashMap as HashMap;

const PLAIN: u8 = 0;
const DICT: u8 = 1;
const TEMPLATE: u8 = 2;
const MAX_DICT: usize = 65536;
const PROBE: usize = 256;

pub fn write_strings(out: &mut Vec<u8>, values: &[&str]) {
    let limit = MAX_DICT.min(values.len() >> 1);
    let mut dict: HashMap<&str, u32> = HashMap::default();
    let mut keys: Vec<&str> = Vec::new();
    let mut idx: Option<Vec<u32>> = Some(Vec::with_capacity(values.len()));
    for (i, &v) in values.iter().enumerate() {
        let d = match dict.get(v) {
            Some(&d) => d,
            None => {
                if dict.len() >= limit {
                    idx = None;
                    break;
                }
                let d = dict.len() as u32;
                dict.insert(v, d);
                keys.push(v);
                d
            }
        };
        idx.as_mut().unwrap().push(d);
        if i == PROBE && dict.len() * 4 > PROBE * 3 {
            idx = None;
            break;
        }
    }
    let Some(idx) = idx else {
        if let Some(t) = template_strings(values) {
            out.push(TEMPLATE);
            write_templated(out, &t);
            return;
        }
        out.push(PLAIN);
        write_plain(out, values.iter().copied());
        return;
    };
    out.push(DICT);
    uvarint(out, dict.len() as u64);
    write_plain(out, keys.iter().copied());
    if dict.len() <= 256 {
        out.extend(idx.iter().map(|&d| d as u8));
    } else {
        for d in idx {
            uvarint(out, d as u64);
        }
    }
}

pub fn write_plain<'a>(out: &mut Vec<u8>, values: impl Iterator<Item = &'a str> + Clone) {
    let mut total = 0u64;
    for v in values.clone() {
        uvarint(out, utf16_len(v));
        total += v.len() as u64;
    }
    uvarint(out, total);
    for v in values {
        out.extend_from_slice(v.as_bytes());
    }
}
