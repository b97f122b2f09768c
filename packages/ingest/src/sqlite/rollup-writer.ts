/**
 * Adds a batch's stored rows to the partition's rollup (rollup.ts), inside
 * the caller's transaction, so counts and rows commit or vanish together.
 *
 * A batch is summed in a Map first: ingest batches are mostly in time
 * order, so a thousand events become a few hundred upserts, not ten
 * thousand.
 *
 * The dictionary (field → terms key → code, whose size per field is what
 * the cap counts) and the switched-off fields are cached per connection,
 * read once on the first write; new codes are inserted into `rollup_keys`
 * in the same transaction as their counts. Any rollback drops the cache,
 * since it may hold codes that were rolled back. The cache is only a hint
 * for the cap: readers go by the `meta` rows, written in the same
 * transaction as the deletion of the field's counts.
 */
import type Database from 'better-sqlite3';
import { COLUMN_AT, type EventRow } from './event-row.js';
import { MINUTE_MS, ROLLUP_CAP, ROLLUP_FIELDS } from './rollup.js';
import { ROLLUP_BIRTH_KEY, ROLLUP_EVENTS_CODE, ROLLUP_OFF_END, ROLLUP_OFF_PREFIX } from './rollup-schema.js';

interface RollupState {
  off: Set<string>;
  /** field → terms key → rollup_keys code (field '' is not in it: ROLLUP_EVENTS_CODE). */
  codes: Map<string, Map<string, number>>;
}

/** Rolled-up fields with their position in EventRow.cols. */
const ROLLUP_COLUMNS: readonly (readonly [string, number])[] = ROLLUP_FIELDS.map((f) => [f, COLUMN_AT.get(f) as number]);

/** code → minute → events */
type Counts = Map<number, Map<number, number>>;

export class RollupWriter {
  /** False for files created before this rollup layout: never start one halfway. */
  private readonly enabled: boolean;
  private state: RollupState | null = null;
  private upsert: Database.Statement | null = null;
  private insertKey: Database.Statement | null = null;
  private findKey: Database.Statement | null = null;

  constructor(private readonly db: Database.Database) {
    this.enabled = db.prepare('SELECT 1 FROM meta WHERE key = ?').get(ROLLUP_BIRTH_KEY) !== undefined;
  }

  /** Counts rows[i] for every i in `stored` (the rows that were new). */
  add(rows: readonly EventRow[], stored: readonly number[]): void {
    if (stored.length === 0) return;
    this.count((emit) => {
      for (const i of stored) {
        const row = rows[i];
        if (!row) continue;
        const minute = Math.floor(row.ts / MINUTE_MS);
        emit(minute, null, '');
        for (const [field, at] of ROLLUP_COLUMNS) {
          const v = row.cols[at];
          if (v !== null && v !== undefined) emit(minute, field, String(v));
        }
        const keys = row.rollupKeys;
        if (keys === null) continue;
        for (let k = 0; k < keys.length; k += 2) emit(minute, keys[k] as string, keys[k + 1] as string);
      }
    });
  }

  /**
   * Counts what `each` emits: (minute, null, '') once per event, and
   * (minute, field, terms key) per rolled-up field the event has, or `n`
   * times that many at once. The block store (blocks/block-rollup.ts)
   * emits sums from its rollup codes, this store's add() from its rows.
   */
  count(each: (emit: (minute: number, field: string | null, key: string, n?: number) => void) => void): void {
    if (!this.enabled) return;
    const state = (this.state ??= this.load());
    const counts: Counts = new Map();
    const dropping = new Set<string>();
    const bump = (code: number, minute: number, n: number): void => {
      let byMinute = counts.get(code);
      if (!byMinute) counts.set(code, (byMinute = new Map()));
      byMinute.set(minute, (byMinute.get(minute) ?? 0) + n);
    };
    each((minute, field, key, n = 1) => {
      if (field === null) return bump(ROLLUP_EVENTS_CODE, minute, n);
      if (state.off.has(field) || dropping.has(field)) return;
      let byKey = state.codes.get(field);
      if (!byKey) state.codes.set(field, (byKey = new Map()));
      let code = byKey.get(key);
      if (code === undefined) {
        if (byKey.size >= ROLLUP_CAP) {
          dropping.add(field);
          return;
        }
        code = this.newCode(field, key);
        byKey.set(key, code);
      }
      bump(code, minute, n);
    });
    for (const field of dropping) this.switchOff(state, field, counts);
    this.upsert ??= this.db.prepare(
      'INSERT INTO rollup_counts (key, minute, n) VALUES (?, ?, ?) ON CONFLICT (key, minute) DO UPDATE SET n = n + excluded.n',
    );
    for (const [code, byMinute] of counts) {
      for (const [minute, n] of byMinute) this.upsert.run(code, minute, n);
    }
  }

  /** Forgets the cached state (after a rollback). */
  reset(): void {
    this.state = null;
  }

  /**
   * Inserts a dictionary row. OR IGNORE and the look-up after it cost
   * nothing here (this connection's cache said the pair is new) but keep a
   * write from failing should another connection have added the pair.
   */
  private newCode(field: string, key: string): number {
    this.insertKey ??= this.db.prepare('INSERT OR IGNORE INTO rollup_keys (field, value) VALUES (?, ?)');
    const info = this.insertKey.run(field, key);
    if (info.changes > 0) return Number(info.lastInsertRowid);
    this.findKey ??= this.db.prepare('SELECT code FROM rollup_keys WHERE field = ? AND value = ?');
    return (this.findKey.get(field, key) as { code: number }).code;
  }

  /**
   * Deletes the field's counts and its dictionary rows too: a field is
   * never switched back on in a partition, so its (up to ROLLUP_CAP) codes
   * would only cost disk, and the disk budget is what this layout is for.
   * A freed code may be handed out again later (no AUTOINCREMENT), which is
   * safe since no count row keeps it.
   */
  private switchOff(state: RollupState, field: string, counts: Counts): void {
    state.off.add(field);
    for (const code of state.codes.get(field)?.values() ?? []) counts.delete(code);
    state.codes.delete(field);
    this.db.prepare('DELETE FROM rollup_counts WHERE key IN (SELECT code FROM rollup_keys WHERE field = ?)').run(field);
    this.db.prepare('DELETE FROM rollup_keys WHERE field = ?').run(field);
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(ROLLUP_OFF_PREFIX + field, String(Date.now()));
  }

  private load(): RollupState {
    const off = new Set<string>();
    for (const { key } of this.db.prepare('SELECT key FROM meta WHERE key > ? AND key < ?').all(ROLLUP_OFF_PREFIX, ROLLUP_OFF_END) as { key: string }[]) {
      off.add(key.slice(ROLLUP_OFF_PREFIX.length));
    }
    const codes = new Map<string, Map<string, number>>();
    const rows = this.db.prepare('SELECT code, field, value FROM rollup_keys WHERE code != ?').all(ROLLUP_EVENTS_CODE) as { code: number; field: string; value: string }[];
    for (const { code, field, value } of rows) {
      let byKey = codes.get(field);
      if (!byKey) codes.set(field, (byKey = new Map()));
      byKey.set(value, code);
    }
    return { off, codes };
  }
}
