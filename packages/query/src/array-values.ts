/**
 * Array elements. Ingest stores an array as its JSON text (docs/WIRE.md:
 * `{"tags":["a","b"]}` is the string `["a","b"]`), and a keyword clause
 * matches such a value when it matches the whole text **or one of its
 * elements**, as Elasticsearch and Kibana match a multi-valued field:
 * `tags:a`, `tags:a*`, `codes:[400 TO 499]`. An element is a string,
 * number or boolean of the array, or of an array inside it (nested arrays
 * are flattened, as Elasticsearch indexes them); nulls and objects are not
 * elements. A string is an array when it is JSON text of an array: it
 * starts with `[`, ends with `]` and parses (a value cut by ingest's
 * max_value_bytes does not).
 *
 * Every backend reads elements with this function, so they agree on what
 * an element is: the matcher and block store on each value, SQLite in an
 * SQL function, Elasticsearch at write time (typed copies `@akw`, `@anum`,
 * `@abool`).
 */
import type { FieldValue } from './event.js';

export type ArrayElement = string | number | boolean;

/** Whether a string may be an array's JSON text (the cheap test before parsing). */
export function looksLikeArray(v: string): boolean {
  return v.length >= 2 && v.charCodeAt(0) === 0x5b && v.charCodeAt(v.length - 1) === 0x5d;
}

/** Elements of values parsed lately: a keyword column repeats its values. */
const recent = new Map<string, readonly ArrayElement[] | null>();
const RECENT_MAX = 1024;
const RECENT_CHARS = 4096;

function collect(value: unknown, out: ArrayElement[], depth: number): void {
  if (Array.isArray(value)) {
    // Ingest keeps at most max_depth levels; deeper nesting is not walked.
    if (depth > 64) return;
    for (const v of value) collect(v, out, depth + 1);
  } else if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) {
    out.push(value);
  }
}

/** The elements of a value that is an array's JSON text; null for any other value. */
export function arrayElements(v: FieldValue | undefined): readonly ArrayElement[] | null {
  if (typeof v !== 'string' || !looksLikeArray(v)) return null;
  const known = recent.get(v);
  if (known !== undefined) return known;
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    parsed = undefined;
  }
  let out: ArrayElement[] | null = null;
  if (Array.isArray(parsed)) {
    out = [];
    collect(parsed, out, 0);
  }
  if (v.length <= RECENT_CHARS) {
    if (recent.size >= RECENT_MAX) recent.clear();
    recent.set(v, out);
  }
  return out;
}

/**
 * `test` of a keyword value as a keyword clause sees it: the value itself,
 * or, for an array's JSON text, one of its elements.
 */
export function withElements(test: (v: FieldValue | undefined) => boolean): (v: FieldValue | undefined) => boolean {
  return (v) => {
    if (test(v)) return true;
    const elements = arrayElements(v);
    if (elements === null) return false;
    for (let i = 0; i < elements.length; i++) if (test(elements[i])) return true;
    return false;
  };
}

/**
 * Adds `n` events holding the value keyed `key` (String(value), as terms
 * buckets are keyed) to `counts`. An array's JSON text counts once under
 * each of its distinct elements' keys, never under its own text, as
 * Elasticsearch (and so Kibana's top values) and VictoriaLogs count a
 * multi-valued field, and as `tags:a` then finds what the bucket `a`
 * counted. Returns false for an array without elements (`[]`, `[null]`),
 * which, as in Elasticsearch, is missing; true otherwise.
 *
 * Every engine's terms go through this (the matcher's reference reader,
 * both embedded stores and their rollups; Elasticsearch counts the
 * element copies it indexed with the same arrayElements).
 */
export function addTermsKey(counts: Map<string, number>, key: string, n: number): boolean {
  const elements = arrayElements(key);
  if (elements === null) {
    counts.set(key, (counts.get(key) ?? 0) + n);
    return true;
  }
  if (elements.length === 0) return false;
  // An event counts once per bucket, however often the array repeats it.
  const keys = new Set<string>();
  for (let i = 0; i < elements.length; i++) keys.add(String(elements[i]));
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + n);
  return true;
}
