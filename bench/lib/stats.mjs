/** Summary statistics of repeated runs: what BENCHMARKS.md reports. */
export function summarize(values) {
  const xs = [...values].sort((a, b) => a - b);
  const q = (p) => {
    if (xs.length === 0) return null;
    const i = (xs.length - 1) * p;
    const lo = Math.floor(i);
    const hi = Math.ceil(i);
    return xs[lo] + (xs[hi] - xs[lo]) * (i - lo);
  };
  return { runs: xs.length, median: q(0.5), p95: q(0.95), min: xs[0] ?? null, max: xs[xs.length - 1] ?? null };
}

/** Runs `fn` `runs` times (after `warmup` unrecorded runs) and returns the durations in ms. */
export async function timeRuns(fn, { runs = 7, warmup = 1 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const out = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    out.push(performance.now() - t0);
  }
  return out;
}

/**
 * Repeated ingest runs (objects with `events_per_s`) as one figure: the
 * median run's fields, with the median rate and the spread over all runs
 * beside it (`runs`, `events_per_s_min`/`_max`, `each_events_per_s`).
 */
export function summarizeIngestRuns(measured) {
  const byRate = [...measured].sort((a, b) => a.events_per_s - b.events_per_s);
  const out = { ...byRate[Math.floor((byRate.length - 1) / 2)] };
  out.runs = measured.length;
  if (measured.length > 1) {
    out.events_per_s = summarize(measured.map((m) => m.events_per_s)).median;
    out.events_per_s_min = byRate[0].events_per_s;
    out.events_per_s_max = byRate[byRate.length - 1].events_per_s;
    out.each_events_per_s = measured.map((m) => m.events_per_s);
  }
  return out;
}

/**
 * Process CPU (user + system µs, so V8's helper threads count) per unit of
 * work of each variant, the variants alternated run by run after one warm-up
 * each so a machine's drift touches them alike: `{ name: sorted values }`.
 */
export function alternatedCpuPerUnit(variants, runs, units) {
  const names = Object.keys(variants);
  for (const n of names) variants[n](); // warm-up
  const per = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < runs; r++) {
    for (const n of names) {
      const c0 = process.cpuUsage();
      variants[n]();
      const c = process.cpuUsage(c0);
      per[n].push((c.user + c.system) / units);
    }
  }
  for (const n of names) per[n].sort((a, b) => a - b);
  return per;
}
