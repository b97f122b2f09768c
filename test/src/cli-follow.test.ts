/**
 * `logship search --follow` prints the last matching events, then streams
 * new ones. Events committed between its first page and the stream's start
 * used to be lost: the stream started from "now" instead of where the page
 * ended. Here an event is committed exactly there (synchronously, from the
 * CLI's own output stream as the page's last line is printed), so the gap
 * is hit every time. Real `logship serve`, the CLI's own code.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { runSearchCli } from '@logship/query';
import { ingest, removeDir, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';
import { openTail } from './tail-support.js';

const line = (n: number, t: number) => JSON.stringify({ '@timestamp': new Date(t).toISOString(), level: 'info', message: `followgap event ${n}`, n, 'event.id': `fg:${n}` });

/** `logship search ARGS` in this process against the suite's server: exit status, the events' `n` printed, stderr. */
async function runCliOn(url: string, args: string[]): Promise<{ status: number; printed: number[]; err: string }> {
  const printed: number[] = [];
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const text of chunk.toString().split('\n').filter(Boolean)) printed.push((JSON.parse(text) as { n: number }).n);
      done();
    },
  });
  let err = '';
  const write = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => { err += String(chunk); return true; }) as typeof process.stderr.write;
  try {
    return { status: await runSearchCli([...args, '--server', url], out), printed, err };
  } finally {
    process.stderr.write = write;
  }
}

