/**
 * What the stores' and ingest's worker threads load. Each thread imports
 * its store (or ingest's normalization) afresh; through the whole
 * @logship/query they loaded its HTTP routes and CLI too (ajv, the fastify
 * plugin): ~0.2 s of CPU at each thread's start, three threads a store.
 * Which packages a fresh process has loaded says it without a clock.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';

// What *.worker.ts import besides node:worker_threads.
const WORKER_IMPORTS = [
  '../sqlite/sqlite-store.js',
  '../sqlite/reader-loop.js',
  '../sqlite/writer-loop.js',
  '../blocks/block-store.js',
  '../blocks/column-cache.js',
  './ingest-batch.js',
  './drop-rules.js',
  '../normalize/redactor.js',
];

test("the worker threads' modules load neither the HTTP layer nor the CLI of @logship/query", () => {
  const urls = WORKER_IMPORTS.map((m) => new URL(m, import.meta.url).href);
  const script = `
    import { createRequire } from 'node:module';
    for (const url of ${JSON.stringify(urls)}) await import(url);
    const names = Object.keys(createRequire(import.meta.url).cache).map((k) => /node_modules\\/(?:\\.pnpm\\/[^/]+\\/node_modules\\/)?((?:@[^/]+\\/)?[^/]+)/.exec(k)?.[1]);
    console.log(JSON.stringify([...new Set(names.filter(Boolean))]));`;
  const names = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as string[];
  assert.ok(names.includes('better-sqlite3'), `the stores were loaded: ${names.join(' ')}`);
  for (const heavy of ['ajv', 'fastify', 'fastify-plugin']) assert.ok(!names.includes(heavy), `loaded ${heavy}: ${names.join(' ')}`);
});
