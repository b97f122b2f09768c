/**
 * A reader thread of the block store (sqlite/reader-pool.ts routes to it,
 * with the same requests and answers as the row store's reader threads):
 * an inline BlockStore answering one query at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { AggregateRequest, CountRequest, SearchRequest } from '@logship/query';
import { serializeError, type ReaderRequest, type ReaderThreadOptions } from '../sqlite/reader-pool.js';
import { BlockStore } from './block-store.js';

const port = parentPort;
if (!port) throw new Error('block-reader.worker.js runs only as a worker thread');
const opts = workerData as ReaderThreadOptions;

let store: BlockStore;
try {
  store = new BlockStore({ dataDir: opts.dataDir, retention: opts.retention, rollups: opts.rollups, readerThreads: 0, merges: false, ...(opts.textFields ? { textFields: opts.textFields } : {}) });
  store.init();
  port.postMessage({ ready: true });
} catch (err) {
  port.postMessage({ error: serializeError(err) });
  throw err;
}

port.on('message', (msg: ReaderRequest) => {
  if (msg.op === 'refresh') {
    try {
      store.syncPartitions();
    } catch {
      // the next query reports a missing folder
    }
    return;
  }
  const run = (): Promise<unknown> => {
    switch (msg.op) {
      case 'search':
        return store.searchAt(msg.req as unknown as SearchRequest, msg.at);
      case 'count':
        return store.countAt(msg.req as unknown as CountRequest, msg.at);
      case 'aggregate':
        return store.aggregateAt(msg.req as unknown as AggregateRequest, msg.at);
      default:
        return Promise.reject(new Error(`unknown reader request ${String(msg.op)}`));
    }
  };
  run().then(
    (result) => port.postMessage({ id: msg.id, ok: true, result }),
    (err: unknown) => port.postMessage({ id: msg.id, ok: false, error: serializeError(err) }),
  );
});
