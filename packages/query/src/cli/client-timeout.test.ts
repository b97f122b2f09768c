/**
 * The query CLI against a server that takes the connection and does not
 * answer (stopped with SIGSTOP, hung, a proxy holding the request), or
 * sends its headers and stalls: every command waited for ever. Now each
 * gives up after --timeout (or LOGSHIP_TIMEOUT) with LS_CLIENT_TIMEOUT,
 * exit 4 as for a server that cannot be reached; `--follow` gives up on a
 * stream silent, keep-alives too, for the longer of --timeout and four of
 * the server's keep-alive periods, and not on a quiet one. Real loopback
 * sockets; the tests bound themselves so that the old code fails, not hangs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { queryApiApp, sampleEvents } from '../testing/query-api-app.js';
import { listenLoopback, runCli } from '../testing/run-cli.js';
import { runSearchCli } from './search.js';
import { runCountCli, runTopCli } from './aggregate-cli.js';
import { runStatsCli } from './stats-cli.js';
import { CliError, EXIT } from './client.js';
import { clientOptions } from './client-options.js';
import { HEARTBEAT_HEADER } from './stream-silence.js';

const HINT = 'is it overloaded or stopped, or is a proxy holding the request? Raise --timeout (or LOGSHIP_TIMEOUT; 0 waits for ever) if it is only slow';

/** A loopback TCP server that accepts every connection and never writes a byte. */
async function silentServer(): Promise<{ url: string; close: () => void }> {
  const sockets = new Set<Socket>();
  const server = createNetServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

/** A loopback HTTP server; `handler` may leave answers unfinished (closed with the server). */
async function httpServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; close: () => void }> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/** What the query API answers a search that found nothing. */
const EMPTY_SEARCH = JSON.stringify({ hits: [], total: { value: 0, relation: 'eq' }, next_cursor: null, range: { from: '2026-02-08T14:00:00.000Z', to: '2026-02-08T15:00:00.000Z' } });

test('a server that accepts and never answers: every command ends with LS_CLIENT_TIMEOUT after --timeout, exit 4', { timeout: 60_000 }, async () => {
  const silent = await silentServer();
  try {
    for (const [command, argv] of [
      [runSearchCli, ['level:error']],
      [runCountCli, []],
      [runTopCli, ['host']],
      [runStatsCli, ['duration_ms']],
      [runSearchCli, ['level:error', '--follow']],
    ] as const) {
      const run = await runCli(command, [...argv, '--server', silent.url, '--timeout', '300ms']);
      // Before: no end.
      assert.equal(run.status, EXIT.UNREACHABLE, run.err);
      assert.equal(run.err, `error [LS_CLIENT_TIMEOUT]: no answer from the logship server at ${silent.url} within 300ms (--timeout): ${HINT}\n`);
    }
  } finally {
    silent.close();
  }
});

test('LOGSHIP_TIMEOUT stands in for --timeout (the flag wins), in seconds when bare', { timeout: 60_000 }, async () => {
  const silent = await silentServer();
  const before = process.env.LOGSHIP_TIMEOUT;
  process.env.LOGSHIP_TIMEOUT = '0.25';
  try {
    const run = await runCli(runCountCli, ['--server', silent.url]);
    assert.equal(run.status, EXIT.UNREACHABLE, run.err);
    assert.match(run.err, /^error \[LS_CLIENT_TIMEOUT\]: no answer from the logship server at http:\/\/127\.0\.0\.1:\d+ within 250ms \(--timeout\): /);
    const flag = await runCli(runCountCli, ['--server', silent.url, '--timeout', '0.3s']);
    assert.match(flag.err, / within 300ms \(--timeout\)/);
  } finally {
    if (before === undefined) delete process.env.LOGSHIP_TIMEOUT;
    else process.env.LOGSHIP_TIMEOUT = before;
    silent.close();
  }
});

test('a server that sends its headers and stalls: LS_CLIENT_TIMEOUT saying the answer began, exit 4', { timeout: 60_000 }, async () => {
  const stalling = await httpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"hits":[');
  });
  try {
    const run = await runCli(runSearchCli, ['x', '--server', stalling.url, '--timeout', '300ms']);
    // Before: no end.
    assert.equal(run.status, EXIT.UNREACHABLE, run.err);
    assert.equal(run.err, `error [LS_CLIENT_TIMEOUT]: no answer from the logship server at ${stalling.url} within 300ms (--timeout): its answer began and stopped before its end; ${HINT}\n`);
  } finally {
    stalling.close();
  }
});

