/**
 * A write's events sorted before anything is sent: each is refused (not an
 * event the store can keep), expired (its class's retention is over),
 * a duplicate within the batch, or a bulk item for the daily index of its
 * class and day (index-name.ts), as the document eventToDocument lays out.
 */
import type { LogEvent } from '@logship/query/core';
import type { RetentionPolicy } from '../retention/retention-policy.js';
import type { WriteResult } from '../store/log-store.js';
import type { BulkItem } from './bulk-writer.js';
import { eventToDocument } from './event-document.js';
import { indexName } from './index-name.js';

/** Elasticsearch's limit on `_id`. */
const MAX_ID_BYTES = 512;

/** Why an event cannot be stored, or null when it can. */
export function invalidReason(event: LogEvent): string | null {
  if (typeof event !== 'object' || event === null) return 'an event must be an object';
  const id = event['event.id'];
  if (typeof id !== 'string' || id === '') return 'event.id must be a non-empty string';
  if (Buffer.byteLength(id, 'utf8') > MAX_ID_BYTES) return `event.id is longer than ${MAX_ID_BYTES} bytes`;
  const ts = event['@timestamp'];
  if (typeof ts !== 'string' || Number.isNaN(Date.parse(ts))) return '@timestamp must be an ISO 8601 date';
  return null;
}

export interface WritePlan {
  /** The refused, expired and in-batch duplicates counted; `stored` still 0. */
  result: WriteResult;
  items: BulkItem[];
}

export function planWrite(
  events: readonly LogEvent[],
  opts: { prefix: string; policy: RetentionPolicy; now: number; otherTextFields: readonly string[] },
): WritePlan {
  const result: WriteResult = { stored: 0, duplicates: 0, expired: 0, errors: [], storedIndexes: [] };
  const items: BulkItem[] = [];
  // A batch may carry the same id twice; the first one wins, as on a resend.
  const seen = new Set<string>();
  const { policy } = opts;
  events.forEach((event, index) => {
    const reason = invalidReason(event);
    if (reason) {
      result.errors.push({ index, reason });
      return;
    }
    const ms = Date.parse(event['@timestamp']);
    const className = policy.classify(event);
    if (ms < policy.cutoff(className, opts.now)) {
      result.expired++;
      return;
    }
    const id = event['event.id'];
    // Per index, as `_id` dedupes: the same id on another day is another event.
    const name = indexName(opts.prefix, className, ms);
    const key = `${name}\0${id}`;
    if (seen.has(key)) {
      result.duplicates++;
      return;
    }
    seen.add(key);
    items.push({ index, id, indexName: name, doc: eventToDocument(event, className, opts.otherTextFields) });
  });
  return { result, items };
}
