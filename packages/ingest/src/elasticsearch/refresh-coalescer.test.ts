/**
 * The coalescer against a fake refresh whose calls the test finishes by
 * hand, so every interleaving below is exact (no timers, no cluster).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RefreshCoalescer } from './refresh-coalescer.js';

interface Call {
  indices: string[];
  finish: () => void;
  fail: (err: Error) => void;
}

/** A refresh function that records each call and settles only when told to. */
function fakeRefresh(): { calls: Call[]; inFlight: () => number; maxInFlight: () => number; refresh: (indices: string[]) => Promise<void> } {
  const calls: Call[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  return {
    calls,
    inFlight: () => inFlight,
    maxInFlight: () => maxInFlight,
    refresh: (indices) =>
      new Promise<void>((resolve, reject) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        calls.push({
          indices: [...indices].sort(),
          finish: () => {
            inFlight--;
            resolve();
          },
          fail: (err) => {
            inFlight--;
            reject(err);
          },
        });
      }),
  };
}

/** Lets every pending promise callback run (no timer involved). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Tracks whether a promise has settled, and how. */
function watch(p: Promise<void>): { state: () => 'pending' | 'resolved' | 'rejected'; error: () => unknown } {
  let state: 'pending' | 'resolved' | 'rejected' = 'pending';
  let error: unknown;
  p.then(
    () => (state = 'resolved'),
    (err: unknown) => {
      state = 'rejected';
      error = err;
    },
  );
  return { state: () => state, error: () => error };
}

describe('RefreshCoalescer', () => {
  test('a request while idle starts a refresh of its indices at once and resolves when it ends', async () => {
    const fake = fakeRefresh();
    const c = new RefreshCoalescer(fake.refresh);
    const a = watch(c.request(['logs-a']));
    assert.equal(fake.calls.length, 1);
    assert.deepEqual(fake.calls[0]!.indices, ['logs-a']);
    await settle();
    assert.equal(a.state(), 'pending');
    fake.calls[0]!.finish();
    await settle();
    assert.equal(a.state(), 'resolved');
  });

  test('a request during a running refresh is served by the next refresh, never the running one', async () => {
    const fake = fakeRefresh();
    const c = new RefreshCoalescer(fake.refresh);
    const a = watch(c.request(['logs-a']));
    const b = watch(c.request(['logs-a']));
    // Same index as the running refresh, and still no second call while it runs.
    assert.equal(fake.calls.length, 1);
    fake.calls[0]!.finish();
    await settle();
    assert.equal(a.state(), 'resolved');
    // The running refresh may have started before b's documents were
    // acknowledged: b must wait for one that starts after its request.
    assert.equal(b.state(), 'pending');
    assert.equal(fake.calls.length, 2);
    assert.deepEqual(fake.calls[1]!.indices, ['logs-a']);
    fake.calls[1]!.finish();
    await settle();
    assert.equal(b.state(), 'resolved');
  });

  test('at most one refresh is in flight; requests made meanwhile share one next refresh over the union of their indices', async () => {
    const fake = fakeRefresh();
    const c = new RefreshCoalescer(fake.refresh);
    const first = watch(c.request(['logs-a']));
    const waiting = [
      watch(c.request(['logs-b', 'logs-c'])),
      watch(c.request(['logs-c', 'logs-d'])),
      watch(c.request(new Set(['logs-a']))),
    ];
    assert.equal(fake.calls.length, 1);
    fake.calls[0]!.finish();
    await settle();
    assert.equal(first.state(), 'resolved');
    assert.equal(fake.calls.length, 2);
    assert.deepEqual(fake.calls[1]!.indices, ['logs-a', 'logs-b', 'logs-c', 'logs-d']);
    // A request while the second runs goes to a third.
    const late = watch(c.request(['logs-e']));
    assert.equal(fake.calls.length, 2);
    fake.calls[1]!.finish();
    await settle();
    for (const w of waiting) assert.equal(w.state(), 'resolved');
    assert.equal(late.state(), 'pending');
    assert.equal(fake.calls.length, 3);
    assert.deepEqual(fake.calls[2]!.indices, ['logs-e']);
    fake.calls[2]!.finish();
    await settle();
    assert.equal(late.state(), 'resolved');
    assert.equal(fake.maxInFlight(), 1);
    assert.equal(fake.inFlight(), 0);
  });

  test('after an idle spell the next request starts a refresh at once', async () => {
    const fake = fakeRefresh();
    const c = new RefreshCoalescer(fake.refresh);
    const a = watch(c.request(['logs-a']));
    fake.calls[0]!.finish();
    await settle();
    assert.equal(a.state(), 'resolved');
    const b = watch(c.request(['logs-b']));
    assert.equal(fake.calls.length, 2);
    assert.deepEqual(fake.calls[1]!.indices, ['logs-b']);
    fake.calls[1]!.finish();
    await settle();
    assert.equal(b.state(), 'resolved');
  });

  test('no indices: resolves without a refresh', async () => {
    const fake = fakeRefresh();
    const c = new RefreshCoalescer(fake.refresh);
    await c.request([]);
    assert.equal(fake.calls.length, 0);
  });

  test('a failed refresh rejects exactly the requests it served; the next refresh still runs and serves its own', async () => {
    const fake = fakeRefresh();
    const c = new RefreshCoalescer(fake.refresh);
    const a1 = watch(c.request(['logs-a']));
    const b = watch(c.request(['logs-b']));
    const boom = new Error('refresh failed');
    fake.calls[0]!.fail(boom);
    await settle();
    assert.equal(a1.state(), 'rejected');
    assert.equal(a1.error(), boom);
    assert.equal(b.state(), 'pending');
    assert.equal(fake.calls.length, 2);
    assert.deepEqual(fake.calls[1]!.indices, ['logs-b']);
    fake.calls[1]!.finish();
    await settle();
    assert.equal(b.state(), 'resolved');
  });

  test('a refresh function that throws synchronously rejects its requests and does not wedge the coalescer', async () => {
    let calls = 0;
    const c = new RefreshCoalescer(() => {
      calls++;
      if (calls === 1) throw new Error('sync failure');
      return Promise.resolve();
    });
    await assert.rejects(c.request(['logs-a']), /sync failure/);
    await c.request(['logs-a']);
    assert.equal(calls, 2);
  });
});
