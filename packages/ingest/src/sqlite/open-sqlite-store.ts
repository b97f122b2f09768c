/**
 * The entry point the server uses:
 *
 *   const store = await openSqliteStore({ dataDir: '/var/lib/logship' });
 *
 * Partitions live in `<dataDir>/sqlite/<YYYY-MM-DD>.<class>.db`.
 */
import type { LogStore } from '../store/log-store.js';
import { validateRetentionConfig, type RetentionConfig } from '../retention/retention-config.js';
import { SqliteStore } from './sqlite-store.js';

export const DEFAULT_READER_THREADS = 2;

export interface OpenSqliteStoreOptions {
  dataDir: string;
  /** Default: DESIGN.md §5 (errors 90 d, debug 7 d, everything else 30 d). */
  retention?: RetentionConfig;
  /** The clock retention is measured against, epoch ms. */
  now?: () => number;
  /**
   * Insert and fsync on a worker thread, leaving the calling thread to HTTP
   * and normalization (default true). False writes on the calling thread.
   */
  writerThread?: boolean;
  /**
   * Worker threads answering search/count/aggregate, so that no query blocks
   * the calling thread and a request's `signal` can stop its query (default
   * 2). 0 reads on the calling thread (command-line tools).
   */
  readerThreads?: number;
  /** Tuning for tests: rows a search walks in time order first (sqlite-store.ts SEARCH_WALK_ROWS). */
  searchWalkRows?: number;
  /** Tuning for tests: values a percentiles pass keeps (percentile-select.ts PERCENTILE_VALUES). */
  percentileValues?: number;
  /** Tuning for tests: distinct values a terms aggregation may count (MAX_TERMS_KEYS). */
  maxTermsKeys?: number;
  /** The text fields free text searches (server `search.text_fields`); default DEFAULT_TEXT_FIELDS. */
  textFields?: readonly string[];
  /** Free space below which health() warns (default 64 MiB). */
  minFreeBytes?: number;
}

export interface SqliteLogStore extends LogStore {
  /** The folder holding the partition files. */
  readonly dir: string;
}

export async function openSqliteStore(opts: OpenSqliteStoreOptions): Promise<SqliteLogStore> {
  const store = new SqliteStore({
    dataDir: opts.dataDir,
    retention: validateRetentionConfig(opts.retention),
    ...(opts.now ? { now: opts.now } : {}),
    writerThread: opts.writerThread ?? true,
    readerThreads: opts.readerThreads ?? DEFAULT_READER_THREADS,
    ...(opts.searchWalkRows !== undefined ? { searchWalkRows: opts.searchWalkRows } : {}),
    ...(opts.percentileValues !== undefined ? { percentileValues: opts.percentileValues } : {}),
    ...(opts.maxTermsKeys !== undefined ? { maxTermsKeys: opts.maxTermsKeys } : {}),
    ...(opts.textFields ? { textFields: opts.textFields } : {}),
    ...(opts.minFreeBytes !== undefined ? { minFreeBytes: opts.minFreeBytes } : {}),
  });
  store.init();
  await store.start();
  return store;
}
