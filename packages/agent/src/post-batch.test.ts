import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync, gzipSync } from 'node:zlib';
import { openConnections, postBatch } from './post-batch.js';

async function serve(handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

test('postBatch sends the gzipped body with its headers over one kept-alive connection', async (t) => {
  const seen: Array<{ auth?: string; encoding?: string; length?: string; text: string; socket: unknown }> = [];
  const srv = await serve((req, body, res) => {
    seen.push({ auth: req.headers.authorization, encoding: req.headers['content-encoding'], length: req.headers['content-length'], text: gunzipSync(body).toString('utf8'), socket: req.socket });
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"stored":1,"duplicates":0}');
  });
  t.after(() => srv.close());
  const connections = openConnections();
  t.after(() => connections.http.destroy());
  const body = gzipSync('{"@raw":"a"}\n');
  const server = { url: srv.url, token: 'secret', timeout_ms: 10_000 };
  const first = await postBatch(server, body, undefined, connections);
  const second = await postBatch(server, body, undefined, connections);
  assert.deepEqual(first, { kind: 'delivered', answer: { stored: 1, duplicates: 0 } });
  assert.deepEqual(second, first);
  assert.equal(seen[0]!.auth, 'Bearer secret');
  assert.equal(seen[0]!.encoding, 'gzip');
  assert.equal(seen[0]!.length, String(body.length));
  assert.equal(seen[0]!.text, '{"@raw":"a"}\n');
  assert.equal(seen[1]!.socket, seen[0]!.socket);
});

test('postBatch: an answer cut off by a lost connection is retried, not taken as delivered', async (t) => {
  const srv = await serve((_req, _body, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
    res.write('{"stored":');
    setImmediate(() => res.socket?.destroy());
  });
  t.after(() => srv.close());
  const outcome = await postBatch({ url: srv.url, timeout_ms: 10_000 }, gzipSync('x\n'));
  assert.equal(outcome.kind, 'retry');
});

test('postBatch: a 503 with Retry-After and a closed server are retried; a 400 is rejected', async () => {
  const srv = await serve((_req, _body, res) => {
    if (res.req.url === '/a/api/v1/ingest') res.writeHead(503, { 'retry-after': '3' }).end('busy');
    else res.writeHead(400).end('bad batch');
  });
  const busy = await postBatch({ url: `${srv.url}/a`, timeout_ms: 10_000 }, gzipSync('x\n'));
  assert.deepEqual(busy, { kind: 'retry', reason: 'HTTP 503: busy', retryAfterMs: 3000 });
  assert.deepEqual(await postBatch({ url: `${srv.url}/b`, timeout_ms: 10_000 }, gzipSync('x\n')), { kind: 'rejected', status: 400, reason: 'bad batch' });
  await srv.close();
  // ECONNRESET on node's global keep-alive socket, or ECONNREFUSED: either is retried.
  const gone = await postBatch({ url: srv.url, timeout_ms: 10_000 }, gzipSync('x\n'));
  assert.equal(gone.kind, 'retry');
});
