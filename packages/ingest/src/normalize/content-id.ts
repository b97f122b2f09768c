import { createHmac, hash } from 'node:crypto';
import type { FieldValue, LogEvent } from '@logship/query/core';
import { FLAG_FIELDS } from './limits.js';
import { ContentBytes, type WellFormedCheck } from './content-bytes.js';

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
 * stamped again, later, and must keep its id (a future-stamped event
 * keeps its own time in `logship.original_timestamp`, part of the
 * content; ingest gives a `logship.no_timestamp` event an id of its
 * request on top, receivedEventId). Values are typed and length
 * prefixed, so no two different events give one string.
 */
export function contentId(event: LogEvent, timestampMs?: number): string {
  const list = keyList(event);
  const received = isReceived(event[FLAG_FIELDS.noTimestamp], event[FLAG_FIELDS.futureTimestamp]);
  out.reset(false);
  eventContent(event, list, received, timestampMs);
  if (!out.failed) return digest(out.view());
  out.reset(true);
  eventContent(event, list, received, timestampMs);
  return digestText(out.text!);
}

/**
 * The `event.id` of an event an `ingest.redact` rule matched: its content
 * id taken before the change, keyed. A retry of the line is still the same
 * event, while two lines that differ only in what was redacted stay two
 * events (their content ids after redaction would be one, and dedupe would
 * keep one). Keyed (HMAC-SHA-256 with the server's redaction key), since a
 * plain hash of the content would let anyone holding the id try the few
 * values a card number or a PIN can take. Stored as a given id is.
 */
export function redactedContentId(event: LogEvent, timestampMs: number, key: Uint8Array): string {
  const list = keyList(event);
  const received = isReceived(event[FLAG_FIELDS.noTimestamp], event[FLAG_FIELDS.futureTimestamp]);
  out.reset(true);
  eventContent(event, list, received, timestampMs);
  // UTF-16LE, as digestText: UTF-8 would read a lone surrogate as U+FFFD, one id for two contents.
  return first22(createHmac('sha256', key).update(Buffer.from(out.text!, 'utf16le')).digest('base64url'));
}

/**
 * The id of the `ordinal`-th (1, 2, …) repeat of content id `id` within one
 * request: a sender does not send one event twice in a request, so lines
 * identical in it are distinct events (a service printing "retrying" three
 * times in a millisecond, a receive-stamped batch), while a retry of the
 * request repeats them in the same order and gets the same ids. Stored as a
 * given id: it is not the content id a read would compute.
 */
export function repeatContentId(id: string, ordinal: number): string {
  return first22(hash('sha256', `${id}#${ordinal}`, 'base64url'));
}

/**
 * The id of a receive-stamped event (`logship.no_timestamp`: the line had
 * no time of its own and no id was given): its derived id (content or
 * redacted), the receive time and the request it came in. Such a line
 * sent again later is another occurrence, not a retry: a firewall's
 * identical denies an hour apart are two events, as Loki (another
 * timestamp) and VictoriaLogs (every line) keep them. Nothing of the line
 * tells a retry of it from a new occurrence, so each request's lines are
 * their own events; senders that retry give an id or a time (the agent's
 * `event.id`, a shipper's timestamps), and those retries still dedupe.
 * `request` is unique per request (two requests within one millisecond
 * stay apart). Stored as a given id, so contentId stays the function
 * stored blocks compute again when read.
 */
export function receivedEventId(id: string, receivedAt: number, request: string): string {
  return first22(hash('sha256', `${id}@${receivedAt}/${request}`, 'base64url'));
}

// contentId and contentIdOfRow each spell out the two passes (bytes, then
// text after a lone surrogate): one helper taking the writer as a function
// measured 3 % slower on normalize + prepare (its call site cannot inline).
function eventContent(event: LogEvent, list: KeyList, received: boolean, timestampMs: number | undefined): void {
  const { sorted, parts } = list;
  for (let i = 0; i < sorted.length; i++) {
    const k = sorted[i]!;
    if (k === EVENT_ID) continue;
    if (k === TIMESTAMP) {
      if (!received) timestampPart(timestampMs ?? Date.parse(event[TIMESTAMP]));
      continue;
    }
    fieldPart((parts[i] ??= partOf(k)), event[k]);
  }
}

/**
 * contentId of row `row` of a block stored column by column: `names`
 * sorted by code units (sortContentNames), `columns[i]` the values of
 * `names[i]` by row (undefined where absent), `@timestamp` as epoch ms.
 * The same bytes as contentId of the event the row holds, without
 * building the event.
 */
export function contentIdOfRow(names: readonly string[], columns: readonly (readonly (FieldValue | undefined)[])[], row: number): string {
  let received = false;
  for (let i = 0; i < names.length && !received; i++) {
    const n = names[i];
    if (n === FLAG_FIELDS.noTimestamp || n === FLAG_FIELDS.futureTimestamp) received = columns[i]![row] === true;
  }
  out.reset(false);
  rowContent(names, columns, row, received);
  if (!out.failed) return digest(out.view());
  out.reset(true);
  rowContent(names, columns, row, received);
  return digestText(out.text!);
}

function rowContent(names: readonly string[], columns: readonly (readonly (FieldValue | undefined)[])[], row: number, received: boolean): void {
  for (let i = 0; i < names.length; i++) {
    const k = names[i]!;
    if (k === EVENT_ID) continue;
    const v = columns[i]![row];
    if (k === TIMESTAMP) {
      if (!received) timestampPart(v as number);
      continue;
    }
    fieldPart(partOf(k), v);
  }
}

