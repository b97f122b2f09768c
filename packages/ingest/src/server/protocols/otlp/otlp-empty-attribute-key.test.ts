import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExportLogsServiceRequest, ExportLogsServiceResponse } from './otlp-proto.js';
import { fileTestApp, WRITE_TOKEN } from '../test-app.js';

/*
 * An attribute keyed "" (which OpenTelemetry forbids; Loki's OTLP ingestion
 * refuses the whole export for it) was dropped without a word: the record
 * stored, the attribute's value lost, nobody told. Now the records that carry
 * it are refused with a code in partial_success and the export's others stored.
 */

const h = fileTestApp();

const NS = '1770555600250000000'; // 2026-02-08T13:00:00.250Z
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const record = (body: string, attributes: unknown[] = []) => ({ timeUnixNano: NS, body: { stringValue: body }, attributes });

const post = (payload: Buffer | string, type: string) =>
  h().logship.app.inject({ method: 'POST', url: '/v1/logs', payload, headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': type } });

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

  const hits = await h().search('service.name:(empty-key-json OR empty-key-pb)');
  assert.deepEqual(hits.map((e) => e.message).sort(), ['empty-key-json kept', 'empty-key-pb kept']);
  assert.equal(await h().metric('logship_ingest_events_rejected_total', { reason: 'LS_INGEST_OTLP_EMPTY_ATTRIBUTE_KEY' }), 2);
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
  const hits = await h().search('service.name:(empty-res OR empty-scope)');
  assert.deepEqual(hits.map((e) => e.message), ['scope ok']);
});

/*
 * A key "" inside a map value was stored: attribute `http` = {"": "x"} as a
 * field named `http.`, a kvlist body's "" as a field named `""`. Its keys
 * become field names as an attribute's do, so it is refused the same way,
 * the message naming where.
 */
test('a key "" in a map value (a record, resource or scope attribute, or a kvlist body), at any depth, refuses its records and names the path', async () => {
  const kvlist = (...values: unknown[]) => ({ kvlistValue: { values } });
  const nested = (key: string, value: unknown) => ({ key, value });
  const bodyRecord = (name: string, body: unknown) => ({ timeUnixNano: NS, body, attributes: [str('case', name)] });
  const payload = {
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', 'nested-empty')] },
        scopeLogs: [
          {
            logRecords: [
              record('record map', [nested('http', kvlist(str('', 'x'), str('method', 'GET')))]),
              record('kept', [nested('http', kvlist(str('method', 'GET')))]),
              record('deep map', [nested('a', kvlist(nested('b', kvlist(str('', 'y')))))]),
              bodyRecord('body top', kvlist(str('', 'z'), str('msg', 'hello'))),
              bodyRecord('body deep', kvlist(nested('req', kvlist(str('', 'w'))))),
            ],
          },
        ],
      },
      { resource: { attributes: [str('service.name', 'nested-empty'), nested('k8s', kvlist(str('', 'r')))] }, scopeLogs: [{ logRecords: [record('resource map')] }] },
    ],
  };
  // A second export: partial_success's message names five refusals and counts the rest.
  const scopePayload = {
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', 'nested-empty')] },
        scopeLogs: [{ scope: { name: 'lib', attributes: [nested('lib', kvlist(str('', 's')))] }, logRecords: [record('scope map')] }],
      },
    ],
  };
  const res = await post(JSON.stringify(payload), 'application/json');
  assert.equal(res.statusCode, 200, res.body);
  const answer = (res.json() as { partialSuccess: PartialSuccess }).partialSuccess;
  assert.equal(answer.rejectedLogRecords, 5, answer.errorMessage);
  const code = 'LS_INGEST_OTLP_EMPTY_ATTRIBUTE_KEY';
  assert.ok(answer.errorMessage.includes(`record 1: ${code}: log record 1: a map value in the attributes of the record, at http."", has an empty key`), answer.errorMessage);
  assert.ok(answer.errorMessage.includes(`record 3: ${code}: log record 3: a map value in the attributes of the record, at a.b."", has`), answer.errorMessage);
  assert.ok(answer.errorMessage.includes(`record 4: ${code}: log record 4: its kvlist body, at "", has`), answer.errorMessage);
  assert.ok(answer.errorMessage.includes(`record 5: ${code}: log record 5: its kvlist body, at req."", has`), answer.errorMessage);
  assert.ok(answer.errorMessage.includes(`record 6: ${code}: log record 6: a map value in the attributes of its resource, at k8s."", has`), answer.errorMessage);
  const scopeRes = await post(JSON.stringify(scopePayload), 'application/json');
  const scopeAnswer = (scopeRes.json() as { partialSuccess: PartialSuccess }).partialSuccess;
  assert.equal(scopeAnswer.rejectedLogRecords, 1, scopeRes.body);
  assert.match(scopeAnswer.errorMessage, /^record 1: LS_INGEST_OTLP_EMPTY_ATTRIBUTE_KEY: log record 1: a map value in the attributes of its scope, at lib\."", has/);
  const hits = await h().search('service.name:nested-empty');
  assert.deepEqual(
    hits.map((e) => [e.message, e['http.method']]),
    [['kept', 'GET']],
  );
});

/*
 * A map inside an array is kept in the array's JSON text, where its keys name
 * no field: a key "" there is data. Protobuf's JSON printers (Python's
 * MessageToJson, Go's protojson) omit a key "" as protobuf leaves it off the
 * wire; such an entry was dropped, value and all. test/src/protocol-otlp.test.ts
 * sends both encodings with the SDK's exporters.
 */
test('a key "" (or omitted) in a map inside an array is stored in the array\'s text; the record is not refused', async () => {
  const kvlist = (...values: unknown[]) => ({ kvlistValue: { values } });
  const array = (...values: unknown[]) => ({ arrayValue: { values } });
  const payload = {
    resourceLogs: [
      {
        resource: { attributes: [str('service.name', 'array-map-key')] },
        scopeLogs: [{ logRecords: [record('in an array', [{ key: 'items', value: array(kvlist(str('', 'x'), str('id', '1')), kvlist({ value: { stringValue: 'y' } })) }])] }],
      },
    ],
  };
  const res = await post(JSON.stringify(payload), 'application/json');
  assert.equal(res.statusCode, 200, res.body);
  assert.equal((res.json() as { partialSuccess?: PartialSuccess }).partialSuccess, undefined, res.body);
  const hits = await h().search('service.name:array-map-key');
  assert.deepEqual(hits.map((e) => [e.message, e.items]), [['in an array', '[{"":"x","id":"1"},{"":"y"}]']]);
});
