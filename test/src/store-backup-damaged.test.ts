/**
 * `logship store backup` of a data folder holding a partition file damaged
 * inside its pages (valid SQLite, garbage where a block's columns were):
 * VACUUM INTO copies the values as they are, so the copy was damaged too
 * and the backup said "Done" and exited 0, and a script rotating backups on
 * success could drop the last one whose copy of that day was good. Now it
 * names the file on stderr, lists it under `damaged` in --json, and exits 1
 * with the copy kept; the other files are copied and checked as before. A
 * file SQLite itself cannot read failed the whole backup without naming
 * it: it is copied byte for byte and named the same way.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ingest, removeDir, repoRoot, startServer, stopAll, tempDir, runLogship } from './harness.js';

after(stopAll);

interface Db {
  exec(sql: string): void;
  close(): void;
}
const Database = createRequire(join(repoRoot, 'packages/ingest/package.json'))('better-sqlite3') as new (file: string) => Db;

const logship = (args: string[]) => runLogship(args);

const DAY = 86_400_000;

test('logship store backup names a damaged partition file, lists it in --json and exits 1, the copy kept; a clean folder exits 0', async () => {
  const server = await startServer();
  const work = await tempDir('logship-backup-damaged-');
  try {
    const yesterday = Math.floor(Date.now() / DAY) * DAY - DAY / 2;
    const line = (at: number, i: number) => JSON.stringify({ '@timestamp': new Date(at).toISOString(), message: `backup damage ${i}`, 'event.id': `bd-${at}-${i}` });
    const now = Date.now() - 60_000;
    const lines = Array.from({ length: 40 }, (_, i) => line(i % 2 === 0 ? yesterday + i : now + i, i));
    assert.equal((await ingest(server.url, lines)).stored, 40);
    const dataDir = server.dataDir;
    await server.stop('SIGTERM');

    const clean = await logship(['store', 'backup', join(work, 'clean'), '--data', dataDir, '--json']);
    assert.equal(clean.code, 0, clean.stderr);
    assert.deepEqual((JSON.parse(clean.stdout) as { damaged: string[] }).damaged, []);

    const file = `${new Date(yesterday).toISOString().slice(0, 10)}.default.db`;
    const db = new Database(join(dataDir, 'blocks', file));
    db.exec('UPDATE cols SET data = randomblob(length(data))');
    db.close();
    // Today's file damaged for SQLite itself (every page after the first
    // overwritten): VACUUM INTO cannot read it, which failed the whole
    // backup without naming the file.
    const today = `${new Date(now).toISOString().slice(0, 10)}.default.db`;
    const size = statSync(join(dataDir, 'blocks', today)).size;
    assert.ok(size > 4096);
    writeFileSync(join(dataDir, 'blocks', today), Buffer.concat([readFileSync(join(dataDir, 'blocks', today)).subarray(0, 4096), Buffer.alloc(size - 4096, 0xab)]));

    const dest = join(work, 'copy');
    const res = await logship(['store', 'backup', dest, '--data', dataDir]);
    assert.equal(res.code, 1, res.stdout);
    const re = (f: string) => f.replace(/\./g, '\\.');
    assert.match(res.stderr, new RegExp(`warning: blocks/${re(file)} is damaged \\(.+\\); its copy is too`));
    assert.match(res.stderr, new RegExp(`warning: blocks/${re(today)} is damaged \\(database disk image is malformed; copied byte for byte`));
    assert.match(res.stderr, new RegExp(`2 partition file\\(s\\) of the backup are damaged as in the data folder: blocks/${re(file)}, blocks/${re(today)}\\. Keep an earlier backup`));
    assert.match(res.stdout, /Done: \d+ files/);
    assert.ok(existsSync(join(dest, 'blocks', file)), 'the copy is kept');
    assert.equal(statSync(join(dest, 'blocks', today)).size, size);

    const json = await logship(['store', 'backup', join(work, 'json'), '--data', dataDir, '--json']);
    assert.equal(json.code, 1);
    const answer = JSON.parse(json.stdout) as { damaged: string[]; files: { file: string; damaged?: string }[] };
    assert.deepEqual(answer.damaged, [`blocks/${file}`, `blocks/${today}`]);
    assert.deepEqual(answer.files.filter((f) => f.damaged !== undefined).map((f) => f.file), [`blocks/${file}`, `blocks/${today}`]);
  } finally {
    await stopAll();
    await removeDir(work);
  }
});
