/**
 * A data folder on a small tmpfs filled up, in both embedded formats: a
 * group commit whose insert fails with SQLITE_FULL when SQLite spills the
 * page cache of a large write to the WAL. SQLite then rolls back the
 * partition's whole transaction, not only the statement or the write's
 * savepoint, so the rows an earlier write of the same group commit had put
 * there are gone too. Until 2026-12-07 the row store's commit of that
 * partition found no transaction open, did nothing, and that earlier
 * write was answered stored: acknowledged events lost. Now every write with
 * rows in the lost transaction is refused, each naming exactly what it
 * committed elsewhere, and everything is stored once when resent.
 *
 * Needs root (mount); skipped with the reason otherwise, but for under CI=true.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse, type LogEvent } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { committedOf, isStoreError } from '../store/store-error.js';
import type { LogStore } from '../store/log-store.js';
import { openSqliteStore } from './open-sqlite-store.js';
import { openBlockStore } from '../blocks/open-block-store.js';

const NOW = Date.parse('2026-02-08T12:00:00.000Z');
const DAY = 86_400_000;
const RANGE = { from: NOW - 3 * DAY, to: NOW + 1000, now: NOW };
// Under CI=true the mount is tried anyway and its failure fails the test (as test/src/tmpfs.ts does).
const notRoot = process.getuid?.() !== 0 && process.env.CI !== 'true' ? 'mounting a tmpfs needs root (CI runs the tests as root)' : false;

function events(tag: string, at: number, n: number, bytes = 0): LogEvent[] {
  return Array.from({ length: n }, (_, i) => ({
    '@timestamp': new Date(at - i * 1000).toISOString(),
    'event.id': `${tag}-${i}`,
    level: 'info',
    message: `${tag} ${i}`,
    // Random, so that no compression makes it smaller than the free space; not a text field, so not indexed.
    ...(bytes > 0 ? { payload: randomBytes(bytes).toString('base64') } : {}),
  }));
}

/** Fills the file system of `dir` but for about `slack` bytes; returns the filler's path. */
function fill(dir: string, slack: number): string {
  const filler = path.join(dir, 'filler');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(1 << 16, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  }
  fs.ftruncateSync(fd, Math.max(0, fs.fstatSync(fd).size - slack));
  fs.closeSync(fd);
  return filler;
}

const formats = [
  { format: 'rows', open: openSqliteStore, folder: 'sqlite' },
  { format: 'blocks', open: openBlockStore, folder: 'blocks' },
] as const;

// Without another day, the earlier write was answered stored; with one, whose commit then found the disk full,
// it was refused naming its lost events as committed (the live feed showed them, a resend stored them again).
const shapes = [
  { also: 'nothing else', yesterday: 0 },
  { also: 'a part for another day', yesterday: 2 },
];

for (const { format, open } of formats) for (const { also, yesterday: alsoYesterday } of shapes) {
  test(`${format}, a large write with ${also}: a disk filling up during a group commit refuses every write it did not commit, each naming what it did, and loses nothing acknowledged`, { skip: notRoot }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `logship-full-${format}-`));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=128m', 'tmpfs', dir]);
    let store: LogStore | undefined;
    try {
      // Writing on the calling thread: two write() calls of one turn share a group commit.
      store = await open({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, writerThread: false, readerThreads: 0 });
      const today = NOW - 1000;
      const yesterday = NOW - DAY;
      // Both days' files exist: the small writes below need no new file.
      assert.equal((await store.write([...events('before', today, 1), ...events('before-y', yesterday, 1)], NOW)).stored, 2);
      const filler = fill(dir, 1 << 20);

      // First a small write to today; then, in the same group commit, one with a large part for today (and a small
      // one for yesterday), whose insert spills past the free space: SQLite rolls back today's whole transaction.
      const small = events('small', today - 100_000, 3);
      const mixed = [...events('mixed-y', yesterday - 100_000, alsoYesterday), ...events('big', today - 200_000, 10_000, 1500)];
      const answers = await Promise.allSettled([store.write(small, NOW), store.write(mixed, NOW)]);
      const refusals = answers.map((a, i) => {
        assert.equal(a.status, 'rejected', `write ${i} refused: today's transaction is gone, got ${JSON.stringify(a.status === 'fulfilled' ? a.value : null)}`);
        const err = (a as PromiseRejectedResult).reason as unknown;
        assert.ok(isStoreError(err), `a store error, got ${String(err)}`);
        assert.equal(err.statusCode, 503);
        assert.equal(err.retryable, true);
        return err;
      });
      // What is stored of the two batches is exactly what the refusals named.
      const stored = (await store.search({ ...RANGE, query: parse('*'), limit: 10_000, fields: ['event.id'] })).hits
        .map((h) => String(h['event.id']))
        .filter((id) => !id.startsWith('before'));
      const named = [...committedOf(refusals[0]).map((i) => small[i]!), ...committedOf(refusals[1]).map((i) => mixed[i]!)].map((e) => String(e['event.id']));
      assert.deepEqual(stored.sort(), named.sort(), 'the events committed are the events named');

      fs.rmSync(filler);
      const again = await Promise.all([store.write(small, NOW), store.write(mixed, NOW)]);
      assert.equal(again[0].stored + again[0].duplicates, small.length);
      assert.equal(again[1].stored + again[1].duplicates, mixed.length);
      assert.equal(again[0].duplicates + again[1].duplicates, named.length, 'only what was named was stored before');
      assert.equal(await store.count({ ...RANGE, query: parse('*') }), 2 + small.length + mixed.length, 'every event once');
    } finally {
      await store?.close();
      execFileSync('umount', [dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

// A partition records the class lists its events were classified with (meta `classes:…`), which lets a write skip
// probing it for retries classified otherwise. The row store remembered the record it had made in a transaction
// that was then rolled back, and did not make it again: the file held events under a class list it did not name.
for (const { format, open, folder } of formats) {
  test(`${format}: a new day's file whose first write the full disk refused records its class list with the next write`, { skip: notRoot }, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `logship-full-classes-${format}-`));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', dir]);
    let store: LogStore | undefined;
    try {
      store = await open({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, writerThread: false, readerThreads: 0 });
      assert.equal((await store.write(events('before', NOW - 1000, 1), NOW)).stored, 1);
      const filler = fill(dir, 1 << 20);
      const day = NOW - 2 * DAY;
      await assert.rejects(store.write(events('big', day, 2000, 1500), NOW), (err) => isStoreError(err, 'LS_STORE_WRITE_FAILED'));
      fs.rmSync(filler);
      assert.equal((await store.write(events('small', day, 3), NOW)).stored, 3);
      await store.close();
      store = undefined;
      const file = new Database(path.join(dir, folder, '2026-02-06.default.db'), { readonly: true });
      try {
        const classes = file.prepare("SELECT key FROM meta WHERE key LIKE 'classes:%'").all();
        assert.equal(classes.length, 1, 'the class list of the events stored there');
      } finally {
        file.close();
      }
    } finally {
      await store?.close();
      execFileSync('umount', [dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
