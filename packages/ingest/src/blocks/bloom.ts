/**
 * Per-block, per-column bloom filters (VictoriaLogs keeps one per column of
 * a block, too): "may this block's column hold key X?". Text fields hold
 * their tokens (query `tokenize`), other fields their exact typed values, so
 * `500` and `"500"` stay apart. ~10 bits per distinct key and 6 probes give
 * about 1% false positives; there are never false negatives.
 *
 * Layout: one byte k (probe count), then the bit array. Probes are double
 * hashing over two 32-bit multiplicative hashes of the key's UTF-16 code
 * units — no string-to-bytes conversion, so hashing costs one pass.
 */
const BITS_PER_KEY = 10;
const PROBES = 6;

/**
 * In a value bloom: some string of the column is an array's JSON text with
 * a number among its elements (query package array-values.ts), which
 * min/max do not cover. No valueKey is ever this (they start `s:`, `n:`,
 * `b:`). The elements themselves are in the bloom as values.
 */
export const ARRAY_NUMBERS_KEY = '[n';

export function textKey(token: string): string {
  return token;
}

export function valueKey(value: string | number | boolean): string {
  switch (typeof value) {
    case 'string':
      return 's:' + value;
    case 'number':
      return 'n:' + String(value);
    default:
      return value ? 'b:true' : 'b:false';
  }
}

const S_PREFIX = [0x73, 0x3a]; // 's:' of valueKey, hashed without building the string

/**
 * Two 32-bit hashes of `prefix + s` (prefix 's:' or none); h2 is forced odd
 * so probes cycle through the bits. Written to `scratch`.
 */
function hash(s: string, prefixed: boolean): void {
  let h1 = 0x811c9dc5;
  let h2 = 0x9e3779b9 ^ (s.length + (prefixed ? 2 : 0));
  if (prefixed) {
    for (const c of S_PREFIX) {
      h1 = Math.imul(h1 ^ c, 0x01000193);
      h2 = Math.imul(h2 ^ c, 0x5bd1e995);
      h2 ^= h2 >>> 15;
    }
  }
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35);
  h2 ^= h2 >>> 16;
  scratch[0] = h1;
  scratch[1] = h2 | 1;
}

const scratch = new Uint32Array(2);

function setBits(bloom: Uint8Array, m: number): void {
  let h = scratch[0]!;
  const step = scratch[1]!;
  const k = bloom[0]!;
  for (let i = 0; i < k; i++) {
    const bit = h % m;
    bloom[1 + (bit >>> 3)]! |= 1 << (bit & 7);
    h = (h + step) >>> 0;
  }
}

/** Bits per key and probes of a bloom; the probe count is its first byte, so readers need not know. */
export interface BloomSizing {
  bitsPerKey: number;
  probes: number;
}

const DEFAULT_SIZING: BloomSizing = { bitsPerKey: BITS_PER_KEY, probes: PROBES };

function emptyBloom(keys: number, sizing: BloomSizing = DEFAULT_SIZING): Uint8Array {
  const bloom = new Uint8Array(1 + Math.max(1, Math.ceil((keys * sizing.bitsPerKey) / 8)));
  bloom[0] = sizing.probes;
  return bloom;
}

/** A bloom over the distinct keys. */
export function buildBloom(keys: ReadonlySet<string>): Uint8Array {
  const bloom = emptyBloom(keys.size);
  const m = (bloom.length - 1) * 8;
  for (const key of keys) {
    hash(key, false);
    setBits(bloom, m);
  }
  return bloom;
}

/**
 * A bloom of valueKey(v) for the values, and of textKey(t) for the tokens
 * given, sized for `keys` distinct keys: the same bits as buildBloom over
 * those keys, without building a key string per string value (event.id has
 * one per row).
 */
export function buildValueBloom(
  values: Iterable<string | number | boolean>,
  tokens: Iterable<string>,
  keys: number,
  sizing?: BloomSizing,
): Uint8Array {
  const bloom = emptyBloom(keys, sizing);
  const m = (bloom.length - 1) * 8;
  const add = (v: string | number | boolean): void => {
    if (typeof v === 'string') hash(v, true);
    else hash(valueKey(v), false);
    setBits(bloom, m);
  };
  // Arrays by index: for-of over them allocated an iterator result per value.
  if (Array.isArray(values)) for (let i = 0; i < values.length; i++) add(values[i] as string | number | boolean);
  else for (const v of values) add(v);
  for (const t of tokens) {
    hash(textKey(t), false);
    setBits(bloom, m);
  }
  return bloom;
}

export function bloomMayContain(bloom: Uint8Array, key: string): boolean {
  const k = bloom[0];
  const m = (bloom.length - 1) * 8;
  if (k === undefined || m === 0) return true;
  hash(key, false);
  let h = scratch[0]!;
  const step = scratch[1]!;
  for (let i = 0; i < k; i++) {
    const bit = h % m;
    if (((bloom[1 + (bit >>> 3)]! >> (bit & 7)) & 1) === 0) return false;
    h = (h + step) >>> 0;
  }
  return true;
}
