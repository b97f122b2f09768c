/**
 * The read side of rollups (rollup.ts): whether a partition's rollup may
 * answer, and its sums over whole minutes. Callers run these and the row
 * queries for the partial minutes inside one PartitionDb.snapshot(), so the
 * `meta` check, the counts and the rows are one state of the file.
 */
import { addTermsKey } from '@logship/query/core';
import type { PartitionDb } from './partition-db.js';

/** What the rollup reads need of a connection: PartitionDb, or the block store's partition. */
export type RollupSource = Pick<PartitionDb, 'all' | 'get'>;
import { MINUTE_MS, isRollupField, splitMinutes } from './rollup.js';
import { checkTermsKeys } from './top-terms.js';
import { ROLLUP_BIRTH_KEY, ROLLUP_EVENTS_CODE, ROLLUP_OFF_END, ROLLUP_OFF_PREFIX } from './rollup-schema.js';

export interface RollupPlan {
  /** Whole minutes [first, last] read from the rollup. */
  minutes: [number, number];
  /** ms ranges at the ends read from the rows. */
  rows: { from: number; to: number }[];
}

/**
 * How to answer [from, to] of this partition for `field` ('' = event
 * counts only), or null for rows only: a file older than rollups, a field
 * that is not rolled up (or was switched off here), or no whole minute.
 */
export function planRollup(
  db: RollupSource,
  from: number,
  to: number,
  field: string,
  /** How the range splits into whole buckets (the block store's rollups are hourly). */
  splitRange: typeof splitMinutes = splitMinutes,
): RollupPlan | null {
  if (field !== '' && !isRollupField(field)) return null;
  if (!Number.isFinite(from) || !Number.isFinite(to)) return null;
  const split = splitRange(from, to);
  if (!split.minutes) return null;
  const meta = db.all<{ key: string }>('SELECT key FROM meta WHERE key = ? OR (key > ? AND key < ?)', [
    ROLLUP_BIRTH_KEY,
    ROLLUP_OFF_PREFIX,
    ROLLUP_OFF_END,
  ]);
  if (!meta.some((m) => m.key === ROLLUP_BIRTH_KEY)) return null;
  if (field !== '' && meta.some((m) => m.key === ROLLUP_OFF_PREFIX + field)) return null;
  return { minutes: split.minutes, rows: split.rows };
}

/**
 * Terms keys of `field` with their counts, and all events, over whole minutes.
 * The field's codes come from the UNIQUE (field, value) index in value
 * order, each one's minutes from the primary key (key, minute).
 */
export function rollupTerms(db: RollupSource, field: string, [first, last]: [number, number]): { values: { k: string; n: number }[]; total: number } {
  const values = db.all<{ k: string; n: number }>(
    `SELECT d.value AS k, sum(c.n) AS n FROM rollup_keys d JOIN rollup_counts c ON c.key = d.code
     WHERE d.field = ? AND c.minute >= ? AND c.minute <= ? GROUP BY d.value`,
    [field, first, last],
  );
  const total =
    db.get<{ n: number | null }>(`SELECT sum(n) AS n FROM rollup_counts WHERE key = ${ROLLUP_EVENTS_CODE} AND minute >= ? AND minute <= ?`, [first, last])?.n ?? 0;
  return { values, total };
}

/**
 * Adds rollupTerms' counts to `counts` (refused past `maxTermsKeys`
 * distinct keys, as a scan is) and returns how many of those events have
 * no value of `field`. Terms of both embedded formats over whole minutes.
 */
export function addRollupTerms(db: RollupSource, field: string, minutes: [number, number], counts: Map<string, number>, maxTermsKeys?: number): number {
  const { values, total } = rollupTerms(db, field, minutes);
  let withField = 0;
  for (const { k, n } of values) if (addTermsKey(counts, k, n)) withField += n;
  checkTermsKeys(counts, field, maxTermsKeys);
  return total - withField;
}

/** A rollup row's histogram bucket: its minute's start floored to the interval `@hi` (ms), aligned to the UTC epoch. */
const BUCKET_OF_MINUTE = `minute * ${MINUTE_MS} - (((minute * ${MINUTE_MS} % @hi) + @hi) % @hi)`;

/**
 * Event counts per histogram bucket over whole minutes. Only for intervals
 * that are whole minutes: buckets are aligned to the UTC epoch, so each
 * minute then lies in exactly one bucket.
 */
export function rollupHistogram(db: RollupSource, intervalMs: number, [first, last]: [number, number]): { k: number; n: number }[] {
  return db.all<{ k: number; n: number }>(
    `SELECT ${BUCKET_OF_MINUTE} AS k, sum(n) AS n
     FROM rollup_counts WHERE key = ${ROLLUP_EVENTS_CODE} AND minute >= ? AND minute <= ? GROUP BY k`,
    [first, last],
    { hi: intervalMs },
  );
}

export function rollupInterval(intervalMs: number): boolean {
  return intervalMs % MINUTE_MS === 0;
}

/**
 * rollupHistogram of the events whose `field` has a key that passes
 * `test`, or with `negate` of the others (every event less those: an
 * event without the field is among them, as a NOT lets it through).
 */
export function rollupKeyHistogram(
  db: RollupSource,
  intervalMs: number,
  minutes: [number, number],
  field: string,
  test: (key: string) => boolean,
  negate: boolean,
): { k: number; n: number }[] {
  const codes = db.all<{ code: number; value: string }>('SELECT code, value FROM rollup_keys WHERE field = ?', [field]).filter((r) => test(r.value));
  const [first, last] = minutes;
  const matching =
    codes.length === 0
      ? []
      : db.all<{ k: number; n: number }>(
          `SELECT ${BUCKET_OF_MINUTE} AS k, sum(n) AS n
           FROM rollup_counts WHERE key IN (${codes.map((r) => r.code).join(',')}) AND minute >= ? AND minute <= ? GROUP BY k`,
          [first, last],
          { hi: intervalMs },
        );
  if (!negate) return matching;
  const less = new Map(matching.map((r) => [r.k, r.n]));
  return rollupHistogram(db, intervalMs, minutes)
    .map(({ k, n }) => ({ k, n: n - (less.get(k) ?? 0) }))
    .filter((r) => r.n > 0);
}
