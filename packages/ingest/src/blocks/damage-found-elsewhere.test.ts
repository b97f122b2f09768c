/**
 * Damage a reader thread finds in a partition the main thread has not
 * listed yet (written by the writer thread since the main thread last read
 * the folder, as on a server whose first search comes after the damage):
 * the main thread notes it all the same (partitioned-store.ts noteDamaged),
 * so answers name it, the day's writes are refused and the listeners told.
 * Until 2026-12-07 such a finding was dropped: the answer left the day's
 * events out without a word, and the day's writes were acknowledged into
 * a file every read leaves out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LogEvent } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { isStoreError } from '../store/store-error.js';
import type { StoreBackgroundEvent } from '../store/log-store.js';
import { q } from '../store/contract/ast-builders.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import { openBlockStore } from './open-block-store.js';

const NOW = Date.parse('2026-02-08T12:00:00.000Z');
const DAY = 86_400_000;
const YESTERDAY = '2026-02-07.default.db';

function events(tag: string): LogEvent[] {
  return Array.from({ length: 50 }, (_, i) => ({
    '@timestamp': new Date(NOW - DAY - i * 1000).toISOString(),
    'event.id': `${tag}-${i}`,
    level: 'info',
    message: `${tag} ${i}`,
  }));
}

// Damaged where only a read of the values sees it: quick_check passes.
const formats = [
  { format: 'rows', open: openSqliteStore, folder: 'sqlite', sql: 'UPDATE events SET doc = \'{"0":\'' },
  { format: 'blocks', open: openBlockStore, folder: 'blocks', sql: 'UPDATE cols SET data = randomblob(length(data))' },
] as const;

for (const { format, open, folder, sql } of formats) {
  test(`${format}: damage a reader thread finds in a partition the main thread has not listed is noted, named, said, and its day's writes refused`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `logship-damage-elsewhere-${format}-`));
    const store = await open({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, readerThreads: 1 });
    const said: StoreBackgroundEvent[] = [];
    store.onBackground?.((event) => said.push(event));
    try {
      // Written by the writer thread: the main thread has not read the folder since it opened.
      await store.write(events('before'), NOW);
      const db = new Database(path.join(dir, folder, YESTERDAY));
      db.exec(sql);
      assert.equal(db.pragma('quick_check', { simple: true }), 'ok');
      db.close();

      const range = { from: NOW - 3 * DAY, to: NOW + 1000, now: NOW };
      const found = await store.search({ ...range, query: q.all(), limit: 100, sort: 'desc' });
      assert.equal(found.hits.length, 0);
      assert.deepEqual(store.unreadablePartitions!(range).map((p) => p.partition), [YESTERDAY]);
      assert.deepEqual(said.map((e) => [e.kind, e.partition]), [['damaged', YESTERDAY]]);
      await assert.rejects(store.write(events('after'), NOW), (err) => isStoreError(err, 'LS_STORE_WRITE_FAILED') && err.retryable && err.message.includes(YESTERDAY));
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
