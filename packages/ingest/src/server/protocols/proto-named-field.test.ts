import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compress } from 'snappyjs';
import { PushRequest } from './loki/loki-proto.js';
import { ExportLogsServiceRequest } from './otlp/otlp-proto.js';
import { toItem } from './syslog/syslog-listeners.js';
import { fileTestApp, WRITE_TOKEN } from './test-app.js';

/*
 * `__proto__` is a legal name in every protocol (a Loki label name matches
 * [a-zA-Z_][a-zA-Z0-9_]*, an OTLP attribute key is any string, a JSON line's
 * key too). The native path stores it as a field like any other (JSON.parse
 * makes it an own key, and events are built with setField); the Loki and
 * OTLP decoders assigned it into plain objects, where it names the prototype,
 * so the label or attribute was dropped without a word. Every path now stores
 * it as a field, and none sets a prototype.
 */

const h = fileTestApp();

const auth = { authorization: `Bearer ${WRITE_TOKEN}` };
const T0 = 1770555600; // 2026-02-08T13:00:00Z

function assertUnpolluted(): void {
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
  for (const name of ['polluted', 'x', 'id']) assert.equal(name in {}, false, `Object.prototype.${name}`);
}

/** The events of `job`, each asserted to hold `__proto__` as an own field with its value, and none with a prototype changed. */
async function protoFields(job: string): Promise<Record<string, unknown>[]> {
  const hits = await h().search(`job:${job}`);
  for (const e of hits) assert.equal(Object.getPrototypeOf(e), Object.prototype);
  return hits;
}

test('Loki JSON and protobuf: a label and structured metadata named __proto__ are fields, searchable by name', async () => {
  const json = `{"streams":[{"stream":{"job":"proto-json","__proto__":"label-value"},"values":[["${T0}000000001","json proto line",{"__proto__":"meta-value","x":"y"}]]}]}`;
  const res = await h().logship.app.inject({ method: 'POST', url: '/loki/api/v1/push', payload: json, headers: { ...auth, 'content-type': 'application/json' } });
  assert.equal(res.statusCode, 204, res.body);
  const pb = PushRequest.fromObject({
    streams: [
      {
        labels: '{job="proto-pb", __proto__="label-value"}',
        entries: [{ timestamp: { seconds: T0, nanos: 2 }, line: 'pb proto line', structuredMetadata: [{ name: '__proto__', value: 'pb-meta' }] }],
      },
      { labels: '{job="proto-pb", __proto__="only-label"}', entries: [{ timestamp: { seconds: T0, nanos: 3 }, line: 'pb label only' }] },
    ],
  });
  const res2 = await h().logship.app.inject({
    method: 'POST',
    url: '/loki/api/v1/push',
    payload: Buffer.from(compress(PushRequest.encode(pb).finish())),
    headers: { ...auth, 'content-type': 'application/x-protobuf' },
  });
  assert.equal(res2.statusCode, 204, res2.body);

  const [j] = await protoFields('proto-json');
  // Metadata is laid over the labels, as for any name.
  assert.equal(Object.getOwnPropertyDescriptor(j, '__proto__')?.value, 'meta-value');
  assert.equal(j?.x, 'y');
  const pbHits = await protoFields('proto-pb');
  assert.deepEqual(pbHits.map((e) => Object.getOwnPropertyDescriptor(e, '__proto__')?.value).sort(), ['only-label', 'pb-meta']);
  assert.equal((await h().search('__proto__:"label-value" OR __proto__:"only-label"')).length, 1);
  assert.equal((await h().search('job:(proto-json OR proto-pb) AND _exists_:__proto__')).length, 3);
  assertUnpolluted();
});

test('OTLP: a resource, record or kvlist-body key named __proto__ is a field', async () => {
  const attr = (key: string, stringValue: string) => ({ key, value: { stringValue } });
  const msg = ExportLogsServiceRequest.fromObject({
    resourceLogs: [
      {
        resource: { attributes: [attr('job', 'proto-otlp'), attr('__proto__', 'resource-value')] },
        scopeLogs: [
          {
            logRecords: [
              { timeUnixNano: `${T0}000000004`, body: { stringValue: 'otlp resource only' } },
              { timeUnixNano: `${T0}000000005`, body: { stringValue: 'otlp record attr' }, attributes: [attr('__proto__', 'record-value')] },
              {
                timeUnixNano: `${T0}000000006`,
                body: { kvlistValue: { values: [attr('msg', 'otlp kvlist body'), { key: 'user', value: { kvlistValue: { values: [attr('__proto__', 'nested')] } } }] } },
              },
            ],
          },
        ],
      },
    ],
  });
  const res = await h().logship.app.inject({
    method: 'POST',
    url: '/v1/logs',
    payload: Buffer.from(ExportLogsServiceRequest.encode(msg).finish()),
    headers: { ...auth, 'content-type': 'application/x-protobuf' },
  });
  assert.equal(res.statusCode, 200, res.body);
  const hits = await protoFields('proto-otlp');
  const by = (m: string) => hits.find((e) => e.message === m)!;
  assert.equal(Object.getOwnPropertyDescriptor(by('otlp resource only'), '__proto__')?.value, 'resource-value');
  assert.equal(Object.getOwnPropertyDescriptor(by('otlp record attr'), '__proto__')?.value, 'record-value');
  assert.equal(by('otlp kvlist body')['user.__proto__'], 'nested');
  assert.equal((await h().search('__proto__:"record-value"')).length, 1);
  assertUnpolluted();
});

test('native NDJSON: an envelope or line key named __proto__ is a field (unchanged, the reference for the others)', async () => {
  const body = `{"@raw":"{\\"msg\\":\\"native proto line\\",\\"__proto__\\":{\\"polluted\\":1}}","job":"proto-native","__proto__":"envelope-value"}\n`;
  const res = await h().logship.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: body, headers: { ...auth, 'content-type': 'application/x-ndjson' } });
  assert.equal(res.statusCode, 200, res.body);
  const [e] = await protoFields('proto-native');
  assert.equal(Object.getOwnPropertyDescriptor(e, '__proto__')?.value, 'envelope-value');
  assert.equal(e?.['__proto__.polluted'], 1);
  assertUnpolluted();
});

test('syslog: an SD-ID or SD-PARAM named __proto__ is a field', () => {
  const frame = Buffer.from(`<165>1 2026-02-08T13:00:00Z host app - - [__proto__ x="1"][meta@1 __proto__="2"] syslog proto line`);
  const item = toItem(1, frame, 'tcp', '127.0.0.1', T0 * 1000);
  assert.equal(item.kind, 'envelope');
  if (item.kind !== 'envelope') return;
  assert.equal(item.meta['syslog.sd.__proto__.x'], '1');
  assert.equal(item.meta['syslog.sd.meta@1.__proto__'], '2');
  assertUnpolluted();
});
