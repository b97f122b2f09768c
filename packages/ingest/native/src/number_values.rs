//! number-values.ts writeNumbers/writeInts: f64, zigzag or delta varints,
//! decimals scaled to integers. Same choices, so the same bytes.
use crate::byte_writer::{svarint, zigzag};

const F64: u8 = 0;
const ZIGZAG: u8 = 1;
const DELTA: u8 = 2;
const DECIMAL: u8 = 3;
const INT_BOUND: f64 = 2251799813685248.0; // 2^51
const MAX_SCALE: usize = 9;
const POW10: [f64; 10] = [1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
pub const MAX_INT: f64 = INT_BOUND;

/// The TypeScript's estimate, odd 8 for ≥ 2^35 included: it picks the mode.
fn varint_size(u: u64) -> u32 {
    if u < 0x80 { 1 } else if u < 0x4000 { 2 } else if u < 0x20_0000 { 3 } else if u < 0x1000_0000 { 4 } else if u < (1u64 << 35) { 5 } else { 8 }
}

fn is_small_int(v: f64) -> bool {
    v.fract() == 0.0 && v <= INT_BOUND && v >= -INT_BOUND && !(v == 0.0 && v.is_sign_negative())
}

/// Math.round: halves toward +∞.
fn js_round(x: f64) -> f64 {
    let f = x.floor();
    if x - f >= 0.5 { f + 1.0 } else { f }
}

fn fits(v: f64, scale: usize) -> bool {
    let m = js_round(v * POW10[scale]);
    is_small_int(m) && m / POW10[scale] == v
}

fn decimal_scale(values: &[f64]) -> i32 {
    let mut scale = 0usize;
    for &v in values {
        if is_small_int(v) {
            continue;
        }
        if !v.is_finite() || (v == 0.0 && v.is_sign_negative()) {
            return -1;
        }
        while scale <= MAX_SCALE && !fits(v, scale) {
            scale += 1;
        }
        if scale > MAX_SCALE {
            return -1;
        }
    }
    if scale > 0 && values.iter().any(|&v| !fits(v, scale)) {
        return -1;
    }
    scale as i32
}

pub fn write_numbers(out: &mut Vec<u8>, values: &[f64]) {
    let scale = decimal_scale(values);
    if scale < 0 {
        out.push(F64);
        for v in values {
            out.extend_from_slice(&v.to_le_bytes());
        }
        return;
    }
    let ints: Vec<i64> = if scale > 0 {
        out.push(DECIMAL);
        out.push(scale as u8);
        let p = POW10[scale as usize];
        values.iter().map(|&v| js_round(v * p) as i64).collect()
    } else {
        values.iter().map(|&v| v as i64).collect()
    };
    write_ints(out, &ints);
}

pub fn write_ints(out: &mut Vec<u8>, values: &[i64]) {
    let (mut plain, mut delta, mut prev) = (0u64, 0u64, 0i64);
    for &v in values {
        plain += varint_size(zigzag(v)) as u64;
        delta += varint_size(zigzag(v - prev)) as u64;
        prev = v;
    }
    if delta < plain {
        out.push(DELTA);
        prev = 0;
        for &v in values {
            svarint(out, v - prev);
            prev = v;
        }
    } else {
        out.push(ZIGZAG);
        for &v in values {
            svarint(out, v);
        }
    }
}
