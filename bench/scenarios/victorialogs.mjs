/**
 * VictoriaLogs measured beside logship in the same run (`--victorialogs PATH`,
 * a binary built from its public source: see BENCHMARKS.md), on the same
 * corpus and with the same feeder (bench/lib/feed.mjs: gzip batches of 5,000
 * lines, two in flight).
 *
 *   raw.ndjson ──(asctime / time_local rewritten to RFC 3339 `_time`)──► raw-vl.ndjson
 *        └── gzip batches ──POST /insert/jsonline──► victoria-logs ──► -storageDataPath
 *                     GET /select/logsql/query|hits ◄── the same questions in LogsQL
 *
 * VictoriaLogs parses the JSON lines itself (nested objects flattened, every
 * value kept as a field), as logship does; only the two time fields it cannot
 * read are rewritten, for it alone, before anything is timed.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { feedFile } from '../lib/feed.mjs';
import { cpuMs, cpuOver, peakRssMiB, waitIdle } from '../lib/proc-stats.mjs';
import { freePort, waitFor } from '../lib/processes.mjs';
import { summarize, summarizeIngestRuns, timeRuns } from '../lib/stats.mjs';

/**
 * Ingest parameters (VictoriaLogs' own query args). Times: the rewritten
 * `_time` (django, nginx), journald's µs and pino's ms epoch. Messages: the
 * field each format keeps its text in (nginx: the request line). Streams:
 * fields of the lines themselves with few values (journald host and unit,
 * pino host): at most 13 streams; django and nginx lines, which name no
 * host, share the empty stream, as they reach logship with nothing to tell
 * them apart either.
 */
export const VL_INGEST_ARGS = {
  _time_field: '_time,__REALTIME_TIMESTAMP,time',
  _msg_field: 'message,MESSAGE,msg,request',
  _stream_fields: '_HOSTNAME,_SYSTEMD_UNIT,hostname',
};

/**
 * The questions of bench/scenarios/store.mjs QUESTIONS, in the same order, in
 * LogsQL over the raw field names (logship's `logger` is django/pino `name`
 * or journald SYSLOG_IDENTIFIER; its nginx `duration_ms` is `request_time`
 * × 1000). Searches ask for the newest 100 hits, as logship's page of 100;
 * `count` is the same filter counted once, untimed, to check both stores
 * found the same events.
 */
export const VL_QUESTIONS = [
  { path: '/select/logsql/query', query: '_time:24h name:="django.security" user_id:="user-uuid"', limit: 100, count: true },
  { path: '/select/logsql/query', query: '_time:24h "login failed"', limit: 100, count: true },
  { path: '/select/logsql/query', query: '_time:24h (duration_ms:>1000 OR request_time:>1)', limit: 100, count: true },
  { path: '/select/logsql/query', query: '_time:24h | stats by (name, SYSLOG_IDENTIFIER) count() hits' },
  { path: '/select/logsql/hits', query: '*', start: '7d', step: '1h' },
];

// python-json-logger's "2026-02-08 12:00:00,123" and nginx's "08/Feb/2026:12:00:00 +0000",
// both UTC in the corpus (logship reads zone-less asctime as UTC too).
const ASCTIME = /"asctime":"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d),(\d{3})"/;
const TIME_LOCAL = /"time_local":"(\d\d)\/(\w{3})\/(\d{4}):(\d\d:\d\d:\d\d) ([+-]\d\d)(\d\d)"/;
const MONTHS = { Jan: '01', Feb: '02', Mar: '03', Apr: '04', May: '05', Jun: '06', Jul: '07', Aug: '08', Sep: '09', Oct: '10', Nov: '11', Dec: '12' };

/** One corpus line as VictoriaLogs is fed it: the time field it cannot parse, rewritten to `_time`. */
export function vlLine(line) {
  if (line.includes('"asctime":')) return line.replace(ASCTIME, '"_time":"$1T$2.$3Z"');
  if (line.includes('"time_local":')) {
    return line.replace(TIME_LOCAL, (_, d, mon, y, hms, zh, zm) => `"_time":"${y}-${MONTHS[mon]}-${d}T${hms}${zh}:${zm}"`);
  }
  return line;
}

/** Writes raw-vl-N.ndjson beside the corpus (before anything is timed). */
export async function writeVlCorpus(corpusFile) {
  const file = corpusFile.replace(/\.ndjson$/, '.vl.ndjson');
  const out = createWriteStream(file);
  let buf = '';
  for await (const line of createInterface({ input: createReadStream(corpusFile), crlfDelay: Infinity })) {
    buf += vlLine(line) + '\n';
    if (buf.length > 1 << 20) {
      if (!out.write(buf)) await new Promise((r) => out.once('drain', r));
      buf = '';
    }
  }
  out.end(buf);
  await new Promise((r) => out.once('finish', r));
  return { file, bytes: statSync(file).size };
}

async function dirBytes(dir) {
  let total = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) total += (await stat(join(e.parentPath ?? e.path, e.name))).size;
  }
  return total;
}

/** The folder's size once two reads `gapMs` apart agree (or after `maxMs`). */
async function diskSettled(dir, { gapMs = 2000, maxMs = 60_000 } = {}) {
  const end = Date.now() + maxMs;
  let before = await dirBytes(dir);
  for (;;) {
    await new Promise((r) => setTimeout(r, gapMs));
    const now = await dirBytes(dir);
    if (now === before || Date.now() > end) return now;
    before = now;
  }
}

