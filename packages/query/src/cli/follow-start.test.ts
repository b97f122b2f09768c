/**
 * Where `logship search --follow` starts its stream: after the search's
 * read. It started from the newest hit's time, so a late event (stamped
 * before that hit) committed between the search and the stream's opening
 * was in neither: the search had read before it, and the replay by time
 * starts after the hit. Now the stream starts after the search answer's
 * commit_mark too, and the server sends what it committed after the read
 * while its feed keeps it (someone listens: here a second reader, as a
 * page in live mode would be).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import type { LogEvent } from '../event.js';
import { queryApiApp, sampleEvents } from '../testing/query-api-app.js';
import { runSearchCli } from './search.js';
import { EXIT } from './client.js';

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 20));
}

test('--follow: a late event committed between the search and the stream\'s opening is printed, once', async () => {
  const now = Date.now();
  const events: LogEvent[] = sampleEvents().map((e, i) => ({ ...e, '@timestamp': new Date(now - (i + 1) * 60_000).toISOString() }));
  const late: LogEvent = { '@timestamp': new Date(now - 10 * 60_000).toISOString(), 'event.id': 'late-meanwhile', level: 'error', message: 'committed after the search, stamped before its newest hit' };
  let committed = false;
  const { app, feed } = await queryApiApp(events, { now: Date.now }, undefined, (app, { feed }) => {
    // As the stream is asked for, after the search has read: the late
    // event is committed (stored, then published) in between.
    app.addHook('onRequest', async (req) => {
      if (committed || !req.url.startsWith('/api/v1/tail')) return;
      committed = true;
      events.push(late);
      feed.publish([late]);
    });
  });
  const keep = feed.subscribe(() => {});
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  let out = '';
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { out += chunk.toString(); done(); } });
  try {
    const running = runSearchCli(['level:error', '--follow', '--json', '--server', url], sink);
    await until(() => feed.size === 2);
    // An ordinary new event after the stream opened: once it is printed,
    // everything before it in the stream has been.
    feed.publish([{ '@timestamp': new Date().toISOString(), 'event.id': 'after-open', level: 'error', message: 'new' }]);
    await until(() => out.includes('"after-open"'));
    process.emit('SIGINT');
    assert.equal(await running, EXIT.OK);
    const ids = out.trim().split('\n').map((l) => (JSON.parse(l) as LogEvent)['event.id']);
    assert.ok(committed);
    assert.deepEqual(ids.filter((id) => id === 'late-meanwhile'), ['late-meanwhile'], 'the late event, once');
    assert.equal(ids.at(-1), 'after-open');
  } finally {
    keep();
    await app.close();
  }
});
