/**
 * The store's auth and TLS options against a real secured Elasticsearch:
 * HTTPS with a CA of our own, basic auth, a user with only the privileges
 * documented in docs/ELASTICSEARCH.md, and the errors for a wrong password
 * or an untrusted certificate. (API keys cannot be created on the test
 * distribution: its .security index needs the absent analysis-common.)
 *
 * The secured node is started here with `LOGSHIP_ES_SECURE=1
 * scripts/elasticsearch.sh start` (and stopped afterwards when this file
 * started it), whenever the plain test node is available; or given by
 * LOGSHIP_TEST_ES_SECURE_URL + LOGSHIP_TEST_ES_CA (+ _USER/_PASSWORD).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Client } from '@elastic/elasticsearch';
import type { LogEvent, QueryNode } from '@logship/query';
import { checkCluster } from './check-cluster.js';
import { isEsError } from './es-error.js';
import { ES_SKIP_REASON, esTestUrl, dropStoreData } from './es-test-env.js';
import { openElasticsearchStore } from './open-elasticsearch-store.js';
import { readFileSync } from 'node:fs';

const SCRIPT = fileURLToPath(new URL('../../../../scripts/elasticsearch.sh', import.meta.url));
const NOW = Date.parse('2026-11-23T12:00:00.000Z');
const ALL: QueryNode = { type: 'match_all', loc: { start: 0, end: 0 } };
const event = (id: string): LogEvent => ({ '@timestamp': new Date(NOW).toISOString(), 'event.id': id, level: 'info', message: `secure ${id}` });

interface Secure {
  url: string;
  caFile: string;
  username: string;
  password: string;
  startedHere: boolean;
}

function script(command: string): string {
  return execFileSync('bash', [SCRIPT, command], { env: { ...process.env, LOGSHIP_ES_SECURE: '1' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
}

function secureCluster(): Secure {
  const username = process.env.LOGSHIP_TEST_ES_USER ?? 'logship_test';
  const password = process.env.LOGSHIP_TEST_ES_PASSWORD ?? 'logship-test-password';
  const given = process.env.LOGSHIP_TEST_ES_SECURE_URL;
  if (given) return { url: given, caFile: process.env.LOGSHIP_TEST_ES_CA ?? '', username, password, startedHere: false };
  let running = true;
  try {
    script('status');
  } catch {
    running = false;
  }
  const url = script('start');
  return { url, caFile: script('ca'), username, password, startedHere: !running };
}

const plainUrl = esTestUrl();

if (!plainUrl) {
  test('Elasticsearch auth and TLS', { skip: ES_SKIP_REASON }, () => {});
} else {
  describe('a secured Elasticsearch (HTTPS with a private CA, basic auth, least privilege)', () => {
    let es: Secure;
    let admin: Client;
    const prefix = `lstest_secure_${process.pid}`;
    before(() => {
      es = secureCluster();
      admin = new Client({ node: es.url, auth: { username: es.username, password: es.password }, tls: { ca: readFileSync(es.caFile) } });
    });
    after(async () => {
      await admin?.close();
      if (!es) return;
      await dropStoreData(es.url, prefix, { username: es.username, password: es.password, caFile: es.caFile }).catch(() => undefined);
      if (es.startedHere) script('stop');
    });

    test('basic auth with the CA: write, search, health', async () => {
      const store = await openElasticsearchStore({ url: es.url, username: es.username, password: es.password, caFile: es.caFile, indexPrefix: prefix, replicas: 0, now: () => NOW });
      try {
        assert.equal((await store.write([event('b1')])).stored, 1);
        const page = await store.search({ query: ALL, from: 0, to: NOW, limit: 5, now: NOW });
        assert.deepEqual(page.hits.map((h) => h['event.id']), ['b1']);
        assert.deepEqual(await store.health(), { ok: true });
      } finally {
        await store.close();
      }
    });

    test('a user with only the documented privileges on its own indices is enough', async () => {
      // logship_writer: cluster manage_index_templates; on <prefix>-*: create_doc,
      // create_index, read, view_index_metadata, monitor, maintenance (_refresh
      // after writes), delete_index.
      const store = await openElasticsearchStore({
        url: es.url,
        username: 'logship_writer',
        password: es.password,
        caFile: es.caFile,
        indexPrefix: prefix,
        replicas: 0,
        now: () => NOW,
      });
      try {
        assert.equal((await store.write([event('w1')])).stored, 1);
        assert.equal(await store.count({ query: ALL, from: 0, to: NOW, now: NOW }), 2);
        const parts = await store.partitions(NOW);
        assert.equal(parts.reduce((s, p) => s + p.events, 0), 2);
        // Without the cluster monitor privilege, readiness falls back to reading its indices.
        const writer = new Client({ node: es.url, auth: { username: 'logship_writer', password: es.password }, tls: { ca: readFileSync(es.caFile) } });
        try {
          await assert.rejects(writer.cluster.health(), (err: unknown) => (err as { statusCode?: number }).statusCode === 403);
        } finally {
          await writer.close();
        }
        assert.deepEqual(await store.health(), { ok: true });
        const run = await store.enforceRetention(NOW + 365 * 86_400_000);
        assert.equal(run.eventsRemoved, 2);
      } finally {
        await store.close();
      }
    });

    test('a wrong password is LS_ES_AUTH, not a retryable outage', async () => {
      await assert.rejects(
        openElasticsearchStore({ url: es.url, username: es.username, password: 'wrong', caFile: es.caFile, indexPrefix: prefix }),
        (err: unknown) => isEsError(err, 'LS_ES_AUTH') && !err.retryable,
      );
    });

    test('serve --check reads the cluster with the least privileges, and names a wrong password or an untrusted certificate', async () => {
      const base = { url: es.url, caFile: es.caFile, indexPrefix: prefix, password: es.password };
      // No cluster monitor privilege: reachable through its indices, as readiness.
      const found = await checkCluster({ ...base, username: 'logship_writer' }, NOW);
      assert.match(found.cluster, /cluster health not readable with these credentials \(no `monitor` privilege\), the prefix's indices are/);
      assert.match(found.retention, /other 30 d/);
      await assert.rejects(checkCluster({ ...base, username: es.username, password: 'wrong' }, NOW), (err: unknown) =>
        isEsError(err, 'LS_ES_AUTH') && err.message.includes(`${es.url}: HTTP 401`) && err.message.includes('--offline'),
      );
      await assert.rejects(checkCluster({ url: es.url, username: es.username, password: es.password, indexPrefix: prefix }, NOW), (err: unknown) =>
        isEsError(err, 'LS_ES_TLS') && err.message.includes(es.url),
      );
    });

    test('a certificate signed by an unknown CA is LS_ES_TLS', async () => {
      await assert.rejects(
        openElasticsearchStore({ url: es.url, username: es.username, password: es.password, indexPrefix: prefix, requestTimeoutMs: 5000 }),
        (err: unknown) => isEsError(err, 'LS_ES_TLS'),
      );
    });
  });
}