test('--follow: a tail that never answers, or sends its headers and goes silent (keep-alives too), ends with LS_CLIENT_TIMEOUT, exit 4', { timeout: 60_000 }, async () => {
  for (const headers of [false, true]) {
    const stalling = await httpServer((req, res) => {
      if (req.url?.startsWith('/api/v1/search')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(EMPTY_SEARCH);
        return;
      }
      // As the tail opens (a keep-alive every 50 ms stated), then nothing; or not even that.
      if (!headers) return;
      res.writeHead(200, { 'content-type': 'text/event-stream', [HEARTBEAT_HEADER]: '50' });
      res.write(': logship tail\nretry: 2000\n\n');
    });
    try {
      const run = await runCli(runSearchCli, ['x', '--follow', '--server', stalling.url, '--timeout', '300ms']);
      // Before: no end.
      assert.equal(run.status, EXIT.UNREACHABLE, run.err);
      assert.equal(run.err, headers
        // The longer of --timeout (300 ms) and four keep-alive periods (200 ms).
        ? `error [LS_CLIENT_TIMEOUT]: no answer from the logship server at ${stalling.url} for 300ms: the stream of new events went silent, keep-alives too (the server sends one every 50ms); the server or the network to it stopped; run the command again once it answers (a longer --timeout waits longer)\n`
        : `error [LS_CLIENT_TIMEOUT]: no answer from the logship server at ${stalling.url} within 300ms (--timeout): ${HINT}\n`);
    } finally {
      stalling.close();
    }
  }
});

test('--follow on the query API: a quiet stream outlives --timeout through its keep-alives, and states their period', { timeout: 60_000 }, async () => {
  const { app, feed } = await queryApiApp(sampleEvents(), { now: Date.now, tailHeartbeatMs: 50 });
  const url = await listenLoopback(app);
  try {
    let out = '';
    const sink = new Writable({ write(chunk: Buffer, _enc, done) { out += chunk.toString(); done(); } });
    const run = runCli((argv) => runSearchCli(argv, sink), ['level:error', '--follow', '--json', '--server', url, '--timeout', '2s']);
    while (feed.size === 0) await new Promise((r) => setTimeout(r, 20));
    // Twice --timeout (and eighty keep-alive periods) with no event: only
    // keep-alives. Client and server share this process: a --timeout near
    // an event-loop stall under load (both halves stopped, the client's
    // timer first when it ends) would end the stream falsely.
    await new Promise((r) => setTimeout(r, 4000));
    feed.publish([{ '@timestamp': new Date().toISOString(), 'event.id': 'late', level: 'error', message: 'after the quiet' }]);
    while (!out.includes('"late"')) await new Promise((r) => setTimeout(r, 20));
    process.emit('SIGINT');
    const done = await run;
    assert.equal(done.status, EXIT.OK, done.err);
    assert.equal(done.err, '');
    // What the client read its silence limit from: the period the tail states.
    const tail = await fetch(`${url}/api/v1/tail?q=x`);
    assert.equal(tail.headers.get(HEARTBEAT_HEADER), '50');
    await tail.body?.cancel();
  } finally {
    await app.close();
  }
});

test('--timeout and LOGSHIP_TIMEOUT: durations, bare seconds, 0 for none; anything else a usage error naming where it was written', () => {
  assert.equal(clientOptions({ timeout: '30s' }, {}).timeoutMs, 30_000);
  assert.equal(clientOptions({ timeout: '500ms' }, {}).timeoutMs, 500);
  assert.equal(clientOptions({ timeout: '2m' }, {}).timeoutMs, 120_000);
  assert.equal(clientOptions({ timeout: '1.5' }, {}).timeoutMs, 1500);
  assert.equal(clientOptions({ timeout: '0' }, {}).timeoutMs, 0);
  assert.equal(clientOptions({}, { LOGSHIP_TIMEOUT: '10' }).timeoutMs, 10_000);
  assert.equal(clientOptions({ timeout: '5s' }, { LOGSHIP_TIMEOUT: '10' }).timeoutMs, 5000);
  assert.equal(clientOptions({}, { LOGSHIP_TIMEOUT: '' }).timeoutMs, undefined);
  assert.throws(() => clientOptions({ timeout: 'soon' }, {}),
    (e: unknown) => e instanceof CliError && e.exitCode === EXIT.USAGE && e.message === '--timeout "soon" is not a duration: write 30s, 2m or 500ms (a bare number is seconds; 0 waits for ever)');
  assert.throws(() => clientOptions({}, { LOGSHIP_TIMEOUT: '-1' }), (e: unknown) => e instanceof CliError && /^LOGSHIP_TIMEOUT "-1" is not a duration/.test(e.message));
  assert.throws(() => clientOptions({ timeout: '30d' }, {}), (e: unknown) => e instanceof CliError && e.exitCode === EXIT.USAGE);
});
