//! The two shapes handled natively, mapped as normalize-line.ts and the
//! format mappers do (python-json-logger-format.ts, nginx-format.ts). A line
//! of any other shape, or with anything the mappers would treat otherwise
//! (a value of another type, a time not written as these write it, a
//! traceback, a value past the size cap), is None: the JavaScript path's.
use crate::content_id::{content_id, js_number};
use crate::times::{asctime_utc, nginx_local};
use crate::line::{Line, Val};
use std::borrow::Cow;

pub enum FieldVal<'a> {
    Str(Cow<'a, str>),
    Num(f64),
    Bool(bool),
}

pub struct Event<'a> {
    pub time: f64,
    pub id: String,
    /// The event's keys in its order, without `@timestamp` and `event.id`.
    pub fields: Vec<(Cow<'a, str>, FieldVal<'a>)>,
}

const MAX_VALUE_BYTES: usize = 65_536;
const MAX_FUTURE_MS: f64 = 86_400_000.0;
/// 10000-01-01: isoTime's fast range, past it toISOString's six-digit years.
const FAST_END: f64 = 253_402_300_800_000.0;

const PYTHON_KEYS: [&str; 10] = ["asctime", "levelname", "name", "message", "user_id", "request_id", "status_code", "duration_ms", "sql", "path"];
const NGINX_KEYS: [&str; 9] = ["time_local", "remote_addr", "remote_user", "request", "status", "body_bytes_sent", "request_time", "http_referrer", "http_user_agent"];
const NGINX_NUMERIC: [&str; 3] = ["status", "body_bytes_sent", "request_time"];

