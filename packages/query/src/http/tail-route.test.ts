import { request, type IncomingMessage } from 'node:http';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent } from '../event.js';
import type { LogReader } from '../log-reader.js';
import { parseTailPosition } from '../tail-position.js';
import { MemoryLogReader } from '../testing/memory-log-reader.js';
import { API_NOW, queryApiApp, sampleEvents } from '../testing/query-api-app.js';
import type { LocalLiveFeed } from './live-feed.js';

test('tail refuses a bad query or position with coded 400s before it starts streaming', async () => {
  const { app } = await queryApiApp(sampleEvents());
  for (const [url, code] of [
    ['/api/v1/tail?q=level:(', 'LS_QUERY_SYNTAX'],
    ['/api/v1/tail?after=not-a-position', 'LS_API_BAD_REQUEST'],
    ['/api/v1/tail?follow=1', 'LS_API_BAD_REQUEST'],
  ] as const) {
    const res = await app.inject({ method: 'GET', url });
    assert.equal(res.statusCode, 400, `${url}: ${res.body}`);
    assert.equal(res.json().error.code, code, url);
  }
});

/** Frames of a whole tail body: [event, id, data]. */
function framesOf(body: string): { event: string; id: string | undefined; data: string }[] {
  return body.split('\n\n').filter((f) => /^data: /m.test(f)).map((f) => ({
    event: /^event: (.*)$/m.exec(f)?.[1] ?? 'message',
    id: /^id: (.*)$/m.exec(f)?.[1],
    data: /^data: (.*)$/m.exec(f)![1]!,
  }));
}

test('a stream that reaches its maximum duration during the catch-up sends the whole catch-up, then event: end at its last event', async () => {
  const at = (ms: number) => new Date(API_NOW - 600_000 + ms).toISOString();
  const stored = Array.from({ length: 2_500 }, (_, i): LogEvent => ({ '@timestamp': at(i * 10), 'event.id': `c${String(i).padStart(4, '0')}`, message: `stored ${i}` }));
  const memory = new MemoryLogReader(stored);
  let pages = 0;
  const live: { feed?: LocalLiveFeed } = {};
  // A store that takes a while for each page (a real one reads files or a
  // cluster): the maximum duration (1 ms) passes during the catch-up, and a
  // late event (older than the position) is committed meanwhile.
  const slow: LogReader = {
    search: async (req) => {
      await new Promise((r) => setTimeout(r, 5));
      if (++pages === 2) live.feed!.publish([{ '@timestamp': at(5), 'event.id': 'late', message: 'late' }]);
      return memory.search(req);
    },
    count: (req) => memory.count(req),
    aggregate: (req) => memory.aggregate(req),
  };
  const built = await queryApiApp([], { reader: slow, tailMaxDurationMs: 1 });
  live.feed = built.feed;
  const res = await built.app.inject({ method: 'GET', url: `/api/v1/tail?after=${API_NOW - 3_600_000}` });
  const frames = framesOf(res.body);
  const end = frames.at(-1)!;
  assert.equal(end.event, 'end');
  const logs = frames.slice(0, -1);
  assert.deepEqual(logs.map((f) => f.event), logs.map(() => 'log'));
  assert.deepEqual(logs.map((f) => (JSON.parse(f.data) as LogEvent)['event.id']), [...stored.map((e) => e['event.id']), 'late']);
  const endAt = parseTailPosition(end.id!);
  assert.deepEqual([endAt.ts, endAt.id], [Date.parse(stored.at(-1)!['@timestamp']), 'c2499'], 'the furthest event sent, not the late one sent after it');
  assert.deepEqual(endAt.mark, live.feed!.mark(), 'with the mark of the last commit: every one was sent');
  assert.deepEqual(JSON.parse(end.data), { reason: 'max_duration', after: end.id, message: `the stream reached its maximum duration (0.001 s); reconnect after ${end.id} to go on` });
});

