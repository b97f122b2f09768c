import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { Batcher, type Batch } from './batcher.js';

const pos = (offset: number) => ({ offset, path: '/x.log', dev: 1, ino: 2 });

async function bodies(batches: Batch[]): Promise<string[][]> {
  return Promise.all(batches.map(async (b) => gunzipSync(await b.body).toString('utf8').split('\n')));
}

test('batches close at max_events, gzipped NDJSON with counts, positions and sources', async () => {
  const sealed: Batch[] = [];
  const b = new Batcher({ max_events: 1000, max_bytes: 1 << 30, max_age_ms: 60_000 }, (x) => sealed.push(x));
  // 2500 envelopes of ~300 bytes, some multi-byte: several 64 KiB chunks per batch.
  const envelopes = Array.from({ length: 2500 }, (_, i) => `{"@raw":"${'é'.repeat(i % 7)}${'x'.repeat(290)}","n":${i}}`);
  envelopes.forEach((e, i) => b.add(e, i % 2 ? 'a' : 'b', 'k', pos(i)));
  assert.equal(sealed.length, 2);
  b.flush();
  assert.equal(sealed.length, 3);
  assert.deepEqual(sealed.map((s) => s.count), [1000, 1000, 500]);
  assert.deepEqual(sealed[0]!.positions, { k: pos(999) });
  assert.deepEqual(sealed[2]!.sources, { b: 250, a: 250 });
  const lines = await bodies(sealed);
  for (const l of lines) assert.equal(l.pop(), '', 'every envelope ends with a newline');
  assert.deepEqual(lines.flat(), envelopes);
});

test('max_bytes closes a batch before it would overflow; an envelope over a chunk is kept whole', async () => {
  const sealed: Batch[] = [];
  const b = new Batcher({ max_events: 1000, max_bytes: 200_000, max_age_ms: 60_000 }, (x) => sealed.push(x));
  const big = `{"@raw":"${'y'.repeat(150_000)}"}`;
  b.add('{"a":1}', 's', 'k', pos(1));
  b.add(big, 's', 'k', pos(2));
  b.add(big, 's', 'k', pos(3));
  b.flush();
  b.flush();
  assert.deepEqual(sealed.map((s) => s.count), [2, 1]);
  assert.deepEqual(await bodies(sealed), [['{"a":1}', big, ''], [big, '']]);
});

test('a batch below the limits is sealed by its age', async () => {
  let sealed!: (b: Batch) => void;
  const got = new Promise<Batch>((resolve) => { sealed = resolve; });
  const b = new Batcher({ max_events: 1000, max_bytes: 1 << 20, max_age_ms: 10 }, (x) => sealed(x));
  b.add('{"a":1}', 's', 'k', pos(1));
  assert.equal(b.size, 1);
  const batch = await got;
  assert.equal(b.size, 0);
  assert.deepEqual(await bodies([batch]), [['{"a":1}', '']]);
});

test('the parts of a cut event go in one batch: the batch before is sealed when they would not fit, and none is sealed between them', async () => {
  const sealed: Batch[] = [];
  const b = new Batcher({ max_events: 4, max_bytes: 1 << 30, max_age_ms: 60_000 }, (x) => sealed.push(x));
  b.add('{"n":0}', 's', 'k', pos(0));
  b.add('{"n":1}', 's', 'k', pos(1));
  // Three parts would take the batch to 5, past max_events: the two before go alone.
  [2, 3, 4].forEach((n, i) => b.add(`{"n":${n}}`, 's', 'k', pos(n), 2 - i));
  assert.deepEqual(sealed.map((s) => s.count), [2]);
  // Six parts, past max_events themselves: one batch all the same.
  [5, 6, 7, 8, 9, 10].forEach((n, i) => b.add(`{"n":${n}}`, 's', 'k', pos(n), 5 - i));
  b.flush();
  assert.deepEqual(sealed.map((s) => s.count), [2, 3, 6]);
  assert.deepEqual((await bodies(sealed)).map((l) => l.filter((x) => x !== '').map((x) => (JSON.parse(x) as { n: number }).n)), [[0, 1], [2, 3, 4], [5, 6, 7, 8, 9, 10]]);
});
