/**
 * What an operator with a month of logs meets, on the API and the CLI: the
 * questions the page and `logship search` ask over the last `--days` days
 * of a data folder already written (the folder is reused: a month takes
 * minutes to ingest on this machine, so it is made once, see below).
 *
 *   node bench/month-read.bench.mjs --data DIR [--days 30] [--runs 5] [--only a,b] [--no-cli] [--json FILE]
 *
 * Making the folder (3,000,000 events over 30 days, the default block store):
 *   node scripts/corpus.mjs --events 3000000 --days 30 --seed 11 --end ISO > corpus.ndjson
 *   logship serve --data DIR (retention.default_days over 30), then POST it to /api/v1/ingest
 *   (bench/lib/feed.mjs: 5,000-line gzip batches, two in flight)
 * The bench then adds three nginx lines from one rare address (203.0.113.250)
 * at 25, 12 and 3 days before the newest event (idempotent: their ids are
 * their content's), for the rare-term question.
 *
 * The server is a real `logship serve` from this checkout on loopback, its
 * retention set long enough to keep the folder whole. Each question is one
 * request as the page sends it (or a CLI run), timed wall-clock from the
 * client: the first run (nothing of it read before) and the median of
 * `--runs` after it. Figures are recorded in BENCHMARKS.md, never asserted.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { startServer } from './lib/processes.mjs';
import { summarize } from './lib/stats.mjs';

const run = promisify(execFile);
const RARE_IP = '203.0.113.250';
const DAY = 86_400_000;

async function get(url, path, params) {
  const res = await fetch(`${url}${path}?${new URLSearchParams(params)}`);
  const body = await res.json();
  if (!res.ok) throw new Error(`${path} ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
  return body;
}

/** Three nginx lines from RARE_IP, back in the month. */
async function addRare(url, newestMs) {
  const lines = [25, 12, 3].map((d) => {
    const t = new Date(newestMs - d * DAY);
    const mon = t.toUTCString().slice(8, 11);
    const p = (n) => String(n).padStart(2, '0');
    const local = `${p(t.getUTCDate())}/${mon}/${t.getUTCFullYear()}:${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())} +0000`;
    return JSON.stringify({ time_local: local, remote_addr: RARE_IP, request: 'GET /admin/ HTTP/1.1', status: '403', body_bytes_sent: '0', request_time: '0.001', http_user_agent: 'curl/8.5.0' });
  });
  const res = await fetch(`${url}/api/v1/ingest`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${lines.join('\n')}\n` });
  if (!res.ok) throw new Error(`ingest ${res.status}: ${await res.text()}`);
}

/** What an answer held, to check the question found what it asks for: hits, buckets, groups, rows. */
function answeredOf(a) {
  if (typeof a === 'number') return `${a} rows`;
  if (Array.isArray(a)) return a.map(answeredOf).join(' / ');
  if (a?.total) return `${a.total.value}${a.total.relation === 'gte' ? '+' : ''} hits`;
  if (a?.groups) return `${a.groups.length} groups`;
  if (a?.buckets) return `${a.buckets.length} buckets`;
  if (a?.values) return `${a.values.length} values`;
  if (a?.fields) return `${a.fields.length} fields`;
  if (a?.events) return `${a.events.length} events`;
  if (Array.isArray(a?.before)) return `${a.before.length} before, ${a.after?.length ?? 0} after`;
  if (a?.stdout !== undefined) return `${a.stdout.split('\n').filter(Boolean).length} lines`;
  return '';
}

export async function runMonth({ root, dataDir, days = 30, runs = 5, only = null, cli = true }) {
  const work = await mkdtemp(join(tmpdir(), 'month-read-'));
  const config = join(work, 'logship.yaml');
  await writeFile(config, 'retention:\n  default_days: 3650\n');
  const server = await startServer(root, { dataDir, args: ['--config', config] });
  const url = server.url;
  const range = { from: `now-${days}d`, to: 'now' };
  const rows = [];
  try {
    const newest = (await get(url, '/api/v1/search', { q: '', ...range, limit: 1 })).hits[0];
    const newestMs = Date.parse(newest['@timestamp']);
    await addRare(url, newestMs);
    // An old event: the oldest of the range's first hour.
    const oldFrom = new Date(newestMs - (days - 1) * DAY).toISOString();
    const old = (await get(url, '/api/v1/search', { q: '', from: oldFrom, to: new Date(newestMs - (days - 1) * DAY + 3_600_000).toISOString(), limit: 1, sort: 'asc' })).hits[0];
    const interval = days * DAY / 21_600_000 <= 120 ? '6h' : '12h';
    const search = (q, extra = {}) => () => get(url, '/api/v1/search', { q, ...range, limit: 100, ...extra });
    const pages = async (q, n, limit) => {
      let cursor;
      let got = 0;
      for (let i = 0; i < n; i++) {
        const a = await get(url, '/api/v1/search', { q, ...range, limit, ...(cursor ? { cursor } : {}) });
        got += a.hits.length;
        if (a.next_cursor === null) break;
        cursor = a.next_cursor;
      }
      return got;
    };
    const logship = (args) => () => run(process.execPath, [join(root, 'packages/ingest/bin/logship.js'), ...args, '--server', url, '--from', `-${days}d`, '--to', 'now'], { maxBuffer: 1 << 30 })
      .catch((e) => { if (e.code !== 1) throw e; return e; });
    const questions = [
      ['search, all (the default page)', search('')],
      ['phrase "login failed"', search('"login failed"')],
      ['level:error', search('level:error')],
      [`rare value remote_addr:${RARE_IP} (3 events)`, search(`remote_addr:${RARE_IP}`)],
      ['event.id of an old event', search(`event.id:${old['event.id']}`)],
      ['field-name pattern duration*:>3000', search('duration*:>3000')],
      [`histogram, ${interval} (the page's three: all, errors, warnings)`, () => Promise.all(['', 'level:(error OR critical OR alert OR emergency)', 'level:warning']
        .map((q) => get(url, '/api/v1/aggregate', { type: 'date_histogram', q, ...range, interval })))],
      ['fields of the range (the sidebar)', () => get(url, '/api/v1/fields', { q: '', ...range })],
      ['top values of logger', () => get(url, '/api/v1/fields/logger/values', { q: '', ...range, size: 10 })],
      ['top values of status', () => get(url, '/api/v1/fields/status/values', { q: '', ...range, size: 10 })],
      ['top values of host', () => get(url, '/api/v1/fields/host/values', { q: '', ...range, size: 10 })],
      ['terms of logger (aggregate)', () => get(url, '/api/v1/aggregate', { type: 'terms', field: 'logger', q: '', ...range })],
      ['stats of duration_ms by logger', () => get(url, '/api/v1/aggregate', { type: 'stats', field: 'duration_ms', by: 'logger', q: '', ...range })],
      ['lines around an old event (20/20)', () => get(url, '/api/v1/context', { id: old['event.id'], ts: old['@timestamp'], before: 20, after: 20 })],
      ['page on × 20 (100 a page)', () => pages('', 21, 100)],
      ['download 10,000 (the page: 1,000 a request)', () => pages('', 10, 1000)],
      ['download 100,000 (10,000 a request)', () => pages('', 10, 10_000)],
      ...(cli ? [
        ['CLI logship search (100)', logship(['search', ''])],
        ['CLI logship search level:error', logship(['search', 'level:error'])],
        [`CLI logship search remote_addr:${RARE_IP}`, logship(['search', `remote_addr:${RARE_IP}`])],
        ['CLI logship search --json --limit 100000', logship(['search', '', '--json', '--limit', '100000'])],
        ['CLI logship top logger', logship(['top', 'logger'])],
        ['CLI logship stats duration_ms --by logger', logship(['stats', 'duration_ms', '--by', 'logger'])],
      ] : []),
    ];
    for (const [label, fn] of questions) {
      if (only && !only.some((o) => label.includes(o))) continue;
      const t0 = performance.now();
      const answer = await fn();
      const first = performance.now() - t0;
      const times = [];
      for (let i = 0; i < runs; i++) {
        const t = performance.now();
        await fn();
        times.push(performance.now() - t);
      }
      const s = summarize(times);
      const row = { question: label, answered: answeredOf(answer), 'first ms': Math.round(first), 'median ms': Math.round(s.median), 'min–max': `${Math.round(s.min)}–${Math.round(s.max)}` };
      rows.push(row);
      console.error(JSON.stringify(row));
    }
    return { rows, old, events: (await get(url, '/api/v1/aggregate', { type: 'date_histogram', q: '', ...range, interval: '30d' })) };
  } finally {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  const { values } = parseArgs({
    options: {
      data: { type: 'string' }, days: { type: 'string' }, runs: { type: 'string' }, only: { type: 'string' },
      'no-cli': { type: 'boolean', default: false }, json: { type: 'string' },
    },
  });
  if (!values.data) throw new Error('--data DIR: a data folder already written (see the comment at the top)');
  const result = await runMonth({
    root, dataDir: values.data, days: Number(values.days ?? 30), runs: Number(values.runs ?? 5),
    only: values.only ? values.only.split(',') : null, cli: !values['no-cli'],
  });
  console.table(result.rows);
  if (values.json) await writeFile(values.json, JSON.stringify(result, null, 2));
}
