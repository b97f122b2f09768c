import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from './parse.js';
import { queryTimeBounds } from './query-time-range.js';
import { resolveTimeRange } from './http/time-range.js';

const now = Date.parse('2026-02-11T15:00:00.000Z');
const H = 3_600_000;
const bounds = (q: string) => queryTimeBounds(parse(q), { now });

test('the top-level AND chain bounds the range; OR and NOT do not', () => {
  assert.deepEqual(bounds('level:error AND @timestamp:[now-3h TO now]'), { from: now - 3 * H, to: now });
  assert.deepEqual(bounds('@timestamp:>=now-3h @timestamp:<now-1h level:error'), { from: now - 3 * H, to: now - H - 1 });
  assert.deepEqual(bounds('a AND (b AND @timestamp:>=now-2h)'), { from: now - 2 * H, to: null });
  assert.deepEqual(bounds('@timestamp:[now-3h TO now] OR level:error'), { from: null, to: null });
  assert.deepEqual(bounds('NOT @timestamp:[now-3h TO now]'), { from: null, to: null });
  assert.deepEqual(bounds('@timestamp:2026-02-10'), { from: Date.parse('2026-02-10T00:00:00Z'), to: Date.parse('2026-02-11T00:00:00Z') - 1 });
  assert.deepEqual(bounds('@timestamp:*'), { from: null, to: null });
  assert.deepEqual(bounds('level:error'), { from: null, to: null });
});

test('resolveTimeRange: request sides win, missing sides come from the query, else the default window', () => {
  const q = parse('@timestamp:[now-3h TO now-1h]');
  assert.deepEqual(resolveTimeRange(undefined, undefined, now, 'now-15m', q), { from: now - 3 * H, to: now - H });
  assert.deepEqual(resolveTimeRange('now-2h', undefined, now, 'now-15m', q), { from: now - 2 * H, to: now - H });
  assert.deepEqual(resolveTimeRange(undefined, undefined, now, 'now-15m', parse('level:error')), { from: now - 15 * 60_000, to: now });
  // Only an upper bound: everything before it.
  assert.deepEqual(resolveTimeRange(undefined, undefined, now, 'now-15m', parse('@timestamp:<now-1d')), { from: 0, to: now - 24 * H - 1 });
  // The query's own range empty: an empty answer, not an error.
  const empty = resolveTimeRange(undefined, undefined, now, 'now-15m', parse('@timestamp:[now TO now-1h]'));
  assert.equal(empty.from, empty.to);
  assert.throws(() => resolveTimeRange('now', 'now-1h', now, 'now-15m', q), /is after/);
});
