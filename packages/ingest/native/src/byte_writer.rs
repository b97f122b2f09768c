//! byte-writer.ts's encodings, to write the same bytes (varints of
//! integers below 2^53, zigzag, little-endian f64).
pub fn uvarint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v & 0x7f) as u8 | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

pub fn zigzag(v: i64) -> u64 {
    if v < 0 { (-2 * v - 1) as u64 } else { (2 * v) as u64 }
}

pub fn svarint(out: &mut Vec<u8>, v: i64) {
    uvarint(out, zigzag(v));
}

/// JavaScript's `s.length`: UTF-16 code units (string lengths are stored so).
pub fn utf16_len(s: &str) -> u64 {
    if s.is_ascii() {
        return s.len() as u64;
    }
    s.chars().map(|c| c.len_utf16() as u64).sum()
}
