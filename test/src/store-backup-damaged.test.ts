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
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingest, removeDir, startServer, stopAll, tempDir, runLogship } from './harness.js';
import { openSqlite } from './sqlite-file.js';

after(stopAll);


const logship = (args: string[]) => runLogship(args);

const DAY = 86_400_000;

test('logship store backup names a damaged partition file, lists it in --json and exits 1, the copy kept; a clean folder exits 0', async () => {
  const server = await startServer();
  const work = await tempDir('logship-backup-damaged-');
  try {
    const yesterday = Math.floor(Date.now() / DAY) * DAY - DAY / 2;
    const line = (at: number, i: number) => JSON.stringify({ '@timestamp': new Date(at).toISOString(), message: `backup damage ${i}`, 'event.id': `bd-${at}-${i}` });
    // Today's file, so a minute ago unless today began less than a minute ago (that was yesterday's file).
    const now = Math.max(Date.now() - 60_000, yesterday + DAY / 2);
    const lines = Array.from({ length: 40 }, (_, i) => line(i % 2 === 0 ? yesterday + i : now + i, i));
    assert.equal((await ingest(server.url, lines)).stored, 40);
    const dataDir = server.dataDir;
    await server.stop('SIGTERM');

    const clean = await logship(['store', 'backup', join(work, 'clean'), '--data', dataDir, '--json']);
    assert.equal(clean.code, 0, clean.stderr);
    assert.deepEqual((JSON.parse(clean.stdout) as { damaged: string[] }).damaged, []);

    const file = `${new Date(yesterday).toISOString().slice(0, 10)}.default.db`;
    const db = openSqlite(join(dataDir, 'blocks', file));
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

// A partition file an operator moved aside (`….db.damaged`, as the server's
// log tells them to) was copied into the backup and counted among its
// files without a word, so whoever restored it could not tell that day was
// not served. Now it is kept, named on stderr and under `set_aside`, and
// the backup still exits 0: it holds every served partition whole.
test('logship store backup keeps a partition file set aside as damaged, names it as not searched and does not count it among the partitions', async () => {
  const server = await startServer();
  const work = await tempDir('logship-backup-aside-');
  try {
    const yesterday = Math.floor(Date.now() / DAY) * DAY - DAY / 2;
    const lines = Array.from({ length: 10 }, (_, i) => JSON.stringify({ '@timestamp': new Date(yesterday + i).toISOString(), message: `aside ${i}`, 'event.id': `ba-${i}` }));
    assert.equal((await ingest(server.url, lines)).stored, 10);
    const dataDir = server.dataDir;
    await server.stop('SIGTERM');
    const file = `${new Date(yesterday).toISOString().slice(0, 10)}.default.db`;
    renameSync(join(dataDir, 'blocks', file), join(dataDir, 'blocks', `${file}.damaged`));

    const dest = join(work, 'copy');
    const res = await logship(['store', 'backup', dest, '--data', dataDir]);
    assert.equal(res.code, 0, res.stderr);
    const aside = `blocks/${file}.damaged`.replace(/\./g, '\\.');
    assert.match(res.stderr, new RegExp(`note: ${aside} is a partition file set aside \\(\\.damaged\\): a server does not search it; copied as it is`));
    assert.match(res.stdout, new RegExp(`  ${aside}: \\d+ bytes \\(set aside, not searched\\)`));
    assert.match(res.stdout, new RegExp(`Done: \\d+ files, \\d+ bytes in .+ \\(1 of them set aside, not searched: ${aside}\\)\\.`));
    assert.ok(existsSync(join(dest, 'blocks', `${file}.damaged`)), 'kept in the backup');

    const json = await logship(['store', 'backup', join(work, 'json'), '--data', dataDir, '--json']);
    assert.equal(json.code, 0, json.stderr);
    const answer = JSON.parse(json.stdout) as { damaged: string[]; set_aside: string[]; files: { file: string; set_aside?: boolean }[] };
    assert.deepEqual(answer.set_aside, [`blocks/${file}.damaged`]);
    assert.deepEqual(answer.damaged, []);
    assert.deepEqual(answer.files.filter((f) => f.set_aside === true).map((f) => f.file), [`blocks/${file}.damaged`]);
  } finally {
    await stopAll();
    await removeDir(work);
  }
});
