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
