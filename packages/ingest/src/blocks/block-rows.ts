/**
 * A few rows of a block rebuilt (a page of hits): only their values, not
 * whole columns (decodeColumnRows), and their event.ids from the same
 * values. Before, a hit cost every column of its block decoded in full,
 * twice when its id was a content id (docs/BLOCK_STORE.md "Reads").
 */
import type { FieldValue, LogEvent } from '@logship/query/core';
import { contentIdOfRow, contentIdTag, sortContentNames } from '../normalize/content-id.js';
import { decodeColumnRows, type ColumnMeta } from './block-codec.js';
import { columnPrefix } from './column-compression.js';
import { shapesMayHold } from './presence.js';
import type { BlockPartition, Column } from './block-partition.js';
import { hasContentIds, type BlockHeader } from './block-header.js';
import { rowEvents as eventsOf } from './row-events.js';
import { storeError } from '../store/store-error.js';

const TIMESTAMP = '@timestamp';
const EVENT_ID = 'event.id';

export interface BlockRows {
  /** Value k of each column is row rows[k]'s; columns none of the rows has are left out. */
  cols: Map<string, Column>;
  /** The event.id of each row, stored or content id. */
  ids: string[];
}

/**
 * Rows `rows` of a block (ascending, distinct): every column they have, or
 * only `fields` (+ @timestamp) when each row has its id stored, since a
 * content id hashes the whole row.
 */
export function readBlockRows(db: BlockPartition, h: BlockHeader, rows: readonly number[], fields?: readonly string[]): BlockRows {
  const want = Int32Array.from(rows);
  for (let k = 1; k < want.length; k++) if (want[k]! <= want[k - 1]!) throw new Error('readBlockRows: rows must ascend');
  const hashed = lastHashed !== null && lastHashed.db === db && lastHashed.block === h.id ? pickHashed(lastHashed.read, lastHashed.rows, want) : null;
  if (hashed !== null) return hashed;
  // Every column, event.id with them, is one range of the block's `cols`
  // rows (cols-rows.ts): whole events read so at once, and the columns of
  // a content id (a hash of the whole row) with event.id read again.
  const every = h.metas.map((m) => m.name);
  let cols = fields === undefined ? decodeRows(db, h, every, want) : null;
  const stored = (cols ?? decodeRows(db, h, [EVENT_ID], want)).get(EVENT_ID);
  const ids = rows.map((_, k) => stored?.[k] as string | undefined);
  const anyHashed = ids.includes(undefined);
  cols ??= decodeRows(db, h, fields && !anyHashed ? [TIMESTAMP, ...fields.filter((f) => f !== EVENT_ID)] : every, want);
  cols.delete(EVENT_ID);
  if (anyHashed) {
    const keys = sortContentNames([...cols.keys()]);
    const byKey = keys.map((k) => cols.get(k)!);
    for (let k = 0; k < ids.length; k++) ids[k] ??= contentIdOfRow(keys, byKey, k);
  }
  return { cols, ids: ids as string[] };
}

/**
 * Rows `rows` of a block (ascending, distinct): the columns `names`, or
 * every column they have, but never event.id, whose content ids (a hash of
 * the whole row) a caller that only counts values does not need.
 */
export function readRowColumns(db: BlockPartition, h: BlockHeader, rows: readonly number[], names?: readonly string[]): Map<string, Column> {
  return decodeRows(db, h, (names ?? h.metas.map((m) => m.name)).filter((n) => n !== EVENT_ID), Int32Array.from(rows));
}

/**
 * The rows of `rows` (ascending) whose event.id is `id` (an `event.id:X`
 * query): stored ids compared; content ids hashed only for the rows whose
 * tag (contentIdTag) is the id's, 1 in 256, where the block keeps tags,
 * else for every row stored without its id. Before the tags, a lookup
 * hashed every row of each block its bloom let through: 10–60 ms at 1M.
 */
export function rowsWithId(db: BlockPartition, h: BlockHeader, rows: readonly number[], id: string): number[] {
  const tags = hasContentIds(h) ? db.contentIdTags(h) : null;
  if (tags === null) {
    const col = db.columns(h, [EVENT_ID]).get(EVENT_ID)!;
    return rows.filter((r) => col[r] === id);
  }
  const stored = db.storedIds(h);
  const tag = contentIdTag(id);
  const out: number[] = [];
  const hash: number[] = [];
  for (const r of rows) {
    const s = stored[r];
    if (s !== undefined) {
      if (s === id) out.push(r);
    } else if (tags[r] === tag) hash.push(r);
  }
  if (hash.length > 0) {
    const read = readBlockRows(db, h, hash, []);
    const { ids } = read;
    lastHashed = { db, block: h.id, rows: Int32Array.from(hash), read };
    hash.forEach((r, k) => {
      if (ids[k] === id) out.push(r);
    });
    out.sort((a, b) => a - b);
  }
  return out;
}

