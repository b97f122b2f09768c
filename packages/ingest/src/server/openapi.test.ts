import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildServerConfig } from '../config/load-server-config.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import { buildApp } from './app.js';

test('GET /api/v1/openapi.json documents every route from its schema', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-openapi-'));
  const cfg = buildServerConfig({ data: dir });
  const store = await openSqliteStore({ dataDir: dir, retention: cfg.retention });
  const { app } = await buildApp({ config: cfg, store, defaultMetrics: false });
  try {
    const res = await app.inject({ method: 'GET', url: '/api/v1/openapi.json' });
    assert.equal(res.statusCode, 200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { parameters?: { name: string }[] }>> };
    assert.match(doc.openapi, /^3\./);
    for (const [path, method] of [
      ['/api/v1/ingest', 'post'], ['/api/v1/search', 'get'], ['/api/v1/search', 'post'],
      ['/api/v1/aggregate', 'get'], ['/api/v1/tail', 'get'], ['/api/v1/queries', 'get'],
      ['/health', 'get'], ['/health/ready', 'get'], ['/metrics', 'get'],
    ] as const) {
      assert.ok(doc.paths[path]?.[method], `${method.toUpperCase()} ${path} is documented`);
    }
    const params = (doc.paths['/api/v1/search']!.get!.parameters ?? []).map((p) => p.name).sort();
    assert.deepEqual(params, ['cursor', 'fields', 'from', 'limit', 'q', 'sort', 'to']);

    // Validation comes from the same schemas: an unknown parameter is refused.
    const bad = await app.inject({ method: 'GET', url: '/api/v1/search?q=x&colour=red' });
    assert.equal(bad.statusCode, 400);
    assert.equal((bad.json() as { error: { code: string } }).error.code, 'LS_API_BAD_REQUEST');
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

type Doc = {
  paths: Record<string, Record<string, {
    parameters?: { name: string; schema: { enum?: string[]; maximum?: number } }[];
    requestBody?: { content: Record<string, { schema: { properties?: Record<string, { enum?: string[]; maximum?: number }> } }> };
    responses: Record<string, { content?: Record<string, { schema: { required?: string[]; properties?: Record<string, unknown> } }> }>;
  }>>;
};

/**
 * schemathesis (docs/ERRORS.md, "Measured: the API against its OpenAPI
 * document") found every refusal undocumented: each operation listed only
 * its 200, so a 400, 401, 404 or 503 in our error shape broke the document,
 * as did Loki's 204, the tail's event stream, and parameters the handlers
 * refuse past a maximum or outside a list the document did not give.
 */
test('the OpenAPI document gives every operation its refusals, in the shape it answers them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-openapi-'));
  const cfg = buildServerConfig({ data: dir });
  const store = await openSqliteStore({ dataDir: dir, retention: cfg.retention });
  const { app } = await buildApp({ config: cfg, store, defaultMetrics: false });
  try {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as Doc;
    let operations = 0;
    for (const [path, methods] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        operations++;
        const where = `${method.toUpperCase()} ${path}`;
        for (const status of ['4XX', '503']) {
          const content = op.responses[status]?.content;
          assert.ok(content, `${where} documents ${status}`);
          if (path.startsWith('/es/')) assert.deepEqual(content['application/json']!.schema.required, ['error', 'status'], `${where}: Elasticsearch's error document`);
          else if (path.startsWith('/loki/') || path === '/ready') assert.deepEqual(Object.keys(content), ['text/plain'], `${where}: Loki's plain text`);
          else if (path.endsWith('/v1/logs')) assert.deepEqual(content['application/json']!.schema.required, ['code', 'message'], `${where}: google.rpc.Status`);
          else if (path === '/health/ready' && status === '503') assert.equal((content['application/json']!.schema as { anyOf?: unknown[] }).anyOf?.length, 2, `${where}: not ready, or the error shape`);
          else assert.deepEqual(content['application/json']!.schema.required, ['error'], `${where}: our error shape`);
        }
        assert.ok(!('500' in op.responses), `${where}: a 500 is a bug, not documented`);
        const open = path.startsWith('/health') || path === '/metrics' || path === '/ready';
        assert.deepEqual((op as { security?: unknown }).security, open ? undefined : [{ bearer: [] }], `${where}: its token`);
        assert.ok(Object.keys(op.responses).some((s) => s.startsWith('2')), `${where} documents its success`);
      }
    }
    assert.ok(operations >= 29, `${operations} operations`);

    const push = doc.paths['/loki/api/v1/push']!['post']!;
    assert.deepEqual(Object.keys(push.responses).filter((s) => s.startsWith('2')), ['204']);
    assert.equal(push.responses['204']!.content, undefined, 'a 204 has no body');
    assert.deepEqual(Object.keys(push.requestBody!.content).sort(), ['application/json', 'application/x-protobuf']);
    assert.deepEqual(Object.keys(doc.paths['/api/v1/tail']!['get']!.responses['200']!.content!), ['text/event-stream']);
    // schemathesis reads a text/event-stream schema as each event's (event, data, id), not the stream's text.
    assert.deepEqual(doc.paths['/api/v1/tail']!['get']!.responses['200']!.content!['text/event-stream']!.schema.required, ['event', 'data']);
    // What the decoders take: any JSON value as a Loki label (as its text), a null OTLP resourceLogs (empty).
    const lokiJson = JSON.stringify(push.requestBody!.content['application/json']!.schema);
    assert.ok(lokiJson.includes('"required":["values"],"properties":{"stream":{"type":"object","nullable":true,"additionalProperties":{}}'), lokiJson);
    const otlp = doc.paths['/v1/logs']!['post']!.requestBody!.content['application/json']!.schema.properties!['resourceLogs'] as { nullable?: boolean };
    assert.equal(otlp.nullable, true);
    assert.ok(doc.paths['/es/_bulk']!['post']!.requestBody!.content['application/x-ndjson']);
    // The native route reads its body itself: without its config.openapi the document showed no body at all.
    assert.deepEqual(Object.keys(doc.paths['/api/v1/ingest']!['post']!.requestBody!.content), ['application/x-ndjson', 'text/plain']);
    assert.equal((doc.paths['/api/v1/ingest']!['post']!.requestBody as { required?: boolean }).required, false, 'no body is a batch of no lines');
    assert.equal((doc.paths['/api/v1/search']!['post']!.requestBody as { required?: boolean }).required, true);
    assert.ok(!JSON.stringify(doc).includes('x-logship-body-optional'), 'the mark is read, not shown');

    // Narrowed where the handler refuses the rest itself: the aggregation types, the maxima.
    const param = (path: string, name: string) => doc.paths[path]!['get']!.parameters!.find((p) => p.name === name)!.schema;
    assert.deepEqual(param('/api/v1/aggregate', 'type').enum, ['terms', 'date_histogram', 'stats', 'percentiles']);
    assert.deepEqual(doc.paths['/api/v1/aggregate']!['post']!.requestBody!.content['application/json']!.schema.properties!['type']!.enum,
      ['terms', 'date_histogram', 'stats', 'percentiles']);
    assert.equal(param('/api/v1/search', 'limit').maximum, 10_000);
    assert.equal(doc.paths['/api/v1/search']!['post']!.requestBody!.content['application/json']!.schema.properties!['limit']!.maximum, 10_000);
    assert.equal(param('/api/v1/aggregate', 'size').maximum, 1000);
    assert.equal(param('/api/v1/aggregate', 'by_size').maximum, 100);
    assert.equal(param('/api/v1/context', 'after').maximum, 500);

    // The document's error shape is what a refusal is.
    const refused = await app.inject({ method: 'GET', url: '/api/v1/search?limt=5' });
    assert.equal(refused.statusCode, 400);
    assert.match((refused.json() as { error: { code: string } }).error.code, /^LS_[A-Z0-9_]+$/);
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * X-Logship-Partial was told only inside the ingest body's description, so a
 * client generated from the document could not send it. It is a request
 * header of the native ingest route alone; no answer carries it.
 */
test('the OpenAPI document declares X-Logship-Partial as a header parameter of POST /api/v1/ingest, and of no other operation', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-openapi-'));
  const cfg = buildServerConfig({ data: dir });
  const store = await openSqliteStore({ dataDir: dir, retention: cfg.retention });
  const { app } = await buildApp({ config: cfg, store, defaultMetrics: false });
  try {
    type Op = { parameters?: { in: string; name: string; schema?: { type?: string }; description?: string }[]; responses: Record<string, { headers?: Record<string, unknown> }> };
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as { paths: Record<string, Record<string, Op>> };
    const carrying: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const header = (op.parameters ?? []).find((p) => p.in === 'header' && p.name.toLowerCase() === 'x-logship-partial');
        if (header) {
          carrying.push(`${method} ${path}`);
          assert.equal(header.schema?.type, 'string');
          assert.match(String(header.description), /retryable/);
        }
        for (const [status, answer] of Object.entries(op.responses)) {
          assert.ok(!Object.keys(answer.headers ?? {}).some((h) => h.toLowerCase() === 'x-logship-partial'), `${method} ${path} ${status} does not send it`);
        }
      }
    }
    assert.deepEqual(carrying, ['post /api/v1/ingest']);
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
