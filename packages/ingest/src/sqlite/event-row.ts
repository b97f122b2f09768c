/**
 * Converts between LogEvent and a partition row. Promoted fields holding a
 * string or a number go to their column; everything else (other fields, and
 * the rare boolean/null in a promoted field) goes to the `doc` JSON object.
 * Reading merges both back, so an event round-trips unchanged except that
 * `@timestamp` comes back in canonical ISO form. `doc` keys are short codes
 * from the partition's dictionary (doc-keys.ts).
 */
import { ownField, setEventField, type FieldValue, type LogEvent } from '@logship/query/core';
import { FLAG_FIELDS } from '../normalize/limits.js';
import { isoMillis } from '../normalize/iso-millis.js';
import { isoTime } from '../normalize/iso-time.js';
import { PROMOTED_COLUMN_OF, PROMOTED_COLUMNS } from './partition-schema.js';
import { docValueKey, isRollupField } from './rollup.js';
import { ftsText } from './sql-functions.js';
import { storeError } from '../store/store-error.js';

/** The promoted columns, in the order EventRow.cols holds their values. */
export const COLUMNS: readonly string[] = Object.freeze(Object.values(PROMOTED_COLUMNS));
/** A promoted field's position in EventRow.cols. */
export const COLUMN_AT: ReadonlyMap<string, number> = new Map(Object.keys(PROMOTED_COLUMNS).map((field, i) => [field, i]));
const MESSAGE_AT = COLUMN_AT.get('message') as number;

/**
 * An event as the writer inserts it. Rows are built where events are
 * parsed (the HTTP thread) and sent to the writer thread as they are: all
 * but the partition's key codes is decided here, so the writer, the
 * bottleneck of ingest, only runs statements.
 */
export interface EventRow {
  /** The event's position in its write() batch. */
  index: number;
  ts: number;
  eid: string;
  /** @timestamp is the receive time: a retry is stamped anew, so dedupe by eid alone. */
  received: boolean;
  /** Values of the promoted columns in COLUMNS order, null where the event has none. */
  cols: (string | number | null)[];
  /**
   * The fields for `doc`: name, then the JSON text of its value, alternating;
   * null when there are none. Names become the partition's key codes on insert.
   */
  doc: string[] | null;
  /** What message_fts indexes (ftsText of the message), null without a string message. */
  text: string | null;
  /**
   * What text_fts indexes: the tokens of the event's other text fields
   * (string values), joined by spaces; null when it has none.
   */
  otherText: string | null;
  /**
   * Rollup keys of promoted fields whose value went to `doc` (a boolean or
   * null, rollup.ts docValueKey): field, then key, alternating; null when none.
   */
  rollupKeys: string[] | null;
}

export type EventCheck = { ok: true; ts: number; eid: string } | { ok: false; reason: string };

/** time: the epoch ms `@timestamp` was written from, when the caller knows it (WriteOptions.times). */
export function checkEvent(event: LogEvent, time?: number): EventCheck {
  if (typeof event !== 'object' || event === null) return { ok: false, reason: 'event is not an object' };
  const eid = event['event.id'];
  if (typeof eid !== 'string' || eid === '') return { ok: false, reason: 'event.id must be a non-empty string' };
  const stamp = event['@timestamp'];
  const ts = typeof stamp !== 'string' ? NaN : time !== undefined && Number.isInteger(time) ? time : isoMillis(stamp);
  if (!Number.isFinite(ts)) return { ok: false, reason: '@timestamp must be an ISO 8601 date' };
  return { ok: true, ts, eid };
}

/**
 * `otherTextFields`: the text fields besides message (the store's list) whose
 * tokens go to text_fts.
 */
