/**
 * One open partition database: a day of one retention class. Its file is
 * opened (durability, checkpoints, a new file's schema) by
 * open-partition-file.ts; this prepares the statements that write rows and
 * reads through a cache of statements (statement-cache.ts).
 */
import type Database from 'better-sqlite3';
import type { LogEvent } from '@logship/query/core';
import { DocPath, DocPattern, DocPrefix, TextCover } from './compile-sql.js';
import { DocKeys } from './doc-keys.js';
import { COLUMNS, encodeDoc, rowToEvent, type EventRow, type StoredRow } from './event-row.js';
import { TEXT_FTS_DDL } from './partition-schema.js';
import type { PartitionKey } from './partition-name.js';
import { RollupWriter } from './rollup-writer.js';
import { MINUTE_MS } from './rollup.js';
import { registerSqlFunctions } from './sql-functions.js';
import { truncateWalIfFree } from './wal-checkpoints.js';
import { beginWrite, STATEMENT_BUSY_MS } from './locked-partition.js';
import { openPartitionFile } from './open-partition-file.js';
import { ridBounds } from './rid-bounds.js';
import { StatementCache } from './statement-cache.js';

/**
 * Planner statistics (ANALYZE, with STAT4 samples of each index) are
 * refreshed when a partition has doubled in rows since the last run, from
 * this size on. Without them SQLite guesses every equality on an indexed
 * column alike and, for `logger:X AND user_id:Y`, may walk the index with
 * 112,000 entries instead of the one with 30,000 (100 ms instead of 45 ms on
 * a 1.5M-event day). ANALYZE of such a day takes ~0.6 s, and doubling keeps
 * the total for a day under twice that.
 */
const ANALYZE_MIN_ROWS = 5000;
/** A TextCover bound for fields text_fts does not hold: `rid < ALL_ROWS` is every row. */
const ALL_ROWS = Number.MAX_SAFE_INTEGER;

export class PartitionDb {
  readonly key: PartitionKey;
  readonly path: string;
  private readonly db: Database.Database;
  private readonly statements: StatementCache;
  private readonly insertRow: Database.Statement;
  private readonly insertText: Database.Statement;
  /** Null before version 4, which has no `text_fts`. */
  private readonly insertOtherText: Database.Statement | null;
  /** The fields text_fts holds for every row (meta `text_fields`), by data_version. */
  private textFieldsCache: { version: string; fields: ReadonlySet<string> } | null = null;
  /** The text-field list this connection's inserts index, once recorded (noteTextFields). */
  private notedTextFields: string | null = null;
  /** Null in a version 1 file, where eid alone is UNIQUE. */
  private readonly insertReceived: Database.Statement | null;
  /** Null before version 3, which has no `minute_rids`. */
  private readonly upsertMinute: Database.Statement | null;
  /** partition-schema.ts SCHEMA_VERSION this file was created with. */
  private readonly version: number;
  /** Rows (max rid) when ANALYZE last ran here, from `meta`. */
  private analyzedRows: number;
  private readonly keys: DocKeys;
  private readonly rollups: RollupWriter;
  /** Inserts through this connection (data_version only sees other connections' commits). */
  private localWrites = 0;
  private statsCache: { version: string; events: number; oldest: number | null } | null = null;
  /** Fingerprints of the retention class lists events were classified with here. */
  private readonly classFingerprints = new Set<string>();

