import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync, gzipSync } from 'node:zlib';
import { ExportLogsServiceRequest, ExportLogsServiceResponse, RpcStatus } from './otlp-proto.js';
import { fuzzBodies, fileTestApp, WRITE_TOKEN } from '../test-app.js';

const h = fileTestApp();

const auth = { authorization: `Bearer ${WRITE_TOKEN}` };
const NS = '1770555600250000000'; // 2026-02-08T13:00:00.250Z

const request = (records: Record<string, unknown>[]) => ({
  resourceLogs: [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'checkout' } },
          { key: 'host.name', value: { stringValue: 'web-7' } },
          { key: 'k8s.pod.name', value: { stringValue: 'checkout-abc' } },
        ],
      },
      scopeLogs: [{ scope: { name: 'app.payments', version: '1.2.0' }, logRecords: records }],
    },
  ],
});

const post = (payload: Buffer | string, type: string, headers: Record<string, string> = {}) =>
  h().logship.app.inject({ method: 'POST', url: '/v1/logs', payload, headers: { ...auth, 'content-type': type, ...headers } });

test('protobuf export: attributes as fields, severity → level, ids hex, kvlist body flattened; a retry stores once', async () => {
  const msg = ExportLogsServiceRequest.fromObject(
    request([
      {
        timeUnixNano: NS,
        severityNumber: 17,
        severityText: 'ERROR',
        body: { stringValue: 'payment declined' },
        attributes: [{ key: 'order.id', value: { intValue: 42 } }],
        traceId: Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex'),
        spanId: Buffer.from('b7ad6b7169203331', 'hex'),
      },
      {
        timeUnixNano: NS,
        severityNumber: 9,
        body: { kvlistValue: { values: [{ key: 'msg', value: { stringValue: 'structured body' } }, { key: 'user', value: { kvlistValue: { values: [{ key: 'id', value: { stringValue: 'u-9' } }] } } }] } },
      },
    ]),
  );
  const body = Buffer.from(ExportLogsServiceRequest.encode(msg).finish());
  for (let i = 0; i < 2; i++) {
    const res = await post(gzipSync(body), 'application/x-protobuf', { 'content-encoding': 'gzip' });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal(res.headers['content-type'], 'application/x-protobuf');
    const ans = ExportLogsServiceResponse.toObject(ExportLogsServiceResponse.decode(res.rawPayload));
    assert.equal(ans.partialSuccess, undefined);
  }
  const hits = await h().search('service.name:checkout');
  assert.equal(hits.length, 2);
  const err = hits.find((e) => e.message === 'payment declined')!;
  assert.equal(err.level, 'error');
  assert.equal(err.host, 'web-7');
  assert.equal(err['k8s.pod.name'], 'checkout-abc');
  assert.equal(err['otel.scope.name'], 'app.payments');
  assert.equal(err['order.id'], 42);
  assert.equal(err.trace_id, '0af7651916cd43dd8448eb211c80319c');
  assert.equal(err.span_id, 'b7ad6b7169203331');
  assert.equal(err['@timestamp'], '2026-02-08T13:00:00.250Z');
  const kv = hits.find((e) => e.message === 'structured body')!;
  assert.equal(kv['user.id'], 'u-9');
  assert.equal(kv.level, 'info');
  assert.equal(await h().metric('logship_ingest_events_total', { protocol: 'otlp', outcome: 'duplicate' }), 2);
});

