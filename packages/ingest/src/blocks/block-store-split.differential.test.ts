/**
 * The block store's differential run (testing/block-store-differential.ts)
 * with every search and count split between two reader threads
 * (split-query.ts), over small overlapping blocks as written: the same
 * answers as the in-memory matcher. Its own file, so the run has its own
 * process and time limit beside block-store.differential.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { agreesWithMatcher, groupsAgree, QUERIES, removeCorpus, reopen, writeCorpus } from '../testing/block-store-differential.js';

before(writeCorpus);
after(removeCorpus);

test('split between two reader threads, every search and count gives the same answers', async () => {
  const store = await reopen({ merges: false, readerThreads: 2, splitMinBytes: 0, percentileValues: 16 }, true);
  await agreesWithMatcher();
  assert.ok(store.splitQueries > QUERIES, `only ${store.splitQueries} queries were split`);
});

test('on the reader threads, every aggregation by a field gives the same answers (the terms read split in lanes, the groups\' pass on one thread)', async () => {
  const store = await reopen({ merges: false, readerThreads: 2, splitMinBytes: 0, percentileValues: 16 }, true);
  const split = store.splitQueries;
  // A read per group split its stats between the threads and added the lanes' sums: the last bits differ from one walk's.
  await groupsAgree(true);
  assert.ok(store.splitQueries > split, 'no terms read was split');
});
