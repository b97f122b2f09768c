import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compress } from 'snappyjs';
import { PushRequest } from './loki-proto.js';
import { lokiMetadataName } from './structured-metadata.js';
import { fileTestApp, WRITE_TOKEN } from '../test-app.js';

/*
 * Structured metadata names were stored as sent, unchecked, while stream
 * label names are (label-name.ts): `""` became a field no query names, a
 * 2 MB name a 2 MB field name, `service-name` a field Loki would have named
 * service_name, and a name sent twice kept only its last value.
 */

const h = fileTestApp();

const auth = { authorization: `Bearer ${WRITE_TOKEN}` };
const T0 = 1770555600; // 2026-02-08T13:00:00Z

function protoBody(streams: { labels: string; entries: { ns: number; line: string; meta?: [string, string][] }[] }[]): Buffer {
  const msg = PushRequest.fromObject({
    streams: streams.map((s) => ({
      labels: s.labels,
      entries: s.entries.map((e) => ({
        timestamp: { seconds: T0, nanos: e.ns },
        line: e.line,
        structuredMetadata: (e.meta ?? []).map(([name, value]) => ({ name, value })),
      })),
    })),
  });
  return Buffer.from(compress(PushRequest.encode(msg).finish()));
}

const push = (payload: Buffer | string, contentType: string) =>
  h().logship.app.inject({ method: 'POST', url: '/loki/api/v1/push', payload, headers: { ...auth, 'content-type': contentType } });

test("Loki's renaming of a metadata name that is no label name (otlptranslator's LabelNamer)", () => {
  assert.equal(lokiMetadataName('service-name'), 'service_name');
  assert.equal(lokiMetadataName('1abc'), 'key_1abc');
  assert.equal(lokiMetadataName('-x'), 'key_x');
  assert.equal(lokiMetadataName('__a-b'), '__a_b');
  assert.equal(lokiMetadataName('größe'), 'gr__e');
  assert.equal(lokiMetadataName('--'), undefined);
});

test('a metadata name that is no label name is renamed as Loki renames it; one logship takes as a label name is kept', async () => {
  const meta = { 'service-name': 'checkout', '1abc': 'digit', 'service.name': 'dotted', _x: 'underscore', 'http/status': '200' };
  const json = JSON.stringify({ streams: [{ stream: { job: 'meta-rename-json' }, values: [[`${T0}000000001`, 'json renamed', meta]] }] });
  assert.equal((await push(json, 'application/json')).statusCode, 204);
  const pb = protoBody([{ labels: '{job="meta-rename-pb"}', entries: [{ ns: 2, line: 'pb renamed', meta: Object.entries(meta) }] }]);
  assert.equal((await push(pb, 'application/x-protobuf')).statusCode, 204);
  const hits = await h().search('job:(meta-rename-json OR meta-rename-pb)');
  assert.equal(hits.length, 2);
  for (const e of hits) {
    assert.equal(e.service_name, 'checkout');
    assert.equal(e.key_1abc, 'digit');
    assert.equal(e['service.name'], 'dotted');
    assert.equal(e._x, 'underscore');
    assert.equal(e.http_status, '200');
    for (const sent of ['service-name', '1abc', 'http/status']) assert.equal(Object.hasOwn(e, sent), false, sent);
  }
  assert.equal((await h().search('service_name:checkout')).length, 2);
});

test('an empty, unrenameable or over-long metadata name refuses its entry alone, with its code; the others are stored', async () => {
  const long = 'm'.repeat(1025);
  const pb = protoBody([
    {
      labels: '{job="meta-bad-pb"}',
      entries: [
        { ns: 3, line: 'pb empty name', meta: [['', 'x']] },
        { ns: 4, line: 'pb dashes', meta: [['--', 'x']] },
        { ns: 5, line: 'pb long name', meta: [[long, 'x']] },
        { ns: 6, line: 'pb fine', meta: [['m'.repeat(1024), 'kept']] },
      ],
    },
  ]);
  const res = await push(pb, 'application/x-protobuf');
  assert.equal(res.statusCode, 400, res.body);
  assert.match(res.body, /^3 of 4 entries were rejected; the others are stored\n/);
  assert.match(res.body, /entry 1: LS_INGEST_LOKI_BAD_METADATA_NAME: structured metadata name "" is empty/);
  assert.match(res.body, /entry 2: LS_INGEST_LOKI_BAD_METADATA_NAME: structured metadata name "--" has no letter or digit/);
  assert.match(res.body, /entry 3: LS_INGEST_LOKI_BAD_METADATA_NAME: structured metadata name "m{64}… \(1025 bytes\)" is longer than 1024 bytes/);
  const [fine] = await h().search('job:meta-bad-pb');
  assert.equal(fine?.message, 'pb fine');
  assert.equal(fine?.['m'.repeat(1024)], 'kept');

  const json = `{"streams":[{"stream":{"job":"meta-bad-json"},"values":[["${T0}000000007","json empty name",{"":"x"}],["${T0}000000008","json fine",{"a":"b"}]]}]}`;
  const res2 = await push(json, 'application/json');
  assert.equal(res2.statusCode, 400, res2.body);
  assert.match(res2.body, /^1 of 2 entries were rejected; the others are stored\nentry 1: LS_INGEST_LOKI_BAD_METADATA_NAME: structured metadata name "" is empty/);
  assert.deepEqual((await h().search('job:meta-bad-json')).map((e) => e.message), ['json fine']);
});

