import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cursorAtOrBefore, cursorOrder, fileEventId, journalEventId, sortingOffset } from './event-id.js';

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

test('the host\'s tag follows the identity (and a source\'s name) from hostFrom on; those ids sort after the ones before it', () => {
  assert.equal(fileEventId('cabc', 2489, 0, '1f2e3d4c'), 'f:cabc@1f2e3d4c:D2489');
  assert.equal(fileEventId('cabc~errors', 2489, 0, '1f2e3d4c'), 'f:cabc~errors@1f2e3d4c:D2489');
  assert.equal(fileEventId('cabc', 2489, 5000, '1f2e3d4c', 5000), 'f:cabc:2489', 'an earlier agent\'s line: neither the sorting form nor the host');
  assert.equal(fileEventId('cabc', 6000, 5000, '1f2e3d4c', 7000), 'f:cabc:D6000');
  const ids = [100, 6000, 7000, 80000].map((o) => fileEventId('cabc~errors', o, 5000, '1f2e3d4c', 7000));
  assert.deepEqual([...ids].sort(byBytes).slice(2), ids.slice(2), 'after the upgrade\'s bound: after the ids before it');
  assert.ok(byBytes(ids[1]!, ids[2]!) < 0);
});

const cursor = (i: string, t = '5f1b2c3d4e5f6', s = '739ad463348b4ceca5a9e69c95a3c93f'): string =>
  `s=${s};i=${i};b=6c7c6013a8b34d5ca6a0a3c4f7f1e5a0;m=1a2b3c;t=${t};x=f4e1c2a38b5d6e97`;

test('journald ids sort by sequence number (i=f before i=10), the rest of the cursor kept', () => {
  const seqnums = [0x1, 0xf, 0x10, 0xff, 0x100, 0xfff, 0x1000, 0x4ece7, 0x1a2b3c4d];
  const ids = seqnums.map((n) => journalEventId(cursor(n.toString(16))));
  assert.deepEqual([...ids].sort(byBytes), ids);
  assert.equal(journalEventId(cursor('4ece7')), `j:${cursor('000000000004ece7')}`);
  assert.equal(journalEventId('no sequence number here'), 'j:no sequence number here');
});

test('journald: entries up to the last one an earlier agent can have read keep its form', () => {
  const last = cursorOrder(cursor('100'))!;
  assert.equal(journalEventId(cursor('ff'), last), `j:${cursor('ff')}`);
  assert.equal(journalEventId(cursor('100'), last), `j:${cursor('100')}`);
  assert.equal(journalEventId(cursor('101'), last), `j:${cursor('0000000000000101')}`);
  // Another seqnum id (a merged journal of another host): compared by realtime.
  const other = 'ffffffffffffffffffffffffffffffff';
  assert.ok(cursorAtOrBefore(cursorOrder(cursor('999999', '5f1b2c3d4e5f5', other))!, last));
  assert.ok(!cursorAtOrBefore(cursorOrder(cursor('1', '5f1b2c3d4e5f7', other))!, last));
});
