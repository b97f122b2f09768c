/**
 * CPU microseconds a line of normalizeLine (parse, the format's mapping,
 * levels, traces' error fields, content ids) over the bench corpus, in one
 * process: the receiving thread's largest per-line cost (docs/BLOCK_STORE.md
 * "Where ingest CPU goes"). Run it on two checkouts, alternating, to see
 * what a change to normalizing costs:
 *
 *   node bench/normalize-cpu.mjs [--root DIR] [--events 200000] [--runs 5]
 *
 * (not a `.bench.mjs`: bench/run.mjs would import it with its own flags).
 *
 * `--root` is a built checkout (default: this one; `tsc -b` first). Prints
 * one JSON line: the runs' µs a line (process CPU time, user + system, so
 * the collector's helper threads count too), sorted, and their median.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const { values: args } = parseArgs({
  options: {
    root: { type: 'string', default: fileURLToPath(new URL('..', import.meta.url)) },
    events: { type: 'string', default: '200000' },
    runs: { type: 'string', default: '5' },
  },
});
const root = args.root;
const { generateCorpus } = await import(pathToFileURL(join(root, 'scripts/corpus.mjs')).href);
const { normalizeLine, DEFAULT_NORMALIZE_LIMITS } = await import(pathToFileURL(join(root, 'packages/ingest/dist/index.js')).href);

const lines = [];
for (const { line } of generateCorpus({ events: Number(args.events), seed: 7 })) lines.push(line);
const now = Date.now();
let kept = 0;
const pass = () => {
  for (const line of lines) if (normalizeLine(line, { now, limits: DEFAULT_NORMALIZE_LIMITS })) kept++;
};
pass(); // warm-up: compiled code, the corpus's shapes
const perLine = [];
for (let r = 0; r < Number(args.runs); r++) {
  const c0 = process.cpuUsage();
  pass();
  const c = process.cpuUsage(c0);
  perLine.push((c.user + c.system) / lines.length);
}
perLine.sort((a, b) => a - b);
const round = (x) => Math.round(x * 1000) / 1000;
console.log(JSON.stringify({ root, lines: lines.length, us_per_line: perLine.map(round), median: round(perLine[perLine.length >> 1]), kept }));
