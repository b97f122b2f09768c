/**
 * The block store's entry point, with the row store's options
 * (sqlite/open-sqlite-store.ts):
 *
 *   const store = await openBlockStore({ dataDir: '/var/lib/logship' });
 *
 * Partitions live in `<dataDir>/blocks/<YYYY-MM-DD>.<class>.db`.
 */
import { validateRetentionConfig } from '../retention/retention-config.js';
import { DEFAULT_READER_THREADS, type OpenSqliteStoreOptions, type SqliteLogStore } from '../sqlite/open-sqlite-store.js';
import { BlockStore } from './block-store.js';

export async function openBlockStore(opts: OpenSqliteStoreOptions): Promise<SqliteLogStore> {
  const store = new BlockStore({
    dataDir: opts.dataDir,
    retention: validateRetentionConfig(opts.retention),
    ...(opts.now ? { now: opts.now } : {}),
    writerThread: opts.writerThread ?? true,
    readerThreads: opts.readerThreads ?? DEFAULT_READER_THREADS,
    ...(opts.textFields ? { textFields: opts.textFields } : {}),
    ...(opts.minFreeBytes !== undefined ? { minFreeBytes: opts.minFreeBytes } : {}),
  });
  store.init();
  await store.start();
  return store;
}
