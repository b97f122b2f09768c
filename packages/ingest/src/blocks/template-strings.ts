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
    const template = templateOf(s, streams);
    if (template === null) return null;
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

/**
 * `s` with its numbers replaced by DEC or HEX, each number pushed to the
 * stream of its slot; null when `s` holds a placeholder character itself.
 * Scans character codes rather than running WORD and DIGITS regexes: a
 * match array a word was a twentieth of what ingest allocated an event.
 * Words are runs of [0-9A-Za-z]; a word with a digit is a hex number when
 * it is 1–13 lower-case hex digits, not led by 0, with a letter (and fits
 * MAX_INT), else each run of 1–15 decimal digits not led by 0 (a lone 0
 * is one) is a number.
 */
function templateOf(s: string, streams: number[][]): string | null {
  let template = '';
  let at = 0;
  let slot = 0;
  const n = s.length;
  let i = 0;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c === 1 || c === 2) return null;
    if (!isWordChar(c)) {
      i++;
      continue;
    }
    const start = i;
    let digits = 0;
    let hexOnly = true;
    let hexLetter = false;
    for (; i < n; i++) {
      // A placeholder character ends the word; the outer loop refuses it next.
      const w = s.charCodeAt(i);
      if (!isWordChar(w)) break;
      if (w >= 48 && w <= 57) digits++;
      else if (w >= 97 && w <= 102) hexLetter = true;
      else hexOnly = false;
    }
    if (digits === 0) continue;
    const len = i - start;
    if (hexOnly && hexLetter && len <= 13 && s.charCodeAt(start) !== 48) {
      // Read in place (at most 13 hex digits: exact), not parseInt of a slice.
      let v = 0;
      for (let q = start; q < i; q++) {
        const h = s.charCodeAt(q);
        v = v * 16 + (h <= 57 ? h - 48 : h - 87);
      }
      if (v <= MAX_INT) {
        template += s.slice(at, start) + HEX;
        at = i;
        (streams[slot] ??= []).push(v);
        slot++;
        continue;
      }
    }
    for (let j = start; j < i; ) {
      const d = s.charCodeAt(j);
      if (d < 48 || d > 57) {
        j++;
        continue;
      }
      const run = j;
      while (j < i && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
      const runLen = j - run;
      if (runLen > 15 || (runLen > 1 && s.charCodeAt(run) === 48)) continue;
      template += s.slice(at, run) + DEC;
      at = j;
      // At most 15 digits: exact in a double.
      let v = 0;
      for (let q = run; q < j; q++) v = v * 10 + (s.charCodeAt(q) - 48);
      (streams[slot] ??= []).push(v);
      slot++;
    }
  }
  return slot === 0 ? s : template + s.slice(at);
}

/** [0-9A-Za-z] */
function isWordChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
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
