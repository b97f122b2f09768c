/**
 * The walking skeleton, end to end through real processes: a file is
 * appended to, the real agent tails it and ships to the real server, and the
 * search API finds exactly the lines written — also across an agent restart.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  removeDir, search, searchAll, startAgent, startServer, stopAll, tempDir, waitFor,
  type ServerHandle,
} from './harness.js';

function djangoLine(seq: number, run: string): string {
  const level = seq % 10 === 0 ? 'ERROR' : 'INFO';
  return JSON.stringify({
    asctime: new Date().toISOString().replace('T', ' ').replace('Z', '').replace('.', ','),
    levelname: level,
    name: seq % 10 === 0 ? 'django.request' : 'django.server',
    message: seq % 10 === 0 ? `Internal Server Error: /api/orders/${seq}` : `"GET /api/orders/${seq} HTTP/1.1" 200`,
    seq,
    run,
  });
}

function agentYaml(serverUrl: string, dataDir: string, logDir: string): string {
  return [
    'server:',
    `  url: ${serverUrl}`,
    `data_dir: ${dataDir}`,
    'host: slice-host',
    'sources:',
    '  - type: file',
    `    include: ["${logDir}/*.log"]`,
    '    labels: { job: django }',
    '',
  ].join('\n');
}

async function appendLines(file: string, from: number, to: number, run: string): Promise<void> {
  let chunk = '';
  for (let i = from; i < to; i++) chunk += djangoLine(i, run) + '\n';
  await appendFile(file, chunk);
}

/** Waits until the search for `run:<run>` returns `n` hits and returns them. */
async function waitForCount(server: ServerHandle, run: string, n: number): Promise<Record<string, unknown>[]> {
  let last = 0;
  try {
    return await waitFor(async () => {
      const hits = await searchAll(server.url, `run:${run}`);
      last = hits.length;
      return hits.length >= n ? hits : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250, what: `${n} events of run ${run}` });
  } catch (err) {
    throw new Error(`${(err as Error).message} (last count ${last})`);
  }
}

function assertExactlyOnce(hits: Record<string, unknown>[], n: number): void {
  const seqs = hits.map((h) => Number(h.seq)).sort((a, b) => a - b);
  const ids = new Set(hits.map((h) => h['event.id']));
  assert.equal(ids.size, hits.length, 'every event.id is unique');
  assert.equal(hits.length, n, `exactly ${n} events`);
  assert.deepEqual(seqs, Array.from({ length: n }, (_, i) => i), 'every line exactly once');
}

describe('file → agent → server → search', () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-slice-');
    server = await startServer({ dataDir: join(root, 'data') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('lines appended to a file are found through the search API', async () => {
    const logDir = join(root, 'logs-a');
    await mkdir(logDir, { recursive: true });
    const file = join(logDir, 'app.log');
    await appendLines(file, 0, 50, 'a');
    await startAgent(agentYaml(server.url, join(root, 'agent-a'), logDir), join(root, 'agent-a.yaml'));
    await appendLines(file, 50, 120, 'a');

    const hits = await waitForCount(server, 'a', 120);
    assertExactlyOnce(hits, 120);

    const first = hits.find((h) => h.seq === 7);
    assert.ok(first, 'line 7 is stored');
    assert.equal(first.level, 'info', 'python levelname normalized to lowercase level');
    assert.equal(first.logger, 'django.server');
    assert.equal(first.job, 'django', 'source label attached');
    assert.equal(first.host, 'slice-host');
    assert.equal(first.source, file);

    const errors = await search(server.url, 'run:a AND level:ERROR', { limit: 1000 });
    assert.equal(errors.hits.length, 12, 'every tenth line is an error');
    for (const h of errors.hits) assert.equal(h.logger, 'django.request');

    const phrase = await search(server.url, 'run:a AND "Internal Server Error"', { limit: 1000 });
    assert.equal(phrase.hits.length, 12);
    const notErrors = await search(server.url, 'run:a AND NOT level:error', { limit: 1000 });
    assert.equal(notErrors.hits.length, 108);
    const either = await search(server.url, 'run:a AND (seq:3 OR seq:4)', { limit: 1000 });
    assert.deepEqual(either.hits.map((h) => h.seq).sort(), [3, 4]);

    // Newest first.
    const page = await search(server.url, 'run:a', { limit: 5 });
    const ts = page.hits.map((h) => String(h['@timestamp']));
    assert.deepEqual(ts, [...ts].sort().reverse());
  });

  test('an agent restarted in the middle ships every line exactly once', async () => {
    const logDir = join(root, 'logs-b');
    await mkdir(logDir, { recursive: true });
    const file = join(logDir, 'app.log');
    const yaml = agentYaml(server.url, join(root, 'agent-b'), logDir);
    const cfg = join(root, 'agent-b.yaml');

    await appendLines(file, 0, 300, 'b');
    const first = await startAgent(yaml, cfg);
    await waitForCount(server, 'b', 300);
    // Lines written while it stops and while it is down.
    const stopping = first.stop('SIGTERM');
    await appendLines(file, 300, 400, 'b');
    assert.equal(await stopping, 0, `agent exits cleanly on SIGTERM:\n${first.output()}`);
    await appendLines(file, 400, 600, 'b');

    const second = await startAgent(yaml, cfg);
    await appendLines(file, 600, 700, 'b');
    const hits = await waitForCount(server, 'b', 700);
    // Give a duplicate a chance to show up before counting for good.
    await new Promise((r) => setTimeout(r, 1500));
    assertExactlyOnce(await searchAll(server.url, 'run:b'), 700);
    assert.equal(hits.length, 700);
    await second.stop('SIGTERM');
  });
});
