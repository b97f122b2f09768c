/**
 * Aggregations by a field (`stats … by host`, the API's `by`, `logship
 * stats --by`): the store's own groupAggregate() (the terms of `by`, then
 * every group in one pass) against a read per group, the way
 * groupAggregate() composes them from aggregate() for a reader without one
 * (and every store answered before 2026-12-08), on the same store and
 * answers checked equal.
 *
 *   node bench/group-by.bench.mjs [--store blocks|sqlite] [--dir DIR] [--events 300000] [--days 5] [--runs 5] [--only a,b]
 *
 * The folder is written once, in-process (the ingest package's test corpus
 * generator: hosts, levels, statuses, paths, loggers, durations) and reused;
 * the store is opened as `logship serve` opens it (a writer thread and the
 * default reader threads). Each question over the whole range: one run
 * first (not timed), then the median and min–max of `--runs` for each way,
 * alternating. Figures go in BENCHMARKS.md, never asserted.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { groupAggregate, parse } from '@logship/query';

const { values: opt } = parseArgs({
  options: {
    store: { type: 'string', default: 'blocks' },
    dir: { type: 'string' },
    events: { type: 'string', default: '300000' },
    days: { type: 'string', default: '5' },
    runs: { type: 'string', default: '5' },
    only: { type: 'string', default: 'stats,percentiles,histogram,terms,stats-path,stats-lineno,histogram-lineno' },
  },
});

const DAY = 86_400_000;
const END = Date.parse('2026-11-23T12:00:00.000Z');
const NOW = END + 60_000;
const QUESTIONS = {
  stats: { q: '', agg: { type: 'stats', field: 'duration_ms' }, by: 'host', size: 10 },
  percentiles: { q: '', agg: { type: 'percentiles', field: 'duration_ms', percents: [50, 95, 99] }, by: 'host', size: 10 },
  histogram: { q: '', agg: { type: 'date_histogram', interval_ms: 3_600_000 }, by: 'level', size: 10 },
  terms: { q: 'status:>=400', agg: { type: 'terms', field: 'logger', size: 10 }, by: 'host', size: 10 },
  'stats-path': { q: '', agg: { type: 'stats', field: 'duration_ms' }, by: 'path', size: 50 },
  // The API's largest by_size: 100 groups.
  'stats-lineno': { q: '', agg: { type: 'stats', field: 'lineno' }, by: 'lineno', size: 100 },
  'histogram-lineno': { q: '', agg: { type: 'date_histogram', interval_ms: 6 * 3_600_000 }, by: 'lineno', size: 100 },
};

const events = Number(opt.events);
const days = Number(opt.days);
const dir = opt.dir ?? `/tmp/group-by-${opt.store}-${events}`;
const open = opt.store === 'sqlite'
  ? (await import('../packages/ingest/dist/sqlite/open-sqlite-store.js')).openSqliteStore
  : (await import('../packages/ingest/dist/blocks/open-block-store.js')).openBlockStore;
const retention = { default_days: 36_500, classes: [] };
const store = await open({ dataDir: dir, retention, now: () => NOW });

if (!existsSync(`${dir}/bench-written`)) {
  const { generateCorpus } = await import('../packages/ingest/dist/testing/generate-corpus.js');
  const corpus = generateCorpus({ events, seed: 3, endMs: END, days });
  const t0 = performance.now();
  for (let i = 0; i < corpus.length; i += 5000) await store.write(corpus.slice(i, i + 5000));
  writeFileSync(`${dir}/bench-written`, String(events));
  console.error(`[bench] wrote ${events} events over ${days} days in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  // Merges of the block store run after writes stop: let them finish before timing.
  await new Promise((r) => setTimeout(r, 15_000));
}

/** The same store without its own groupAggregate(): groupAggregate() reads per group. */
const perGroup = { search: (r) => store.search(r), count: (r) => store.count(r), aggregate: (r) => store.aggregate(r) };
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

console.log(`store ${opt.store}, ${events} events over ${days} days, ${cpus().length} cores, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
console.log('| question | groups | read per group: median (min–max) ms | one pass: median (min–max) ms |');
console.log('| --- | --- | --- | --- |');
for (const name of opt.only.split(',')) {
  const qn = QUESTIONS[name];
  if (!qn) throw new Error(`unknown question ${name}`);
  const req = { query: parse(qn.q), agg: qn.agg, from: END - days * DAY - DAY, to: NOW, now: NOW };
  const ask = (reader) => groupAggregate(reader, req, { field: qn.by, size: qn.size });
  const a = await ask(perGroup);
  const b = await ask(store);
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    // Sums added in another order may differ in the last bits; anything else is a wrong answer.
    const strip = (x) => JSON.stringify(x, (k, v) => (typeof v === 'number' && !Number.isInteger(v) ? Number(v.toPrecision(9)) : v));
    if (strip(a) !== strip(b)) throw new Error(`${name}: the answers differ\n${JSON.stringify(a).slice(0, 500)}\n${JSON.stringify(b).slice(0, 500)}`);
  }
  const times = { per: [], one: [] };
  for (let i = 0; i < Number(opt.runs); i++) {
    for (const [way, reader] of [['per', perGroup], ['one', store]]) {
      const t0 = performance.now();
      await ask(reader);
      times[way].push(performance.now() - t0);
    }
  }
  const fmt = (xs) => `${median(xs).toFixed(0)} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
  const where = qn.q ? ` where ${qn.q}` : '';
  console.log(`| ${qn.agg.type}${qn.agg.field ? ` of ${qn.agg.field}` : ''} by ${qn.by}${where} | ${b.groups.length} | ${fmt(times.per)} | ${fmt(times.one)} |`);
}
console.log(`load after: ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
await store.close();
