import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEvent } from '../event.js';
import { isCommittedRef, LocalLiveFeed, type FeedEntry } from './live-feed.js';

const TS = '2026-12-06T12:00:00.000Z';
const ev = (id: string): LogEvent => ({ '@timestamp': TS, 'event.id': id, message: id });
/** Each entry's id, a ref's with "ref:" before it. */
const ids = (entries: readonly FeedEntry[] | null) => entries?.map((e) => (isCommittedRef(e) ? `ref:${e.id}@${e.ts}` : e['event.id'])) ?? null;
const at = Date.parse(TS);

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

test('a commit not published numbers its events too: the feed gives their refs, to listeners and after a mark', () => {
  const feed = new LocalLiveFeed();
  const told: (string[] | number)[] = [];
  const stop = feed.subscribe((entries, first) => told.push(ids(entries)!, first));
  feed.publish([ev('a')]);
  const before = feed.mark();
  feed.skip(['b', 'c'], [at + 1, at + 2]);
  const after = feed.mark();
  assert.deepEqual(after, { boot: before.boot, seq: before.seq + 2 });
  feed.publish([ev('d')]);
  assert.deepEqual(ids(feed.since(before)), [`ref:b@${at + 1}`, `ref:c@${at + 2}`, 'd']);
  assert.deepEqual(ids(feed.since(after)), ['d']);
  assert.deepEqual(told, [['a'], before.seq, [`ref:b@${at + 1}`, `ref:c@${at + 2}`], before.seq + 1, ['d'], after.seq + 1]);
  stop();
});

test('no one listening, the feed records what is committed (ids and times), not the events', () => {
  const feed = new LocalLiveFeed();
  const mark = feed.mark();
  feed.publish([ev('a')], [at]);
  feed.skip(['b'], [at + 5]);
  assert.deepEqual(ids(feed.since(mark)), [`ref:a@${at}`, `ref:b@${at + 5}`]);
  // Without times given, the event's own.
  feed.publish([ev('c')]);
  assert.deepEqual(ids(feed.since({ ...mark, seq: mark.seq + 2 })), [`ref:c@${at}`]);
});

test('past its time without a reader, the feed lets the events go as soon as asked, not when its timer runs; their record stays', () => {
  const feed = new LocalLiveFeed({ keptMs: 1 });
  const stop = feed.subscribe(() => {});
  const mark = feed.mark();
  feed.publish([ev('a')]);
  stop();
  assert.deepEqual(ids(feed.since(mark)), ['a']);
  // Synchronously past keptMs: the timer cannot have run.
  const until = Date.now() + 5;
  while (Date.now() < until) { /* wait */ }
  assert.equal(feed.size, 0);
  assert.equal(feed.mark().boot, mark.boot);
  assert.deepEqual(ids(feed.since(mark)), [`ref:a@${at}`]);
});

test('the feed holds its latest events only, and records more: a mark older than its record is not answered', () => {
  const feed = new LocalLiveFeed({ keptEvents: 5, recordedEvents: 20 });
  const stop = feed.subscribe(() => {});
  const start = feed.mark();
  for (let i = 0; i < 50; i++) feed.publish([ev(`e${i}`)]);
  assert.equal(feed.since(start), null);
  assert.equal(feed.since({ boot: start.boot, seq: feed.mark().seq - 21 }), null);
  const recent = { boot: start.boot, seq: feed.mark().seq - 3 };
  assert.deepEqual(ids(feed.since(recent)), ['e47', 'e48', 'e49']);
  // Held: at least the latest 5, at most 10; recorded: the latest 20.
  const older = ids(feed.since({ boot: start.boot, seq: feed.mark().seq - 20 }))!;
  assert.equal(older.length, 20);
  assert.deepEqual(older.slice(15), ['e45', 'e46', 'e47', 'e48', 'e49']);
  assert.deepEqual(older.slice(0, 10), Array.from({ length: 10 }, (_, i) => `ref:e${30 + i}@${at}`));
  stop();
});

