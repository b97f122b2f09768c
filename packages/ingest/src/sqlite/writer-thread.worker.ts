/**
 * The writer thread's entry point (see writer-thread.ts): an inline
 * SqliteStore serving write / enforce / close requests in order of arrival.
 * Writes that arrive together still share a group commit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WriterRequest } from './writer-thread.js';
import type { WriterThreadOptions } from './writer-thread.js';
import { SqliteStore } from './sqlite-store.js';

const port = parentPort;
if (!port) throw new Error('writer-thread.worker.js runs only as a worker thread');
const opts = workerData as WriterThreadOptions;

const asError = (err: unknown): { code?: string; message: string } => ({
  ...(typeof (err as { code?: unknown }).code === 'string' ? { code: (err as { code: string }).code } : {}),
  message: err instanceof Error ? err.message : String(err),
});

let store: SqliteStore;
try {
  store = new SqliteStore({ dataDir: opts.dataDir, retention: opts.retention, mmap: false, textFields: opts.textFields });
  store.init();
  port.postMessage({ ready: true });
} catch (err) {
  port.postMessage({ error: asError(err) });
  throw err;
}

/** Replies not yet posted; `close` answers only after all of them. */
const outstanding = new Set<Promise<void>>();

port.on('message', (msg: WriterRequest & { id: number }) => {
  const run = async (): Promise<unknown> => {
    switch (msg.op) {
      case 'write':
        return store.writePrepared(msg.prepared);
      case 'enforce':
        return store.enforceRetention(msg.now);
      case 'close':
        await store.close();
        await Promise.all([...outstanding]);
        return null;
    }
  };
  const reply = run().then(
    (result) => port.postMessage({ id: msg.id, ok: true, result }),
    (err: unknown) => port.postMessage({ id: msg.id, ok: false, error: asError(err) }),
  );
  if (msg.op !== 'close') {
    outstanding.add(reply);
    void reply.finally(() => outstanding.delete(reply));
  }
});