  constructor(path: string, key: PartitionKey, opts: { create: boolean; mmap?: boolean }) {
    this.path = path;
    this.key = key;
    this.db = openPartitionFile(path, opts);
    this.statements = new StatementCache(this.db);
    try {
      this.version = this.db.pragma('user_version', { simple: true }) as number;
      registerSqlFunctions(this.db);
      this.insertRow = this.db.prepare(
        `INSERT OR IGNORE INTO events (ts, eid, ${COLUMNS.map((c) => `"${c}"`).join(', ')}, doc)
         VALUES (?, ?, ${COLUMNS.map(() => '?').join(', ')}, ?)`,
      );
      this.insertText = this.db.prepare('INSERT INTO message_fts (rowid, body) VALUES (?, ?)');
      if (this.version >= 4) {
        this.insertOtherText = this.db.prepare('INSERT INTO text_fts (rowid, body) VALUES (?, ?)');
      } else {
        // Queries name text_fts; an older file answers them from an empty
        // table in the connection's own temp schema (nothing is written to
        // the file), and TextCover makes them check every row.
        this.db.exec(TEXT_FTS_DDL.replace('IF NOT EXISTS text_fts', 'IF NOT EXISTS temp.text_fts'));
        this.insertOtherText = null;
      }
      this.insertReceived = this.version >= 2 ? this.db.prepare('INSERT OR IGNORE INTO received_ids (eid) VALUES (?)') : null;
      this.upsertMinute =
        this.version >= 3
          ? this.db.prepare(
              `INSERT INTO minute_rids (minute, lo, hi) VALUES (?, ?, ?)
               ON CONFLICT (minute) DO UPDATE SET lo = min(lo, excluded.lo), hi = max(hi, excluded.hi)`,
            )
          : null;
      this.keys = new DocKeys(this.db);
      const analyzed = this.db.prepare("SELECT value FROM meta WHERE key = 'analyzed_rows'").get() as { value: string } | undefined;
      this.analyzedRows = Number(analyzed?.value ?? 0);
      this.rollups = new RollupWriter(this.db);
      for (const row of this.db.prepare("SELECT key FROM meta WHERE key LIKE 'classes:%'").all() as { key: string }[]) {
        this.classFingerprints.add(row.key.slice('classes:'.length));
      }
      this.db.pragma(`busy_timeout = ${STATEMENT_BUSY_MS}`);
    } catch (err) {
      this.db.close();
      throw err;
    }
  }

  /**
   * Inserts the rows in one transaction (a savepoint inside begin()/commit());
   * returns the positions in `rows` of those that were new (the rest were
   * already stored: the same (ts, event.id), or for an event stamped with
   * its receive time, the same event.id).
   */
  insert(rows: readonly EventRow[]): number[] {
    let stored: number[] = [];
    const codeFor = (name: string): string => this.keys.codeFor(name);
    const write = this.db.transaction(() => {
      stored = [];
      // minute → [lowest rid, highest rid] of this batch's new rows (files with minute_rids).
      const minutes = this.upsertMinute ? new Map<number, [number, number]>() : null;
      for (const [i, row] of rows.entries()) {
        if (row.received && this.insertReceived && this.insertReceived.run(row.eid).changes === 0) continue;
        const info = this.insertRow.run(row.ts, row.eid, ...row.cols, encodeDoc(row.doc, codeFor));
        if (info.changes === 0) continue;
        stored.push(i);
        if (minutes) {
          const rid = Number(info.lastInsertRowid);
          const minute = Math.floor(row.ts / MINUTE_MS);
          const span = minutes.get(minute);
          if (!span) minutes.set(minute, [rid, rid]);
          else span[1] = rid;
        }
        if (row.text !== null) this.insertText.run(info.lastInsertRowid, row.text);
        if (row.otherText !== null && this.insertOtherText) this.insertOtherText.run(info.lastInsertRowid, row.otherText);
      }
      if (minutes && this.upsertMinute) for (const [minute, [lo, hi]] of minutes) this.upsertMinute.run(minute, lo, hi);
      this.rollups.add(rows, stored);
    });
    this.localWrites++;
    try {
      write();
    } catch (err) {
      // Codes created in the rolled-back transaction are gone from the table.
      this.keys.reload();
      this.rollups.reset();
      this.notedTextFields = null;
      throw err;
    }
    return stored;
  }

  /**
   * Records that events written here were classified with this class list
   * (inside the caller's transaction; a no-op when already recorded).
   */
  noteClassFingerprint(fingerprint: string): void {
    if (this.classFingerprints.has(fingerprint)) return;
    this.db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run(`classes:${fingerprint}`, String(Date.now()));
    this.classFingerprints.add(fingerprint);
  }

  /**
   * Records which text fields (other than message) the rows this
   * connection inserts index in text_fts (inside the caller's transaction).
   * A new file takes the list; a file written with another list keeps only
   * the fields both lists have, since its older rows lack the others.
   */
  noteTextFields(fields: readonly string[]): void {
    if (!this.insertOtherText) return;
    const key = JSON.stringify(fields);
    if (this.notedTextFields === key) return;
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'text_fields'").get() as { value: string } | undefined;
    const before = row ? (JSON.parse(row.value) as string[]) : null;
    const after = before === null ? [...fields] : before.filter((f) => fields.includes(f));
    if (before === null || after.length !== before.length) {
      this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('text_fields', ?)").run(JSON.stringify(after));
    }
    this.notedTextFields = key;
  }

