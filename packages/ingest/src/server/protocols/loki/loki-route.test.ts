import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { compress } from 'snappyjs';
import { PushRequest } from './loki-proto.js';
import { fuzzBodies, fileTestApp, testApp, WRITE_TOKEN } from '../test-app.js';

const h = fileTestApp();

const auth = { authorization: `Bearer ${WRITE_TOKEN}` };
const T0 = 1770555600; // 2026-02-08T13:00:00Z

function protoBody(streams: { labels: string; entries: { s: number; ns: number; line: string; meta?: Record<string, string> }[] }[]): Buffer {
  const msg = PushRequest.fromObject({
    streams: streams.map((s) => ({
      labels: s.labels,
      entries: s.entries.map((e) => ({
        timestamp: { seconds: e.s, nanos: e.ns },
        line: e.line,
        structuredMetadata: Object.entries(e.meta ?? {}).map(([name, value]) => ({ name, value })),
      })),
    })),
  });
  return Buffer.from(compress(PushRequest.encode(msg).finish()));
}

const push = (payload: Buffer | string, contentType: string, headers: Record<string, string> = {}) =>
  h().logship.app.inject({ method: 'POST', url: '/loki/api/v1/push', payload, headers: { ...auth, 'content-type': contentType, ...headers } });

test('a protobuf + snappy push is stored with labels as fields, ns kept, and a retry stores nothing twice', async () => {
  const body = protoBody([
    {
      labels: '{job="django", host="web-1", filename="/var/log/app.log", level="warn"}',
      entries: [
        { s: T0, ns: 123_456_789, line: 'plain text one', meta: { trace_id: 'abc123' } },
        {
          s: T0 + 1,
          ns: 5,
          line: JSON.stringify({ asctime: '2026-02-08 12:00:00,100', levelname: 'ERROR', name: 'django.request', message: 'boom from json' }),
        },
      ],
    },
  ]);
  for (let i = 0; i < 2; i++) {
    const res = await push(body, 'application/x-protobuf');
    assert.equal(res.statusCode, 204, res.body);
  }
  const hits = await h().search('job:django');
  assert.equal(hits.length, 2);
  const plain = hits.find((e) => e.message === 'plain text one')!;
  assert.equal(plain.host, 'web-1');
  assert.equal(plain.source, '/var/log/app.log');
  assert.equal(plain.level, 'warning');
  assert.equal(plain.trace_id, 'abc123');
  assert.equal(plain['@timestamp'], '2026-02-08T13:00:00.123Z');
  assert.equal(plain['loki.timestamp_ns'], '1770555600123456789');
  assert.equal(plain['logship.no_timestamp'], undefined);
  // The JSON line is normalized like any python-json-logger line; its own time and level win over the entry's.
  const json = hits.find((e) => e.message === 'boom from json')!;
  assert.equal(json.logger, 'django.request');
  assert.equal(json['@timestamp'], '2026-02-08T12:00:00.100Z');
  assert.equal(await h().metric('logship_ingest_events_total', { protocol: 'loki', outcome: 'stored' }), 2);
  assert.equal(await h().metric('logship_ingest_events_total', { protocol: 'loki', outcome: 'duplicate' }), 2);
});

test('a JSON push (optionally gzip) with structured metadata', async () => {
  const payload = JSON.stringify({
    streams: [{ stream: { job: 'pino', unit: 'api.service' }, values: [[`${T0}000000000`, 'json pushed line', { user_id: 'u-1' }], [`${T0 + 2}000000000`, 'second json line']] }],
  });
  const res = await push(gzipSync(payload), 'application/json', { 'content-encoding': 'gzip' });
  assert.equal(res.statusCode, 204, res.body);
  const hits = await h().search('job:pino');
  assert.equal(hits.length, 2);
  const first = hits.find((e) => e.message === 'json pushed line')!;
  assert.equal(first.user_id, 'u-1');
  assert.equal(first.unit, 'api.service');
});

test('a JSON push whose labels are numbers or booleans is stored with them as their text, as Loki reads them', async () => {
  // Loki's JSON label set takes each value's JSON text: {"port": 8080} is port="8080".
  const payload = JSON.stringify({
    streams: [
      { stream: { job: 'numlabels', port: 8080, canary: true }, values: [[`${T0}000000000`, 'number labels line']] },
      { stream: { job: 'numlabels', port: '9090' }, values: [[`${T0}000000001`, 'string labels line']] },
    ],
  });
  const res = await push(payload, 'application/json');
  assert.equal(res.statusCode, 204, res.body);
  const hits = await h().search('job:numlabels');
  assert.equal(hits.length, 2);
  const numbered = hits.find((e) => e.message === 'number labels line')!;
  assert.equal(numbered.port, '8080');
  assert.equal(numbered.canary, 'true');
  assert.equal(hits.find((e) => e.message === 'string labels line')!.port, '9090');
});

