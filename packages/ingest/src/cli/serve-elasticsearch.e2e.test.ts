import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { dropStoreData, esTestUrl } from '../elasticsearch/es-test-env.js';

// Opt-in like every Elasticsearch suite: runs when LOGSHIP_TEST_ES_URL is set (scripts/test.sh sets it).
const ES_URL = esTestUrl();
const BIN = fileURLToPath(new URL('../../bin/logship.js', import.meta.url));

test('logship serve --store elasticsearch: ready, ingest, search, dedupe, SIGTERM', { skip: ES_URL === null }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-serve-es-'));
  const prefix = `lsserve${process.pid}${Date.now().toString(36)}`;
  const config = join(dir, 'logship.yaml');
  writeFileSync(config, `store: { type: elasticsearch, url: "\${ES_URL}", index_prefix: ${prefix}, replicas: 0 }\n`);
  const proc = spawn(process.execPath, [BIN, 'serve', '--config', config, '--listen', '127.0.0.1:0'], {
    // In its own folder: its alert rules' state (./logship-data by default)
    // was written into the checkout the suite ran from.
    cwd: dir,
    env: { ...process.env, ES_URL: ES_URL! },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  createInterface({ input: proc.stderr }).on('line', (l) => stderr.push(l));
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      createInterface({ input: proc.stdout }).on('line', (line) => {
        const m = /^logship listening on (http:\/\/\S+)$/.exec(line);
        if (m) resolve(m[1]!);
      });
      void exit.then((code) => reject(new Error(`exited ${code}: ${stderr.join('\n')}`)));
    });
    assert.deepEqual(await (await fetch(`${url}/health/ready`)).json(), { status: 'ready', checks: { store: 'ok' } });

    const at = new Date(Date.now() - 60_000).toISOString();
    const body = Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({ '@raw': `${at} ${i % 4 === 0 ? 'ERROR' : 'INFO'} es-slice line ${i}`, 'event.id': `es-${i}`, host: 'es-host' }),
    ).join('\n');
    const first = (await (await fetch(`${url}/api/v1/ingest`, { method: 'POST', body })).json()) as { stored: number };
    assert.equal(first.stored, 20);
    const again = (await (await fetch(`${url}/api/v1/ingest`, { method: 'POST', body })).json()) as { stored: number; duplicates: number };
    assert.deepEqual([again.stored, again.duplicates], [0, 20]);

    const res = await fetch(`${url}/api/v1/search?q=${encodeURIComponent('host:es-host AND level:error')}&from=now-1h&to=now&limit=100`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { hits: unknown[] }).hits.length, 5);

    proc.kill('SIGTERM');
    assert.equal(await exit, 0);
  } finally {
    if (proc.exitCode === null) proc.kill('SIGKILL');
    await dropStoreData(ES_URL!, prefix);
    rmSync(dir, { recursive: true, force: true });
  }
});
