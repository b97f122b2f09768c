/**
 * A partition file another process holds locked (here a connection in
 * exclusive locking mode, as an operator's `sqlite3` session or a backup
 * tool may leave it), in both embedded formats. Until 2026-12-07 the
 * open's "database is locked" was called damage: a write answered "the
 * partition … is damaged inside" and told the operator to move a sound
 * file aside, had the file checked whole (quick_check, then every block
 * or row decoded), and a search left the day out with a corrupt-partition
 * warning. Now both answer LS_STORE_PARTITION_LOCKED (503, retryable,
 * naming the file), nothing is checked or noted, and the day is written
 * and read once the lock goes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { parse, type LogEvent } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { committedOf, isStoreError } from '../store/store-error.js';
import type { StoreBackgroundEvent } from '../store/log-store.js';
import { openSqliteStore } from './open-sqlite-store.js';
import { openBlockStore } from '../blocks/open-block-store.js';
import { MAX_OPEN_TRANSACTIONS } from './partition-pool.js';

const require = createRequire(import.meta.url);

const NOW = Date.parse('2026-02-08T12:00:00.000Z');
const DAY = 86_400_000;
// Two days back: the block writer's dedupe probes of the day before (today's) do not open it.
const LOCKED_DAY = '2026-02-06.default.db';
const RANGE = { from: NOW - 3 * DAY, to: NOW + 1000, now: NOW };

function events(tag: string, at: number, n = 50): LogEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    '@timestamp': new Date(at - i * 1000).toISOString(),
    'event.id': `${tag}-${i}`,
    level: 'info',
    message: `${tag} ${i}`,
  }));
}

const formats = [
  { format: 'rows', open: openSqliteStore, folder: 'sqlite' },
  { format: 'blocks', open: openBlockStore, folder: 'blocks' },
] as const;

for (const { format, open, folder } of formats) {
  test(`${format}: a partition another process holds locked answers a retryable error naming it, not damage, to writes and reads; unlocked, its day is stored`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `logship-locked-${format}-`));
    const file = path.join(dir, folder, LOCKED_DAY);
    const first = await open({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW });
    try {
      await first.write(events('before', NOW - 2 * DAY), NOW);
    } finally {
      await first.close();
    }
    // A reader thread: the read's error crosses a thread as the server's do.
    const store = await open({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, readerThreads: 1 });
    const said: StoreBackgroundEvent[] = [];
    store.onBackground?.((event) => said.push(event));
    const checks = (): number => (store as unknown as { damageChecks: number }).damageChecks;
    const locked = (err: unknown): boolean => {
      assert.ok(isStoreError(err, 'LS_STORE_PARTITION_LOCKED'), `LS_STORE_PARTITION_LOCKED, got ${String(err)}`);
      assert.equal(err.retryable, true);
      assert.equal(err.statusCode, 503);
      assert.ok(err.message.includes(`${file} is locked by another process`), err.message);
      assert.doesNotMatch(err.message, /damaged/);
      return true;
    };
    // Another process's connection in exclusive locking mode keeps the file locked after its write.
    const lock = new Database(file);
    try {
      lock.pragma('locking_mode = EXCLUSIVE');
      lock.exec('BEGIN IMMEDIATE; COMMIT');
      for (const tag of ['locked', 'locked again']) {
        await assert.rejects(store.write(events(tag, NOW - 2 * DAY + 500), NOW), locked);
      }
      // A batch mixing the locked day with today is refused whole (as any write failing at commit): nothing acknowledged.
      // The row store commits today's part (its group commit keeps the rows put in today's transaction), the block
      // store nothing (its batch fails before any commit): the refusal names what was committed, for the live feed.
      const mixed = [...events('today', NOW - 1000, 3), ...events('mixed', NOW - 2 * DAY + 700, 2)];
      let refusal: unknown;
      await assert.rejects(store.write(mixed, NOW, { partial: true }), (err) => locked((refusal = err)));
      assert.deepEqual(committedOf(refusal), format === 'rows' ? [0, 1, 2] : []);
      // A search over its day: the same error, not the day left out as damaged.
      await assert.rejects(store.search({ ...RANGE, query: parse('*'), limit: 1000 }), locked);
      await assert.rejects(store.count({ ...RANGE, query: parse('*') }), locked);
      // Listed still (its bytes, retention), its events not counted while locked.
      assert.ok((await store.partitions(NOW)).some((p) => p.name === LOCKED_DAY));
      assert.equal(checks(), 0, 'no damage check for a locked file');
      assert.deepEqual(store.unreadablePartitions!(RANGE), [], 'not noted damaged');
      assert.deepEqual(said, [], 'nothing said damaged');
      assert.equal((await store.health()).ok, true, 'a locked file is not the store failing');

      lock.close();
      assert.equal((await store.write(events('unlocked', NOW - 2 * DAY + 500), NOW)).stored, 50);
      // The mixed batch sent again: every event stored once (a part committed before the refusal is a duplicate now).
      const again = await store.write(mixed, NOW, { partial: true });
      assert.equal(again.stored + again.duplicates, 5);
      assert.equal(again.duplicates, committedOf(refusal).length, 'what the refusal named committed, and only that');
      assert.deepEqual(again.unavailable ?? [], []);
      const all = await store.search({ ...RANGE, query: parse('*'), limit: 1000 });
      assert.equal(all.hits.length, 50 + 50 + 5);
      assert.equal(checks(), 0);
      assert.deepEqual(said, []);
    } finally {
      if (lock.open) lock.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

// A day whose connection is open already: another process's write transaction is met by the write's BEGIN
// IMMEDIATE after the statements' busy timeout, as SQLite's bare "database is locked" (LS_STORE_WRITE_FAILED) that
// named neither the file nor whose lock it was.
for (const { format, open, folder } of formats) {
  test(`${format}: a write meeting another process's write transaction on its day's open file answers the same error naming it`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `logship-locked-open-${format}-`));
    const file = path.join(dir, folder, LOCKED_DAY);
    const store = await open({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW });
    let other: Database.Database | undefined;
    try {
      await store.write(events('before', NOW - 2 * DAY), NOW);
      other = new Database(file, { fileMustExist: true });
      other.exec('BEGIN IMMEDIATE');
      await assert.rejects(store.write(events('during', NOW - 2 * DAY + 500), NOW), (err) => {
        assert.ok(isStoreError(err, 'LS_STORE_PARTITION_LOCKED'), `LS_STORE_PARTITION_LOCKED, got ${String(err)}`);
        assert.equal(err.retryable, true);
        assert.ok(err.message.includes(`${file} is locked by another process`), err.message);
        return true;
      });
      other.exec('ROLLBACK');
      assert.equal((await store.write(events('during', NOW - 2 * DAY + 500), NOW)).stored, 50);
      assert.equal((store as unknown as { damageChecks: number }).damageChecks, 0);
    } finally {
      other?.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

// A write probes the day before its day for a retry's copies (events stamped on receipt; the block writer probes it
// for every write): that file locked failed the write as damage (the block store: "the partition of the day written
// is damaged inside"; the row store: LS_STORE_CORRUPT_PARTITION). It is the same retryable error naming the locked
// file: the probe cannot be skipped without risking a second copy.
for (const { format, open, folder } of formats) {
  test(`${format}: a write whose dedupe probe meets the day before locked answers the error naming that file, not damage`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `logship-locked-probe-${format}-`));
    const before = path.join(dir, folder, '2026-02-07.default.db');
    const first = await open({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW });
    try {
      await first.write(events('before', NOW - DAY), NOW);
    } finally {
      await first.close();
    }
    const store = await open({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW });
    const received = (tag: string): LogEvent[] => events(tag, NOW).map((e) => ({ ...e, 'logship.no_timestamp': true }));
    const lock = new Database(before);
    try {
      lock.pragma('locking_mode = EXCLUSIVE');
      lock.exec('BEGIN IMMEDIATE; COMMIT');
      await assert.rejects(store.write(received('today'), NOW), (err) => {
        assert.ok(isStoreError(err, 'LS_STORE_PARTITION_LOCKED'), `LS_STORE_PARTITION_LOCKED, got ${String(err)}`);
        assert.equal(err.retryable, true);
        assert.ok(err.message.includes(`${before} is locked by another process`), err.message);
        return true;
      });
      assert.equal((store as unknown as { damageChecks: number }).damageChecks, 0);
      assert.deepEqual(store.unreadablePartitions!(RANGE), []);
      lock.close();
      assert.equal((await store.write(received('today'), NOW)).stored, 50);
    } finally {
      if (lock.open) lock.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

// Another process's write transaction on an open file was waited out for the statements' 5 s busy timeout at the
// write's BEGIN IMMEDIATE, on the writer's thread, so every day's batches waited with it (docs/SQLITE_STORE.md
// "Errors"). The write now waits WRITE_LOCK_BUSY_MS (1 s): a lock held 3 s past the write's start is not waited out
// (the old wait stored the batch when the lock went); the write answers the retryable error and its retry stores it.
for (const { format, open, folder } of formats) {
  test(`${format}: a write meeting another process's write transaction on an open file gives up after its short wait, not the statements' 5 s; the retry stores it`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `logship-locked-wait-${format}-`));
    const file = path.join(dir, folder, LOCKED_DAY);
    // The writer thread, as the server's: the holder's release cannot run on the thread that waits.
    const store = await open({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, writerThread: true });
    let holder: ChildProcess | undefined;
    try {
      await store.write(events('before', NOW - 2 * DAY), NOW);
      // Holds the day's write lock for 3 s from when it says so, then commits and exits.
      holder = spawn(process.execPath, ['-e', `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(file)}); db.exec('BEGIN IMMEDIATE'); process.stdout.write('held\\n'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, 3000);`], {
        cwd: path.dirname(require.resolve('better-sqlite3/package.json')),
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const exited = once(holder, 'exit');
      await once(holder.stdout!, 'data');
      await assert.rejects(store.write(events('during', NOW - 2 * DAY + 500), NOW), (err) => {
        assert.ok(isStoreError(err, 'LS_STORE_PARTITION_LOCKED'), `LS_STORE_PARTITION_LOCKED, got ${String(err)}`);
        assert.equal(err.retryable, true);
        assert.ok(err.message.includes(`${file} is locked by another process`), err.message);
        return true;
      });
      assert.deepEqual(await exited, [0, null]);
      assert.equal((await store.write(events('during', NOW - 2 * DAY + 500), NOW)).stored, 50);
      assert.equal((await store.count({ ...RANGE, query: parse('*') })), 100);
    } finally {
      holder?.kill();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

// Both formats commit a group's partitions early once it holds MAX_OPEN_TRANSACTIONS of them open (a batch over
// many days): a later partition's failure refuses the batch after those commits. The refusal names that part.
for (const { format, open, folder } of formats) {
  test(`${format}: a batch over more days than a group commit holds open, refused at the locked day after them, names the days committed`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `logship-locked-early-${format}-`));
    const file = path.join(dir, folder, LOCKED_DAY);
    const retention = { ...DEFAULT_RETENTION, default_days: MAX_OPEN_TRANSACTIONS + 10 };
    const first = await open({ dataDir: dir, retention, now: () => NOW });
    try {
      await first.write(events('before', NOW - 2 * DAY), NOW);
    } finally {
      await first.close();
    }
    const lock = new Database(file);
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN IMMEDIATE; COMMIT');
    const store = await open({ dataDir: dir, retention, now: () => NOW });
    try {
      // Days 3 .. MAX_OPEN_TRANSACTIONS + 2 back, 2 events each, then the locked day (2 back) last.
      const older = Array.from({ length: MAX_OPEN_TRANSACTIONS }, (_, d) => events(`day${d}`, NOW - (d + 3) * DAY, 2)).flat();
      const batch = [...older, ...events('locked', NOW - 2 * DAY + 700, 2)];
      let refusal: unknown;
      await assert.rejects(store.write(batch, NOW, { partial: true }), (err) => isStoreError((refusal = err), 'LS_STORE_PARTITION_LOCKED'));
      assert.deepEqual(committedOf(refusal), older.map((_, i) => i), 'every day committed early');
      lock.close();
      const again = await store.write(batch, NOW, { partial: true });
      assert.deepEqual([again.stored, again.duplicates], [2, older.length]);
    } finally {
      if (lock.open) lock.close();
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