test('a protobuf stream naming a label twice, or with a name Loki refuses, is refused alone with its code; the others are stored', async () => {
  // Loki refuses both streams (duplicate_label_names; Prometheus' label parser);
  // read, the duplicate kept its last value and 1abc was stored.
  const body = protoBody([
    { labels: '{job="pb-dup", job="pb-dup-2"}', entries: [{ s: T0, ns: 1, line: 'dup label line' }] },
    { labels: '{job="pb-badname", 1abc="x"}', entries: [{ s: T0, ns: 2, line: 'bad name line' }, { s: T0, ns: 3, line: 'bad name line 2' }] },
    { labels: '{job="pb-names-ok", service.name="checkout"}', entries: [{ s: T0, ns: 4, line: 'good stream line' }] },
  ]);
  const res = await push(body, 'application/x-protobuf');
  assert.equal(res.statusCode, 400, res.body);
  assert.match(res.body, /^3 of 4 entries were rejected; the others are stored\n/);
  assert.match(res.body, /entry 1: LS_INGEST_LOKI_DUPLICATE_LABEL: stream '\{job="pb-dup", job="pb-dup-2"\}' has duplicate label name: 'job'/);
  assert.match(res.body, /entry 2: LS_INGEST_LOKI_BAD_LABEL_NAME: stream '\{job="pb-badname", 1abc="x"\}' has label name "1abc"/);
  assert.equal((await h().search('job:pb-dup OR job:pb-dup-2 OR job:pb-badname')).length, 0);
  const [ok] = await h().search('job:pb-names-ok');
  assert.equal(ok?.['service.name'], 'checkout');
});

test('a JSON stream with a label name Loki refuses ("" or service-name) is refused alone; a name given twice keeps its last value, as Loki\'s JSON map does', async () => {
  const payload = `{"streams": [
    {"stream": {"job": "js-empty", "": "x"}, "values": [["${T0}000000000", "empty name line"]]},
    {"stream": {"job": "js-dash", "service-name": "checkout"}, "values": [["${T0}000000001", "dash name line"]]},
    {"stream": {"job": "js-first", "job": "js-last", "service.name": "s", "@zone": "z"}, "values": [["${T0}000000002", "kept line"]]}
  ]}`;
  const res = await push(payload, 'application/json');
  assert.equal(res.statusCode, 400, res.body);
  assert.match(res.body, /^2 of 3 entries were rejected; the others are stored\n/);
  assert.match(res.body, /entry 1: LS_INGEST_LOKI_BAD_LABEL_NAME: stream '\{job="js-empty", ="x"\}' has label name ""/);
  assert.match(res.body, /entry 2: LS_INGEST_LOKI_BAD_LABEL_NAME: .* has label name "service-name"/);
  assert.equal((await h().search('job:js-empty OR job:js-dash OR job:js-first')).length, 0);
  const [kept] = await h().search('job:js-last');
  assert.equal(kept?.message, 'kept line');
  assert.equal(kept?.['service.name'], 's');
  assert.equal(kept?.['loki.@zone'], 'z');
});

test('a JSON number label keeps its digits as written, past 2^53 too, as Loki keeps its bytes', async () => {
  const payload = `{"streams": [
    {"stream": {"job": "numtext-plain"}, "values": [["${T0}000000000", "no number labels"]]},
    {"stream": {"job": "numtext", "id": 12345678901234567890, "ratio": 1.50, "huge": 1e400, "neg": -9007199254740993, "port": 8080},
     "values": [["${T0}000000001", "number text line"]]}
  ]}`;
  const res = await push(payload, 'application/json');
  assert.equal(res.statusCode, 204, res.body);
  const [hit] = await h().search('job:numtext');
  assert.equal(hit?.id, '12345678901234567890');
  assert.equal(hit?.ratio, '1.50');
  assert.equal(hit?.huge, '1e400');
  assert.equal(hit?.neg, '-9007199254740993');
  assert.equal(hit?.port, '8080');
  assert.equal((await h().search('id:12345678901234567890')).length, 1);
});

