/**
 * The block store's writer thread (sqlite/writer-thread.ts is the main
 * thread's side): an inline BlockStore serving write / enforce / close in
 * order of arrival, and merging blocks between writes (merge-scheduler.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { WriterRequest, WriterThreadOptions } from '../sqlite/writer-thread.js';
import { BlockStore } from './block-store.js';
import type { PreparedBlockWrite } from './block-prepare.js';

const port = parentPort;
if (!port) throw new Error('block-writer.worker.js runs only as a worker thread');
const opts = workerData as WriterThreadOptions;

const asError = (err: unknown): { code?: string; message: string } => ({
  ...(typeof (err as { code?: unknown }).code === 'string' ? { code: (err as { code: string }).code } : {}),
  message: err instanceof Error ? err.message : String(err),
});

let store: BlockStore;
try {
  store = new BlockStore({
    dataDir: opts.dataDir,
    retention: opts.retention,
    mmap: false,
    textFields: opts.textFields,
    ...(opts.merges === false ? { merges: false } : {}),
  });
  store.init();
  port.postMessage({ ready: true });
} catch (err) {
  port.postMessage({ error: asError(err) });
  throw err;
}

const outstanding = new Set<Promise<void>>();

port.on('message', (msg: WriterRequest<PreparedBlockWrite> & { id: number }) => {
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
