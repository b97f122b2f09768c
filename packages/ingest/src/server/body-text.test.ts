import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileTestApp, TEST_NOW, WRITE_TOKEN } from './protocols/test-app.js';

/*
 * A JSON body saved by a Windows tool starts with a UTF-8 byte order mark;
 * every JSON route takes it as Elasticsearch does (body-text.ts).
 */

const h = fileTestApp();

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const ISO = new Date(TEST_NOW - 60_000).toISOString();
const NS = `${TEST_NOW - 60_000}000000`;

test('a body starting with a UTF-8 byte order mark is read past it on the native, bulk, _doc, Loki JSON and OTLP/JSON routes', async () => {
  const sends: [string, string, string][] = [
    ['/api/v1/ingest', 'application/x-ndjson', `${JSON.stringify({ '@timestamp': ISO, msg: 'bom native' })}\n`],
    ['/es/_bulk', 'application/x-ndjson', `{"index":{"_index":"bom"}}\n${JSON.stringify({ '@timestamp': ISO, message: 'bom bulk' })}\n`],
    ['/es/logs/_doc', 'application/json', JSON.stringify({ '@timestamp': ISO, message: 'bom doc' })],
    ['/loki/api/v1/push', 'application/json', JSON.stringify({ streams: [{ stream: { job: 'bom' }, values: [[NS, 'bom loki']] }] })],
    ['/v1/logs', 'application/json', JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: NS, body: { stringValue: 'bom otlp' } }] }] }] })],
  ];
  for (const [url, type, body] of sends) {
    const res = await h().logship.app.inject({ method: 'POST', url, payload: Buffer.concat([BOM, Buffer.from(body)]), headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': type } });
    assert.ok(res.statusCode < 300, `${url}: ${res.statusCode} ${res.body}`);
    assert.doesNotMatch(res.body, /"errors":\s*true|"errors":\[\{|rejected/, url);
  }
  const stored = (await h().search('bom')).map((e) => e.message).sort();
  assert.deepEqual(stored, ['bom bulk', 'bom doc', 'bom loki', 'bom native', 'bom otlp']);
});
