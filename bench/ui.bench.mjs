/**
 * The search page: what it costs to load (JavaScript and CSS, raw, gzip and
 * brotli, as logship serve sends them) and how long a browser takes from
 * navigation to the first rows on a store of 1,000,000 events (one day).
 *
 *   node bench/ui.bench.mjs [--quick] [--format blocks|sqlite]     (needs `npm run build` and /usr/bin/chromium)
 *   node bench/ui.bench.mjs --data DIR [--days 30] [--runs 5]
 *
 * --format: the store's format (default blocks, what a new data folder
 * gets; sqlite is the row store).
 * --data: a data folder already written (a month of logs: see
 * bench/month-read.bench.mjs for how it is made), served with a long
 * retention and left as it is; the page is then timed over the last
 * `--days` days (default 30): everything, a phrase, level:error and a rare
 * address (added by month-read.bench.mjs).
 *
 * Each load is a fresh browser context (no cache), headless Chromium driven
 * by playwright-core, against a real `logship serve` on loopback. The store
 * is written directly (not over HTTP) to keep the setup short.
 * Also picked up by bench/run.mjs (exports `run`).
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { summarize } from './lib/stats.mjs';

const CHROMIUM = '/usr/bin/chromium';
const BUDGET_GZIP_KB = 250;

async function assetSizes(root) {
  const dist = join(root, 'packages/ui/dist');
  const html = await readFile(join(dist, 'index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
  const rows = [];
  for (const a of assets) {
    const data = await readFile(join(dist, a));
    rows.push({
      asset: a.replace(/-[\w-]{8}\./, '.'),
      raw: data.length,
      gzip: gzipSync(data, { level: 9 }).length,
      brotli: brotliCompressSync(data, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
    });
  }
  return rows;
}

/** One day of `events` generated events, written to the store directly (not over HTTP) to keep the setup short. */
async function writeDay(root, dir, events, format) {
  const ingest = (p) => import(pathToFileURL(join(root, 'packages/ingest/dist', p)).href);
  const { openSqliteStore } = await ingest('sqlite/open-sqlite-store.js');
  const { openBlockStore } = await ingest('blocks/open-block-store.js');
  const open = format === 'sqlite' ? openSqliteStore : openBlockStore;
  const { generateCorpus } = await ingest('testing/generate-corpus.js');
  const { DEFAULT_RETENTION } = await ingest('retention/retention-config.js');
  const end = Date.now() - 1000;
  const store = await open({ dataDir: dir, retention: { ...DEFAULT_RETENTION, default_days: 3650, classes: [] } });
  const corpus = generateCorpus({ events, seed: 5, endMs: end, days: 1 });
  for (let i = 0; i < corpus.length; i += 10_000) await store.write(corpus.slice(i, i + 10_000));
  await store.close();
}

