/**
 * `store.start_when_unavailable`: a real `logship serve` whose Elasticsearch
 * is not up yet (a server booting beside its cluster) starts, is not
 * ready, answers ingest 503 with Retry-After, and stores and finds events
 * once the cluster answers; `serve --check` warns instead of failing, so
 * the systemd unit's ExecStartPre lets the start go on. The cluster "comes
 * up" as a plain TCP relay to the real node, opened on the port the
 * server was given.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import net from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, removeDir, search, serveCheck, startServer, stopAll, tempDir, waitFor } from './harness.js';

const ES_URL = process.env.LOGSHIP_TEST_ES_URL;
if (!ES_URL && process.env.CI === 'true') throw new Error('CI=true but LOGSHIP_TEST_ES_URL is not set: scripts/test.sh starts Elasticsearch');
if (!ES_URL) console.warn('WARNING: LOGSHIP_TEST_ES_URL is not set: the start-when-unavailable test is SKIPPED');

describe('an Elasticsearch server started before its cluster', { skip: !ES_URL }, () => {
  let root: string;
  let relay: net.Server | null = null;
  const prefix = `e2e-late-${process.pid}`;

  before(async () => {
    root = await tempDir('logship-es-late-');
  });

  after(async () => {
    await stopAll();
    relay?.close();
    await fetch(`${ES_URL}/${prefix}-*`, { method: 'DELETE' }).catch(() => {});
    await fetch(`${ES_URL}/_index_template/${prefix}-logship`, { method: 'DELETE' }).catch(() => {});
    await removeDir(root);
  });

  function config(port: number, startWhenUnavailable: boolean): string {
    return (
      `store: { type: elasticsearch, url: "http://127.0.0.1:${port}", index_prefix: ${prefix}, replicas: 0` +
      `${startWhenUnavailable ? ', start_when_unavailable: true' : ''} }\n`
    );
  }

  test('without the option the check and the start fail; with it both go on, and ingest waits for the cluster', async () => {
    const port = await freePort();
    for (const d of ['strict', 'late']) await mkdir(join(root, d), { recursive: true });
    const refused = await serveCheck(join(root, 'strict'), config(port, false));
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /LS_ES_UNAVAILABLE/);

    await assert.rejects(startServer({ dataDir: join(root, 'strict', 'data'), configYaml: config(port, false) }), /LS_ES_UNAVAILABLE/);

    const checked = await serveCheck(join(root, 'late'), config(port, true));
    assert.equal(checked.code, 0, checked.stderr);
    assert.match(checked.stdout, /store: elasticsearch at \S+ \(not reached\)/);
    assert.match(checked.stdout, /warning: .*ECONNREFUSED.*the server starts anyway \(store\.start_when_unavailable\)/);

    const server = await startServer({ dataDir: join(root, 'late', 'data'), configYaml: config(port, true) });
    await waitFor(() => /Elasticsearch cannot be reached; the server starts anyway/.test(server.output()), { what: 'the warning that the server starts without its cluster' });
    assert.equal((await fetch(`${server.url}/health/ready`)).status, 503);
    const line = JSON.stringify({ time: new Date().toISOString(), level: 'info', msg: 'written while the cluster was away', run: prefix });
    const early = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${line}\n` });
    assert.equal(early.status, 503, await early.text());
    assert.ok(early.headers.get('retry-after'), 'a 503 without Retry-After');

    const target = new URL(ES_URL!);
    relay = net.createServer((socket) => {
      const upstream = net.connect(Number(target.port), target.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => relay!.listen(port, '127.0.0.1', resolve));

    // The agent's retry, as it would send it.
    await waitFor(
      async () => {
        const res = await fetch(`${server.url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${line}\n` });
        return res.status === 200;
      },
      { timeoutMs: 60_000, what: 'ingest once the cluster answers' },
    );
    assert.equal((await fetch(`${server.url}/health/ready`)).status, 200);
    const found = await search(server.url, `run:"${prefix}"`, { from: 'now-1h' });
    assert.equal(found.hits.length, 1);
    const template = await fetch(`${ES_URL}/_index_template/${prefix}-logship`);
    assert.equal(template.status, 200, 'the template was installed once the cluster answered');
  });
});
