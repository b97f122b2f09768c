/**
 * The LogStore contract against the SQLite backend, on real files in a
 * temporary directory per test.
 */
import { after } from 'node:test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runLogStoreContract } from '../store/contract/run-log-store-contract.js';
import { openSqliteStore } from './open-sqlite-store.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-sqlite-contract-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let n = 0;

runLogStoreContract('sqlite', (opts) =>
  openSqliteStore({ dataDir: path.join(root, String(n++)), retention: opts.retention, now: opts.now }),
);

runLogStoreContract('sqlite, writing and reading on the calling thread', (opts) =>
  openSqliteStore({ dataDir: path.join(root, String(n++)), retention: opts.retention, now: opts.now, writerThread: false, readerThreads: 0 }),
);
