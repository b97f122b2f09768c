/**
 * Converts between LogEvent and a partition row. Promoted fields holding a
 * string or a number go to their column; everything else (other fields, and
 * the rare boolean/null in a promoted field) goes to the `doc` JSON object.
 * Reading merges both back, so an event round-trips unchanged except that
 * `@timestamp` comes back in canonical ISO form. `doc` keys are short codes
 * from the partition's dictionary (doc-keys.ts).
 */
import type { FieldValue, LogEvent } from '@logship/query';
import { FLAG_FIELDS } from '../normalize/limits.js';
import { PROMOTED_COLUMNS } from './partition-schema.js';

export interface EventRow {
  ts: number;
  eid: string;
  /** @timestamp is the receive time: a retry is stamped anew, so dedupe by eid alone. */
  received: boolean;
  cols: Record<string, string | number | null>;
  /** Fields for `doc`, by name; encoded with the partition's key codes on insert. */
  doc: [string, FieldValue][] | null;
}

export type EventCheck = { ok: true; ts: number; eid: string } | { ok: false; reason: string };

export function checkEvent(event: LogEvent): EventCheck {
  if (typeof event !== 'object' || event === null) return { ok: false, reason: 'event is not an object' };
  const eid = event['event.id'];
  if (typeof eid !== 'string' || eid === '') return { ok: false, reason: 'event.id must be a non-empty string' };
  const stamp = event['@timestamp'];
  const ts = typeof stamp === 'string' ? Date.parse(stamp) : NaN;
  if (!Number.isFinite(ts)) return { ok: false, reason: '@timestamp must be an ISO 8601 date' };
  return { ok: true, ts, eid };
}

export function eventToRow(event: LogEvent, ts: number, eid: string): EventRow {
  const cols: Record<string, string | number | null> = {};
  for (const column of Object.values(PROMOTED_COLUMNS)) cols[column] = null;
  let doc: [string, FieldValue][] | null = null;
  for (const [key, value] of Object.entries(event)) {
    if (key === '@timestamp' || key === 'event.id' || value === undefined) continue;
    const column = PROMOTED_COLUMNS[key];
    if (column !== undefined && (typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)))) {
      cols[column] = value;
    } else {
      (doc ??= []).push([key, value]);
    }
  }
  return { ts, eid, received: event[FLAG_FIELDS.noTimestamp] === true, cols, doc };
}

export interface StoredRow {
  ts: number;
  eid: string;
  doc: string | null;
  [column: string]: unknown;
}

/** Encodes doc fields as a JSON object keyed by code. */
export function encodeDoc(doc: [string, FieldValue][] | null, codeFor: (name: string) => string): string | null {
  if (doc === null) return null;
  const out: Record<string, FieldValue> = {};
  for (const [name, value] of doc) out[codeFor(name)] = value;
  return JSON.stringify(out);
}

export function rowToEvent(row: StoredRow, nameOf: (code: string) => string, fields?: readonly string[]): LogEvent {
  const event: LogEvent = { '@timestamp': new Date(row.ts).toISOString(), 'event.id': row.eid };
  for (const [field, column] of Object.entries(PROMOTED_COLUMNS)) {
    const value = row[column];
    if (typeof value === 'string' || typeof value === 'number') event[field] = value;
  }
  if (row.doc !== null) {
    for (const [code, value] of Object.entries(JSON.parse(row.doc) as Record<string, FieldValue>)) event[nameOf(code)] = value;
  }
  if (!fields) return event;
  const projected: LogEvent = { '@timestamp': event['@timestamp'], 'event.id': event['event.id'] };
  for (const f of fields) if (event[f] !== undefined) projected[f] = event[f];
  return projected;
}
