//! gather-columns.ts for native events: columns in the order the
//! TypeScript meets them (`@timestamp` and `event.id` first, then each new
//! key sequence's keys), each column's values and rows, and each row's
//! shape id (its key sequence, numbered as first seen).
use crate::shapes::{Event, FieldVal};
// FxHash, not SipHash: a block's keys, hashed a value each (fx_hash.rs).
use crate::fx_hash::FxHashMap as HashMap;

pub const MAX_SHAPES: usize = 255;

pub enum Cell<'e> {
    Str(&'e str),
    Num(f64),
    Bool(bool),
}

pub struct Column<'e> {
    pub name: &'e str,
    pub rows: Vec<u32>,
    pub values: Vec<Cell<'e>>,
}

pub struct Gathered<'e> {
    pub columns: Vec<Column<'e>>,
    pub row_shape: Vec<u8>,
    pub shapes: usize,
}

/// events: one group's, sorted; every id a content id, so event.id holds
/// no values (the block keeps none: block-codec.ts idColumn). Times are
/// given separately (the `@timestamp` column's values).
pub fn gather<'e>(events: &[&'e Event<'e>]) -> Gathered<'e> {
    let mut columns: Vec<Column<'e>> = vec![
        Column { name: "@timestamp", rows: Vec::new(), values: Vec::new() },
        Column { name: "event.id", rows: Vec::new(), values: Vec::new() },
    ];
    let mut by_name: HashMap<&'e str, usize> = HashMap::default();
    by_name.insert("@timestamp", 0);
    by_name.insert("event.id", 1);
    // A shape: its key sequence → (id, column of each key).
    let mut shapes: HashMap<Vec<&'e str>, (usize, Vec<usize>)> = HashMap::default();
    let mut row_shape = vec![0u8; events.len()];
    let mut seq: Vec<&'e str> = Vec::new();
    for (row, e) in events.iter().enumerate() {
        seq.clear();
        seq.extend(e.fields.iter().map(|(k, _)| k.as_ref()));
        let n = shapes.len();
        // Looked up first: a key sequence is copied only when new, not per row.
        if !shapes.contains_key(&seq) {
            let cols = seq
                .iter()
                .map(|&k| {
                    *by_name.entry(k).or_insert_with(|| {
                        columns.push(Column { name: k, rows: Vec::new(), values: Vec::new() });
                        columns.len() - 1
                    })
                })
                .collect();
            shapes.insert(seq.clone(), (n, cols));
        }
        let (id, cols) = &shapes[&seq];
        if *id < MAX_SHAPES {
            row_shape[row] = *id as u8;
        }
        for ((_, v), &c) in e.fields.iter().zip(cols.iter()) {
            let col = &mut columns[c];
            col.rows.push(row as u32);
            col.values.push(match v {
                FieldVal::Str(s) => Cell::Str(s.as_ref()),
                FieldVal::Num(x) => Cell::Num(*x),
                FieldVal::Bool(b) => Cell::Bool(*b),
            });
        }
    }
    Gathered { columns, row_shape, shapes: shapes.len() }
}
