/**
 * One batch spanning more days than the server can hold files open for:
 * an agent catching up on a year of archived logs sends events for ~400
 * days at once, each day its own partition file (three descriptors while
 * open). Under the usual limit of 1024 descriptors the batch used to fail
 * on every retry, answered as a damaged partition to be moved aside; it is
 * now stored, and a retry after a restart is all duplicates. A search over
 * all those days ran out of descriptors too, and the days it could not open
 * were noted damaged: that search and every later one answered 200 without
 * their events, until a restart; then (block format) it answered 503
 * LS_STORE_NO_DESCRIPTORS. A search, its total, histograms, terms and a sum
 * over every day now answer exactly, each thread keeping a bounded number
 * of partitions open. Both store formats.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, logshipBin, removeDir, repoRoot, startServer, stopAll, tempDir, track, waitFor } from './harness.js';

const DAYS = 400;
/**
 * Descriptors the server may hold during the wide queries under a limit of
 * 1024: half of it for partition files (partition-pool.ts
 * openPartitionsFor), and what else it holds (~40). Each reader thread
 * holding all of its range's files, as it did, ran past the limit.
 */
const OPEN_FILES_BOUND = 600;

after(stopAll);

/** Events per day over the last `days` days, and their sum. */
async function histogram(url: string, days: number): Promise<{ status: number; total: number; body: { buckets?: { count: number }[] } }> {
  const params = new URLSearchParams({ q: '*', from: `now-${days}d`, to: 'now+1d', type: 'date_histogram', interval: '1d' });
  const res = await fetch(`${url}/api/v1/aggregate?${params}`);
  const body = (await res.json()) as { buckets?: { count: number }[] };
  return { status: res.status, total: (body.buckets ?? []).reduce((s, b) => s + b.count, 0), body };
}

/** GET `path` with `params`, its JSON body; anything but 200 fails with the body. */
async function getOk<T>(url: string, path: string, params: Record<string, string>): Promise<T> {
  const res = await fetch(`${url}${path}?${new URLSearchParams(params)}`);
  const text = await res.text();
  assert.equal(res.status, 200, `${path} ${JSON.stringify(params)}: ${text.slice(0, 2000)}`);
  return JSON.parse(text) as T;
}

/**
 * A search (its total is a count of every day), the oldest hit, histograms
 * from the rollups and past them (a query), a terms aggregation and a sum
 * over the last `days` days.
 */
async function wideQueries(url: string, days: number): Promise<Record<string, unknown>> {
  const range = { from: `now-${days}d`, to: 'now+1d' };
  type Buckets = { buckets: { count: number }[]; other_count?: number };
  const sum = (b: Buckets): number => b.buckets.reduce((s, x) => s + x.count, 0) + (b.other_count ?? 0);
  const page = await getOk<{ hits: unknown[]; total: { value: number; relation: string } }>(url, '/api/v1/search', { q: 'archived', limit: '10', ...range });
  const oldest = await getOk<{ hits: { message: string }[] }>(url, '/api/v1/search', { q: 'archived', limit: '1', sort: 'asc', ...range });
  const histogram = await getOk<Buckets>(url, '/api/v1/aggregate', { q: '*', type: 'date_histogram', interval: '1d', ...range });
  const filtered = await getOk<Buckets>(url, '/api/v1/aggregate', { q: 'archived', type: 'date_histogram', interval: '1d', ...range });
  const terms = await getOk<Buckets>(url, '/api/v1/aggregate', { q: 'archived', type: 'terms', field: 'week', size: '100', ...range });
  const stats = await getOk<{ count: number; sum: number }>(url, '/api/v1/aggregate', { q: 'archived', type: 'stats', field: 'd', ...range });
  assert.equal(page.total.relation, 'eq');
  return { total: page.total.value, hits: page.hits.length, oldest: oldest.hits[0]?.message, histogram: sum(histogram), filtered: sum(filtered), terms: sum(terms), sum: stats.count === days - 2 ? stats.sum : `count ${stats.count}` };
}

/**
 * The most descriptors process `pid` had open at any look until stop():
 * looked at every few milliseconds, so a peak between two looks
 * may be missed (never one that was not there).
 */
function watchDescriptors(pid: number): { stop: () => number } {
  let peak = 0;
  let on = true;
  const look = (): void => {
    if (!on) return;
    try {
      peak = Math.max(peak, readdirSync(`/proc/${pid}/fd`).length);
    } catch {
      // the process is gone: the queries fail and say so
    }
    // Unref'd: a failed query ends the test, not kept waiting on this.
    setTimeout(look, 5).unref();
  };
  look();
  return {
    stop: () => {
      on = false;
      return peak;
    },
  };
}

/** `logship serve` with its descriptor limit set to `limit` by the shell that starts it. */
async function serveWithFileLimit(dataDir: string, configFile: string, limit: number): Promise<{ url: string; pid: number; stop: (s?: NodeJS.Signals) => Promise<number | string> }> {
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
  return { url, pid: proc.pid!, stop: (s) => rp.stop(s) };
}

for (const format of ['blocks', 'rows'] as const) test(`${format}: a batch with events on ${DAYS} days is stored under a limit of 1024 open files, once`, { timeout: 180_000 }, async () => {
  const dir = await tempDir('logship-many-days-');
  try {
    const dataDir = join(dir, 'data');
    const configFile = join(dir, 'server.yaml');
    await writeFile(configFile, `store: { type: sqlite, format: ${format} }\nretention: { default_days: 3650 }\n`);
    const now = Date.now();
    const body = Array.from({ length: DAYS }, (_, d) =>
      JSON.stringify({ '@timestamp': new Date(now - d * 86_400_000 - 3_600_000).toISOString(), message: `archived day ${d}`, 'event.id': `day-${d}`, d, week: `w${Math.floor(d / 7)}` }),
    ).join('\n') + '\n';
    const post = async (url: string) => {
      const res = await fetch(`${url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
      return { status: res.status, body: (await res.json()) as { stored?: number; duplicates?: number; error?: { message: string } } };
    };

    const limited = await serveWithFileLimit(dataDir, configFile, 1024);
    const first = await post(limited.url);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual([first.body.stored, first.body.duplicates], [DAYS, 0]);

    // Queries over every day open more partition files than the limit
    // allows at once (three descriptors a day, on each reader thread): each
    // thread keeps a bounded number open, closing the least recently used.
    const fds = watchDescriptors(limited.pid);
    let wide: Record<string, unknown>;
    try {
      wide = await wideQueries(limited.url, DAYS + 2);
    } finally {
      fds.stop();
    }
    const peak = fds.stop();
    assert.deepEqual(wide, { total: DAYS, hits: 10, oldest: `archived day ${DAYS - 1}`, histogram: DAYS, filtered: DAYS, terms: DAYS, sum: (DAYS * (DAYS - 1)) / 2 });
    assert.ok(peak <= OPEN_FILES_BOUND, `${peak} descriptors open during the wide queries`);
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
