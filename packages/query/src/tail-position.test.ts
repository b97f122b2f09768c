import assert from 'node:assert/strict';
import { test } from 'node:test';
import { laterTailPosition, TAIL_SKEW_MS } from './tail-position.js';

const now = Date.parse('2026-12-06T12:00:00Z');

test('laterTailPosition keeps the furthest position, not the last one seen', () => {
  assert.equal(laterTailPosition(undefined, `${now - 5}|b`, now), `${now - 5}|b`);
  // A late event (older time) does not move it back: a resume would repeat what was sent.
  assert.equal(laterTailPosition(`${now - 5}|b`, `${now - 60_000}|z`, now), `${now - 5}|b`);
  // The same millisecond: by event.id, as the stores sort.
  assert.equal(laterTailPosition(`${now - 5}|b`, `${now - 5}|c`, now), `${now - 5}|c`);
  assert.equal(laterTailPosition(`${now - 5}|b`, `${now - 5}|a`, now), `${now - 5}|b`);
});

test('laterTailPosition ignores an event stamped past now and the skew allowance', () => {
  // An hour ahead: resumed after it, the stream would skip everything stored meanwhile.
  assert.equal(laterTailPosition(`${now - 5}|b`, `${now + 3_600_000}|x`, now), `${now - 5}|b`);
  assert.equal(laterTailPosition(undefined, `${now + 3_600_000}|x`, now), undefined);
  assert.equal(laterTailPosition(`${now - 5}|b`, `${now + TAIL_SKEW_MS}|x`, now), `${now + TAIL_SKEW_MS}|x`);
  assert.equal(laterTailPosition(`${now - 5}|b`, 'not-a-position', now), `${now - 5}|b`);
});
