import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeParams } from './time-params.js';

const params = (q: string, from?: string, to?: string) => {
  const p = new URLSearchParams();
  setTimeParams(p, q, from, to);
  return Object.fromEntries(p);
};

test('setTimeParams: --to alone searches the hour before it, not from now-1h (after it)', () => {
  const before = Date.now();
  const p = params('level:error', undefined, '2026-02-08T12:00:00Z');
  // Before: from=now-1h, which the server refused as after `to` (LS_API_BAD_RANGE) for any --to over an hour ago.
  assert.deepEqual(p, { from: String(Date.parse('2026-02-08T11:00:00.000Z') + 999), to: '2026-02-08T12:00:00Z' });
  const rel = params('', undefined, 'now-2h');
  assert.equal(rel.to, 'now-2h');
  const from = Number(rel.from);
  assert.ok(from >= before - 3 * 3_600_000 && from <= Date.now() - 3 * 3_600_000, rel.from);
});

test('setTimeParams: the defaults that were right stay', () => {
  assert.deepEqual(params('x'), { from: 'now-1h' });
  assert.deepEqual(params('x', 'now-2d'), { from: 'now-2d' });
  assert.deepEqual(params('x', 'now-2d', 'now-1d'), { from: 'now-2d', to: 'now-1d' });
  assert.deepEqual(params('@timestamp:[now-3h TO now]'), {});
  assert.deepEqual(params('@timestamp:[now-3h TO now]', undefined, 'now-1h'), { to: 'now-1h' });
  assert.deepEqual(params('x', undefined, 'banana'), { to: 'banana' }, 'the server names the bad `to`');
});
