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
import { ingest, removeDir, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';

const line = (n: number, t: number) => JSON.stringify({ '@timestamp': new Date(t).toISOString(), level: 'info', message: `followgap event ${n}`, n, 'event.id': `fg:${n}` });

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
});
