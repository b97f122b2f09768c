import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compress } from 'snappyjs';
import { PushRequest } from './loki-proto.js';
import { fileTestApp, WRITE_TOKEN } from '../test-app.js';

/*
 * A stream's label set as Loki's distributor holds it (validator.go
 * ValidateLabels, push.go ParseLokiRequest, with Loki 3's defaults): a label
 * value over 2,048 bytes or more than 15 labels refuses that stream alone,
 * the push's other streams stored, and a stream with no label is stored as
 * service_name="unknown_service". logship stored the first two (a long value
 * cut at max_value_bytes and flagged) and the last with no label at all.
 */

const h = fileTestApp();

const auth = { authorization: `Bearer ${WRITE_TOKEN}` };
const T0 = 1770555600; // 2026-02-08T13:00:00Z

function protoBody(streams: { labels: string; entries: { ns: number; line: string }[] }[]): Buffer {
  const msg = PushRequest.fromObject({
    streams: streams.map((s) => ({ labels: s.labels, entries: s.entries.map((e) => ({ timestamp: { seconds: T0, nanos: e.ns }, line: e.line })) })),
  });
  return Buffer.from(compress(PushRequest.encode(msg).finish()));
}

const push = (payload: Buffer | string, contentType: string) =>
  h().logship.app.inject({ method: 'POST', url: '/loki/api/v1/push', payload, headers: { ...auth, 'content-type': contentType } });

/** `{job="<job>", l1="v", …}` with `extra` more labels than job. */
function manyLabels(job: string, extra: number): Record<string, string> {
  const labels: Record<string, string> = { job };
  for (let i = 1; i <= extra; i++) labels[`l${i}`] = `v${i}`;
  return labels;
}

const labelSet = (labels: Record<string, string>): string =>
  `{${Object.entries(labels).map(([n, v]) => `${n}=${JSON.stringify(v)}`).join(', ')}}`;

test('a label value over 2,048 bytes refuses its stream in Loki\'s words; 2,048 bytes (multi-byte too) is stored whole, and so are the push\'s other streams', async () => {
  const tooLong = 'é'.repeat(1024) + 'x'; // 2,049 bytes, 1,025 characters
  const atLimit = 'é'.repeat(1024); // 2,048 bytes
  const pb = protoBody([
    { labels: `{job="value-long-pb", trace=${JSON.stringify(tooLong)}}`, entries: [{ ns: 1, line: 'refused pb a' }, { ns: 2, line: 'refused pb b' }] },
    { labels: `{job="value-ok-pb", trace=${JSON.stringify(atLimit)}}`, entries: [{ ns: 3, line: 'stored pb' }] },
  ]);
  const res = await push(pb, 'application/x-protobuf');
  assert.equal(res.statusCode, 400, res.body);
  assert.match(res.body, /^2 of 3 entries were rejected; the others are stored\n/);
  assert.match(res.body, /entry 1: LS_INGEST_LOKI_LABEL_VALUE_TOO_LONG: stream '\{job="value-long-pb", trace="é+…' has label value too long: 'é{64}… \(2049 bytes\)'/);
  assert.match(res.body, /entry 2: LS_INGEST_LOKI_LABEL_VALUE_TOO_LONG/);

  const json = JSON.stringify({
    streams: [
      { stream: { job: 'value-long-json', trace: tooLong }, values: [[`${T0}000000004`, 'refused json']] },
      { stream: { job: 'value-ok-json', trace: atLimit }, values: [[`${T0}000000005`, 'stored json']] },
    ],
  });
  const jsonRes = await push(json, 'application/json');
  assert.equal(jsonRes.statusCode, 400, jsonRes.body);
  assert.match(jsonRes.body, /^1 of 2 entries were rejected; the others are stored\nentry 1: LS_INGEST_LOKI_LABEL_VALUE_TOO_LONG: /);

  assert.equal((await h().search('job:(value-long-pb OR value-long-json)')).length, 0);
  const stored = await h().search('job:(value-ok-pb OR value-ok-json)');
  assert.equal(stored.length, 2);
  for (const e of stored) {
    assert.equal(e.trace, atLimit);
    assert.equal(e['logship.truncated'], undefined);
  }
});

test('more than 15 labels refuses the stream; 15, or 16 with service_name (which Loki does not count), are stored; empty values are not counted', async () => {
  const sixteen = manyLabels('labels-16', 15);
  const fifteen = manyLabels('labels-15', 14);
  const withService = { ...manyLabels('labels-service', 14), service_name: 'checkout' };
  const withEmpty = { ...manyLabels('labels-empty', 14), blank: '' };
  const pb = protoBody([
    { labels: labelSet(sixteen), entries: [{ ns: 10, line: 'sixteen labels' }] },
    { labels: labelSet(fifteen), entries: [{ ns: 11, line: 'fifteen labels' }] },
    { labels: labelSet(withService), entries: [{ ns: 12, line: 'with service_name' }] },
    { labels: labelSet(withEmpty), entries: [{ ns: 13, line: 'with an empty one' }] },
  ]);
  const res = await push(pb, 'application/x-protobuf');
  assert.equal(res.statusCode, 400, res.body);
  assert.match(res.body, /^1 of 4 entries were rejected; the others are stored\nentry 1: LS_INGEST_LOKI_TOO_MANY_LABELS: entry for stream '\{job="labels-16", l1="v1"[^']*' has 16 label names; limit 15\n/);

  const json = JSON.stringify({ streams: [{ stream: manyLabels('labels-16-json', 15), values: [[`${T0}000000014`, 'sixteen json']] }] });
  const jsonRes = await push(json, 'application/json');
  assert.equal(jsonRes.statusCode, 400, jsonRes.body);
  assert.match(jsonRes.body, /entry 1: LS_INGEST_LOKI_TOO_MANY_LABELS: .* has 16 label names; limit 15/);

  assert.equal((await h().search('job:(labels-16 OR labels-16-json)')).length, 0);
  const stored = await h().search('job:(labels-15 OR labels-service OR labels-empty)');
  assert.deepEqual(stored.map((e) => e.job).sort(), ['labels-15', 'labels-empty', 'labels-service']);
  assert.equal(stored.find((e) => e.job === 'labels-service')?.service_name, 'checkout');
});

test('a stream with no label ({} or only empty values) is stored as Loki 3 stores it, service_name="unknown_service"', async () => {
  const pb = protoBody([
    { labels: '{}', entries: [{ ns: 20, line: 'no labels pb' }] },
    { labels: '{env=""}', entries: [{ ns: 21, line: 'only empty pb' }] },
  ]);
  assert.equal((await push(pb, 'application/x-protobuf')).statusCode, 204);
  const json = JSON.stringify({ streams: [{ stream: {}, values: [[`${T0}000000022`, 'no labels json']] }, { values: [[`${T0}000000023`, 'no stream json']] }] });
  const jsonRes = await push(json, 'application/json');
  assert.equal(jsonRes.statusCode, 204, jsonRes.body);

  const hits = await h().search('service_name:unknown_service');
  assert.deepEqual(hits.map((e) => e.message).sort(), ['no labels json', 'no labels pb', 'no stream json', 'only empty pb']);
  // A stream with a label of its own gets none (its labels are its fields already).
  assert.equal((await push(protoBody([{ labels: '{job="has-label"}', entries: [{ ns: 24, line: 'labelled' }] }]), 'application/x-protobuf')).statusCode, 204);
  const [labelled] = await h().search('job:has-label');
  assert.equal(labelled?.service_name, undefined);
});
