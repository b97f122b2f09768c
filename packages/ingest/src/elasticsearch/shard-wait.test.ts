import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errors } from '@elastic/elasticsearch';
import { esError } from './es-error.js';
import { isShardNotStarted, whileShardStarts } from './shard-wait.js';

function answer(statusCode: number, type: string): errors.ResponseError {
  return new errors.ResponseError({
    body: { error: { type, reason: type }, status: statusCode },
    statusCode,
    headers: {},
    warnings: null,
    meta: {} as never,
  });
}

test('a shard not started is told apart from other 503s and from other errors, also when wrapped', () => {
  assert.equal(isShardNotStarted(answer(503, 'no_shard_available_action_exception')), true);
  assert.equal(isShardNotStarted(answer(503, 'unavailable_shards_exception')), true);
  assert.equal(isShardNotStarted(esError('LS_ES_UNAVAILABLE', 'x', answer(503, 'no_shard_available_action_exception'))), true);
  assert.equal(isShardNotStarted(answer(503, 'cluster_block_exception')), false);
  assert.equal(isShardNotStarted(answer(404, 'index_not_found_exception')), false);
  assert.equal(isShardNotStarted(new Error('ECONNREFUSED')), false);
});

test('the call is tried again while the shard starts, and said once', async () => {
  let calls = 0;
  const said: string[] = [];
  const value = await whileShardStarts(
    async () => {
      if (++calls < 4) throw answer(503, 'no_shard_available_action_exception');
      return 'policy';
    },
    { sleep: async () => {}, onWait: (d) => said.push(d) },
  );
  assert.equal(value, 'policy');
  assert.equal(calls, 4);
  assert.equal(said.length, 1);
});

test('past the limit, or on any other error, the error is thrown as it came', async () => {
  let clock = 0;
  const stuck = answer(503, 'no_shard_available_action_exception');
  await assert.rejects(
    whileShardStarts(async () => Promise.reject(stuck), { limitMs: 5_000, now: () => clock, sleep: async (ms) => void (clock += ms) }),
    (err) => err === stuck,
  );
  assert.ok(clock >= 5_000 && clock < 7_000, `gave up at ${clock} ms`);
  const other = answer(503, 'cluster_block_exception');
  let calls = 0;
  await assert.rejects(
    whileShardStarts(async () => {
      calls++;
      throw other;
    }),
    (err) => err === other,
  );
  assert.equal(calls, 1);
});
