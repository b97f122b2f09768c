/**
 * A row-store search's later pages answer with the first page's total,
 * which their cursor carries (search-cursor.ts), instead of counting the
 * whole range again: the figure a user saw stays the same page after page
 * (Kibana's hit count while one scrolls), and a page costs its rows only.
 * Until 2026-12-07 every page after the first ran the count again. The
 * same question only: another range, another `now` under date math in
 * the query, or a cursor without a total (one issued before) counts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, type SearchRequest } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { isStoreError } from '../store/store-error.js';
import { SqliteStore } from './sqlite-store.js';
import { encodeCursor } from './search-cursor.js';
import { EVENTS, HOUR, NOW, RANGE } from '../testing/search-total-events.js';

const disk = parse('disk');

let dir = '';
let store: SqliteStore;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-search-total-'));
  store = new SqliteStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW });
  store.init();
  assert.equal((await store.write(EVENTS)).stored, EVENTS.length);
});

after(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function page(req: Partial<SearchRequest> & { cursor?: string | null }): Promise<{ ids: string[]; total: string; next: string | null; counted: number }> {
  const before = store.searchTotalsCounted;
  const res = await store.search({ query: disk, ...RANGE, limit: 10, ...req });
  return {
    ids: res.hits.map((h) => h['event.id']),
    total: `${res.total.value}${res.total.relation === 'gte' ? '+' : ''}`,
    next: res.next_cursor,
    counted: store.searchTotalsCounted - before,
  };
}

test('later pages answer with the first page\'s total, without counting the range again', async () => {
  const first = await page({});
  assert.deepEqual([first.ids.length, first.total, first.counted], [10, '30', 1]);
  const second = await page({ cursor: first.next });
  assert.deepEqual([second.ids[0], second.total, second.counted], ['e10', '30', 0]);
  const third = await page({ cursor: second.next });
  assert.deepEqual([third.ids, third.total, third.counted, third.next], [EVENTS.slice(20, 30).map((e) => e['event.id']), '30', 0, null]);
});

test('events written after the first page leave the figure as it was; a new first page counts them', async () => {
  const first = await page({ sort: 'asc' });
  assert.equal(first.total, '30');
  // Two more matches in the range, one on each side of the cursor.
  await store.write([
    { '@timestamp': new Date(NOW - 500).toISOString(), 'event.id': 'late-new', message: 'disk full late', level: 'info' },
    { '@timestamp': new Date(NOW - 40 * HOUR).toISOString(), 'event.id': 'late-old', message: 'disk full late', level: 'info' },
  ]);
  const second = await page({ sort: 'asc', cursor: first.next });
  assert.deepEqual([second.total, second.counted], ['30', 0]);
  assert.deepEqual([(await page({ sort: 'asc' })).total, (await page({})).total], ['32', '32']);
});

test('another range, another now under date math, or a cursor without a total counts again', async () => {
  const first = await page({});
  const total = first.total;
  assert.ok(first.next);
  // The same cursor over a range one hour shorter at its old end (a relative `now-2d` sent again later does the same).
  const shorter = await page({ cursor: first.next, from: RANGE.from + HOUR });
  assert.deepEqual([shorter.total, shorter.counted], [total, 1]);
  // now-1d in the query resolves against the request's now: 24 of the 30 and the late event of the test before.
  const q = parse('disk AND @timestamp:>=now-1d');
  const dated = await page({ query: q });
  assert.deepEqual([dated.total, dated.counted], ['25', 1]);
  const later = await page({ query: q, cursor: dated.next, now: NOW - 2 * HOUR });
  assert.deepEqual([later.total, later.counted], ['27', 1]);
  const same = await page({ query: q, cursor: dated.next });
  assert.deepEqual([same.total, same.counted], ['25', 0]);
  // A cursor issued before totals were carried (the shared codec's part only).
  const bare = await page({ cursor: encodeCursor({ ts: NOW - 10 * HOUR - 1000, eid: 'e10' }, 'desc', disk) });
  assert.deepEqual([bare.ids[0], bare.total, bare.counted], ['e11', total, 1]);
});

test('a cursor whose carried total is not one this server writes is refused', async () => {
  const { next } = await page({});
  assert.ok(next);
  const shared = next.slice(0, next.indexOf('.'));
  const question = next.slice(next.lastIndexOf('.') + 1);
  for (const tail of ['.', '.30', '.30.e', '.30.x.' + question, '.10001.g.' + question, '.10000.e.' + question, '.99.g.' + question, '.030.e.' + question, '.30.e.short', '.30.e.' + question + '.1']) {
    await assert.rejects(store.search({ query: disk, ...RANGE, limit: 10, cursor: shared + tail }), (err) => isStoreError(err, 'LS_STORE_BAD_CURSOR'), tail);
  }
});