test('JSON export with hex ids; a bad record is counted in partialSuccess and the rest stored', async () => {
  const payload = JSON.stringify(
    request([
      { timeUnixNano: NS, severityText: 'warn', body: { stringValue: 'json encoded record' }, traceId: '5b8efff798038103d269b633813fc60c' },
      { timeUnixNano: 'yesterday', body: { stringValue: 'bad time' } },
    ]),
  );
  const res = await post(payload, 'application/json');
  assert.equal(res.statusCode, 200, res.body);
  const ans = res.json() as { partialSuccess: { rejectedLogRecords: number; errorMessage: string } };
  assert.equal(ans.partialSuccess.rejectedLogRecords, 1);
  assert.match(ans.partialSuccess.errorMessage, /record 2: LS_INGEST_BAD_PAYLOAD/);
  const hit = (await h().search('"json encoded record"'))[0]!;
  assert.equal(hit.level, 'warning');
  assert.equal(hit.trace_id, '5b8efff798038103d269b633813fc60c');
});

test('a record older than retention keeps is counted in partialSuccess (the Collector logs it), not answered as a plain success', async () => {
  const msg = ExportLogsServiceRequest.fromObject(
    request([
      { timeUnixNano: NS, body: { stringValue: 'fresh backfill record' } },
      { timeUnixNano: '946684800000000000', body: { stringValue: 'y2k backfill record' } },
    ]),
  );
  const res = await post(Buffer.from(ExportLogsServiceRequest.encode(msg).finish()), 'application/x-protobuf');
  assert.equal(res.statusCode, 200, res.body);
  const ans = ExportLogsServiceResponse.toObject(ExportLogsServiceResponse.decode(res.rawPayload), { longs: Number }) as {
    partialSuccess?: { rejectedLogRecords: number; errorMessage: string };
  };
  assert.equal(ans.partialSuccess?.rejectedLogRecords, 1);
  assert.match(ans.partialSuccess.errorMessage, /1 record\(s\) older than retention keeps were not stored/);
  assert.equal((await h().search('"fresh backfill record"')).length, 1);
});

test('JSON export with the times as JSON numbers (protobuf JSON allows it for 64-bit integers): stored at that time, not rejected', async () => {
  const payload = JSON.stringify(request([{ timeUnixNano: 0, observedTimeUnixNano: 0, body: { stringValue: 'placeholder' } }])).replace(
    '"timeUnixNano":0,"observedTimeUnixNano":0,"body":{"stringValue":"placeholder"}',
    `"timeUnixNano":${NS},"observedTimeUnixNano":${NS},"body":{"stringValue":"numeric nanoseconds"}`,
  );
  assert.match(payload, /"timeUnixNano":1770555600250000000,/);
  const res = await post(payload, 'application/json');
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), {});
  const hit = (await h().search('"numeric nanoseconds"'))[0];
  assert.ok(hit, 'the record is stored');
  assert.equal(hit['@timestamp'], '2026-02-08T13:00:00.250Z');
  assert.equal(hit['otel.time_unix_nano'], NS, 'the digits as sent, not rounded to a double');
});

test('JSON export with the proto field names (snake_case) and enum-named severities, as protobuf JSON printers write them', async () => {
  // Python's MessageToJson(preserving_proto_field_name=True) and Go's
  // protojson (UseProtoNames, enums by name); the Collector reads these.
  const payload = JSON.stringify({
    resource_logs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { string_value: 'snake-svc' } }] },
        scope_logs: [
          {
            scope: { name: 'py.app' },
            log_records: [
              { time_unix_nano: NS, severity_number: 'SEVERITY_NUMBER_ERROR', severity_text: 'ERROR', body: { string_value: 'snake case record' }, trace_id: '5b8efff798038103d269b633813fc60d', attributes: [{ key: 'http.status_code', value: { int_value: '502' } }] },
              { timeUnixNano: NS, severityNumber: 'SEVERITY_NUMBER_WARN2', body: { stringValue: 'enum named warning' } },
            ],
          },
        ],
      },
    ],
  });
  const res = await post(payload, 'application/json');
  assert.equal(res.statusCode, 200, res.body);
  assert.deepEqual(res.json(), {});
  const hit = (await h().search('"snake case record"'))[0];
  assert.ok(hit, 'the snake_case record is stored');
  assert.equal(hit['service.name'], 'snake-svc');
  assert.equal(hit['otel.scope.name'], 'py.app');
  assert.equal(hit['http.status_code'], 502);
  assert.equal(hit.level, 'error');
  assert.equal(hit['otel.severity_number'], 17);
  assert.equal(hit.trace_id, '5b8efff798038103d269b633813fc60d');
  assert.equal(hit['@timestamp'], '2026-02-08T13:00:00.250Z');
  const warn = (await h().search('"enum named warning"'))[0]!;
  assert.equal(warn.level, 'warning');
  assert.equal(warn['otel.severity_number'], 14);
});

