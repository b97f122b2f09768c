import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AckOrder } from './ack-order.js';
import type { Position } from './batcher.js';

function order(): { o: AckOrder; applied: Array<[string, Position]> } {
  const applied: Array<[string, Position]> = [];
  return { o: new AckOrder((k, p) => applied.push([k, p])), applied };
}

test('with nothing held, positions move at once', () => {
  const { o, applied } = order();
  o.acknowledge({ a: { offset: 10 }, b: { cursor: 's=1' } });
  assert.deepEqual(applied, [['a', { offset: 10 }], ['b', { cursor: 's=1' }]]);
});

test('a key a held batch carries waits for it; other keys move; release applies in order', () => {
  const { o, applied } = order();
  o.hold('h1', { a: { offset: 10 } });
  o.acknowledge({ a: { offset: 20 }, b: { offset: 5 } });
  o.acknowledge({ a: { offset: 30 } });
  assert.deepEqual(applied, [['b', { offset: 5 }]]);
  assert.equal(o.held, 1);
  o.release('h1');
  // 20 and 30 waited in one slot (folded): the checkpoint ends where applying each would leave it.
  assert.deepEqual(applied.slice(1), [['a', { offset: 10 }], ['a', { offset: 30 }]]);
  assert.equal(o.held, 0);
  o.acknowledge({ a: { offset: 40 } });
  assert.deepEqual(applied.at(-1), ['a', { offset: 40 }]);
});

test('a later held batch still holds its key when an earlier one is released, and journald cursors never go back', () => {
  const { o, applied } = order();
  o.hold('h1', { j: { cursor: 'c1' } });
  o.acknowledge({ j: { cursor: 'c2' } });
  o.hold('h2', { j: { cursor: 'c3' } });
  o.acknowledge({ j: { cursor: 'c4' } });
  o.release('h2');
  assert.equal(applied.length, 0, 'h1 still blocks j');
  o.release('h1');
  assert.deepEqual(applied.map(([, p]) => p.cursor), ['c1', 'c2', 'c3', 'c4']);
});

test('released out of order, the first held batch keeps the key until it goes', () => {
  const { o, applied } = order();
  o.hold('h1', { a: { offset: 1 } });
  o.hold('h2', { a: { offset: 2 }, b: { offset: 7 } });
  o.acknowledge({ a: { offset: 3 }, b: { offset: 8 } });
  o.release('h2');
  assert.deepEqual(applied, [['b', { offset: 7 }], ['b', { offset: 8 }]]);
  o.release('h1');
  assert.deepEqual(applied.slice(2), [['a', { offset: 1 }], ['a', { offset: 2 }], ['a', { offset: 3 }]]);
});

test('positions waiting behind a held batch fold into one slot per stretch, applied as if one by one', () => {
  const { o, applied } = order();
  o.hold('h1', { a: { offset: 1 }, j: { cursor: 'c1' } });
  for (let i = 2; i < 1000; i++) o.acknowledge({ a: { offset: i, ...(i === 2 ? { mark: 7 } : {}) }, j: { cursor: `c${i}`, ...(i === 2 ? { id_source: 's' } : {}) } });
  assert.equal((o as unknown as { slots: unknown[] }).slots.length, 2);
  o.release('h1');
  assert.deepEqual(applied, [['a', { offset: 1 }], ['j', { cursor: 'c1' }], ['a', { offset: 999 }], ['j', { cursor: 'c999', id_source: 's' }]]);
});
