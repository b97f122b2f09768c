//! The query package's `tokenize` (fields.ts): `text.toLowerCase()`, then
//! every maximal run of /[\p{L}\p{N}]/u is a token. Exact by construction:
//! the character tables come from Node's own Unicode data
//! (unicode_tables.rs, generated), not Rust's std, whose Unicode version
//! and case rules (`is_alphanumeric` is Alphabetic, not L) differ.
use crate::unicode_tables::{CASED, CASE_IGNORABLE, LETTER_OR_DIGIT, LOWER};

fn in_ranges(table: &[(u32, u32)], c: u32) -> bool {
    table.binary_search_by(|&(a, b)| if b < c { std::cmp::Ordering::Less } else if a > c { std::cmp::Ordering::Greater } else { std::cmp::Ordering::Equal }).is_ok()
}

fn letter_or_digit(c: char) -> bool {
    in_ranges(LETTER_OR_DIGIT, c as u32)
}

const CAPITAL_SIGMA: char = '\u{3a3}';

/// toLowerCase's Final_Sigma (as ICU, which V8 uses): a case-ignorable
/// character is skipped before a cased one is looked for, either side.
fn final_sigma(chars: &[char], at: usize) -> bool {
    let cased_after = |it: &mut dyn Iterator<Item = &char>| {
        for &c in it {
            if in_ranges(CASE_IGNORABLE, c as u32) {
                continue;
            }
            return in_ranges(CASED, c as u32);
        }
        false
    };
    cased_after(&mut chars[..at].iter().rev()) && !cased_after(&mut chars[at + 1..].iter())
}

/// String.prototype.toLowerCase (no locale).
pub fn to_lower_js(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        if c == CAPITAL_SIGMA && final_sigma(&chars, i) {
            out.push('\u{3c2}');
            continue;
        }
        match LOWER.binary_search_by_key(&(c as u32), |&(k, _)| k) {
            Ok(k) => out.extend(LOWER[k].1.iter().map(|&u| char::from_u32(u).unwrap())),
            Err(_) => out.push(c),
        }
    }
    out
}

/// Calls `each` with every token of `text`, in order (repeats included).
pub fn tokenize(text: &str, mut each: impl FnMut(&str)) {
    if text.is_ascii() {
        // The common case: no table, no lowered copy unless a capital is met.
        let lowered;
        let t: &str = if text.bytes().any(|b| b.is_ascii_uppercase()) {
            lowered = text.to_ascii_lowercase();
            &lowered
        } else {
            text
        };
        let b = t.as_bytes();
        let mut start = None;
        for (i, &c) in b.iter().enumerate() {
            let word = c.is_ascii_alphanumeric();
            match (word, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    each(&t[s..i]);
                    start = None;
                }
                _ => {}
            }
        }
        if let Some(s) = start {
            each(&t[s..]);
        }
        return;
    }
    let t = to_lower_js(text);
    let mut start = None;
    for (i, c) in t.char_indices() {
        match (letter_or_digit(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                each(&t[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        each(&t[s..]);
    }
}
