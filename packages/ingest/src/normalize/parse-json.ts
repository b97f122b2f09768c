/**
 * JSON.parse for log records, except that an integer beyond what a double
 * holds exactly (|n| > 2^53 - 1: a trace id, a Snowflake or Discord id, a
 * nanosecond time) is kept as its digits, a string, rather than rounded to
 * a neighbour (1234567890123456789 read 1234567890123456800: the stored
 * id was another id, and a search for the real one found nothing on one
 * store and the wrong event on another). As a string it is searched,
 * shown and counted by its exact text on every store (docs/WIRE.md).
 *
 * Only a record JSON.parse read a number beyond 2^53 in can hold such an
 * integer, and only then is the text scanned; the rest is parsed once, as
 * before. Found by walking the parsed values (~0.1 µs a line) rather than
 * by testing the text for 16 digits in a row (~0.45 µs, and one line in
 * seven of the bench corpus has them in a string, journald's microsecond
 * times, each then scanned in JavaScript: normalizing was 10 % slower).
 * Numbers written with a fraction or an exponent are floats by their
 * writer's choice and stay numbers.
 */
import { parsePythonJson } from './parse-python-json.js';

/** Deeper than this, a record is not walked (the normalizer's depth cap is far below). */
const MAX_WALK_DEPTH = 64;

/** JSON.parse with unsafe integers as strings; Python's NaN/Infinity as parsePythonJson reads them. Throws what JSON.parse throws. */
export function parseJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const python = parsePythonJson(text);
    if (python === undefined) throw err;
    return python;
  }
  if (!holdsUnsafeNumber(value, 0)) return value;
  const exact = unsafeIntegersAsStrings(text);
  return exact === null ? value : JSON.parse(exact);
}

/** Whether a number beyond ±(2^53 - 1) is anywhere in `value`. */
function holdsUnsafeNumber(value: unknown, depth: number): boolean {
  if (typeof value === 'number') return value > Number.MAX_SAFE_INTEGER || value < -Number.MAX_SAFE_INTEGER;
  if (value === null || typeof value !== 'object' || depth > MAX_WALK_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const v of value) if (holdsUnsafeNumber(v, depth + 1)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const k in record) if (holdsUnsafeNumber(record[k], depth + 1)) return true;
  return false;
}

/** The text with every integer literal outside strings that is not a safe integer quoted; null when it has none. */
export function unsafeIntegersAsStrings(text: string): string | null {
  let out = '';
  let last = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string, escapes included.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
      continue;
    }
    if (c !== 0x2d && (c < 0x30 || c > 0x39)) continue;
    let j = c === 0x2d ? i + 1 : i;
    while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x39) j++;
    const next = text.charCodeAt(j);
    const isFloat = next === 0x2e || next === 0x65 || next === 0x45; // . e E
    const digits = j - (c === 0x2d ? i + 1 : i);
    if (!isFloat && digits >= 16 && !Number.isSafeInteger(Number(text.slice(i, j)))) {
      out += `${text.slice(last, i)}"${text.slice(i, j)}"`;
      last = j;
    }
    // Past the whole number (its fraction and exponent too).
    while (j < text.length && /[0-9.eE+-]/.test(text[j]!)) j++;
    i = j - 1;
  }
  return last === 0 ? null : out + text.slice(last);
}
