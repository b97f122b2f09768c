/**
 * The bench's three search questions (bench/scenarios/store.mjs QUESTIONS)
 * against a block store of the bench corpus, timed in-process, without the
 * whole bench around them.
 *
 *   scripts/corpus.mjs (seed 7, 6.9 days, fixed end) ──POST──► logship serve ──► DIR (kept, reused)
 *   DIR ──► BlockStore (reader threads as the server has, or inline) ──► search × runs ──► medians
 *
 * Run after `node_modules/.bin/tsc -b`:
 *   node bench/block-search.bench.mjs [--dir /tmp/blocks-1m] [--events 1000000] [--runs 7]
 *        [--threads 2] [--cache BYTES] [--only selective,phrase,range,all,wildcard,regex,keyword,rare,terms,histogram,percentiles,orhist,nothist,levelhist,hosthist,statushist,fields,values]
 *        [--days 1] [--split-min-bytes BYTES] [--check] [--http] [--corpus FILE]
 *
 * The folder is built once (a minute or two) and reused: its corpus end is
 * kept beside it (bench-end-ms), and the questions' 24 h end there. --threads 0
 * answers on this thread (for `node --cpu-prof`). --check prints a digest of
 * each answer (hits and total), to compare two builds. --cache: bytes of the
 * column cache per reader thread (blocks/column-cache.ts; 0 = none, each
 * search then decodes as the first one after a start does; default: the
 * reader threads' own default, or none with --threads 0). --http asks
 * `logship serve` on the folder instead, as the bench does (from=now-24h:
 * the range slides past the corpus's end as the folder ages, so totals
 * shrink a little). --days: the searches' range in days back from the end
 * (1: the bench's 24 h). --split-min-bytes: partition bytes in range from
 * which a search runs on both reader threads (blocks/split-query.ts; default
 * the store's SPLIT_MIN_BYTES; 0 splits every search, 1e15 none). The last
 * line is the answering process's peak RSS (the server's with --http).
 * With --threads 0 each line also gives the median CPU time of this
 * process a question (user + system), which other processes on the cores
 * move less than the wall time.
 * --corpus: build the folder from a corpus written before by
 * `node scripts/corpus.mjs --events N > FILE` instead of generating one;
 * its end is the file's modification time (the generator's default end is
 * the moment it ran).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from '@logship/query';
import { writeCorpus } from './scenarios/store.mjs';
import { feedFile } from './lib/feed.mjs';
import { startServer } from './lib/processes.mjs';
import { peakRssMiB } from './lib/proc-stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values: opt } = parseArgs({
  options: {
    dir: { type: 'string', default: '/tmp/blocks-1m' },
    events: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '7' },
    threads: { type: 'string', default: '2' },
    only: { type: 'string', default: 'selective,phrase,range' },
    check: { type: 'boolean', default: false },
    cache: { type: 'string' },
    http: { type: 'boolean', default: false },
    days: { type: 'string', default: '1' },
    'split-min-bytes': { type: 'string' },
    corpus: { type: 'string' },
  },
});

const DAY = 86_400_000;
const QUESTIONS = {
  selective: 'logger:"django.security" AND user_id:"user-uuid"',
  phrase: '"login failed"',
  range: 'duration_ms:>1000',
  all: '*',
  // Not among the bench's questions: wildcards and regexes, which no bloom can prune.
  wildcard: 'message:*timeout*',
  regex: 'message:/.*timeout.*/',
  keyword: 'host:web-1?',
  // Matches nothing, and no bloom can tell: every block in range is scanned.
  rare: 'message:*zzzq*',
};
/** The bench's two aggregations (served from hourly rollups but for the partial hours at the ends), and percentiles, which no rollup answers. */
const AGGREGATIONS = {
  terms: { q: '', params: { type: 'terms', field: 'logger' }, agg: { type: 'terms', field: 'logger', size: 10 }, span: DAY },
  histogram: { q: '', params: { type: 'date_histogram', interval: '1h' }, agg: { type: 'date_histogram', interval_ms: 3_600_000 }, span: 7 * DAY },
  percentiles: { q: '', params: { type: 'percentiles', field: 'duration_ms', percents: '50,95,99' }, agg: { type: 'percentiles', field: 'duration_ms', percents: [50, 95, 99] }, span: 7 * DAY },
  // The search page's histograms beside a search: 24 h at 15 minutes (blocks), 7 days at 2 hours (level rollups).
  orhist: { q: 'level:(warning OR error)', params: { type: 'date_histogram', interval: '15m' }, agg: { type: 'date_histogram', interval_ms: 900_000 }, span: DAY },
  nothist: { q: '-level:info', params: { type: 'date_histogram', interval: '15m' }, agg: { type: 'date_histogram', interval_ms: 900_000 }, span: DAY },
  levelhist: { q: 'level:warning', params: { type: 'date_histogram', interval: '2h' }, agg: { type: 'date_histogram', interval_ms: 7_200_000 }, span: 7 * DAY },
  // A value clicked into the query, and the NOT of two, over 7 days at 2 hours (those fields' rollups).
  hosthist: { q: 'host:web-1', params: { type: 'date_histogram', interval: '2h' }, agg: { type: 'date_histogram', interval_ms: 7_200_000 }, span: 7 * DAY },
  statushist: { q: 'NOT status:(200 OR 304)', params: { type: 'date_histogram', interval: '2h' }, agg: { type: 'date_histogram', interval_ms: 7_200_000 }, span: 7 * DAY },
};
/** The fields API over the searches' range: the page's field list beside each search, and the values of `message` (sampled) when one clicks it. */
const FIELDS = { fields: { q: '' }, values: { q: '', field: 'message' } };

