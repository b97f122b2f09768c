/**
 * `Content-Encoding` is a list of codings in the order applied (RFC 9110
 * 8.4), `identity` among them changing nothing: `gzip, identity` was
 * answered 415, and a body gzipped twice, or deflated then gzipped, too.
 * Each is undone last applied first; an unknown member is still a 415
 * naming it; every route reads bodies so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync, gzipSync } from 'node:zlib';
import { appHarness, ndjson, searchApp } from '../testing/app-harness.js';

test('a Content-Encoding list is undone last applied first, identity skipped; an unknown member is a 415 naming it', async () => {
  const h = await appHarness();
  try {
    const post = (payload: Buffer, encoding: string | string[]) =>
      h.logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload, headers: { 'content-type': 'application/x-ndjson', 'content-encoding': encoding as string } });
    const body = (n: number) => Buffer.from(ndjson({ '@timestamp': '2026-02-08T14:00:00Z', message: `coded ${n}` }));
    const cases: [string, Buffer][] = [
      ['gzip, identity', gzipSync(body(1))],
      ['identity, gzip', gzipSync(body(2))],
      ['Identity , GZIP', gzipSync(body(3))],
      ['deflate, gzip', gzipSync(deflateSync(body(4)))],
      ['gzip,gzip', gzipSync(gzipSync(body(5)))],
      ['identity', body(6)],
      ['identity, identity', body(7)],
    ];
    for (const [encoding, payload] of cases) {
      const res = await post(payload, encoding);
      assert.equal(res.statusCode, 200, `${encoding}: ${res.body}`);
      assert.equal(res.json().stored, 1, encoding);
    }
    const messages = (await searchApp(h, 'coded')).hits.map((e) => e.message).sort();
    assert.deepEqual(messages, ['coded 1', 'coded 2', 'coded 3', 'coded 4', 'coded 5', 'coded 6', 'coded 7']);

    // Applied in the other order than declared: the gzip undone first is not gzip.
    const swapped = await post(deflateSync(gzipSync(body(8))), 'deflate, gzip');
    assert.equal(swapped.statusCode, 400);
    assert.equal(swapped.json().error.code, 'LS_INGEST_BAD_GZIP');
    const br = await post(gzipSync(body(9)), 'br, gzip');
    assert.equal(br.statusCode, 415);
    assert.equal(br.json().error.code, 'LS_INGEST_UNSUPPORTED_ENCODING');
    assert.match(br.json().error.message, /^Content-Encoding "br" is not supported/);
    assert.equal((await searchApp(h, 'coded')).hits.length, 7, 'refused requests stored nothing');

    // The protocol routes read bodies the same way (Loki's push, gzipped, behind identity).
    const loki = await h.logship.app.inject({
      method: 'POST',
      url: '/loki/api/v1/push',
      payload: gzipSync(Buffer.from(JSON.stringify({ streams: [{ stream: { job: 'l' }, values: [['1770559200000000000', 'loki coded']] }] }))),
      headers: { 'content-type': 'application/json', 'content-encoding': 'identity, gzip' },
    });
    assert.equal(loki.statusCode, 204, loki.body);
  } finally {
    await h.close();
  }
});
