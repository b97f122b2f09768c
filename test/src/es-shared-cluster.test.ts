/**
 * Stateless servers: two real `logship serve` processes on one real
 * Elasticsearch. What one ingests the other finds; a batch retried through
 * the other server is not stored twice; retention status agrees.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ingest, removeDir, search, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';

const ES_URL = process.env.LOGSHIP_TEST_ES_URL;
if (!ES_URL && process.env.CI === 'true') throw new Error('CI=true but LOGSHIP_TEST_ES_URL is not set: scripts/test.sh starts Elasticsearch');
if (!ES_URL) console.warn('WARNING: LOGSHIP_TEST_ES_URL is not set: the shared-cluster test is SKIPPED');

describe('two logship serve processes sharing one Elasticsearch', { skip: !ES_URL }, () => {
  let root: string;
  let a: ServerHandle;
  let b: ServerHandle;
  const prefix = `e2e-shared-${process.pid}`;

  before(async () => {
    root = await tempDir('logship-es-shared-');
    const configYaml = `store: { type: elasticsearch, url: "${ES_URL}", index_prefix: ${prefix}, replicas: 0 }\n`;
    a = await startServer({ dataDir: join(root, 'a'), configYaml });
    b = await startServer({ dataDir: join(root, 'b'), configYaml });
  });

  after(async () => {
    await stopAll();
    await fetch(`${ES_URL}/${prefix}-*`, { method: 'DELETE' }).catch(() => {});
    await fetch(`${ES_URL}/_index_template/${prefix}-logship`, { method: 'DELETE' }).catch(() => {});
    await removeDir(root);
  });

  test('events ingested through one are found through the other, and a retry through the other is a duplicate', async () => {
    const now = Date.now();
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({
      time: new Date(now - i * 1000).toISOString(), level: i % 4 === 0 ? 'error' : 'info', msg: `shared cluster event ${i}`, n: i, run: prefix,
    }));
    const first = await ingest(a.url, lines);
    assert.equal(first.stored, 40);
    const found = await waitFor(async () => {
      const page = await search(b.url, `run:"${prefix}"`, { limit: 100, from: 'now-1h' });
      return page.hits.length === 40 ? page : undefined;
    }, { what: 'the other server to see the events' });
    assert.deepEqual(found.hits.map((h) => Number(h.n)).sort((x, y) => x - y), Array.from({ length: 40 }, (_, i) => i));
    assert.equal((await search(b.url, `run:"${prefix}" AND level:ERROR`, { limit: 100, from: 'now-1h' })).hits.length, 10);

    // An agent retrying the same batch through the other server (after a failover).
    const retry = await ingest(b.url, lines);
    assert.equal(retry.stored, 0);
    assert.equal(retry.duplicates, 40);
    assert.equal((await search(a.url, `run:"${prefix}"`, { limit: 100, from: 'now-1h' })).hits.length, 40);
  });
});