test('a stream label name over 1,024 bytes refuses its stream, as Loki does (label_name_too_long), in either format', async () => {
  const long = 'l'.repeat(1025);
  const pb = protoBody([
    { labels: `{job="label-long-pb", ${long}="x"}`, entries: [{ ns: 9, line: 'pb long label' }] },
    { labels: `{job="label-long-pb-ok", ${'l'.repeat(1024)}="x"}`, entries: [{ ns: 10, line: 'pb label at the limit' }] },
  ]);
  const res = await push(pb, 'application/x-protobuf');
  assert.equal(res.statusCode, 400, res.body);
  assert.match(res.body, /entry 1: LS_INGEST_LOKI_LABEL_NAME_TOO_LONG: stream '.*' has label name too long: 'l{64}… \(1025 bytes\)'/);
  assert.equal((await h().search('job:label-long-pb-ok')).length, 1);
  const json = JSON.stringify({ streams: [{ stream: { job: 'label-long-json', [long]: 'x' }, values: [[`${T0}000000011`, 'json long label']] }] });
  const res2 = await push(json, 'application/json');
  assert.equal(res2.statusCode, 400, res2.body);
  assert.match(res2.body, /entry 1: LS_INGEST_LOKI_LABEL_NAME_TOO_LONG/);
  assert.equal((await h().search('job:(label-long-pb OR label-long-json)')).length, 0);
});

test('a metadata name sent twice, or two names renamed to one, keeps both values: the later as <name>_original', async () => {
  const pb = protoBody([
    {
      labels: '{job="meta-dup"}',
      entries: [
        { ns: 12, line: 'dup other value', meta: [['a', 'x'], ['a', 'y']] },
        { ns: 13, line: 'dup same value', meta: [['a', 'x'], ['a', 'x']] },
        { ns: 14, line: 'renamed onto', meta: [['b-c', '1'], ['b_c', '2']] },
      ],
    },
  ]);
  assert.equal((await push(pb, 'application/x-protobuf')).statusCode, 204);
  const hits = await h().search('job:meta-dup');
  const by = (m: string) => hits.find((e) => e.message === m)!;
  assert.equal(by('dup other value').a, 'x');
  assert.equal(by('dup other value').a_original, 'y');
  assert.equal(by('dup same value').a, 'x');
  assert.equal(Object.hasOwn(by('dup same value'), 'a_original'), false);
  assert.equal(by('renamed onto').b_c, '1');
  assert.equal(by('renamed onto').b_c_original, '2');
});

test("structured metadata named as a stream label is laid over it, the label's other value kept as <name>_original", async () => {
  // In Loki the two stay apart (the stream's label, the entry's metadata); a
  // field holds one value, so neither is lost: the entry's own wins the name.
  const pb = protoBody([
    {
      labels: '{job="meta-over", env="prod", team="a"}',
      entries: [
        { ns: 15, line: 'metadata over label', meta: [['env', 'canary'], ['team', 'a']] },
        { ns: 16, line: 'no metadata', meta: [] },
      ],
    },
  ]);
  assert.equal((await push(pb, 'application/x-protobuf')).statusCode, 204);
  const hits = await h().search('job:meta-over');
  const over = hits.find((e) => e.message === 'metadata over label')!;
  assert.equal(over.env, 'canary');
  assert.equal(over.env_original, 'prod');
  assert.equal(over.team, 'a');
  assert.equal(Object.hasOwn(over, 'team_original'), false);
  const plain = hits.find((e) => e.message === 'no metadata')!;
  assert.equal(plain.env, 'prod');
  assert.equal(Object.hasOwn(plain, 'env_original'), false);
});
