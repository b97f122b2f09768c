/**
 * Token buckets, one per key (token name): `burst` requests at once, refilled
 * at `requests_per_s`. The clock is injected so tests decide what time it is.
 */
export interface RateLimiter {
  /** 0 when the request may go ahead, else milliseconds until it could. */
  take(key: string, ratePerS: number): number;
}

export function createRateLimiter(burst: number, now: () => number): RateLimiter {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, ratePerS) {
      if (ratePerS <= 0) return 0;
      const t = now();
      const b = buckets.get(key) ?? { tokens: burst, at: t };
      b.tokens = Math.min(burst, b.tokens + ((t - b.at) / 1000) * ratePerS);
      b.at = t;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.ceil(((1 - b.tokens) / ratePerS) * 1000);
    },
  };
}
