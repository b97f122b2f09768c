import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { readBody } from './read-body.js';
import { LogshipError } from './errors.js';

/*
 * readBody on a real socket: what it makes of a sender that hangs up mid-body
 * (a shipper's timeout, a restarting Promtail) cannot be shown with inject().
 */

const limits = { max_body_bytes: 1 << 20, max_decompressed_bytes: 1 << 20 };
let bodyRead: (req: IncomingMessage) => void = () => {};
const server = createServer((req) => bodyRead(req));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
after(() => server.close());

test('a sender that closes the connection mid-body gets a coded 4xx, not an uncoded error logged as a 500', async () => {
  let arrived!: () => void;
  const reading = new Promise<void>((resolve) => (arrived = resolve));
  const outcome = new Promise<unknown>((resolve) => {
    bodyRead = (req) => {
      readBody(req, req.headers, limits).then(resolve, resolve);
      arrived();
    };
  });
  const req = httpRequest({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, method: 'POST', path: '/loki/api/v1/push', headers: { 'content-length': '100000', 'content-type': 'application/json' } });
  req.on('error', () => {});
  req.write('{"streams":[{"stream":{"job":"cut"},"values":[["1","half');
  // Closed once the server is reading: the body never completes.
  await reading;
  req.destroy();
  const err = await outcome;
  assert.ok(err instanceof LogshipError, `got ${String(err)}`);
  assert.equal(err.code, 'LS_INGEST_BODY_ABORTED');
  assert.equal(err.statusCode, 400);
});

test('a broken body is refused with the code of its Content-Encoding (zstd where this Node has it)', { skip: 'zstdDecompress' in zlib ? false : 'zstd needs Node 22.15' }, async () => {
  for (const [encoding, code] of [['gzip', 'LS_INGEST_BAD_GZIP'], ['deflate', 'LS_INGEST_BAD_DEFLATE'], ['zstd', 'LS_INGEST_BAD_ZSTD']] as const) {
    const err = await readBody(Readable.from([Buffer.from('not compressed at all')]), { 'content-encoding': encoding }, limits).catch((e: unknown) => e);
    assert.ok(err instanceof LogshipError, `${encoding}: got ${String(err)}`);
    assert.equal(err.code, code);
    assert.equal(err.statusCode, 400);
    assert.match(err.message, new RegExp(`not valid ${encoding}`));
  }
});
