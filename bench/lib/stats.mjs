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