test('a reader cut off that takes nothing more loses its connection after the linger, not the server its buffers for ever', async () => {
  const { app, feed } = await queryApiApp([], { tailLingerMs: 100 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const { port } = app.server.address() as { port: number };
    // A reader that stops reading once the stream has started (a suspended
    // `logship search --follow`).
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`http://127.0.0.1:${port}/api/v1/tail`, resolve);
      req.on('error', reject);
      req.end();
    });
    res.pause();
    const pad = 'x'.repeat(900);
    // Past the socket buffers (a few MiB) and the 10,000 events a slow
    // reader may have waiting: the stream is cut off (tail-queue e2e test).
    for (let c = 0; c < 15; c++) {
      feed.publish(Array.from({ length: 2_000 }, (_, i): LogEvent => ({ '@timestamp': new Date(API_NOW).toISOString(), 'event.id': `s${c}-${i}`, message: pad })));
      await new Promise((r) => setImmediate(r));
    }
    // The server's linger timer (100 ms) is due long before this one.
    await new Promise((r) => setTimeout(r, 1_000));
    const outcome = await new Promise<string>((resolve) => {
      res.on('data', () => {});
      res.on('end', () => resolve('end'));
      res.on('error', (err) => resolve(`error: ${err.message}`));
      res.on('aborted', () => resolve('aborted'));
      res.resume();
    });
    assert.notEqual(outcome, 'end', 'the connection was dropped, not left to deliver all that was written');
  } finally {
    await app.close();
  }
});

/** A reader over `events` whose first search waits for `held` (a store busy elsewhere); `done` resolves after the last page. */
function heldReader(events: readonly LogEvent[], held: Promise<void>): { reader: LogReader; searched: Promise<void>; done: Promise<void> } {
  const memory = new MemoryLogReader(events);
  let pages = 0;
  let searchedNow!: () => void;
  let doneNow!: () => void;
  const searched = new Promise<void>((r) => { searchedNow = r; });
  const done = new Promise<void>((r) => { doneNow = r; });
  const reader: LogReader = {
    search: async (req) => {
      if (++pages === 1) {
        searchedNow();
        await held;
      }
      const page = await memory.search(req);
      if (!page.next_cursor) doneNow();
      return page;
    },
    count: (req) => memory.count(req),
    aggregate: (req) => memory.aggregate(req),
  };
  return { reader, searched, done };
}

test('a reader resuming into a busy server is not cut off for the live events committed during its own replay', async () => {
  const at = (ms: number) => new Date(API_NOW - 600_000 + ms).toISOString();
  const stored = Array.from({ length: 1_500 }, (_, i): LogEvent => ({ '@timestamp': at(i), 'event.id': `c${String(i).padStart(4, '0')}`, message: `stored ${i}` }));
  let release!: () => void;
  const { reader, searched } = heldReader(stored, new Promise((r) => { release = r; }));
  // The stream's maximum duration (1 ms) passes during the replay: once
  // it is done, what came meanwhile is sent and the stream ends.
  const { app, feed } = await queryApiApp([], { reader, tailMaxDurationMs: 1 });
  const answer = app.inject({ method: 'GET', url: `/api/v1/tail?after=${API_NOW - 3_600_000}` });
  await searched;
  // Four commits of 4,000 while the replay's first page is read: at the
  // fourth, 12,000 wait, more than the 10,000 a slow reader may have
  // waiting, though none of them could be sent yet.
  const live: string[] = [];
  for (let c = 0; c < 4; c++) {
    const events = Array.from({ length: 4_000 }, (_, i): LogEvent => ({ '@timestamp': at(10_000 + c * 4_000 + i), 'event.id': `l${c}-${i}`, message: 'live' }));
    live.push(...events.map((e) => e['event.id']));
    feed.publish(events);
  }
  release();
  const frames = framesOf((await answer).body);
  assert.deepEqual(frames.filter((f) => f.event === 'error').map((f) => f.data), [], 'not cut off');
  assert.equal(frames.at(-1)!.event, 'end');
  const ids = frames.filter((f) => f.event === 'log').map((f) => (JSON.parse(f.data) as LogEvent)['event.id']);
  assert.deepEqual(ids, [...stored.map((e) => e['event.id']), ...live]);
});

