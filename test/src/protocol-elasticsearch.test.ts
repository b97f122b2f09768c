/**
 * Elasticsearch _bulk with real clients against a real `logship serve`:
 * the official @elastic/elasticsearch client's bulk helper (ApiKey auth,
 * its product check on the root document) and, in protocol-rsyslog tests,
 * rsyslog's omelasticsearch. N documents, some sent twice; a search finds
 * each exactly once with its fields.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Client } from '@elastic/elasticsearch';
import { stopAll, type ServerHandle } from './harness.js';
import { assertEachOnce, findAll, READ_TOKEN, startProtocolServer, WRITE_TOKEN } from './protocol-support.js';

let server: ServerHandle;
let client: Client;
before(async () => {
  server = await startProtocolServer();
  client = new Client({ node: `${server.url}/es`, auth: { apiKey: Buffer.from(`shipper:${WRITE_TOKEN}`).toString('base64') } });
});
after(async () => {
  await client.close();
  await stopAll();
});

interface Doc {
  id: string;
  '@timestamp': string;
  'log.level': string;
  message: string;
  service: { name: string };
  order: number;
}

test('the client talks to /es: info() passes its product check', async () => {
  const info = await client.info();
  assert.match(info.version.number, /^8\./);
});

test('bulk helper: N documents with create + _id, 6 resent; each stored once, resends answered 409', async () => {
  const base = Date.now() - 120_000;
  const N = 40;
  const docs: Doc[] = Array.from({ length: N }, (_, i) => ({
    id: `doc-${i}`,
    '@timestamp': new Date(base + i * 10).toISOString(),
    'log.level': i % 4 === 0 ? 'WARN' : 'INFO',
    message: `bulk helper document ${i}`,
    service: { name: 'billing' },
    order: i,
  }));
  const dropped: unknown[] = [];
  const run = (datasource: Doc[]) =>
    client.helpers.bulk<Doc>({
      datasource,
      flushBytes: 2000,
      onDocument: (doc) => ({ create: { _index: 'logs-billing', _id: doc.id } }),
      onDrop: (d) => dropped.push(d),
    });
  const first = await run(docs);
  assert.equal(first.successful, N);
  assert.equal(first.failed, 0);
  const again = await run([docs[0]!, docs[7]!, docs[13]!, docs[21]!, docs[33]!, docs[39]!]);
  assert.equal(again.failed, 6);
  assert.ok(dropped.every((d) => (d as { status: number }).status === 409), JSON.stringify(dropped[0]));

  const hits = await findAll(server.url, 'es.index:logs-billing');
  assertEachOnce(hits, 'event.id', docs.map((d) => d.id));
  const h0 = hits.find((h) => h['event.id'] === 'doc-0')!;
  assert.equal(h0.level, 'warning');
  assert.equal(h0.message, 'bulk helper document 0');
  assert.equal(h0['service.name'], 'billing');
  assert.equal(h0.order, 0);
  assert.equal(h0['@timestamp'], docs[0]!['@timestamp']);
});

test('bulk helper with index actions and no _id: a resent batch is stored once', async () => {
  const base = Date.now() - 100_000;
  const docs = Array.from({ length: 15 }, (_, i) => ({ '@timestamp': new Date(base + i).toISOString(), message: `index action ${i}`, seq: `s-${i}` }));
  const run = () => client.helpers.bulk({ datasource: docs, onDocument: () => ({ index: { _index: 'logs-noid' } }) });
  assert.equal((await run()).successful, 15);
  assert.equal((await run()).successful, 15); // index over an existing document succeeds, as in Elasticsearch
  assertEachOnce(await findAll(server.url, 'es.index:logs-noid'), 'seq', docs.map((d) => d.seq));
});

test('a bad request gets an Elasticsearch error the client surfaces as ResponseError', async () => {
  await assert.rejects(
    client.transport.request({ method: 'POST', path: '/_bulk', body: '{not json\n', bulkBody: undefined }),
    (err: Error & { meta?: { statusCode?: number; body?: { error?: { type?: string } } } }) => {
      assert.equal(err.meta?.statusCode, 400);
      assert.equal(err.meta?.body?.error?.type, 'illegal_argument_exception');
      return true;
    },
  );
});

test('a wrong method on a known path is a 405 the client reads as Elasticsearch 8 sends it: the string error, status, Allow', async () => {
  await assert.rejects(client.transport.request({ method: 'GET', path: '/_bulk' }), (err: Error & { statusCode?: number; headers?: Record<string, string>; body?: unknown }) => {
    assert.equal(err.name, 'ResponseError');
    assert.equal(err.statusCode, 405);
    assert.equal(err.headers?.allow, 'POST,PUT');
    assert.equal((err.body as { error: string }).error, 'Incorrect HTTP method for uri [/es/_bulk] and method [GET], allowed: [POST, PUT]');
    return true;
  });
});

test("Filebeat's documents (ECS): log.file.path is source, so the lines around an event are its file's", async () => {
  // Filebeat 8's filestream documents, as its elasticsearch output sends them (create into its data stream).
  const base = Date.now() - 50_000;
  const doc = (i: number, path: string) => ({
    '@timestamp': new Date(base + i).toISOString(),
    message: `filebeat line ${i} of ${path}`,
    log: { offset: i * 100, file: { path } },
    input: { type: 'filestream' },
    host: { name: 'fb-host-1' },
    agent: { type: 'filebeat', version: '8.17.0' },
    ecs: { version: '8.0.0' },
  });
  const docs = [doc(0, '/var/log/app/a.log'), doc(1, '/var/log/app/b.log'), doc(2, '/var/log/app/a.log'), doc(3, '/var/log/app/b.log')];
  const res = await fetch(`${server.url}/es/_bulk?filter_path=errors,items.*.error,items.*.status`, {
    method: 'POST',
    headers: { authorization: `ApiKey ${Buffer.from(`filebeat:${WRITE_TOKEN}`).toString('base64')}`, 'content-type': 'application/x-ndjson' },
    body: docs.map((d) => `{"create":{"_index":"filebeat-8.17.0"}}\n${JSON.stringify(d)}\n`).join(''),
  });
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { errors: boolean }).errors, false);

  const hits = await findAll(server.url, 'source:"/var/log/app/a.log"');
  assertEachOnce(hits, 'message', ['filebeat line 0 of /var/log/app/a.log', 'filebeat line 2 of /var/log/app/a.log']);
  assert.equal(hits[0]!.host, 'fb-host-1');
  const anchor = hits.find((h) => h.message === 'filebeat line 2 of /var/log/app/a.log')!;
  const params = new URLSearchParams({ id: String(anchor['event.id']), ts: String(anchor['@timestamp']) });
  const ctx = (await (await fetch(`${server.url}/api/v1/context?${params}`, { headers: { authorization: `Bearer ${READ_TOKEN}` } })).json()) as { before: Record<string, unknown>[] };
  assert.deepEqual(ctx.before.map((e) => e.message), ['filebeat line 0 of /var/log/app/a.log'], 'the line before it in its file, not the other file\'s');
});

test("Filebeat's journald input (ECS, no log.level): the syslog priority is the level and systemd.unit the unit", async () => {
  // What Filebeat's journald input sends: PRIORITY in log.syslog.priority, _SYSTEMD_UNIT in systemd.unit.
  const at = new Date(Date.now() - 40_000).toISOString();
  const entry = (priority: number, message: string) => ({
    '@timestamp': at,
    message,
    log: { syslog: { priority, facility: { code: 3 }, identifier: 'nginx' } },
    systemd: { unit: 'nginx.service', transport: 'stdout' },
    host: { hostname: 'jb-host-1', name: 'jb-host-1' },
    process: { pid: 812 },
    input: { type: 'journald' },
    ecs: { version: '8.0.0' },
  });
  const res = await fetch(`${server.url}/es/_bulk`, {
    method: 'POST',
    headers: { authorization: `ApiKey ${Buffer.from(`filebeat:${WRITE_TOKEN}`).toString('base64')}`, 'content-type': 'application/x-ndjson' },
    body: [entry(3, 'journal upstream timed out'), entry(6, 'journal reload done')].map((d) => `{"create":{"_index":"filebeat-8.17.0"}}\n${JSON.stringify(d)}\n`).join(''),
  });
  assert.equal(res.status, 200);
  const errorsHits = await findAll(server.url, 'unit:"nginx.service" AND level:error');
  assert.deepEqual(errorsHits.map((h) => h.message), ['journal upstream timed out']);
  assert.equal(errorsHits[0]!.host, 'jb-host-1');
  assert.equal(errorsHits[0]!['log.syslog.priority'], 3, 'the priority itself is kept');
  assert.deepEqual((await findAll(server.url, 'unit:"nginx.service" AND level:info')).map((h) => h.message), ['journal reload done']);
});
