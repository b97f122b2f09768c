/**
 * Elasticsearch date math, resolved against an injected clock.
 *
 *   now | <date> | <date>||   followed by any of   +N<unit>  -N<unit>  /<unit>
 *   units: y M w d h H m s      (w = 7 days, weeks start on Monday)
 *
 * `<date>` is ISO 8601 (`2026`, `2026-02`, `2026-02-08`, `2026-02-08T12`,
 * `…T12:30`, `…T12:30:05`, `…T12:30:05.123`, with optional `Z`/`±hh:mm`) or
 * epoch milliseconds (any integer that is not exactly four digits).
 *
 * Rounding follows Elasticsearch: with `roundUp` (inclusive upper bounds and
 * `>` lower bounds) `/d` goes to the last millisecond of the day, and a plain
 * date missing its smaller fields is filled with their maximum (`2026-02-08`
 * → 23:59:59.999); otherwise to the first millisecond. As in Elasticsearch, a
 * `date||math` anchor is never filled, only rounded by an explicit `/unit`.
 * y/M/w/d arithmetic is calendar arithmetic in the time zone (month ends
 * clamp: Jan 31 + 1M = Feb 28); h/m/s add exact durations.
 */
import { QueryError } from './errors.js';

export interface ResolveDateOptions {
  /** The clock, epoch ms. */
  now: number;
  /** Round to the end of the unit (see module doc). */
  roundUp: boolean;
  /** IANA name (`Europe/Paris`) or fixed offset (`+01:00`); default UTC. */
  timeZone?: string;
}

/** Wall-clock fields in a time zone; month 1-12. */
interface Wall {
  y: number;
  M: number;
  d: number;
  h: number;
  m: number;
  s: number;
  ms: number;
}

/** JavaScript's own Date range: intermediate date math stays within it. */
const MAX_TIME = 8.64e15;
/**
 * What a resolved date may be: years 0000-9999, the years ISO 8601's
 * four-digit form (and both stores' day partitions and index names) can
 * write. `now+10000y` used to resolve to year 12026, whose ISO text
 * ("+012026-…") sorts before every real timestamp, and answered 200 with 0
 * hits; now it is refused like any other unresolvable date.
 */
export const MIN_DATE_MS = -62_167_219_200_000; // 0000-01-01T00:00:00.000Z
export const MAX_DATE_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
const DATE_RE =
  /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/;

function invalid(value: string, why: string): QueryError {
  return new QueryError('LS_QUERY_INVALID_DATE', `cannot resolve date "${value}": ${why}`);
}

export function resolveDate(value: string, opts: ResolveDateOptions): number {
  const zone = makeZone(opts.timeZone, value);
  let time: number;
  let math: string;
  if (value.startsWith('now')) {
    time = opts.now;
    math = value.slice(3);
  } else {
    const i = value.indexOf('||');
    if (i === -1) return checkRange(parseAnchor(value, opts.roundUp, zone), value);
    time = parseAnchor(value.slice(0, i), false, zone);
    math = value.slice(i + 2);
  }
  return checkRange(applyMath(value, math, time, opts.roundUp, zone), value);
}

/** True when `value` resolves (used to tell dates from other strings). */
export function isDateExpression(value: string): boolean {
  try {
    resolveDate(value, { now: 0, roundUp: false });
    return true;
  } catch {
    return false;
  }
}

function checkRange(t: number, value: string): number {
  if (!Number.isFinite(t) || t < MIN_DATE_MS || t > MAX_DATE_MS) throw invalid(value, 'outside the years 0000-9999');
  return t;
}

function parseAnchor(text: string, roundUp: boolean, zone: Zone): number {
  if (/^-?\d+$/.test(text) && !/^\d{4}$/.test(text)) {
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw invalid(text, 'epoch milliseconds out of range');
    return n;
  }
  const m = DATE_RE.exec(text);
  if (!m) throw invalid(text, 'not an ISO 8601 date, epoch milliseconds or date math');
  const num = (s: string | undefined, dflt: number): number => (s === undefined ? dflt : Number(s));
  const y = Number(m[1]);
  const M = num(m[2], roundUp ? 12 : 1);
  if (M < 1 || M > 12) throw invalid(text, 'month must be 01-12');
  const dim = daysInMonth(y, M);
  const d = num(m[3], roundUp ? dim : 1);
  if (d < 1 || d > dim) throw invalid(text, `day must be 01-${dim}`);
  const h = num(m[4], roundUp ? 23 : 0);
  const mi = num(m[5], roundUp ? 59 : 0);
  const s = num(m[6], roundUp ? 59 : 0);
  if (h > 23 || mi > 59 || s > 59) throw invalid(text, 'time out of range');
  const ms = m[7] === undefined ? (roundUp ? 999 : 0) : Number(m[7].padEnd(3, '0').slice(0, 3));
  const wall: Wall = { y, M, d, h, m: mi, s, ms };
  if (m[8] !== undefined) return wallToUtc(wall) - offsetMinutes(m[8]) * 60_000;
  return zone.fromWall(wall);
}

function applyMath(value: string, math: string, start: number, roundUp: boolean, zone: Zone): number {
  let t = start;
  let i = 0;
  while (i < math.length) {
    const op = math[i++];
    if (op === '/') {
      const unit = math[i++];
      if (unit === undefined || !isUnit(unit)) throw invalid(value, `unknown rounding unit after "/" at ${i}`);
      t = round(t, unit, roundUp, zone);
    } else if (op === '+' || op === '-') {
      let j = i;
      while (j < math.length && /[0-9]/.test(math[j]!)) j++;
      const n = j === i ? 1 : Number(math.slice(i, j));
      if (!Number.isSafeInteger(n)) throw invalid(value, 'amount too large');
      const unit = math[j];
      if (unit === undefined || !isUnit(unit)) throw invalid(value, `expected a unit (y M w d h H m s) at ${j}`);
      i = j + 1;
      t = add(t, op === '+' ? n : -n, unit, zone);
      if (!Number.isFinite(t) || Math.abs(t) > MAX_TIME) throw invalid(value, 'out of range');
    } else {
      throw invalid(value, `expected "+", "-" or "/" at "${math.slice(i - 1)}"`);
    }
  }
  return t;
}

