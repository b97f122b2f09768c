/**
 * Query-language throughput: parse, serialize and matcher compile + evaluate,
 * for the product's seed queries and for generated queries.
 *
 *   node bench/parse.bench.mjs [--quick]     (needs `tsc -b packages/query` first)
 *
 * Also picked up by bench/run.mjs (exports `run`), which writes BENCHMARKS.md.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { summarize } from './lib/stats.mjs';

const SEEDS = [
  'level:ERROR AND @timestamp:[now-1h TO now]',
  'duration_ms:>1000',
  'user_id:"user-uuid"',
  'logger:"django.security" AND message:"login failed"',
  'logger:"django.db.backends" AND level:ERROR',
  'status:>=500',
  'request_time:>1',
];

/** Calls `fn(i)` for `iterations` iterations per run; returns ops/s per run. */
function opsPerSecond(fn, iterations, runs) {
  for (let i = 0; i < Math.min(iterations, 2000); i++) fn(i); // warm-up
  const out = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) fn(i);
    out.push((iterations / (performance.now() - t0)) * 1000);
  }
  return summarize(out);
}

export async function run({ root, quick = false, runs = 5 }) {
  const q = await import(pathToFileURL(join(root, 'packages/query/dist/index.js')).href);
  const iterations = quick ? 20_000 : 100_000;
  const generated = Array.from({ length: 1000 }, (_, i) => q.generateQuery(i).query);
  const avgLen = Math.round(generated.reduce((a, s) => a + s.length, 0) / generated.length);
  const seedAsts = SEEDS.map((s) => q.parse(s));
  const now = Date.parse('2026-02-11T15:34:56.789Z');
  const event = {
    '@timestamp': '2026-02-11T15:00:00.000Z', 'event.id': 'e1', level: 'error', logger: 'django.security',
    message: 'Login failed for user admin from 10.0.0.1', user_id: 'user-uuid', status: 500, duration_ms: 1200, request_time: 1.2,
  };
  const matchers = seedAsts.map((a) => q.compileMatcher(a, { now }));

  const scenarios = [
    ['parse, seed queries', () => opsPerSecond((i) => q.parse(SEEDS[i % SEEDS.length]), iterations, runs)],
    [`parse, generated queries (avg ${avgLen} chars)`, () => opsPerSecond((i) => q.parse(generated[i % generated.length]), iterations, runs)],
    ['serialize, seed ASTs', () => opsPerSecond((i) => q.serialize(seedAsts[i % seedAsts.length]), iterations, runs)],
    ['compileMatcher, seed ASTs', () => opsPerSecond((i) => q.compileMatcher(seedAsts[i % seedAsts.length], { now }), iterations, runs)],
    ['evaluate compiled matcher on one event', () => opsPerSecond((i) => matchers[i % matchers.length](event), iterations * 5, runs)],
    ['regex /(a+)+b/ on 1000 a-s (linear NFA)', () => {
      const m = q.compileRegex('(a+)+b');
      const s = 'a'.repeat(1000);
      return opsPerSecond(() => m(s), quick ? 200 : 1000, runs);
    }],
  ];
  const rows = scenarios.map(([name, f]) => {
    const s = f();
    return { operation: name, 'median ops/s': Math.round(s.median), 'p95 ops/s': Math.round(s.p95), runs: s.runs };
  });
  return {
    command: `node bench/parse.bench.mjs${quick ? ' --quick' : ''}`,
    description: `Single-threaded, ${iterations} operations per run; ops/s (higher is better).`,
    rows,
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
  const result = await run({ root, quick: process.argv.includes('--quick'), runs: 5 });
  console.log(result.description);
  console.table(result.rows);
}
