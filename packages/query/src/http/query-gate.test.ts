import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiError } from './api-error.js';
import { QueryGate } from './query-gate.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

test('at most maxConcurrent run, maxQueued wait, the rest get 503 with Retry-After', async () => {
  const gate = new QueryGate({ maxConcurrent: 2, maxQueued: 1, timeoutMs: 10_000 });
  const d = [deferred<number>(), deferred<number>(), deferred<number>()];
  const started: number[] = [];
  const runs = d.map((x, i) => gate.run(async () => { started.push(i); return x.promise; }));
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1], 'two run, the third waits');
  assert.deepEqual(gate.stats, { running: 2, queued: 1 });

  await assert.rejects(gate.run(async () => 0), (err: unknown) => {
    assert.ok(err instanceof ApiError);
    assert.equal(err.code, 'LS_API_TOO_MANY_QUERIES');
    assert.equal(err.statusCode, 503);
    assert.equal(err.details.retry_after_s, 1);
    return true;
  });

  d[0]!.resolve(10);
  assert.equal(await runs[0], 10);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(started, [0, 1, 2], 'the waiter takes the freed slot');
  d[1]!.resolve(11);
  d[2]!.resolve(12);
  assert.deepEqual(await Promise.all(runs), [10, 11, 12]);
  assert.deepEqual(gate.stats, { running: 0, queued: 0 });
});

test('a query past its deadline answers LS_API_QUERY_TIMEOUT and its signal is aborted', async () => {
  const gate = new QueryGate({ maxConcurrent: 1, maxQueued: 1, timeoutMs: 30 });
  let seen: AbortSignal | undefined;
  await assert.rejects(
    gate.run((signal) => { seen = signal; return new Promise(() => {}); }),
    (err: unknown) => err instanceof ApiError && err.code === 'LS_API_QUERY_TIMEOUT' && err.statusCode === 503,
  );
  assert.equal(seen?.aborted, true, 'the store is told to stop');
  assert.deepEqual(gate.stats, { running: 0, queued: 0 }, 'the slot is freed');
  assert.equal(await gate.run(async () => 'next'), 'next');
});

test('a failing query frees its slot and passes its error through', async () => {
  const gate = new QueryGate({ maxConcurrent: 1, maxQueued: 0, timeoutMs: 1000 });
  await assert.rejects(gate.run(async () => { throw new Error('boom'); }), /boom/);
  assert.equal(await gate.run(async () => 1), 1);
});
