/**
 * Damage one thread finds is handed to another (a reader thread's to the
 * main thread, a merge's on the writer thread to the main thread) with the
 * identity of the file found damaged (partition-damage.ts fileIdentity).
 * Until 2026-12-07 it went without one, and the thread told took the
 * identity of whatever file was in the partition's place when the message
 * arrived: a file restored in between was left out of reads and its day's
 * writes refused, though nothing was wrong with it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LogEvent } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { q } from '../store/contract/ast-builders.js';
import { fileIdentity, type DamagedPartition } from '../sqlite/partition-damage.js';
import { BlockStore } from './block-store.js';

const NOW = Date.parse('2026-02-08T12:00:00.000Z');
const DAY = 86_400_000;
const YESTERDAY = '2026-02-07.default.db';
const RANGE = { from: NOW - 3 * DAY, to: NOW + 1000, now: NOW };

function events(tag: string): LogEvent[] {
  return Array.from({ length: 50 }, (_, i) => ({
    '@timestamp': new Date(NOW - DAY - i * 1000).toISOString(),
    'event.id': `${tag}-${i}`,
    level: 'info',
    message: `${tag} ${i}`,
  }));
}

/** The last stored column of the file's first block deleted: what decoding it (a read, a merge) finds. */
function dropColumn(file: string): void {
  const db = new Database(file);
  try {
    const block = (db.prepare('SELECT min(block) AS b FROM cols').get() as { b: number }).b;
    db.prepare('DELETE FROM cols WHERE block = ? AND i = (SELECT max(i) FROM cols WHERE block = ?)').run(block, block);
  } finally {
    db.close();
  }
}

test('damage a read finds is handed on with the identity of the file it read', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-damage-identity-read-'));
  // As a reader thread runs its store: reads on the calling thread.
  const store = new BlockStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, merges: false });
  store.init();
  try {
    await store.write(events('a'), NOW);
    const file = path.join(dir, 'blocks', YESTERDAY);
    dropColumn(file);
    await store.search({ ...RANGE, query: q.all(), limit: 100, sort: 'desc' });
    const handed: DamagedPartition[] = store.takeDamaged();
    assert.deepEqual(handed.map((d) => [d.partition, d.identity]), [[YESTERDAY, fileIdentity(file)]]);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('damage a merge finds is handed on with the identity of the file it merged', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-damage-identity-merge-'));
  const handed: DamagedPartition[] = [];
  // As the writer thread runs its store: merges inline, the main thread told through onDamaged.
  const store = new BlockStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, onDamaged: (found) => handed.push(...found) });
  store.init();
  try {
    for (const tag of ['a', 'b', 'c']) await store.write(events(tag), NOW);
    const file = path.join(dir, 'blocks', YESTERDAY);
    dropColumn(file);
    store.mergeNow();
    assert.deepEqual(handed.map((d) => [d.partition, d.identity]), [[YESTERDAY, fileIdentity(file)]]);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
