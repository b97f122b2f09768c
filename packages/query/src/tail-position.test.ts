import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTailPosition, laterTailPosition, parseTailPosition, TAIL_SKEW_MS } from './tail-position.js';

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

test('a position with a commit mark: parsed, written back, and laterTailPosition keeps the latest mark beside the furthest time', () => {
  const p = parseTailPosition(`bk2x.41:${now - 5}|b|c`);
  assert.deepEqual(p, { ts: now - 5, id: 'b|c', mark: { boot: 'bk2x', seq: 41 } });
  assert.equal(formatTailPosition(p), `bk2x.41:${now - 5}|b|c`);
  // Without a mark, as before (an id may hold a dot and a colon).
  assert.deepEqual(parseTailPosition(`${now}|a.1:b`), { ts: now, id: 'a.1:b' });
  // A late event of a later commit: the time stays, the mark moves on.
  assert.equal(laterTailPosition(`bk2x.41:${now - 5}|b`, `bk2x.42:${now - 60_000}|z`, now), `bk2x.42:${now - 5}|b`);
  // An earlier commit's mark does not move it back.
  assert.equal(laterTailPosition(`bk2x.41:${now - 5}|b`, `bk2x.40:${now - 4}|a`, now), `bk2x.41:${now - 4}|a`);
  // Another boot (the server restarted): its mark is the one that counts.
  assert.equal(laterTailPosition(`bk2x.41:${now - 5}|b`, `bzz.3:${now - 4}|a`, now), `bzz.3:${now - 4}|a`);
  // A plain position after marked ones keeps the mark.
  assert.equal(laterTailPosition(`bk2x.41:${now - 5}|b`, `${now - 4}|a`, now), `bk2x.41:${now - 4}|a`);
});