test('a replay that falls 100,000 live events behind (a store far slower than ingest) is cut off, so memory stays bounded', async () => {
  let release!: () => void;
  const { reader, searched } = heldReader([], new Promise((r) => { release = r; }));
  const { app, feed } = await queryApiApp([], { reader });
  const answer = app.inject({ method: 'GET', url: `/api/v1/tail?after=${API_NOW - 3_600_000}` });
  await searched;
  for (let c = 0; c < 12; c++) {
    feed.publish(Array.from({ length: 10_000 }, (_, i): LogEvent => ({ '@timestamp': new Date(API_NOW).toISOString(), 'event.id': `l${c}-${i}`, message: 'live' })));
  }
  release();
  const frames = framesOf((await answer).body);
  assert.equal(frames.length, 1, 'nothing but the error');
  assert.equal(frames[0]!.event, 'error');
  assert.equal((JSON.parse(frames[0]!.data) as { code: string }).code, 'LS_API_TAIL_TOO_SLOW');
});

test('live events the replay also sent are not sent again when the reader\'s socket is full as the replay ends', async () => {
  const at = (ms: number) => new Date(API_NOW - 600_000 + ms).toISOString();
  // 3,000 events of 4 KiB: 12 MiB, past what the socket buffers hold for
  // a reader that does not read yet.
  const pad = 'x'.repeat(4_000);
  const stored = Array.from({ length: 3_000 }, (_, i): LogEvent => ({ '@timestamp': at(i), 'event.id': `c${String(i).padStart(4, '0')}`, message: pad }));
  let release!: () => void;
  const { reader, searched, done } = heldReader(stored, new Promise((r) => { release = r; }));
  const { app, feed } = await queryApiApp([], { reader });
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const { port } = app.server.address() as { port: number };
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(`http://127.0.0.1:${port}/api/v1/tail?after=${API_NOW - 3_600_000}`, resolve);
      req.on('error', reject);
      req.end();
    });
    res.pause();
    await searched;
    // Committed while the replay runs: one the replay does not have, ten
    // its later pages read too, and another it does not have, last.
    const fresh = (id: string): LogEvent => ({ '@timestamp': at(5_000), 'event.id': id, message: id });
    feed.publish([fresh('new'), ...stored.slice(2_500, 2_510), fresh('new2')]);
    release();
    await done;
    await new Promise((r) => setImmediate(r)); // the replay's end: what was queued is sent, as far as the socket takes it
    const ids: string[] = [];
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        const cut = buf.lastIndexOf('\n\n');
        if (cut < 0) return;
        for (const f of framesOf(buf.slice(0, cut + 2))) if (f.event === 'log') ids.push((JSON.parse(f.data) as LogEvent)['event.id']);
        buf = buf.slice(cut + 2);
        if (ids.includes('new2')) resolve();
      });
      res.on('error', reject);
      res.resume();
    });
    res.destroy();
    assert.deepEqual(ids, [...stored.map((e) => e['event.id']), 'new', 'new2']);
  } finally {
    await app.close();
  }
});