test("the Collector's compression: zlib and deflate (Content-Encoding named so, zlib-wrapped) are read", async () => {
  for (const name of ['zlib', 'deflate']) {
    const payload = JSON.stringify(request([{ timeUnixNano: NS, body: { stringValue: `${name} compressed record` } }]));
    const res = await post(deflateSync(payload), 'application/json', { 'content-encoding': name });
    assert.equal(res.statusCode, 200, res.body);
    assert.equal((await h().search(`"${name} compressed record"`)).length, 1);
  }
});

test('a resource or record attribute named event.id is not the records\' id: each record is stored, the attribute kept as otel.event.id', async () => {
  const body = {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'idres' } }, { key: 'event.id', value: { stringValue: 'batch-7' } }] },
        scopeLogs: [
          {
            logRecords: [0, 1, 2].map((i) => ({
              timeUnixNano: String(BigInt(NS) + BigInt(i)),
              body: { stringValue: `id attribute record ${i}` },
              attributes: i === 2
                ? [{ key: '@time', value: { stringValue: '2020-01-01T00:00:00Z' } }]
                : [{ key: 'event', value: { kvlistValue: { values: [{ key: 'id', value: { stringValue: 'nested' } }, { key: 'kind', value: { stringValue: 'k' } }] } } }],
            })),
          },
        ],
      },
    ],
  };
  const res = await post(JSON.stringify(body), 'application/json');
  assert.equal(res.statusCode, 200, res.body);
  const hits = await h().search('service.name:idres');
  assert.deepEqual(hits.map((e) => e.message).sort(), ['id attribute record 0', 'id attribute record 1', 'id attribute record 2']);
  assert.ok(hits.every((e) => e['event.id'] !== 'batch-7' && e['event.id'] !== 'nested'));
  assert.equal(hits.find((e) => e.message === 'id attribute record 2')!['otel.event.id'], 'batch-7');
  // A kvlist attribute `event` {id} is not the id either (record attributes are laid over the resource's).
  const first = hits.find((e) => e.message === 'id attribute record 0')!;
  assert.equal(first['otel.event.id'], 'nested');
  assert.equal(first['event.kind'], 'k');
  const third = hits.find((e) => e.message === 'id attribute record 2')!;
  assert.equal(third['@timestamp'], '2026-02-08T13:00:00.250Z');
  assert.equal(third['otel.@time'], '2020-01-01T00:00:00Z');
});

test("the Collector's filelog receiver: the log.file.path attribute is source", async () => {
  // filelog with include_file_path: true; the body is the line as read.
  const payload = JSON.stringify(
    request([{ timeUnixNano: NS, body: { stringValue: 'filelog line' }, attributes: [{ key: 'log.file.path', value: { stringValue: '/var/log/app/orders.log' } }, { key: 'log.file.name', value: { stringValue: 'orders.log' } }] }]),
  );
  const res = await post(payload, 'application/json');
  assert.equal(res.statusCode, 200, res.body);
  const hit = (await h().search('"filelog line"'))[0]!;
  assert.equal(hit.source, '/var/log/app/orders.log');
  assert.equal(hit['log.file.path'], '/var/log/app/orders.log');
});

