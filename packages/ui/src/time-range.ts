/**
 * Time ranges on the page: the picker's quick ranges, resolving date math
 * (in local time or UTC), the histogram interval, and how times are shown.
 */
import { resolveDate } from '@logship/query/browser';
import type { TimeZoneMode } from './page-state.js';

/**
 * Grafana's and Kibana's common ranges: five of them left a user wanting the
 * last 5 minutes, 6 hours or yesterday to type date math.
 */
export const QUICK_RANGES: { label: string; from: string; to: string }[] = [
  ...([['5 minutes', '5m'], ['15 minutes', '15m'], ['30 minutes', '30m'], ['1 hour', '1h'], ['3 hours', '3h'], ['6 hours', '6h'],
    ['12 hours', '12h'], ['24 hours', '24h'], ['2 days', '2d'], ['7 days', '7d'], ['30 days', '30d']] as const)
    .map(([label, d]) => ({ label: `Last ${label}`, from: `now-${d}`, to: 'now' })),
  { label: 'Today', from: 'now/d', to: 'now/d' },
  { label: 'Yesterday', from: 'now-1d/d', to: 'now-1d/d' },
  { label: 'This week', from: 'now/w', to: 'now/w' },
];

export function zoneName(tz: TimeZoneMode): string {
  return tz === 'utc' ? 'UTC' : Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** [from, to] in epoch ms; throws the parser's QueryError on a bad expression. */
export function resolveRange(from: string, to: string, tz: TimeZoneMode, now = Date.now()): { from: number; to: number } {
  const timeZone = zoneName(tz);
  return {
    from: resolveDate(from, { now, roundUp: false, timeZone }),
    to: resolveDate(to, { now, roundUp: true, timeZone }),
  };
}

const UNITS: [number, string][] = [
  [1_000, '1s'], [2_000, '2s'], [5_000, '5s'], [10_000, '10s'], [15_000, '15s'], [30_000, '30s'],
  [60_000, '1m'], [120_000, '2m'], [300_000, '5m'], [600_000, '10m'], [900_000, '15m'], [1_800_000, '30m'],
  [3_600_000, '1h'], [7_200_000, '2h'], [10_800_000, '3h'], [21_600_000, '6h'], [43_200_000, '12h'],
  [86_400_000, '1d'], [172_800_000, '2d'], [604_800_000, '7d'], [2_592_000_000, '30d'],
];

/**
 * The smallest round interval giving at most 120 bars, so a range shows
 * ~60–120 of them; past 30 days, whole multiples of 30 days (a range of
 * centuries at 30 days was over the API's 10,000 buckets: no histogram).
 */
export function histogramInterval(rangeMs: number): { ms: number; text: string } {
  for (const [ms, text] of UNITS) if (rangeMs / ms <= 120) return { ms, text };
  const days = Math.ceil(rangeMs / 120 / MONTH_MS) * 30;
  return { ms: days * 86_400_000, text: `${days}d` };
}

const MONTH_MS = 2_592_000_000;

/**
 * For a histogram that grew past its range (live): the smallest round
 * interval that is a whole multiple of `currentMs` (so its bars merge
 * exactly) giving at most 120 bars over `spanMs`; null when none is.
 */
export function coarserInterval(currentMs: number, spanMs: number): number | null {
  for (const [ms] of UNITS) if (ms > currentMs && ms % currentMs === 0 && spanMs / ms <= 120) return ms;
  return null;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** `2026-12-03 22:46:42.123` in the chosen zone. */
export function formatTime(ms: number, tz: TimeZoneMode): string {
  const d = new Date(ms);
  if (tz === 'utc') {
    return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}`;
  }
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * What the user typed in a from/to box → what the API takes. Date math and
 * dates with a zone pass through; a wall-clock date (`2026-12-03 10:00`) is
 * read in the chosen zone and sent as UTC ISO, a time alone (`10:00`) as
 * today's. A day alone as the end (`2026-12-05`) means to the end of that
 * day, as the API reads `to`: read as its midnight, From and To both
 * 2026-12-05 was an empty range. An empty end is now.
 */
export function normalizeTimeInput(text: string, tz: TimeZoneMode, end = false): string {
  let t = text.trim();
  // An empty To is now, as its placeholder says and Kibana reads it; it
  // was an error ("not an ISO 8601 date") and the range had to be retyped.
  if (t === '' && end) return 'now';
  if (t === '') throw new Error('From is empty: a date (2026-12-03 10:00), a time today (10:00) or date math (now-1h)');
  // A time alone (`10:00`, `10:00:30`) is today at that time in the chosen zone.
  if (/^\d{1,2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(t)) t = `${todayIn(tz)}T${t.indexOf(':') === 1 ? '0' : ''}${t}`;
  if (t.startsWith('now') || t.includes('||') || /^\d+$/.test(t) || /(Z|[+-]\d{2}:?\d{2})$/.test(t)) return t;
  const roundUp = end && /^\d{4}(-\d{2}){0,2}$/.test(t);
  const ms = resolveDate(t.replace(/^(\d{4}-\d{2}-\d{2}) +/, '$1T'), { now: Date.now(), roundUp, timeZone: zoneName(tz) });
  return new Date(ms).toISOString();
}

/** Today's date (`2026-12-03`) in the chosen zone. */
function todayIn(tz: TimeZoneMode, now = Date.now()): string {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zoneName(tz), year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

/**
 * A from/to as the picker shows it. The page stores absolute times as UTC
 * ISO (or epoch ms); shown raw, `10:00` typed in New York came back as
 * `15:00:00.000Z`. They are shown as wall-clock time in the chosen zone,
 * which normalizeTimeInput reads back to the same instant; date math and
 * anything else stay as typed.
 */
export function displayTimeInput(value: string, tz: TimeZoneMode): string {
  const t = value.trim();
  const absolute = /^\d+$/.test(t) || /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:?\d{2})$/.test(t);
  if (!absolute) return value;
  const ms = /^\d+$/.test(t) ? Number(t) : Date.parse(t);
  if (!Number.isFinite(ms)) return value;
  return formatTime(ms, tz).replace(/\.000$/, '');
}

const WHOLE_UNITS: [number, string][] = [[86_400_000, 'd'], [3_600_000, 'h'], [60_000, 'm'], [1_000, 's']];

/** `now-1h` for an hour: the range of that length ending now, in the largest whole unit (seconds at least). */
export function relativeFrom(lengthMs: number): string {
  // In whole seconds first: a rounded-up end (`now/d`) is 999 ms short of its unit.
  const secs = Math.max(1, Math.ceil(lengthMs / 1000)) * 1000;
  for (const [ms, unit] of WHOLE_UNITS) if (secs % ms === 0) return `now-${secs / ms}${unit}`;
  return `now-${secs / 1000}s`;
}

export function describeRange(from: string, to: string, tz: TimeZoneMode): string {
  const quick = QUICK_RANGES.find((r) => r.from === from && r.to === to);
  if (quick) return quick.label;
  return `${displayTimeInput(from, tz)} → ${displayTimeInput(to, tz)}`;
}

/**
 * A bar or dragged span of the histogram, kept inside the range searched
 * (`lo`..`hi`, epoch ms). Buckets are aligned to the epoch, so the first
 * may start before the range and the last end after it, while a bar counts
 * only the events inside: narrowed to the whole bucket, the range would
 * take in events the bar did not count, and for a range from year 0000
 * start in year -31, which the API refuses.
 */
export function withinSearched(fromMs: number, toMs: number, lo: number, hi: number): { from: number; to: number } {
  const from = Math.max(fromMs, lo);
  const to = Math.min(toMs, hi);
  // A span wholly outside (never drawn so): left as chosen.
  return from <= to ? { from, to } : { from: fromMs, to: toMs };
}
