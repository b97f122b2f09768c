/**
 * A partition file another process holds locked (a connection in exclusive
 * locking mode, as an operator's `sqlite3` session or a backup tool may
 * leave it), through a real `logship serve`: an ingest into its day
 * answers 503 with Retry-After saying the file is locked by another
 * process, a search over its day 503 LS_STORE_PARTITION_LOCKED, and the
 * server's log says locked, not damaged. Until 2026-12-07 the ingest
 * answered, after ~20 s, that the partition "is damaged inside" and to
 * move it aside. A search over a range holding other days answers them,
 * with a warning naming the locked file (the second test; until
 * 2026-12-07 that was the 503 too).
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

interface Answer {
  status: number;
  retryAfter: string | null;
  body: {
    hits?: { run: string }[];
    total?: { value: number; relation: string };
    buckets?: { key: string | number; count: number }[];
    fields?: { name: string; count: number }[];
    values?: { value: string; count: number }[];
    warnings?: { code: string; partition: string; message: string }[];
    error?: { code: string; message: string };
  };
}

async function get(url: string): Promise<Answer> {
  const res = await fetch(url);
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Answer['body'] };
}

// A day another process holds locked is left out of reads over a longer range, which answer the other days and name
// it in `warnings` (LS_STORE_PARTITION_LOCKED), as a damaged or denied day is; a range of that day alone still answers
// 503 (docs/SQLITE_STORE.md "Errors"). Until 2026-12-07 every answer over the range was that 503.
for (const format of ['blocks', 'rows'] as const) {
  test(`${format}: search, its total, aggregations and the fields answers over a range with a locked day answer the other days with a LS_STORE_PARTITION_LOCKED warning naming it`, { timeout: 180_000 }, async () => {
    const root = await tempDir(`logship-locked-reads-${format}-`);
    let lock: SqliteFile | undefined;
    try {
      const dataDir = join(root, 'data');
      const configYaml = `store:\n  type: sqlite\n  format: ${format}\n`;
      const base = Math.floor(Date.now() / DAY) * DAY;
      const noonOf = (back: number): number => base - back * DAY + DAY / 2;
      const name = (back: number): string => `${new Date(noonOf(back)).toISOString().slice(0, 10)}.default.db`;
      const file = join(dataDir, format === 'blocks' ? 'blocks' : 'sqlite', name(2));
      const line = (run: string, back: number, i: number): string =>
        JSON.stringify({ '@timestamp': new Date(noonOf(back) + i * 1000).toISOString(), 'event.id': `${run}-${i}`, level: i % 2 === 0 ? 'info' : 'warning', message: `${run} ${i}`, run });
      const first = await startServer({ dataDir, configYaml });
      const lines = [0, 1, 2].map((i) => line('locked-day', 2, i)).concat([0, 1, 2, 3].map((i) => line('older-day', 3, i)), [0, 1].map((i) => line('newer-day', 1, i)));
      assert.equal((await ingest(first.url, lines)).stored, lines.length);
      assert.equal(await first.stop('SIGTERM'), 0);

      lock = openSqlite(file);
      lock.pragma('locking_mode = EXCLUSIVE');
      lock.exec('BEGIN IMMEDIATE; COMMIT');
      const server = await startServer({ dataDir, configYaml, port: first.port });
      const range = 'from=now-5d&to=now%2B1d';
      const leftOut = (answer: Answer, what: string): void => {
        assert.equal(answer.status, 200, `${what}: ${JSON.stringify(answer.body)}`);
        assert.deepEqual((answer.body.warnings ?? []).map((w) => [w.partition, w.code]), [[name(2), 'LS_STORE_PARTITION_LOCKED']], what);
        const message = answer.body.warnings![0]!.message;
        assert.ok(message.includes(`${file} is locked by another process`) && message.includes('left out of this answer'), message);
      };

      const search = await get(`${server.url}/api/v1/search?q=*&${range}&limit=1000`);
      leftOut(search, 'search');
      assert.deepEqual(search.body.hits!.map((h) => h.run).sort(), ['newer-day', 'newer-day', 'older-day', 'older-day', 'older-day', 'older-day']);
      // A page short of the total: counted over the days read.
      const page = await get(`${server.url}/api/v1/search?q=*&${range}&limit=2`);
      leftOut(page, 'a page');
      assert.deepEqual(page.body.total, { value: 6, relation: 'eq' });
      const terms = await get(`${server.url}/api/v1/aggregate?q=*&${range}&type=terms&field=level`);
      leftOut(terms, 'terms');
      assert.deepEqual(terms.body.buckets!.map((b) => [b.key, b.count]), [['info', 3], ['warning', 3]]);
      const histogram = await get(`${server.url}/api/v1/aggregate?q=level:info&${range}&type=date_histogram&interval=1d`);
      leftOut(histogram, 'histogram');
      assert.equal(histogram.body.buckets!.reduce((n, b) => n + b.count, 0), 3);
      // Stats of a field holding no number: the check that says so counts it without the locked day too (400, not 503).
      const stats = await get(`${server.url}/api/v1/aggregate?q=*&${range}&type=stats&field=run`);
      assert.equal(stats.status, 400, JSON.stringify(stats.body));
      assert.match(stats.body.error!.message, /"run" has 6 values in the range and none is a number/);
      const fields = await get(`${server.url}/api/v1/fields?q=*&${range}`);
      leftOut(fields, 'fields');
      assert.equal(fields.body.fields!.find((f) => f.name === 'run')?.count, 6);
      const values = await get(`${server.url}/api/v1/fields/run/values?q=*&${range}`);
      leftOut(values, 'values');
      assert.deepEqual(values.body.values, [{ value: 'older-day', count: 4 }, { value: 'newer-day', count: 2 }]);

      // The locked day alone: nothing could be read, so the retryable 503, not an empty answer.
      const alone = await get(`${server.url}/api/v1/search?q=*&from=${new Date(noonOf(2) - 3_600_000).toISOString()}&to=${new Date(noonOf(2) + 3_600_000).toISOString()}`);
      assert.equal(alone.status, 503, JSON.stringify(alone.body));
      assert.ok(Number(alone.retryAfter) > 0, 'Retry-After');
      assert.equal(alone.body.error!.code, 'LS_STORE_PARTITION_LOCKED');
      assert.ok(alone.body.error!.message.includes(file), alone.body.error!.message);

      lock.close();
      const whole = await get(`${server.url}/api/v1/search?q=*&${range}&limit=1000`);
      assert.equal(whole.status, 200);
      assert.equal(whole.body.hits!.length, 9);
      assert.equal(whole.body.warnings, undefined);
      assert.doesNotMatch(server.output(), /damaged/i);
    } finally {
      lock?.close();
      await stopAll();
      await removeDir(root);
    }
  });
}
