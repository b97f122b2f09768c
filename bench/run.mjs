/**
 * `npm run bench` (full: 1M and 10M events) and `npm run bench:quick` (a small
 * corpus, a couple of minutes). Runs every scenario, then regenerates
 * BENCHMARKS.md and bench/chart-*.svg from the results.
 *
 *   node bench/run.mjs [--quick] [--sizes 1000000,10000000] [--runs 7] [--es URL] [--es-sizes 1000000]
 *                      [--append] [--skip-scenarios] [--skip-sqlite] [--ingest-runs 5]
 *                      [--victorialogs PATH] [--store-format blocks|rows] [--ingest-workers N] [--no-es] [--note TEXT]
 *
 * --append merges with bench/results/*.json from an earlier run at other
 * sizes; --skip-scenarios runs only the store/ripgrep comparison;
 * --skip-sqlite measures only Elasticsearch (with --append, SQLite and
 * ripgrep figures are kept from the earlier run: a 10M Elasticsearch run
 * takes an hour, and need not repeat the SQLite one);
 * --ingest-runs is how many times each ingest is measured (SQLite, logship →
 * Elasticsearch and the direct bulk baseline alike), each into a fresh store.
 * Elasticsearch runs at --es-sizes (default the smallest size) when --es or
 * LOGSHIP_BENCH_ES_URL gives a cluster; --no-es leaves it out (scripts/bench.sh
 * then starts none).
 * --victorialogs PATH (or LOGSHIP_BENCH_VICTORIALOGS) measures that
 * victoria-logs binary beside the SQLite store in the same run, alternating
 * with it (bench/scenarios/victorialogs.mjs); --store-format passes
 * `store: { type: sqlite, format: X }` to logship's server config (without
 * it, the server's default store is measured), --ingest-workers N
 * `ingest: { workers: N }`.
 *
 * Figures are recorded here, never asserted in tests.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo } from './lib/machine.mjs';
import { renderIngestChart, renderMarkdown, renderQueryCharts } from './lib/report.mjs';
import { runEsDirectBulk, esStoreBytes } from './scenarios/es-direct-bulk.mjs';
import { runRipgrep, runStoreBench, writeCorpus } from './scenarios/store.mjs';
import { victoriaLogsSide } from './scenarios/victorialogs.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Sections measured by scripts of their own (read API, page, agent A/B),
 * kept in bench/results/manual.md with their commands: a regenerated
 * report would otherwise drop them.
 */
async function manualSections() {
  try {
    return await readFile(join(root, 'bench', 'results', 'manual.md'), 'utf8');
  } catch {
    return '';
  }
}
const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    sizes: { type: 'string' },
    runs: { type: 'string' },
    es: { type: 'string' },
    'es-sizes': { type: 'string' },
    append: { type: 'boolean', default: false },
    'skip-scenarios': { type: 'boolean', default: false },
    'skip-sqlite': { type: 'boolean', default: false },
    note: { type: 'string' },
    'report-only': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    'ingest-runs': { type: 'string' },
    victorialogs: { type: 'string' },
    'store-format': { type: 'string' },
    'ingest-workers': { type: 'string' },
    'no-es': { type: 'boolean', default: false },
  },
});
const quick = values.quick;
const sizes = (values.sizes ?? (quick ? '100000' : '1000000,10000000')).split(',').map(Number);
const runs = Number(values.runs ?? (quick ? 5 : 7));
// Ingest is repeated for median/min/max, each run into a fresh store: a new
// data folder for SQLite, a new index prefix for Elasticsearch (the previous
// run's indices deleted first), a new index for the direct bulk baseline.
const ingestRuns = Number(values['ingest-runs'] ?? 5);
// Elasticsearch on two cores ingests some tens of thousands of events/s, and
// is ingested `ingestRuns` times: by default it runs at the smallest size
// only, so `npm run bench` stays around an hour.
const esSizes = new Set((values['es-sizes'] ?? String(sizes[0])).split(',').map(Number));
const esUrl = values['no-es'] ? null : values.es ?? process.env.LOGSHIP_BENCH_ES_URL ?? null;
const vlBin = values.victorialogs ?? process.env.LOGSHIP_BENCH_VICTORIALOGS ?? null;
const storeFormat = values['store-format'] ?? null;
if (storeFormat !== null && !['blocks', 'rows'].includes(storeFormat)) throw new Error(`--store-format: blocks or rows, not ${storeFormat}`);
const ingestWorkers = values['ingest-workers'] === undefined ? null : Number(values['ingest-workers']);
if (ingestWorkers !== null && !(Number.isInteger(ingestWorkers) && ingestWorkers >= 0)) throw new Error(`--ingest-workers: a whole number, not ${values['ingest-workers']}`);
// Scenario files read it from the environment.
if (esUrl) process.env.LOGSHIP_BENCH_ES_URL = esUrl;
if (values['report-only']) {
  // Re-render BENCHMARKS.md and the charts from the last results, e.g. to add a note.
  const file = join(root, 'bench', 'results', `${quick ? 'quick' : 'full'}.json`);
  const saved = JSON.parse(await readFile(file, 'utf8'));
  if (values.note) saved.note = values.note;
  await writeFile(file, JSON.stringify(saved, null, 2));
  for (const c of renderQueryCharts(saved)) await writeFile(join(root, 'bench', c.file), c.svg);
  await writeFile(join(root, 'bench', 'chart-ingest.svg'), renderIngestChart(saved));
  await writeFile(join(root, 'BENCHMARKS.md'), renderMarkdown(saved, await manualSections()));
  process.exit(0);
}
const work = join(tmpdir(), `logship-bench-${process.pid}`);
await mkdir(work, { recursive: true });

