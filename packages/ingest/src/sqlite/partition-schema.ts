/**
 * The schema of one partition database.
 *
 * Hot fields are promoted to their own indexed columns; every other field
 * lives in `doc` (a JSON object keyed by short codes from `doc_keys`, NULL
 * when there is none) and is reached with json_extract. Promoted columns are declared without a type so SQLite keeps
 * each value's own type (a `status` of 500 stays an integer, "ok" stays
 * text): the query semantics compare numbers and strings differently.
 *
 * Dedupe key: (ts, eid). A UNIQUE index on eid alone was the largest
 * ingest cost: ids are hashes or UUIDs, so every insert dirtied its own
 * page of a tree the size of the day, and the WAL written and fsync'd per
 * commit grew as the partition filled (1.5M events of one day, store only:
 * 41,000 events/s falling to 27,500 with it, a flat ~56,000 with (ts, eid),
 * which appends). A retried event carries its timestamp again, so the pair
 * still catches it; the one exception is an event stamped with the receive
 * time (`logship.no_timestamp`), whose retry gets a new @timestamp: those
 * ids also go to `received_ids`, checked by eid alone. The same index
 * serves time order (`ORDER BY ts, eid` is its order). An `event.id:` query
 * without a time range scans it.
 *
 * `minute_rids` holds, per UTC minute, the smallest and largest rid of the
 * events of that minute (written with them): the rids of the events in a
 * time range lie between the bounds of its minutes, which lets an index on
 * a field skip the entries outside a range (PartitionDb.ridBounds).
 *
 * `message_fts` is a contentless FTS5 index (the text is already in
 * `events.message`, so storing it twice would cost disk). It indexes the
 * query package's tokens of the message joined by spaces, which makes an FTS
 * phrase a superset of the matcher's token phrase; the exact check runs after
 * it (see compile-sql.ts).
 */
import { ROLLUP_DDL } from './rollup-schema.js';

/** Event fields stored in their own columns, keyed by field name. */
export const PROMOTED_COLUMNS: Readonly<Record<string, string>> = Object.freeze({
  level: 'level',
  message: 'message',
  logger: 'logger',
  host: 'host',
  source: 'source',
  job: 'job',
  unit: 'unit',
  status: 'status',
  duration_ms: 'duration_ms',
  path: 'path',
  user_id: 'user_id',
});

/** The same, as a Map: user-given field names are looked up here, never in a plain object (`constructor`). */
export const PROMOTED_COLUMN_OF: ReadonlyMap<string, string> = new Map(Object.entries(PROMOTED_COLUMNS));

/**
 * Promoted columns that get an index (message is searched through FTS).
 * Single-column, partial indexes: (column, ts) pairs made "newest first"
 * cheaper but cost ~30% more index bytes, and the disk budget is 1.5 bytes
 * per raw byte; within one day's partition sorting the hits is cheap.
 */
export const INDEXED = ['level', 'logger', 'host', 'source', 'job', 'unit', 'status', 'duration_ms', 'path', 'user_id'];

/**
 * 2: events are unique by (ts, eid) instead of eid, plus `received_ids`.
 * 3: `minute_rids`.
 * Version 1 and 2 files are still read and written.
 */
export const SCHEMA_VERSION = 3;

export const PARTITION_DDL = `
CREATE TABLE IF NOT EXISTS events (
  rid INTEGER PRIMARY KEY,
  ts INTEGER NOT NULL,
  eid TEXT NOT NULL,
  ${Object.values(PROMOTED_COLUMNS)
    .map((c) => `"${c}"`)
    .join(',\n  ')},
  doc TEXT
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS doc_keys (code TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS events_ts_eid ON events(ts, eid);
CREATE TABLE IF NOT EXISTS received_ids (eid TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS minute_rids (minute INTEGER PRIMARY KEY, lo INTEGER NOT NULL, hi INTEGER NOT NULL);
${INDEXED.map((c) => `CREATE INDEX IF NOT EXISTS "events_${c}" ON events("${c}") WHERE "${c}" IS NOT NULL;`).join('\n')}
CREATE VIRTUAL TABLE IF NOT EXISTS message_fts USING fts5(body, content='', columnsize=0, tokenize='unicode61 remove_diacritics 0');
${ROLLUP_DDL}
PRAGMA user_version = ${SCHEMA_VERSION};
`;