  /** The text fields text_fts holds for every row of this file (none before version 4). */
  private indexedTextFields(): ReadonlySet<string> {
    if (!this.insertOtherText) return new Set();
    const version = `${String(this.db.pragma('data_version', { simple: true }))}:${this.localWrites}`;
    if (this.textFieldsCache?.version !== version) {
      const row = this.db.prepare("SELECT value FROM meta WHERE key = 'text_fields'").get() as { value: string } | undefined;
      this.textFieldsCache = { version, fields: new Set(row ? (JSON.parse(row.value) as string[]) : []) };
    }
    return this.textFieldsCache.fields;
  }

  /** True when every event here was classified with exactly this class list. */
  classifiedOnlyWith(fingerprint: string): boolean {
    return this.classFingerprints.size === 1 && this.classFingerprints.has(fingerprint);
  }

  /** The writer calls this once it has been idle (batch-writer.ts). */
  checkpointWhenIdle(): void {
    truncateWalIfFree(this.db);
  }

  /** Opens a transaction that later insert() calls join (group commit). */
  begin(): void {
    if (!this.db.inTransaction) beginWrite(this.db);
  }

  /** False once SQLite rolled back begin()'s transaction by itself (a failed insert's SQLITE_FULL, batch-writer.ts). */
  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  commit(): void {
    if (this.db.inTransaction) this.db.exec('COMMIT');
  }

  rollback(): void {
    if (this.db.inTransaction) this.db.exec('ROLLBACK');
    this.keys.reload();
    this.rollups.reset();
    this.notedTextFields = null;
    // A class list noted in the transaction is gone with it: noted again by the next write (disk-full-write.test.ts).
    this.classFingerprints.clear();
    for (const row of this.db.prepare("SELECT key FROM meta WHERE key LIKE 'classes:%'").all() as { key: string }[]) this.classFingerprints.add(row.key.slice('classes:'.length));
  }

  /** Begins a query's read transaction, its snapshot taken now (partitioned-store.ts cutRead); false when one is open already. */
  beginRead(): boolean {
    if (this.db.inTransaction) return false;
    this.db.exec('BEGIN');
    // A deferred BEGIN takes its snapshot at the first read.
    this.get('SELECT 1 FROM events LIMIT 1', []);
    return true;
  }

  /** Ends what beginRead began (nothing when the pool closed the connection since). */
  endRead(): void {
    if (this.db.open && this.db.inTransaction) this.db.exec('COMMIT');
  }

  /**
   * Runs reads that must see one state of the file (a rollup, its `meta`
   * flags and the rows next to it: rollup-query.ts) in one transaction.
   */
  snapshot<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /**
   * Event count and oldest timestamp, recounted only when the partition
   * changed: `logship retention status` and /metrics ask for every
   * partition, and counting a large one scans an index.
   */
  stats(): { events: number; oldest: number | null } {
    const version = `${String(this.db.pragma('data_version', { simple: true }))}:${this.localWrites}`;
    if (this.statsCache?.version !== version) {
      const row = this.get<{ n: number; oldest: number | null }>('SELECT count(*) AS n, min(ts) AS oldest FROM events', []);
      this.statsCache = { version, events: row?.n ?? 0, oldest: row?.oldest ?? null };
    }
    return { events: this.statsCache.events, oldest: this.statsCache.oldest };
  }

  /**
   * Refreshes the planner statistics when the partition has doubled since
   * they were taken (see ANALYZE_MIN_ROWS); the writer calls it after a
   * commit, outside any transaction. True when it ran.
   */
  analyzeIfGrown(): boolean {
    if (!this.db.open || this.db.inTransaction) return false;
    const rows = this.get<{ n: number | null }>('SELECT max(rid) AS n FROM events', [])?.n ?? 0;
    if (rows < ANALYZE_MIN_ROWS || rows < 2 * this.analyzedRows) return false;
    this.db.transaction(() => {
      this.db.exec('ANALYZE events');
      this.db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('analyzed_rows', ?)").run(String(rows));
    }).immediate();
    this.analyzedRows = rows;
    return true;
  }

