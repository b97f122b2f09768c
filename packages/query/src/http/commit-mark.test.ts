import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AggregateRequest, LogReader, SearchRequest } from '../log-reader.js';
import { readStartHook } from '../read-start.js';
import { noteReadCut } from '../read-cut.js';
import { API_NOW, queryApiApp, sampleEvents } from '../testing/query-api-app.js';

const ROUTES = [
  '/api/v1/search?from=now-1h',
  '/api/v1/aggregate?from=now-1h&type=date_histogram',
  '/api/v1/aggregate?from=now-1h&type=stats&field=duration_ms&by=host',
  '/api/v1/fields?from=now-1h',
  '/api/v1/fields/host/values?from=now-1h',
  '/api/v1/queries/errors/search?from=now-1h',
];

const ev = (id: string) => ({ '@timestamp': new Date(API_NOW - 1000).toISOString(), 'event.id': id, message: id });

test('the read answers carry the feed\'s mark as their read began: `<boot>.<seq>` of the last event published', async () => {
  const { app, feed } = await queryApiApp(sampleEvents());
  const markText = () => `${feed.mark().boot}.${feed.mark().seq}`;
  for (const url of ROUTES) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    assert.equal(res.json().commit_mark, markText(), url);
  }
  const before = feed.mark();
  feed.publish([ev('p1'), ev('p2')]);
  assert.equal(feed.mark().seq, before.seq + 2);
  for (const url of ROUTES) assert.equal((await app.inject({ method: 'GET', url })).json().commit_mark, markText(), url);
  const posted = await app.inject({ method: 'POST', url: '/api/v1/aggregate', payload: { type: 'terms', field: 'host', from: 'now-1h' } });
  assert.equal(posted.json().commit_mark, markText());
});

test('no feed, or a reader that may not see an acknowledged write: no commit_mark', async () => {
  const { app } = await queryApiApp(sampleEvents(), { feed: undefined });
  for (const url of ROUTES) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    assert.equal('commit_mark' in res.json(), false, url);
  }
  const lagging = await queryApiApp(sampleEvents());
  let sees = false;
  // As the Elasticsearch store says once a refresh has failed.
  (lagging.reader as LogReader).seesAcknowledgedWrites = () => sees;
  for (const url of ROUTES) assert.equal('commit_mark' in (await lagging.app.inject({ method: 'GET', url })).json(), false, url);
  sees = true;
  for (const url of ROUTES) assert.equal(typeof (await lagging.app.inject({ method: 'GET', url })).json().commit_mark, 'string', url);
});

test('a read queued behind the gate takes the mark as it runs, not as it came', async () => {
  // Each handler reads the clock just before it asks the gate (in the same turn): how the test knows the search waits there.
  let clockReads = 0;
  const { app, feed, reader } = await queryApiApp(sampleEvents(), { maxConcurrentQueries: 1, now: () => { clockReads++; return API_NOW; } });
  // The first aggregation holds the only slot until let go.
  let letGo!: () => void;
  const holding = new Promise<void>((r) => { letGo = r; });
  let entered!: () => void;
  const inSlot = new Promise<void>((r) => { entered = r; });
  const aggregate = reader.aggregate.bind(reader);
  let calls = 0;
  reader.aggregate = async (req: AggregateRequest) => {
    if (calls++ === 0) {
      entered();
      await holding;
    }
    return aggregate(req);
  };
  const first = app.inject({ method: 'GET', url: '/api/v1/aggregate?from=now-1h&type=date_histogram' });
  await inSlot;
  const read = clockReads;
  const queued = app.inject({ method: 'GET', url: '/api/v1/search?from=now-1h' });
  while (clockReads === read) await new Promise((r) => setImmediate(r));
  const waiting = feed.mark();
  feed.publish([ev('while-queued')]);
  letGo();
  const [a, b] = await Promise.all([first, queued]);
  assert.equal(a.json().commit_mark, `${waiting.boot}.${waiting.seq}`);
  assert.equal(b.json().commit_mark, `${waiting.boot}.${waiting.seq + 1}`, 'published while it waited: before its read');
});

test('a read told it reached a reader thread takes the mark then: at its first step, not at the gate nor at a later step', async () => {
  const { app, feed, reader } = await queryApiApp(sampleEvents());
  const search = reader.search.bind(reader);
  // As the embedded stores' reader pool tells a read its steps were posted
  // to a thread (packages/ingest sqlite/reader-pool.ts), after commits
  // published while the read waited for one.
  reader.search = async (req: SearchRequest) => {
    feed.publish([ev('while-waiting')]);
    readStartHook()?.();
    feed.publish([ev('before-a-later-step')]);
    readStartHook()?.();
    return search(req);
  };
  const gate = feed.mark();
  const res = await app.inject({ method: 'GET', url: '/api/v1/search?from=now-1h' });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.json().commit_mark, `${gate.boot}.${gate.seq + 1}`);
  // Another read's steps are not this one's: outside a read, no hook.
  assert.equal(readStartHook(), undefined);
});

test('a read cut at a commit count (the embedded stores) is marked there, once the feed has numbered as many; steps cut apart, or none, keep the mark of the start', async () => {
  const { app, feed, reader } = await queryApiApp(sampleEvents());
  const search = reader.search.bind(reader);
  let cuts: (number | null)[] = [];
  reader.search = async (req: SearchRequest) => {
    for (const c of cuts) noteReadCut(c);
    return search(req);
  };
  const mark = async (): Promise<string> => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/search?from=now-1h' });
    assert.equal(res.statusCode, 200, res.body);
    return res.json().commit_mark as string;
  };
  feed.publish([ev('c1'), ev('c2'), ev('c3')]);
  const { boot } = feed.mark();
  cuts = [2];
  assert.equal(await mark(), `${boot}.2`, 'cut below the feed: there, not at the feed\'s last');
  cuts = [2, 2];
  assert.equal(await mark(), `${boot}.2`, 'two steps (lanes) cut at one count');
  cuts = [2, 3];
  assert.equal(await mark(), `${boot}.3`, 'two steps cut apart: the mark of the start');
  cuts = [null];
  assert.equal(await mark(), `${boot}.3`, 'a step without a cut: the mark of the start');
  // Cut after commits the feed is not told of yet: the answer waits for them to be numbered.
  cuts = [5];
  const ahead = mark();
  await new Promise((r) => setImmediate(r));
  feed.publish([ev('c4'), ev('c5')]);
  assert.equal(await ahead, `${boot}.5`);
});