const results = {
  date: new Date().toISOString(),
  // The options that change what is measured, as they were given.
  command: `npm run ${quick ? 'bench:quick' : 'bench'}${commandArgs()}`,
  machine: machineInfo(root),
  runs,
  note: values.note ?? null,
  scenarios: {},
  // The issue asks to compare against the project's previous release when one
  // is tagged; none is yet, and the report says so.
  previous_release: (() => {
    try {
      return execFileSync('git', ['-C', root, 'describe', '--tags', '--abbrev=0'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      return null;
    }
  })(),
};
const log = (...a) => console.error('[bench]', ...a);

function commandArgs() {
  const a = [];
  if (values.sizes) a.push(`--sizes ${values.sizes}`);
  if (values['ingest-runs']) a.push(`--ingest-runs ${values['ingest-runs']}`);
  if (values.runs) a.push(`--runs ${values.runs}`);
  if (vlBin) a.push('--victorialogs PATH');
  if (storeFormat) a.push(`--store-format ${storeFormat}`);
  if (ingestWorkers !== null) a.push(`--ingest-workers ${ingestWorkers}`);
  if (values['no-es']) a.push('--no-es');
  if (values['skip-scenarios']) a.push('--skip-scenarios');
  if (values.append) a.push('--append');
  return a.length ? ` -- ${a.join(' ')}` : '';
}

// Scenario files written by each room (bench/*.bench.mjs) export `run({ root, quick, runs, work })`.
const scenarioFiles = values['skip-scenarios'] ? [] : (await readdir(join(root, 'bench'))).filter((f) => f.endsWith('.bench.mjs')).sort();
for (const f of scenarioFiles) {
  log(`running ${f}`);
  try {
    const mod = await import(pathToFileURL(join(root, 'bench', f)).href);
    results.scenarios[f.replace('.bench.mjs', '')] = await mod.run({ root, quick, runs, work });
  } catch (err) {
    log(`${f} failed: ${err.stack ?? err}`);
    results.scenarios[f.replace('.bench.mjs', '')] = { error: String(err.message ?? err) };
  }
}

const endMs = Date.now();
results.stores = [];
for (const events of sizes) {
  let sqlite;
  let rg = null;
  if (values['skip-sqlite']) {
    sqlite = { corpus: await writeCorpus(join(work, 'corpus'), events, endMs) };
  } else {
    log(`sqlite: ${events} events`);
    // VictoriaLogs alternates with the SQLite runs, on the same corpus.
    const peers = vlBin ? [victoriaLogsSide({ bin: vlBin, work, events, runs })] : [];
    let serverArgs = [];
    if (storeFormat || ingestWorkers !== null) {
      const cfg = join(work, `sqlite-${storeFormat ?? 'default'}.yaml`);
      const store = storeFormat ? `store: { type: sqlite, format: ${storeFormat} }\n` : '';
      await writeFile(cfg, store + (ingestWorkers !== null ? `ingest: { workers: ${ingestWorkers} }\n` : ''));
      serverArgs = ['--config', cfg];
    }
    sqlite = await runStoreBench({ root, work, events, runs, label: 'sqlite', endMs, ingestRuns, serverArgs, peers });
    sqlite.ingest.store_format = storeFormat ?? 'default';
    if (ingestWorkers !== null) sqlite.ingest.ingest_workers = ingestWorkers;
    log(`ripgrep over ${sqlite.corpus.bytes} raw bytes`);
    rg = await runRipgrep(sqlite.corpus.file, runs);
  }
  let es = null;
  let esDirect = null;
  if (esUrl && esSizes.has(events)) {
    log(`elasticsearch: ${events} events, ${ingestRuns} ingest runs`);
    // One index prefix per run: a second run into the same indices would
    // only meet its own duplicates.
    const prefixOf = (r) => `bench-${events}-${process.pid}-r${r}`;
    const dropRun = async (r) => {
      await fetch(`${esUrl}/${prefixOf(r)}-*`, { method: 'DELETE' }).catch(() => {});
      await fetch(`${esUrl}/_index_template/${prefixOf(r)}-logship`, { method: 'DELETE' }).catch(() => {});
    };
    let lastRun = 0;
    try {
      es = await runStoreBench({
        root, work, events, runs, label: 'elasticsearch', endMs, ingestRuns,
        serverArgs: async (r) => {
          const cfg = join(work, `es-${events}-r${r}.yaml`);
          await writeFile(cfg, `store: { type: elasticsearch, url: "${esUrl}", index_prefix: ${prefixOf(r)}, replicas: 0 }\n`);
          return ['--config', cfg];
        },
        // Disk stays bounded at one corpus: the previous run's indices go
        // before the next run starts.
        beforeRun: async (r) => {
          if (r > 0) await dropRun(r - 1);
          lastRun = r;
        },
      }).catch((err) => ({ error: String(err.message ?? err) }));
      // The last run's indices answered the questions; their size is the disk figure.
      if (!es.error) {
        es.ingest.disk_bytes = await esStoreBytes(esUrl, `${prefixOf(lastRun)}-*`).catch(() => null);
        es.ingest.disk_per_raw_byte = es.ingest.disk_bytes === null ? null : es.ingest.disk_bytes / sqlite.corpus.bytes;
      }
    } finally {
      await dropRun(lastRun);
    }
    log(`elasticsearch direct bulk: ${events} events, ${ingestRuns} runs`);
    esDirect = await runEsDirectBulk({ esUrl, file: sqlite.corpus.file, events, rawBytes: sqlite.corpus.bytes, runs: ingestRuns })
      .catch((err) => ({ error: String(err.message ?? err) }));
  }
  results.stores.push({
    events, sqlite: sqlite.ingest ? { ingest: sqlite.ingest, queries: sqlite.queries } : null, ripgrep: rg, elasticsearch: es, es_direct_bulk: esDirect,
    victorialogs: sqlite.peers?.victorialogs ?? null,
  });
}

await mkdir(join(root, 'bench', 'results'), { recursive: true });
const resultsFile = join(root, 'bench', 'results', `${quick ? 'quick' : 'full'}.json`);
if (values.append) {
  // Keep what an earlier run measured at other sizes (and its scenarios when
  // this run skipped them), so a long 10M run and a 1M run make one report.
  try {
    const earlier = JSON.parse(await readFile(resultsFile, 'utf8'));
    const measured = new Set(results.stores.map((s) => s.events));
    // At a size measured again, what this run left out (Elasticsearch when
    // it was not given) is kept from the earlier run.
    for (const st of results.stores) {
      const before = earlier.stores.find((e) => e.events === st.events);
      if (!before) continue;
      for (const k of ['sqlite', 'elasticsearch', 'es_direct_bulk', 'ripgrep', 'victorialogs']) if (!st[k] && before[k]) st[k] = before[k];
    }
    results.stores = [...earlier.stores.filter((s) => !measured.has(s.events)), ...results.stores].sort((a, b) => a.events - b.events);
    if (scenarioFiles.length === 0) results.scenarios = earlier.scenarios;
    results.earlier_runs = [...(earlier.earlier_runs ?? []), { date: earlier.date, command: earlier.command }];
    // The earlier note says what the kept figures are; this run's comes first.
    if (earlier.note) results.note = results.note ? `${results.note} Before this run: ${earlier.note}` : earlier.note;
  } catch {
    // nothing earlier to merge
  }
}
await writeFile(resultsFile, JSON.stringify(results, null, 2));
for (const c of renderQueryCharts(results)) await writeFile(join(root, 'bench', c.file), c.svg);
await writeFile(join(root, 'bench', 'chart-ingest.svg'), renderIngestChart(results));
await writeFile(join(root, 'BENCHMARKS.md'), renderMarkdown(results, await manualSections()));
log('wrote BENCHMARKS.md and bench/chart-*.svg');
if (!values.keep) await rm(work, { recursive: true, force: true });