test('bad bodies answer a google.rpc.Status in the request encoding with a 4xx', async () => {
  const res = await post(Buffer.from([0xff, 0xff, 0xff, 0x01, 0x02]), 'application/x-protobuf');
  assert.equal(res.statusCode, 400);
  const status = RpcStatus.toObject(RpcStatus.decode(res.rawPayload)) as { code: number; message: string };
  assert.equal(status.code, 3);
  assert.match(status.message, /LS_INGEST_BAD_PROTOBUF/);
  const json = await post('{"resourceLogs": 3}', 'application/json');
  assert.equal(json.statusCode, 400);
  assert.equal((json.json() as { code: number }).code, 3);
  const type = await post('x', 'text/plain');
  assert.equal(type.statusCode, 415);
  const anon = await h().logship.app.inject({ method: 'POST', url: '/v1/logs', payload: '{}', headers: { 'content-type': 'application/json' } });
  assert.equal(anon.statusCode, 401);
  assert.equal((anon.json() as { code: number }).code, 16);
});

/**
 * schemathesis sent `{"resourceLogs": [-269853365996, -4358]}` and got 200
 * `{}`: a list of the wrong things, or `logRecords` written as one object
 * instead of a list of one, was answered as a success with nothing stored,
 * so the sender dropped its logs. Protobuf's JSON mapping refuses both
 * (400); absent and null lists are still empty.
 */
test('JSON export: a list that is not one, or a resource or scope entry that is not an object, is a 400 naming it, not a 200 storing nothing', async () => {
  const record = { timeUnixNano: NS, body: { stringValue: 'one object, not a list' } };
  const cases: [body: unknown, path: string][] = [
    [{ resourceLogs: [-269853365996, -4358] }, 'resourceLogs[0] must be an object'],
    [{ resourceLogs: [null] }, 'resourceLogs[0] must be an object'],
    [{ resourceLogs: [{ scopeLogs: { logRecords: [record] } }] }, 'resourceLogs[0].scopeLogs must be an array'],
    [{ resourceLogs: [{ scopeLogs: ['x'] }] }, 'resourceLogs[0].scopeLogs[0] must be an object'],
    [{ resourceLogs: [{ scopeLogs: [{ logRecords: [] }, { logRecords: record }] }] }, 'resourceLogs[0].scopeLogs[1].logRecords must be an array'],
    [{ resource_logs: [{ scope_logs: [{ log_records: record }] }] }, 'resourceLogs[0].scopeLogs[0].logRecords must be an array'],
  ];
  for (const [body, path] of cases) {
    const res = await post(JSON.stringify(body), 'application/json');
    assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
    const status = res.json() as { code: number; message: string };
    assert.equal(status.code, 3);
    assert.ok(status.message.includes(path), status.message);
  }
  for (const body of [{}, { resourceLogs: null }, { resourceLogs: [{ scopeLogs: null }] }, { resourceLogs: [{ scopeLogs: [{ logRecords: null }] }] }]) {
    const res = await post(JSON.stringify(body), 'application/json');
    assert.equal(res.statusCode, 200, `${JSON.stringify(body)}: ${res.body}`);
  }
});

test('fuzz: mutated protobuf and JSON exports never answer 5xx', async () => {
  const records = [{ timeUnixNano: NS, severityNumber: 13, body: { stringValue: 'fz' }, attributes: [{ key: 'a', value: { arrayValue: { values: [{ intValue: 1 }, { boolValue: true }] } } }] }];
  const proto = Buffer.from(ExportLogsServiceRequest.encode(ExportLogsServiceRequest.fromObject(request(records))).finish());
  const json = Buffer.from(JSON.stringify(request(records)));
  for (const [valid, type, seed] of [[proto, 'application/x-protobuf', 4], [json, 'application/json', 5]] as const) {
    for (const body of fuzzBodies(valid, seed, 300)) {
      const res = await post(body, type);
      assert.ok(res.statusCode < 500, `seed ${seed}: ${res.statusCode} ${res.body} for ${body.toString('hex')}`);
    }
  }
});
