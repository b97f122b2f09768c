/**
 * One open block partition file (block-schema.ts): a day of one retention
 * class, SQLite as a durable container of blocks.
 *
 * Durability as in the row store (sqlite/open-partition-file.ts): WAL with
 * synchronous=FULL, so a committed block is on stable storage when the
 * write resolves; the writer fsyncs the folder for a new file.
 *
 * Blocks never change once written (a merge writes a new block and deletes
 * its sources), so decoded headers are cached by id for as long as the
 * connection lives; the list of ids is re-read when the file changed
 * (`data_version` for other connections' commits, a counter for ours).
 */
import Database from 'better-sqlite3';
import type { FieldValue } from '@logship/query/core';
import { RollupWriter } from '../sqlite/rollup-writer.js';
import { truncateWalIfFree } from '../sqlite/wal-checkpoints.js';
import { beginWrite, OPEN_BUSY_MS, STATEMENT_BUSY_MS } from '../sqlite/locked-partition.js';
import type { PartitionKey } from '../sqlite/partition-name.js';
import { decodeColumn, encodeMetas, type ColumnMeta, type EncodedBlock } from './block-codec.js';
import { blockHeader, hasContentIds, type BlockHeader, type BlockRow } from './block-header.js';
import { BLOCK_DDL } from './block-schema.js';
import { elementBloomsMark } from './element-blooms-mark.js';
import { decompressColumn } from './column-compression.js';
import { absentColumn } from './shared-rows.js';
import { contentIdOfRow, sortContentNames } from '../normalize/content-id.js';
import type { ColumnCache } from './column-cache.js';
import { colsRows, type ColsRow } from './cols-rows.js';
import { storeError } from '../store/store-error.js';

const EVENT_ID = 'event.id';
/** The `cols` row of a block holding its content-id tags (ColumnMeta.contentIdTags), beside its columns 0…n-1. */
const TAGS_INDEX = -1;

export type Column = readonly (FieldValue | undefined)[];

/** Tells connections apart in a ColumnCache's keys. */
let serials = 0;

export class BlockPartition {
  readonly key: PartitionKey;
  readonly path: string;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly cache = new Map<number, BlockHeader>();
  private list: { version: string; headers: BlockHeader[] } | null = null;
  private localWrites = 0;
  /** A read transaction begun by beginRead is open. */
  private reading = false;
  private readonly classFingerprints = new Set<string>();
  private rollupWriter: RollupWriter | null = null;
  /** Decoded columns kept across queries (reader threads only, column-cache.ts), keyed under `cacheKey`. */
  private readonly columnCache: ColumnCache | null;
  private readonly cacheKey = `${++serials}:`;
  /** Headers keep only event.id's bloom (a connection that never queries: see writeOnly). */
  private readonly writeOnly: boolean;
  /** The first block id whose blooms hold array elements (ELEMENT_BLOOMS_FROM); blocks below it were written before. */
  private readonly elementBloomsFrom: number;