async function build(dir, events) {
  const endFile = join(dir, 'bench-end-ms');
  if (existsSync(endFile)) return Number(readFileSync(endFile, 'utf8'));
  const endMs = opt.corpus ? Math.floor(statSync(opt.corpus).mtimeMs) : Date.now();
  const corpus = opt.corpus ? { file: opt.corpus } : await writeCorpus(`${dir}-corpus`, events, endMs);
  const server = await startServer(root, { dataDir: dir });
  try {
    const t0 = performance.now();
    const sent = await feedFile(corpus.file, async (body) => {
      const res = await fetch(`${server.url}/api/v1/ingest`, {
        method: 'POST', headers: { 'content-type': 'application/x-ndjson', 'content-encoding': 'gzip' }, body,
      });
      const ans = await res.json();
      if (!res.ok) throw new Error(`ingest ${res.status}: ${JSON.stringify(ans).slice(0, 300)}`);
      return ans.stored + ans.duplicates + ans.expired;
    });
    console.error(`[bench] fed ${sent} events in ${((performance.now() - t0) / 1000).toFixed(1)} s; letting merges finish`);
    // The server folds every partition after 1 s without writes; wait until it is idle.
    await new Promise((r) => setTimeout(r, 15_000));
  } finally {
    await server.stop();
  }
  writeFileSync(endFile, String(endMs));
  return endMs;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const events = Number(opt.events);
const endMs = await build(opt.dir, events);
const ask = opt.http ? await overHttp() : await inProcess();
try {
  for (const name of opt.only.split(',')) {
    const q = QUESTIONS[name];
    const agg = AGGREGATIONS[name];
    const fields = FIELDS[name];
    if (q === undefined && agg === undefined && fields === undefined) throw new Error(`unknown question ${name}`);
    let last = null;
    const times = [];
    const cpu = [];
    for (let i = 0; i < Number(opt.runs) + 1; i++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      last = agg ? await ask.aggregate(agg) : fields?.field !== undefined ? await ask.values(fields) : fields !== undefined ? await ask.fields(fields.q) : await ask.search(q);
      if (i > 0) times.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      if (i > 0) cpu.push((c.user + c.system) / 1000);
    }
    const digest = opt.check
      ? ' ' + createHash('sha256').update(JSON.stringify(last)).digest('hex').slice(0, 16)
      : '';
    if (process.env.BENCH_TIMES) console.error(times.map((t) => t.toFixed(1)).join(" "));
    const size = agg?.agg.type === 'percentiles' ? `count ${last.count}` : agg ? `buckets ${last.buckets.length}` : fields?.field !== undefined ? `values ${last.values.length} (${last.counts})` : fields !== undefined ? `fields ${last.fields.length} (${last.counts})` : `total ${last.total.value}${last.total.relation === 'gte' ? '+' : ''}  hits ${last.hits.length}`;
    // This process's CPU time a question, when it answers on this thread (--threads 0): less moved by other processes on the cores than the wall time.
    const cpuMs = ask.inline ? `  cpu ${median(cpu).toFixed(1).padStart(6)}` : '';
    console.log(`${name.padEnd(10)} median ${median(times).toFixed(1).padStart(6)} ms  min ${Math.min(...times).toFixed(1).padStart(6)}${cpuMs}  ${size}${digest}`);
  }
  // The answering process's peak RSS over every question: the server's with --http, else this one's.
  console.log(`peak RSS ${peakRssMiB(ask.pid)} MiB`);
} finally {
  await ask.close();
}

async function inProcess() {
  const { BlockStore } = await import('../packages/ingest/dist/blocks/block-store.js');
  const { DEFAULT_RETENTION } = await import('../packages/ingest/dist/index.js');
  const cache = opt.cache === undefined ? {} : { columnCacheBytes: Number(opt.cache) };
  const split = opt['split-min-bytes'] === undefined ? {} : { splitMinBytes: Number(opt['split-min-bytes']) };
  const store = new BlockStore({ dataDir: opt.dir, retention: DEFAULT_RETENTION, now: () => endMs, readerThreads: Number(opt.threads), merges: false, ...cache, ...split });
  store.init();
  await store.start();
  return {
    search: (q) => store.search({ query: parse(q), from: endMs - Number(opt.days) * DAY, to: endMs, limit: 100, now: endMs }),
    aggregate: (a) => store.aggregate({ query: parse(a.q), agg: a.agg, from: endMs - a.span, to: endMs, now: endMs }),
    fields: (q) => store.fields({ query: parse(q), from: endMs - Number(opt.days) * DAY, to: endMs, now: endMs }),
    values: (f) => store.fieldValues({ query: parse(f.q), field: f.field, size: 10, from: endMs - Number(opt.days) * DAY, to: endMs, now: endMs }),
    pid: process.pid,
    inline: Number(opt.threads) === 0,
    close: () => store.close(),
  };
}

async function overHttp() {
  const server = await startServer(root, { dataDir: opt.dir });
  return {
    async search(q) {
      const res = await fetch(`${server.url}/api/v1/search?${new URLSearchParams({ q, from: `now-${Number(opt.days) * 24}h`, limit: '100' })}`);
      const body = await res.json();
      if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
      return body;
    },
    async aggregate(a) {
      const from = a.span === DAY ? 'now-24h' : 'now-7d';
      const res = await fetch(`${server.url}/api/v1/aggregate?${new URLSearchParams({ q: a.q, from, ...a.params })}`);
      const body = await res.json();
      if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
      return body;
    },
    async fields(q) {
      const res = await fetch(`${server.url}/api/v1/fields?${new URLSearchParams({ q, from: `now-${Number(opt.days) * 24}h` })}`);
      const body = await res.json();
      if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
      return body;
    },
    async values(f) {
      const res = await fetch(`${server.url}/api/v1/fields/${encodeURIComponent(f.field)}/values?${new URLSearchParams({ q: f.q, from: `now-${Number(opt.days) * 24}h` })}`);
      const body = await res.json();
      if (!res.ok) throw new Error(`${res.status} ${JSON.stringify(body)}`);
      return body;
    },
    pid: server.pid,
    close: () => server.stop(),
  };
}