  /**
   * The event ids of `rows` this partition already holds as the same event:
   * by (ts, eid), and by eid alone for events stamped with the receive time
   * (as insert() decides).
   */
  existingIds(rows: readonly EventRow[]): Set<string> {
    const found = new Set<string>();
    const byId = this.version >= 2 ? rows.filter((r) => r.received) : rows;
    if (byId.length > 0) {
      const sql = this.version >= 2
        ? 'SELECT eid FROM received_ids WHERE eid IN (SELECT value FROM json_each(?))'
        : 'SELECT eid FROM events WHERE eid IN (SELECT value FROM json_each(?))';
      for (const r of this.all<{ eid: string }>(sql, [JSON.stringify(byId.map((r) => r.eid))])) found.add(r.eid);
    }
    const byPair = this.version >= 2 ? rows.filter((r) => !r.received) : [];
    if (byPair.length > 0) {
      const sql = `SELECT eid FROM events WHERE (ts, eid) IN
        (SELECT value ->> 0, value ->> 1 FROM json_each(?))`;
      for (const r of this.all<{ eid: string }>(sql, [JSON.stringify(byPair.map((r) => [r.ts, r.eid]))])) found.add(r.eid);
    }
    return found;
  }

  /** The SQL condition (and its arguments) for rows with `ts` in [from, to], with ridBounds(). */
  timeFilter(from: number, to: number, where: string): { sql: string; args: number[] } {
    const bounds = this.ridBounds(from, to, where);
    return { sql: `ts >= ? AND ts <= ?${bounds.sql}`, args: [from, to, ...bounds.args] };
  }

  /**
   * Where `minute_rids` can tell (files from version 3), the rid bounds of
   * the minutes of [from, to] as SQL to append to a ts range (rid-bounds.ts).
   */
  ridBounds(from: number, to: number, where: string): { sql: string; args: number[] } {
    if (!this.upsertMinute) return { sql: '', args: [] };
    return ridBounds((sql, positional) => this.get(sql, positional), from, to, where);
  }

  /**
   * Runs a query with positional arguments and, optionally, named ones;
   * named DocPath values become this partition's JSON path for the field.
   */
  all<T>(sql: string, positional: readonly unknown[], named?: Record<string, unknown>): T[] {
    return this.statements.get(sql).all(...this.args(positional, named)) as T[];
  }

  /** Calls `each` with every row, one at a time (no array of rows). */
  eachRow<T>(sql: string, positional: readonly unknown[], named: Record<string, unknown> | undefined, each: (row: T) => void): void {
    for (const row of this.statements.get(sql).iterate(...this.args(positional, named))) each(row as T);
  }

  /** Calls `each` with the first column of every row, one at a time (no array of rows). */
  eachValue(sql: string, positional: readonly unknown[], named: Record<string, unknown> | undefined, each: (value: unknown) => void): void {
    // A statement of its own (the comment makes the text differ): pluck() stays set on a cached statement.
    for (const v of this.statements.get(`/* pluck */ ${sql}`).pluck(true).iterate(...this.args(positional, named))) each(v);
  }

  get<T>(sql: string, positional: readonly unknown[], named?: Record<string, unknown>): T | undefined {
    return this.statements.get(sql).get(...this.args(positional, named)) as T | undefined;
  }

  /** A stored row back as an event (doc key codes decoded). */
  toEvent(row: StoredRow, fields?: readonly string[]): LogEvent {
    return rowToEvent(row, (code) => this.keys.nameOf(code), fields);
  }

  private args(positional: readonly unknown[], named?: Record<string, unknown>): unknown[] {
    if (!named || Object.keys(named).length === 0) return [...positional];
    const bound: Record<string, unknown> = {};
    this.keys.lookup(() => {
      for (const [name, value] of Object.entries(named)) {
        if (value instanceof DocPath) bound[name] = this.keys.pathOf(value.field);
        else if (value instanceof DocPrefix) bound[name] = JSON.stringify(this.keys.pathsUnder(value.prefix));
        else if (value instanceof DocPattern) bound[name] = JSON.stringify(this.keys.pathsMatching(value.pattern, value.except));
        else if (value instanceof TextCover) {
          // 0: text_fts holds these fields for every row, so `rid < 0` adds
          // none; otherwise every row is a candidate for the exact check.
          const indexed = this.indexedTextFields();
          bound[name] = value.fields.every((f) => indexed.has(f)) ? 0 : ALL_ROWS;
        } else bound[name] = value;
      }
    });
    return [...positional, bound];
  }

  close(): void {
    this.statements.clear();
    if (this.db.open) this.db.close();
  }
}
