import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ExportLogsServiceRequest, ExportLogsServiceResponse } from './otlp-proto.js';
import { testApp, WRITE_TOKEN, type TestApp } from '../test-app.js';

/*
 * An attribute keyed "" (which OpenTelemetry forbids; Loki's OTLP ingestion
 * refuses the whole export for it) was dropped without a word: the record
 * stored, the attribute's value lost, nobody told. Now the records that carry
 * it are refused with a code in partial_success and the export's others stored.
 */

let h: TestApp;
before(async () => {
  h = await testApp();
});
after(async () => {
  await h.close();
});

const NS = '1770555600250000000'; // 2026-02-08T13:00:00.250Z
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const record = (body: string, attributes: unknown[] = []) => ({ timeUnixNano: NS, body: { stringValue: body }, attributes });

const post = (payload: Buffer | string, type: string) =>
  h.logship.app.inject({ method: 'POST', url: '/v1/logs', payload, headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': type } });

interface PartialSuccess {
  rejectedLogRecords: number;
  errorMessage: string;
}

test('a record attribute keyed "" refuses that record with a code (JSON and protobuf); the others are stored', async () => {
  const export_ = (service: string) => ({
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', service)] },
        scopeLogs: [{ logRecords: [record(`${service} kept`, [str('user', 'u-1')]), record(`${service} empty key`, [str('', 'lost value'), str('user', 'u-2')])] }],
      },
    ],
  });
  const json = await post(JSON.stringify(export_('empty-key-json')), 'application/json');
  assert.equal(json.statusCode, 200, json.body);
  const jsonAnswer = (json.json() as { partialSuccess: PartialSuccess }).partialSuccess;
  assert.equal(jsonAnswer.rejectedLogRecords, 1);
  assert.match(jsonAnswer.errorMessage, /^record 2: LS_INGEST_OTLP_EMPTY_ATTRIBUTE_KEY: log record 2: an attribute of the record has an empty key/);

  const pb = Buffer.from(ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(export_('empty-key-pb'))).finish());
  const res = await post(pb, 'application/x-protobuf');
  assert.equal(res.statusCode, 200, res.body);
  const answer = ExportLogsServiceResponse.toObject(ExportLogsServiceResponse.decode(res.rawPayload), { longs: Number }) as { partialSuccess?: PartialSuccess };
  assert.equal(answer.partialSuccess?.rejectedLogRecords, 1);
  assert.match(answer.partialSuccess.errorMessage, /record 2: LS_INGEST_OTLP_EMPTY_ATTRIBUTE_KEY/);

  const hits = await h.search('service.name:(empty-key-json OR empty-key-pb)');
  assert.deepEqual(hits.map((e) => e.message).sort(), ['empty-key-json kept', 'empty-key-pb kept']);
  assert.equal(await h.metric('logship_ingest_events_rejected_total', { reason: 'LS_INGEST_OTLP_EMPTY_ATTRIBUTE_KEY' }), 2);
});

test('a resource or scope attribute keyed "" refuses each of its records; another resource in the export is stored', async () => {
  const payload = {
    resourceLogs: [
      { resource: { attributes: [str('service.name', 'empty-res'), str('', 'x')] }, scopeLogs: [{ logRecords: [record('res a'), record('res b')] }] },
      {
        resource: { attributes: [str('service.name', 'empty-scope')] },
        scopeLogs: [
          { scope: { name: 'lib', attributes: [{ value: { stringValue: 'no key at all' } }] }, logRecords: [record('scope a')] },
          { scope: { name: 'lib2' }, logRecords: [record('scope ok')] },
        ],
      },
    ],
  };
  const res = await post(JSON.stringify(payload), 'application/json');
  assert.equal(res.statusCode, 200, res.body);
  const answer = (res.json() as { partialSuccess: PartialSuccess }).partialSuccess;
  assert.equal(answer.rejectedLogRecords, 3);
  assert.match(answer.errorMessage, /record 1: LS_INGEST_OTLP_EMPTY_ATTRIBUTE_KEY: log record 1: an attribute of its resource has/);
  assert.match(answer.errorMessage, /record 3: LS_INGEST_OTLP_EMPTY_ATTRIBUTE_KEY: log record 3: an attribute of its scope has/);
  const hits = await h.search('service.name:(empty-res OR empty-scope)');
  assert.deepEqual(hits.map((e) => e.message), ['scope ok']);
});
