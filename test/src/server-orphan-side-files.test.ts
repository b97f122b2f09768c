/**
 * A process killed while retention deleted a partition (its database file
 * removed, its `-wal` and `-shm` not yet) left those side files in the data
 * folder for good: no start, retention run or listing removed them. Now
 * retention removes side files first, and `logship serve` removes, under
 * its data folder lock and before opening any partition, side files whose
 * partition file is gone, in both formats' folders. A live partition's WAL
 * (the server killed mid-ingest, its last batches only in the WAL) is kept:
 * every acknowledged event is found after the restart.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest, searchAll, startServer, stopAll } from './harness.js';

after(stopAll);

const DAY = 86_400_000;

test('logship serve removes side files a killed retention delete left, in blocks/ and sqlite/, and keeps a live partition WAL', async () => {
  const first = await startServer();
  const dataDir = first.dataDir;
  const now = Date.now() - 60_000;
  const lines = Array.from({ length: 50 }, (_, i) => JSON.stringify({ '@timestamp': new Date(now - (i % 2) * DAY).toISOString(), message: `orphan test ${i}`, 'event.id': `ow-${i}` }));
  assert.equal((await ingest(first.url, lines)).stored, 50);
  await first.stop('SIGKILL');

  const blocks = join(dataDir, 'blocks');
  const live = readdirSync(blocks).filter((n) => /\.db-(wal|shm)$/.test(n));
  assert.ok(live.some((n) => n.endsWith('-wal')), `a killed server leaves its partitions' WAL: ${readdirSync(blocks).join(', ')}`);
  // What a kill between removing a partition's database file and its side
  // files left: a real WAL and shared-memory file, no database file.
  const gone = `${new Date(now - 40 * DAY).toISOString().slice(0, 10)}.default.db`;
  const wal = live.find((n) => n.endsWith('-wal'))!;
  copyFileSync(join(blocks, wal), join(blocks, `${gone}-wal`));
  writeFileSync(join(blocks, `${gone}-shm`), Buffer.alloc(32_768));
  const rows = join(dataDir, 'sqlite');
  mkdirSync(rows);
  writeFileSync(join(rows, `${gone}-wal`), Buffer.alloc(0));
  writeFileSync(join(rows, `${gone}-journal`), Buffer.alloc(512));
  // Not a partition's side file: left alone.
  writeFileSync(join(blocks, 'notes.txt-wal'), 'kept');

  const second = await startServer({ dataDir });
  assert.deepEqual(readdirSync(blocks).filter((n) => n.startsWith(gone)), [], 'the orphans in blocks/ are removed');
  assert.deepEqual(readdirSync(rows), [], 'the orphans in sqlite/ are removed');
  assert.ok(existsSync(join(blocks, 'notes.txt-wal')));
  assert.match(second.output(), new RegExp(`Removed 2 side files of partitions deleted before this start[^"]*${gone.replace(/\./g, '\\.')}-shm, ${gone.replace(/\./g, '\\.')}-wal`));
  for (const n of live.filter((f) => f.endsWith('-wal'))) assert.ok(existsSync(join(blocks, n)), `${n} of a live partition is kept`);
  const found = await searchAll(second.url, 'message:orphan', { from: new Date(now - 3 * DAY).toISOString(), to: new Date(now + DAY).toISOString() });
  assert.equal(found.length, 50);
  await second.stop('SIGTERM');
});
