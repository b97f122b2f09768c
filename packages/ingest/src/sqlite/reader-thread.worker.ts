/**
 * A reader thread's entry point (see reader-pool.ts): an inline SqliteStore
 * (no writer thread, no readers of its own) answering one query at a time
 * with the same code the main thread runs when `readerThreads` is 0; the
 * loop is reader-loop.ts.
 */
import { serveReader } from './reader-loop.js';
import { SqliteStore } from './sqlite-store.js';

serveReader(
  'reader-thread.worker.js',
  (opts) =>
    new SqliteStore({
      dataDir: opts.dataDir,
      retention: opts.retention,
      rollups: opts.rollups,
      readerThreads: 0,
      searchWalkRows: opts.searchWalkRows,
      textFields: opts.textFields,
      ...(opts.commitCount ? { commitCount: opts.commitCount } : {}),
      ...(opts.percentileValues !== undefined ? { percentileValues: opts.percentileValues } : {}),
      ...(opts.maxTermsKeys !== undefined ? { maxTermsKeys: opts.maxTermsKeys } : {}),
      ...(opts.maxOpenPartitions !== undefined ? { maxOpenPartitions: opts.maxOpenPartitions } : {}),
    }),
);
