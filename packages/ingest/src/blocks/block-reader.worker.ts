/**
 * A reader thread of the block store (sqlite/reader-pool.ts routes to it,
 * with the same requests and answers as the row store's reader threads):
 * an inline BlockStore answering one query at a time, in the row store's
 * loop (sqlite/reader-loop.ts).
 */
import { serveReader } from '../sqlite/reader-loop.js';
import { BlockStore } from './block-store.js';
import { READER_COLUMN_CACHE_BYTES } from './column-cache.js';

serveReader(
  'block-reader.worker.js',
  (opts) =>
    new BlockStore({
      dataDir: opts.dataDir,
      retention: opts.retention,
      rollups: opts.rollups,
      readerThreads: 0,
      merges: false,
      ...(opts.commitCount ? { commitCount: opts.commitCount } : {}),
      // Only reads here: the cache holds what queries decode.
      columnCacheBytes: opts.columnCacheBytes ?? READER_COLUMN_CACHE_BYTES,
      ...(opts.textFields ? { textFields: opts.textFields } : {}),
      ...(opts.maxTermsKeys !== undefined ? { maxTermsKeys: opts.maxTermsKeys } : {}),
      ...(opts.maxOpenPartitions !== undefined ? { maxOpenPartitions: opts.maxOpenPartitions } : {}),
      ...(opts.percentileValues !== undefined ? { percentileValues: opts.percentileValues } : {}),
    }),
);
