/**
 * The first half of a block write, on the thread that received the events
 * (as sqlite/prepare-write.ts for the row store):
 *
 *   events ─► check (@timestamp, event.id) ─► classify ─► expired? ─►
 *   duplicate in the batch? ─► grouped by partition (UTC day, class)
 *   (sqlite/group-batch.ts, shared with the row store)
 *
 * What crosses to the writer thread is the events themselves with their
 * parsed time: the writer dedupes against what is stored, then encodes one
 * block per partition for everything that arrived in the same turn, so
 * there is nothing to encode before.
 */
import type { LogEvent } from '@logship/query';
import type { WriteResult } from '../store/log-store.js';
import type { RetentionPolicy } from '../retention/retention-policy.js';
import { FLAG_FIELDS } from '../normalize/limits.js';
import { contentId, CONTENT_ID_LENGTH } from '../normalize/content-id.js';
import { groupBatch, Refused, type PartitionGroup } from '../sqlite/group-batch.js';

export interface BlockItem {
  /** Position in the write() batch. */
  index: number;
  ts: number;
  eid: string;
  /** Stamped with the receive time: a retry is stamped anew, so deduped by id alone too. */
  received: boolean;
  /** event.id is the event's content id (normalize/content-id.ts): the block keeps no copy. */
  contentId: boolean;
  event: LogEvent;
}

export type PartitionItems = PartitionGroup<BlockItem>;

export interface PreparedBlockWrite {
  result: WriteResult;
  groups: PartitionItems[];
  classFingerprint: string;
}

/** contentIds: LogStore WriteOptions.contentIds (else every 22-character id is hashed to find out). */
export function prepareBlockWrite(
  events: readonly LogEvent[],
  at: number,
  policy: RetentionPolicy,
  classFingerprint: string,
  contentIds?: readonly boolean[],
): PreparedBlockWrite {
  const { result, groups } = groupBatch<BlockItem>(events, at, policy, (event, ts, eid, index) => {
    const clean = storable(event);
    if (typeof clean === 'string') return new Refused(clean);
    const received = event[FLAG_FIELDS.noTimestamp] === true || event[FLAG_FIELDS.futureTimestamp] === true;
    return { index, ts, eid, received, contentId: eid.length === CONTENT_ID_LENGTH && (contentIds !== undefined ? contentIds[index] === true : contentId(clean, ts) === eid), event: clean };
  });
  return { result, groups, classFingerprint };
}

/**
 * The event as the codec can hold it, or why not. Columns hold strings,
 * numbers, booleans and null; a function or symbol (only a careless API
 * caller can send one) is left out, as JSON would; an object or a BigInt
 * fails this event, not the batch.
 */
function storable(event: LogEvent): LogEvent | string {
  let copy: LogEvent | null = null;
  for (const key of Object.keys(event)) {
    const v = event[key] as unknown;
    if (v === undefined || v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') continue;
    if (typeof v === 'function' || typeof v === 'symbol') {
      copy ??= { ...event };
      delete copy[key];
      continue;
    }
    return `field ${JSON.stringify(key)} holds a ${typeof v}, not a string, number, boolean or null`;
  }
  return copy ?? event;
}
