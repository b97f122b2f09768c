/**
 * A run of strings: plain (code-unit lengths as varints + all strings joined
 * in one UTF-8 buffer, decoded in one call and sliced) or a dictionary
 * (distinct strings plain, then one index per value: a byte when ≤ 256
 * distinct, else a varint). Lengths count UTF-16 code units so decoding is a
 * single toString and substring per value; lone surrogates switch the whole
 * run to UTF-16LE (string-bytes.ts) to stay exact. Many-valued strings that
 * differ in their numbers become templates + numbers (template-strings.ts).
 */
import type { ByteReader } from './byte-reader.js';
import { corrupt } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { decodeString, encodeString } from './string-bytes.js';
import { pickValues } from './pick-values.js';
import { readTemplated, templateStrings, writeTemplated } from './template-strings.js';

const PLAIN = 0;
const DICT = 1;
const TEMPLATE = 2;
const MAX_DICT = 65536;
const PROBE = 256;

export function writeStrings(w: ByteWriter, values: readonly string[]): void {
  const dict = new Map<string, number>();
  const limit = Math.min(MAX_DICT, values.length >>> 1);
  let idx: Uint32Array | null = new Uint32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    let d = dict.get(v);
    if (d === undefined) {
      if (dict.size >= limit) {
        idx = null;
        break;
      }
      d = dict.size;
      dict.set(v, d);
    }
    idx[i] = d;
    // Ids and the like: stop filling a dictionary that will not be used.
    if (i === PROBE && dict.size * 4 > PROBE * 3) {
      idx = null;
      break;
    }
  }
  if (idx === null) {
    const t = templateStrings(values);
    if (t !== null) {
      w.byte(TEMPLATE);
      writeTemplated(w, t, writePlain);
      return;
    }
    w.byte(PLAIN);
    writePlain(w, values);
    return;
  }
  w.byte(DICT);
  w.uvarint(dict.size);
  writePlain(w, [...dict.keys()]);
  if (dict.size <= 256) {
    const b = new Uint8Array(values.length);
    b.set(idx);
    w.bytes(b);
  } else {
    for (let i = 0; i < idx.length; i++) w.uvarint(idx[i]!);
  }
}

function writePlain(w: ByteWriter, values: readonly string[]): void {
  for (let i = 0; i < values.length; i++) w.uvarint(values[i]!.length);
  w.blob(encodeString(values.join('')));
}

/**
 * pick: ascending positions of the values wanted (pick-values.ts); all when
 * absent. dictionary: told the distinct strings and the index of each value
 * when the run is a dictionary read whole (column-dictionary.ts).
 */
export function readStrings(r: ByteReader, n: number, pick?: Int32Array, dictionary?: (values: string[], indexes: Uint8Array | Uint16Array) => void): string[] {
  const mode = r.byte();
  if (mode === PLAIN) return readPlain(r, n, pick);
  if (mode === TEMPLATE) return readTemplated(r, n, readPlain, pick);
  if (mode !== DICT) throw corrupt(`strings: unknown mode ${mode}`);
  const size = r.uvarint();
  if (size > n) throw corrupt('strings: dictionary larger than the run');
  const dict = readPlain(r, size);
  if (size <= 256) {
    const b = r.bytes(n);
    if (pick !== undefined) return pickIndexes(dict, b, pick);
    dictionary?.(dict, b);
    const out = new Array<string>(n);
    for (let i = 0; i < n; i++) out[i] = lookup(dict, b[i]!);
    return out;
  }
  const out = new Array<string>(n);
  if (pick !== undefined || dictionary === undefined) {
    for (let i = 0; i < n; i++) out[i] = lookup(dict, r.uvarint());
    return pick === undefined ? out : pickValues(out, pick);
  }
  const indexes = new Uint16Array(n);
  for (let i = 0; i < n; i++) out[i] = lookup(dict, (indexes[i] = r.uvarint()));
  dictionary(dict, indexes);
  return out;
}

function pickIndexes(dict: readonly string[], b: Uint8Array, pick: Int32Array): string[] {
  const out = new Array<string>(pick.length);
  for (let k = 0; k < pick.length; k++) {
    const i = pick[k]!;
    if (i >= b.length) throw corrupt('strings: row outside the run');
    out[k] = lookup(dict, b[i]!);
  }
  return out;
}

function lookup(dict: readonly string[], i: number): string {
  const s = dict[i];
  if (s === undefined) throw corrupt('strings: index outside the dictionary');
  return s;
}

function readPlain(r: ByteReader, n: number, pick?: Int32Array): string[] {
  const lens = new Array<number>(n);
  let total = 0;
  for (let i = 0; i < n; i++) total += lens[i] = r.uvarint();
  const joined = decodeString(r.blob());
  if (joined.length !== total) throw corrupt('strings: lengths do not add up');
  const out = new Array<string>(pick === undefined ? n : pick.length);
  let at = 0;
  if (pick === undefined) {
    for (let i = 0; i < n; i++) {
      out[i] = joined.substring(at, at + lens[i]!);
      at += lens[i]!;
    }
    return out;
  }
  let i = 0;
  for (let k = 0; k < pick.length; k++) {
    const want = pick[k]!;
    if (want >= n) throw corrupt('strings: row outside the run');
    for (; i < want; i++) at += lens[i]!;
    out[k] = joined.substring(at, at + lens[want]!);
  }
  return out;
}
