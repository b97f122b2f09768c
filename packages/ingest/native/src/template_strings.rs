//! template-strings.ts: numbers and hex runs cut out of strings, a
//! dictionary of what is left and an integer stream per hole. It looks at
//! ASCII word characters only, so working on UTF-8 bytes cuts at the same
//! places as the TypeScript's UTF-16 units.
use crate::byte_writer::uvarint;
use crate::number_values::{write_ints, MAX_INT};
use crate::string_values::write_plain;
// FxHash, not SipHash: a block's keys, hashed a value each (fx_hash.rs).
use crate::fx_hash::FxHashMap as HashMap;

const DEC: u8 = 1;
const HEX: u8 = 2;
const PROBE: usize = 64;

pub struct Templated {
    templates: Vec<String>,
    index: Vec<u32>,
    streams: Vec<Vec<i64>>,
}

pub fn template_strings(values: &[&str]) -> Option<Templated> {
    let mut dict: HashMap<String, u32> = HashMap::default();
    let mut templates = Vec::new();
    let mut index = Vec::with_capacity(values.len());
    let mut streams: Vec<Vec<i64>> = Vec::new();
    let limit = values.len() >> 3;
    for (i, s) in values.iter().enumerate() {
        let t = template_of(s.as_bytes(), &mut streams)?;
        let d = match dict.get(&t) {
            Some(&d) => d,
            None => {
                let d = dict.len();
                if d >= limit || (i >= PROBE && d * 4 > i * 3) {
                    return None;
                }
                dict.insert(t.clone(), d as u32);
                templates.push(t);
                d as u32
            }
        };
        index.push(d);
    }
    Some(Templated { templates, index, streams })
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

fn push(streams: &mut Vec<Vec<i64>>, slot: usize, v: i64) {
    if streams.len() <= slot {
        streams.resize_with(slot + 1, Vec::new);
    }
    streams[slot].push(v);
}

fn template_of(s: &[u8], streams: &mut Vec<Vec<i64>>) -> Option<String> {
    let mut t: Vec<u8> = Vec::new();
    let (mut at, mut slot, mut i) = (0usize, 0usize, 0usize);
    let n = s.len();
    while i < n {
        let c = s[i];
        if c == 1 || c == 2 {
            return None;
        }
        if !is_word(c) {
            i += 1;
            continue;
        }
        let start = i;
        let (mut digits, mut hex_only, mut hex_letter) = (0, true, false);
        while i < n && is_word(s[i]) {
            let w = s[i];
            if w.is_ascii_digit() {
                digits += 1;
            } else if (b'a'..=b'f').contains(&w) {
                hex_letter = true;
            } else {
                hex_only = false;
            }
            i += 1;
        }
        if digits == 0 {
            continue;
        }
        if hex_only && hex_letter && i - start <= 13 && s[start] != b'0' {
            let mut v = 0f64;
            for &h in &s[start..i] {
                v = v * 16.0 + if h <= b'9' { (h - b'0') as f64 } else { (h - 87) as f64 };
            }
            if v <= MAX_INT {
                t.extend_from_slice(&s[at..start]);
                t.push(HEX);
                at = i;
                push(streams, slot, v as i64);
                slot += 1;
                continue;
            }
        }
        let mut j = start;
        while j < i {
            if !s[j].is_ascii_digit() {
                j += 1;
                continue;
            }
            let run = j;
            while j < i && s[j].is_ascii_digit() {
                j += 1;
            }
            let len = j - run;
            if len > 15 || (len > 1 && s[run] == b'0') {
                continue;
            }
            t.extend_from_slice(&s[at..run]);
            t.push(DEC);
            at = j;
            let v = s[run..j].iter().fold(0i64, |v, &d| v * 10 + (d - b'0') as i64);
            push(streams, slot, v);
            slot += 1;
        }
    }
    if slot > 0 {
        t.extend_from_slice(&s[at..]);
    } else {
        t = s.to_vec();
    }
    // Cut at ASCII bytes only: still valid UTF-8.
    Some(String::from_utf8(t).expect("cut at ASCII"))
}

pub fn write_templated(out: &mut Vec<u8>, t: &Templated) {
    uvarint(out, t.templates.len() as u64);
    write_plain(out, t.templates.iter().map(|s| s.as_str()));
    if t.templates.len() <= 256 {
        out.extend(t.index.iter().map(|&d| d as u8));
    } else {
        for &d in &t.index {
            uvarint(out, d as u64);
        }
    }
    uvarint(out, t.streams.len() as u64);
    for s in &t.streams {
        write_ints(out, s);
    }
}
