/**
 * The rollup table of a partition (rollup.ts explains what it holds and
 * when it may be read). Kept apart from partition-schema.ts, with no
 * imports, so that both the schema and the rollup modules can use it
 * without an import cycle.
 *
 * Primary key (field, minute, value): a read asks for one field over a range
 * of minutes, which is then one contiguous stretch of the B-tree; and a
 * field that crosses the cardinality cap is deleted as one range.
 * `value` holds the terms key (a string), so no type needs to survive.
 */

/** meta key written with the schema: every row of this file was rolled up. */
export const ROLLUP_BIRTH_KEY = 'rollup';

/** meta key prefix: this field is no longer rolled up here (rows are read). */
export const ROLLUP_OFF_PREFIX = 'rollup_off:';
/** Just past every key with that prefix (';' follows ':'), for a range scan. */
export const ROLLUP_OFF_END = 'rollup_off;';

export const ROLLUP_DDL = `
CREATE TABLE IF NOT EXISTS rollup (
  field TEXT NOT NULL,
  minute INTEGER NOT NULL,
  value TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (field, minute, value)
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (key, value) VALUES ('${ROLLUP_BIRTH_KEY}', '1');
`;
