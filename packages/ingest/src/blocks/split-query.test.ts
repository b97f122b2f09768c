/**
 * A search, count or aggregation split between two reader threads
 * (split-query.ts) answers exactly as one thread does, where the lanes must
 * tell each other something: the total's limit reached by both together or
 * by one day alone, the page filled by the leading lane (the other stops
 * walking) or only by the trailing one, cursors across the days, both sort
 * orders; aggregations joined from the lanes' parts, a histogram bucket
 * across midnight, the limit on distinct terms passed only by the two lanes
 * together. Which lane takes which day is a race, run after run. Past the limit of 10,000 the total says `gte`; the
 * page, cursor and total must still be one thread's.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, type AggregationSpec, type LogEvent, type SearchRequest, type SearchResult, type SortOrder } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { BlockStore } from './block-store.js';

const DAY = 86_400_000;
const END = Date.parse('2026-11-23T00:00:00.000Z');
const NOW = END + 3_600_000;
const RANGE = { from: END - 2 * DAY, to: END - 1, now: NOW };
/** Events a day; the range holds two days. */
const PER_DAY = 12_000;

/** Distinct `uid`s: each day holds PER_DAY, the range twice that. */
const MAX_TERMS = 20_000;
let dir = '';
let split: BlockStore;
let single: BlockStore;

/** Day 0 (older) and day 1 (newer): every event `all`, some marked by where they lie. */
function event(day: number, i: number): LogEvent {
  const ts = END - 2 * DAY + day * DAY + Math.floor((i * DAY) / PER_DAY);
  const id = `d${day}-${String(i).padStart(5, '0')}`;
  const e: LogEvent = { '@timestamp': new Date(ts).toISOString(), 'event.id': id, message: `event ${i}`, kind: 'all', uid: id, duration_ms: (i * 37) % 1000 - 3.5 };
  // Past the total's limit in the older day alone; in the newer, a page but under the limit.
  if (day === 0 && i < 10_500) e.old = 'yes';
  if (day === 1 && i % 4 === 0) e.new = 'yes';
  if (i % 2_000 === 7) e.rare = 'yes';
  // Equal times across ids: ties ordered by id, through the cursor.
  if (i % 3_000 === 11) e['@timestamp'] = new Date(END - 2 * DAY + day * DAY + 5_000).toISOString();
  return e;
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-split-'));
  const writer = new BlockStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, merges: false });
  writer.init();
  for (let day = 0; day < 2; day++) {
    for (let start = 0; start < PER_DAY; start += 3_000) {
      const batch = Array.from({ length: 3_000 }, (_, k) => event(day, start + k));
      assert.equal((await writer.write(batch)).stored, batch.length);
    }
  }
  await writer.close();
  split = open(2);
  single = open(1);
  await split.start();
  await single.start();
});

function open(readerThreads: number, percentileValues?: number): BlockStore {
  const s = new BlockStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, merges: false, readerThreads, splitMinBytes: 0, maxTermsKeys: MAX_TERMS, ...(percentileValues ? { percentileValues } : {}) });
  s.init();
  return s;
}

