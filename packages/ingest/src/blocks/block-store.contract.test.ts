/**
 * The LogStore contract against the block store, on real files in a
 * temporary directory per test, with and without its threads, and with
 * every search and count split between its two reader threads
 * (split-query.ts; the server splits only ranges holding SPLIT_MIN_BYTES).
 */
import { after } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLogStoreContract } from '../store/contract/run-log-store-contract.js';
import { validateRetentionConfig } from '../retention/retention-config.js';
import { openBlockStore } from './open-block-store.js';
import { BlockStore } from './block-store.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-blocks-contract-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

runLogStoreContract('blocks', (opts) => openBlockStore({ dataDir: path.join(root, String(n++)), retention: opts.retention, now: opts.now }));

runLogStoreContract('blocks, writing and reading on the calling thread', (opts) =>
  openBlockStore({ dataDir: path.join(root, String(n++)), retention: opts.retention, now: opts.now, writerThread: false, readerThreads: 0 }),
);

runLogStoreContract('blocks, every search and count split between two reader threads', async (opts) => {
  const store = new BlockStore({
    dataDir: path.join(root, String(n++)),
    retention: validateRetentionConfig(opts.retention),
    ...(opts.now ? { now: opts.now } : {}),
    writerThread: true,
    readerThreads: 2,
    splitMinBytes: 0,
  });
  store.init();
  await store.start();
  return store;
});
