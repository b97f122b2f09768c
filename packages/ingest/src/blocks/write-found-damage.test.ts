/**
 * A write that itself meets damaged pages of a partition (SQLITE_CORRUPT
 * from its insert on the writer thread), in both embedded formats: the
 * partition is checked as after a read's failure, and the damage noted as
 * a read's is: the listeners told (the server logs it once), answers name
 * it, the day's later writes refused while other days' are stored. Until
 * 2026-12-07 the write only failed (503): nothing was noted or logged, and
 * senders retried the day into the damaged file forever.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { randomFillSync } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LogEvent } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { isStoreError } from '../store/store-error.js';
import type { StoreBackgroundEvent } from '../store/log-store.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import { openBlockStore } from './open-block-store.js';

const NOW = Date.parse('2026-02-08T12:00:00.000Z');
const DAY = 86_400_000;
// Two days back: the block writer's dedupe probes of the day before (today's) do not open it.
const YESTERDAY = '2026-02-06.default.db';

function events(tag: string, at: number): LogEvent[] {
  return Array.from({ length: 50 }, (_, i) => ({
    '@timestamp': new Date(at - i * 1000).toISOString(),
    'event.id': `${tag}-${i}`,
    level: 'info',
    message: `${tag} ${i}`,
  }));
}

/** Overwrites every page but the first (the header and schema): the file opens, a write into its tables meets garbage. */
function damagePages(file: string): void {
  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const bytes = fs.readFileSync(file);
  const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
  randomFillSync(bytes, pageSize);
  fs.writeFileSync(file, bytes);
}

const formats = [
  { format: 'rows', open: openSqliteStore, folder: 'sqlite' },
  { format: 'blocks', open: openBlockStore, folder: 'blocks' },
] as const;

for (const { format, open, folder } of formats) {
  test(`${format}: a write meeting damaged pages notes the partition as a read does: said, named, the day's later writes refused, other days stored`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `logship-write-damage-${format}-`));
    const first = await open({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, readerThreads: 1 });
    try {
      await first.write(events('before', NOW - 2 * DAY), NOW);
    } finally {
      await first.close();
    }
    damagePages(path.join(dir, folder, YESTERDAY));
    const store = await open({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, readerThreads: 1 });
    const said: StoreBackgroundEvent[] = [];
    store.onBackground?.((event) => said.push(event));
    try {
      // The write itself reaches the damage (no read found it first): refused, retryable, as before.
      await assert.rejects(store.write(events('into the damage', NOW - 2 * DAY + 500), NOW), (err) => isStoreError(err, 'LS_STORE_WRITE_FAILED') && err.retryable && err.message.includes(YESTERDAY));
      assert.deepEqual(said.map((e) => [e.kind, e.partition]), [['damaged', YESTERDAY]]);
      assert.match(said[0]!.kind === 'damaged' ? said[0]!.reason : '', /is damaged inside: /);

      // A batch mixing the damaged day with today: today's stored, the damaged day's unavailable, as for read-found
      // damage. Right after the finding, with nothing having listed the folder again since (as on a server).
      const mixed = [...events('today', NOW - 1000).slice(0, 3), ...events('again', NOW - 2 * DAY + 700).slice(0, 2)];
      const result = await store.write(mixed, NOW, { partial: true });
      assert.equal(result.stored, 3);
      assert.deepEqual(result.unavailable?.map((u) => u.index).sort(), [3, 4]);
      assert.match(result.unavailable![0]!.reason, /partition \S+\.default\.db is damaged inside/);
      const range = { from: NOW - 3 * DAY, to: NOW + 1000, now: NOW };
      assert.deepEqual(store.unreadablePartitions!(range).map((p) => p.partition), [YESTERDAY]);
      // Only the damaged day, without `partial`: a 503 naming it, without touching the file again.
      await assert.rejects(store.write(events('only', NOW - 2 * DAY + 900), NOW), (err) => isStoreError(err, 'LS_STORE_WRITE_FAILED') && err.message.includes(YESTERDAY));
      assert.equal(said.length, 1, 'said once');
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

// A write probes the day before its day for a retry's copies of events stamped on receipt (sqlite/batch-writer.ts
// dropKnownElsewhere; the block writer opens it for every write): damaged, that neighbour failed every such write of
// the next day (503 naming the day written, retried forever), and was noted nowhere.
for (const { format, open, folder } of formats) {
  test(`${format}: a write whose dedupe probe meets the day before damaged stores its events and notes that day as a read does`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `logship-write-damage-neighbour-${format}-`));
    const before = '2026-02-07.default.db';
    const first = await open({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, readerThreads: 1 });
    try {
      await first.write(events('before', NOW - DAY), NOW);
    } finally {
      await first.close();
    }
    damagePages(path.join(dir, folder, before));
    const store = await open({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, readerThreads: 1 });
    const said: StoreBackgroundEvent[] = [];
    store.onBackground?.((event) => said.push(event));
    // Stamped on receipt (they had no time of their own), so a retry after midnight could sit in the day before.
    const received = (tag: string): LogEvent[] => events(tag, NOW).map((e) => ({ ...e, 'logship.no_timestamp': true }));
    try {
      assert.equal((await store.write(received('today'), NOW)).stored, 50);
      assert.equal((await store.write(received('today too'), NOW)).stored, 50);
      assert.deepEqual(said.map((e) => [e.kind, e.partition]), [['damaged', before]]);
      const range = { from: NOW - 3 * DAY, to: NOW + 1000, now: NOW };
      assert.deepEqual(store.unreadablePartitions!(range).map((p) => p.partition), [before]);
      await assert.rejects(store.write(events('into it', NOW - DAY + 900), NOW), (err) => isStoreError(err, 'LS_STORE_WRITE_FAILED') && err.message.includes(before));
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
