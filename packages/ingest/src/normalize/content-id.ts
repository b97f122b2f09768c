import { hash } from 'node:crypto';
import type { FieldValue, LogEvent } from '@logship/query';
import { FLAG_FIELDS } from './limits.js';

/**
 * The `event.id` of an event that arrived without one (posted by curl, a
 * syslog line, a Loki push): 128 bits of SHA-256 over the event's own
 * content, base64url. The same line sent twice normalizes to the same
 * fields, so a retry is the same event and the store dedupes it.
 *
 * Content rather than the raw line, so the id is a function of what is
 * stored: the block store keeps no id for an event whose id is its content
 * id and computes it again when read (docs/BLOCK_STORE.md "Content ids";
 * a random 128-bit id cannot compress, and was over half of the store).
 *
 * The content is every field but `event.id`, in key order (an event read
 * back need not keep the order it was written in), `@timestamp` as epoch
 * milliseconds (what the stores keep) and left out for receive-stamped
 * events (`logship.no_timestamp`, `logship.future_timestamp`): a retry is
 * stamped again, later, and must keep its id. Values are typed and length
 * prefixed, so no two different events give one string.
 */
export function contentId(event: LogEvent, timestampMs?: number): string {
  const keys = sortedKeys(event);
  const received = isReceived(event[FLAG_FIELDS.noTimestamp], event[FLAG_FIELDS.futureTimestamp]);
  let s = '';
  for (const k of keys) {
    if (k === EVENT_ID) continue;
    if (k === TIMESTAMP) {
      if (!received) s += timestampPart(timestampMs ?? Date.parse(event[TIMESTAMP]));
      continue;
    }
    s += fieldPart(k, event[k]);
  }
  return digest(s);
}

/**
 * contentId of row `row` of a block stored column by column: `names`
 * sorted by code units (sortContentNames), `columns[i]` the values of
 * `names[i]` by row (undefined where absent), `@timestamp` as epoch ms.
 * The same string as contentId of the event the row holds, without
 * building the event.
 */
export function contentIdOfRow(names: readonly string[], columns: readonly (readonly (FieldValue | undefined)[])[], row: number): string {
  let received = false;
  for (let i = 0; i < names.length && !received; i++) {
    const n = names[i];
    if (n === FLAG_FIELDS.noTimestamp || n === FLAG_FIELDS.futureTimestamp) received = columns[i]![row] === true;
  }
  let s = '';
  for (let i = 0; i < names.length; i++) {
    const k = names[i]!;
    if (k === EVENT_ID) continue;
    const v = columns[i]![row];
    if (k === TIMESTAMP) {
      if (!received) s += timestampPart(v as number);
      continue;
    }
    s += fieldPart(k, v);
  }
  return digest(s);
}

/**
 * The event's keys sorted. Events of one format share their key list, so
 * a sorted copy is kept per list seen (found by comparing keys, interned
 * strings, as gather-columns.ts finds row shapes): ~50 ns instead of ~500
 * for a sort per event.
 */
function sortedKeys(event: LogEvent): readonly string[] {
  const keys = Object.keys(event);
  let list = sortedByLength.get(keys.length);
  if (list !== undefined) {
    for (const known of list) if (sameKeys(known.keys, keys)) return known.sorted;
  } else if (sortedByLength.size < MAX_KEY_LISTS) sortedByLength.set(keys.length, (list = []));
  // The default sort: by UTF-16 code units, as sortContentNames.
  const sorted = [...keys].sort();
  if (list !== undefined && list.length < MAX_KEY_LISTS) list.push({ keys, sorted });
  return sorted;
}

const sortedByLength = new Map<number, { keys: readonly string[]; sorted: readonly string[] }[]>();
/** Per key count, and key counts: past these, events are sorted each time. */
const MAX_KEY_LISTS = 64;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Column names in the order contentIdOfRow reads them. */
export function sortContentNames(names: readonly string[]): string[] {
  return [...names].sort();
}

/** Characters of a content id: ids of another length are never one, so need no hash to tell. */
export const CONTENT_ID_LENGTH = 22;

/**
 * The first byte of a content id (its first two base64url characters):
 * the block store keeps it for each row stored without its id, so a
 * lookup of one id hashes the rows whose byte matches (1 in 256) instead
 * of every row of a block (docs/BLOCK_STORE.md "Content ids").
 */
export function contentIdTag(id: string): number {
  return ((base64urlValue(id.charCodeAt(0)) << 2) | (base64urlValue(id.charCodeAt(1)) >> 4)) & 0xff;
}

