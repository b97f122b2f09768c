import { request, type IncomingMessage } from 'node:http';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent } from '../event.js';
import type { LogReader } from '../log-reader.js';
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
  const last = `${Date.parse(stored.at(-1)!['@timestamp'])}|c2499`;
  assert.equal(end.id, last, 'the furthest event sent, not the late one sent after it');
  assert.deepEqual(JSON.parse(end.data), { reason: 'max_duration', after: last, message: `the stream reached its maximum duration (0.001 s); reconnect after ${last} to go on` });
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
