/**
 * `ingest.drop`: events matching a rule are taken and not stored, over the
 * native route, Elasticsearch bulk and a real agent, which treats them as
 * delivered (never sent again) while every other line arrives once.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ingest, removeDir, searchAll, sleep, startAgent, startServer, stopAll, tempDir, serveCheck } from './harness.js';
import { agentYaml, jsonLine, waitForCount } from './agent-support.js';
import { metricValue } from './protocol-support.js';

after(stopAll);

const CONFIG = `saved_queries:
  health: 'path:"/healthz"'
ingest:
  drop:
    - '@health AND status:200'
    - 'level:debug AND service:chatty'
    - 'seq:[100 TO 149]'
`;

test('events a drop rule matches are answered dropped, never stored or counted as stored; the rest are', async () => {
  const root = await tempDir('logship-drop-');
  try {
    const server = await startServer({ dataDir: join(root, 'data'), configYaml: CONFIG });
    const at = new Date(Date.now() - 60_000).toISOString();
    const lines = [
      { '@timestamp': at, path: '/healthz', status: 200, message: 'GET /healthz 200', run: 'd1' },
      { '@timestamp': at, path: '/healthz', status: 503, message: 'GET /healthz 503', run: 'd1' },
      { '@timestamp': at, path: '/orders', status: 200, message: 'GET /orders 200', run: 'd1' },
      { '@timestamp': at, level: 'debug', service: 'chatty', message: 'tick', run: 'd1' },
      { '@timestamp': at, level: 'debug', service: 'billing', message: 'tick', run: 'd1' },
    ].map((e) => JSON.stringify(e));
    const ans = await ingest(server.url, [...lines, '{not json']);
    assert.deepEqual({ stored: ans.stored, dropped: ans.dropped, duplicates: ans.duplicates }, { stored: 3, dropped: 2, duplicates: 0 });
    assert.equal((ans.errors as unknown[]).length, 1, 'a bad line is still refused with its code');
    const hits = await searchAll(server.url, 'run:d1');
    assert.deepEqual(hits.map((h) => h.message).sort(), ['GET /healthz 503', 'GET /orders 200', 'tick']);
    assert.equal(await metricValue(server.url, 'logship_ingest_events_dropped_total', { rule: '(path:\\"/healthz\\") AND status:200' }), 1);
    assert.equal(await metricValue(server.url, 'logship_ingest_events_total', { protocol: 'native', outcome: 'dropped' }), 2);

    // Elasticsearch bulk: a dropped document is a 200 noop, as ES answers for its drop processor.
    const bulk = [
      JSON.stringify({ create: { _index: 'web' } }), lines[0],
      JSON.stringify({ create: { _index: 'web' } }), JSON.stringify({ '@timestamp': at, path: '/cart', status: 200, message: 'GET /cart', run: 'd2' }),
    ].join('\n') + '\n';
    const res = await fetch(`${server.url}/es/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: bulk });
    const body = (await res.json()) as { errors: boolean; items: { create: { status: number; result: string } }[] };
    assert.equal(body.errors, false);
    assert.deepEqual(body.items.map((i) => [i.create.status, i.create.result]), [[200, 'noop'], [201, 'created']]);
  } finally {
    await stopAll();
    await removeDir(root);
  }
});

test('the agent takes dropped lines as delivered: the others arrive once and none is sent again', async () => {
  const root = await tempDir('logship-drop-agent-');
  try {
    const server = await startServer({ dataDir: join(root, 'data'), configYaml: CONFIG });
    const logFile = join(root, 'app.log');
    writeFileSync(logFile, Array.from({ length: 300 }, (_, i) => jsonLine(i, 'dropagent')).join('\n') + '\n');
    await startAgent(agentYaml({ server: server.url, dataDir: join(root, 'agent'), include: [logFile] }), join(root, 'agent.yaml'));
    await waitForCount(server.url, 'dropagent', 250);
    const seqs = (await searchAll(server.url, 'run:dropagent')).map((h) => h.seq as number);
    assert.equal(new Set(seqs).size, 250);
    assert.ok(seqs.every((s) => s < 100 || s >= 150));
    await sleep(1500);
    assert.equal(await metricValue(server.url, 'logship_ingest_events_dropped_total', { rule: 'seq:[100 TO 149]' }), 50, 'sent once');
    assert.equal(await metricValue(server.url, 'logship_ingest_events_total', { protocol: 'native', outcome: 'duplicate' }), 0);
  } finally {
    await stopAll();
    await removeDir(root);
  }
});

test('a drop rule that does not parse, or names no saved query, stops the server with the key', async () => {
  const root = await tempDir('logship-drop-bad-');
  try {
    for (const [yaml, want] of [
      [`ingest: { drop: ['status:(500'] }\n`, /ingest\.drop\[0\].*LS_QUERY_SYNTAX/],
      [`ingest: { drop: ['level:error', '@nothing'] }\n`, /ingest\.drop\[1\].*@nothing/],
    ] as const) {
      const r = await serveCheck(root, yaml);
      assert.equal(r.code, 1);
      assert.match(r.stderr, want);
      assert.match(r.stderr, /LS_CONFIG_INVALID/);
    }
  } finally {
    await removeDir(root);
  }
});
