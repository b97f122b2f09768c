import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { fuzzBodies, fileTestApp, testApp, WRITE_TOKEN } from '../test-app.js';

const h = fileTestApp();

const auth = { authorization: `Bearer ${WRITE_TOKEN}` };
const ndjson = (...lines: unknown[]): string => lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n';
const bulk = (payload: string | Buffer, url = '/es/_bulk', headers: Record<string, string> = auth) =>
  h().logship.app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/x-ndjson', ...headers } });

test('the probes: root document 8.x with X-Elastic-Product, license, xpack, setup calls as no-ops', async () => {
  for (const method of ['GET', 'HEAD'] as const) {
    const res = await h().logship.app.inject({ method, url: '/es/', headers: auth });
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['x-elastic-product'], 'Elasticsearch');
    if (method === 'GET') assert.match((res.json() as { version: { number: string } }).version.number, /^8\./);
  }
  const lic = await h().logship.app.inject({ method: 'GET', url: '/es/_license', headers: auth });
  assert.equal((lic.json() as { license: { status: string } }).license.status, 'active');
  const xpack = await h().logship.app.inject({ method: 'GET', url: '/es/_xpack', headers: auth });
  assert.equal(xpack.statusCode, 200);
  for (const [method, url] of [['PUT', '/es/_index_template/filebeat'], ['PUT', '/es/_ilm/policy/logs'], ['PUT', '/es/_data_stream/logs-app'], ['HEAD', '/es/logs-app']] as const) {
    const res = await h().logship.app.inject({ method, url, payload: method === 'PUT' ? '{}' : undefined, headers: { ...auth, 'content-type': 'application/json' } });
    assert.equal(res.statusCode, 200, `${method} ${url}: ${res.body}`);
    assert.match(String(res.headers['x-logship-noop']), /ignored/);
  }
  const unknown = await h().logship.app.inject({ method: 'GET', url: '/es/_snapshot/repo', headers: auth });
  assert.equal(unknown.statusCode, 400);
  assert.match((unknown.json() as { error: { reason: string } }).error.reason, /no handler found/);
});

test('bulk index/create: _id is event.id, _index a field, per-item status 201/409/200/400 in ES shape', async () => {
  const body = ndjson(
    { create: { _index: 'logs-app', _id: 'es-1' } },
    { '@timestamp': '2026-02-08T12:00:00.000Z', 'log.level': 'ERROR', message: 'ecs one', 'service.name': 'checkout' },
    { index: { _id: 'es-2' } },
    { '@timestamp': '2026-02-08T12:00:01.000Z', 'log.level': 'info', message: 'ecs two' },
    { index: {} },
    'not a json document',
    { delete: { _id: 'es-1' } },
  );
  const res = await bulk(body, '/es/shop/_bulk');
  assert.equal(res.statusCode, 200, res.body);
  assert.equal(res.headers['x-elastic-product'], 'Elasticsearch');
  const ans = res.json() as { errors: boolean; items: Record<string, { status: number; _id: string; _index: string; error?: { type: string } }>[] };
  assert.equal(ans.errors, true);
  assert.deepEqual(ans.items.map((i) => Object.keys(i)[0]), ['create', 'index', 'index', 'delete']);
  assert.deepEqual(ans.items.map((i) => Object.values(i)[0]!.status), [201, 201, 400, 400]);
  assert.equal(ans.items[0]!.create!._index, 'logs-app');
  assert.equal(ans.items[1]!.index!._index, 'shop');

  // The retry: create answers 409 (already exists), index 200; nothing stored twice.
  const again = (await bulk(body, '/es/shop/_bulk')).json() as typeof ans;
  assert.deepEqual(again.items.map((i) => Object.values(i)[0]!.status), [409, 200, 400, 400]);
  assert.equal(again.items[0]!.create!.error!.type, 'version_conflict_engine_exception');

  const hits = await h().search('es.index:*');
  assert.equal(hits.length, 2);
  const one = hits.find((e) => e['event.id'] === 'es-1')!;
  assert.equal(one.level, 'error');
  assert.equal(one.message, 'ecs one');
  assert.equal(one['es.index'], 'logs-app');
  assert.equal(one['service.name'], 'checkout');
  assert.equal(await h().metric('logship_ingest_events_total', { protocol: 'elasticsearch', outcome: 'stored' }), 2);
});