test('the feed holds about so many bytes of events: large lines become refs sooner', () => {
  const feed = new LocalLiveFeed({ keptBytes: 100_000 });
  const stop = feed.subscribe(() => {});
  const start = feed.mark();
  const big = (id: string): LogEvent => ({ ...ev(id), message: 'x'.repeat(30_000) });
  for (let i = 0; i < 10; i++) feed.publish([big(`big${i}`)]);
  // Past the bound, trimmed to half of it: the last one or two held.
  const all = ids(feed.since(start))!;
  assert.equal(all.length, 10);
  assert.equal(all[9], 'big9');
  assert.equal(all[5], `ref:big5@${at}`);
  stop();
});

test('the record keeps about so many bytes of ids', () => {
  const feed = new LocalLiveFeed({ recordedBytes: 1000 });
  const start = feed.mark();
  const long = (i: number) => `${'i'.repeat(95)}${String(i).padStart(5, '0')}`;
  for (let i = 0; i < 30; i++) feed.skip([long(i)], [at]);
  assert.equal(feed.since(start), null);
  assert.deepEqual(ids(feed.since({ boot: start.boot, seq: feed.mark().seq - 2 })), [`ref:${long(28)}@${at}`, `ref:${long(29)}@${at}`]);
});

test('a reader that left a moment ago keeps the feed holding events; back, it is told again', async () => {
  const feed = new LocalLiveFeed({ keptMs: 20 });
  const stop = feed.subscribe(() => {});
  feed.publish([ev('a')]);
  const mark = feed.mark();
  stop();
  // Left a moment ago: the reader may come back, and ingest is asked to go on handing events over.
  assert.equal(feed.size, 1);
  feed.publish([ev('b')]);
  assert.deepEqual(ids(feed.since(mark)), ['b']);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(feed.size, 0);
  assert.deepEqual(ids(feed.since(mark)), [`ref:b@${at}`]);
  const again = feed.subscribe(() => {});
  const now = feed.mark();
  feed.publish([ev('c')]);
  assert.deepEqual(ids(feed.since(mark)), [`ref:b@${at}`, 'c']);
  assert.deepEqual(ids(feed.since(now)), ['c']);
  again();
});

test('round its ring many times, the record gives each number its own event or ref, held ones the latest', () => {
  const feed = new LocalLiveFeed({ keptEvents: 3, recordedEvents: 7 });
  const stop = feed.subscribe(() => {});
  const { boot } = feed.mark();
  for (let n = 1; n <= 100; n++) {
    if (n % 3 === 0) feed.skip([`e${n}`], [at]);
    else feed.publish([ev(`e${n}`)]);
    assert.equal(feed.since({ boot, seq: n - 8 }), null);
    const entries = feed.since({ boot, seq: Math.max(0, n - 7) })!;
    const want = Array.from({ length: Math.min(7, n) }, (_, i) => n - Math.min(7, n) + 1 + i);
    assert.deepEqual(entries.map((e) => (isCommittedRef(e) ? e.id : e['event.id'])), want.map((k) => `e${k}`), `at ${n}`);
    // The latest published is held; skipped ones never are.
    entries.forEach((e, i) => { if (want[i]! % 3 === 0) assert.ok(isCommittedRef(e)); });
    if (n % 3 !== 0) assert.ok(!isCommittedRef(entries.at(-1)!));
  }
  stop();
});

test('reached: at once when the feed has numbered so many, else once it has, or false past the wait', async () => {
  const feed = new LocalLiveFeed();
  feed.skip(['a'], [0]);
  assert.equal(await feed.reached(1, 10_000), true);
  const later = feed.reached(3, 10_000);
  feed.publish([{ '@timestamp': new Date(0).toISOString(), 'event.id': 'b', message: 'b' }]);
  feed.skip(['c'], [0]);
  assert.equal(await later, true);
  assert.equal(await feed.reached(4, 1), false, 'never numbered');
});