export async function startVictoriaLogs(bin, dataDir) {
  await mkdir(dataDir, { recursive: true });
  const port = await freePort();
  // Retention far past the corpus' 6.9 days, so no line ages out while a long run goes on.
  const proc = spawn(bin, [`-storageDataPath=${dataDir}`, `-httpListenAddr=127.0.0.1:${port}`, '-retentionPeriod=30d', '-loggerLevel=WARN'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => { out = (out + d).slice(-20000); });
  proc.stderr.on('data', (d) => { out = (out + d).slice(-20000); });
  const exited = new Promise((r) => proc.once('exit', r));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(async () => (await fetch(`${url}/health`)).ok).catch(() => {
    throw new Error(`victoria-logs did not start:\n${out}`);
  });
  return {
    pid: proc.pid, url, output: () => out,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(t);
    },
  };
}

async function get(url, path, params) {
  const res = await fetch(`${url}${path}?${new URLSearchParams(params)}`);
  const text = await res.text();
  if (!res.ok) throw new Error(`${path} ${params.query ?? ''}: ${res.status} ${text.slice(0, 300)}`);
  return text;
}

/** How many events a filter matches (untimed check). */
async function countOf(url, query) {
  const text = await get(url, '/select/logsql/query', { query: `${query} | stats count() n` });
  return Number(JSON.parse(text.trim().split('\n')[0] || '{"n":0}').n);
}

/** `metric{...} value` lines of /metrics summed by name. */
async function metricSum(url, name) {
  const text = await get(url, '/metrics', {});
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(name)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  return sum;
}

/**
 * The VictoriaLogs side of a run, driven by runStoreBench between logship's
 * runs so the two alternate: `ingestRun(r)` ingests into a fresh data folder
 * and keeps that server for the questions; `ask(i)` times question i;
 * `finish()` returns the figures and stops it.
 */
export function victoriaLogsSide({ bin, work, events, runs }) {
  const dataDir = join(work, `data-victorialogs-${events}`);
  let server = null;
  let corpus = null;
  const measured = [];
  const queries = [];
  const version = execFileSync(bin, ['-version'], { encoding: 'utf8' }).trim();
  return {
    label: 'victorialogs',
    async prepare(rawCorpus) {
      corpus = { ...(await writeVlCorpus(rawCorpus.file)), raw_bytes: rawCorpus.bytes };
    },
    async ingestRun() {
      await server?.stop();
      await rm(dataDir, { recursive: true, force: true });
      server = await startVictoriaLogs(bin, dataDir);
      const qs = new URLSearchParams(VL_INGEST_ARGS);
      const post = async (body, count) => {
        const res = await fetch(`${server.url}/insert/jsonline?${qs}`, {
          method: 'POST', headers: { 'content-type': 'application/stream+json', 'content-encoding': 'gzip' }, body,
        });
        if (!res.ok) throw new Error(`victorialogs ingest ${res.status}: ${(await res.text()).slice(0, 300)}`);
        return count;
      };
      const c0 = cpuMs(server.pid);
      const { wallMs, cpuMs: ackCpu, cores } = await cpuOver(server.pid, () => feedFile(corpus.file, post));
      // It acknowledges from memory: what it owes the disk (flush, then the
      // merges that follow) is part of ingesting, and disk is measured after.
      // force_flush makes pending rows searchable (in-memory parts); those
      // reach -storageDataPath within -inmemoryDataFlushInterval (5 s), and
      // merges follow: disk is read once none is left in memory, no merge
      // runs, the process is idle and the folder's size stays put.
      await get(server.url, '/internal/force_flush', {});
      await waitFor(async () => (await metricSum(server.url, 'vl_compressed_data_size_bytes{type="storage/inmemory"}')) === 0
        && (await metricSum(server.url, 'vl_active_merges')) === 0, 300_000);
      const settled = await waitIdle(server.pid);
      await diskSettled(dataDir);
      const one = {
        events, raw_bytes: corpus.raw_bytes, fed_bytes: corpus.bytes, seconds: wallMs / 1000,
        events_per_s: events / (wallMs / 1000), server_cores: cores,
        server_cpu_s: ackCpu / 1000, server_cpu_s_settled: (cpuMs(server.pid) - c0) / 1000, settled,
        server_peak_rss_mib: peakRssMiB(server.pid),
        disk_bytes: await diskSettled(dataDir),
        stored: await countOf(server.url, '*'),
      };
      one.disk_per_raw_byte = one.disk_bytes / corpus.raw_bytes;
      measured.push(one);
    },
    async ask(i) {
      const q = VL_QUESTIONS[i];
      const { path, count, ...params } = q;
      const times = await timeRuns(() => get(server.url, path, params), { runs, warmup: 1 });
      let size = null;
      if (count) size = await countOf(server.url, q.query);
      else {
        const text = await get(server.url, path, params);
        size = path.endsWith('/hits')
          ? JSON.parse(text).hits.reduce((a, h) => a + h.timestamps.length, 0)
          : text.trim().split('\n').filter(Boolean).length;
      }
      queries[i] = { query: path.endsWith('/hits') ? `${path} query=${q.query} start=${q.start} step=${q.step}` : q.query, ...summarize(times), result_size: size };
    },
    async finish() {
      const ingest = summarizeIngestRuns(measured);
      ingest.server_peak_rss_after_queries_mib = peakRssMiB(server.pid);
      await server.stop();
      // At rest, after a clean stop, for comparison with logship's at-rest figure.
      ingest.disk_bytes_at_rest = await dirBytes(dataDir);
      server = null;
      return { version, ingest, queries, ingest_args: VL_INGEST_ARGS };
    },
    async stop() {
      await server?.stop();
    },
  };
}
