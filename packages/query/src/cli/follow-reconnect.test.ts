import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { queryApiApp, sampleEvents } from '../testing/query-api-app.js';
import { runSearchCli } from './search.js';
import { EXIT } from './client.js';

/** Resolves once `check` holds, polling; the test's own timeout bounds it. */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 50));
}

test('--follow while the server goes away and comes back: says the stream stopped and that it reconnected, then prints what follows', async () => {
  const now = Date.now();
  const events = sampleEvents().map((e, i) => ({ ...e, '@timestamp': new Date(now - (i + 1) * 60_000).toISOString() }));
  const first = await queryApiApp(events, { now: Date.now });
  await first.app.listen({ host: '127.0.0.1', port: 0 });
  const port = (first.app.server.address() as AddressInfo).port;
  let out = '';
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { out += chunk.toString(); done(); } });
  let err = '';
  const stderrWrite = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array) => { err += String(chunk); return true; }) as typeof process.stderr.write;
  let second: Awaited<ReturnType<typeof queryApiApp>> | undefined;
  try {
    const running = runSearchCli(['level:error', '--follow', '--json', '--server', `http://127.0.0.1:${port}`], sink);
    await until(() => first.feed.size === 1);
    first.app.server.closeAllConnections();
    await first.app.close();
    // Before: nothing on stderr while it retried, for up to two minutes.
    await until(() => err.includes('reconnecting'));
    assert.match(err, /^the stream of new events stopped: error \[LS_CLIENT_UNREACHABLE\]: cannot reach the logship server at http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED, nothing listens at 127\.0\.0\.1:\d+; is `logship serve` running there\? Set --server or LOGSHIP_URL\nreconnecting \(Ctrl-C to stop\)\n$/);
    second = await queryApiApp(events, { now: Date.now });
    await second.app.listen({ host: '127.0.0.1', port });
    await until(() => second!.feed.size === 1);
    // The server holds the stream a moment before the CLI has its answer and says so (CI, 2026-12-07, a loaded machine).
    await until(() => err.includes('reconnected'));
    assert.match(err, /\nreconnected: what was committed meanwhile follows\n$/);
    second.feed.publish([{ '@timestamp': new Date().toISOString(), 'event.id': 'after-restart', level: 'error', message: 'back' }]);
    await until(() => out.includes('after-restart'));
    process.emit('SIGINT');
    assert.equal(await running, EXIT.OK);
    assert.equal(err.match(/stopped/g)?.length, 1, 'said once per outage');
  } finally {
    process.stderr.write = stderrWrite;
    await second?.app.close();
  }
});
