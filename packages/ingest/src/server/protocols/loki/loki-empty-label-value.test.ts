import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compress } from 'snappyjs';
import { PushRequest } from './loki-proto.js';
import { fileTestApp, WRITE_TOKEN } from '../test-app.js';

/*
 * Loki reads a stream's labels through Prometheus' label builder, which
 * drops a label whose value is empty ({env=""} is the stream {}), and
 * sanitizes structured metadata through the same builder: an empty value is
 * an absent label. logship stored such a label as a field holding "".
 */

const h = fileTestApp();

const auth = { authorization: `Bearer ${WRITE_TOKEN}` };
const T0 = 1770555600; // 2026-02-08T13:00:00Z

function protoBody(labels: string, entries: { ns: number; line: string; meta?: Record<string, string> }[]): Buffer {
  const msg = PushRequest.fromObject({
    streams: [
      {
        labels,
        entries: entries.map((e) => ({
          timestamp: { seconds: T0, nanos: e.ns },
          line: e.line,
          structuredMetadata: Object.entries(e.meta ?? {}).map(([name, value]) => ({ name, value })),
        })),
      },
    ],
  });
  return Buffer.from(compress(PushRequest.encode(msg).finish()));
}

const push = (payload: Buffer | string, contentType: string) =>
  h().logship.app.inject({ method: 'POST', url: '/loki/api/v1/push', payload, headers: { ...auth, 'content-type': contentType } });

test('a label or structured metadata with an empty value is not stored: the field is absent, as in Loki', async () => {
  const json = JSON.stringify({
    streams: [{ stream: { job: 'empty-json', env: '', level: '' }, values: [[`${T0}000000001`, 'json empty label line', { trace_id: '', user: 'u-1' }]] }],
  });
  assert.equal((await push(json, 'application/json')).statusCode, 204);
  const pb = protoBody('{job="empty-proto", env="", level=""}', [{ ns: 2, line: 'proto empty label line', meta: { trace_id: '', user: 'u-2' } }]);
  assert.equal((await push(pb, 'application/x-protobuf')).statusCode, 204);

  const hits = await h().search('job:(empty-json OR empty-proto)');
  assert.equal(hits.length, 2);
  for (const e of hits) {
    for (const name of ['env', 'trace_id', 'loki.level']) assert.equal(Object.hasOwn(e, name), false, `${name} in ${JSON.stringify(e)}`);
    assert.match(String(e.user), /^u-[12]$/);
  }
  // A query sees what Loki's LogQL sees ({env=""} selects streams without env):
  // the field does not exist, so it matches no positive clause.
  assert.equal((await h().search('job:(empty-json OR empty-proto) AND _exists_:env')).length, 0);
  assert.equal((await h().search('job:(empty-json OR empty-proto) AND env:""')).length, 0);
  assert.equal((await h().search('job:(empty-json OR empty-proto) AND NOT _exists_:env')).length, 2);
});

test('an empty label is the stream without it: the same entry pushed with and without it is one event', async () => {
  // Loki's stream identity ({job="x", env=""} is {job="x"}), so a client that
  // sometimes fills the label and sometimes not does not store a retry twice.
  const line = 'same entry either way';
  assert.equal((await push(protoBody('{job="empty-same"}', [{ ns: 3, line }]), 'application/x-protobuf')).statusCode, 204);
  assert.equal((await push(protoBody('{job="empty-same", env=""}', [{ ns: 3, line }]), 'application/x-protobuf')).statusCode, 204);
  const json = JSON.stringify({ streams: [{ stream: { job: 'empty-same', env: '' }, values: [[`${T0}000000003`, line]] }] });
  assert.equal((await push(json, 'application/json')).statusCode, 204);
  assert.equal((await h().search('job:empty-same')).length, 1);
});

test('an empty host label is absent, so hostname stands in for it as when there is no host label', async () => {
  const json = JSON.stringify({ streams: [{ stream: { job: 'empty-host', host: '', hostname: 'web-7' }, values: [[`${T0}000000004`, 'hostname line']] }] });
  assert.equal((await push(json, 'application/json')).statusCode, 204);
  const [e] = await h().search('job:empty-host');
  assert.equal(e?.host, 'web-7');
});
