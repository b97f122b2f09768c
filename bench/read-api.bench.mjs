/**
 * The read API's newer questions on the SQLite store, with reader threads
 * as `logship serve` runs it: the fields of a day (sampled past 10,000
 * events), a field's top values (rollups under the empty query; rows with a
 * query), the context around an event, and a gap-filled histogram.
 *
 *   node bench/read-api.bench.mjs [--quick]     (needs `tsc -b` first)
 *
 * Also picked up by bench/run.mjs (exports `run`), which writes BENCHMARKS.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { summarize, timeRuns } from './lib/stats.mjs';

const END = Date.parse('2026-11-23T12:00:00.000Z');
const DAY = 86_400_000;

export async function run({ root, quick = false, runs = 5, work }) {
  const ingest = (p) => import(pathToFileURL(join(root, 'packages/ingest/dist', p)).href);
  const { openSqliteStore } = await ingest('sqlite/open-sqlite-store.js');
  const { generateCorpus } = await ingest('testing/generate-corpus.js');
  const { DEFAULT_RETENTION } = await ingest('retention/retention-config.js');
  const { parse } = await import(pathToFileURL(join(root, 'packages/query/dist/index.js')).href);
  const events = quick ? 100_000 : 300_000;
  const dir = await mkdtemp(join(work ?? tmpdir(), 'read-api-bench-'));
  const store = await openSqliteStore({ dataDir: dir, retention: { ...DEFAULT_RETENTION, default_days: 3650, classes: [] }, now: () => END });
  try {
    const corpus = generateCorpus({ events, seed: 3, endMs: END, days: 1 });
    for (let i = 0; i < corpus.length; i += 10_000) await store.write(corpus.slice(i, i + 10_000));
    const all = parse('');
    const day = { from: END - DAY, to: END, now: END, query: all };
    const errors = { ...day, query: parse('level:error') };
    const newest = (await store.search({ ...day, limit: 1 })).hits[0];
    const mid = (await store.search({ ...day, from: END - DAY / 2, to: END - DAY / 2 + 60_000, limit: 1 })).hits[0];
    const at = (e) => ({ id: e['event.id'], ts: Date.parse(e['@timestamp']), now: END });
    const scenarios = [
      ['fields of a day (newest 10,000 sampled)', () => store.fields(day)],
      ['fields of a day, q=level:error', () => store.fields(errors)],
      ['values of level, a day (rollups)', () => store.fieldValues({ ...day, field: 'level', size: 10 })],
      ['values of logger, q=level:error (rows)', () => store.fieldValues({ ...errors, field: 'logger', size: 10 })],
      ['values of message, a day (sampled)', () => store.fieldValues({ ...day, field: 'message', size: 10 })],
      ['context 20/20, newest event', () => store.context({ ...at(newest), before: 20, after: 20 })],
      ['context 500/500, mid-day event', () => store.context({ ...at(mid), before: 500, after: 500 })],
      ['date_histogram of a day, 10 m, every bucket', () => store.aggregate({ ...day, agg: { type: 'date_histogram', interval_ms: 600_000 } })],
    ];
    const rows = [];
    for (const [operation, fn] of scenarios) {
      const s = summarize(await timeRuns(fn, { runs, warmup: 1 }));
      rows.push({ operation, 'median ms': Number(s.median.toFixed(1)), 'p95 ms': Number(s.p95.toFixed(1)), runs: s.runs });
    }
    return {
      command: `node bench/read-api.bench.mjs${quick ? ' --quick' : ''}`,
      description: `SQLite store, 2 reader threads, ${events.toLocaleString('en')} generated events in one UTC day; ms per request (lower is better).`,
      rows,
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  const result = await run({ root, quick: process.argv.includes('--quick'), runs: 7 });
  console.log(result.description);
  console.table(result.rows);
}
