import assert from 'node:assert/strict';
import { test } from 'node:test';
import { resolveInterval } from './interval.js';

const DAY = 86_400_000;
const WEEK = 7 * DAY;

test('auto picks the smallest round interval giving at most 120 buckets', () => {
  assert.equal(resolveInterval('auto', 15 * 60_000), 10_000);
  assert.equal(resolveInterval(undefined, DAY), 30 * 60_000);
  assert.equal(resolveInterval('', 30 * DAY), 6 * 3_600_000);
});

test('auto past a week takes whole weeks, so a histogram with every bucket stays near 120 buckets', () => {
  assert.equal(resolveInterval('auto', 100 * WEEK), WEEK);
  for (const years of [3, 30, 300]) {
    const range = years * 365 * DAY;
    const ms = resolveInterval('auto', range);
    assert.equal(ms % WEEK, 0);
    assert.ok(range / ms <= 120, `${years} years: ${range / ms} buckets`);
    assert.ok(range / (ms - WEEK) > 120, `${years} years: not larger than needed`);
  }
});

test('an explicit interval with more than 10,000 buckets is refused', () => {
  assert.equal(resolveInterval('1m', DAY), 60_000);
  assert.throws(() => resolveInterval('1s', DAY), (err: unknown) => (err as { code?: string }).code === 'LS_API_BAD_REQUEST');
});

test('AUTO, 1H, 30S (any case, as Elasticsearch reads a fixed interval) are taken; 1M, 1y (its calendar intervals) are refused saying so, not read as a minute', () => {
  // Before: each a 400, `interval "1H" is not like 30s, 1m, 1h, 1d or auto`.
  assert.equal(resolveInterval('AUTO', DAY), resolveInterval('auto', DAY));
  assert.equal(resolveInterval('1H', DAY), 3_600_000);
  assert.equal(resolveInterval('30S', DAY), 30_000);
  assert.equal(resolveInterval('1D', 30 * DAY), DAY);
  assert.equal(resolveInterval('1m', DAY), 60_000, 'm stays a minute');
  for (const calendar of ['1M', 'month', '1y', '1q']) {
    assert.throws(() => resolveInterval(calendar, 400 * DAY), (err: unknown) =>
      (err as { code?: string }).code === 'LS_API_BAD_REQUEST' && /is a calendar interval .*intervals here are fixed: 30d/.test((err as Error).message), calendar);
  }
  assert.throws(() => resolveInterval('1x', DAY), /is not like 30s, 1m, 1h, 1d or auto/);
});