async function startServe(root, dataDir, port, config) {
  const proc = spawn(process.execPath, [join(root, 'packages/ingest/bin/logship.js'), 'serve', '--data', dataDir, '--listen', `127.0.0.1:${port}`, '--config', config], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return { proc, url };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error('logship serve did not start');
}

export async function run({ root, quick = false, runs = 5, work, format = 'blocks', data = null, days = 30 }) {
  const sizes = await assetSizes(root);
  const total = sizes.reduce((t, r) => ({ raw: t.raw + r.raw, gzip: t.gzip + r.gzip, brotli: t.brotli + r.brotli }), { raw: 0, gzip: 0, brotli: 0 });
  const kb = (n) => Number((n / 1024).toFixed(1));
  const rows = sizes.map((r) => ({ measure: `${r.asset} (KB raw / gzip / brotli)`, value: `${kb(r.raw)} / ${kb(r.gzip)} / ${kb(r.brotli)}` }));
  rows.push({ measure: `JS + CSS gzipped, KB (budget ${BUDGET_GZIP_KB})`, value: kb(total.gzip) });
  if (!existsSync(CHROMIUM)) {
    rows.push({ measure: 'navigation to first rows', value: `not measured: ${CHROMIUM} missing` });
    return { command: 'node bench/ui.bench.mjs', description: 'Search page assets.', rows };
  }

  const events = quick ? 100_000 : 1_000_000;
  const dir = data ?? await mkdtemp(join(work ?? tmpdir(), 'ui-bench-'));
  if (data === null) await writeDay(root, dir, events, format);

  // playwright-core is CommonJS: its exports arrive as the default export.
  const pw = await import(pathToFileURL(createRequire(join(root, 'test/package.json')).resolve('playwright-core')).href);
  const chromium = pw.chromium ?? pw.default.chromium;
  const config = join(await mkdtemp(join(tmpdir(), 'ui-bench-config-')), 'logship.yaml');
  await writeFile(config, 'retention:\n  default_days: 3650\n');
  const server = await startServe(root, dir, 20_000 + Math.floor(Math.random() * 20_000), config);
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const load = async (params) => {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      const t0 = performance.now();
      await page.goto(`${server.url}/?${new URLSearchParams(params)}`);
      await page.locator('[data-event-id]').first().waitFor({ timeout: 60_000 });
      const firstRows = performance.now() - t0;
      await page.waitForFunction(`document.querySelector('.histogram')?.dataset.sum !== ''`, undefined, { timeout: 60_000 });
      const histogram = performance.now() - t0;
      await context.close();
      return { firstRows, histogram };
    };
    const month = { from: `now-${days}d`, to: 'now' };
    const scenarios = data === null ? [
      ['last 15 minutes (default)', { q: '', from: 'now-15m', to: 'now' }],
      [`last 24 hours (all ${events.toLocaleString('en')})`, { q: '', from: 'now-24h', to: 'now' }],
      ['last 24 hours, level:error', { q: 'level:error', from: 'now-24h', to: 'now' }],
    ] : [
      [`last ${days} days, all`, { q: '', ...month }],
      [`last ${days} days, "login failed"`, { q: '"login failed"', ...month }],
      [`last ${days} days, level:error`, { q: 'level:error', ...month }],
      [`last ${days} days, remote_addr:203.0.113.250 (3 events)`, { q: 'remote_addr:203.0.113.250', ...month }],
    ];
    for (const [label, params] of scenarios) {
      await load(params); // warm-up: the store's page cache, the server's JIT
      const measured = [];
      for (let i = 0; i < runs; i++) measured.push(await load(params));
      const f = summarize(measured.map((m) => m.firstRows));
      const h = summarize(measured.map((m) => m.histogram));
      rows.push({ measure: `${label}: navigation → first rows, ms (median, min–max)`, value: `${f.median.toFixed(0)} (${f.min.toFixed(0)}–${f.max.toFixed(0)})` });
      rows.push({ measure: `${label}: navigation → histogram drawn, ms`, value: `${h.median.toFixed(0)} (${h.min.toFixed(0)}–${h.max.toFixed(0)})` });
    }
  } finally {
    await browser?.close();
    server.proc.kill('SIGTERM');
    await new Promise((r) => server.proc.once('exit', r));
    if (data === null) await rm(dir, { recursive: true, force: true });
    await rm(dirname(config), { recursive: true, force: true });
  }
  const held = data === null ? `the embedded store (format ${format}) holding ${events.toLocaleString('en')} generated events over one day` : `the data folder ${data}, over its last ${days} days`;
  return {
    command: `node bench/ui.bench.mjs${quick ? ' --quick' : ''}${format === 'blocks' ? '' : ` --format ${format}`}${data === null ? '' : ` --data ${data} --days ${days}`}`,
    description: `The search page from logship serve on loopback: asset sizes as built (packages/ui/dist), and headless Chromium (fresh context, no cache, 1280×800) from navigation to the first result rows and to the histogram, ${held}; ${runs} loads after one warm-up.`,
    rows,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  const arg = (name) => { const at = process.argv.indexOf(name); return at > 0 ? process.argv[at + 1] : undefined; };
  const result = await run({
    root, quick: process.argv.includes('--quick'), runs: Number(arg('--runs') ?? 5),
    ...(arg('--format') ? { format: arg('--format') } : {}),
    ...(arg('--data') ? { data: arg('--data'), days: Number(arg('--days') ?? 30) } : {}),
  });
  console.log(result.description);
  console.table(result.rows);
}
