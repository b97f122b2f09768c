/**
 * Differential property test of the block store against the in-memory
 * matcher (as sqlite/compile-sql.differential.test.ts for the row store;
 * the run itself is testing/block-store-differential.ts): over small
 * overlapping blocks as written, then after the store was reopened and
 * every block merged, through a small column cache: results identical
 * before and after merges. block-store-split.differential.test.ts runs the
 * same with every search and count split between two reader threads.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { agreesWithMatcher, EVENTS, groupsAgree, QUERIES, removeCorpus, reopen, SEED, writeCorpus } from '../testing/block-store-differential.js';

before(writeCorpus);
after(removeCorpus);

test(`blocks (small, overlapping) return exactly the matcher's ids for ${QUERIES} generated queries and texts over ${EVENTS} events (seed ${SEED})`, async () => {
  await agreesWithMatcher();
});

test('blocks answer every aggregation by a field in one walk as a read per group does, and as the matcher does', async () => {
  await groupsAgree();
});

test('after a restart and merging every block, the same queries give the same answers, through a column cache', async () => {
  // Through a small column cache (column-cache.ts: evictions, and blocks merged away under it).
  const store = await reopen({ columnCacheBytes: 2 << 20 });
  const before = (await store.partitions()).reduce((n, p) => n + p.events, 0);
  assert.ok(store.mergeNow() > 0, 'nothing was merged');
  assert.equal((await store.partitions()).reduce((n, p) => n + p.events, 0), before);
  await agreesWithMatcher();
});
