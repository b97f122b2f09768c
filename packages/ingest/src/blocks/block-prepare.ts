/**
 * The first half of a block write, on the thread that received the events
 * (as sqlite/prepare-write.ts for the row store):
 *
 *   events ─► check (@timestamp, event.id) ─► classify ─► expired? ─►
 *   duplicate in the batch? ─► grouped by partition (UTC day, class)
 *   (sqlite/group-batch.ts, shared with the row store) ─► per group, sorted
 *   by (ts, event.id) and ENCODED: one block, its rows' keys, rollup codes
 *
 * What crosses to the writer thread is that block, its columns not yet
 * compressed (the writer compresses them, block-codec.ts compressBlock:
 * the two threads share the CPU), and a small table per row (time, id,
 * flags, rollup codes), not the events: cloning a batch's events to the
 * writer and back into objects cost more CPU than encoding them
 * (docs/BLOCK_STORE.md "Writes"). The writer drops what is stored
 * already (block-dedupe.ts); a block that loses rows there (a retry) is
 * decoded and encoded again without them (block-refilter.ts), which fresh
 * events never need.
 */
import type { LogEvent } from '@logship/query/core';
import type { WriteResult } from '../store/log-store.js';
import type { RetentionPolicy } from '../retention/retention-policy.js';
import type { PartitionKey } from '../sqlite/partition-name.js';
import { compareKeys } from '../sqlite/search-cursor.js';
import { FLAG_FIELDS } from '../normalize/limits.js';
import { contentId, contentIdTag, CONTENT_ID_LENGTH } from '../normalize/content-id.js';
import { groupBatch, Refused, type PartitionGroup } from '../sqlite/group-batch.js';
import { encodeBlock, type EncodedBlock } from './block-codec.js';
import type { Gathered } from './gather-columns.js';
import { rollupCodes, type RollupCodes } from './block-rollup.js';
import { nonFiniteFields } from './non-finite-fields.js';

interface BlockItem {
  /** Position in the write() batch. */
  index: number;
  ts: number;
  eid: string;
  received: boolean;
  contentId: boolean;
  event: LogEvent;
}

/** One partition's share of a write, encoded; every per-row array is in the block's row order. */
export interface PreparedGroup {
  /** The partition's file name (sqlite/partition-name.ts). */
  name: string;
  key: PartitionKey;
  /** Columns raw (compression 'none'): compressBlock before storing it. */
  block: EncodedBlock;
  /** nonFiniteFields of the block's events (BlockPartition.insertBlock). */
  nonFinite: string[];
  /** Position of each row's event in the write() batch. */
  index: Int32Array;
  ts: Float64Array;
  eids: string[];
  /** 1: stamped with the receive time; a retry is stamped anew, so deduped by id alone too. */
  received: Uint8Array;
  /** 1: event.id is the event's content id (normalize/content-id.ts): the block keeps no copy. */
  contentIdRows: Uint8Array;
  rollups: RollupCodes;
}

export interface PreparedBlockWrite {
  result: WriteResult;
  groups: PreparedGroup[];
  classFingerprint: string;
}

/** contentIds, times: LogStore WriteOptions' (else every 22-character id is hashed to find out, and every time parsed). */
export function prepareBlockWrite(
  events: readonly LogEvent[],
  at: number,
  policy: RetentionPolicy,
  classFingerprint: string,
  textFields: readonly string[],
  contentIds?: readonly boolean[],
  times?: readonly number[],
): PreparedBlockWrite {
  const { result, groups } = groupBatch(events, at, policy, toBlockItem, contentIds, times);
  const prepared = new Array<PreparedGroup>(groups.length);
  for (let g = 0; g < groups.length; g++) prepared[g] = prepareGroup(groups[g]!, textFields);
  return { result, groups: prepared, classFingerprint };
}

function toBlockItem(event: LogEvent, ts: number, eid: string, index: number, contentIds: readonly boolean[] | undefined): BlockItem | Refused {
  const clean = storable(event);
  if (typeof clean === 'string') return new Refused(clean);
  const received = event[FLAG_FIELDS.noTimestamp] === true || event[FLAG_FIELDS.futureTimestamp] === true;
  return { index, ts, eid, received, contentId: eid.length === CONTENT_ID_LENGTH && (contentIds !== undefined ? contentIds[index] === true : contentId(clean, ts) === eid), event: clean };
}

/** One partition's items, sorted by (ts, event.id), as a block and its per-row table. */
function prepareGroup({ name, key, items }: PartitionGroup<BlockItem>, textFields: readonly string[]): PreparedGroup {
  items.sort(compareKeys);
  const n = items.length;
  const sorted = new Array<LogEvent>(n);
  const index = new Int32Array(n);
  const ts = new Float64Array(n);
  const eids = new Array<string>(n);
  const received = new Uint8Array(n);
  const contentIdRows = new Uint8Array(n);
  const contentIdTags = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const i = items[r]!;
    sorted[r] = i.event;
    index[r] = i.index;
    ts[r] = i.ts;
    eids[r] = i.eid;
    if (i.received) received[r] = 1;
    if (i.contentId) {
      contentIdRows[r] = 1;
      contentIdTags[r] = contentIdTag(i.eid);
    }
  }
  const gathered: { columns?: ReadonlyMap<string, Gathered> } = {};
  const block = encodeBlock(sorted, { textFields, contentIdRows, contentIdTags, compression: 'none', times: ts }, gathered);
  return {
    name,
    key,
    block,
    nonFinite: nonFiniteFields(sorted),
    index,
    ts,
    eids,
    received,
    contentIdRows,
    rollups: rollupCodes(gathered.columns!, n),
  };
}

/**
 * The event as the codec can hold it, or why not. Columns hold strings,
 * numbers, booleans and null; a function or symbol (only a careless API
 * caller can send one) is left out, as JSON would; an object or a BigInt
 * fails this event, not the batch.
 */
function storable(event: LogEvent): LogEvent | string {
  let copy: LogEvent | null = null;
  // for-in, not Object.keys: no array an event (events are plain objects, no inherited keys).
  for (const key in event) {
    if (!Object.hasOwn(event, key)) continue;
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
