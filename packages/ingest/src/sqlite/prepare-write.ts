/**
 * The first half of a write, on the thread that received the events:
 *
 *   events ─► check ─► classify ─► expired? ─► duplicate in the batch? ─►
 *   row (event-row.ts) ─► grouped by partition (UTC day, class)
 *
 * The second half (batch-writer.ts) dedupes against what is stored and
 * inserts. The split is where the threads meet: the writer thread is the
 * bottleneck of ingest, so everything that needs no partition happens
 * before the hand-over, and what crosses is rows, not events to convert
 * there. (1.5M events over HTTP: the writer was busy 98 % of the time, the
 * HTTP thread 56 %.)
 */
import type { LogEvent } from '@logship/query';
import type { WriteResult } from '../store/log-store.js';
import type { RetentionPolicy } from '../retention/retention-policy.js';
import { checkEvent, eventToRow, type EventRow } from './event-row.js';
import { partitionFileName, utcDay, type PartitionKey } from './partition-name.js';

export interface PartitionRows {
  /** The partition's file name (partition-name.ts). */
  name: string;
  key: PartitionKey;
  rows: EventRow[];
}

export interface PreparedWrite {
  /** What is known before any partition is read: errors, expired events, duplicates within the batch. */
  result: WriteResult;
  groups: PartitionRows[];
  /** Which class list classified the rows (partition-db.ts noteClassFingerprint). */
  classFingerprint: string;
  /** The text fields besides message whose tokens the rows carry for text_fts (partition-db.ts noteTextFields). */
  otherTextFields: readonly string[];
}

export function prepareWrite(
  events: readonly LogEvent[],
  at: number,
  policy: RetentionPolicy,
  classFingerprint: string,
  otherTextFields: readonly string[] = [],
): PreparedWrite {
  const result: WriteResult = { stored: 0, duplicates: 0, expired: 0, errors: [] };
  const groups = new Map<string, PartitionRows>();
  const seen = new Set<string>();
  events.forEach((event, index) => {
    const check = checkEvent(event);
    if (!check.ok) {
      result.errors.push({ index, reason: check.reason });
      return;
    }
    const className = policy.classify(event);
    if (check.ts < policy.cutoff(className, at)) {
      result.expired++;
      return;
    }
    if (seen.has(check.eid)) {
      result.duplicates++;
      return;
    }
    let row: EventRow;
    try {
      row = eventToRow(event, check.ts, check.eid, index, otherTextFields);
    } catch (err) {
      // A value JSON.stringify refuses (a BigInt, a cycle: only callers of
      // the store API can send one, never HTTP) fails this event, not the batch.
      result.errors.push({ index, reason: `event cannot be stored: ${err instanceof Error ? err.message : String(err)}` });
      return;
    }
    seen.add(check.eid);
    const key = { day: utcDay(check.ts), className };
    const name = partitionFileName(key);
    let group = groups.get(name);
    if (!group) groups.set(name, (group = { name, key, rows: [] }));
    group.rows.push(row);
  });
  return { result, groups: [...groups.values()], classFingerprint, otherTextFields: [...otherTextFields] };
}
