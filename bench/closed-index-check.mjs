/**
 * What naming a range's closed indices (closed-indices.ts) costs a search
 * on the Elasticsearch store: the same 7-day search, alternated,
 *   - with no left-out list in scope (no check at all: as before),
 *   - with a list (the API's case): the check, its cache warm,
 *   - the check's one request alone (`_resolve/index`, expand_wildcards
 *     closed), paid once per range every 5 s.
 * Reports the median ms of one search (or request) over --searches each run.
 *
 *   LOGSHIP_BENCH_ES_URL=http://127.0.0.1:9250 node bench/closed-index-check.mjs [--runs 9] [--searches 50]
 *
 * Run by hand (not part of bench/run.mjs); needs `tsc -b` first. Its
 * indices (a few thousand events over 7 days) are deleted at the end.
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { summarize } from './lib/stats.mjs';

const { values: opt } = parseArgs({ options: { runs: { type: 'string', default: '9' }, searches: { type: 'string', default: '50' } } });
const esUrl = process.env.LOGSHIP_BENCH_ES_URL ?? process.env.LOGSHIP_TEST_ES_URL;
if (!esUrl) throw new Error('set LOGSHIP_BENCH_ES_URL (bash scripts/elasticsearch.sh start prints it)');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(pathToFileURL(join(root, p)).href);
const { Client } = createRequire(join(root, 'packages/ingest/package.json'))('@elastic/elasticsearch');
const { openElasticsearchStore } = await dist('packages/ingest/dist/elasticsearch/open-elasticsearch-store.js');
const { indexPattern, indexPatternFor } = await dist('packages/ingest/dist/elasticsearch/index-name.js');
const { templateName } = await dist('packages/ingest/dist/elasticsearch/index-template.js');
const { collectingLeftOut } = await dist('packages/query/dist/core.js');
const { parse } = await dist('packages/query/dist/index.js');

const DAY = 86_400_000;
const now = Date.now();
const prefix = `bench-closed-${process.pid}`;
const client = new Client({ node: esUrl });
const store = await openElasticsearchStore({ url: esUrl, indexPrefix: prefix, replicas: 0 });
try {
  const events = [];
  for (let i = 0; i < 7000; i++) events.push({ '@timestamp': new Date(now - (i % 7) * DAY - i * 10).toISOString(), 'event.id': `e${i}`, level: i % 10 === 0 ? 'error' : 'info', message: `request ${i} done` });
  for (let i = 0; i < events.length; i += 1000) await store.write(events.slice(i, i + 1000));
  const req = { query: parse('level:error'), from: now - 7 * DAY, to: now, now, limit: 50 };
  const n = Number(opt.searches);
  const perOne = async (fn) => {
    const t = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn();
    return Number(process.hrtime.bigint() - t) / 1e6 / n;
  };
  const kinds = {
    'search, no list (no check)': () => store.search(req),
    'search, list kept (check, cache warm)': () => collectingLeftOut([], () => store.search(req)),
    '_resolve/index alone (once per range per 5 s)': () => client.indices.resolveIndex({ name: indexPatternFor(prefix, req.from, req.to), expand_wildcards: 'closed' }),
  };
  const times = Object.fromEntries(Object.keys(kinds).map((k) => [k, []]));
  for (const fn of Object.values(kinds)) await perOne(fn); // warm-up
  for (let r = 0; r < Number(opt.runs); r++) for (const [k, fn] of Object.entries(kinds)) times[k].push(await perOne(fn));
  for (const [k, v] of Object.entries(times)) {
    const s = summarize(v);
    console.log(`${k.padEnd(48)} median ${s.median.toFixed(3)} ms  (min ${s.min.toFixed(3)}, max ${s.max.toFixed(3)})`);
  }
} finally {
  await store.close();
  await client.indices.delete({ index: indexPattern(prefix), ignore_unavailable: true, allow_no_indices: true });
  await client.indices.deleteIndexTemplate({ name: templateName(prefix) }, { ignore: [404] });
  await client.close();
}
