import { apiErrors } from './api-error.js';

const UNIT_MS: Record<string, number> = {
  ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000,
};

/** The span of JavaScript dates either side of the epoch (±8.64e15 ms), the longest range a request can give. */
const MAX_INTERVAL_MS = 8.64e15;

/** Round intervals a histogram may pick automatically, smallest first. */
const NICE_MS = [
  1_000, 5_000, 10_000, 30_000, 60_000, 5 * 60_000, 10 * 60_000, 30 * 60_000,
  3_600_000, 3 * 3_600_000, 6 * 3_600_000, 12 * 3_600_000, 86_400_000, 7 * 86_400_000,
];

/**
 * `30s`, `1m`, `1h`, `1d`… (any case but `M`) → milliseconds; `auto` (or nothing) picks the
 * smallest round interval that gives at most `maxBuckets` buckets over the
 * range, like Kibana's auto interval.
 */
export function resolveInterval(text: string | undefined, rangeMs: number, maxBuckets = 120): number {
  // `AUTO`, `1H`: Elasticsearch reads a fixed interval's unit in any case,
  // but `M` is its calendar month (`calendar_interval: 1M`), never minutes.
  const calendar = text === undefined ? null : /^\d*\s*(M|q|Q|y|Y|month|quarter|year)$/.exec(text.trim());
  if (calendar) {
    throw apiErrors.badParameter('interval', `interval "${text}" is a calendar interval (months, quarters, years: Elasticsearch's calendar_interval); intervals here are fixed: 30d, 1w, 1d, 1h, 1m (a minute), 30s or auto`, text);
  }
  const given = text?.trim().toLowerCase();
  if (given === undefined || given === '' || given === 'auto') {
    for (const ms of NICE_MS) if (rangeMs / ms <= maxBuckets) return ms;
    // Past a week: whole weeks, as many as keep the bucket count in bounds
    // (every bucket of the range is returned, empty ones too).
    const week = NICE_MS[NICE_MS.length - 1]!;
    return Math.max(1, Math.ceil(rangeMs / maxBuckets / week)) * week;
  }
  const m = /^(\d+)(ms|s|m|h|d|w)$/.exec(given);
  if (!m) throw apiErrors.badParameter('interval', `interval "${text}" is not like 30s, 1m, 1h, 1d or auto`, text);
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  if (ms <= 0) throw apiErrors.badParameter('interval', 'interval must be positive', text);
  // Past every date there is, a bucket's bounds are no whole milliseconds
  // (99999999999999999999d is 8.64e27 ms): the stores refused it, without
  // naming the parameter.
  if (ms > MAX_INTERVAL_MS) {
    throw apiErrors.badParameter('interval', `interval ${text} is longer than any time range; at most ${MAX_INTERVAL_MS / UNIT_MS['d']!}d`, text);
  }
  if (rangeMs / ms > 10_000) {
    throw apiErrors.badParameter('interval', `interval ${text} gives more than 10000 buckets over this range; pick a larger one`, text);
  }
  return ms;
}
