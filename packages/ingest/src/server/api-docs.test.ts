/**
 * README.md's "HTTP API" table against the routes the server registers (its
 * OpenAPI description, made from the same schemas that validate requests):
 * every route is listed, and every parameter of a query-API route is named
 * in its row. A route or parameter added without a word in the README, or
 * a README route that no longer exists, fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildServerConfig } from '../config/load-server-config.js';
import { openSqliteStore } from '../sqlite/open-sqlite-store.js';
import { buildApp } from './app.js';

const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../../README.md'), 'utf8');
const section = /^## HTTP API\n([\s\S]*?)^## /m.exec(readme)?.[1] ?? '';
const rows = section.split('\n').filter((l) => l.startsWith('| `'));

/** `/api/v1/queries/{name}/search` is written `/api/v1/queries/NAME/search` in the README. */
const written = (path: string): string => path.replace(/\{(\w+)\}/g, (m, name: string) => (name === 'index' ? m : name.toUpperCase()));

/** The routes a row names: its first cell's paths, `/es/{index}/_bulk` and `/otlp/v1/logs` included. */
const pathsOf = (row: string): string[] => [...row.replace(/\\\|/g, ' ').split('|')[1]!.matchAll(/\/[\w./{}*-]*/g)].map((m) => m[0]);

test('README.md names every route the server registers, and no other', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-api-docs-'));
  const cfg = buildServerConfig({ data: dir });
  const store = await openSqliteStore({ dataDir: dir, retention: cfg.retention });
  const { app } = await buildApp({ config: cfg, store, defaultMetrics: false });
  try {
    const doc = (await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).json() as {
      paths: Record<string, Record<string, { parameters?: { name: string; in: string }[] }>>;
    };
    const documented = new Set(rows.flatMap(pathsOf));
    for (const [path, methods] of Object.entries(doc.paths)) {
      const p = written(path);
      assert.ok(documented.has(p), `${path} is in README.md's HTTP API table`);
      if (!p.startsWith('/api/v1/') || p.startsWith('/api/v1/rules') || p === '/api/v1/alerts') continue;
      let row = rows.find((r) => pathsOf(r).includes(p))!;
      // `the NAME route takes search's parameters`
      if (row.includes("takes search's parameters")) row += rows.find((r) => pathsOf(r).includes('/api/v1/search'))!;
      for (const op of Object.values(methods)) {
        for (const param of op.parameters ?? []) {
          if (param.in !== 'query') continue;
          assert.ok(row.includes(`\`${param.name}\``) || row.includes(`${param.name}=`), `${path}: parameter ${param.name} is named in its README row`);
        }
      }
    }
    // And the other way: each README route answers something other than 404 LS_API_NOT_FOUND.
    for (const p of documented) {
      // The tail is a stream that does not end; the OpenAPI check above has it.
      if (p.includes('*') || p.includes('{') || /[A-Z]/.test(p) || p === '/' || p === '/api/v1/tail') continue;
      const codes: (string | undefined)[] = [];
      for (const method of ['GET', 'POST'] as const) {
        const res = await app.inject({ method, url: p });
        codes.push(res.statusCode === 404 ? (res.json() as { error?: { code?: string } }).error?.code : undefined);
      }
      assert.ok(codes.some((c) => c !== 'LS_API_NOT_FOUND'), `${p} is a route`);
    }
  } finally {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
