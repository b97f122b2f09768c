/**
 * The block store's own fields() (block-fields.ts) answers as the generic
 * one built on its search and count (the query package's sample-fields.ts):
 * complete or sampled, with a query, and where rows tied in time straddle
 * the sample's edge, so that ids (stored and content ids) decide which
 * rows are in. On the calling thread and on a reader thread. A field's
 * sampled values (fieldValues) likewise.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { answerFieldValues, FIELD_SAMPLE_SIZE, parse, sampleFields, type LogEvent } from '@logship/query';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';
import { contentId } from '../normalize/content-id.js';
import { BlockStore } from './block-store.js';

const END = Date.parse('2026-11-23T12:00:00.000Z');
const NOW = END + 60_000;
const RANGE = { from: END - 3_600_000, to: END, now: NOW };
let dir = '';

/**
 * Event i, oldest first. The newest FIELD_SAMPLE_SIZE - 50 have times of
 * their own; the 200 before them share one time, so the sample's edge
 * falls among them; half of those keep their id, half are stored under
 * their content id (no event.id sent). `edge_only` and `odd` tell the
 * tied rows apart, `stored_id` those that keep their id.
 */
function event(i: number, total: number): LogEvent {
  const fromNewest = total - 1 - i;
  const tied = fromNewest >= FIELD_SAMPLE_SIZE - 50 && fromNewest < FIELD_SAMPLE_SIZE + 150;
  // The tied time lies between the newest rows' times and the older rows'.
  const ts = tied ? END - FIELD_SAMPLE_SIZE * 50 : END - fromNewest * 50;
  const e: LogEvent = { '@timestamp': new Date(ts).toISOString(), 'event.id': '', message: `line ${i}`, level: i % 3 === 0 ? 'error' : 'info', n: i % 7 === 0 ? String(i) : i };
  if (tied) e.edge_only = i;
  // Which tied rows are in depends on the ids: this counts the stored ones among them.
  if (tied && i % 2 === 0) e.stored_id = true;
  if (i % 5 === 0) e.odd = i % 2 === 0;
  // As ingest names an event sent without an id: the block keeps no id for it.
  e['event.id'] = !tied || i % 2 === 0 ? `id-${String(i).padStart(6, '0')}` : contentId(e, ts);
  return e;
}

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'logship-fields-'));
  const store = new BlockStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, merges: false });
  store.init();
  const total = FIELD_SAMPLE_SIZE + 3_000;
  const events = Array.from({ length: total }, (_, i) => event(i, total));
  for (let i = 0; i < total; i += 2_500) assert.equal((await store.write(events.slice(i, i + 2_500))).stored, Math.min(2_500, total - i));
  await store.close();
});

after(() => fs.rmSync(dir, { recursive: true, force: true }));

for (const readerThreads of [0, 1]) {
  test(`fields() equals the answer from search and count (${readerThreads ? 'on a reader thread' : 'on the calling thread'})`, async () => {
    // A low limit on distinct terms: fields past it (event.id, message) are sampled, as the route does past the real one.
    const store = new BlockStore({ dataDir: dir, retention: DEFAULT_RETENTION, now: () => NOW, merges: false, readerThreads, maxTermsKeys: 1_000 });
    store.init();
    await store.start();
    try {
      for (const text of ['*', 'level:error', 'edge_only:*', 'odd:true', 'nothing:here']) {
        const req = { ...RANGE, query: parse(text) };
        const own = await store.fields(req);
        assert.deepEqual(own, await sampleFields(store, req), text);
        if (text === '*') {
          assert.equal(own.counts, 'sampled');
          const edge = own.fields.find((f) => f.name === 'edge_only');
          // 50 of the 200 tied rows are in the sample: which ones, the ids said.
          assert.equal(edge?.count, Math.round((50 * (FIELD_SAMPLE_SIZE + 3_000)) / FIELD_SAMPLE_SIZE));
        }
        // A field's values: the sample (message, @timestamp, fields past the terms limit) counted where the rows are.
        for (const field of ['message', '@timestamp', 'event.id', 'edge_only', 'stored_id', 'n', 'level', 'nothing']) {
          const valuesReq = { ...req, field, size: 5 };
          const ownValues = await store.fieldValues(valuesReq);
          assert.deepEqual(ownValues, await answerFieldValues({ search: (r) => store.search(r), count: (r) => store.count(r), aggregate: (r) => store.aggregate(r) }, valuesReq), `${text}, values of ${field}`);
          if (text === '*' && ['message', '@timestamp', 'event.id'].includes(field)) assert.equal(ownValues.counts, 'sampled', field);
        }
      }
    } finally {
      await store.close();
    }
  });
}
