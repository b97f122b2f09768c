import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { IngestSender } from './ingest-sender.js';
import { createLogger, silentLogger } from './log.js';
import { Metrics } from './metrics.js';
import type { Outcome } from './post-batch.js';

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; sockets: Socket[]; close: () => Promise<void> }> {
  const sockets: Socket[] = [];
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => handler(req, res));
  });
  server.on('connection', (s: Socket) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sockets,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

const ok = (_req: IncomingMessage, res: ServerResponse): void => { res.writeHead(200).end('{"stored":1}'); };

test('stop ends the attempt in flight: post gives null (the batch stays where it was) and the loop ends', async (t) => {
  let arrived!: () => void;
  const inFlight = new Promise<void>((r) => { arrived = r; });
  // Never answers: only stop can end the attempt.
  const srv = await serve(() => arrived());
  t.after(() => srv.close());
  const outcomes: Array<Outcome | null> = [];
  const sender: IngestSender = new IngestSender({ url: srv.url, timeout_ms: 600_000 }, async (signal) => {
    while (!signal.aborted) {
      const outcome = await sender.post(gzipSync('x\n'));
      outcomes.push(outcome);
      if (!outcome) break;
    }
  }, new Metrics(), silentLogger);
  sender.start();
  sender.start();
  await inFlight;
  await sender.stop();
  assert.deepEqual(outcomes, [null]);
});

test('reconfigure: the next post goes to the new server on a new connection, the old one is closed', async (t) => {
  const a = await serve(ok);
  const b = await serve(ok);
  t.after(() => Promise.all([a.close(), b.close()]));
  const sender = new IngestSender({ url: a.url, timeout_ms: 10_000 }, async () => undefined, new Metrics(), silentLogger);
  t.after(() => sender.stop());
  assert.equal((await sender.post(gzipSync('x\n')))?.kind, 'delivered');
  assert.equal(a.sockets.length, 1);
  const closed = new Promise<void>((r) => a.sockets[0]!.once('close', () => r()));
  sender.reconfigure({ url: b.url, timeout_ms: 10_000 });
  await closed;
  assert.equal((await sender.post(gzipSync('x\n')))?.kind, 'delivered');
  assert.equal(a.sockets.length, 1);
  assert.equal(b.sockets.length, 1);
});

test('a batch refused for good is said with its answer and counted', () => {
  const logged: string[] = [];
  const metrics = new Metrics();
  const sender = new IngestSender({ url: 'http://127.0.0.1:1', timeout_ms: 10_000 }, async () => undefined, metrics, createLogger('info', (l) => logged.push(l)));
  sender.reportRejected(7, { status: 400, reason: 'bad batch' });
  assert.equal(metrics.get('batches_rejected_total'), 1);
  assert.equal(metrics.get('events_rejected_total'), 7);
  const line = JSON.parse(logged[0]!) as { level: string; code: string; msg: string };
  assert.equal(line.level, 'error');
  assert.equal(line.code, 'LS_AGENT_INGEST_REJECTED');
  assert.match(line.msg, /7 events .*HTTP 400: bad batch/);
});
