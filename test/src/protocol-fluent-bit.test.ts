/**
 * Fluent Bit's records against a real `logship serve`, as its es and loki
 * outputs send them (the bytes, since Fluent Bit is not installed here): a
 * tailed line is `{"log": "…"}` (with the kubernetes filter, `stream` and
 * `kubernetes.*` beside it), which the es output sends as the document and
 * the loki output, with its default `line_format json`, as the line. The
 * line is the event, as the agent's docker preset makes of the same line:
 * found by free text, its level and time sniffed, a JSON line normalized;
 * a resent batch is stored once.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { stopAll, type ServerHandle } from './harness.js';
import { assertEachOnce, findAll, pythonTimeAgo, startProtocolServer, WRITE_TOKEN } from './protocol-support.js';

let server: ServerHandle;
before(async () => {
  server = await startProtocolServer();
});
after(async () => {
  await stopAll();
});

const TRACE = 'Traceback (most recent call last):\n  File "/srv/app/fluent_jobs.py", line 3, in run\nValueError: fluentbad\n';

test("Fluent Bit's es output: the record's `log` line is the event; a resent batch is stored once", async () => {
  const now = new Date(Date.now() - 60_000);
  // Fluent Bit writes @timestamp with ms and Z; docker's newline stays at the end of `log`.
  const at = now.toISOString();
  const k8s = { pod_name: 'api-7', namespace_name: 'shop', container_name: 'api' };
  // The line's own time, older than the record's.
  const own = pythonTimeAgo();
  const records = [
    { '@timestamp': at, log: `${own.asctime} ERROR [worker] fluent job crashed\n${TRACE}`, stream: 'stderr', kubernetes: k8s },
    { '@timestamp': at, log: `${JSON.stringify({ levelname: 'WARNING', name: 'shop.cart', message: 'fluent cart stale', user_id: 'u-17' })}\n`, stream: 'stdout', kubernetes: k8s },
    { '@timestamp': at, log: 'fluent plain line without a level\n', stream: 'stdout', kubernetes: k8s },
  ];
  const body = records.map((r) => `{"create":{"_index":"fluent-bit","_type":"_doc"}}\n${JSON.stringify(r)}\n`).join('');
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${server.url}/es/_bulk`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`fluent-bit:${WRITE_TOKEN}`).toString('base64')}`, 'content-type': 'application/x-ndjson' },
      body,
    });
    assert.equal(res.status, 200);
    const answer = (await res.json()) as { errors: boolean };
    assert.equal(answer.errors, i === 1, JSON.stringify(answer)); // the resend: 409 per item, as Elasticsearch answers a create of a stored id
  }

  const hits = await findAll(server.url, 'es.index:fluent-bit');
  assertEachOnce(hits, 'message', [
    `${own.asctime} ERROR [worker] fluent job crashed\n${TRACE.trimEnd()}`,
    'fluent cart stale',
    'fluent plain line without a level',
  ]);
  const crash = (await findAll(server.url, 'fluentbad AND "fluent_jobs.py"'))[0]!;
  assert.equal(crash.level, 'error');
  assert.equal(crash['@timestamp'], own.iso, "the line's own time wins over the record's");
  assert.equal(crash.stream, 'stderr');
  assert.equal(crash['kubernetes.pod_name'], 'api-7');
  assert.equal(crash.log, undefined, 'the line is the message, not a field beside it');
  const cart = (await findAll(server.url, 'user_id:u-17'))[0]!;
  assert.equal(cart.level, 'warning');
  assert.equal(cart.logger, 'shop.cart');
  const plain = (await findAll(server.url, '"fluent plain line"'))[0]!;
  assert.equal(plain['@timestamp'], at, "without a time of its own, the record's");
});

test("Fluent Bit's loki output (line_format json): the `log` line is the event", async () => {
  const ns = `${Date.now() - 30_000}000000`;
  const res = await fetch(`${server.url}/loki/api/v1/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ streams: [{ stream: { job: 'fluent-bit' }, values: [[ns, JSON.stringify({ log: 'WARN fluent loki disk nearly full', stream: 'stdout' })]] }] }),
  });
  assert.equal(res.status, 204, await res.text());
  const hits = await findAll(server.url, '"disk nearly full"');
  assert.equal(hits.length, 1);
  assert.equal(hits[0]!.message, 'WARN fluent loki disk nearly full');
  assert.equal(hits[0]!.level, 'warning');
  assert.equal(hits[0]!.job, 'fluent-bit');
});

test("Fluent Bit's http output (format json) and Vector's http sink (json codec): a JSON array body on the native route is one event an element; a resent batch is stored once", async () => {
  // Fluent Bit's out_http with `format json` posts the batch as one JSON array, its time as `date` (json_date_key).
  const date = (Date.now() - 45_000) / 1000;
  const own = pythonTimeAgo();
  const records = [
    { date, log: 'fluent http first line\n', stream: 'stdout' },
    { date, log: `${own.asctime} ERROR [worker] fluent http job crashed\n`, stream: 'stderr' },
    { date, log: 'fluent http third line\n', stream: 'stdout', tag: 'fb-http' },
  ];
  const answers = [];
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${server.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { authorization: `Bearer ${WRITE_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(records),
    });
    assert.equal(res.status, 200);
    answers.push((await res.json()) as { stored: number; duplicates: number; errors: unknown[] });
  }
  assert.deepEqual(answers.map((a) => [a.stored, a.duplicates, a.errors.length]), [[3, 0, 0], [0, 3, 0]]);
  const hits = await findAll(server.url, '"fluent http"');
  assert.equal(hits.length, 3, JSON.stringify(hits.map((h) => h.message)));
  for (const text of ['fluent http first line', 'fluent http job crashed', 'fluent http third line']) {
    assert.equal(hits.filter((h) => String(h.message).includes(text)).length, 1, text);
  }
  assert.equal(hits.find((h) => String(h.message).includes('job crashed'))!.level, 'error');
  // An array of something else is still refused line by line, with its code.
  const bad = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers: { authorization: `Bearer ${WRITE_TOKEN}` }, body: '[1, 2]' });
  assert.match(JSON.stringify(await bad.json()), /LS_INGEST_LINE_NOT_OBJECT/);
});
