/**
 * The contract of the read API's newer questions, run by every backend
 * through runLogStoreContract: histograms with every bucket (an outage in
 * the data shows as zeros), the fields of a range, a field's top values,
 * and the events around one event. Expected answers are computed from the
 * written events with plain code, never from a store.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent } from '@logship/query';
import { DAY_MS } from '../retention/retention-config.js';
import { q } from './ast-builders.js';
import { CONTRACT_NOW } from './contract-fixture.js';
import { expectedHistogram } from './differential.js';
import type { WithStore } from './run-log-store-contract.js';

const MINUTE = 60_000;

/** One event a minute for two hours, then nothing for 40 minutes (the outage), then an hour more. */
function outageEvents(start: number): LogEvent[] {
  const events: LogEvent[] = [];
  for (let m = 0; m < 220; m++) {
    if (m >= 120 && m < 160) continue;
    events.push({
      '@timestamp': new Date(start + m * MINUTE + 7_000).toISOString(),
      'event.id': `outage-${String(m).padStart(3, '0')}`,
      level: m % 5 === 0 ? 'error' : 'info',
      host: 'web-1',
      message: `tick ${m}`,
    });
  }
  return events;
}

export function readApiContractTests(withStore: WithStore): void {
  test('date_histogram has every bucket of the range, an outage and the ends as 0', async () => {
    await withStore(async (store) => {
      const start = CONTRACT_NOW - 6 * 3_600_000;
      const events = outageEvents(start);
      await store.write(events);
      const stamps = events.map((e) => Date.parse(e['@timestamp']));
      // Unaligned ends, and 40 minutes of margin before and after the data.
      const from = start - 40 * MINUTE + 13_000;
      const to = start + 260 * MINUTE - 1_000;
      for (const interval of [5 * MINUTE, 10 * MINUTE, 90_000]) {
        for (const [label, query, keep] of [
          ['every event', q.all(), () => true],
          ['level:error', q.term('level', 'error'), (e: LogEvent) => e.level === 'error'],
        ] as const) {
          const res = await store.aggregate({ from, to, query, agg: { type: 'date_histogram', interval_ms: interval }, now: CONTRACT_NOW });
          assert.ok(res.type === 'date_histogram');
          const expected = expectedHistogram(events.filter(keep).map((e) => Date.parse(e['@timestamp'])), from, to, interval);
          assert.deepEqual(res.buckets.map((b) => [b.key, b.count]), expected, `${label} at ${interval} ms`);
          for (const b of res.buckets) assert.equal(b.key_as_string, new Date(b.key).toISOString());
          // The outage is there as zeros, not left out.
          const gap = res.buckets.filter((b) => b.key >= start + 121 * MINUTE && b.key + interval <= start + 160 * MINUTE);
          assert.ok(gap.length >= 3 && gap.every((b) => b.count === 0), `${label}: outage buckets ${JSON.stringify(gap)}`);
        }
      }
      assert.equal(stamps.length, 180);
    });
  });

  test('date_histogram over days with no partition or index at all, and over an empty range', async () => {
    await withStore(async (store) => {
      const day0 = Math.floor(CONTRACT_NOW / DAY_MS) * DAY_MS - 4 * DAY_MS;
      const events: LogEvent[] = [
        { '@timestamp': new Date(day0 + 3_600_000).toISOString(), 'event.id': 'd0', host: 'a' },
        { '@timestamp': new Date(day0 + 3 * DAY_MS + 60_000).toISOString(), 'event.id': 'd3', host: 'a' },
      ];
      await store.write(events);
      const from = day0 - DAY_MS;
      const to = day0 + 5 * DAY_MS - 1;
      const res = await store.aggregate({ from, to, query: q.all(), agg: { type: 'date_histogram', interval_ms: DAY_MS }, now: CONTRACT_NOW });
      assert.ok(res.type === 'date_histogram');
      assert.deepEqual(
        res.buckets.map((b) => [b.key, b.count]),
        [[day0 - DAY_MS, 0], [day0, 1], [day0 + DAY_MS, 0], [day0 + 2 * DAY_MS, 0], [day0 + 3 * DAY_MS, 1], [day0 + 4 * DAY_MS, 0]],
      );
      // A range far from any event: every bucket, all zero.
      const empty = await store.aggregate({
        from: day0 - 20 * DAY_MS,
        to: day0 - 20 * DAY_MS + 3_600_000,
        query: q.all(),
        agg: { type: 'date_histogram', interval_ms: 15 * MINUTE },
        now: CONTRACT_NOW,
      });
      assert.ok(empty.type === 'date_histogram');
      assert.deepEqual(empty.buckets.map((b) => b.count), [0, 0, 0, 0, 0]);
    });
  });

  test('date_histogram refuses more buckets than it may return, with a coded error', async () => {
    await withStore(async (store) => {
      await assert.rejects(
        store.aggregate({ from: 0, to: CONTRACT_NOW, query: q.all(), agg: { type: 'date_histogram', interval_ms: 1000 }, now: CONTRACT_NOW }),
        (err: unknown) => (err as { code?: string }).code === 'LS_STORE_BAD_REQUEST',
      );
    });
  });
}