test('a stream label or structured metadata named message does not replace the line: it is loki.message', async () => {
  const payload = JSON.stringify({
    streams: [
      { stream: { job: 'msglabel', message: 'from the label' }, values: [[`${T0}000000000`, 'the line itself']] },
      { stream: { job: 'msgmeta' }, values: [[`${T0}000000000`, 'the other line', { message: 'from metadata' }]] },
    ],
  });
  const res = await push(payload, 'application/json');
  assert.equal(res.statusCode, 204, res.body);
  const [label] = await h().search('job:msglabel');
  assert.equal(label?.message, 'the line itself');
  assert.equal(label?.['loki.message'], 'from the label');
  assert.equal(label?.message_original, undefined);
  const [meta] = await h().search('job:msgmeta');
  assert.equal(meta?.message, 'the other line');
  assert.equal(meta?.['loki.message'], 'from metadata');
});

test('a label or structured metadata named event.id or @… is not the entry\'s id or time: each entry of the stream is stored, the label kept as loki.<name>', async () => {
  const payload = JSON.stringify({
    streams: [
      {
        stream: { job: 'idlabel', 'event.id': 'deploy-42', '@time': '2020-01-01T00:00:00Z', '@timezone': 'Asia/Tokyo' },
        values: [[`${T0}000000000`, '2026-02-08 13:00:00 first'], [`${T0}000000001`, '2026-02-08 13:00:00 second'], [`${T0}000000002`, 'third', { 'event.id': 'm-1' }]],
      },
    ],
  });
  const res = await push(payload, 'application/json');
  assert.equal(res.statusCode, 204, res.body);
  const hits = await h().search('job:idlabel');
  assert.deepEqual(hits.map((e) => e.message).sort(), ['2026-02-08 13:00:00 first', '2026-02-08 13:00:00 second', 'third']);
  assert.equal(new Set(hits.map((e) => e['event.id'])).size, 3);
  assert.ok(hits.every((e) => e['loki.@timezone'] === 'Asia/Tokyo' && e['loki.@time'] === '2020-01-01T00:00:00Z'), JSON.stringify(hits));
  assert.equal(hits.find((e) => e.message === '2026-02-08 13:00:00 second')!['loki.event.id'], 'deploy-42');
  // The line's offset-less time is read in the server's zone (UTC), not the label's.
  assert.equal(hits.find((e) => e.message === '2026-02-08 13:00:00 first')!['@timestamp'], '2026-02-08T13:00:00.000Z');
  assert.equal(hits.find((e) => e.message === 'third')!['@timestamp'], '2026-02-08T13:00:00.000Z');
  assert.equal(hits.find((e) => e.message === 'third')!['loki.event.id'], 'm-1');
});

test('Content-Encoding: deflate, raw as Loki reads it (Go compress/flate) and zlib-wrapped as HTTP says; br is a 415', async () => {
  const payload = (line: string) => JSON.stringify({ streams: [{ stream: { job: 'deflated' }, values: [[`${T0}000000000`, line]] }] });
  for (const [name, body] of [['raw', deflateRawSync(payload('raw deflate line'))], ['zlib', deflateSync(payload('zlib deflate line'))]] as const) {
    const res = await push(body, 'application/json', { 'content-encoding': 'deflate' });
    assert.equal(res.statusCode, 204, `${name}: ${res.body}`);
  }
  const hits = await h().search('job:deflated');
  assert.deepEqual(hits.map((e) => e.message).sort(), ['raw deflate line', 'zlib deflate line']);
  const broken = await push(Buffer.from('not deflate at all'), 'application/json', { 'content-encoding': 'deflate' });
  assert.equal(broken.statusCode, 400);
  assert.match(broken.body, /^LS_INGEST_BAD_DEFLATE: request body is not valid deflate/);
  const br = await push(payload('x'), 'application/json', { 'content-encoding': 'br' });
  assert.equal(br.statusCode, 415);
  assert.match(br.body, /use gzip, deflate, zlib, snappy, x-snappy-framed/);
});

