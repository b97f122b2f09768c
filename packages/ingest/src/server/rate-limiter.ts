/**
 * Token buckets, one per key (a token name, a client address): `burst`
 * requests at once, refilled at `requests_per_s`. The clock is injected so
 * tests decide what time it is.
 */
export interface RateLimiter {
  /** Takes one; 0 when the request may go ahead, else milliseconds until it could. */
  take(key: string, ratePerS: number): number;
  /** Like take, without taking: milliseconds until one is available (0: now). */
  wait(key: string, ratePerS: number): number;
}

/** Keys kept before full buckets are swept out. */
const MAX_KEYS = 10_000;

export function createRateLimiter(burst: number, now: () => number): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  let swept = 0;
  const refill = (key: string, ratePerS: number): { tokens: number; at: number } => {
    const t = now();
    // Keys are per client address too: forget the buckets that have refilled
    // (their state is a new key's), so address churn does not grow the map.
    if (buckets.size > MAX_KEYS && t - swept >= 1000) {
      swept = t;
      for (const [k, b] of buckets) if (b.tokens + ((t - b.at) / 1000) * ratePerS >= burst) buckets.delete(k);
    }
    const b = buckets.get(key) ?? { tokens: burst, at: t };
    // Capped at burst: an idle key earns at most `burst` requests at once.
    b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * ratePerS);
    b.at = t;
    buckets.set(key, b);
    return b;
  };
  const waitMs = (tokens: number, ratePerS: number): number => (tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / ratePerS) * 1000));
  return {
    take(key, ratePerS) {
      if (ratePerS <= 0) return 0;
      const b = refill(key, ratePerS);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return waitMs(b.tokens, ratePerS);
    },
    wait(key, ratePerS) {
      if (ratePerS <= 0) return 0;
      // A full bucket is the state of a key never seen: keep the map small.
      if (!buckets.has(key)) return 0;
      return waitMs(refill(key, ratePerS).tokens, ratePerS);
    },
  };
}