type Unit = 'y' | 'M' | 'w' | 'd' | 'h' | 'H' | 'm' | 's';
const isUnit = (u: string): u is Unit => 'yMwdhHms'.includes(u) && u.length === 1;

function add(t: number, n: number, unit: Unit, zone: Zone): number {
  switch (unit) {
    case 'h':
    case 'H':
      return t + n * 3_600_000;
    case 'm':
      return t + n * 60_000;
    case 's':
      return t + n * 1000;
    default: {
      const w = zone.toWall(t);
      if (unit === 'y' || unit === 'M') {
        const months = w.y * 12 + (w.M - 1) + (unit === 'y' ? n * 12 : n);
        const y = Math.floor(months / 12);
        const M = months - y * 12 + 1;
        return zone.fromWall({ ...w, y, M, d: Math.min(w.d, daysInMonth(y, M)) });
      }
      const days = unit === 'w' ? n * 7 : n;
      const moved = new Date(utcDay(w.y, w.M, w.d) + days * 86_400_000);
      return zone.fromWall({ ...w, y: moved.getUTCFullYear(), M: moved.getUTCMonth() + 1, d: moved.getUTCDate() });
    }
  }
}

function round(t: number, unit: Unit, roundUp: boolean, zone: Zone): number {
  const w = zone.toWall(t);
  let start: Wall;
  switch (unit) {
    case 'y':
      start = { y: w.y, M: 1, d: 1, h: 0, m: 0, s: 0, ms: 0 };
      break;
    case 'M':
      start = { ...w, d: 1, h: 0, m: 0, s: 0, ms: 0 };
      break;
    case 'w': {
      // getUTCDay: 0 = Sunday; weeks start on Monday.
      const dow = (new Date(utcDay(w.y, w.M, w.d)).getUTCDay() + 6) % 7;
      const monday = new Date(utcDay(w.y, w.M, w.d) - dow * 86_400_000);
      start = { y: monday.getUTCFullYear(), M: monday.getUTCMonth() + 1, d: monday.getUTCDate(), h: 0, m: 0, s: 0, ms: 0 };
      break;
    }
    case 'd':
      start = { ...w, h: 0, m: 0, s: 0, ms: 0 };
      break;
    case 'h':
    case 'H':
      start = { ...w, m: 0, s: 0, ms: 0 };
      break;
    case 'm':
      start = { ...w, s: 0, ms: 0 };
      break;
    case 's':
      start = { ...w, ms: 0 };
      break;
  }
  const down = zone.fromWall(start);
  return roundUp ? add(down, 1, unit, zone) - 1 : down;
}

function daysInMonth(y: number, M: number): number {
  return new Date(utcDay(y, M + 1, 0)).getUTCDate();
}

/** Midnight UTC of a calendar day (Date.UTC would map years 0-99 to 19xx). */
function utcDay(y: number, M: number, d: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, M - 1, d);
  return date.getTime();
}

function wallToUtc(w: Wall): number {
  const d = new Date(0);
  d.setUTCFullYear(w.y, w.M - 1, w.d);
  d.setUTCHours(w.h, w.m, w.s, w.ms);
  return d.getTime();
}

function utcToWall(t: number): Wall {
  const d = new Date(t);
  return {
    y: d.getUTCFullYear(),
    M: d.getUTCMonth() + 1,
    d: d.getUTCDate(),
    h: d.getUTCHours(),
    m: d.getUTCMinutes(),
    s: d.getUTCSeconds(),
    ms: d.getUTCMilliseconds(),
  };
}

function offsetMinutes(z: string): number {
  if (z === 'Z') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
  if (!m) return NaN;
  const v = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -v : v;
}

// ---- time zones -------------------------------------------------------------

interface Zone {
  toWall(t: number): Wall;
  fromWall(w: Wall): number;
}

const UTC: Zone = { toWall: utcToWall, fromWall: wallToUtc };
const zones = new Map<string, Zone>();

function makeZone(timeZone: string | undefined, value: string): Zone {
  if (timeZone === undefined || timeZone === 'UTC' || timeZone === 'Z') return UTC;
  const cached = zones.get(timeZone);
  if (cached) return cached;
  let zone: Zone;
  const fixed = offsetMinutes(timeZone);
  if (!Number.isNaN(fixed)) {
    const off = fixed * 60_000;
    zone = { toWall: (t) => utcToWall(t + off), fromWall: (w) => wallToUtc(w) - off };
  } else {
    let fmt: Intl.DateTimeFormat;
    try {
      fmt = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw invalid(value, `unknown time zone "${timeZone}"`);
    }
    const offsetAt = (t: number): number => {
      const p: Record<string, number> = {};
      for (const part of fmt.formatToParts(t)) if (part.type !== 'literal') p[part.type] = Number(part.value);
      const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
      return asUtc - Math.floor(t / 1000) * 1000;
    };
    zone = {
      toWall: (t) => utcToWall(t + offsetAt(t)),
      // Two passes find the offset in force at that wall time; in a DST gap
      // this lands after the gap, in an overlap on one of the two instants.
      fromWall: (w) => {
        const guess = wallToUtc(w);
        const first = guess - offsetAt(guess);
        return guess - offsetAt(first);
      },
    };
  }
  zones.set(timeZone, zone);
  return zone;
}
