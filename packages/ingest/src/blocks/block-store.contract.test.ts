/**
 * The LogStore contract against the block store, on real files in a
 * temporary directory per test, with and without its threads.
 */
import { after } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLogStoreContract } from '../store/contract/run-log-store-contract.js';
import { openBlockStore } from './open-block-store.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-blocks-contract-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

runLogStoreContract('blocks', (opts) => openBlockStore({ dataDir: path.join(root, String(n++)), retention: opts.retention, now: opts.now }));

runLogStoreContract('blocks, writing and reading on the calling thread', (opts) =>
  openBlockStore({ dataDir: path.join(root, String(n++)), retention: opts.retention, now: opts.now, writerThread: false, readerThreads: 0 }),
);
