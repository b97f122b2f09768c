//! Spike (docs/BLOCK_STORE.md "A native ingest path: measured (spike)"):
//! one native NDJSON request body → the events normalizeLine would make of
//! its lines, for the two commonest shapes of the bench corpus
//! (python-json-logger without a traceback, nginx json_combined). Any other
//! line is answered "not handled" and is left to the JavaScript path, so
//! what is handled must be byte-for-byte what normalize-line.ts makes.
//!
//! Two ways back to JavaScript, to measure the crossing:
//! - `normalizeBody`: one Buffer (format below), nothing built per line;
//! - `normalizeBodyObjects`: an array of event objects (null where not handled).
use napi::bindgen_prelude::Buffer;
use napi::{Env, JsObject, JsUnknown, Result};
use napi_derive::napi;

mod block_extras;
mod block_prepare;
mod bloom;
mod column_bloom;
mod fx_hash;
mod tokenize;
mod unicode_tables;
mod byte_writer;
mod compress;
mod content_id;
mod gather;
mod number_values;
mod presence;
mod string_values;
mod template_strings;
mod line;
mod shapes;
mod times;

pub use shapes::Event;
use shapes::{normalize_line, FieldVal};

/// Non-blank lines of a body as split-lines.ts finds them (BOM, `\r\n`, blanks).
fn line_spans(body: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(body.len() / 200 + 1);
    let mut start = if body.starts_with(&[0xef, 0xbb, 0xbf]) { 3 } else { 0 };
    while start <= body.len() {
        let end = memchr(b'\n', &body[start..]).map_or(body.len(), |i| start + i);
        let mut stop = end;
        if stop > start && body[stop - 1] == b'\r' {
            stop -= 1;
        }
        if body[start..stop].iter().any(|&b| b != b' ' && b != b'\t' && b != b'\r') {
            out.push((start, stop));
        }
        start = end + 1;
    }
    out
}

fn memchr(b: u8, s: &[u8]) -> Option<usize> {
    s.iter().position(|&c| c == b)
}

fn parse(line: &[u8]) -> Option<line::Line<'_>> {
    serde_json::from_slice::<line::Line>(line).ok()
}

/// Buffer layout (little endian):
///   u32 lines; per line u8 handled;
///     0: u32 start, u32 end (bytes of the body: the JavaScript path's line)
///     1: f64 time ms, 22 bytes event.id, u16 n, n × (u16 key code, value)
///        value: u8 0 string (u32 bytes, UTF-8) | 1 number (f64) | 2 true | 3 false
///   then the key table: u32 keys, each u16 bytes + UTF-8.
/// Fields are in the event's key order, `@timestamp` and `event.id` left out
/// (the time and the id stand for them).
#[napi(js_name = "normalizeBody")]
pub fn normalize_body(body: Buffer, now: f64) -> Buffer {
    let body: &[u8] = &body;
    let spans = line_spans(body);
    let mut out: Vec<u8> = Vec::with_capacity(body.len());
    let mut keys: Vec<String> = Vec::new();
    let mut key_codes: std::collections::HashMap<String, u16> = std::collections::HashMap::new();
    out.extend_from_slice(&(spans.len() as u32).to_le_bytes());
    for &(s, e) in &spans {
        let ev = parse(&body[s..e]).and_then(|m| normalize_line(m, now));
        match ev {
            None => {
                out.push(0);
                out.extend_from_slice(&(s as u32).to_le_bytes());
                out.extend_from_slice(&(e as u32).to_le_bytes());
            }
            Some(ev) => {
                out.push(1);
                out.extend_from_slice(&ev.time.to_le_bytes());
                out.extend_from_slice(ev.id.as_bytes());
                out.extend_from_slice(&(ev.fields.len() as u16).to_le_bytes());
                for (k, v) in &ev.fields {
                    let code = match key_codes.get(k.as_ref()) {
                        Some(&c) => c,
                        None => {
                            let c = keys.len() as u16;
                            keys.push(k.to_string());
                            key_codes.insert(k.to_string(), c);
                            c
                        }
                    };
                    out.extend_from_slice(&code.to_le_bytes());
                    match v {
                        FieldVal::Str(t) => {
                            out.push(0);
                            out.extend_from_slice(&(t.len() as u32).to_le_bytes());
                            out.extend_from_slice(t.as_bytes());
                        }
                        FieldVal::Num(n) => {
                            out.push(1);
                            out.extend_from_slice(&n.to_le_bytes());
                        }
                        FieldVal::Bool(b) => out.push(if *b { 2 } else { 3 }),
                    }
                }
            }
        }
    }
    out.extend_from_slice(&(keys.len() as u32).to_le_bytes());
    for k in &keys {
        out.extend_from_slice(&(k.len() as u16).to_le_bytes());
        out.extend_from_slice(k.as_bytes());
    }
    out.into()
}

