/**
 * The two LogStore backends side by side, at the store interface (no HTTP):
 * the same generated corpus written in batches of 5,000 into SQLite and into
 * Elasticsearch, then the questions of bench/scenarios/store.mjs asked of
 * both. Shows what the backends cost, apart from the ingest API.
 *
 *   LOGSHIP_BENCH_ES_URL=$(bash scripts/elasticsearch.sh start) node bench/elasticsearch-store.bench.mjs [--quick]
 *
 * Also picked up by bench/run.mjs (exports `run`), which writes BENCHMARKS.md.
 * Needs `tsc -b` first. Elasticsearch is the integ-test distribution on this
 * machine with a 512 MiB heap, one shard, no replica: a floor, not a cluster.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { summarize, timeRuns } from './lib/stats.mjs';
import { QUESTIONS } from './scenarios/store.mjs';

const BATCH = 5000;

async function ingestAll(store, events, now) {
  const t0 = performance.now();
  let stored = 0;
  for (let i = 0; i < events.length; i += BATCH) {
    const res = await store.write(events.slice(i, i + BATCH), now);
    stored += res.stored;
  }
  return { seconds: (performance.now() - t0) / 1000, stored };
}

function request(q, question, now) {
  const { api } = question;
  const query = q.parse(api.q);
  const from = q.resolveDate(api.from, { now, roundUp: false });
  if (api.path.endsWith('/search')) return { kind: 'search', req: { query, from, to: now, now, limit: Number(api.limit ?? 100) } };
  const agg = api.type === 'terms'
    ? { type: 'terms', field: api.field, size: 10 }
    : { type: 'date_histogram', interval_ms: api.interval === '1h' ? 3_600_000 : 86_400_000 };
  return { kind: 'aggregate', req: { query, from, to: now, now, agg } };
}

async function ask(store, r) {
  const res = r.kind === 'search' ? await store.search(r.req) : await store.aggregate(r.req);
  return res.total?.value ?? res.buckets?.length ?? null;
}

export async function run({ root, quick = false, runs = 5, work = tmpdir() }) {
  const esUrl = process.env.LOGSHIP_BENCH_ES_URL ?? process.env.LOGSHIP_TEST_ES_URL;
  if (!esUrl) return { error: 'no Elasticsearch: set LOGSHIP_BENCH_ES_URL (bash scripts/elasticsearch.sh start prints it)' };
  const dist = (p) => pathToFileURL(join(root, p)).href;
  const ingest = await import(dist('packages/ingest/dist/index.js'));
  const q = await import(dist('packages/query/dist/index.js'));
  const { generateCorpus } = await import(dist('packages/ingest/dist/testing/generate-corpus.js'));

  const events = quick ? 50_000 : 500_000;
  const endMs = Date.now();
  const corpus = generateCorpus({ events, seed: 7, endMs, days: 7 });
  const dir = await mkdtemp(join(work, 'logship-store-bench-'));
  const prefix = `bench-store-${process.pid}`;
  const stores = [
    ['SQLite', await ingest.openSqliteStore({ dataDir: dir })],
    ['Elasticsearch', await ingest.openElasticsearchStore({ url: esUrl, indexPrefix: prefix, replicas: 0 })],
  ];
  const rows = [];
  try {
    const ingestRow = { measure: `write ${events.toLocaleString('en-US')} events, batches of ${BATCH}`, unit: 'events/s' };
    for (const [name, store] of stores) {
      const { seconds, stored } = await ingestAll(store, corpus, endMs);
      if (stored !== events) throw new Error(`${name} stored ${stored} of ${events}`);
      ingestRow[name] = events / seconds;
    }
    rows.push(ingestRow);
    for (const question of QUESTIONS) {
      const r = request(q, question, endMs);
      const row = { measure: `${question.name} (median ms)`, unit: 'ms' };
      const sizes = [];
      for (const [name, store] of stores) {
        let size = null;
        const times = await timeRuns(async () => {
          size = await ask(store, r);
        }, { runs, warmup: 1 });
        row[name] = summarize(times).median;
        sizes.push(size);
      }
      row['result size (SQLite / ES)'] = sizes.join(' / ');
      rows.push(row);
    }
  } finally {
    for (const [, store] of stores) await store.close();
    await fetch(`${esUrl}/${prefix}-*`, { method: 'DELETE' }).catch(() => undefined);
    await fetch(`${esUrl}/_index_template/${prefix}-logship`, { method: 'DELETE' }).catch(() => undefined);
    await rm(dir, { recursive: true, force: true });
  }
  return {
    command: `LOGSHIP_BENCH_ES_URL=… node bench/elasticsearch-store.bench.mjs${quick ? ' --quick' : ''}`,
    description:
      'Both backends at the LogStore interface, same generated corpus (packages/ingest/src/testing/generate-corpus.ts, seed 7, 7 days) and the questions of the HTTP store benchmark. ' +
      'Elasticsearch: integ-test distribution, 512 MiB heap, 1 shard, 0 replicas, on the same 2 cores; writes use _bulk with refresh=false, then one coalesced _refresh of the indices written (read-your-writes).',
    rows,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const res = await run({ root, quick: process.argv.includes('--quick'), runs: 5 });
  console.log(JSON.stringify(res, null, 2));
}