test("Vector's json codec: the file its file source read is source, so the lines around an event are that file's", async () => {
  const line = (file: string, message: string, sourceType: string) => JSON.stringify({ file, host: 'vec-1', message, source_type: sourceType, timestamp: '2026-02-08T13:00:05.000001Z' });
  const payload = JSON.stringify({
    streams: [
      {
        stream: { job: 'vector-json' },
        values: [
          [`${T0 + 5}000000000`, line('/var/log/app/vec.log', 'vector file line', 'file')],
          [`${T0 + 5}000000001`, line('/var/log/pods/shop_api-7/api/0.log', 'vector pod line', 'kubernetes_logs')],
          // An application's own `file` field, without Vector's marker, stays what it is.
          [`${T0 + 5}000000002`, JSON.stringify({ msg: 'app file field', file: 'report.pdf' })],
        ],
      },
    ],
  });
  const res = await push(payload, 'application/json');
  assert.equal(res.statusCode, 204, res.body);
  const hits = await h().search('job:vector-json');
  const by = (m: string) => hits.find((e) => e.message === m)!;
  assert.equal(by('vector file line').source, '/var/log/app/vec.log');
  assert.equal(by('vector file line').host, 'vec-1');
  assert.equal(by('vector pod line').source, '/var/log/pods/shop_api-7/api/0.log');
  assert.equal(by('app file field').file, 'report.pdf');
  assert.equal(by('app file field').source, undefined);
});

test("Vector's loki sink: protobuf with Content-Encoding: snappy (its default), and JSON in a snappy block", async () => {
  // What Vector's loki sink sends with its default `compression = "snappy"`:
  // Content-Type application/x-protobuf and Content-Encoding: snappy naming
  // the block. Loki takes it; a 415 here made Vector drop every batch.
  const body = protoBody([{ labels: '{job="vector-snappy", source_type="file"}', entries: [{ s: T0, ns: 7, line: 'from vector, snappy' }] }]);
  const res = await push(body, 'application/x-protobuf', { 'content-encoding': 'snappy' });
  assert.equal(res.statusCode, 204, res.body);
  const json = JSON.stringify({ streams: [{ stream: { job: 'vector-snappy' }, values: [[`${T0}000000009`, 'json in a snappy block']] }] });
  const res2 = await push(Buffer.from(compress(Buffer.from(json))), 'application/json', { 'content-encoding': 'snappy' });
  assert.equal(res2.statusCode, 204, res2.body);
  const hits = await h().search('job:vector-snappy');
  assert.deepEqual(hits.map((e) => e.message).sort(), ['from vector, snappy', 'json in a snappy block']);
  // Only the Loki route reads snappy: another encoding is still a coded 415.
  const br = await push(body, 'application/x-protobuf', { 'content-encoding': 'br' });
  assert.equal(br.statusCode, 415, br.body);
  assert.match(br.body, /^LS_INGEST_UNSUPPORTED_ENCODING/);
});

test('malformed bodies get Loki-style text errors with a 4xx, never a 500', async () => {
  const cases: [Buffer | string, string, number, RegExp][] = [
    ['{"streams": 5}', 'application/json', 400, /LS_INGEST_BAD_PAYLOAD/],
    ['not json', 'application/json', 400, /LS_INGEST_BAD_JSON_BODY/],
    [Buffer.from('garbage that is not snappy'), 'application/x-protobuf', 400, /LS_INGEST_BAD_(SNAPPY|PROTOBUF)/],
    ['{}', 'text/csv', 415, /LS_INGEST_UNSUPPORTED_CONTENT_TYPE/],
  ];
  for (const [payload, type, status, re] of cases) {
    const res = await push(payload, type);
    assert.equal(res.statusCode, status, res.body);
    assert.match(res.headers['content-type'] as string, /^text\/plain/);
    assert.match(res.body, re);
  }
  // One bad entry: the rest stored, a 400 naming it.
  const res = await push(JSON.stringify({ streams: [{ stream: { job: 'mixed' }, values: [[`${T0}000000000`, 'good one'], ['yesterday', 'bad ts']] }] }), 'application/json');
  assert.equal(res.statusCode, 400);
  assert.match(res.body, /1 of 2 entries were rejected; the others are stored/);
  assert.equal((await h().search('job:mixed')).length, 1);
  // Every entry bad: no "others" to speak of.
  const none = await push(JSON.stringify({ streams: [{ stream: { job: 'mixed' }, values: [['yesterday', 'bad ts']] }] }), 'application/json');
  assert.equal(none.statusCode, 400);
  assert.match(none.body, /^1 of 1 entries were rejected\n/);
  // Auth failures are in Loki's shape too.
  const anon = await h().logship.app.inject({ method: 'POST', url: '/loki/api/v1/push', payload: '{}', headers: { 'content-type': 'application/json' } });
  assert.equal(anon.statusCode, 401);
  assert.match(anon.body, /^LS_AUTH_MISSING_TOKEN/);
});

