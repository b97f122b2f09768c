/**
 * Ingest and query benchmark for one store, beside ripgrep over the raw files.
 *
 *   corpus (scripts/corpus.mjs, N events over 7 days) ──► raw.ndjson ──► rg (baseline)
 *        └── gzip NDJSON batches ──POST /api/v1/ingest──► logship serve ──► store
 *                                   GET /api/v1/search|aggregate ◄── timed questions
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, statSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { generateCorpus } from '../../scripts/corpus.mjs';
import { feedFile } from '../lib/feed.mjs';
import { cpuMs, cpuOver, peakRssMiB, waitIdle } from '../lib/proc-stats.mjs';
import { startServer } from '../lib/processes.mjs';
import { summarize, summarizeIngestRuns, timeRuns } from '../lib/stats.mjs';

const DAY = 86_400_000;

/** The questions of the query API issue, as logship queries and as ripgrep commands. */
export const QUESTIONS = [
  {
    name: 'selective field query, 24 h',
    api: { path: '/api/v1/search', q: 'logger:"django.security" AND user_id:"user-uuid"', from: 'now-24h', limit: '100' },
    rg: `rg -F '"name":"django.security"' RAW | rg -c -F '"user_id":"user-uuid"'`,
  },
  {
    name: 'phrase query "login failed", 24 h',
    api: { path: '/api/v1/search', q: '"login failed"', from: 'now-24h', limit: '100' },
    rg: `rg -c -i 'login failed' RAW`,
  },
  {
    name: 'duration_ms:>1000, 24 h',
    api: { path: '/api/v1/search', q: 'duration_ms:>1000', from: 'now-24h', limit: '100' },
    rg: `rg -c '"duration_ms":[1-9][0-9]{3,}' RAW`,
  },
  {
    name: 'terms aggregation of logger, 24 h',
    api: { path: '/api/v1/aggregate', q: '', type: 'terms', field: 'logger', from: 'now-24h' },
    rg: `rg -o '"name":"[^"]*"' RAW | sort | uniq -c | sort -rn | head -10`,
  },
  {
    name: 'date histogram, 7 days',
    api: { path: '/api/v1/aggregate', q: '', type: 'date_histogram', interval: '1h', from: 'now-7d' },
    rg: `rg -o '"asctime":"[0-9-]+ [0-9]{2}' RAW | sort | uniq -c | wc -l`,
  },
];

async function dirBytes(dir) {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath ?? e.path, e.name))).size;
  }
  return total;
}

/** Writes the corpus as raw NDJSON and returns its path and size. */
export async function writeCorpus(dir, events, endMs) {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `raw-${events}.ndjson`);
  const out = createWriteStream(file);
  let buf = '';
  for (const { line } of generateCorpus({ events, days: 6.9, seed: 7, endMs })) {
    buf += line + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise((r) => out.once('finish', r));
  return { file, bytes: statSync(file).size };
}

/** POSTs the corpus to logship in gzip batches (bench/lib/feed.mjs), counting what it took. */
function ingestFile(url, file) {
  return feedFile(file, async (body) => {
    const res = await fetch(`${url}/api/v1/ingest`, {
      method: 'POST', headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' }, body,
    });
    const ans = await res.json();
    if (!res.ok) throw new Error(`ingest ${res.status}: ${JSON.stringify(ans).slice(0, 300)}`);
    return ans.stored + ans.duplicates + ans.expired;
  });
}

/**
 * Ingests the corpus `ingestRuns` times, each into a fresh store and server,
 * and keeps the last one running for the questions. The ingest figure is the
 * median run (min and max beside it).
 *
 * A fresh store is a fresh data folder for SQLite. For Elasticsearch, whose
 * state is in the cluster (a second run into the same indices would only meet
 * its own duplicates), the caller passes `serverArgs` as a function of the
 * run number that points each run at a fresh index prefix, and `beforeRun`
 * to delete the previous run's indices so disk stays bounded.
 *
 * `peers` (bench/scenarios/victorialogs.mjs) are other stores measured in the
 * same run: each ingest run of logship is followed by one of each peer, and
 * each question is timed on logship then on each peer, so a slower spell of
 * the shared machine falls on both alike. Their figures come back in `peers`.
 */
