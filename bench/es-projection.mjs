/**
 * What a projected search (`fields=`, the CLI's `--json --fields`) costs
 * on the Elasticsearch store, with the projection done by the cluster
 * (`_source` filtering, es-search.ts) and done as before it, in the client
 * after the whole stored `@event` came (the same search without `fields`,
 * then projected with documentToEvent, as the store did until then).
 * Reports the median time of a page and the bytes Elasticsearch sent.
 *
 *   LOGSHIP_BENCH_ES_URL=http://127.0.0.1:9250 node bench/es-projection.mjs [--events 200000] [--runs 9] [--keep]
 *
 * Run by hand (not part of bench/run.mjs); needs `tsc -b` first. The
 * corpus is bench's usual generated one (scripts' seed 7, 7 days); the
 * indices stay with --keep, and a later run on the same count reuses them.
 */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { summarize, timeRuns } from './lib/stats.mjs';

const { values: opt } = parseArgs({
  options: { events: { type: 'string', default: '200000' }, runs: { type: 'string', default: '9' }, keep: { type: 'boolean', default: false } },
});
const esUrl = process.env.LOGSHIP_BENCH_ES_URL ?? process.env.LOGSHIP_TEST_ES_URL;
if (!esUrl) throw new Error('set LOGSHIP_BENCH_ES_URL (bash scripts/elasticsearch.sh start prints it)');
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = (p) => import(pathToFileURL(join(root, p)).href);
const { Client } = createRequire(join(root, 'packages/ingest/package.json'))('@elastic/elasticsearch');
const { ElasticsearchStore } = await dist('packages/ingest/dist/elasticsearch/elasticsearch-store.js');
const { installIndexTemplate } = await dist('packages/ingest/dist/elasticsearch/index-template.js');
const { documentToEvent } = await dist('packages/ingest/dist/elasticsearch/event-document.js');
const { indexPattern } = await dist('packages/ingest/dist/elasticsearch/index-name.js');
const { generateCorpus } = await dist('packages/ingest/dist/testing/generate-corpus.js');
const { DEFAULT_RETENTION } = await dist('packages/ingest/dist/retention/retention-config.js');
const { parse } = await dist('packages/query/dist/index.js');

const events = Number(opt.events);
const END = Date.parse('2026-11-23T12:00:00.000Z');
const prefix = `bench-projection-${events}`;
const client = new Client({ node: esUrl, requestTimeout: 120_000 });
let bytes = 0;
client.diagnostic.on('response', (_err, result) => {
  // Its JSON as sent (search answers come chunked, without a content-length).
  if (result?.meta.request.params.path.endsWith('/_search')) bytes += Buffer.byteLength(JSON.stringify(result.body));
});
const template = { prefix, shards: 1, replicas: 0, totalFieldsLimit: 2000 };
const store = new ElasticsearchStore({
  client, prefix, retention: { ...DEFAULT_RETENTION, classes: [] }, now: () => END,
  installTemplate: () => installIndexTemplate(client, template),
});
const range = { from: END - 7 * 86_400_000, to: END, now: END };
const stored = await store.count({ ...range, query: parse('') }).catch(() => 0);
if (stored !== events) {
  await client.indices.delete({ index: indexPattern(prefix), ignore_unavailable: true, allow_no_indices: true });
  const corpus = generateCorpus({ events, seed: 7, endMs: END, days: 7 });
  for (let i = 0; i < corpus.length; i += 5000) await store.write(corpus.slice(i, i + 5000), END);
}
const sample = (await store.search({ ...range, query: parse(''), limit: 1000 })).hits;
console.log(`${events} events, ${Math.round(sample.reduce((n, e) => n + JSON.stringify(e).length, 0) / sample.length)} bytes of JSON each on average (newest 1,000)`);

const cases = [
  { name: 'page of 100, fields level,status', q: '', limit: 100, fields: ['level', 'status'] },
  { name: 'page of 1,000, fields level,status', q: '', limit: 1000, fields: ['level', 'status'] },
  { name: 'page of 10,000, fields host,level,message', q: '', limit: 10_000, fields: ['host', 'level', 'message'] },
  { name: 'errors, page of 1,000, fields logger,message', q: 'level:error', limit: 1000, fields: ['logger', 'message'] },
];
const runs = Number(opt.runs);
console.log('| search | in the client (before): median ms, bytes sent | in the cluster (after): median ms, bytes sent |');
console.log('| --- | --- | --- |');
for (const c of cases) {
  const req = { ...range, query: parse(c.q), limit: c.limit };
  const before = async () => (await store.search(req)).hits.map((h) => documentToEvent({ '@event': h }, c.fields));
  const after = async () => (await store.search({ ...req, fields: c.fields })).hits;
  assertSame(await before(), await after(), c.name);
  const measure = async (fn) => {
    bytes = 0;
    await fn();
    const sent = bytes;
    return { ms: summarize(await timeRuns(fn, { runs, warmup: 1 })).median, sent };
  };
  // Alternate which goes first, so a warmer cluster favours neither.
  const b = await measure(before);
  const a = await measure(after);
  const b2 = await measure(before);
  const a2 = await measure(after);
  const fmt = (x, y) => `${((x.ms + y.ms) / 2).toFixed(1)} ms, ${(x.sent / 1024).toFixed(0)} KiB`;
  console.log(`| ${c.name} | ${fmt(b, b2)} | ${fmt(a, a2)} |`);
}
if (!opt.keep) {
  await client.indices.delete({ index: indexPattern(prefix), ignore_unavailable: true, allow_no_indices: true });
  await client.indices.deleteIndexTemplate({ name: `${prefix}-logship` }, { ignore: [404] });
}
await store.close();

function assertSame(x, y, name) {
  if (JSON.stringify(x) !== JSON.stringify(y)) throw new Error(`${name}: the two projections differ`);
}
