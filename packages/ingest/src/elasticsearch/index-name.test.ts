/**
 * Index names and the per-day index lists reads are narrowed to (no
 * cluster needed; the contract and differential suites run the narrowed
 * reads against a real one).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { indexName, indexPattern, indexPatternFor, parseIndexName } from './index-name.js';

const DAY = 86_400_000;
const T = Date.parse('2026-11-23T12:00:00.000Z');

test('a read names the UTC days of its range, every class', () => {
  assert.equal(indexPatternFor('ls', T, T), 'ls-*-2026.11.23');
  // Inclusive on both ends, by UTC day.
  assert.equal(
    indexPatternFor('ls', Date.parse('2026-11-22T23:59:59.999Z'), Date.parse('2026-11-24T00:00:00.000Z')),
    'ls-*-2026.11.22,ls-*-2026.11.23,ls-*-2026.11.24',
  );
  // The day an event is stored under is always one of the days named.
  for (const ms of [T - DAY, T - 1, T, T + 12 * 3_600_000 - 1]) {
    const day = indexName('ls', 'Errors', ms).slice(-10);
    assert.ok(indexPatternFor('ls', ms, ms).endsWith(day));
    assert.deepEqual(parseIndexName('ls', indexName('ls', 'Errors', ms)), { classLower: 'errors', day: day.replaceAll('.', '-') });
  }
});

test('wide, inverted, non-finite or out-of-calendar ranges read every index', () => {
  const all = indexPattern('ls');
  assert.equal(indexPatternFor('ls', 0, T), all);
  assert.equal(indexPatternFor('ls', T - 45 * DAY, T), all);
  assert.notEqual(indexPatternFor('ls', T - 44 * DAY, T), all);
  assert.equal(indexPatternFor('ls', T, T - 1), all);
  assert.equal(indexPatternFor('ls', Number.NaN, T), all);
  assert.equal(indexPatternFor('ls', T, Number.POSITIVE_INFINITY), all);
  assert.equal(indexPatternFor('ls', Date.UTC(10000, 0, 1), Date.UTC(10000, 0, 1)), all);
  // A long prefix keeps the URL short: fall back rather than exceed it.
  const long = 'p'.repeat(64);
  assert.equal(indexPatternFor(long, T - 40 * DAY, T), indexPattern(long));
});
