/**
 * Adds a batch's stored rows to the partition's rollup (rollup.ts), inside
 * the caller's transaction, so counts and rows commit or vanish together.
 *
 * A batch is summed in a Map first: ingest batches are mostly in time
 * order, so a thousand events become a few hundred upserts, not ten
 * thousand.
 *
 * The distinct values per field (for the cap) and the switched-off fields
 * are cached per connection, read once on the first write; any rollback
 * drops the cache, since it may hold what was rolled back. The cache is
 * only a hint for the cap: readers go by the `meta` rows, written in the
 * same transaction as the deletion of the field's counts.
 */
import type Database from 'better-sqlite3';
import type { EventRow } from './event-row.js';
import { PROMOTED_COLUMNS } from './partition-schema.js';
import { MINUTE_MS, ROLLUP_CAP, ROLLUP_FIELDS, docValueKey, isRollupField } from './rollup.js';
import { ROLLUP_BIRTH_KEY, ROLLUP_OFF_END, ROLLUP_OFF_PREFIX } from './rollup-schema.js';

interface RollupState {
  off: Set<string>;
  values: Map<string, Set<string>>;
}

/** field → minute → key → events */
type Counts = Map<string, Map<number, Map<string, number>>>;

export class RollupWriter {
  /** False for files created before rollups: never start one halfway. */
  private readonly enabled: boolean;
  private state: RollupState | null = null;
  private upsert: Database.Statement | null = null;

  constructor(private readonly db: Database.Database) {
    this.enabled = db.prepare('SELECT 1 FROM meta WHERE key = ?').get(ROLLUP_BIRTH_KEY) !== undefined;
  }

  /** Counts rows[i] for every i in `stored` (the rows that were new). */
  add(rows: readonly EventRow[], stored: readonly number[]): void {
    if (!this.enabled || stored.length === 0) return;
    const state = (this.state ??= this.load());
    const counts: Counts = new Map();
    const dropping = new Set<string>();
    const count = (field: string, minute: number, key: string): void => {
      if (state.off.has(field) || dropping.has(field)) return;
      if (field !== '') {
        let seen = state.values.get(field);
        if (!seen) state.values.set(field, (seen = new Set()));
        if (!seen.has(key)) {
          seen.add(key);
          if (seen.size > ROLLUP_CAP) {
            dropping.add(field);
            return;
          }
        }
      }
      let byMinute = counts.get(field);
      if (!byMinute) counts.set(field, (byMinute = new Map()));
      let byKey = byMinute.get(minute);
      if (!byKey) byMinute.set(minute, (byKey = new Map()));
      byKey.set(key, (byKey.get(key) ?? 0) + 1);
    };
    for (const i of stored) {
      const row = rows[i];
      if (!row) continue;
      const minute = Math.floor(row.ts / MINUTE_MS);
      count('', minute, '');
      for (const field of ROLLUP_FIELDS) {
        const v = row.cols[PROMOTED_COLUMNS[field] as string];
        if (v !== null && v !== undefined) count(field, minute, String(v));
      }
      if (row.doc === null) continue;
      for (const [name, value] of row.doc) {
        if (!isRollupField(name)) continue;
        const key = docValueKey(value);
        if (key !== null) count(name, minute, key);
      }
    }
    for (const field of dropping) this.switchOff(state, field, counts);
    this.upsert ??= this.db.prepare(
      'INSERT INTO rollup (field, minute, value, n) VALUES (?, ?, ?, ?) ON CONFLICT (field, minute, value) DO UPDATE SET n = n + excluded.n',
    );
    for (const [field, byMinute] of counts) {
      for (const [minute, byKey] of byMinute) for (const [key, n] of byKey) this.upsert.run(field, minute, key, n);
    }
  }

  /** Forgets the cached state (after a rollback). */
  reset(): void {
    this.state = null;
  }

  private switchOff(state: RollupState, field: string, counts: Counts): void {
    state.off.add(field);
    state.values.delete(field);
    counts.delete(field);
    this.db.prepare('DELETE FROM rollup WHERE field = ?').run(field);
    this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)').run(ROLLUP_OFF_PREFIX + field, String(Date.now()));
  }

  private load(): RollupState {
    const off = new Set<string>();
    for (const { key } of this.db.prepare('SELECT key FROM meta WHERE key > ? AND key < ?').all(ROLLUP_OFF_PREFIX, ROLLUP_OFF_END) as { key: string }[]) {
      off.add(key.slice(ROLLUP_OFF_PREFIX.length));
    }
    const values = new Map<string, Set<string>>();
    for (const { field, value } of this.db.prepare("SELECT DISTINCT field, value FROM rollup WHERE field != ''").all() as { field: string; value: string }[]) {
      let seen = values.get(field);
      if (!seen) values.set(field, (seen = new Set()));
      seen.add(value);
    }
    return { off, values };
  }
}
