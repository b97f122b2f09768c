/**
 * Many-valued strings that differ only in their numbers — "slow query took
 * 1234ms", "req-649166", "996857600518" — as a dictionary of templates (the
 * string with each number replaced by a placeholder) and the numbers, the
 * i-th number of every row in stream i as integer varints (plain or delta:
 * monotonic counters cost a byte or two). Words of lower-case hex digits
 * with a digit and a letter (journald cursors: `i=6acfc1;m=661731ab70a06`)
 * are hex numbers; elsewhere runs of decimal digits are numbers. Only
 * numbers that print back the same (no leading zero, ≤ 2^51) leave the
 * template, so the round trip is exact. Tried only where a
 * plain dictionary failed; given up when the templates are many (random
 * ids: every string its own template).
 */
import type { ByteReader } from './byte-reader.js';
import { corrupt } from './byte-reader.js';
import type { ByteWriter } from './byte-writer.js';
import { MAX_INT, readNumbers, writeInts } from './number-values.js';

const DEC = '\u0001';
const HEX = '\u0002';
const HOLES = /[\u0001\u0002]/;
const WORD = /[0-9A-Za-z]+/g;
const DIGITS = /[0-9]+/g;
const HAS_DIGIT = /[0-9]/;
const HEX_NUMBER = /^(?=.*[a-f])[1-9a-f][0-9a-f]{0,12}$/;
/** After this many strings, give up when most of them were templates of their own (random ids). */
const PROBE = 64;

export interface Templated {
  templates: string[];
  index: Uint32Array;
  streams: number[][];
}

/** Templates and number streams of the run, or null when it is not worth it. */
export function templateStrings(values: readonly string[]): Templated | null {
  const dict = new Map<string, number>();
  const index = new Uint32Array(values.length);
  const streams: number[][] = [];
  const limit = values.length >>> 3;
  for (let i = 0; i < values.length; i++) {
    const s = values[i]!;
    if (HOLES.test(s)) return null;
    let template = '';
    let at = 0;
    let slot = 0;
    const hole = (start: number, len: number, kind: string, n: number): void => {
      template += s.slice(at, start) + kind;
      at = start + len;
      (streams[slot] ??= []).push(n);
      slot++;
    };
    WORD.lastIndex = 0;
    for (let m = WORD.exec(s); m !== null; m = WORD.exec(s)) {
      const word = m[0];
      if (!HAS_DIGIT.test(word)) continue;
      if (HEX_NUMBER.test(word)) {
        const n = parseInt(word, 16);
        if (n <= MAX_INT) {
          hole(m.index, word.length, HEX, n);
          continue;
        }
      }
      DIGITS.lastIndex = 0;
      for (let d = DIGITS.exec(word); d !== null; d = DIGITS.exec(word)) {
        const run = d[0];
        if (run.length > 15 || (run.length > 1 && run.charCodeAt(0) === 48)) continue;
        hole(m.index + d.index, run.length, DEC, Number(run));
      }
    }
    if (slot === 0) template = s;
    else template += s.slice(at);
    let d = dict.get(template);
    if (d === undefined) {
      d = dict.size;
      if (d >= limit || (i >= PROBE && d * 4 > i * 3)) return null;
      dict.set(template, d);
    }
    index[i] = d;
  }
  return { templates: [...dict.keys()], index, streams };
}

export function writeTemplated(w: ByteWriter, t: Templated, writeStringList: (w: ByteWriter, s: readonly string[]) => void): void {
  w.uvarint(t.templates.length);
  writeStringList(w, t.templates);
  if (t.templates.length <= 256) {
    const b = new Uint8Array(t.index.length);
    b.set(t.index);
    w.bytes(b);
  } else {
    for (let i = 0; i < t.index.length; i++) w.uvarint(t.index[i]!);
  }
  w.uvarint(t.streams.length);
  for (const s of t.streams) writeInts(w, Float64Array.from(s));
}

/** pick: ascending positions of the strings wanted (pick-values.ts); all when absent. */
export function readTemplated(
  r: ByteReader,
  n: number,
  readStringList: (r: ByteReader, n: number) => string[],
  pick?: Int32Array,
): string[] {
  const size = r.uvarint();
  if (size > n) throw corrupt('templates: more templates than strings');
  const templates = readStringList(r, size);
  const parts = templates.map((t) => t.split(HOLES));
  const hex = templates.map((t) => [...t].filter((c) => c === DEC || c === HEX).map((c) => c === HEX));
  const index = new Uint32Array(n);
  if (size <= 256) index.set(r.bytes(n));
  else for (let i = 0; i < n; i++) index[i] = r.uvarint();
  // Stream i holds the i-th number of every row whose template has > i holes.
  const slots = r.uvarint();
  const lengths = new Array<number>(slots).fill(0);
  for (let i = 0; i < n; i++) {
    const p = parts[index[i]!];
    if (p === undefined) throw corrupt('templates: index outside the dictionary');
    for (let j = 0; j < p.length - 1; j++) {
      if (j >= slots) throw corrupt('templates: missing number stream');
      lengths[j]!++;
    }
  }
  const streams = lengths.map((len) => readNumbers(r, len));
  const at = new Array<number>(slots).fill(0);
  const out = new Array<string>(pick === undefined ? n : pick.length);
  // Rows not picked only move the streams on (their strings are not built).
  let k = 0;
  const last = pick === undefined ? n - 1 : pick.length > 0 ? pick[pick.length - 1]! : -1;
  if (last >= n) throw corrupt('templates: row outside the run');
  for (let i = 0; i <= last; i++) {
    const p = parts[index[i]!]!;
    if (pick !== undefined && pick[k] !== i) {
      for (let j = 1; j < p.length; j++) at[j - 1]!++;
      continue;
    }
    const h = hex[index[i]!]!;
    let s = p[0]!;
    for (let j = 1; j < p.length; j++) {
      const v = streams[j - 1]![at[j - 1]!++]!;
      s += (h[j - 1] ? v.toString(16) : String(v)) + p[j]!;
    }
    out[k++] = s;
  }
  return out;
}