test('a replay longer than its 100 pages ends the stream at its last event (event: end), and the resume goes on from there', async () => {
  const at = (ms: number) => new Date(API_NOW - 600_000 + ms).toISOString();
  // 100 pages of 10 (the server's are of 1,000): 1,000 events, then 50 more.
  const stored = Array.from({ length: 1_050 }, (_, i): LogEvent => ({ '@timestamp': at(i), 'event.id': `r${String(i).padStart(4, '0')}`, message: `stored ${i}` }));
  // The maximum duration ends the first stream if the replay's end does not.
  const { app } = await queryApiApp(stored, { tailReplayPageSize: 10, tailMaxDurationMs: 2_000 });
  await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const { port } = app.server.address() as { port: number };
    const first = await fetch(`http://127.0.0.1:${port}/api/v1/tail?after=${API_NOW - 3_600_000}`);
    // Before the replay ended it went live, and the 50 were never sent.
    const frames = framesOf(await first.text());
    const logs = frames.filter((f) => f.event === 'log');
    assert.equal(logs.length, 1_000);
    const end = frames.at(-1)!;
    assert.equal(end.event, 'end');
    assert.equal(end.id, `${Date.parse(at(999))}|r0999`, 'the last event replayed: a time, no commit mark');
    assert.equal((JSON.parse(end.data) as { reason: string }).reason, 'replay_limit');
    const resumed = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/tail?after=${encodeURIComponent(end.id!)}`, { signal: resumed.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let body = '';
    const logsOf = () => framesOf(body.slice(0, body.lastIndexOf('\n\n') + 2)).filter((f) => f.event === 'log');
    while (logsOf().length < 50) {
      const { value, done } = await reader.read();
      if (done) break;
      body += decoder.decode(value, { stream: true });
    }
    resumed.abort();
    const ids = logsOf().map((f) => (JSON.parse(f.data) as LogEvent)['event.id']);
    assert.deepEqual(ids, stored.slice(1_000).map((e) => e['event.id']));
  } finally {
    await app.close();
  }
});

test('a tail from a mark whose events the feed does not hold (no one listened) reads them from the store: each committed after it, in commit order', async () => {
  const stored: LogEvent[] = [];
  const { app, feed } = await queryApiApp(stored, { tailMaxDurationMs: 1 });
  const mark = feed.mark();
  const ev = (id: string, msAgo: number, job = 'a'): LogEvent => ({ '@timestamp': new Date(API_NOW - msAgo).toISOString(), 'event.id': id, job, message: id });
  const commit = (events: LogEvent[], published: boolean) => {
    stored.push(...events);
    if (published) feed.publish(events);
    else feed.skip(events.map((e) => e['event.id']), events.map((e) => Date.parse(e['@timestamp'])));
  };
  // Stored before the mark, in the same second as those after: not sent.
  stored.push(ev('before', 1_000));
  commit([ev('first', 1_000)], true);
  commit([ev('late', 3_600_000), ev('other', 900, 'b')], false);
  commit([ev('last', 500)], true);
  const res = await app.inject({ method: 'GET', url: `/api/v1/tail?q=job:a&after=${encodeURIComponent(`${mark.boot}.${mark.seq}:${API_NOW}|\uffff`)}` });
  const frames = framesOf(res.body);
  assert.equal(frames.at(-1)!.event, 'end');
  const logs = frames.filter((f) => f.event === 'log');
  assert.deepEqual(logs.map((f) => (JSON.parse(f.data) as LogEvent)['event.id']), ['first', 'late', 'last']);
  assert.deepEqual(logs.map((f) => parseTailPosition(f.id!).mark), [1, 2, 4].map((n) => ({ boot: mark.boot, seq: mark.seq + n })));
});

test('a commit not handed over while a tail listens is read from the store and sent in its place, before later commits', async () => {
  const stored: LogEvent[] = [];
  const { app, feed } = await queryApiApp(stored);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const ac = new AbortController();
  try {
    const { port } = app.server.address() as { port: number };
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/tail?q=job:a`, { signal: ac.signal });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let body = '';
    // The stream's first comment: the tail has subscribed.
    while (!body.includes('\n\n')) body += decoder.decode((await reader.read()).value, { stream: true });
    const start = feed.mark();
    const ev = (id: string, job = 'a'): LogEvent => ({ '@timestamp': new Date(API_NOW).toISOString(), 'event.id': id, job, message: id });
    const skipped = [ev('x1'), ev('x2', 'b'), ev('x3')];
    stored.push(...skipped);
    feed.skip(skipped.map((e) => e['event.id']), skipped.map(() => API_NOW));
    stored.push(ev('y'));
    feed.publish([ev('y')]);
    const logsOf = () => framesOf(body.slice(0, body.lastIndexOf('\n\n') + 2)).filter((f) => f.event === 'log');
    while (logsOf().length < 3) body += decoder.decode((await reader.read()).value, { stream: true });
    const logs = logsOf();
    assert.deepEqual(logs.map((f) => (JSON.parse(f.data) as LogEvent)['event.id']), ['x1', 'x3', 'y']);
    assert.deepEqual(logs.map((f) => parseTailPosition(f.id!).mark!.seq - start.seq), [1, 3, 4]);
  } finally {
    ac.abort();
    await app.close();
  }
});
