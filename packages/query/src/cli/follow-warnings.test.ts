/**
 * `--follow` and a tail's `event: warning` (http/tail-warnings.ts: what a
 * replay from the store left out): said on stderr as the search's
 * warnings are, `warning: <message> [<code>]`, the events on stdout
 * untouched. Before, the frame was read and dropped. A loopback server
 * sending the frames the tail route writes (the route's own test is
 * test/src/es-shard-failures.test.ts, on a real cluster).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { warningFrame } from '../http/tail-warnings.js';
import { runCli } from '../testing/run-cli.js';
import { runSearchCli } from './search.js';
import { EXIT } from './client.js';

const EMPTY_SEARCH = JSON.stringify({ hits: [], total: { value: 0, relation: 'eq' }, next_cursor: null, range: { from: '2026-02-08T14:00:00.000Z', to: '2026-02-08T15:00:00.000Z' } });
const WARNING = { code: 'LS_ES_SHARDS_FAILED', partition: 'logship-default-2026.12.06', message: 'Elasticsearch could not read every shard: 1 of 2 shards failed; …' };

test('--follow says a tail\'s warning on stderr and prints the events', { timeout: 60_000 }, async () => {
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/api/v1/search')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(EMPTY_SEARCH);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const ev = { '@timestamp': '2026-02-08T14:30:00.000Z', 'event.id': 'e1', level: 'error', message: 'replayed' };
    // The warning first: once the event is printed, the frame before it has been read.
    res.write(`: logship tail\nretry: 2000\n\n${warningFrame([WARNING])}id: 1770561000000|e1\nevent: log\ndata: ${JSON.stringify(ev)}\n\n`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let out = '';
  const sink = new Writable({ write(chunk: Buffer, _enc, done) { out += chunk.toString(); done(); } });
  try {
    const run = runCli((argv) => runSearchCli(argv, sink), ['level:error', '--follow', '--json', '--server', url]);
    while (!out.includes('"e1"')) await new Promise((r) => setTimeout(r, 20));
    process.emit('SIGINT');
    const done = await run;
    assert.equal(done.status, EXIT.OK, done.err);
    assert.deepEqual(out.trimEnd().split('\n').map((l) => (JSON.parse(l) as { message: string }).message), ['replayed']);
    assert.equal(done.err, `warning: ${WARNING.message} [LS_ES_SHARDS_FAILED]\n`);
  } finally {
    server.closeAllConnections();
    server.close();
  }
});
