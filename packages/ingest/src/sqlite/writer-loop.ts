/**
 * The message loop of a writer thread (see writer-thread.ts), shared by the
 * row store's (writer-thread.worker.ts) and the block store's
 * (blocks/block-writer.worker.ts): an inline store serving write / enforce /
 * close requests in order of arrival. Writes that arrive together still
 * share a group commit.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RetentionRunResult, WriteResult } from '../store/log-store.js';
import { committedOf } from '../store/store-error.js';
import type { WriterRequest, WriterThreadOptions } from './writer-thread.js';

/** What a writer thread needs of its store. */
export interface ThreadWriter<P> {
  init(): void;
  writePrepared(prepared: P): Promise<WriteResult>;
  enforceRetention(now?: number): Promise<RetentionRunResult>;
  close(): Promise<void>;
}

const asError = (err: unknown): { code?: string; message: string; committedIndexes?: readonly number[] } => ({
  ...(typeof (err as { code?: unknown }).code === 'string' ? { code: (err as { code: string }).code } : {}),
  message: err instanceof Error ? err.message : String(err),
  ...(committedOf(err).length > 0 ? { committedIndexes: committedOf(err) } : {}),
});

/** Runs this worker as a writer thread: opens the store `open` makes, says ready, serves requests. */
export function serveWriter<P>(file: string, open: (opts: WriterThreadOptions) => ThreadWriter<P>): void {
  const port = parentPort;
  if (!port) throw new Error(`${file} runs only as a worker thread`);
  const opts = workerData as WriterThreadOptions;

  let store: ThreadWriter<P>;
  try {
    store = open(opts);
    store.init();
    port.postMessage({ ready: true });
  } catch (err) {
    port.postMessage({ error: asError(err) });
    throw err;
  }

  /** Replies not yet posted; `close` answers only after all of them. */
  const outstanding = new Set<Promise<void>>();

  port.on('message', (msg: WriterRequest<P> & { id: number }) => {
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
}
