import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRateLimiter } from './rate-limiter.js';

test('an idle key earns at most burst requests at once, however long it was idle', () => {
  const clock = { now: 0 };
  const limiter = createRateLimiter(3, () => clock.now);
  for (let i = 0; i < 3; i++) assert.equal(limiter.take('a', 1), 0);
  assert.ok(limiter.take('a', 1) > 0);
  clock.now += 3_600_000; // an hour at 1/s would be 3,600 requests without the cap
  for (let i = 0; i < 3; i++) assert.equal(limiter.take('a', 1), 0, `request ${i + 1} of the burst`);
  assert.equal(limiter.take('a', 1), 1000, 'the fourth waits for one refill');
});

test('keys are independent; wait() reports without taking; rate 0 means no limit', () => {
  const clock = { now: 0 };
  const limiter = createRateLimiter(1, () => clock.now);
  assert.equal(limiter.wait('a', 2), 0, 'an unknown key may go');
  assert.equal(limiter.take('a', 2), 0);
  assert.equal(limiter.wait('a', 2), 500);
  assert.equal(limiter.wait('a', 2), 500, 'waiting took nothing');
  assert.equal(limiter.take('b', 2), 0);
  clock.now += 500;
  assert.equal(limiter.wait('a', 2), 0);
  for (let i = 0; i < 10; i++) assert.equal(limiter.take('c', 0), 0);
});
