//! presence.ts writePresence: which rows hold a column (all, by shape ids,
//! sparse gaps or a bitmap), chosen as the TypeScript chooses.
use crate::byte_writer::uvarint;

const ALL: u8 = 0;
const BITMAP: u8 = 1;
const SPARSE: u8 = 2;
const SHAPES: u8 = 3;

/// rows: None when every row holds the column; shapes: the block's shape ids holding it, when the block has shapes.
pub fn write_presence(out: &mut Vec<u8>, rows: Option<&[u32]>, count: usize, shapes: Option<&[u8]>) {
    let Some(rows) = rows.filter(|r| r.len() != count) else {
        out.push(ALL);
        return;
    };
    if let Some(shapes) = shapes {
        out.push(SHAPES);
        uvarint(out, shapes.len() as u64);
        out.extend_from_slice(shapes);
        return;
    }
    if (rows.len() * 2) as f64 * 8.0 < count as f64 {
        out.push(SPARSE);
        let mut prev: i64 = -1;
        for &r in rows {
            uvarint(out, (r as i64 - prev - 1) as u64);
            prev = r as i64;
        }
        return;
    }
    out.push(BITMAP);
    let at = out.len();
    out.resize(at + count.div_ceil(8), 0);
    for &r in rows {
        out[at + (r as usize >> 3)] |= 1 << (r & 7);
    }
}
