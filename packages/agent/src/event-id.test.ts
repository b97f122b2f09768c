import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileEventId, sortingOffset } from './event-id.js';

const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

test('file ids sort as their offsets do (2489 before 24890, not beside it)', () => {
  assert.equal(fileEventId('cabc', 0), 'f:cabc:A0');
  assert.equal(fileEventId('cabc', 2489), 'f:cabc:D2489');
  assert.equal(fileEventId('cabc', 24890), 'f:cabc:E24890');
  assert.equal(sortingOffset(Number.MAX_SAFE_INTEGER), 'P9007199254740991');
  const offsets = [0, 9, 10, 99, 100, 2489, 24890, 24891, 250_000, 9_999_999, 10_000_000, 2 ** 40, Number.MAX_SAFE_INTEGER];
  for (let i = 0; i < 2000; i++) offsets.push(Math.floor(Math.random() ** 4 * 1e12));
  const ids = offsets.map((o) => fileEventId('c1a2b3', o));
  const sorted = [...ids].sort(byBytes);
  assert.deepEqual(sorted, [...offsets].sort((a, b) => a - b).map((o) => fileEventId('c1a2b3', o)));
});

test('lines an earlier agent may have sent keep the plain offset it gave them', () => {
  assert.equal(fileEventId('cabc', 2489, 5000), 'f:cabc:2489');
  assert.equal(fileEventId('cabc', 4999, 5000), 'f:cabc:4999');
  assert.equal(fileEventId('cabc', 5000, 5000), 'f:cabc:D5000');
});
