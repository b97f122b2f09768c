/**
 * A live tail lasts at most `search.tail_max_duration_s` (Loki's
 * tail_max_duration): then the server ends it with `event: end`, naming
 * where to resume, and `logship search --follow` goes on from there without
 * losing or repeating an event. A server shutting down ends its tails the
 * same way. Real `logship serve` with a 2 s maximum; the CLI's own code.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { runSearchCli } from '@logship/query';
import { ingest, startServer, stopAll, type ServerHandle } from './harness.js';
import { openTail } from './tail-support.js';

describe('live tail maximum duration', { timeout: 120_000 }, () => {
  let server: ServerHandle;
  let lastTs = 0;
  /** An event of `job` numbered n, stamped now and after every earlier one. */
  const line = (job: string, n: number) => {
    lastTs = Math.max(Date.now(), lastTs + 1);
    return JSON.stringify({ '@timestamp': new Date(lastTs).toISOString(), job, message: `${job} ${n}`, n, 'event.id': `${job}:${n}` });
  };
  const store = async (job: string, ns: number[]) => {
    assert.equal((await ingest(server.url, ns.map((n) => line(job, n)))).stored, ns.length);
  };

  before(async () => {
    server = await startServer({ configYaml: 'search: { tail_max_duration_s: 2 }\n' });
  });

  after(async () => {
    await stopAll();
  });

  test('the server ends a stream with event: end naming the position to resume from; resumed there, the stream sends what came since, once', async () => {
    const tail = await openTail(server.url, 'job:ended');
    await store('ended', [1, 2, 3]);
    await tail.until((f) => f.some((x) => x.event !== 'log'), 'a frame that is not an event');
    await tail.closed;
    const [end, ...rest] = tail.frames.filter((f) => f.event !== 'log');
    assert.deepEqual(rest, [], 'one frame besides the events');
    assert.equal(end!.event, 'end');
    assert.equal(tail.frames.at(-1), end, 'the last frame');
    assert.deepEqual(tail.events().map((e) => e.n), [1, 2, 3]);
    const last = tail.events()[2]!;
    const position = `${Date.parse(String(last['@timestamp']))}|ended:3`;
    // Its SSE id, where an EventSource resumes: the last commit's mark, then that position.
    assert.match(end!.id!, /^[a-z][a-z0-9]*\.\d+:/);
    assert.equal(end!.id!.slice(end!.id!.indexOf(':') + 1), position);
    const data = JSON.parse(end!.data) as { reason: string; after: string; message: string };
    assert.equal(data.reason, 'max_duration');
    assert.equal(data.after, end!.id);
    assert.match(data.message, /maximum duration \(2 s\)/);

    // Stored while no stream was open: the resumed one replays them, and not 1-3.
    await store('ended', [4, 5]);
    const resumed = await openTail(server.url, 'job:ended', end!.id);
    await store('ended', [6]);
    await resumed.until((f) => f.some((x) => x.event === 'end'), 'the resumed stream ended too');
    await resumed.closed;
    assert.deepEqual(resumed.events().map((e) => e.n), [4, 5, 6]);
  });

  test('a maximum past what a timer holds (30 days) is not taken as none left: the stream stays open', async () => {
    const longer = await startServer({ configYaml: `search: { tail_max_duration_s: ${30 * 86_400} }\n` });
    const tail = await openTail(longer.url, 'job:month');
    assert.equal((await ingest(longer.url, [JSON.stringify({ job: 'month', message: 'month 1', 'event.id': 'month:1' })])).stored, 1);
    await tail.until((f) => f.length > 0, 'the event, or the end');
    assert.deepEqual(tail.frames.map((f) => f.event), ['log']);
    tail.abort();
    await longer.stop();
  });

  test('a server shutting down ends its open tails with event: end (reason shutdown) and exits, instead of waiting for them', async () => {
    const other = await startServer();
    const tail = await openTail(other.url, 'job:shutdown');
    assert.equal((await ingest(other.url, [JSON.stringify({ job: 'shutdown', message: 'before', 'event.id': 'sd:1' })])).stored, 1);
    await tail.until((f) => f.length > 0, 'the event');
    // Before, the open tail held the server until it was killed (here after 30 s).
    assert.equal(await other.stop('SIGTERM', 30_000), 0);
    await tail.closed;
    assert.deepEqual(tail.frames.map((f) => f.event), ['log', 'end']);
    const data = JSON.parse(tail.frames[1]!.data) as { reason: string; after: string };
    assert.equal(data.reason, 'shutdown');
    assert.equal(tail.frames[1]!.id, tail.frames[0]!.id, 'resume after the event sent');
    assert.equal(data.after, tail.frames[0]!.id);
  });

  test('logship search --follow goes on across streams the server ends: every event printed once, in order', async () => {
    await store('follow', [1, 2]);
    const printed: number[] = [];
    let tails = 0;
    // The CLI's requests go to the server as they are; before each resumed
    // stream (after an end), two events are stored, so they fall where no
    // stream is open and only the resume position brings them.
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes('/api/v1/tail') && ++tails > 1 && tails <= 3) await store('follow', tails === 2 ? [4, 5] : [7, 8]);
      return realFetch(input, init);
    }) as typeof fetch;
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const text of chunk.toString().split('\n').filter(Boolean)) {
          const n = (JSON.parse(text) as { n: number }).n;
          printed.push(n);
          // One event live in each of the first two streams.
          if (n === 2) void store('follow', [3]);
          if (n === 5) void store('follow', [6]);
          if (n === 8) process.emit('SIGINT');
        }
        done();
      },
    });
    const stderr: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
      stderr.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    // A stream that is never ended would hold the CLI (and this test) forever.
    const giveUp = setTimeout(() => process.emit('SIGINT'), 30_000);
    let status: number;
    try {
      status = await runSearchCli(['job:follow', '--follow', '--json', '--server', server.url], out);
    } finally {
      clearTimeout(giveUp);
      globalThis.fetch = realFetch;
      process.stderr.write = write;
    }
    assert.equal(status, 0);
    assert.deepEqual(printed, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.equal(tails, 3, 'two streams ended by the server, three in all');
    assert.equal(stderr.join(''), '', 'nothing said about an ordinary end');
  });
  test('logship search --follow prints an event stamped a minute ahead once, though the resumed stream replays it', async () => {
    const ahead = (n: number, skewMs: number) => JSON.stringify({ '@timestamp': new Date(Date.now() + skewMs).toISOString(), job: 'ahead', message: `ahead ${n}`, n, 'event.id': `ahead:${n}` });
    assert.equal((await ingest(server.url, [ahead(1, 0)])).stored, 1);
    const printed: number[] = [];
    let tails = 0;
    let storedAhead = 0;
    // Stamped 65 s ahead, it is past the 60 s a position may be ahead of
    // the clock, so the CLI resumes from event 1; a resume at least 6 s
    // after it was stored replays up to 66 s ahead, so it comes again.
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes('/api/v1/tail') && ++tails === 2) {
        while (Date.now() < storedAhead + 6_000) await new Promise((r) => setTimeout(r, 200));
      }
      return realFetch(input, init);
    }) as typeof fetch;
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const text of chunk.toString().split('\n').filter(Boolean)) {
          const n = (JSON.parse(text) as { n: number }).n;
          printed.push(n);
          if (n === 1) {
            storedAhead = Date.now();
            void ingest(server.url, [ahead(2, 65_000)]);
          }
          // Once the resumed stream has replayed (or not) event 2: one more, live.
          if (n === 3) process.emit('SIGINT');
        }
        done();
      },
    });
    const giveUp = setTimeout(() => process.emit('SIGINT'), 60_000);
    const third = setInterval(() => {
      if (tails >= 2 && Date.now() >= storedAhead + 9_000) {
        clearInterval(third);
        void ingest(server.url, [ahead(3, 0)]);
      }
    }, 200);
    let status: number;
    try {
      status = await runSearchCli(['job:ahead', '--follow', '--json', '--server', server.url], out);
    } finally {
      clearTimeout(giveUp);
      clearInterval(third);
      globalThis.fetch = realFetch;
    }
    assert.equal(status, 0);
    assert.ok(tails >= 2, 'the stream was resumed');
    assert.deepEqual(printed, [1, 2, 3]);
  });
});
