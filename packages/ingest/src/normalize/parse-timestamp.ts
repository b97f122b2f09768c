import type { FieldValue } from '@logship/query';

const ISO = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const NGINX_LOCAL = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;
const RFC2822 = /^(?:[A-Za-z]{3},\s*)?\d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}(?::\d{2})? (?:GMT|UTC|[+-]\d{4})$/;
const NUMERIC = /^\d+(?:\.\d+)?$/;
const MONTHS: Record<string, string> = {
  jan: '01', feb: '02', mar: '03', apr: '04', may: '05', jun: '06',
  jul: '07', aug: '08', sep: '09', oct: '10', nov: '11', dec: '12',
};
// toISOString only yields the plain `YYYY-…Z` form within years 0000–9999.
const MAX_MS = 253_402_300_799_999;

/**
 * Reads the time formats log sources write and returns epoch milliseconds,
 * or undefined when the value is not a time we can trust.
 *
 * Numbers are epoch seconds, ms, µs or ns told apart by magnitude (zap and
 * loguru write float seconds, pino ms, journald µs). Text without an offset
 * (python's `asctime`, Django's TIME_ZONE) is wall-clock time in `timeZone`:
 * the source's `@timezone` from the agent, else the server's
 * `ingest.default_timezone` (UTC unless set). An offset in the value wins.
 */
export function parseTimestamp(value: FieldValue | undefined, timeZone = 'UTC'): number | undefined {
  if (typeof value === 'number') return fromEpoch(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (NUMERIC.test(text)) return fromEpoch(Number(text));

  let m = ISO.exec(text);
  if (m) {
    const [, date, time, fraction, zone] = m;
    const ms = (fraction ?? '').padEnd(3, '0').slice(0, 3);
    const hms = time!.length === 5 ? `${time}:00` : time;
    let tz = zone === undefined ? 'Z' : zone.toUpperCase();
    if (/^[+-]\d{2}$/.test(tz)) tz = `${tz}:00`;
    else if (/^[+-]\d{4}$/.test(tz)) tz = `${tz.slice(0, 3)}:${tz.slice(3)}`;
    const wall = Date.parse(`${date}T${hms}.${ms}${tz}`);
    if (zone !== undefined || timeZone === 'UTC' || !Number.isFinite(wall)) return check(wall);
    return check(wallTimeToUtc(wall, timeZone));
  }
  m = NGINX_LOCAL.exec(text);
  if (m) {
    const [, day, mon, year, hh, mm, ss, sign, tzh, tzm] = m;
    const month = MONTHS[mon!.toLowerCase()];
    if (month === undefined) return undefined;
    return check(Date.parse(`${year}-${month}-${day}T${hh}:${mm}:${ss}.000${sign}${tzh}:${tzm}`));
  }
  if (RFC2822.test(text)) return check(Date.parse(text));
  return undefined;
}

function fromEpoch(n: number): number | undefined {
  // Below 1e8 (1973 in seconds) a number is a count or an id, not a time.
  if (!Number.isFinite(n) || n < 1e8) return undefined;
  if (n < 1e11) return check(Math.round(n * 1000));
  if (n < 1e14) return check(Math.floor(n));
  if (n < 1e17) return check(Math.floor(n / 1e3));
  return check(Math.floor(n / 1e6));
}

function check(ms: number): number | undefined {
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_MS ? ms : undefined;
}

const ZONE_FORMATS = new Map<string, Intl.DateTimeFormat>();

function zoneFormat(zone: string): Intl.DateTimeFormat {
  let f = ZONE_FORMATS.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    if (ZONE_FORMATS.size >= 256) ZONE_FORMATS.clear();
    ZONE_FORMATS.set(zone, f);
  }
  return f;
}

/** True for a time zone name Intl knows (`UTC`, `America/Chicago`). */
export function isTimeZone(zone: string): boolean {
  try {
    zoneFormat(zone);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at instant `ms`, in ms (Chicago in winter: -6 h). */
export function zoneOffsetAt(ms: number, zone: string): number {
  const parts = zoneFormat(zone).formatToParts(new Date(ms));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - (ms - (((ms % 1000) + 1000) % 1000));
}

/**
 * The instant at which clocks in `zone` showed `wall` (wall-clock fields
 * encoded as if UTC), DST-correct, resolving the two special hours as
 * JavaScript's Temporal does by default ("compatible"): a time that occurs
 * twice (clocks turned back) is the earlier of the two; a time that never
 * occurs (clocks turned forward) is read with the offset before the
 * change, so 02:30 on a spring-forward night in Chicago is 03:30 CDT.
 */
export function wallTimeToUtc(wall: number, zone: string): number {
  const before = zoneOffsetAt(wall - 86_400_000, zone);
  const after = zoneOffsetAt(wall + 86_400_000, zone);
  const candidates = [...new Set([before, after])]
    .map((offset) => wall - offset)
    .filter((t) => wall - zoneOffsetAt(t, zone) === t)
    .sort((a, b) => a - b);
  return candidates[0] ?? wall - before;
}
