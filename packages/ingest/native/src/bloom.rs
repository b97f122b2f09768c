//! bloom.ts's blooms: the same two hashes over UTF-16 code units, the
//! same sizing and probes, so a block's blooms are byte-equal to the
//! JavaScript's. Keys: a string value hashed as `s:` + it, a number as
//! `n:` + String(n) (ryu-js: ECMAScript's Number::toString), a boolean as
//! `b:true`/`b:false`, a token as itself.

pub const BITS_PER_KEY: usize = 10;
pub const PROBES: u8 = 6;

/// bloom.ts hash(): (h1, h2 | 1) of `prefix` + the string's code units.
fn hash(prefix: &[u16], s: &str) -> (u32, u32) {
    let len = prefix.len() + if s.is_ascii() { s.len() } else { s.encode_utf16().count() };
    let mut h1: u32 = 0x811c9dc5;
    let mut h2: u32 = 0x9e3779b9 ^ (len as u32);
    let mut step = |c: u32| {
        h1 = (h1 ^ c).wrapping_mul(0x01000193);
        h2 = (h2 ^ c).wrapping_mul(0x5bd1e995);
        h2 ^= h2 >> 15;
    };
    for &c in prefix {
        step(c as u32);
    }
    if s.is_ascii() {
        for &c in s.as_bytes() {
            step(c as u32);
        }
    } else {
        for c in s.encode_utf16() {
            step(c as u32);
        }
    }
    h1 ^= h1 >> 16;
    h1 = h1.wrapping_mul(0x85ebca6b);
    h1 ^= h1 >> 13;
    h2 = (h2 ^ (h2 >> 16)).wrapping_mul(0xc2b2ae35);
    h2 ^= h2 >> 16;
    (h1, h2 | 1)
}

const S_PREFIX: [u16; 2] = [0x73, 0x3a];
const N_PREFIX: [u16; 2] = [0x6e, 0x3a];

pub struct Bloom {
    pub bytes: Vec<u8>,
    m: u32,
}

impl Bloom {
    /// emptyBloom: sized for `keys` distinct keys.
    pub fn new(keys: usize, bits_per_key: usize, probes: u8) -> Bloom {
        let n = 1 + std::cmp::max(1, (keys * bits_per_key).div_ceil(8));
        let mut bytes = vec![0u8; n];
        bytes[0] = probes;
        Bloom { m: ((n - 1) * 8) as u32, bytes }
    }

    fn set(&mut self, (mut h, step): (u32, u32)) {
        for _ in 0..self.bytes[0] {
            let bit = h % self.m;
            self.bytes[1 + (bit >> 3) as usize] |= 1 << (bit & 7);
            h = h.wrapping_add(step);
        }
    }

    pub fn add_token(&mut self, t: &str) {
        self.set(hash(&[], t));
    }

    pub fn add_string(&mut self, s: &str) {
        self.set(hash(&S_PREFIX, s));
    }

    pub fn add_number(&mut self, n: f64) {
        let mut b = ryu_js::Buffer::new();
        self.set(hash(&N_PREFIX, b.format(n)));
    }

    pub fn add_bool(&mut self, v: bool) {
        self.set(hash(&[], if v { "b:true" } else { "b:false" }));
    }
}
