/**
 * date_histogram over the widest range the API takes (years 0000 to 9999)
 * through a real `logship serve` on each embedded store format: buckets are
 * aligned to the UTC epoch at multiples of the interval (README.md "HTTP
 * API"), so the first may start before `from` (year -31 for 0000-01-01) and
 * the last end after `to`, but each holds a part of the range, none lies
 * wholly outside it, and the counts are those of the events in the range.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ingest, removeDir, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';

interface Bucket { key: number; key_as_string: string; count: number }
interface Histogram { interval_ms: number; buckets: Bucket[]; range: { from: string; to: string } }

const DAY = 86_400_000;

async function histogram(url: string, params: Record<string, string>): Promise<Histogram> {
  const res = await fetch(`${url}/api/v1/aggregate?${new URLSearchParams({ type: 'date_histogram', ...params })}`);
  const body = await res.json() as Histogram;
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

/** Every bucket overlaps [from, to], they follow each other, and they count exactly `times` inside the range. */
function assertBuckets(h: Histogram, times: readonly number[], what: string): void {
  const from = Date.parse(h.range.from);
  const to = Date.parse(h.range.to);
  const step = h.interval_ms;
  const first = h.buckets[0]!;
  const last = h.buckets.at(-1)!;
  assert.ok(first.key <= from && from < first.key + step, `${what}: the first bucket ${first.key_as_string} holds from ${h.range.from}`);
  assert.ok(last.key <= to && to < last.key + step, `${what}: the last bucket ${last.key_as_string} holds to ${h.range.to}`);
  h.buckets.forEach((b, i) => {
    assert.equal(Math.abs(b.key % step), 0, `${what}: ${b.key_as_string} is aligned to the epoch`);
    assert.equal(b.key_as_string, new Date(b.key).toISOString(), what);
    if (i > 0) assert.equal(b.key - h.buckets[i - 1]!.key, step, `${what}: buckets follow each other at ${b.key_as_string}`);
  });
  const expected = new Map<number, number>();
  for (const t of times) {
    if (t < from || t > to) continue;
    const key = t - (((t % step) + step) % step);
    expected.set(key, (expected.get(key) ?? 0) + 1);
  }
  const counted = new Map(h.buckets.filter((b) => b.count > 0).map((b) => [b.key, b.count]));
  assert.deepEqual(counted, expected, `${what}: counts`);
}

for (const format of ['rows', 'blocks'] as const) {
  describe(`date_histogram over years 0000 to 9999 (${format})`, () => {
    let root: string;
    let server: ServerHandle;
    const now = Date.now();
    // Days apart, so an interval of weeks or more puts several in a bucket.
    const times = Array.from({ length: 20 }, (_, i) => now - 3 * DAY + i * 3_600_000 * 3);

    before(async () => {
      root = await tempDir('logship-histogram-');
      server = await startServer({ dataDir: join(root, 'data'), configYaml: `store: { type: sqlite, format: ${format} }\n` });
      const lines = times.map((t, i) => JSON.stringify({ '@timestamp': new Date(t).toISOString(), message: i % 2 ? 'odd event' : 'even event', 'event.id': `h${i}` }));
      const ans = await ingest(server.url, lines);
      assert.equal(ans.stored, times.length, JSON.stringify(ans));
    });

    after(async () => {
      await stopAll();
      await removeDir(root);
    });

    test('auto and explicit intervals: no bucket wholly outside the range, counts only inside it', async () => {
      for (const [params, subset] of [
        [{ from: '0000-01-01', to: '9999-12-31' }, times],
        [{ from: '0000-01-01T00:00:00.000Z', to: '9999-12-31T23:59:59.999Z', q: 'odd' }, times.filter((_, i) => i % 2 === 1)],
        [{ from: '0000-01-01', to: '9999-12-31', interval: '5000w' }, times],
        [{ from: '0000-06-15', to: 'now' }, times],
        [{ from: '0000-01-01', to: 'now-2d', q: '*' }, times],
        [{ from: '0000-01-01', to: '0000-01-02' }, []],
        [{ from: '9999-12-30', to: '9999-12-31', q: 'even' }, []],
        [{ from: 'now-3d', to: 'now+10y', interval: '1w' }, times],
      ] as const) {
        const h = await histogram(server.url, params);
        assert.ok(h.buckets.length >= 1 && h.buckets.length <= 10_001, `${JSON.stringify(params)}: ${h.buckets.length} buckets`);
        assertBuckets(h, subset, `${format} ${JSON.stringify(params)}`);
      }
      // The widest range: its first bucket starts before year 0000, as an aligned bucket holding from may.
      const widest = await histogram(server.url, { from: '0000-01-01', to: '9999-12-31' });
      assert.ok(widest.buckets[0]!.key_as_string.startsWith('-0000'), widest.buckets[0]!.key_as_string);
      assert.equal(widest.range.from, '0000-01-01T00:00:00.000Z');
    });
  });
}
