/**
 * Decoded columns of recently read blocks (and the decompressed bytes of
 * the columns hits were rebuilt from), kept across queries on a reader
 * thread, least recently used first out, within a byte budget.
 *
 * Blocks never change once written and their ids are never reused in a
 * file (AUTOINCREMENT), so an entry is keyed by the connection that read it
 * (a serial per BlockPartition: a file deleted and created again is a new
 * connection) and the block id; it never goes stale, only unused once a
 * merge deletes its block (headers() forgets those). The one exception, a
 * block of a rolled-back transaction whose id is handed out again, only
 * happens on a writing connection: BlockPartition.rollback() forgets all of
 * that connection's entries.
 *
 * Why: a search's exact total decodes the query's columns over the whole
 * range (1M events, 24 h: ~14 blocks) on every request, and every page of
 * a paged search counts again; brotli and parsing were most of it.
 */
import type { FieldValue } from '@logship/query/core';
import { columnDictionary } from './column-dictionary.js';

type Values = readonly (FieldValue | undefined)[];
/** A column decoded whole, or a column's bytes decompressed (rebuilding hits reads a few rows of every column). */
type Entry = Values | Uint8Array;

/**
 * Reader threads' budget each (docs/BLOCK_STORE.md "Reads"): the 10M
 * bench's three searches over 24 h hold ~28 MB of heap, and what the cache
 * holds is resident memory of the server.
 */
export const READER_COLUMN_CACHE_BYTES = 32 * 1024 * 1024;

export class ColumnCache {
  private readonly entries = new Map<string, { values: Entry; bytes: number; query: number }>();
  private used = 0;
  private query = 0;

  constructor(readonly maxBytes: number) {}

  /**
   * Starts a query: what it reads it may not evict for itself. A query
   * whose columns outgrow the budget would otherwise evict its own first
   * blocks to keep its last ones, and the next pass over the same range
   * would find none of them (least recently used is the worst order for a
   * repeated scan); so it keeps what it read first and decodes the rest
   * each time, which also leaves those columns young garbage instead of
   * old-generation objects evicted a moment later.
   */
  nextQuery(): void {
    this.query++;
  }

  get(key: string): Entry | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    // Map order is insertion order: moving it to the end makes it the newest.
    this.entries.delete(key);
    this.entries.set(key, e);
    e.query = this.query;
    return e.values;
  }

  set(key: string, values: Entry): void {
    const bytes = values instanceof Uint8Array ? 64 + values.byteLength : estimateBytes(values);
    // One huge column must not empty the cache for itself.
    if (bytes > this.maxBytes / 4) return;
    this.delete(key);
    // Room made only from entries earlier queries used last (nextQuery).
    let room = this.maxBytes - this.used;
    if (room < bytes) {
      for (const e of this.entries.values()) {
        if (e.query === this.query) break;
        room += e.bytes;
        if (room >= bytes) break;
      }
      if (room < bytes) return;
    }
    for (const [k] of this.entries) {
      if (this.used + bytes <= this.maxBytes) break;
      this.delete(k);
    }
    this.entries.set(key, { values, bytes, query: this.query });
    this.used += bytes;
  }

  /** Drops every entry whose key starts with `prefix` (a connection's, or one block's). */
  forget(prefix: string): void {
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.delete(k);
  }

  get bytes(): number {
    return this.used;
  }

  private delete(key: string): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    this.used -= e.bytes;
  }
}

/**
 * Roughly what the array holds on the heap: a slot per row, plus its
 * strings, judged from 256 of them. A string seen twice in the sample is
 * counted once: a dictionary column's values are the same few string
 * objects in every row (string-values.ts lookup), and counting each row's
 * copy made 24 h of the 10M bench's query columns look 3x their heap size
 * (60 MB estimated, 21 MB freed), so a working set that fit was evicted
 * on every pass and each search decoded everything again, slower than
 * with no cache (GC of the evicted columns). Equal strings of a plain
 * column are separate copies; a plain column has more than half its
 * values distinct (writeStrings), so those are undercounted by less than
 * half. Counting every string was ~1 ms a column of 16k rows.
 */
export function estimateBytes(values: Values): number {
  const n = values.length;
  const step = Math.max(1, Math.floor(n / 256));
  const seen = new Set<string>();
  let sampled = 0;
  let distinct = 0;
  for (let i = 0; i < n; i += step) {
    sampled++;
    const v = values[i];
    if (typeof v !== 'string' || seen.has(v)) continue;
    seen.add(v);
    distinct += 16 + v.length;
  }
  // A string column's dictionary codes (column-dictionary.ts).
  const codes = columnDictionary(values)?.codes.byteLength ?? 0;
  return 64 + n * 8 + codes + Math.ceil((distinct * n) / Math.max(1, sampled));
}
