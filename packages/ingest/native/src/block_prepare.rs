//! block-prepare.ts's receiving-thread half for native events: grouped by
//! UTC day (one retention class: the spike prepares for the default
//! policy only), in-batch duplicates dropped, sorted by (ts, event.id),
//! each column's raw bytes (presence, then values) as encodeBlock writes
//! them with `compression: 'none'`, and each column's meta: types,
//! present count, min/max, its bloom, event.id's content ids' bloom. Not
//! ported: the shape ids' column, content-id tags, rollup codes.
use crate::block_extras::write_extras;
use crate::column_bloom::{column_bloom, content_id_bloom};
use crate::compress::{compress_column, ENC_RAW};
use crate::gather::{gather, Cell, Column, MAX_SHAPES};
use crate::number_values::write_numbers;
use crate::presence::write_presence;
use crate::shapes::{Event, FieldVal};
use crate::string_values::write_strings;
use crate::fx_hash::{FxBuild, FxHashMap as HashMap, FxHashSet as HashSet};

const T_STRING: u8 = 1;
const T_NUMBER: u8 = 2;
const T_BOOLEAN: u8 = 4;
const ENC_CONST: u8 = 0;
const DAY_MS: f64 = 86_400_000.0;

/// The query package's DEFAULT_TEXT_FIELDS (fields.ts): their blooms hold
/// tokens. The spike prepares for the default list only.
const TEXT_FIELDS: [&str; 23] = [
    "message", "exc_info", "stack_info", "exception", "err.message", "err.stack", "error.message", "error.stack_trace", "error.type", "text",
    "exception.type", "exception.message", "exception.stacktrace", "stack_trace", "stacktrace", "error", "stack", "@x", "full_message",
    "throwable.className", "throwable.message", "thrown.name", "thrown.message",
];

/// What ColumnMeta says beside the encoding (column-metas.ts).
struct Meta {
    types: u8,
    present: usize,
    bounds: Option<(f64, f64)>,
    bloom: Option<Vec<u8>>,
    content_id_bloom: Option<Vec<u8>>,
}

impl Meta {
    /// u8 types, u32 present, u8 flags (1 bounds, 4 bloom, 16 content ids' bloom), then each that is set.
    fn write(&self, out: &mut Vec<u8>) {
        out.push(self.types);
        out.extend_from_slice(&(self.present as u32).to_le_bytes());
        let flags = self.bounds.map_or(0, |_| 1) | self.bloom.as_ref().map_or(0, |_| 4) | self.content_id_bloom.as_ref().map_or(0, |_| 16);
        out.push(flags);
        if let Some((min, max)) = self.bounds {
            out.extend_from_slice(&min.to_le_bytes());
            out.extend_from_slice(&max.to_le_bytes());
        }
        for b in [&self.bloom, &self.content_id_bloom].into_iter().flatten() {
            out.extend_from_slice(&(b.len() as u32).to_le_bytes());
            out.extend_from_slice(b);
        }
    }
}

/// Retention (retention-config.ts): the default tiers only, whose
/// classes' queries are `level:(error OR critical OR alert OR emergency)`
/// and `level:(debug OR trace)`: a class is the first whose levels hold
/// the event's `level` string (the matcher's level_in), else `default`.
/// Other class queries would need the query matcher: not ported.
pub struct Retention {
    pub default_days: f64,
    pub errors_days: f64,
    pub debug_days: f64,
}

/// Class numbers as prepare_group writes them: 0 errors, 1 debug, 2 default.

fn classify(e: &Event) -> usize {
    let level = e.fields.iter().find_map(|(k, v)| match (k.as_ref(), v) {
        ("level", FieldVal::Str(s)) => Some(s.as_ref()),
        _ => None,
    });
    match level {
        Some("error" | "critical" | "alert" | "emergency") => 0,
        Some("debug" | "trace") => 1,
        _ => 2,
    }
}

/// Per (class, UTC day) in first-seen order, as group-batch.ts: expired
/// events dropped (before duplicates are looked for), then in-batch
/// duplicates; each group sorted as block-prepare.ts sorts it. Answers
/// the groups and the expired count.
pub fn group_events<'e>(events: &'e [Event<'e>], now: f64, retention: &Retention) -> (Vec<(usize, i64, Vec<&'e Event<'e>>)>, usize) {
    let mut seen: HashSet<(u64, &str)> = HashSet::with_capacity_and_hasher(events.len(), FxBuild::default());
    let mut keys: HashMap<(usize, i64), usize> = HashMap::default();
    let mut groups: Vec<(usize, i64, Vec<&'e Event<'e>>)> = Vec::new();
    let days = [retention.errors_days, retention.debug_days, retention.default_days];
    let mut expired = 0;
    for e in events {
        let class = classify(e);
        if e.time < now - days[class] * DAY_MS {
            expired += 1;
            continue;
        }
        if !seen.insert((e.time.to_bits(), e.id.as_str())) {
            continue;
        }
        let day = (e.time / DAY_MS).floor() as i64;
        let g = *keys.entry((class, day)).or_insert_with(|| {
            groups.push((class, day, Vec::new()));
            groups.len() - 1
        });
        groups[g].2.push(e);
    }
    for (_, _, g) in &mut groups {
        // Ids are base64url: byte order is Buffer.compare's order.
        g.sort_by(|a, b| a.time.partial_cmp(&b.time).unwrap().then_with(|| a.id.as_bytes().cmp(b.id.as_bytes())));
    }
    (groups, expired)
}

fn type_bit(c: &Cell) -> u8 {
    match c {
        Cell::Str(_) => T_STRING,
        Cell::Num(_) => T_NUMBER,
        Cell::Bool(_) => T_BOOLEAN,
    }
}

