/**
 * A partition file another process holds locked (a connection in exclusive
 * locking mode, as an operator's `sqlite3` session or a backup tool may
 * leave it), through a real `logship serve`: an ingest into its day
 * answers 503 with Retry-After saying the file is locked by another
 * process, a search over its day 503 LS_STORE_PARTITION_LOCKED, and the
 * server's log says locked, not damaged. Until 2026-12-07 the ingest
 * answered, after ~20 s, that the partition "is damaged inside" and to
 * move it aside.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ingest, removeDir, searchAll, startServer, stopAll, tempDir, waitFor } from './harness.js';
import { openSqlite, type SqliteFile } from './sqlite-file.js';


const DAY = 86_400_000;

after(stopAll);

test('an ingest into a day whose file another process holds locked answers 503 with Retry-After saying so, and the log says locked, not damaged', { timeout: 180_000 }, async () => {
  const root = await tempDir('logship-locked-day-');
  let lock: SqliteFile | undefined;
  try {
    const dataDir = join(root, 'data');
    // Two days back: a write of today probes only the day before.
    const noon = Math.floor(Date.now() / DAY) * DAY - 2 * DAY + DAY / 2;
    const file = join(dataDir, 'blocks', `${new Date(noon).toISOString().slice(0, 10)}.default.db`);
    const line = (run: string, i: number): string => JSON.stringify({ '@timestamp': new Date(noon + i * 1000).toISOString(), message: `${run} ${i}`, run });
    const first = await startServer({ dataDir });
    await ingest(first.url, Array.from({ length: 5 }, (_, i) => line('before', i)));
    assert.equal(await first.stop('SIGTERM'), 0);

    lock = openSqlite(file);
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN IMMEDIATE; COMMIT');
    const server = await startServer({ dataDir, port: first.port });

    const refused = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: line('locked', 1) + '\n' });
    const body = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(refused.status, 503);
    assert.ok(Number(refused.headers.get('retry-after')) > 0, 'Retry-After');
    assert.equal(body.error.code, 'LS_INGEST_STORE_UNAVAILABLE');
    assert.ok(body.error.message.includes(`${file} is locked by another process`), body.error.message);
    assert.doesNotMatch(body.error.message, /damaged/);

    const search = await fetch(`${server.url}/api/v1/search?q=*&from=now-3d&to=now%2B1d`);
    const searched = (await search.json()) as { error: { code: string; message: string } };
    assert.equal(search.status, 503);
    assert.ok(Number(search.headers.get('retry-after')) > 0, 'Retry-After');
    assert.equal(searched.error.code, 'LS_STORE_PARTITION_LOCKED');
    assert.ok(searched.error.message.includes(file), searched.error.message);

    // A line with the code and the cause, in whichever order its fields come (a request's log line
    // may be written after its answer is read: wait for it).
    await waitFor(() => server.output().split('\n').some((l) => l.includes('LS_STORE_PARTITION_LOCKED') && l.includes('is locked by another process')), { what: 'the locked partition logged' });
    assert.doesNotMatch(server.output(), /damaged/i);

    lock.close();
    assert.equal((await ingest(server.url, [line('locked', 1)])).stored, 1);
    assert.deepEqual((await searchAll(server.url, '*', { from: 'now-3d' })).map((h) => h.run).sort(), ['before', 'before', 'before', 'before', 'before', 'locked']);
    assert.doesNotMatch(server.output(), /damaged/i);
  } finally {
    lock?.close();
    await stopAll();
    await removeDir(root);
  }
});
