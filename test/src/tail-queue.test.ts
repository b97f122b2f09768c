/**
 * How much a live tail holds for its reader. One ingest commit of more than
 * 10,000 matching events (a shipper's large batch) closed every open tail
 * with LS_API_TAIL_TOO_SLOW, however fast its reader: the check counted the
 * new commit itself. Now only what is still queued from earlier commits
 * counts, and a reader that does not read is still cut off. Real
 * `logship serve`, real HTTP readers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ingest, startServer, stopAll, type ServerHandle } from './harness.js';
import { openStalledTail, openTail } from './tail-support.js';

describe('live tail queue', { timeout: 180_000 }, () => {
  let server: ServerHandle;

  before(async () => {
    server = await startServer();
  });

  after(async () => {
    await stopAll();
  });

  test('one commit of 12,000 matching events reaches two open tails whole, neither closed', async () => {
    const COUNT = 12_000;
    const q = 'job:bigcommit';
    const [a, b] = [await openTail(server.url, q), await openTail(server.url, q)];
    const t0 = Date.now();
    const lines = Array.from({ length: COUNT }, (_, i) =>
      JSON.stringify({ '@timestamp': new Date(t0 + Math.floor(i / 10)).toISOString(), job: 'bigcommit', message: `big ${i}`, 'event.id': `big:${i}` }));
    assert.equal((await ingest(server.url, lines)).stored, COUNT);
    for (const [name, tail] of [['first', a], ['second', b]] as const) {
      await tail.until((f) => f.some((x) => x.event !== 'log') || f.length >= COUNT, `${name} tail: ${COUNT} events`);
      assert.deepEqual(tail.frames.filter((f) => f.event !== 'log'), [], `${name} tail got no error`);
      const ids = new Set(tail.events().map((e) => e['event.id']));
      assert.equal(ids.size, COUNT, name);
      tail.abort();
    }
  });

  test('a reader that does not read is cut off with LS_API_TAIL_TOO_SLOW once 10,000 events wait for it', async () => {
    const q = 'job:stalled';
    const stalled = await openStalledTail(server.url, q);
    // About 1 KiB a frame. What the stalled reader cannot take first fills
    // the socket buffers: the sender's grows to tcp_wmem's maximum (4 MiB
    // on most Linux systems), the receiver's stays near its default (128
    // KiB) as nothing reads it: about 4,000 frames here. Then the server's
    // queue fills; it is checked as each commit arrives. 15 commits of
    // 2,000 leave room for 18,000 frames in socket buffers.
    const pad = 'x'.repeat(900);
    let sent = 0;
    for (let c = 0; c < 15; c++) {
      const lines = Array.from({ length: 2_000 }, (_, i) =>
        JSON.stringify({ '@timestamp': new Date().toISOString(), job: 'stalled', message: `stalled ${c} ${i} ${pad}`, 'event.id': `st:${c}:${i}` }));
      assert.equal((await ingest(server.url, lines)).stored, lines.length);
      sent += lines.length;
    }
    // Read at last, well within the 60 s the server leaves a closed
    // stream's reader before it drops the connection (tail-route.test.ts).
    const frames = await stalled.readAll();
    const errors = frames.filter((f) => f.event === 'error');
    assert.equal(errors.length, 1, `one error frame among ${frames.length}`);
    assert.equal((JSON.parse(errors[0]!.data) as { code: string }).code, 'LS_API_TAIL_TOO_SLOW');
    assert.equal(frames.at(-1)!.event, 'error', 'the last frame: the stream was closed after it');
    const got = frames.filter((f) => f.event === 'log').length;
    assert.ok(got < sent, `the stalled reader got ${got} of ${sent}`);
  });
});
