/**
 * `ingest.redact`: what a rule matches never reaches the store, over the
 * native route and Elasticsearch bulk (Filebeat, Vector); lines that differ
 * only in what was redacted stay distinct events, while a retry of one,
 * even after a restart, is the same event; a pattern that could backtrack
 * without end, or matches nothing, stops the server at start.
 */
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ingest, removeDir, searchAll, startServer, stopAll, tempDir, serveCheck } from './harness.js';
import { metricValue } from './protocol-support.js';

after(stopAll);

const CONFIG = `ingest:
  redact:
    - '(?i)bearer [a-z0-9._-]+'
    - name: card numbers
      pattern: '\\b(\\d{4})[- ]?\\d{4}[- ]?\\d{4}[- ]?(\\d{4})\\b'
      replacement: '$1-****-****-$2'
    - name: passwords in urls
      pattern: 'password=[^&\\s]+'
      replacement: 'password=xxx'
      fields: [url]
`;

test('matches are replaced before storing, on every route; lines differing only in a secret stay two; a retry after a restart is a duplicate', async () => {
  const root = await tempDir('logship-redact-');
  try {
    const dataDir = join(root, 'data');
    let server = await startServer({ dataDir, configYaml: CONFIG });
    // One time for all: redacted twins would collapse if their ids were taken after redaction.
    // (Lines without a time are each an occurrence, retried or not: a retry needs a time or an id.)
    const at = new Date(Date.now() - 60_000).toISOString();
    const lines = [
      { '@timestamp': at, message: 'GET /api Authorization: Bearer eyJhbGci.payload.sig ok', run: 'r1' },
      { '@timestamp': at, message: 'GET /api Authorization: BEARER other.token ok', run: 'r1' },
      { '@timestamp': at, message: 'charged 4111 1111 1111 1234', url: '/pay?password=hunter2&x=1', run: 'r1' },
      { '@timestamp': at, message: 'left alone: password=visible', url: '/home', run: 'r1' },
    ].map((e) => JSON.stringify(e));
    const ans = await ingest(server.url, lines);
    assert.deepEqual({ stored: ans.stored, duplicates: ans.duplicates }, { stored: 4, duplicates: 0 });
    const hits = await searchAll(server.url, 'run:r1');
    assert.deepEqual(hits.map((h) => `${h.message as string} ${(h.url as string | undefined) ?? ''}`).sort(), [
      'GET /api Authorization: [REDACTED] ok ',
      'GET /api Authorization: [REDACTED] ok ',
      'charged 4111-****-****-1234 /pay?password=xxx&x=1',
      'left alone: password=visible /home',
    ]);
    assert.equal((await searchAll(server.url, 'eyJhbGci* OR hunter2 OR "1111 1111"')).length, 0, 'no search finds a secret');
    assert.equal(await metricValue(server.url, 'logship_ingest_redactions_total', { rule: '(?i)bearer [a-z0-9._-]+' }), 2);
    assert.equal(await metricValue(server.url, 'logship_ingest_redactions_total', { rule: 'card numbers' }), 1);
    assert.equal(await metricValue(server.url, 'logship_ingest_redactions_total', { rule: 'passwords in urls' }), 1);

    // Elasticsearch bulk, as Filebeat and Vector send it.
    const bulk = [JSON.stringify({ create: { _index: 'web' } }), JSON.stringify({ message: 'token bearer abc.def', run: 'r2' })].join('\n') + '\n';
    const res = await fetch(`${server.url}/es/_bulk`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: bulk });
    assert.equal(((await res.json()) as { errors: boolean }).errors, false);
    assert.deepEqual((await searchAll(server.url, 'run:r2')).map((h) => h.message), ['token [REDACTED]']);

    // The key the ids are taken with is kept, readable by the server's user only: a retry after a restart is the same event.
    const keyFile = join(dataDir, 'redaction.key');
    assert.equal(statSync(keyFile).mode & 0o777, 0o600);
    await stopAll();
    server = await startServer({ dataDir, configYaml: CONFIG });
    const retry = await ingest(server.url, lines);
    assert.deepEqual({ stored: retry.stored, duplicates: retry.duplicates }, { stored: 0, duplicates: 4 });
    assert.equal((await searchAll(server.url, 'run:r1')).length, 4);
  } finally {
    await stopAll();
    await removeDir(root);
  }
});

test('a pattern that needs backtracking or matches nothing, a name given twice, a reserved field, $` or a key of the wrong size stops the server with the key', async () => {
  const root = await tempDir('logship-redact-bad-');
  try {
    writeFileSync(join(root, 'short.key'), 'abcd\n');
    for (const [yaml, want] of [
      [`ingest: { redact: ['(\\w+)=\\1'] }\n`, /ingest\.redact\[0\].*linear time/],
      [`ingest: { redact: [{ pattern: '(?<=key=)\\w+' }] }\n`, /ingest\.redact\[0\]\.pattern.*linear time/],
      [`ingest: { redact: ['ok', 'x?'] }\n`, /ingest\.redact\[1\].*empty string/],
      [`ingest: { redact: [{ name: a, pattern: x }, { name: a, pattern: y }] }\n`, /ingest\.redact\[1\].*name "a"/],
      [`ingest: { redact: [{ pattern: x, fields: [message, level] }] }\n`, /ingest\.redact\[0\]\.fields.*level/],
      [`ingest: { redact: [{ pattern: x, replacement: "$\`" }] }\n`, /ingest\.redact\[0\]\.replacement/],
      [`ingest: { redact: [x], redact_key_file: ${join(root, 'short.key')} }\n`, /ingest\.redact_key_file.*holds 5/],
    ] as const) {
      const r = await serveCheck(root, yaml);
      assert.equal(r.code, 1, yaml);
      assert.match(r.stderr, want);
      assert.match(r.stderr, /LS_CONFIG_INVALID/);
    }
  } finally {
    await removeDir(root);
  }
});
