/**
 * The first half of a write, on the thread that received the events:
 *
 *   events ─► check ─► classify ─► expired? ─► duplicate in the batch? ─►
 *   row (event-row.ts) ─► grouped by partition (UTC day, class)
 *   (all but the row: group-batch.ts, shared with the block store)
 *
 * The second half (batch-writer.ts) dedupes against what is stored and
 * inserts. The split is where the threads meet: the writer thread is the
 * bottleneck of ingest, so everything that needs no partition happens
 * before the hand-over, and what crosses is rows, not events to convert
 * there. (1.5M events over HTTP: the writer was busy 98 % of the time, the
 * HTTP thread 56 %.)
 */
import type { LogEvent } from '@logship/query/core';
import type { WriteResult } from '../store/log-store.js';
import type { RetentionPolicy } from '../retention/retention-policy.js';
import { eventToRow, type EventRow } from './event-row.js';
import { groupBatch, Refused, type PartitionGroup } from './group-batch.js';

export type PartitionRows = PartitionGroup<EventRow>;

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
  times?: readonly number[],
): PreparedWrite {
  const { result, groups } = groupBatch(events, at, policy, toRow, otherTextFields, times);
  return { result, groups, classFingerprint, otherTextFields: [...otherTextFields] };
}

function toRow(event: LogEvent, ts: number, eid: string, index: number, otherTextFields: readonly string[]): EventRow | Refused {
  try {
    return eventToRow(event, ts, eid, index, otherTextFields);
  } catch (err) {
    // A value JSON.stringify refuses (a BigInt, a cycle: only callers of
    // the store API can send one, never HTTP) fails this event, not the batch.
    return new Refused(err instanceof Error ? err.message : String(err));
  }
}