  /**
   * No connection maps the file (the row store's readers do: their index
   * lookups read a few rows from many pages). Queries here read whole
   * blobs once into JS, so a map saves a copy per page, and every page a
   * query touched counted in the server's RSS: 10M events, the bench's
   * five questions, peak RSS 259–265 → 215–217 MiB (RssFile 103 → 55),
   * latencies the same (docs/BLOCK_STORE.md "Reads").
   */
  constructor(path: string, key: PartitionKey, opts: { create: boolean; columnCache?: ColumnCache | undefined; writeOnly?: boolean }) {
    this.path = path;
    this.key = key;
    this.writeOnly = opts.writeOnly ?? false;
    this.columnCache = opts.columnCache ?? null;
    this.db = new Database(path, { fileMustExist: !opts.create });
    try {
      // Briefly while opening, not for a file another process holds (sqlite/locked-partition.ts).
      this.db.pragma(`busy_timeout = ${OPEN_BUSY_MS}`);
      // Merges delete their sources: without this the file keeps their
      // pages as free pages (100,000 events: 4.1 of 10.2 MB); vacuumFreed()
      // gives them back. Only a new, empty file can take it, and before WAL.
      if (opts.create && this.db.pragma('page_count', { simple: true }) === 0) this.db.pragma('auto_vacuum = INCREMENTAL');
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      this.db.pragma('wal_autocheckpoint = 8000');
      // A block is written once and read whole into JS (headers are cached there): SQLite's
      // own page cache (2 MB a connection by default, three connections a partition) bought
      // nothing measurable; 256 KB took 10 MB off the peak RSS of 1M events in one process.
      this.db.pragma('cache_size = -256');
      this.db.pragma('journal_size_limit = 67108864');
      if (this.db.pragma('user_version', { simple: true }) === 0) {
        // Only a new file gets the schema, in one transaction.
        this.db.exec('BEGIN IMMEDIATE');
        try {
          if (this.db.pragma('user_version', { simple: true }) === 0) this.db.exec(BLOCK_DDL);
          this.db.exec('COMMIT');
        } catch (err) {
          this.db.exec('ROLLBACK');
          throw err;
        }
      }
      this.elementBloomsFrom = elementBloomsMark(this.db);
      for (const row of this.all<{ key: string }>("SELECT key FROM meta WHERE key LIKE 'classes:%'", [])) {
        this.classFingerprints.add(row.key.slice('classes:'.length));
      }
      this.db.pragma(`busy_timeout = ${STATEMENT_BUSY_MS}`);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  all<T>(sql: string, positional: readonly unknown[], named?: Record<string, unknown>): T[] {
    const st = this.statement(sql);
    return (named && Object.keys(named).length > 0 ? st.all(...positional, named) : st.all(...positional)) as T[];
  }

  get<T>(sql: string, positional: readonly unknown[], named?: Record<string, unknown>): T | undefined {
    const st = this.statement(sql);
    return (named && Object.keys(named).length > 0 ? st.get(...positional, named) : st.get(...positional)) as T | undefined;
  }

  /** Every block's header, ascending by id (cached; see the file comment). */
  headers(): readonly BlockHeader[] {
    const version = this.version();
    if (this.list?.version === version) return this.list.headers;
    const rows = this.all<BlockRow>(
      'SELECT id, level, ts_min, ts_max, n, text_fields, nonfinite FROM blocks ORDER BY id',
      [],
    );
    const headers: BlockHeader[] = [];
    const live = new Set<number>();
    for (const r of rows) {
      live.add(r.id);
      let h = this.cache.get(r.id);
      if (!h) {
        const blob = this.get<{ metas: Buffer }>('SELECT metas FROM blocks WHERE id = ?', [r.id]);
        if (!blob) continue;
        h = blockHeader(r, blob.metas, this.writeOnly, r.id >= this.elementBloomsFrom);
        this.cache.set(r.id, h);
      }
      headers.push(h);
    }
    for (const id of this.cache.keys()) {
      if (live.has(id)) continue;
      this.cache.delete(id);
      this.columnCache?.forget(`${this.cacheKey}${id}:`);
    }
    this.list = { version, headers };
    return headers;
  }

  /**
   * The named columns of a block; a column the block lacks is all absent.
   * `event.id` comes whole: content ids are computed for the rows stored
   * without theirs (eventIds).
   */
  columns(block: BlockHeader, names: readonly string[]): Map<string, Column> {
    const out = this.decodeColumns(block, names, true);
    if (out.has(EVENT_ID) && hasContentIds(block)) out.set(EVENT_ID, this.eventIds(block, out));
    return out;
  }

  /** The stored event.ids of a block, undefined where a row's id is its content id (not hashed). */
  storedIds(block: BlockHeader): Column {
    return this.decodeColumns(block, [EVENT_ID], true).get(EVENT_ID)!;
  }

  /**
   * Each row's content-id tag (normalize/content-id.ts contentIdTag; 0 where
   * the id is stored), or null when the block keeps none (written before
   * them, or merged from such blocks).
   */
  contentIdTags(block: BlockHeader): Uint8Array | null {
    const i = block.at.get(EVENT_ID);
    if (i === undefined || block.metas[i]?.contentIdTags !== true) return null;
    const key = `${this.cacheKey}${block.id}:tags`;
    const hit = this.columnCache?.get(key);
    if (hit instanceof Uint8Array) return hit;
    const row = this.get<{ data: Buffer }>('SELECT data FROM cols WHERE block = ? AND i = ?', [block.id, TAGS_INDEX]);
    if (!row || row.data.length !== block.n) throw storeError('LS_STORE_CORRUPT_PARTITION', `block ${block.id} of ${this.path} lacks its content-id tags`);
    const tags = new Uint8Array(row.data);
    this.columnCache?.set(key, tags);
    return tags;
  }

  /** Every column of a block as stored: `event.id` undefined where it is the row's content id (eventIds). */
  allColumns(block: BlockHeader): Map<string, Column> {
    return this.decodeColumns(block, block.metas.map((m) => m.name));
  }

  /**
   * The event.id of every row: the stored id, or the content id of the row
   * (normalize/content-id.ts), which needs every column of the block (a
   * few rows: block-rows.ts readBlockRows). `have`: columns decoded already.
   */
  private eventIds(block: BlockHeader, have?: ReadonlyMap<string, Column>): string[] {
    const stored = have?.get(EVENT_ID) ?? this.decodeColumns(block, [EVENT_ID]).get(EVENT_ID)!;
    if (!hasContentIds(block)) return stored as string[];
    const names = sortContentNames(block.metas.map((m) => m.name));
    const missing = names.filter((n) => n !== EVENT_ID && !have?.has(n));
    const decoded = missing.length > 0 ? this.decodeColumns(block, missing) : new Map<string, Column>();
    const cols = names.map((n) => (n === EVENT_ID ? stored : (have?.get(n) ?? decoded.get(n)!)));
    return Array.from({ length: block.n }, (_, r) => (stored[r] as string | undefined) ?? contentIdOfRow(names, cols, r));
  }

  /** The stored data of columns `indexes` (positions in metas) of a block, ascending by position. */
  columnData(block: BlockHeader, indexes: readonly number[]): ColsRow[] {
    return colsRows((sql, args) => this.all<ColsRow>(sql, args), block, indexes);
  }

  /** Column `i` of a block decoded whole, when a query decoded it lately (column-cache.ts). */
  cachedColumn(block: BlockHeader, i: number): Column | undefined {
    const hit = this.columnCache?.get(`${this.cacheKey}${block.id}:${i}`);
    return hit instanceof Uint8Array ? undefined : hit;
  }

  /** Column `i`'s stored `data` decompressed, kept for cachedBytes (hits of the same blocks come again). */
  columnBytes(block: BlockHeader, i: number, data: Uint8Array): Uint8Array {
    const bytes = decompressColumn((block.metas[i] as ColumnMeta).encoding, data);
    this.columnCache?.set(`${this.cacheKey}${block.id}:${i}:bytes`, bytes);
    return bytes;
  }

  /** The decompressed bytes of column `i` when columnBytes kept them lately. */
  cachedBytes(block: BlockHeader, i: number): Uint8Array | undefined {
    const hit = this.columnCache?.get(`${this.cacheKey}${block.id}:${i}:bytes`);
    return hit instanceof Uint8Array ? hit : undefined;
  }

  /** The named columns as stored; `cached`: through the column cache (queries, not merges or dedupe). */
  private decodeColumns(block: BlockHeader, names: readonly string[], cached = false): Map<string, Column> {
    const out = new Map<string, Column>();
    const stored: number[] = [];
    const cache = cached ? this.columnCache : null;
    for (const name of names) {
      if (out.has(name)) continue;
      const i = block.at.get(name);
      const meta = i === undefined ? undefined : block.metas[i];
      if (i === undefined || !meta || meta.present === 0) out.set(name, cached ? absentColumn(block.n) : new Array<undefined>(block.n).fill(undefined));
      else if (meta.constValue !== undefined) out.set(name, new Array<FieldValue>(block.n).fill(meta.constValue));
      else {
        const hit = cache?.get(`${this.cacheKey}${block.id}:${i}`);
        if (hit && !(hit instanceof Uint8Array)) out.set(name, hit);
        else stored.push(i);
      }
    }
    if (stored.length > 0) {
      const rows = this.columnData(block, stored);
      for (const { i, data } of rows) {
        const meta = block.metas[i] as ColumnMeta;
        // Dictionaries only for queries (cached): a merge re-encodes and never filters.
        const values = decodeColumn(meta, data, block.n, cached);
        cache?.set(`${this.cacheKey}${block.id}:${i}`, values);
        out.set(meta.name, values);
      }
      for (const i of stored) {
        const name = (block.metas[i] as ColumnMeta).name;
        // Coded as damage: a read leaves the day out (blockContentCheck finds it), a merge leaves the block as it is.
        if (!out.has(name)) throw storeError('LS_STORE_CORRUPT_PARTITION', `block ${block.id} of ${this.path} lacks its column ${name}`);
      }
    }
    return out;
  }

  /** Inserts a block (inside the caller's transaction); nonFinite: nonFiniteFields of its events. Returns its id. */
  insertBlock(block: EncodedBlock, nonFinite: readonly string[], level: number, textFields: string): number {
    const info = this.statement('INSERT INTO blocks (level, ts_min, ts_max, n, text_fields, metas, nonfinite) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
      level,
      block.tsMin,
      block.tsMax,
      block.count,
      textFields,
      encodeMetas(block.columns.map((c) => c.meta)),
      nonFinite.length > 0 ? JSON.stringify(nonFinite) : null,
    );
    const id = Number(info.lastInsertRowid);
    const col = this.statement('INSERT INTO cols (block, i, data) VALUES (?, ?, ?)');
    block.columns.forEach((c, i) => {
      // A constant column is all in its meta; an event.id column of content ids only has nothing stored.
      if (c.data.length > 0) col.run(id, i, c.data);
    });
    if (block.contentIdTags) col.run(id, TAGS_INDEX, block.contentIdTags);
    this.localWrites++;
    return id;
  }

  /** True when every id still exists (a merge checks its sources inside its transaction). */
  hasBlocks(ids: readonly number[]): boolean {
    const n = this.get<{ n: number }>(`SELECT count(*) AS n FROM blocks WHERE id IN (${ids.map(() => '?').join(', ')})`, ids)?.n ?? 0;
    return n === ids.length;
  }

  deleteBlocks(ids: readonly number[]): void {
    const del = this.statement('DELETE FROM blocks WHERE id = ?');
    const delCols = this.statement('DELETE FROM cols WHERE block = ?');
    for (const id of ids) {
      del.run(id);
      delCols.run(id);
    }
    this.localWrites++;
  }

  /** Gives the pages of deleted blocks back to the file system (after a merge, outside a transaction). */
  vacuumFreed(): void {
    if (!this.db.inTransaction) this.db.pragma('incremental_vacuum');
  }

  /** Of these receive-stamped ids, those already stored here. */
  receivedKnown(eids: readonly string[]): Set<string> {
    const found = new Set<string>();
    if (eids.length === 0) return found;
    for (const r of this.all<{ eid: string }>('SELECT eid FROM received_ids WHERE eid IN (SELECT value FROM json_each(?))', [JSON.stringify(eids)])) {
      found.add(r.eid);
    }
    return found;
  }

  addReceived(eids: readonly string[]): void {
    const ins = this.statement('INSERT OR IGNORE INTO received_ids (eid) VALUES (?)');
    for (const eid of eids) ins.run(eid);
  }

  get rollups(): RollupWriter {
    return (this.rollupWriter ??= new RollupWriter(this.db));
  }

  noteClassFingerprint(fingerprint: string): void {
    if (this.classFingerprints.has(fingerprint)) return;
    this.statement('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(`classes:${fingerprint}`, String(Date.now()));
    this.classFingerprints.add(fingerprint);
  }

  /** True when every event here was classified with exactly this class list. */
  classifiedOnlyWith(fingerprint: string): boolean {
    return this.classFingerprints.size === 1 && this.classFingerprints.has(fingerprint);
  }

  begin(): void {
    if (!this.db.inTransaction) beginWrite(this.db);
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  commit(): void {
    if (this.db.inTransaction) this.db.exec('COMMIT');
  }

  rollback(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.rollupWriter?.reset();
    this.list = null;
    // A block of the rolled-back transaction may be cached, and its id
    // (AUTOINCREMENT rolls back too) is handed out again.
    this.cache.clear();
    this.columnCache?.forget(this.cacheKey);
    this.classFingerprints.clear();
    for (const row of this.all<{ key: string }>("SELECT key FROM meta WHERE key LIKE 'classes:%'", [])) {
      this.classFingerprints.add(row.key.slice('classes:'.length));
    }
  }

  /**
   * Starts a read transaction: a query's headers and the columns it decodes
   * later are one state of the file, though a merge on another connection
   * deletes blocks meanwhile (WAL keeps the snapshot). False when one was
   * open already (the caller then must not end it).
   */
  beginRead(): boolean {
    if (this.db.inTransaction) return false;
    this.db.exec('BEGIN');
    this.reading = true;
    // A deferred BEGIN takes its snapshot at the first read.
    this.statement('SELECT 1 FROM blocks LIMIT 1').get();
    return true;
  }

  /** Ends the read beginRead began (nothing when the pool closed the connection since). */
  endRead(): void {
    this.reading = false;
    if (this.db.open && this.db.inTransaction) this.db.exec('COMMIT');
  }

  /** Whether the open transaction is only a query's read (beginRead): closing the connection loses nothing. */
  get inReadOnly(): boolean {
    return this.reading && this.db.inTransaction;
  }

  /** Reads that must see one state of the file (rollups and the blocks beside them). */
  snapshot<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    this.db.exec('BEGIN');
    try {
      return fn();
    } finally {
      this.db.exec('COMMIT');
    }
  }

  stats(): { events: number; oldest: number | null } {
    let events = 0;
    let oldest: number | null = null;
    for (const h of this.headers()) {
      events += h.n;
      if (oldest === null || h.tsMin < oldest) oldest = h.tsMin;
    }
    return { events, oldest };
  }

  checkpointWhenIdle(): void {
    truncateWalIfFree(this.db);
  }

  close(): void {
    this.columnCache?.forget(this.cacheKey);
    if (this.db.open) this.db.close();
  }

  private version(): string {
    return `${String(this.db.pragma('data_version', { simple: true }))}:${this.localWrites}`;
  }

  private statement(sql: string): Database.Statement {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare(sql);
      this.statements.set(sql, st);
    }
    return st;
  }
}