/// Object.is.
fn same(a: &Cell, b: &Cell) -> bool {
    match (a, b) {
        (Cell::Str(x), Cell::Str(y)) => x == y,
        (Cell::Num(x), Cell::Num(y)) => x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()),
        (Cell::Bool(x), Cell::Bool(y)) => x == y,
        _ => false,
    }
}

/// One column's meta and raw bytes, the bytes None when encodeBlock keeps
/// it in its meta only (one value in every row). is_text: None for
/// @timestamp (no bloom), else whether its bloom holds tokens.
fn encode_column(col: &Column, count: usize, row_shape: &[u8], with_shapes: bool, is_text: Option<bool>) -> (Meta, Option<Vec<u8>>) {
    let present = col.values.len();
    let mut types = 0u8;
    let first = &col.values[0];
    let mut all_same = present == count;
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    for v in &col.values {
        types |= type_bit(v);
        if let Cell::Num(n) = v {
            // As `v < min` in JavaScript: -0 after 0 leaves 0.
            if n.is_finite() {
                if *n < min {
                    min = *n;
                }
                if *n > max {
                    max = *n;
                }
            }
        }
        if all_same && !same(v, first) {
            all_same = false;
        }
    }
    let mut meta = Meta { types, present, bounds: (min <= max).then_some((min, max)), bloom: None, content_id_bloom: None };
    if all_same {
        return (meta, None);
    }
    if let Some(text) = is_text {
        meta.bloom = column_bloom(&col.values, text, types);
    }
    let mut out = Vec::with_capacity(64 + present * 4);
    let rows = (present < count).then_some(col.rows.as_slice());
    let shapes = match rows {
        Some(rows) if with_shapes => {
            let mut seen = [false; 256];
            for &r in rows {
                seen[row_shape[r as usize] as usize] = true;
            }
            Some((0..=255u8).filter(|&s| seen[s as usize]).collect::<Vec<u8>>())
        }
        _ => None,
    };
    write_presence(&mut out, rows, count, shapes.as_deref());
    let single = types.count_ones() == 1;
    if !single {
        out.extend(col.values.iter().map(type_bit));
    }
    if types & T_STRING != 0 {
        let s: Vec<&str> = col.values.iter().filter_map(|v| if let Cell::Str(s) = v { Some(*s) } else { None }).collect();
        write_strings(&mut out, &s);
    }
    if types & T_NUMBER != 0 {
        let n: Vec<f64> = col.values.iter().filter_map(|v| if let Cell::Num(n) = v { Some(*n) } else { None }).collect();
        write_numbers(&mut out, &n);
    }
    if types & T_BOOLEAN != 0 {
        let b: Vec<bool> = col.values.iter().filter_map(|v| if let Cell::Bool(b) = v { Some(*b) } else { None }).collect();
        let at = out.len();
        out.resize(at + b.len().div_ceil(8), 0);
        for (i, &x) in b.iter().enumerate() {
            if x {
                out[at + (i >> 3)] |= 1 << (i & 7);
            }
        }
    }
    (meta, Some(out))
}

/// Appends one group's columns: u8 class (0 errors, 1 debug, 2 default), u32 day, u32 rows, u32 columns; per
/// column u16 name bytes + name, u8 encoding (column-compression.ts: 0
/// constant, no data; 1 raw; 2 brotli), u32 bytes + data, its meta
/// (Meta::write); then block_extras.rs write_extras. compress: as
/// compressBlock on the writer thread, else left raw as the receiving thread leaves it.
pub fn prepare_group(out: &mut Vec<u8>, class: usize, day: i64, events: &[&Event], compress: bool) {
    let count = events.len();
    let mut g = gather(events);
    g.columns[0].rows = (0..count as u32).collect();
    g.columns[0].values = events.iter().map(|e| Cell::Num(e.time)).collect();
    let with_shapes = g.shapes > 1 && g.shapes <= MAX_SHAPES;
    out.push(class as u8);
    out.extend_from_slice(&(day as u32).to_le_bytes());
    out.extend_from_slice(&(count as u32).to_le_bytes());
    let at = out.len();
    out.extend_from_slice(&0u32.to_le_bytes());
    let mut n = 0u32;
    for col in &g.columns {
        // event.id: every row a content id, none stored (idColumn: present 0, no data).
        if col.values.is_empty() && col.name != "event.id" {
            continue;
        }
        n += 1;
        out.extend_from_slice(&(col.name.len() as u16).to_le_bytes());
        out.extend_from_slice(col.name.as_bytes());
        let (meta, data) = if col.values.is_empty() {
            // idColumn: no stored id, every row's content id in one bloom.
            let ids = content_id_bloom(events.iter().map(|e| e.id.as_str()));
            (Meta { types: T_STRING, present: 0, bounds: None, bloom: None, content_id_bloom: Some(ids) }, None)
        } else {
            let is_text = (col.name != "@timestamp").then(|| TEXT_FIELDS.contains(&col.name));
            encode_column(col, count, &g.row_shape, with_shapes, is_text)
        };
        let (encoding, data) = match data {
            None => (ENC_CONST, Vec::new()),
            Some(raw) if compress => compress_column(&raw),
            Some(raw) => (ENC_RAW, raw),
        };
        out.push(encoding);
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&data);
        meta.write(out);
    }
    out[at..at + 4].copy_from_slice(&n.to_le_bytes());
    // encodeBlock gives the shape to the columns missing from some rows: none, no shape.
    let shaped = with_shapes && g.columns.iter().any(|c| !c.values.is_empty() && c.values.len() < count);
    write_extras(out, &g, events, shaped);
}

