/**
 * How a partition file is opened: its durability and checkpoint settings,
 * and the schema of a new file. Apart from partition-db.ts, which prepares
 * its statements and reads and writes through the connection this returns,
 * so the reasons for each setting sit next to it.
 *
 * Durability: WAL with synchronous=FULL. In WAL mode NORMAL only syncs at
 * checkpoints, so a commit survives a process kill (SIGKILL) but not a power
 * loss; FULL fsyncs the WAL on every commit, so "write() resolved" implies
 * the rows are on stable storage. The cost is one fsync per batch per
 * partition, which batching amortizes.
 *
 * The WAL is checkpointed every 8000 pages (32 MiB) instead of SQLite's
 * 1000: checkpoints were the larger part of ingest time; journal_size_limit
 * truncates the WAL back after a checkpoint so it does not squat disk.
 * Checkpoints on a thread of their own (PASSIVE every 500 ms, RESTART past
 * 8,000 frames) were tried: store-only writes went up to ~14 % faster with
 * no checkpoint at all, but over HTTP, where the two cores are shared with
 * gunzip, parsing and normalization, 1.5M events went no faster (47–50k
 * events/s either way, 3 runs each), so the simpler form stayed.
 */
import Database from 'better-sqlite3';
import { PARTITION_DDL } from './partition-schema.js';
import { OPEN_BUSY_MS } from './locked-partition.js';

/**
 * Connections that read for queries map the database file instead of a
 * read() per page into SQLite's small page cache: a row lookup through an
 * index then costs no system call and no copy (counting 10,000 matches
 * through the level index: ~35 % faster). The map is of the file, shared
 * with the OS page cache: address space, not memory, though the pages a
 * process touched count in its RSS. Writing connections do not map: over
 * HTTP, ingest went no faster with it (1.5M events, 3 runs each), and the
 * writer touches every index page of the day.
 */
const MMAP_BYTES = 1 << 30;

/**
 * Opens a partition file (creating it with the schema when `create` says
 * it may), its busy timeout still the short one of an open: the caller sets
 * the statements' own (STATEMENT_BUSY_MS) once it has prepared them.
 */
export function openPartitionFile(path: string, opts: { create: boolean; mmap?: boolean }): Database.Database {
  const db = new Database(path, { fileMustExist: !opts.create });
  try {
    // First, so that the pragmas and schema below wait for another
    // connection (the writer thread, `logship retention status`) instead
    // of failing; briefly, not for a file another process holds
    // (locked-partition.ts), and the statements' own wait at the end.
    db.pragma(`busy_timeout = ${OPEN_BUSY_MS}`);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('wal_autocheckpoint = 8000');
    db.pragma('journal_size_limit = 67108864');
    if (opts.mmap) db.pragma(`mmap_size = ${MMAP_BYTES}`);
    if (db.pragma('user_version', { simple: true }) === 0) createSchema(db);
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/**
 * Only a new file gets the schema (readers opening existing partitions
 * must not write to them), in one transaction: a crash or a second
 * connection never sees half a schema.
 */
function createSchema(db: Database.Database): void {
  db.exec('BEGIN IMMEDIATE');
  try {
    if (db.pragma('user_version', { simple: true }) === 0) db.exec(PARTITION_DDL);
    db.exec('COMMIT');
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  }
}
