/**
 * The tables of one block partition file (`<data>/blocks/<day>.<class>.db`).
 * SQLite is only the durable container here: events live in blocks, each
 * stored column by column (block-codec.ts), so a query reads the columns it
 * needs and skips blocks by their header.
 *
 *   blocks(id, level, ts_min, ts_max, n, text_fields, metas, nonfinite)
 *       one row per block: time bounds, size, merge level, the text-field
 *       list its blooms were built with, the codec's column metas
 *       (types, min/max, constant value, bloom) as one blob, and the fields
 *       holding ±Infinity (JSON list, null when none: the codec's min/max
 *       are over finite numbers, so range pruning must not trust them there)
 *   cols(block, i, data)        column i (metas order) of a block, compressed
 *   received_ids(eid)           ids of receive-stamped events (dedupe by id alone)
 *   meta(key, value)            class lists written here; rollup markers; the
 *                               first block id with array elements in its blooms
 *   rollup_keys / rollup_counts per-minute counts (sqlite/rollup-schema.ts)
 *
 * `cols` is a rowid table with an index on (block, i) rather than WITHOUT
 * ROWID: its rows are blobs of up to megabytes, which a clustered B-tree
 * would spread over overflow pages of its interior. AUTOINCREMENT on
 * `blocks.id`: readers cache decoded metas by id, so an id is never reused.
 */
import { ROLLUP_DDL } from '../sqlite/rollup-schema.js';

export const BLOCK_SCHEMA_VERSION = 5;

/** meta key: the first block id whose value blooms hold array elements (block-partition.ts elementBloomsMark). */
export const ELEMENT_BLOOMS_FROM = 'element_blooms_from';

export const BLOCK_DDL = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  level INTEGER NOT NULL,
  ts_min INTEGER NOT NULL,
  ts_max INTEGER NOT NULL,
  n INTEGER NOT NULL,
  text_fields TEXT NOT NULL,
  metas BLOB NOT NULL,
  nonfinite TEXT
);
CREATE TABLE IF NOT EXISTS cols (
  block INTEGER NOT NULL,
  i INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS cols_block ON cols (block, i);
CREATE TABLE IF NOT EXISTS received_ids (eid TEXT PRIMARY KEY) WITHOUT ROWID;
${ROLLUP_DDL}
PRAGMA user_version = ${BLOCK_SCHEMA_VERSION};
`;
