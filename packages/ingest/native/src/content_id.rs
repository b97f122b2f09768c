//! contentId (normalize/content-id.ts) of an event given as its fields: the
//! same bytes hashed, so the same 22 characters.
use crate::shapes::FieldVal;
use base64::Engine;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::cmp::Ordering;

/// Code-unit order; UTF-8 byte order is the same unless a key holds a character past U+FFFF.
fn key_cmp(a: &str, b: &str) -> Ordering {
    if a.bytes().all(|c| c < 0xf0) && b.bytes().all(|c| c < 0xf0) {
        a.as_bytes().cmp(b.as_bytes())
    } else {
        a.encode_utf16().cmp(b.encode_utf16())
    }
}

fn decimal(mut n: usize, out: &mut Vec<u8>) {
    let mut d = [0u8; 20];
    let mut i = d.len();
    loop {
        i -= 1;
        d[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&d[i..]);
}

fn utf16_len(s: &str) -> usize {
    if s.is_ascii() {
        s.len()
    } else {
        s.chars().map(char::len_utf16).sum()
    }
}

/// What String(n) gives a number.
pub fn js_number(n: f64, out: &mut Vec<u8>) {
    if n == 0.0 {
        out.push(b'0');
        return;
    }
    let mut b = ryu_js::Buffer::new();
    out.extend_from_slice(b.format(n).as_bytes());
}

/// Fields in any order (never `event.id`), `time` for `@timestamp` (never receive-stamped here).
pub fn content_id(fields: &[(Cow<'_, str>, FieldVal<'_>)], time: f64, buf: &mut Vec<u8>) -> String {
    let mut keys: Vec<usize> = (0..fields.len()).collect();
    // By UTF-16 code units, as Array.prototype.sort: '@timestamp' sorts among them.
    if fields.iter().all(|(k, _)| k.bytes().all(|c| c < 0xf0)) {
        keys.sort_unstable_by(|&a, &b| fields[a].0.as_bytes().cmp(fields[b].0.as_bytes()));
    } else {
        keys.sort_unstable_by(|&a, &b| key_cmp(&fields[a].0, &fields[b].0));
    }
    buf.clear();
    let mut ts_done = false;
    let ts_key = "@timestamp";
    for &i in &keys {
        let (k, v) = (&fields[i].0, &fields[i].1);
        if !ts_done && key_cmp(ts_key, k) == Ordering::Less {
            timestamp_part(time, buf);
            ts_done = true;
        }
        decimal(utf16_len(k), buf);
        buf.push(b':');
        buf.extend_from_slice(k.as_bytes());
        match v {
            FieldVal::Str(s) => {
                buf.push(b's');
                decimal(utf16_len(s), buf);
                buf.push(b':');
                buf.extend_from_slice(s.as_bytes());
            }
            FieldVal::Num(n) => {
                buf.push(b'n');
                js_number(*n, buf);
                buf.push(b';');
            }
            FieldVal::Bool(b) => buf.push(if *b { b't' } else { b'f' }),
        }
    }
    if !ts_done {
        timestamp_part(time, buf);
    }
    let h = Sha256::digest(&buf[..]);
    let mut s = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(h);
    s.truncate(22);
    s
}

fn timestamp_part(time: f64, buf: &mut Vec<u8>) {
    buf.extend_from_slice(b"@t");
    js_number(time, buf);
    buf.push(b';');
}
