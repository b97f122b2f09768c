/**
 * The read API's newer questions on the embedded store, with reader
 * threads as `logship serve` runs it: the fields of a day (sampled past
 * 10,000 events), a field's top values (rollups under the empty query; rows
 * with a query; a sample for `message`), the context around an event, and
 * a gap-filled histogram. Each is answered as the HTTP route answers it:
 * the store's own method where it has one, else the query package's answer
 * over search, count and aggregate.
 *
 *   node bench/read-api.bench.mjs [--quick] [--format blocks|sqlite]     (needs `tsc -b` first)
 *
 * --format: the store's format (default blocks, what a new data folder
 * gets; sqlite: the row store). Also picked up by bench/run.mjs (exports
 * `run`), which writes BENCHMARKS.md.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { summarize, timeRuns } from './lib/stats.mjs';

const END = Date.parse('2026-11-23T12:00:00.000Z');
const DAY = 86_400_000;

export async function run({ root, quick = false, runs = 5, work, format = 'blocks' }) {
  const ingest = (p) => import(pathToFileURL(join(root, 'packages/ingest/dist', p)).href);
  const { openSqliteStore } = await ingest('sqlite/open-sqlite-store.js');
  const { openBlockStore } = await ingest('blocks/open-block-store.js');
  const { generateCorpus } = await ingest('testing/generate-corpus.js');
  const { DEFAULT_RETENTION } = await ingest('retention/retention-config.js');
  const { answerFieldValues, findContext, parse, sampleFields } = await import(pathToFileURL(join(root, 'packages/query/dist/index.js')).href);
  const events = quick ? 100_000 : 300_000;
  const dir = await mkdtemp(join(work ?? tmpdir(), 'read-api-bench-'));
  const open = format === 'sqlite' ? openSqliteStore : openBlockStore;
  const store = await open({ dataDir: dir, retention: { ...DEFAULT_RETENTION, default_days: 3650, classes: [] }, now: () => END });
  // As the routes answer (packages/query/src/http): the store's own method, else the shared answer.
  const fields = (r) => (store.fields ? store.fields(r) : sampleFields(store, r));
  const fieldValues = (r) => (store.fieldValues ? store.fieldValues(r) : answerFieldValues(store, r));
  const context = (r) => (store.context ? store.context(r) : findContext(store, r));
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
      ['fields of a day (newest 10,000 sampled)', () => fields(day)],
      ['fields of a day, q=level:error', () => fields(errors)],
      ['values of level, a day (rollups)', () => fieldValues({ ...day, field: 'level', size: 10 })],
      ['values of logger, q=level:error (rows)', () => fieldValues({ ...errors, field: 'logger', size: 10 })],
      ['values of message, a day (sampled)', () => fieldValues({ ...day, field: 'message', size: 10 })],
      ['context 20/20, newest event', () => context({ ...at(newest), before: 20, after: 20 })],
      ['context 500/500, mid-day event', () => context({ ...at(mid), before: 500, after: 500 })],
      ['date_histogram of a day, 10 m, every bucket', () => store.aggregate({ ...day, agg: { type: 'date_histogram', interval_ms: 600_000 } })],
    ];
    const rows = [];
    for (const [operation, fn] of scenarios) {
      const s = summarize(await timeRuns(fn, { runs, warmup: 1 }));
      rows.push({ operation, 'median ms': Number(s.median.toFixed(1)), 'p95 ms': Number(s.p95.toFixed(1)), runs: s.runs });
    }
    return {
      command: `node bench/read-api.bench.mjs${quick ? ' --quick' : ''}${format === 'blocks' ? '' : ` --format ${format}`}`,
      description: `The embedded store (format ${format}), 2 reader threads, ${events.toLocaleString('en')} generated events in one UTC day; ms per request (lower is better).`,
      rows,
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  const at = process.argv.indexOf('--format');
  const result = await run({ root, quick: process.argv.includes('--quick'), runs: 7, ...(at > 0 ? { format: process.argv[at + 1] } : {}) });
  console.log(result.description);
  console.table(result.rows);
}