/// The same lines as event objects, key order as normalize-line.ts builds
/// them; null for a line left to the JavaScript path.
#[napi(js_name = "normalizeBodyObjects")]
pub fn normalize_body_objects(env: Env, body: Buffer, now: f64) -> Result<Vec<JsUnknown>> {
    let body: &[u8] = &body;
    let spans = line_spans(body);
    let mut out = Vec::with_capacity(spans.len());
    for &(s, e) in &spans {
        match parse(&body[s..e]).and_then(|m| normalize_line(m, now)) {
            None => out.push(env.get_null()?.into_unknown()),
            Some(ev) => {
                let mut o: JsObject = env.create_object()?;
                o.set_named_property("@timestamp", env.create_string(&times::iso_time(ev.time))?)?;
                o.set_named_property("event.id", env.create_string(&ev.id)?)?;
                for (k, v) in &ev.fields {
                    match v {
                        FieldVal::Str(t) => o.set_named_property(k, env.create_string(t.as_ref())?)?,
                        FieldVal::Num(n) => o.set_named_property(k, env.create_double(*n)?)?,
                        FieldVal::Bool(b) => o.set_named_property(k, env.get_boolean(*b)?)?,
                    }
                }
                out.push(o.into_unknown());
            }
        }
    }
    Ok(out)
}

/// Only the per-line work, nothing returned: what the crossing costs is the difference.
#[napi(js_name = "normalizeBodyCount")]
pub fn normalize_body_count(body: Buffer, now: f64) -> u32 {
    let body: &[u8] = &body;
    let mut n = 0;
    for (s, e) in line_spans(body) {
        if parse(&body[s..e]).and_then(|m| normalize_line(m, now)).is_some() {
            n += 1;
        }
    }
    n
}

/// Normalize, then prepare blocks, with no crossing between: the handled
/// lines' events as block-prepare.ts's columns (block_prepare.rs has the
/// layout, after u32 handled lines, u32 expired and u32 groups). compress:
/// brotli the columns too (the writer thread's compressBlock), to time it
/// apart. days: retention of the default tiers [default, errors, debug]
/// (block_prepare.rs Retention).
#[napi(js_name = "prepareBody")]
pub fn prepare_body(body: Buffer, now: f64, compress: bool, days: Vec<f64>) -> Buffer {
    let body: &[u8] = &body;
    let events: Vec<Event> = line_spans(body)
        .into_iter()
        .filter_map(|(s, e)| parse(&body[s..e]).and_then(|m| normalize_line(m, now)))
        .collect();
    let retention = block_prepare::Retention { default_days: days[0], errors_days: days[1], debug_days: days[2] };
    let (groups, expired) = block_prepare::group_events(&events, now, &retention);
    let mut out: Vec<u8> = Vec::with_capacity(body.len() / 2);
    out.extend_from_slice(&(events.len() as u32).to_le_bytes());
    out.extend_from_slice(&(expired as u32).to_le_bytes());
    out.extend_from_slice(&(groups.len() as u32).to_le_bytes());
    for (class, day, g) in &groups {
        block_prepare::prepare_group(&mut out, *class, *day, g, compress);
    }
    out.into()
}

/// compress.rs alone over given column bytes (the bench's like-for-like
/// with Node's brotliCompressSync); answers the compressed bytes' total.
#[napi(js_name = "compressColumns")]
pub fn compress_columns(columns: Vec<Buffer>) -> u32 {
    columns.iter().map(|c| compress::compress_column(c).1.len() as u32).sum()
}

/// tokenize.rs alone, for the bench's check against the query package's
/// tokenize over Unicode text the corpus does not hold.
#[napi(js_name = "tokenizeText")]
pub fn tokenize_text(text: String) -> Vec<String> {
    let mut out = Vec::new();
    tokenize::tokenize(&text, |t| out.push(t.to_owned()));
    out
}