/** The content being written; one for the process (contentId never runs inside itself). */
const out = new ContentBytes();

/**
 * The event's keys sorted. Events of one format share their key list, so
 * a sorted copy is kept per list seen (found by comparing keys, interned
 * strings, as gather-columns.ts finds row shapes): ~50 ns instead of ~500
 * for a sort per event. The list keeps each key's part too (partOf),
 * found once rather than a Map lookup a field.
 */
function keyList(event: LogEvent): KeyList {
  // Counted and matched by for-in, which walks V8's cached key list of the
  // object's shape: Object.keys made an array an event.
  let count = 0;
  for (const _key in event) count++;
  let list = sortedByLength.get(count);
  if (list !== undefined) {
    for (const known of list) if (hasKeys(event, known.keys)) return known;
  } else if (sortedByLength.size < MAX_KEY_LISTS) sortedByLength.set(count, (list = []));
  const keys = Object.keys(event);
  // The default sort: by UTF-16 code units, as sortContentNames.
  const made: KeyList = { keys, sorted: [...keys].sort(), parts: [] };
  if (list !== undefined && list.length < MAX_KEY_LISTS) list.push(made);
  return made;
}

interface KeyList {
  keys: readonly string[];
  sorted: readonly string[];
  /** parts[i]: the part of sorted[i], once written. */
  parts: (KeyPart | undefined)[];
}

const sortedByLength = new Map<number, KeyList[]>();
/** Per key count, and key counts: past these, events are sorted each time. */
const MAX_KEY_LISTS = 64;

/** Whether the event's keys are `keys`, in order (the caller checked the count). */
function hasKeys(event: LogEvent, keys: readonly string[]): boolean {
  let i = 0;
  for (const k in event) if (k !== keys[i++]) return false;
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

/** `@t<ms>;` */
function timestampPart(ms: number): void {
  out.ascii('@t');
  out.number(ms);
  out.char(SEMI);
}

/**
 * `<key part>` then, by type: `s<length>:<text>`, `n<number>;`, `t`, `f`,
 * `z` (null), `o<JSON>;`. Absent (undefined) and what a store cannot hold
 * (functions, symbols: dropped as JSON drops them) add nothing.
 */
function fieldPart(k: KeyPart, v: unknown): void {
  switch (typeof v) {
    case 'string':
      keyPart(k);
      out.char(S);
      out.number(v.length);
      out.char(COLON);
      out.string(v);
      return;
    case 'number':
      // String() gives one text for -0 and 0: a store may keep either.
      keyPart(k);
      out.char(N);
      out.number(v);
      out.char(SEMI);
      return;
    case 'boolean':
      keyPart(k);
      out.char(v ? T : F);
      return;
    case 'object':
      keyPart(k);
      if (v === null) out.char(Z);
      else {
        out.char(O);
        out.string(String(JSON.stringify(v)));
        out.char(SEMI);
      }
      return;
    default:
  }
}

const [S, N, T, F, Z, O, SEMI, COLON] = [...'sntfzo;:'].map((c) => c.charCodeAt(0)) as [number, number, number, number, number, number, number, number];

/** `<length>:<key>` as text and UTF-8 (null for a key with a lone surrogate). */
interface KeyPart {
  bytes: Uint8Array | null;
  text: string;
}

/** Kept per key: events repeat a few hundred keys. */
const keyParts = new Map<string, KeyPart>();
const MAX_KEY_PARTS = 10_000;

function partOf(k: string): KeyPart {
  let part = keyParts.get(k);
  if (part === undefined) {
    if (keyParts.size >= MAX_KEY_PARTS) keyParts.clear();
    const text = String(k.length) + ':' + k;
    part = { bytes: (text as WellFormedCheck).isWellFormed() ? Buffer.from(text, 'utf8') : null, text };
    keyParts.set(k, part);
  }
  return part;
}

/** In text mode `raw` takes the text, so a key without UTF-8 bytes fails only the bytes pass. */
function keyPart(part: KeyPart): void {
  if (part.bytes === null && out.text === undefined) out.failed = true;
  else out.raw(part.bytes ?? EMPTY, part.text);
}

const EMPTY = new Uint8Array(0);

function digest(bytes: Uint8Array): string {
  return first22(hash('sha256', bytes, 'base64url'));
}

/** Content with a lone surrogate (no UTF-8 form) is hashed as 0xFF + UTF-16LE, which no UTF-8 starts with. */
function digestText(s: string): string {
  return first22(hash('sha256', Buffer.concat([Buffer.of(0xff), Buffer.from(s, 'utf16le')]), 'base64url'));
}

/** 128 bits: a flat string of its own, as slice() would keep all 43 characters alive with every event until its batch is written (an event's id is kept). */
function first22(h: string): string {
  return String.fromCharCode(
    h.charCodeAt(0), h.charCodeAt(1), h.charCodeAt(2), h.charCodeAt(3), h.charCodeAt(4), h.charCodeAt(5),
    h.charCodeAt(6), h.charCodeAt(7), h.charCodeAt(8), h.charCodeAt(9), h.charCodeAt(10), h.charCodeAt(11),
    h.charCodeAt(12), h.charCodeAt(13), h.charCodeAt(14), h.charCodeAt(15), h.charCodeAt(16), h.charCodeAt(17),
    h.charCodeAt(18), h.charCodeAt(19), h.charCodeAt(20), h.charCodeAt(21),
  );
}
