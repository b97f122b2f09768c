/**
 * `logship serve --check` with an Elasticsearch store reads the cluster as
 * the start will find it (reachable, credentials, the index prefix's
 * retention policy) and writes nothing there; an unreachable cluster exits
 * 1 with LS_ES_UNAVAILABLE naming it; `--offline` leaves the cluster out.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@elastic/elasticsearch';
import { dropStoreData, ES_SKIP_REASON, esTestUrl } from '../elasticsearch/es-test-env.js';
import { policyIndex } from '../elasticsearch/cluster-retention.js';
import { templateName } from '../elasticsearch/index-template.js';
import { closedPort } from '../testing/closed-port.js';

const ES_URL = esTestUrl();
const BIN = fileURLToPath(new URL('../../bin/logship.js', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function logship(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe('serve --check with an Elasticsearch store', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'logship-check-es-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  function config(name: string, yaml: string): string {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, yaml);
    return file;
  }

  test('an unreachable cluster exits 1 with LS_ES_UNAVAILABLE naming it; --offline checks the rest without it', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const file = config('unreachable', `store: { type: elasticsearch, url: "${url}" }\n`);
    const check = await logship(['serve', '--check', '--config', file, '--data', join(dir, 'data')], dir);
    assert.equal(check.code, 1, check.stdout);
    assert.equal(check.stdout, '');
    assert.match(check.stderr, new RegExp(`^logship: Elasticsearch is unreachable or overloaded: ${url}: .*ECONNREFUSED.*--offline.*\\(LS_ES_UNAVAILABLE\\)\\n$`));

    const offline = await logship(['serve', '--check', '--offline', '--config', file, '--data', join(dir, 'data')], dir);
    assert.equal(offline.code, 0, offline.stderr);
    assert.match(offline.stdout, new RegExp(`store: elasticsearch at ${url} \\(not contacted: --offline\\)`));
    assert.match(offline.stdout, /retention: .*a policy the index prefix already has in the cluster applies instead/);

    const alone = await logship(['serve', '--offline', '--config', file], dir);
    assert.equal(alone.code, 2);
    assert.match(alone.stderr, /--offline goes with --check.*\(LS_CLI_USAGE\)/);
  });

  test('a cluster that accepts connections and never answers fails the check with LS_ES_UNAVAILABLE instead of hanging it', async () => {
    const sockets = new Set<net.Socket>();
    const server = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      const file = config('hung', `store: { type: elasticsearch, url: "${url}" }\n`);
      // logship() gives up after 60 s (code null): the check's own bound is 5 s a request.
      const check = await logship(['serve', '--check', '--config', file, '--data', join(dir, 'data')], dir);
      assert.equal(check.code, 1, check.stdout);
      assert.match(check.stderr, new RegExp(`Elasticsearch is unreachable or overloaded: ${url}: .*\\(LS_ES_UNAVAILABLE\\)`));
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('the cluster and the prefix\'s retention policy, read and never written', { skip: ES_URL === null ? ES_SKIP_REASON : false }, async () => {
    const prefix = `lscheck_${process.pid}_${Date.now().toString(36)}`;
    const admin = new Client({ node: ES_URL! });
    const yaml = (days: number, extra = ''): string =>
      `store: { type: elasticsearch, url: "${ES_URL}", index_prefix: ${prefix}, replicas: 0${extra} }\n` +
      `retention: { default_days: ${days}, classes: [] }\n`;
    const check = (file: string): Promise<Run> => logship(['serve', '--check', '--config', file, '--data', join(dir, 'data')], dir);
    try {
      // A fresh prefix: the config's policy, to be written by the first server; nothing created by the check.
      const fresh = await check(config('fresh', yaml(10)));
      assert.equal(fresh.code, 0, fresh.stderr);
      // The whole cluster's status, which is not this test's: in CI another file
      // holds a shard of its own index unassigned (es-retention-policy,
      // elasticsearch-store's readiness test), and the shared cluster is red
      // meanwhile. This store's own readiness is the warning checked below.
      assert.match(fresh.stdout, new RegExp(`store: elasticsearch at ${ES_URL}: cluster "[^"]+" (green|yellow|red), 1 node\\(s\\), index prefix "${prefix}"`));
      assert.doesNotMatch(fresh.stdout, /not ready for this store/);
      assert.match(fresh.stdout, new RegExp(`retention: other 10 d \\(this config's; ${prefix}-meta holds none yet`));
      assert.deepEqual(await admin.cat.indices({ index: `${prefix}-*`, format: 'json' }), []);
      assert.equal(await admin.indices.existsIndexTemplate({ name: templateName(prefix) }), false);

      // Another server claimed the prefix with 30 days (the document cluster-retention.ts writes): a config of 10 learns that 30 apply.
      await admin.index({ index: policyIndex(prefix), id: 'retention', refresh: true, document: { '@event': { default_days: 30, classes: [], written_by: 'web-1 pid 7', written_at: '2026-12-01T00:00:00.000Z' } } });
      const policyBefore = await admin.get({ index: policyIndex(prefix), id: 'retention' });
      const differs = await check(config('differs', yaml(10)));
      assert.equal(differs.code, 0, differs.stderr);
      assert.match(differs.stdout, new RegExp(`retention: other 30 d \\(from the cluster: ${prefix}-meta, written by web-1 pid 7 at 2026-12-01T00:00:00.000Z\\)`));
      assert.match(differs.stdout, /warning: .*It differs from this server's retention config: other 10 d.*retention_overwrite/);

      // retention_overwrite: says what the start will replace, and replaces nothing itself.
      const overwrite = await check(config('overwrite', yaml(10, ', retention_overwrite: true')));
      assert.equal(overwrite.code, 0, overwrite.stderr);
      assert.match(overwrite.stdout, new RegExp(`retention: other 10 d \\(store.retention_overwrite: the start writes it to ${prefix}-meta, which holds the cluster's \\(other 30 d\\) now\\)`));
      assert.doesNotMatch(overwrite.stdout, /It differs/);
      const policyAfter = await admin.get({ index: policyIndex(prefix), id: 'retention' });
      assert.equal(policyAfter._version, policyBefore._version, 'the policy document was not written');
      assert.equal(await admin.indices.existsIndexTemplate({ name: templateName(prefix) }), false);
    } finally {
      await dropStoreData(ES_URL!, prefix);
      await admin.close();
    }
  });
});