export async function runStoreBench({ root, work, events, runs, label, serverArgs = [], beforeRun, endMs, ingestRuns = 1, peers = [] }) {
  const corpus = await writeCorpus(join(work, 'corpus'), events, endMs);
  const dataDir = join(work, `data-${label}-${events}`);
  const argsFor = typeof serverArgs === 'function' ? serverArgs : () => serverArgs;
  const measured = [];
  let server = null;
  // A peer that fails is recorded as failed and left out from then on; logship's figures go on.
  const failed = new Map();
  const eachPeer = async (fn) => {
    for (const peer of peers) {
      if (failed.has(peer)) continue;
      try {
        await fn(peer);
      } catch (err) {
        console.error(`[bench] ${peer.label} failed: ${err.stack ?? err}`);
        failed.set(peer, String(err.message ?? err));
      }
    }
  };
  try {
    await eachPeer((peer) => peer.prepare(corpus));
    for (let r = 0; r < ingestRuns; r++) {
      if (server) {
        await server.stop();
        await rm(dataDir, { recursive: true, force: true });
      }
      await beforeRun?.(r);
      server = await startServer(root, { dataDir, args: await argsFor(r) });
      const c0 = cpuMs(server.pid);
      const { wallMs, cpuMs: ackCpu, cores } = await cpuOver(server.pid, () => ingestFile(server.url, corpus.file));
      // What the server still does after the last acknowledgement counts too
      // (the same rule as for a peer that acknowledges from memory).
      const settled = await waitIdle(server.pid);
      const one = {
        events, raw_bytes: corpus.bytes, seconds: wallMs / 1000,
        events_per_s: events / (wallMs / 1000), server_cores: cores,
        server_cpu_s: ackCpu / 1000, server_cpu_s_settled: (cpuMs(server.pid) - c0) / 1000, settled,
        server_peak_rss_mib: peakRssMiB(server.pid),
      };
      if (label === 'sqlite') {
        // While running, WAL files hold up to a checkpoint's worth per partition.
        one.disk_bytes_running = await dirBytes(dataDir);
      }
      measured.push(one);
      await eachPeer((peer) => peer.ingestRun(r));
    }
    // The median run's figures, with the spread of the rate over all runs.
    const ingest = summarizeIngestRuns(measured);
    const queries = [];
    for (const [i, qd] of QUESTIONS.entries()) {
      const { path, ...params } = qd.api;
      const qs = new URLSearchParams(params);
      let hits = null;
      const times = await timeRuns(async () => {
        const res = await fetch(`${server.url}${path}?${qs}`);
        const body = await res.json();
        if (!res.ok) throw new Error(`${qd.name}: ${res.status} ${JSON.stringify(body)}`);
        hits = body.total?.value ?? body.buckets?.length ?? null;
      }, { runs, warmup: 1 });
      queries.push({ name: qd.name, query: qd.api.q, ...summarize(times), result_size: hits });
      await eachPeer((peer) => peer.ask(i));
    }
    ingest.server_peak_rss_after_queries_mib = peakRssMiB(server.pid);
    await server.stop();
    if (label === 'sqlite') {
      // At rest (the server closed, WAL checkpointed): what the data costs on disk.
      ingest.disk_bytes = await dirBytes(dataDir);
      ingest.disk_per_raw_byte = ingest.disk_bytes / corpus.bytes;
      // Which store the server wrote, whatever its default: the block store
      // keeps <data>/blocks, the row store <data>/sqlite.
      const has = async (d) => (await readdir(join(dataDir, d)).catch(() => [])).length > 0;
      ingest.store_written = [(await has('sqlite')) && 'rows', (await has('blocks')) && 'blocks'].filter(Boolean).join('+') || null;
    }
    const fromPeers = {};
    await eachPeer(async (peer) => {
      const got = await peer.finish();
      got.queries = got.queries.map((q, i) => ({ name: QUESTIONS[i].name, ...q }));
      fromPeers[peer.label] = got;
    });
    for (const [peer, error] of failed) fromPeers[peer.label] = { error };
    return { ingest, queries, corpus, peers: fromPeers };
  } finally {
    await server?.stop();
    for (const peer of peers) await peer.stop().catch(() => {});
  }
}

/** The same questions answered by ripgrep over the raw NDJSON (no time filter: rg cannot). */
export async function runRipgrep(corpusFile, runs) {
  const rg = spawnSync('rg', ['--version']);
  if (rg.status !== 0) return null;
  const out = [];
  for (const qd of QUESTIONS) {
    const cmd = qd.rg.replaceAll('RAW', corpusFile);
    const times = await timeRuns(() => { execFileSync('bash', ['-c', cmd], { stdio: ['ignore', 'pipe', 'ignore'] }); }, { runs, warmup: 1 });
    out.push({ name: qd.name, command: qd.rg.replaceAll('RAW', '<raw.ndjson>'), ...summarize(times) });
  }
  return out;
}

export { DAY };
