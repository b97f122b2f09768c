/**
 * A batch refused (503) after part of it was committed, through a real
 * `logship serve` with a live tail open: a batch of today's events and a
 * day whose file another process holds locked. The row store's group
 * commit kept the rows it had put in today's transaction when the locked
 * day failed, so today's part was stored though the answer said nothing
 * was; the sender's resend found it stored (a duplicate), and it was never
 * published: a live tail never showed it, log metrics never counted it,
 * the feed's numbering missed it. Now the refusal names what its write
 * committed and the ingest path publishes that before answering. Both
 * store formats, with and without ingest workers (which prepare on their
 * own thread; the commit and the publishing stay on the main one).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ingest, removeDir, startServer, stopAll, tempDir } from './harness.js';
import { openSqlite, type SqliteFile } from './sqlite-file.js';
import { openTail } from './tail-support.js';


const DAY = 86_400_000;

after(stopAll);

const cases = [
  { format: 'blocks', folder: 'blocks', workers: 0 },
  { format: 'rows', folder: 'sqlite', workers: 0 },
  { format: 'rows', folder: 'sqlite', workers: 2 },
  { format: 'blocks', folder: 'blocks', workers: 2 },
];

for (const { format, folder, workers } of cases) {
  test(`${format}, ${workers} ingest workers: a batch refused on a locked day and resent shows every one of its events in a live tail exactly once`, { timeout: 180_000 }, async () => {
    const root = await tempDir(`logship-partial-${format}-`);
    let lock: SqliteFile | undefined;
    try {
      const dataDir = join(root, 'data');
      const configYaml = `ingest: { workers: ${workers} }\nstore: { type: sqlite, format: ${format} }\n`;
      // Two days back: a write of today probes only the day before.
      const noon = Math.floor(Date.now() / DAY) * DAY - 2 * DAY + DAY / 2;
      const file = join(dataDir, folder, `${new Date(noon).toISOString().slice(0, 10)}.default.db`);
      const line = (run: string, ts: number, i: number): string => JSON.stringify({ '@timestamp': new Date(ts + i * 1000).toISOString(), message: `${run} ${i}`, run, 'event.id': `${run}-${i}` });
      const first = await startServer({ dataDir, configYaml });
      await ingest(first.url, [line('before', noon, 0)]);
      assert.equal(await first.stop('SIGTERM'), 0);

      lock = openSqlite(file);
      lock.pragma('locking_mode = EXCLUSIVE');
      lock.exec('BEGIN IMMEDIATE; COMMIT');
      const server = await startServer({ dataDir, port: first.port, configYaml });
      const tail = await openTail(server.url, '*');
      try {
        // Today's events first: the row store writes a batch's partitions in the order it meets them.
        const now = Date.now() - 60_000;
        const mixed = [...[0, 1, 2].map((i) => line('today', now, i)), ...[0, 1].map((i) => line('locked', noon, i))];
        const refused = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: mixed.join('\n') + '\n' });
        const body = (await refused.json()) as { error: { code: string; message: string } };
        assert.equal(refused.status, 503, JSON.stringify(body));
        assert.ok(body.error.message.includes(`${file} is locked by another process`), body.error.message);

        lock.close();
        const again = await ingest(server.url, mixed);
        assert.equal(Number(again.stored) + Number(again.duplicates), 5, JSON.stringify(again));
        // Published in commit order: once the marker is in the tail, everything before it is.
        await ingest(server.url, [line('marker', now, 9)]);
        await tail.until((f) => f.some((x) => x.event !== 'log') || tail.events().some((e) => e.run === 'marker'), 'the marker in the tail');
        assert.deepEqual(tail.frames.filter((f) => f.event !== 'log'), [], 'the tail got no error');
        const shown = tail.events().map((e) => String(e['event.id'])).filter((id) => !id.startsWith('marker')).sort();
        assert.deepEqual(shown, ['locked-0', 'locked-1', 'today-0', 'today-1', 'today-2'], 'every event of the batch once');
        // The feed numbered each of them: 5 of the batch, then the marker.
        const ids = tail.frames.filter((f) => f.event === 'log').map((f) => f.id);
        assert.equal(new Set(ids).size, 6, `distinct frame ids: ${ids.join(',')}`);
        // Counted once each, in both counts: the part committed with the refusal, the rest with the resend, the marker.
        const metrics = await (await fetch(`${server.url}/metrics`)).text();
        const sum = (re: RegExp): number => [...metrics.matchAll(re)].reduce((n, m) => n + Number(m[1]), 0);
        assert.equal(sum(/^logship_ingest_events_stored_total (\d+)$/gm), 6, metrics);
        assert.equal(sum(/^logship_ingest_events_total\{[^}]*outcome="stored"[^}]*\} (\d+)$/gm), 6, metrics);
      } finally {
        tail.abort();
      }
    } finally {
      lock?.close();
      await stopAll();
      await removeDir(root);
    }
  });
}
