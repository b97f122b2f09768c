import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRng } from '@logship/query';
import { checkTermsKeys, topTerms } from './top-terms.js';

test('topTerms gives what sorting every key gives: most events first, ties by key', () => {
  const rng = createRng(11);
  for (let round = 0; round < 300; round++) {
    const counts = new Map<string, number>();
    // Few distinct counts, so ties are common, and keys that differ only in case or length.
    for (let i = rng.int(0, 60); i > 0; i--) counts.set(rng.pick(['a', 'b', 'B', 'ab', 'é', '']) + String(rng.int(0, 20)), rng.int(1, 4));
    const size = rng.int(1, 12);
    const want = [...counts]
      .map(([key, count]) => ({ key, count }))
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, size);
    const { buckets, other } = topTerms(counts, size);
    assert.deepEqual(buckets, want);
    assert.equal(other, [...counts.values()].reduce((a, b) => a + b, 0) - want.reduce((a, b) => a + b.count, 0));
  }
});

test('checkTermsKeys refuses more distinct values than the limit with a coded 400', () => {
  const counts = new Map([['a', 1], ['b', 2]]);
  checkTermsKeys(counts, 'f', 2);
  counts.set('c', 1);
  assert.throws(() => checkTermsKeys(counts, 'f', 2), (err: { code?: string; statusCode?: number }) => err.code === 'LS_STORE_TOO_MANY_TERMS' && err.statusCode === 400);
});