after(async () => {
  await split?.close();
  await single?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const QUERIES = ['*', 'kind:all', 'old:yes', 'new:yes', 'rare:yes', 'old:yes OR rare:yes', 'new:yes OR rare:yes', 'kind:none'];

function digest(r: SearchResult): unknown {
  return { ids: r.hits.map((h) => h['event.id']), total: r.total, next: r.next_cursor };
}

for (const sort of ['desc', 'asc'] as SortOrder[]) {
  test(`${sort}: pages, cursors and totals as one thread gives them`, async () => {
    const before = split.splitQueries;
    for (const text of QUERIES) {
      const query = parse(text);
      for (const limit of [1, 100, 5_000]) {
        let cursor: string | null = null;
        for (let page = 0; page < 3; page++) {
          const req: SearchRequest = { ...RANGE, query, limit, sort, cursor };
          const [a, b] = await Promise.all([split.search(req), single.search(req)]);
          assert.deepEqual(digest(a), digest(b), `${text}, limit ${limit}, page ${page}`);
          cursor = b.next_cursor as string | null;
          if (cursor === null) break;
        }
      }
      assert.equal(await split.count({ ...RANGE, query }), await single.count({ ...RANGE, query }), `count ${text}`);
    }
    assert.ok(split.splitQueries > before + QUERIES.length * 3, 'the searches were not split');
  });
}

test('totals: the limit reached by both lanes together, or by one day alone, says gte; under it, exact', async () => {
  const total = async (text: string): Promise<SearchResult['total']> => (await split.search({ ...RANGE, query: parse(text), limit: 10 })).total;
  assert.deepEqual(await total('*'), { value: 10_000, relation: 'gte' });
  assert.deepEqual(await total('old:yes'), { value: 10_000, relation: 'gte' });
  assert.deepEqual(await total('new:yes'), { value: 3_000, relation: 'eq' });
  assert.deepEqual(await total('rare:yes'), { value: 12, relation: 'eq' });
  assert.equal(await split.count({ ...RANGE, query: parse('*') }), 2 * PER_DAY);
  assert.equal(await split.count({ ...RANGE, query: parse('old:yes') }), 10_500);
});

test('aggregations: joined from both lanes as one thread gives them, the distinct terms limit over the whole range', async () => {
  const aggs: AggregationSpec[] = [
    { type: 'terms', field: 'new', size: 3 },
    { type: 'terms', field: 'kind', size: 10 },
    { type: 'terms', field: 'message', size: 5 },
    // Buckets of 5 hours: one lies across midnight, the lanes' days' boundary.
    { type: 'date_histogram', interval_ms: 5 * 3_600_000 },
    { type: 'stats', field: 'duration_ms' },
    { type: 'percentiles', field: 'duration_ms', percents: [0, 1, 50, 99.9, 100] },
  ];
  const before = split.splitQueries;
  for (const text of ['*', 'old:yes OR new:yes', 'rare:yes', 'kind:none']) {
    for (const agg of aggs) {
      const req = { ...RANGE, query: parse(text), agg };
      const [a, b] = await Promise.all([split.aggregate(req), single.aggregate(req)]);
      assert.deepEqual(a, b, `${text}, ${JSON.stringify(agg)}`);
    }
  }
  // The empty query's terms and histograms come from the rollups, on one thread.
  assert.ok(split.splitQueries >= before + 3 * aggs.length + 2, `only ${split.splitQueries - before} aggregations were split`);
  for (const store of [split, single]) {
    await assert.rejects(store.aggregate({ ...RANGE, query: parse('kind:all'), agg: { type: 'terms', field: 'uid', size: 5 } }), { code: 'LS_STORE_TOO_MANY_TERMS' });
  }
  // Percentiles past a small cap: several selection passes (percentile-select.ts), each in lanes or on one thread.
  for (const readerThreads of [2, 1]) {
    const narrow = open(readerThreads, 64);
    await narrow.start();
    try {
      for (const text of ['*', 'old:yes OR new:yes', 'rare:yes', 'kind:none']) {
        const req = { ...RANGE, query: parse(text), agg: { type: 'percentiles', field: 'duration_ms', percents: [0, 1, 33.3, 50, 99.9, 100] } as AggregationSpec };
        assert.deepEqual(await narrow.aggregate(req), await single.aggregate(req), `${text}, ${readerThreads} thread(s), 64 values a pass`);
      }
    } finally {
      await narrow.close();
    }
  }
  const oneDay = await split.aggregate({ from: RANGE.from, to: RANGE.from + DAY - 1, now: NOW, query: parse('kind:all'), agg: { type: 'terms', field: 'uid', size: 2 } });
  assert.ok(oneDay.type === 'terms' && oneDay.other_count === PER_DAY - 2);
});
