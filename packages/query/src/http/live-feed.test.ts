import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEvent } from '../event.js';
import { LocalLiveFeed } from './live-feed.js';

const ev = (id: string): LogEvent => ({ '@timestamp': '2026-12-06T12:00:00.000Z', 'event.id': id, message: id });
const ids = (evs: readonly LogEvent[] | null) => evs?.map((e) => e['event.id']) ?? null;

test('the feed numbers events in commit order and gives back those after a mark', () => {
  const feed = new LocalLiveFeed();
  const firsts: number[] = [];
  const stop = feed.subscribe((_, first) => firsts.push(first));
  const start = feed.mark();
  feed.publish([ev('a'), ev('b')]);
  const mid = feed.mark();
  feed.publish([ev('c')]);
  assert.deepEqual(firsts, [start.seq + 1, start.seq + 3]);
  assert.deepEqual(mid, { boot: start.boot, seq: start.seq + 2 });
  assert.deepEqual(ids(feed.since(start)), ['a', 'b', 'c']);
  assert.deepEqual(ids(feed.since(mid)), ['c']);
  assert.deepEqual(ids(feed.since(feed.mark())), []);
  // Another run's mark, or one ahead of the feed: not this feed's to answer.
  assert.equal(feed.since({ boot: 'bother', seq: mid.seq }), null);
  assert.equal(feed.since({ boot: start.boot, seq: mid.seq + 5 }), null);
  stop();
});

test('a commit not published takes a number: the marks before it are not answered, those after are', () => {
  const feed = new LocalLiveFeed();
  const stop = feed.subscribe(() => {});
  feed.publish([ev('a')]);
  const before = feed.mark();
  feed.skip();
  assert.equal(feed.since(before), null, 'what came after it is not all in the feed');
  const after = feed.mark();
  assert.deepEqual(after, { boot: before.boot, seq: before.seq + 1 });
  feed.publish([ev('b')]);
  assert.deepEqual(ids(feed.since(after)), ['b']);
  stop();
});

test('past its time without a reader, the feed is blind as soon as asked, not when its timer runs', () => {
  const feed = new LocalLiveFeed({ keptMs: 1 });
  feed.subscribe(() => {})();
  const mark = feed.mark();
  // Synchronously past keptMs: the timer cannot have run.
  const until = Date.now() + 5;
  while (Date.now() < until) { /* wait */ }
  assert.equal(feed.size, 0);
  assert.notEqual(feed.mark().boot, mark.boot, 'ingest may stop publishing now: the old marks must not be answered');
  assert.equal(feed.since(mark), null);
});

test('the feed keeps its latest events only: a mark older than them is not answered', () => {
  const feed = new LocalLiveFeed({ keptEvents: 10 });
  const stop = feed.subscribe(() => {});
  const start = feed.mark();
  for (let i = 0; i < 30; i++) feed.publish([ev(`e${i}`)]);
  assert.equal(feed.since(start), null);
  const recent = { boot: start.boot, seq: feed.mark().seq - 3 };
  assert.deepEqual(ids(feed.since(recent)), ['e27', 'e28', 'e29']);
  stop();
});

test('the feed keeps about so many bytes of events: large lines go sooner', () => {
  const feed = new LocalLiveFeed({ keptBytes: 100_000 });
  const stop = feed.subscribe(() => {});
  const start = feed.mark();
  const big = (id: string): LogEvent => ({ ...ev(id), message: 'x'.repeat(30_000) });
  for (let i = 0; i < 10; i++) feed.publish([big(`big${i}`)]);
  assert.equal(feed.since(start), null);
  // Past the bound, trimmed to half of it: the last one or two.
  assert.deepEqual(ids(feed.since({ boot: start.boot, seq: feed.mark().seq - 1 })), ['big9']);
  assert.equal(feed.since({ boot: start.boot, seq: feed.mark().seq - 4 }), null);
  stop();
});

test('once no one has listened for a while, marks given before are not answered (ingest may commit without publishing)', async () => {
  const feed = new LocalLiveFeed({ keptMs: 20 });
  const stop = feed.subscribe(() => {});
  feed.publish([ev('a')]);
  const mark = feed.mark();
  stop();
  // Left a moment ago: the reader may come back, and ingest is asked to go on publishing.
  assert.equal(feed.size, 1);
  feed.publish([ev('b')]);
  assert.deepEqual(ids(feed.since(mark)), ['b']);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(feed.size, 0);
  assert.equal(feed.since(mark), null);
  // Back: the feed answers its own marks from then on.
  const again = feed.subscribe(() => {});
  const now = feed.mark();
  feed.publish([ev('c')]);
  assert.deepEqual(ids(feed.since(now)), ['c']);
  again();
});
