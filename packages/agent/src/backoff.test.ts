import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, parseRetryAfter } from './backoff.js';

test('backoff doubles up to the cap and jitter stays within half of the step', () => {
  const low = new Backoff(100, 1000, () => 0);
  assert.deepEqual([1, 2, 3, 4, 5].map(() => low.next()), [50, 100, 200, 400, 500]);
  const high = new Backoff(100, 1000, () => 1);
  assert.deepEqual([1, 2, 3, 4, 5].map(() => high.next()), [100, 200, 400, 800, 1000]);
  high.reset();
  assert.equal(high.next(), 100);
});

test('Retry-After is a floor', () => {
  const b = new Backoff(100, 1000, () => 0);
  assert.equal(b.next(5000), 5000);
  assert.equal(parseRetryAfter('7'), 7000);
  assert.equal(parseRetryAfter(new Date(10_000).toUTCString(), 4000), 6000);
  assert.equal(parseRetryAfter('soon'), undefined);
});
