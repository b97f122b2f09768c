/**
 * The writer thread's entry point (see writer-thread.ts): an inline
 * SqliteStore serving write / enforce / close requests in order of arrival
 * (the loop is writer-loop.ts). Writes that arrive together still share a
 * group commit.
 */
import { parentPort } from 'node:worker_threads';
import type { PreparedWrite } from './prepare-write.js';
import { serveWriter } from './writer-loop.js';
import { SqliteStore } from './sqlite-store.js';

serveWriter<PreparedWrite>(
  'writer-thread.worker.js',
  (opts) =>
    new SqliteStore({
      dataDir: opts.dataDir,
      retention: opts.retention,
      mmap: false,
      textFields: opts.textFields,
      ...(opts.commitCount ? { commitCount: opts.commitCount } : {}),
      // Unasked for (found by a write's probe of another partition): writer-thread.ts hands it to the main thread's store.
      onDamaged: (found) => parentPort?.postMessage({ damaged: found }),
    }),
);