export function eventToRow(event: LogEvent, ts: number, eid: string, index: number, otherTextFields: readonly string[] = []): EventRow {
  const cols: (string | number | null)[] = COLUMNS.map(() => null);
  let doc: string[] | null = null;
  let rollupKeys: string[] | null = null;
  for (const key of Object.keys(event)) {
    if (key === '@timestamp' || key === 'event.id') continue;
    const value = event[key];
    if (value === undefined) continue;
    const at = COLUMN_AT.get(key);
    if (at !== undefined && (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))) {
      cols[at] = value;
      continue;
    }
    // undefined for what JSON cannot hold (a function from a careless
    // caller): left out, as JSON.stringify of the whole object would.
    const json = JSON.stringify(value) as string | undefined;
    if (json === undefined) continue;
    (doc ??= []).push(key, json);
    if (isRollupField(key)) {
      const rollupKey = docValueKey(value);
      if (rollupKey !== null) (rollupKeys ??= []).push(key, rollupKey);
    }
  }
  const message = cols[MESSAGE_AT];
  let otherText: string | null = null;
  for (const field of otherTextFields) {
    const value = Object.hasOwn(event, field) ? event[field] : undefined;
    if (typeof value !== 'string') continue;
    const tokens = ftsText(value);
    if (tokens !== '') otherText = otherText === null ? tokens : `${otherText} ${tokens}`;
  }
  return {
    index,
    ts,
    eid,
    // Stamped with the receive time: a retry is stamped anew, so dedupe by id alone.
    received: event[FLAG_FIELDS.noTimestamp] === true || event[FLAG_FIELDS.futureTimestamp] === true,
    cols,
    doc,
    text: typeof message === 'string' ? ftsText(message) : null,
    otherText,
    rollupKeys,
  };
}

/**
 * The `doc` JSON object, keyed by code. Built as text: codes are [0-9a-z]
 * (doc-keys.ts) and need no escaping, and the values are JSON already.
 */
export function encodeDoc(doc: readonly string[] | null, codeFor: (name: string) => string): string | null {
  if (doc === null) return null;
  let json = '{';
  for (let i = 0; i < doc.length; i += 2) json += `${i === 0 ? '' : ','}"${codeFor(doc[i] as string)}":${doc[i + 1] as string}`;
  return `${json}}`;
}

export interface StoredRow {
  ts: number;
  eid: string;
  /** Undefined when the read did not select it (readColumns: a projection of ids only). */
  doc?: string | null;
  [column: string]: unknown;
}

/**
 * The columns a read selects to rebuild events projected to `fields`
 * (SearchRequest.fields), as SQL: every column without a projection; else
 * ts and eid, the promoted columns named, and doc once any other field is
 * named (a promoted field whose value is a boolean or null lives in doc).
 * A search of 3,000 hits projected to their ids (the differential tests)
 * read every column of every row and parsed its doc: SELECT * took ~23 ms
 * of the rows' ~4 ms with ts and eid alone (15 partitions, 3,006 rows).
 */
export function readColumns(fields: readonly string[] | undefined): string {
  if (fields === undefined) return '*';
  const columns = ['ts', 'eid'];
  let doc = false;
  for (const f of fields) {
    if (f === '@timestamp' || f === 'event.id') continue;
    doc = true;
    const column = PROMOTED_COLUMN_OF.get(f);
    if (column !== undefined && !columns.includes(`"${column}"`)) columns.push(`"${column}"`);
  }
  if (doc) columns.push('doc');
  return columns.join(', ');
}

export function rowToEvent(row: StoredRow, nameOf: (code: string) => string, fields?: readonly string[]): LogEvent {
  const event: LogEvent = { '@timestamp': isoTime(row.ts), 'event.id': row.eid };
  for (const [field, column] of Object.entries(PROMOTED_COLUMNS)) {
    const value = row[column];
    if (typeof value === 'string' || typeof value === 'number') event[field] = value;
  }
  if (row.doc !== null && row.doc !== undefined) {
    for (const [code, value] of Object.entries(parseDoc(row.doc))) setEventField(event, nameOf(code), value);
  }
  if (!fields) return event;
  const projected: LogEvent = { '@timestamp': event['@timestamp'], 'event.id': event['event.id'] };
  for (const f of fields) {
    const value = ownField(event, f);
    if (value !== undefined) setEventField(projected, f, value);
  }
  return projected;
}

/** A stored `doc`: not JSON means the file is damaged (the store writes only JSON there), which reads leave out (partition-damage.ts). */
function parseDoc(doc: string): Record<string, FieldValue> {
  try {
    return JSON.parse(doc) as Record<string, FieldValue>;
  } catch (err) {
    throw storeError('LS_STORE_CORRUPT_PARTITION', `an event's stored fields are not JSON: ${(err as Error).message}`, err);
  }
}