test("a deflate bulk (Vector's compression = \"zlib\") is read and answered per item", async () => {
  const body = ndjson({ create: { _index: 'vector-zlib' } }, { message: 'zlib compressed bulk doc', '@timestamp': '2026-02-08T12:40:00Z' });
  const res = await bulk(deflateSync(body), '/es/_bulk', { ...auth, 'content-encoding': 'deflate' });
  assert.equal(res.statusCode, 200, res.body);
  assert.equal((res.json() as { errors: boolean }).errors, false);
  assert.equal((await h().search('es.index:vector-zlib')).length, 1);
});

test("Logstash's ECS events (no ecs.version, no log.level): host.name is host, log.file.path is source, as Filebeat's", async () => {
  // What Logstash 8's file input (ecs_compatibility v8) sends through its elasticsearch output.
  const doc = { '@timestamp': '2026-02-08T12:45:00.000Z', '@version': '1', message: 'logstash shipped line', host: { name: 'ls-web-3' }, log: { file: { path: '/var/log/app/orders.log' } }, event: { original: 'logstash shipped line' } };
  const res = await bulk(ndjson({ index: { _index: 'logstash-app' } }, doc));
  assert.equal(res.statusCode, 200, res.body);
  const [hit] = await h().search('"logstash shipped line"');
  assert.equal(hit?.host, 'ls-web-3');
  assert.equal(hit?.source, '/var/log/app/orders.log');
  assert.equal((await h().search('host:ls-web-3 AND source:"/var/log/app/orders.log"')).length, 1);
});

test('a bulk without _id derives a stable id, so a resent batch is stored once', async () => {
  const body = ndjson({ index: { _index: 'noid' } }, { message: 'no id here', '@timestamp': '2026-02-08T12:30:00Z' });
  const a = (await bulk(body)).json() as { items: { index: { _id: string; status: number } }[] };
  const b = (await bulk(body)).json() as typeof a;
  assert.equal(a.items[0]!.index._id, b.items[0]!.index._id);
  const stored = await h().search('es.index:noid');
  assert.equal(stored.length, 1);
  // The answered _id is the stored event's id: its content id (es.index is part of the content).
  assert.equal(stored[0]!['event.id'], a.items[0]!.index._id);
  assert.equal((await h().search(`event.id:"${a.items[0]!.index._id}"`)).length, 1);
  const other = (await bulk(ndjson({ index: { _index: 'noid-2' } }, { message: 'no id here', '@timestamp': '2026-02-08T12:30:00Z' }))).json() as typeof a;
  assert.notEqual(other.items[0]!.index._id, a.items[0]!.index._id);
  // A document refused before it is normalized (over the 1 MiB line limit) still answers with an id: a hash of it.
  const big = { message: 'y'.repeat(1024 * 1024), '@timestamp': '2026-02-08T12:30:00Z' };
  const bad = (await bulk(ndjson({ index: { _index: 'noid' } }, big))).json() as { items: { index: { _id: string; status: number } }[] };
  assert.equal(bad.items[0]!.index.status, 400);
  assert.match(bad.items[0]!.index._id, /\S/);
  assert.equal((await bulk(ndjson({ index: { _index: 'noid' } }, big))).json().items[0].index._id, bad.items[0]!.index._id);
  // So does one that is not JSON, or not an object.
  const notJson = (await bulk(ndjson({ create: { _index: 'noid' } }, 'not json at all', { create: { _index: 'noid' } }, '"a string"'))).json() as { items: { create: { _id: string; status: number } }[] };
  assert.deepEqual(notJson.items.map((i) => i.create.status), [400, 400]);
  for (const i of notJson.items) assert.match(i.create._id, /\S/);
  assert.notEqual(notJson.items[0]!.create._id, notJson.items[1]!.create._id);
});