fn scalar(v: Val<'_>) -> Option<FieldVal<'_>> {
    match v {
        Val::Str(s) if s.len() <= MAX_VALUE_BYTES => Some(FieldVal::Str(s)),
        Val::Num(n) if n.is_finite() => Some(FieldVal::Num(n)),
        Val::Bool(b) => Some(FieldVal::Bool(b)),
        _ => None,
    }
}

thread_local! {
    static CONTENT: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

fn finish<'a>(time: f64, now: f64, fields: Vec<(Cow<'a, str>, FieldVal<'a>)>) -> Option<Event<'a>> {
    if !(time >= 0.0 && time < FAST_END) || time > now + MAX_FUTURE_MS {
        return None;
    }
    let id = CONTENT.with(|b| {
        content_id(&fields, time, &mut b.borrow_mut())
    });
    Some(Event { time, id, fields })
}

pub fn normalize_line(m: Line<'_>, now: f64) -> Option<Event<'_>> {
    let has = |k: &str| m.0.iter().any(|(e, _)| e == k);
    if has("levelname") {
        python(m, now)
    } else if has("request") && has("time_local") {
        nginx(m, now)
    } else {
        None
    }
}

fn python(m: Line<'_>, now: f64) -> Option<Event<'_>> {
    let mut time = None;
    let mut level = None;
    let mut logger = None;
    let mut message = None;
    let mut rest = Vec::with_capacity(m.0.len());
    for (k, v) in m.0 {
        if !PYTHON_KEYS.contains(&k.as_ref()) {
            return None;
        }
        let v = scalar(v)?;
        match (k.as_ref(), v) {
            ("asctime", FieldVal::Str(s)) => time = Some(asctime_utc(&s)?),
            ("levelname", FieldVal::Str(s)) => {
                level = Some(match s.as_ref() {
                    "DEBUG" => "debug",
                    "INFO" => "info",
                    "WARNING" => "warning",
                    "ERROR" => "error",
                    "CRITICAL" => "critical",
                    _ => return None,
                })
            }
            ("name", FieldVal::Str(s)) => logger = Some(s),
            ("message", FieldVal::Str(s)) => message = Some(s),
            ("asctime" | "levelname" | "name" | "message", _) => return None,
            (_, v) => rest.push((k, v)),
        }
    }
    let mut fields = Vec::with_capacity(rest.len() + 3);
    fields.push((Cow::Borrowed("level"), FieldVal::Str(Cow::Borrowed(level?))));
    fields.push((Cow::Borrowed("message"), FieldVal::Str(message?)));
    fields.push((Cow::Borrowed("logger"), FieldVal::Str(logger?)));
    fields.extend(rest);
    finish(time?, now, fields)
}

/// toNumber (format-mapper.ts): `-?\d+(\.\d+)?` after trimming, ASCII only here.
fn to_number(s: &str) -> Option<f64> {
    if !s.is_ascii() {
        return None;
    }
    let t = s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'));
    let b = t.strip_prefix('-').unwrap_or(t).as_bytes();
    let int = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if int == 0 {
        return None;
    }
    if int != b.len() && (b[int] != b'.' || b.len() == int + 1 || !b[int + 1..].iter().all(u8::is_ascii_digit)) {
        return None;
    }
    t.parse::<f64>().ok()
}

/// JavaScript's \s (WhiteSpace and LineTerminator).
fn js_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\x0b' | '\x0c' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}')
}

/// `^([A-Z]+) (\S+)(?: (\S+))?$` → method, target, protocol.
fn split_request(r: &str) -> Option<(&str, &str, Option<&str>)> {
    let m = r.bytes().take_while(u8::is_ascii_uppercase).count();
    if m == 0 || r.as_bytes().get(m) != Some(&b' ') {
        return None;
    }
    let rest = &r[m + 1..];
    let t = rest.find(js_space).unwrap_or(rest.len());
    if t == 0 {
        return None;
    }
    let (target, tail) = rest.split_at(t);
    if tail.is_empty() {
        return Some((&r[..m], target, None));
    }
    let p = tail.strip_prefix(' ')?;
    if p.is_empty() || p.contains(js_space) {
        return None;
    }
    Some((&r[..m], target, Some(p)))
}

/// Math.round: to nearest, ties toward +∞.
fn js_round(x: f64) -> f64 {
    let f = x.floor();
    if x - f >= 0.5 {
        f + 1.0
    } else {
        f
    }
}

fn nginx(m: Line<'_>, now: f64) -> Option<Event<'_>> {
    let mut time = None;
    let mut request = None;
    let mut status = None;
    let mut request_time = None;
    let mut rest: Vec<(Cow<'_, str>, FieldVal<'_>)> = Vec::with_capacity(m.0.len() + 6);
    for (k, v) in m.0 {
        if !NGINX_KEYS.contains(&k.as_ref()) {
            return None;
        }
        let s = match v {
            Val::Str(s) if s.len() <= MAX_VALUE_BYTES => s,
            _ => return None,
        };
        if k == "time_local" {
            time = Some(nginx_local(&s)?);
            continue;
        }
        if k == "request" {
            request = Some(s.clone().into_owned());
        }
        let v = match NGINX_NUMERIC.contains(&k.as_ref()).then(|| to_number(&s)).flatten() {
            Some(n) => {
                if k == "status" {
                    status = Some(n);
                } else if k == "request_time" {
                    request_time = Some(n);
                }
                FieldVal::Num(n)
            }
            None => FieldVal::Str(s),
        };
        rest.push((k, v));
    }
    let request = request?;
    let status = status?;
    if let Some((method, target, protocol)) = split_request(&request) {
        rest.push((Cow::Borrowed("method"), FieldVal::Str(Cow::Owned(method.into()))));
        match target.find('?') {
            None => rest.push((Cow::Borrowed("path"), FieldVal::Str(Cow::Owned(target.into())))),
            Some(q) => {
                rest.push((Cow::Borrowed("path"), FieldVal::Str(Cow::Owned(target[..q].into()))));
                rest.push((Cow::Borrowed("query"), FieldVal::Str(Cow::Owned(target[q + 1..].into()))));
            }
        }
        if let Some(p) = protocol {
            rest.push((Cow::Borrowed("protocol"), FieldVal::Str(Cow::Owned(p.into()))));
        }
    }
    if let Some(rt) = request_time {
        rest.push((Cow::Borrowed("duration_ms"), FieldVal::Num(js_round(rt * 1e6) / 1e3)));
    }
    rest.push((Cow::Borrowed("event.dataset"), FieldVal::Str(Cow::Borrowed("nginx.access"))));
    let level = if status >= 500.0 {
        "error"
    } else if status >= 400.0 {
        "warning"
    } else {
        "info"
    };
    let mut msg = Vec::with_capacity(request.len() + 4);
    msg.extend_from_slice(request.as_bytes());
    msg.push(b' ');
    js_number(status, &mut msg);
    let mut fields = Vec::with_capacity(rest.len() + 2);
    fields.push((Cow::Borrowed("level"), FieldVal::Str(Cow::Borrowed(level))));
    fields.push((Cow::Borrowed("message"), FieldVal::Str(Cow::Owned(String::from_utf8(msg).ok()?))));
    fields.extend(rest);
    finish(time?, now, fields)
}