/** A base64url character's value (A–Z a–z 0–9 - _); anything else folds in somewhere, never throws. */
function base64urlValue(c: number): number {
  if (c === 95) return 63;
  if (c >= 97) return (c - 71) & 63;
  if (c >= 65) return c - 65;
  if (c >= 48) return (c + 4) & 63;
  return 62;
}

const EVENT_ID = 'event.id';
const TIMESTAMP = '@timestamp';

function isReceived(noTimestamp: FieldValue | undefined, future: FieldValue | undefined): boolean {
  return noTimestamp === true || future === true;
}

function timestampPart(ms: number): string {
  return `@t${String(ms)};`;
}

/** Absent (undefined) and what a store cannot hold (functions, symbols: dropped as JSON drops them) add nothing. */
function fieldPart(k: string, v: unknown): string {
  switch (typeof v) {
    case 'string':
      return stringPrefix(k, v.length) + v;
    case 'number':
      // String() gives one text for -0 and 0: a store may keep either.
      return keyPart(k) + 'n' + String(v) + ';';
    case 'boolean':
      return keyPart(k) + (v ? 't' : 'f');
    case 'object':
      return v === null ? keyPart(k) + 'z' : keyPart(k) + 'o' + JSON.stringify(v) + ';';
    default:
      return '';
  }
}

/** `<length>:<key>`, kept per key: events repeat a few hundred keys, and the number-to-text conversion was a fifth of the hash. */
const keyParts = new Map<string, string>();
const MAX_KEY_PARTS = 10_000;

/**
 * `<key part>s<length>:`, kept per key for lengths below SHORT (most
 * values): one concatenation a string field instead of four, a tenth of a
 * content id's time.
 */
const stringPrefixes = new Map<string, (string | undefined)[]>();
const SHORT = 256;
/** Prefixes kept in all (a few MB at most): past this, all are dropped and kept anew. */
const MAX_PREFIXES = 50_000;
let prefixCount = 0;

function stringPrefix(k: string, length: number): string {
  if (length >= SHORT) return keyPart(k) + 's' + String(length) + ':';
  let byLength = stringPrefixes.get(k);
  if (byLength === undefined) stringPrefixes.set(k, (byLength = []));
  let prefix = byLength[length];
  if (prefix === undefined) {
    if (prefixCount >= MAX_PREFIXES) {
      stringPrefixes.clear();
      prefixCount = 0;
      stringPrefixes.set(k, (byLength = []));
    }
    byLength[length] = prefix = flat(keyPart(k) + 's' + String(length) + ':');
    prefixCount++;
  }
  return prefix;
}

/** A flat copy of a concatenation, so a kept prefix is one string, not a tree of them. */
function flat(s: string): string {
  return (' ' + s).slice(1);
}

function keyPart(k: string): string {
  let part = keyParts.get(k);
  if (part === undefined) {
    if (keyParts.size >= MAX_KEY_PARTS) keyParts.clear();
    part = String(k.length) + ':' + k;
    keyParts.set(k, part);
  }
  return part;
}

/** String.prototype.isWellFormed (Node 20), newer than the TypeScript lib this project targets. */
type WellFormedCheck = string & { isWellFormed(): boolean };

/** A lone surrogate has no UTF-8 form (it would hash as U+FFFD): such text is hashed as 0xFF + UTF-16LE, which no UTF-8 starts with. */
function digest(s: string): string {
  const input = (s as WellFormedCheck).isWellFormed() ? s : Buffer.concat([Buffer.of(0xff), Buffer.from(s, 'utf16le')]);
  const h = hash('sha256', input, 'base64url');
  // A flat string of its own: slice() would keep all 43 characters alive
  // with every event until its batch is written (an event's id is kept).
  return String.fromCharCode(
    h.charCodeAt(0), h.charCodeAt(1), h.charCodeAt(2), h.charCodeAt(3), h.charCodeAt(4), h.charCodeAt(5),
    h.charCodeAt(6), h.charCodeAt(7), h.charCodeAt(8), h.charCodeAt(9), h.charCodeAt(10), h.charCodeAt(11),
    h.charCodeAt(12), h.charCodeAt(13), h.charCodeAt(14), h.charCodeAt(15), h.charCodeAt(16), h.charCodeAt(17),
    h.charCodeAt(18), h.charCodeAt(19), h.charCodeAt(20), h.charCodeAt(21),
  );
}