test('an index or create action naming no index (neither _index nor the path) is refused per item, as Elasticsearch refuses it; the others are stored', async () => {
  const body = ndjson(
    { index: {} },
    { message: 'bare no index', '@timestamp': '2026-02-08T12:31:00Z' },
    { create: { _index: '', _id: 'empty-index' } },
    { message: 'empty index name', '@timestamp': '2026-02-08T12:31:01Z' },
    { create: { _index: 'named' } },
    { message: 'named index', '@timestamp': '2026-02-08T12:31:02Z' },
  );
  const res = await bulk(body);
  assert.equal(res.statusCode, 200, res.body);
  const ans = res.json() as { errors: boolean; items: Record<string, { status: number; _id: string; _index: string; error?: { type: string; reason: string; 'logship.code': string } }>[] };
  assert.equal(ans.errors, true);
  const items = ans.items.map((i) => Object.values(i)[0]!);
  assert.deepEqual(items.map((i) => i.status), [400, 400, 201]);
  for (const i of items.slice(0, 2)) {
    assert.equal(i.error?.type, 'action_request_validation_exception');
    assert.match(i.error!.reason, /Validation Failed: 1: index is missing;/);
    assert.equal(i.error!['logship.code'], 'LS_INGEST_BULK_INDEX_MISSING');
    assert.match(i._id, /\S/, 'answered with an id all the same');
  }
  assert.equal(items[1]!._id, 'empty-index');
  assert.deepEqual(await h().search('"bare no index" OR "empty index name"'), []);
  assert.equal((await h().search('es.index:named')).length, 1);
  // The path's index names it for every action without one.
  const viaPath = (await bulk(ndjson({ index: {} }, { message: 'index from the path', '@timestamp': '2026-02-08T12:31:03Z' }), '/es/from-path/_bulk')).json() as typeof ans;
  assert.equal(viaPath.errors, false);
  assert.equal((await h().search('es.index:from-path')).length, 1);
  // A number names an index, as Elasticsearch's bulk parser reads it.
  const numbered = (await bulk(ndjson({ index: { _index: 2026 } }, { message: 'numbered index', '@timestamp': '2026-02-08T12:31:04Z' }))).json() as typeof ans;
  assert.equal(numbered.errors, false, JSON.stringify(numbered));
  assert.equal((await h().search('es.index:2026')).length, 1);
});

test('malformed requests get Elasticsearch error bodies with a 4xx', async () => {
  const res = await bulk('{not json\n{"message":"x"}\n');
  assert.equal(res.statusCode, 400);
  const e = res.json() as { error: { type: string; root_cause: unknown[]; 'logship.code': string }; status: number };
  assert.equal(e.status, 400);
  assert.equal(e.error.type, 'illegal_argument_exception');
  assert.equal(e.error['logship.code'], 'LS_INGEST_BULK_BAD_ACTION');
  const anon = await bulk(ndjson({ index: {} }, { message: 'x' }), '/es/_bulk', {});
  assert.equal(anon.statusCode, 401);
  assert.equal((anon.json() as { error: { type: string } }).error.type, 'security_exception');
  // ApiKey id:key, as Beats and the ES clients send it.
  const apiKey = Buffer.from(`key-id:${WRITE_TOKEN}`).toString('base64');
  const withKey = await bulk(ndjson({ index: { _index: 'keyed' } }, { message: 'via api key', '@timestamp': '2026-02-08T12:31:00Z' }), '/es/_bulk', { authorization: `ApiKey ${apiKey}` });
  assert.equal(withKey.statusCode, 200, withKey.body);
  assert.equal((withKey.json() as { errors: boolean }).errors, false, withKey.body);
});

