/**
 * The rollup tables of a partition (rollup.ts explains what they hold and
 * when they may be read). Kept apart from partition-schema.ts, with no
 * imports, so that both the schema and the rollup modules can use it
 * without an import cycle.
 *
 * A dictionary and the counts: one code per (field, terms key) pair, and
 * the counts keyed by (code, minute). Repeating field and value text in
 * every count row cost more than twice the bytes (measured on a real
 * 1.29 M-event day: 1,658,880 bytes as rollup(field, minute, value, n)
 * against 765,952 + 4 KB; docs/SQLITE_STORE.md "Rollups").
 *
 * Primary key (key, minute): a read asks for one code over a range of
 * minutes, one contiguous stretch of the B-tree. `value` holds the terms
 * key (a string), so no type needs to survive. Code 0 is '' / '': the
 * events of each minute, written with the schema so that readers need no
 * lookup for histograms and totals.
 *
 * Files created with the first layout (one `rollup` table, birth marker
 * 'rollup') have no ROLLUP_BIRTH_KEY: they are read and written as files
 * without a rollup, and their old table is left as it is.
 */

/** meta key written with the schema: every row of this file was rolled up. */
export const ROLLUP_BIRTH_KEY = 'rollup_v2';

/** meta key prefix: this field is no longer rolled up here (rows are read). */
export const ROLLUP_OFF_PREFIX = 'rollup_off:';
/** Just past every key with that prefix (';' follows ':'), for a range scan. */
export const ROLLUP_OFF_END = 'rollup_off;';

/** rollup_keys code of field '' value '': events per minute. */
export const ROLLUP_EVENTS_CODE = 0;

export const ROLLUP_DDL = `
CREATE TABLE IF NOT EXISTS rollup_keys (
  code INTEGER PRIMARY KEY,
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  UNIQUE (field, value)
);
CREATE TABLE IF NOT EXISTS rollup_counts (
  key INTEGER NOT NULL,
  minute INTEGER NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (key, minute)
) WITHOUT ROWID;
INSERT OR IGNORE INTO rollup_keys (code, field, value) VALUES (${ROLLUP_EVENTS_CODE}, '', '');
INSERT OR IGNORE INTO meta (key, value) VALUES ('${ROLLUP_BIRTH_KEY}', '1');
`;
