/**
 * Fields Elasticsearch keeps but does not index (a keyword value over
 * ignore_above; new fields past the index's field limit) make queries on
 * them find nothing there, while the embedded store finds them. A real
 * `logship serve` on a real Elasticsearch names them in /health/ready and,
 * once, in its log.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ingest, removeDir, search, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';

const ES_URL = process.env.LOGSHIP_TEST_ES_URL;
if (!ES_URL && process.env.CI === 'true') throw new Error('CI=true but LOGSHIP_TEST_ES_URL is not set: scripts/test.sh starts Elasticsearch');
if (!ES_URL) console.warn('WARNING: LOGSHIP_TEST_ES_URL is not set: the unindexed-fields test is SKIPPED');

describe('Elasticsearch: fields kept but not indexed are named by readiness', { skip: !ES_URL }, () => {
  let root: string;
  let server: ServerHandle;
  const prefix = `e2e-unindexed-${process.pid}`;

  before(async () => {
    root = await tempDir('logship-es-unindexed-');
    server = await startServer({ dataDir: join(root, 'data'), configYaml: `store: { type: elasticsearch, url: "${ES_URL}", index_prefix: ${prefix}, replicas: 0 }\n` });
  });

  after(async () => {
    await stopAll();
    await fetch(`${ES_URL}/${prefix}-*`, { method: 'DELETE' }).catch(() => {});
    await fetch(`${ES_URL}/_index_template/${prefix}-logship`, { method: 'DELETE' }).catch(() => {});
    await removeDir(root);
  });

  test('ready, with the unindexed field named in checks.fields and in the log; a plain index says nothing', async () => {
    const ready0 = await fetch(`${server.url}/health/ready`);
    assert.equal(ready0.status, 200);
    assert.deepEqual(await ready0.json(), { status: 'ready', checks: { store: 'ok' } });

    const now = Date.now();
    const big = 'x'.repeat(9000);
    const res = await ingest(server.url, [
      JSON.stringify({ time: new Date(now).toISOString(), msg: 'a request with a huge header', run: prefix, 'http.header': big }),
      JSON.stringify({ time: new Date(now - 1000).toISOString(), msg: 'a plain request', run: prefix, 'http.header': 'short' }),
    ]);
    assert.equal(res.stored, 2);
    // What the notice is about: the value is stored and returned, not found by a query on it.
    const page = await search(server.url, `run:"${prefix}"`, { limit: 10, from: 'now-1h' });
    assert.equal(page.hits.length, 2);
    assert.equal((await search(server.url, 'http.header:xxx*', { limit: 10, from: 'now-1h' })).hits.length, 0);

    // Readiness reuses its answer for a minute: a fresh server asks at once.
    await server.stop('SIGTERM');
    server = await startServer({ dataDir: join(root, 'data2'), configYaml: `store: { type: elasticsearch, url: "${ES_URL}", index_prefix: ${prefix}, replicas: 0 }\n` });
    const body = await waitFor(async () => {
      const r = await fetch(`${server.url}/health/ready`);
      const b = (await r.json()) as { status: string; checks: Record<string, string> };
      return r.status === 200 && b.checks.fields !== undefined ? b : undefined;
    }, { what: 'readiness to name the field', timeoutMs: 30_000 });
    assert.equal(body.status, 'ready');
    assert.match(body.checks.fields!, /^1 event since yesterday has fields Elasticsearch keeps but does not index/);
    assert.match(body.checks.fields!, /: http\.header$/);
    await fetch(`${server.url}/health/ready`);
    const logged = server.output().split('\n').filter((l) => l.includes('keeps but does not index'));
    assert.equal(logged.length, 1, 'logged once, not at every probe');
  });
});