test('a bulk without actions (empty body, blank lines) answers 400 as Elasticsearch does, storing nothing', async () => {
  // Elasticsearch 8.19: 400 parse_exception "request body is required" for an
  // empty body, 400 action_request_validation_exception "no requests added"
  // for blank lines; logship answers both with the latter's type.
  for (const payload of ['', '\n', '\n\n  \n']) {
    const res = await bulk(payload);
    assert.equal(res.statusCode, 400, JSON.stringify(payload));
    assert.equal(res.headers['x-elastic-product'], 'Elasticsearch');
    const e = res.json() as { error: { type: string; reason: string; 'logship.code': string }; status: number };
    assert.equal(e.status, 400);
    assert.equal(e.error.type, 'action_request_validation_exception');
    assert.match(e.error.reason, /no requests added/);
    assert.equal(e.error['logship.code'], 'LS_INGEST_BULK_EMPTY');
  }
  assert.equal((await bulk('', '/es/some-index/_bulk')).statusCode, 400);
});

test('fuzz: mutated bulk bodies never answer 5xx', async () => {
  const valid = Buffer.from(ndjson({ create: { _index: 'fz', _id: 'f1' } }, { message: 'fuzz', nested: { a: [1, 2] } }, { index: {} }, { msg: 'two' }));
  for (const body of fuzzBodies(valid, 3, 400)) {
    const res = await bulk(body);
    assert.ok(res.statusCode < 500, `${res.statusCode} ${res.body} for ${body.toString('hex')}`);
  }
});

test('health checks and single-document writes answer as Elasticsearch does', async () => {
  const health = await h().logship.app.inject({ method: 'GET', url: '/es/_cluster/health', headers: auth });
  assert.equal((health.json() as { status: string }).status, 'green');
  const cat = await h().logship.app.inject({ method: 'GET', url: '/es/_cat/health', headers: auth });
  assert.match(cat.body, /green/);
  const doc = JSON.stringify({ '@timestamp': '2026-02-08T12:40:00Z', message: 'single doc', 'log.level': 'warn' });
  const put = (url: string) => h().logship.app.inject({ method: 'PUT', url, payload: doc, headers: { ...auth, 'content-type': 'application/json' } });
  const created = await put('/es/single/_create/one-1');
  assert.equal(created.statusCode, 201, created.body);
  assert.equal((created.json() as { result: string; _id: string })._id, 'one-1');
  const again = await put('/es/single/_create/one-1');
  assert.equal(again.statusCode, 409);
  assert.equal((again.json() as { error: { type: string } }).error.type, 'version_conflict_engine_exception');
  assert.equal((await put('/es/single/_doc/one-1')).statusCode, 200);
  // index with op_type=create (Python's es.index(op_type="create")) is a create: 409 once stored.
  assert.equal((await put('/es/single/_doc/one-1?op_type=create')).statusCode, 409);
  const hits = await h().search('es.index:single');
  assert.equal(hits.length, 1);
  assert.equal(hits[0]!.level, 'warning');
});

test('a body over max_body_bytes is refused with 413 in Elasticsearch shape', async () => {
  const small = await testApp({ limits: { max_body_bytes: 1024, max_decompressed_bytes: 100_000 } });
  try {
    const body = ndjson({ index: {} }, { message: 'z'.repeat(2000) });
    const res = await small.logship.app.inject({ method: 'POST', url: '/es/_bulk', payload: body, headers: { ...auth, 'content-type': 'application/x-ndjson' } });
    assert.equal(res.statusCode, 413);
    const e = res.json() as { error: { type: string; 'logship.code': string }; status: number };
    assert.equal(e.error.type, 'content_too_long_exception');
    assert.equal(e.error['logship.code'], 'LS_INGEST_BODY_TOO_LARGE');
    // A deflate body that inflates past max_decompressed_bytes stops there (the bomb guard), as gzip does.
    const bomb = deflateSync(ndjson({ index: {} }, { message: 'z'.repeat(200_000) }));
    assert.ok(bomb.length < 1024);
    const inflated = await small.logship.app.inject({ method: 'POST', url: '/es/_bulk', payload: bomb, headers: { ...auth, 'content-type': 'application/x-ndjson', 'content-encoding': 'deflate' } });
    assert.equal(inflated.statusCode, 413);
    assert.equal((inflated.json() as { error: { 'logship.code': string } }).error['logship.code'], 'LS_INGEST_DECOMPRESSED_TOO_LARGE');
  } finally {
    await small.close();
  }
});
