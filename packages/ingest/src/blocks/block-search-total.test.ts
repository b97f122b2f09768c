/**
 * The block store's later pages answer with the first page's total, which
 * their cursor carries (sqlite/search-cursor.ts, search-part.ts
 * blockQuestion), as the row store's do: on one thread and split between
 * the reader threads, whose trailing lane then has nothing to count. Until
 * 2026-12-07 each page counted the range again, and a figure could change
 * from page to page as events arrived. Another range, or another `now`
 * under date math in the query, counts again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, type LogEvent, type SearchRequest } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { BlockStore } from './block-store.js';
import { EVENTS, HOUR, NOW, RANGE } from '../testing/search-total-events.js';

const LATE: LogEvent[] = [
  { '@timestamp': new Date(NOW - 500).toISOString(), 'event.id': 'late-new', message: 'disk full late', level: 'info' },
  { '@timestamp': new Date(NOW - 40 * HOUR).toISOString(), 'event.id': 'late-old', message: 'disk full late', level: 'info' },
];

for (const [how, threads] of [['on one thread', 0], ['split between two reader threads', 2]] as const) {
  test(`blocks, ${how}: later pages answer with the first page's total; another range or now counts again`, async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-block-total-'));
    const store = new BlockStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, readerThreads: threads, splitMinBytes: 0 });
    try {
      store.init();
      await store.start();
      const search = (req: Partial<SearchRequest>): ReturnType<BlockStore['search']> => store.search({ query: parse('disk'), ...RANGE, limit: 10, ...req });
      assert.equal((await store.write(EVENTS)).stored, EVENTS.length);
      const first = await search({});
      assert.equal(first.total.value, 30);
      assert.ok(first.next_cursor);
      assert.equal((await store.write(LATE)).stored, 2);
      const second = await search({ cursor: first.next_cursor });
      assert.deepEqual([second.hits[0]?.['event.id'], second.total.value], ['e10', 30]);
      const third = await search({ cursor: second.next_cursor });
      assert.deepEqual([third.hits.length, third.total.value], [10, 30]);
      // The same cursor over another range counts it.
      assert.equal((await search({ cursor: first.next_cursor, from: RANGE.from + HOUR })).total.value, 32);
      // now-1d resolved against another now counts; against the same, carries.
      const q = parse('disk AND @timestamp:>=now-1d');
      const dated = await search({ query: q });
      assert.equal(dated.total.value, 25);
      assert.equal((await search({ query: q, cursor: dated.next_cursor, now: NOW - 2 * HOUR })).total.value, 27);
      await store.write([{ '@timestamp': new Date(NOW - 200).toISOString(), 'event.id': 'later', message: 'disk full later', level: 'info' }]);
      assert.equal((await search({ query: q, cursor: dated.next_cursor })).total.value, 25);
      if (threads > 0) assert.ok(store.splitQueries > 0, 'the searches ran in two lanes');
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