describe('logship search --follow', () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-follow-');
    server = await startServer({ dataDir: join(root, 'data') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('an event committed between the first page and the stream is printed, once', { timeout: 60_000 }, async () => {
    const now = Date.now();
    assert.equal((await ingest(server.url, [line(1, now - 3000), line(2, now - 2000), line(3, now - 1000)])).stored, 3);
    const printed: number[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const text of chunk.toString().split('\n').filter(Boolean)) {
          printed.push((JSON.parse(text) as { n: number }).n);
          if (printed.length === 3) {
            // The page is printed; before the CLI connects to the stream, commit event 4.
            const body = line(4, Date.now());
            execFileSync(process.execPath, ['-e', `fetch(${JSON.stringify(`${server.url}/api/v1/ingest`)}, { method: 'POST', body: ${JSON.stringify(body)} }).then((r) => r.json()).then((j) => { if (j.stored !== 1) process.exit(1); })`]);
          }
          if (printed.includes(4)) process.emit('SIGINT');
        }
        done();
      },
    });
    const status = await runSearchCli(['followgap', '--follow', '--json', '--server', server.url], out);
    assert.equal(status, 0);
    assert.deepEqual(printed, [1, 2, 3, 4]);
  });

  test('--follow --limit 5000 says it starts with the newest 1000, instead of showing 1000 as if they were all', { timeout: 60_000 }, async () => {
    assert.equal((await ingest(server.url, [JSON.stringify({ '@timestamp': new Date().toISOString(), message: 'followcap event', n: 1, 'event.id': 'fc:1' })])).stored, 1);
    const printed: number[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const text of chunk.toString().split('\n').filter(Boolean)) {
          printed.push((JSON.parse(text) as { n: number }).n);
          if (printed.length === 1) {
            // The page is printed: one more event, from the stream, then stop.
            const body = JSON.stringify({ '@timestamp': new Date().toISOString(), message: 'followcap event', n: 2, 'event.id': 'fc:2' });
            execFileSync(process.execPath, ['-e', `fetch(${JSON.stringify(`${server.url}/api/v1/ingest`)}, { method: 'POST', body: ${JSON.stringify(body)} }).then((r) => r.json()).then((j) => { if (j.stored !== 1) process.exit(1); })`]);
          }
          if (printed.includes(2)) process.emit('SIGINT');
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
    let status: number;
    try {
      status = await runSearchCli(['followcap', '--follow', '--json', '--limit', '5000', '--server', server.url], out);
    } finally {
      process.stderr.write = write;
    }
    assert.equal(status, 0);
    assert.deepEqual(printed, [1, 2]);
    assert.equal(stderr.join(''), '--follow starts with the newest 1000 matching events, not 5000; without --follow a search prints up to --limit\n');
  });

  test('--timeout shorter than a quiet stream: the search answers, the stream outlives it on the keep-alives it states, and prints what comes', { timeout: 120_000 }, async () => {
    assert.equal((await ingest(server.url, [JSON.stringify({ '@timestamp': new Date().toISOString(), message: 'quiettimeout event', n: 1, 'event.id': 'qt:1' })])).stored, 1);
    const tail = await fetch(`${server.url}/api/v1/tail?q=quiettimeout`);
    // What the client reads its silence limit from: the server's keep-alive period.
    assert.equal(tail.headers.get('x-logship-heartbeat-ms'), '15000');
    await tail.body?.cancel();
    const once = await runCliOn(server.url, ['quiettimeout', '--json', '--timeout', '5s']);
    assert.deepEqual([once.status, once.printed], [0, [1]], once.err);
    const printed: number[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const text of chunk.toString().split('\n').filter(Boolean)) printed.push((JSON.parse(text) as { n: number }).n);
        done();
      },
    });
    const running = runSearchCli(['quiettimeout', '--follow', '--json', '--timeout', '1s', '--server', server.url], out);
    await waitFor(() => printed.length >= 1, { what: 'the first page printed' });
    // Three times --timeout with nothing to send but keep-alives.
    await new Promise((r) => setTimeout(r, 3000));
    assert.equal((await ingest(server.url, [JSON.stringify({ '@timestamp': new Date().toISOString(), message: 'quiettimeout event', n: 2, 'event.id': 'qt:2' })])).stored, 1);
    await waitFor(() => printed.includes(2), { what: 'the event sent after the quiet' });
    process.emit('SIGINT');
    assert.equal(await running, 0);
    assert.deepEqual(printed, [1, 2]);
  });

  test('a pager that stops reading holds the stream back, not this process: read again, it gets every event once', { timeout: 120_000 }, async () => {
    const COUNT = 3_000;
    const pad = 'x'.repeat(900);
    const ev = (n: number) => JSON.stringify({ '@timestamp': new Date().toISOString(), message: `pagerstall ${n} ${pad}`, n, 'event.id': `ps:${n}` });
    assert.equal((await ingest(server.url, [ev(0)])).stored, 1);
    const printed: number[] = [];
    // `logship search --follow | less`, with less waiting for a key: the
    // first line is taken and nothing more until it is released.
    let held: (() => void) | null = null;
    let stalled = true;
    const out = new Writable({
      highWaterMark: 16 * 1024,
      write(chunk: Buffer, _enc, done) {
        for (const text of chunk.toString().split('\n').filter(Boolean)) {
          printed.push((JSON.parse(text) as { n: number }).n);
          if (printed.length === COUNT + 1) process.emit('SIGINT');
        }
        if (stalled) held = done;
        else done();
      },
    });
    const probe = await openTail(server.url, 'pagerstall');
    const running = runSearchCli(['pagerstall', '--follow', '--json', '--server', server.url], out);
    // Its first page printed (event 0 alone): what comes next comes by the stream.
    await waitFor(() => printed.length >= 1, { what: 'the first page printed' });
    for (let c = 0; c < 3; c++) {
      assert.equal((await ingest(server.url, Array.from({ length: COUNT / 3 }, (_, i) => ev(1 + c * (COUNT / 3) + i)))).stored, COUNT / 3);
    }
    // Every event is sent (the probe has them all), as much as the socket
    // takes to the CLI too; the CLI took one line past what the pager holds.
    await probe.until((f) => f.length >= COUNT, 'the probe has every event');
    probe.abort();
    assert.ok(out.writableLength < 64 * 1024, `${out.writableLength} bytes waiting for the pager`);
    stalled = false;
    (held as (() => void) | null)?.();
    await waitFor(() => printed.length >= COUNT + 1, { timeoutMs: 60_000, what: `${COUNT + 1} printed (${printed.length} so far)` });
    assert.equal(await running, 0);
    assert.deepEqual(printed, Array.from({ length: COUNT + 1 }, (_, i) => i));
  });
});
