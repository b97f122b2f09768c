/**
 * One batch spanning more days than the server can hold files open for:
 * an agent catching up on a year of archived logs sends events for ~400
 * days at once, each day its own partition file (three descriptors while
 * open). Under the usual limit of 1024 descriptors the batch used to fail
 * on every retry, answered as a damaged partition to be moved aside; it is
 * now stored, and a retry after a restart is all duplicates. A search over
 * all those days ran out of descriptors too, and the days it could not open
 * were noted damaged: that search and every later one answered 200 without
 * their events, until a restart. Both store formats.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, logshipBin, removeDir, repoRoot, startServer, stopAll, tempDir, track, waitFor } from './harness.js';

const DAYS = 400;

after(stopAll);

/** Events per day over the last `days` days, and their sum. */
async function histogram(url: string, days: number): Promise<{ status: number; total: number; body: { buckets?: { count: number }[] } }> {
  const params = new URLSearchParams({ q: '*', from: `now-${days}d`, to: 'now+1d', type: 'date_histogram', interval: '1d' });
  const res = await fetch(`${url}/api/v1/aggregate?${params}`);
  const body = (await res.json()) as { buckets?: { count: number }[] };
  return { status: res.status, total: (body.buckets ?? []).reduce((s, b) => s + b.count, 0), body };
}

/** `logship serve` with its descriptor limit set to `limit` by the shell that starts it. */
async function serveWithFileLimit(dataDir: string, configFile: string, limit: number): Promise<{ url: string; stop: (s?: NodeJS.Signals) => Promise<number | string> }> {
  const port = await freePort();
  const cmd = `ulimit -n ${limit} && exec "$0" "$@"`;
  const proc = spawn('bash', ['-c', cmd, process.execPath, logshipBin, 'serve', '--data', dataDir, '--listen', `127.0.0.1:${port}`, '--config', configFile], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const rp = track(proc);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => {
    if (proc.exitCode !== null) throw new Error(`server exited ${proc.exitCode}: ${rp.output()}`);
    return (await fetch(`${url}/health/ready`)).ok;
  }, { what: 'logship serve with a descriptor limit' });
  return { url, stop: (s) => rp.stop(s) };
}

for (const format of ['blocks', 'rows'] as const) test(`${format}: a batch with events on ${DAYS} days is stored under a limit of 1024 open files, once`, { timeout: 180_000 }, async () => {
  const dir = await tempDir('logship-many-days-');
  try {
    const dataDir = join(dir, 'data');
    const configFile = join(dir, 'server.yaml');
    await writeFile(configFile, `store: { type: sqlite, format: ${format} }\nretention: { default_days: 3650 }\n`);
    const now = Date.now();
    const body = Array.from({ length: DAYS }, (_, d) =>
      JSON.stringify({ '@timestamp': new Date(now - d * 86_400_000 - 3_600_000).toISOString(), message: `archived day ${d}`, 'event.id': `day-${d}`, d }),
    ).join('\n') + '\n';
    const post = async (url: string) => {
      const res = await fetch(`${url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
      return { status: res.status, body: (await res.json()) as { stored?: number; duplicates?: number; error?: { message: string } } };
    };

    const limited = await serveWithFileLimit(dataDir, configFile, 1024);
    const first = await post(limited.url);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual([first.body.stored, first.body.duplicates], [DAYS, 0]);

    // A search over every day holds each day's file open at once (three
    // descriptors a day, on each reader thread): past the limit it may fail,
    // saying why, but never answers with days left out as damaged, and
    // later searches find every event.
    const wide = await histogram(limited.url, DAYS + 2);
    if (wide.status === 200) assert.equal(wide.total, DAYS, JSON.stringify(wide.body).slice(0, 2000));
    else {
      assert.equal(wide.status, 503, JSON.stringify(wide.body).slice(0, 2000));
      assert.match(JSON.stringify(wide.body), /LS_STORE_NO_DESCRIPTORS.*LimitNOFILE/);
    }
    const month = await histogram(limited.url, 30);
    assert.equal(month.status, 200, JSON.stringify(month.body).slice(0, 2000));
    assert.equal(month.total, 30, JSON.stringify(month.body).slice(0, 2000));
    assert.equal(await limited.stop('SIGKILL'), 'SIGKILL');

    // Counted by a server without the limit.
    const server = await startServer({ dataDir, configYaml: `store: { type: sqlite, format: ${format} }\nretention: { default_days: 3650 }\n` });
    const again = await post(server.url);
    assert.equal(again.status, 200, JSON.stringify(again.body));
    assert.deepEqual([again.body.stored, again.body.duplicates], [0, DAYS], 'the retry after a restart is all duplicates');
    const all = await histogram(server.url, DAYS + 2);
    assert.equal(all.status, 200, JSON.stringify(all.body).slice(0, 2000));
    assert.equal(all.total, DAYS);
    assert.equal(all.body.buckets?.filter((b) => b.count > 0).length, DAYS);
    assert.equal(await server.stop('SIGTERM'), 0);
  } finally {
    await stopAll();
    await removeDir(dir);
  }
});
