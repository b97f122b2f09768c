/**
 * The block store's writer thread (sqlite/writer-thread.ts is the main
 * thread's side): an inline BlockStore serving write / enforce / close in
 * order of arrival (the row store's loop, sqlite/writer-loop.ts), and
 * merging blocks between writes (merge-scheduler.ts).
 */
import { parentPort } from 'node:worker_threads';
import { serveWriter } from '../sqlite/writer-loop.js';
import { BlockStore } from './block-store.js';
import type { PreparedBlockWrite } from './block-prepare.js';

serveWriter<PreparedBlockWrite>(
  'block-writer.worker.js',
  (opts) =>
    new BlockStore({
      dataDir: opts.dataDir,
      retention: opts.retention,
      textFields: opts.textFields,
      ...(opts.commitCount ? { commitCount: opts.commitCount } : {}),
      writeOnly: true,
      ...(opts.merges === false ? { merges: false } : {}),
      // Unasked for (merges run between requests): writer-thread.ts hands it to the main thread's store.
      onDamaged: (found) => parentPort?.postMessage({ damaged: found }),
      onBackground: (event) => parentPort?.postMessage({ background: event }),
    }),
);
