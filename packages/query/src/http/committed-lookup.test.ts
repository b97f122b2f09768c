import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEvent } from '../event.js';
import type { SearchRequest } from '../log-reader.js';
import { parse } from '../parse.js';
import { MemoryLogReader } from '../testing/memory-log-reader.js';
import { LOOKUP_RUNS, lookUpCommitted } from './committed-lookup.js';

const T = Date.parse('2026-12-06T12:00:00.000Z');
const ev = (id: string, ts: number, job = 'a'): LogEvent => ({ '@timestamp': new Date(ts).toISOString(), 'event.id': id, job, message: id });

test('refs are read back with one search per run of close times, matching the query; a late one reads its own millisecond', async () => {
  // Stored around the refs: in the run's span, but not refs.
  const stored = [ev('r1', T), ev('other', T + 200), ev('r2', T + 900, 'b'), ev('r3', T + 1_500), ev('late', T - 86_400_000), ev('near-late', T - 86_400_000 + 1)];
  const memory = new MemoryLogReader(stored);
  const asked: SearchRequest[] = [];
  const reader = { ...memory, search: (req: SearchRequest) => (asked.push(req), memory.search(req)), count: memory.count.bind(memory), aggregate: memory.aggregate.bind(memory) };
  const at = (id: string) => Date.parse(stored.find((e) => e['event.id'] === id)!['@timestamp']);
  // r2 does not match the query; gone is no longer stored (expired).
  const refs = [...['r1', 'r2', 'r3', 'late'].map((id) => ({ id, ts: at(id) })), { id: 'gone', ts: T + 1_600 }];
  const found = await lookUpCommitted(reader, parse('job:a'), refs, { now: T, pageSize: 100, maxPages: 0, stopped: () => false });
  assert.deepEqual([...found!.keys()].sort(), ['late', 'r1', 'r3']);
  assert.deepEqual(asked.map((r) => [r.from - T, r.to - T]), [[-86_400_000, -86_400_000], [0, 1_600]]);
});

test('past its pages the look-up gives up (null), for the caller to replay by time', async () => {
  const stored = Array.from({ length: 30 }, (_, i) => ev(`s${i}`, T + i));
  const reader = new MemoryLogReader(stored);
  const refs = [{ id: 's29', ts: T + 29 }, { id: 's0', ts: T }];
  const q = parse('*');
  assert.equal(await lookUpCommitted(reader, q, refs, { now: T, pageSize: 10, maxPages: 1, stopped: () => false }), null);
  const found = await lookUpCommitted(reader, q, refs, { now: T, pageSize: 10, maxPages: 2, stopped: () => false });
  assert.deepEqual([...found!.keys()], ['s0', 's29']);
});

test('refs stamped seconds apart make at most LOOKUP_RUNS searches, split at the widest gaps', async () => {
  // 300 stamped 2 s apart, and one an hour before them.
  const stored = [ev('old', T - 3_600_000), ...Array.from({ length: 300 }, (_, i) => ev(`b${i}`, T + i * 2_000))];
  const memory = new MemoryLogReader(stored);
  const asked: SearchRequest[] = [];
  const reader = { search: (req: SearchRequest) => (asked.push(req), memory.search(req)), count: memory.count.bind(memory), aggregate: memory.aggregate.bind(memory) };
  const refs = stored.map((e) => ({ id: e['event.id'], ts: Date.parse(e['@timestamp']) }));
  const found = await lookUpCommitted(reader, parse('*'), refs, { now: T, pageSize: 1_000, maxPages: 0, stopped: () => false });
  assert.equal(found!.size, 301);
  assert.equal(asked.length, LOOKUP_RUNS);
  assert.deepEqual([asked[0]!.from, asked[0]!.to], [T - 3_600_000, T - 3_600_000], 'the widest gap first');
});
