/**
 * The block codec (packages/ingest/src/blocks) on the bench corpus: bytes
 * stored per raw NDJSON byte (column data + metas incl. blooms) and encode /
 * decode throughput in raw MB/s, beside brotli q5 of the raw NDJSON in blocks
 * of the same size (the issue's yardstick).
 *
 *   node bench/block-codec.bench.mjs [--events 200000] [--days 1] [--runs 3]
 *        [--block 10000,65536] [--compression brotli,none] [--columns] [--group format]
 *
 * Lines come from scripts/corpus.mjs (seed 7), normalized the way ingest
 * stores them (normalizeLine), sorted by (@timestamp, event.id) and cut
 * into blocks; `--group format` first splits them by the format ingest
 * recognized (django, nginx, ...), as a store cutting blocks per stream would
 * (VictoriaLogs keeps one stream per block). Needs `tsc -b` first. Figures
 * are medians of --runs runs; throughput is raw MB per CPU second of the
 * process (wall time is noisy on a shared machine).
 */
import { brotliCompressSync, constants } from 'node:zlib';
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { generateCorpus } from '../scripts/corpus.mjs';
import { summarize } from './lib/stats.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const dist = (p) => pathToFileURL(join(ROOT, p)).href;

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '200000' },
    days: { type: 'string', default: '1' },
    runs: { type: 'string', default: '3' },
    block: { type: 'string', default: '10000,65536' },
    compression: { type: 'string', default: 'brotli,none' },
    columns: { type: 'boolean', default: false },
    group: { type: 'string', default: '' },
  },
});

const { normalizeLine, DEFAULT_NORMALIZE_LIMITS } = await import(dist('packages/ingest/dist/index.js'));
const { encodeBlock, decodeColumn, encodeMetas } = await import(dist('packages/ingest/dist/blocks/block-codec.js'));
const { DEFAULT_TEXT_FIELDS } = await import('@logship/query');

const endMs = Date.parse('2026-12-01T00:00:00.000Z');
const lines = [];
for (const { line } of generateCorpus({ events: Number(args.events), days: Number(args.days), seed: 7, endMs })) lines.push(line);
const rawBytes = lines.reduce((n, l) => n + Buffer.byteLength(l) + 1, 0);
const normalized = lines.map((l) => normalizeLine(l, { now: endMs + 60_000, limits: DEFAULT_NORMALIZE_LIMITS }));
const events = normalized.map((n) => n.event);
const group = (i) => (args.group === 'format' ? normalized[i].format : '');
const order = events.map((e, i) => [Date.parse(e['@timestamp']), e['event.id'], i, group(i)]);
order.sort((a, b) => (a[3] < b[3] ? -1 : a[3] > b[3] ? 1 : 0) || a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
const sorted = order.map((o) => events[o[2]]);
const sortedLines = order.map((o) => lines[o[2]]);
const MB = rawBytes / 1e6;
console.log(`${lines.length} events, ${MB.toFixed(1)} MB raw NDJSON (${(rawBytes / lines.length).toFixed(0)} B/line), node ${process.version}`);

const median = (xs) => summarize(xs).median;
const textFields = [...DEFAULT_TEXT_FIELDS];

for (const size of args.block.split(',').map(Number)) {
  const chunks = [];
  for (let at = 0; at < sorted.length; ) {
    let end = Math.min(at + size, sorted.length);
    for (let i = at + 1; i < end; i++) if (order[i][3] !== order[at][3]) end = i;
    chunks.push([sorted.slice(at, end), sortedLines.slice(at, end)]);
    at = end;
  }
  const baseline = chunks.reduce(
    (n, [, ls]) => n + brotliCompressSync(ls.join('\n') + '\n', { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }).length,
    0,
  );
  console.log(`\n${chunks.length} blocks of ≤ ${size}${args.group ? ` by ${args.group}` : ''}: brotli q5 of raw NDJSON ${(baseline / rawBytes).toFixed(4)} B/raw B`);
  for (const compression of args.compression.split(',')) {
    const enc = [];
    const dec = [];
    let blocks;
    const cpuMs = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1000;
    };
    for (let r = 0; r < Number(args.runs); r++) {
      let t0 = cpuMs();
      blocks = chunks.map(([evs]) => encodeBlock(evs, { textFields, compression }));
      enc.push(cpuMs() - t0);
      t0 = cpuMs();
      for (const b of blocks) for (const c of b.columns) decodeColumn(c.meta, c.data, b.count);
      dec.push(cpuMs() - t0);
    }
    let data = 0;
    let metas = 0;
    let blooms = 0;
    const perColumn = new Map();
    for (const b of blocks) {
      metas += encodeMetas(b.columns.map((c) => c.meta)).length;
      for (const c of b.columns) {
        data += c.data.length;
        blooms += c.meta.bloom?.length ?? 0;
        const pc = perColumn.get(c.meta.name) ?? { data: 0, bloom: 0 };
        pc.data += c.data.length;
        pc.bloom += c.meta.bloom?.length ?? 0;
        perColumn.set(c.meta.name, pc);
      }
    }
    const f = (n) => (n / rawBytes).toFixed(4);
    console.log(
      `  ${compression.padEnd(7)} total ${f(data + metas)} B/raw B (column data ${f(data)}, metas ${f(metas)} of which blooms ${f(blooms)}), ` +
        `encode ${(MB / (median(enc) / 1000)).toFixed(1)} MB/s, decode all columns ${(MB / (median(dec) / 1000)).toFixed(1)} MB/s ` +
        `(${(median(enc) * 1000 / lines.length).toFixed(2)} / ${(median(dec) * 1000 / lines.length).toFixed(2)} µs/event)`,
    );
    if (args.columns) {
      const top = [...perColumn].sort((a, b) => b[1].data + b[1].bloom - a[1].data - a[1].bloom).slice(0, 20);
      for (const [name, pc] of top) console.log(`    ${name.padEnd(28)} data ${f(pc.data)}  bloom ${f(pc.bloom)}  (${((pc.data + pc.bloom) / lines.length).toFixed(2)} B/event)`);
    }
  }
}