test('Basic auth with the token as password is accepted', async () => {
  const basic = Buffer.from(`tenant-1:${WRITE_TOKEN}`).toString('base64');
  const res = await h().logship.app.inject({
    method: 'POST',
    url: '/loki/api/v1/push',
    payload: JSON.stringify({ streams: [{ stream: { job: 'basic' }, values: [[`${T0}000000000`, 'with basic auth']] }] }),
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
  });
  assert.equal(res.statusCode, 204, res.body);
  const wrong = Buffer.from('tenant-1:nope-not-a-token').toString('base64');
  const res2 = await h().logship.app.inject({ method: 'POST', url: '/loki/api/v1/push', payload: '{}', headers: { authorization: `Basic ${wrong}`, 'content-type': 'application/json' } });
  assert.equal(res2.statusCode, 401);
});

test('fuzz: mutated protobuf and JSON pushes never answer 5xx', async () => {
  const proto = protoBody([{ labels: '{job="fuzz"}', entries: [{ s: T0, ns: 1, line: 'fuzz line', meta: { a: 'b' } }] }]);
  const json = Buffer.from(JSON.stringify({ streams: [{ stream: { job: 'fuzz' }, values: [[`${T0}000000000`, 'fuzz line', { a: 'b' }]] }] }));
  for (const [valid, type, seed] of [[proto, 'application/x-protobuf', 1], [json, 'application/json', 2]] as const) {
    for (const body of fuzzBodies(valid, seed, 300)) {
      const res = await push(body, type);
      assert.ok(res.statusCode < 500, `seed ${seed}: ${res.statusCode} ${res.body} for ${body.toString('hex')}`);
    }
  }
  const health = await h().logship.app.inject({ method: 'GET', url: '/health' });
  assert.equal(health.statusCode, 200);
});

test('over the token rate: 429 with Retry-After, in Loki shape', async () => {
  const limited = await testApp({
    auth: { tokens: [{ name: 'writer', token: WRITE_TOKEN, scopes: ['write'] }], rate_limit: { requests_per_s: 0.01, burst: 1 } },
  });
  try {
    const send = () =>
      limited.logship.app.inject({
        method: 'POST',
        url: '/loki/api/v1/push',
        payload: JSON.stringify({ streams: [{ stream: { job: 'rate' }, values: [[`${T0}000000000`, 'rated']] }] }),
        headers: { ...auth, 'content-type': 'application/json' },
      });
    assert.equal((await send()).statusCode, 204);
    const res = await send();
    assert.equal(res.statusCode, 429);
    assert.ok(Number(res.headers['retry-after']) >= 1);
    assert.match(res.body, /^LS_AUTH_RATE_LIMITED: /);
  } finally {
    await limited.close();
  }
});

test('committed entries reach log_metrics as native events do, a resend not counted twice', async () => {
  const app = await testApp({ log_metrics: [{ name: 'log_loki_errors_total', query: 'level:error' }] });
  try {
    const body = JSON.stringify({ streams: [{ stream: { job: 'lm', level: 'error' }, values: [[`${T0}000000000`, 'one'], [`${T0}000000001`, 'two']] }] });
    for (let i = 0; i < 2; i++) {
      const res = await app.logship.app.inject({ method: 'POST', url: '/loki/api/v1/push', payload: body, headers: { ...auth, 'content-type': 'application/json' } });
      assert.equal(res.statusCode, 204, res.body);
    }
    assert.equal(await app.metric('log_loki_errors_total', {}), 2);
  } finally {
    await app.close();
  }
});

test('the limits apply: a snappy block declaring more than max_decompressed_bytes and an over-long entry', async () => {
  const small = await testApp({ limits: { max_decompressed_bytes: 4096, max_line_bytes: 100 } });
  try {
    const send = (payload: Buffer | string, type: string) =>
      small.logship.app.inject({ method: 'POST', url: '/loki/api/v1/push', payload, headers: { ...auth, 'content-type': type } });
    const big = protoBody([{ labels: '{job="big"}', entries: [{ s: T0, ns: 0, line: 'x'.repeat(10_000) }] }]);
    const res = await send(big, 'application/x-protobuf');
    assert.equal(res.statusCode, 413);
    assert.match(res.body, /^LS_INGEST_DECOMPRESSED_TOO_LARGE/);
    const long = await send(JSON.stringify({ streams: [{ stream: { job: 'long' }, values: [[`${T0}000000000`, 'y'.repeat(200)], [`${T0}000000001`, 'short']] }] }), 'application/json');
    assert.equal(long.statusCode, 400);
    assert.match(long.body, /LS_INGEST_LINE_TOO_LONG/);
    assert.equal((await small.search('job:long')).length, 1);
  } finally {
    await small.close();
  }
});