/**
 * The rows rowsWithId hashed last, every column of them: the page of an
 * `event.id:X` search is one of them, rebuilt right after (readBlockRows),
 * and reading them again decompressed every column of the block a second
 * time (blocks never change, so a later query may use them too).
 */
let lastHashed: { db: BlockPartition; block: number; rows: Int32Array; read: BlockRows } | null = null;

/** Rows `want` out of `read` (the rows `have`), or null when one is not there. */
function pickHashed(read: BlockRows, have: Int32Array, want: Int32Array): BlockRows | null {
  const at: number[] = [];
  let j = 0;
  for (const r of want) {
    while (j < have.length && have[j]! < r) j++;
    if (j === have.length || have[j] !== r) return null;
    at.push(j);
  }
  const cols = new Map<string, Column>();
  for (const [name, col] of read.cols) {
    const picked = at.map((k) => col[k]);
    if (picked.some((v) => v !== undefined)) cols.set(name, picked);
  }
  return { cols, ids: at.map((k) => read.ids[k]!) };
}

/**
 * The named columns at `want`, in the order BlockPartition.allColumns
 * gives them (constant columns first, then stored ones by position), which
 * is the key order of the events a search returns.
 */
function decodeRows(db: BlockPartition, h: BlockHeader, names: readonly string[], want: Int32Array): Map<string, Column> {
  const out = new Map<string, Column>();
  const stored: number[] = [];
  const storedSet = new Set<number>();
  for (const name of names) {
    const i = h.at.get(name);
    const meta = i === undefined ? undefined : h.metas[i];
    if (i === undefined || meta === undefined || meta.present === 0 || out.has(name)) continue;
    if (meta.constValue !== undefined) out.set(name, new Array<FieldValue>(want.length).fill(meta.constValue));
    else if (!storedSet.has(i)) {
      // A set, not stored.includes: a block may hold tens of thousands of columns.
      storedSet.add(i);
      stored.push(i);
    }
  }
  // Columns a query decoded whole lately are picked from, columns decompressed
  // lately are read again without brotli (column-cache.ts); the rest is fetched.
  const whole = new Map<number, Column>();
  const bytes = new Map<number, Uint8Array>();
  const fetch: number[] = [];
  for (const i of stored) {
    const c = db.cachedColumn(h, i);
    const b = c ? undefined : db.cachedBytes(h, i);
    if (c) whole.set(i, c);
    else if (b) bytes.set(i, b);
    else fetch.push(i);
  }
  const got = db.columnData(h, fetch);
  // Its header names columns the file does not hold: damage, which reads leave out (partition-damage.ts), not a 500.
  if (got.length !== fetch.length) throw storeError('LS_STORE_CORRUPT_PARTITION', `block ${h.id} of ${db.path} lacks some of its columns`);
  for (const { i, data } of got) {
    const meta = h.metas[i] as ColumnMeta;
    // Not decompressed at all when the presence says none of these rows has it.
    if (!shapesMayHold(columnPrefix(meta.encoding, data), meta.shape, h.n, want)) continue;
    bytes.set(i, db.columnBytes(h, i, data));
  }
  for (const i of stored) {
    const meta = h.metas[i] as ColumnMeta;
    const c = whole.get(i);
    const unpacked = bytes.get(i);
    if (!c && !unpacked) continue;
    const values = c ? pickRows(c, want) : decodeColumnRows(meta, { unpacked: unpacked! }, h.n, want);
    if (values !== null) out.set(meta.name, values);
  }
  return out;
}

/**
 * Rows of readBlockRows as the events a search returns, in their order.
 * Built all at once (row-events.ts rowEvents' `all`): one row at a time, a
 * block of 40,000 distinct field names (a field explosion) cost a walk of
 * every name for every hit.
 */
export function rowEvents(rows: BlockRows, fields?: readonly string[]): LogEvent[] {
  return eventsOf(rows.cols, fields).all(rows.ids);
}

/** Rows `want` of a whole column; null when none has it (as decodeColumnRows). */
function pickRows(col: Column, want: Int32Array): (FieldValue | undefined)[] | null {
  const out = new Array<FieldValue | undefined>(want.length);
  let any = false;
  for (let k = 0; k < want.length; k++) {
    const v = col[want[k]!];
    out[k] = v;
    if (v !== undefined) any = true;
  }
  return any ? out : null;
}
