//! block-prepare.ts's receiving-thread half for native events: grouped by
//! UTC day (one retention class: the spike prepares for the default
//! policy only), in-batch duplicates dropped, sorted by (ts, event.id),
//! each column's raw bytes (presence, then values) as encodeBlock writes
//! them with `compression: 'none'`. Not ported: metas (min/max, blooms),
//! the shape ids' column, content-id tags and blooms, rollup codes.
use crate::compress::{compress_column, ENC_RAW};
use crate::gather::{gather, Cell, Column, MAX_SHAPES};
use crate::number_values::write_numbers;
use crate::presence::write_presence;
use crate::shapes::Event;
use crate::string_values::write_strings;
use std::collections::{HashMap, HashSet};

const T_STRING: u8 = 1;
const T_NUMBER: u8 = 2;
const T_BOOLEAN: u8 = 4;
const ENC_CONST: u8 = 0;
const DAY_MS: f64 = 86_400_000.0;

/// Per UTC day (in first-seen order), the events sorted as block-prepare.ts sorts them.
pub fn group_events<'e>(events: &'e [Event<'e>]) -> Vec<(i64, Vec<&'e Event<'e>>)> {
    let mut seen: HashSet<(u64, &str)> = HashSet::with_capacity(events.len());
    let mut days: HashMap<i64, usize> = HashMap::new();
    let mut groups: Vec<(i64, Vec<&'e Event<'e>>)> = Vec::new();
    for e in events {
        if !seen.insert((e.time.to_bits(), e.id.as_str())) {
            continue;
        }
        let day = (e.time / DAY_MS).floor() as i64;
        let g = *days.entry(day).or_insert_with(|| {
            groups.push((day, Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(e);
    }
    for (_, g) in &mut groups {
        // Ids are base64url: byte order is Buffer.compare's order.
        g.sort_by(|a, b| a.time.partial_cmp(&b.time).unwrap().then_with(|| a.id.as_bytes().cmp(b.id.as_bytes())));
    }
    groups
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

/// One column's raw bytes, or None when encodeBlock keeps it in its meta only (one value in every row).
fn encode_column(col: &Column, count: usize, row_shape: &[u8], with_shapes: bool) -> Option<Vec<u8>> {
    let present = col.values.len();
    let mut types = 0u8;
    let first = &col.values[0];
    let mut all_same = present == count;
    for v in &col.values {
        types |= type_bit(v);
        if all_same && !same(v, first) {
            all_same = false;
        }
    }
    if all_same {
        return None;
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
    Some(out)
}

/// Appends one group's columns: u32 day, u32 rows, u32 columns; per
/// column u16 name bytes + name, u8 encoding (column-compression.ts: 0
/// constant, no data; 1 raw; 2 brotli), u32 bytes + data. compress: as
/// compressBlock on the writer thread, else left raw as the receiving thread leaves it.
pub fn prepare_group(out: &mut Vec<u8>, day: i64, events: &[&Event], compress: bool) {
    let count = events.len();
    let mut g = gather(events);
    g.columns[0].rows = (0..count as u32).collect();
    g.columns[0].values = events.iter().map(|e| Cell::Num(e.time)).collect();
    let with_shapes = g.shapes > 1 && g.shapes <= MAX_SHAPES;
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
        let data = if col.values.is_empty() { None } else { encode_column(col, count, &g.row_shape, with_shapes) };
        let (encoding, data) = match data {
            None => (ENC_CONST, Vec::new()),
            Some(raw) if compress => compress_column(&raw),
            Some(raw) => (ENC_RAW, raw),
        };
        out.push(encoding);
        out.extend_from_slice(&(data.len() as u32).to_le_bytes());
        out.extend_from_slice(&data);
    }
    out[at..at + 4].copy_from_slice(&n.to_le_bytes());
}

