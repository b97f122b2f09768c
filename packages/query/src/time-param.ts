/**
 * A request's `from` / `to` (API parameters, CLI `--from` / `--to`): what
 * resolveDate reads (ISO 8601, date math), and bare epoch numbers in the
 * unit the tools users come from send them in. Grafana sends epoch
 * milliseconds, VictoriaLogs' and Prometheus' `start`/`end` take seconds
 * (`1770552000`, `1770552000.5`), Loki's nanoseconds; read as milliseconds,
 * a number of seconds was a range in January 1970 that found nothing.
 *
 * An integer is read by its size, as VictoriaLogs reads `start`/`end`
 * (lib/timeutil): below 2^31 seconds, below 1000·2^31 milliseconds, below
 * 10^6·2^31 microseconds, else nanoseconds. A decimal fraction is seconds.
 * Exactly four digits stay a year (`2026`), as in resolveDate.
 *
 * A duration alone (`1h`, `-15m`, `1h30m`) is that long before now, as
 * VictoriaLogs reads `start=1h` and Loki `since=1h`. A time whose offset
 * lost its `+` to URL decoding (`?from=2026-02-08T12:00:00+01:00` typed
 * into curl arrives as `…12:00:00 01:00`) is read with the `+`.
 *
 * Inside a query, `@timestamp:>1770552000000` keeps Elasticsearch's
 * epoch_millis reading (docs/QUERY_LANGUAGE.md, "Dates and date math").
 */
import { resolveDate, type ResolveDateOptions } from './date-math.js';

const SECONDS_BELOW = 2 ** 31;
const INTEGER_RE = /^-?\d+$/;
const DECIMAL_SECONDS_RE = /^(-?)(\d+)\.(\d+)$/;
const DURATION_RE = /^-?(?:\d+(?:ms|s|m|h|d|w|y))+$/;
const DURATION_PART = /(\d+)(ms|s|m|h|d|w|y)/g;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 365 * 86_400_000 };
/** A date and time whose `+hh:mm` offset came through URL decoding as ` hh:mm`. */
const LOST_PLUS_RE = /^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?) (\d{2}(?::?\d{2})?)$/;

export function resolveTimeParam(text: string, opts: ResolveDateOptions): number {
  const t = text.trim();
  if (INTEGER_RE.test(t) && !/^\d{4}$/.test(t)) {
    const n = Number(t);
    const abs = Math.abs(n);
    // A whole second as an inclusive end (`to`) is filled to its last millisecond, as a date is.
    if (abs < SECONDS_BELOW) return n * 1000 + (opts.roundUp ? 999 : 0);
    if (abs < 1e3 * SECONDS_BELOW) return n;
    // Below a millisecond: the millisecond holding the instant.
    if (abs < 1e6 * SECONDS_BELOW) return Math.floor(n / 1e3);
    return Math.floor(n / 1e6);
  }
  const frac = DECIMAL_SECONDS_RE.exec(t);
  if (frac) {
    const [, sign, whole, digits] = frac;
    // By digits, not by float multiplication (1770552000.123 * 1000 is …122.99).
    const ms = Number(whole) * 1000 + Number(digits!.slice(0, 3).padEnd(3, '0'));
    return sign === '-' ? -ms : ms;
  }
  if (DURATION_RE.test(t)) {
    let ms = 0;
    for (const [, n, unit] of t.matchAll(DURATION_PART)) ms += Number(n) * UNIT_MS[unit!]!;
    return opts.now - ms;
  }
  const lost = LOST_PLUS_RE.exec(t);
  if (lost) return resolveDate(`${lost[1]}+${lost[2]}`, opts);
  return resolveDate(text, opts);
}
