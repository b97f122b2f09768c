import type { QueryNode } from '../ast.js';
import type { TimeRange } from '../log-reader.js';
import { queryTimeBounds } from '../query-time-range.js';
import { resolveTimeParam } from '../time-param.js';
import { apiErrors } from './api-error.js';
import { timeAdvice } from './time-advice.js';

/** What a Date can hold: ranges are clamped to it so that answers can state them in ISO form. */
const MAX_MS = 8.64e15;

/**
 * Turns the API's `from`/`to` (ISO dates, date math such as `now-1h`, or
 * epoch seconds, milliseconds, microseconds or nanoseconds: time-param.ts)
 * into epoch milliseconds. `to` is an inclusive upper bound, so it
 * rounds up (`now/d` means the end of today), as Elasticsearch does.
 *
 * A side the request leaves out comes from the query when its top-level AND
 * chain bounds `@timestamp` (query-time-range.ts); otherwise from the
 * default window (`defaultFrom` to now, or ending at the request's `to`
 * when only that is given). A query with only an upper bound searches
 * everything before it.
 */
export function resolveTimeRange(
  from: string | undefined,
  to: string | undefined,
  now: number,
  defaultFrom: string,
  query?: QueryNode,
): TimeRange {
  const given = (v: string | undefined): v is string => v !== undefined && v !== '';
  const own = query && (!given(from) || !given(to)) ? queryTimeBounds(query, { now }) : { from: null, to: null };
  const fromText = given(from) ? from : defaultFrom;
  const toText = given(to) ? to : 'now';
  const resolvedTo = given(to) ? resolveTimeValue('to', to, now, true) : (own.to ?? resolveTimeValue('to', 'now', now, true));
  let resolvedFrom: number;
  if (given(from)) resolvedFrom = resolveTimeValue('from', from, now, false);
  else if (own.from !== null) resolvedFrom = own.from;
  else if (own.to !== null) resolvedFrom = 0;
  // The default window ends at the request's `to` (`to=now-2h`: the 15
  // minutes before it), not at now, where it would lie after `to`; a `to`
  // ahead of now (`to=now+1h`, for clocks running ahead) keeps it at now,
  // where it lay wholly in the future and answered nothing.
  else resolvedFrom = resolveTimeValue('from', defaultFrom, given(to) ? Math.min(resolvedTo, now) : now, false);
  const resolved = { from: clamp(resolvedFrom), to: clamp(resolvedTo) };
  if (resolved.from > resolved.to) {
    // A range the request gave wrong way round is the caller's mistake, and
    // so is a `from` after the `to` it left to default to now (`from=now+1h`
    // for now-1h): that was an empty range answered 200 with nothing. One
    // side from the query that misses the other: the query (still applied
    // in full) matches nothing there, which an empty answer says.
    if (given(from) && given(to)) throw apiErrors.badRange(fromText, toText, false);
    if (given(from) && own.to === null) throw apiErrors.badRange(fromText, toText, true);
    if (given(to)) resolved.from = resolved.to;
    else resolved.to = resolved.from;
  }
  return resolved;
}

function clamp(ms: number): number {
  return Math.min(Math.max(ms, -MAX_MS), MAX_MS);
}

/** The range an answer states: ISO UTC with milliseconds. */
export function rangeAnswer(range: TimeRange): { from: string; to: string } {
  return { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString() };
}

/**
 * One time parameter of the API (`from`, `to`, context's `ts`) in epoch ms,
 * every route reading the same forms; a bad one is LS_API_BAD_TIME naming
 * the parameter and the forms it takes.
 */
export function resolveTimeValue(param: string, text: string, now: number, roundUp: boolean): number {
  try {
    return resolveTimeParam(exponentAsNumber(text), { now, roundUp });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw apiErrors.badTime(param, text, timeAdvice(param, text, reason));
  }
}

/** A JSON number with an exponent (`2.5e+16`, `1.7E12`, `-1e3`); ` ` for a `+` that URL decoding made a space. */
const EXPONENT_RE = /^-?(?:0|[1-9]\d*)(?:\.\d+)?[eE][-+ ]?\d+$/;

/**
 * A time written as a number in exponent form read as that number: the
 * text a JSON body's number gives (timeText), so a query string takes the
 * numbers a body does, with the same reading by size and the same range
 * check. The document's `number` alternative invites them (schemathesis
 * sent `to=2.5e+16`, refused as no date while `{"to":2.5e16}` was taken).
 * A number past a Date's range or below a second's millionth comes out in
 * exponent form again (`1e+21`, `1e-7`) and is refused, as in a body.
 */
function exponentAsNumber(text: string): string {
  const t = text.trim();
  return EXPONENT_RE.test(t) ? String(Number(t.replace(' ', '+'))) : text;
}

/** `warnings` beside an answer: the partitions left out of it (log-reader.ts warningsField); absent when none. */
export const WARNINGS_SCHEMA = {
  type: 'array',
  description: 'Parts of the range that could not be read and are left out of this answer, each with its cause\'s code (LS_STORE_CORRUPT_PARTITION: a damaged partition file; LS_STORE_PARTITION_DENIED: one the server\'s user may not open; LS_STORE_PARTITION_LOCKED: one another process holds locked, read again once it lets go; on Elasticsearch, LS_ES_SHARDS_FAILED: an index whose shards failed the read, the others answering, and LS_ES_TIMED_OUT: a read the cluster stopped at its search timeout)',
  items: {
    type: 'object',
    properties: { code: { type: 'string' }, partition: { type: 'string' }, message: { type: 'string' } },
  },
} as const;

/** The `range` of search and aggregate answers, for their response schemas. */
export const RANGE_SCHEMA = {
  type: 'object',
  description: 'The time range searched (ISO UTC): the request\'s from/to, else the query\'s own @timestamp bounds, else the default window',
  properties: { from: { type: 'string' }, to: { type: 'string' } },
} as const;

/**
 * The schema of `from` and `to` in search and aggregate: text, or in a JSON
 * body also an epoch number (`{"from": 1770000000000}`, `{"from": 1770000000.5}`).
 * The query string takes the same numbers as text, exponent form too
 * (exponentAsNumber): the `number` alternative says a client may send one.
 */
export const TIME_PARAM = {
  anyOf: [{ type: 'string' }, { type: 'number' }],
  description: 'ISO date, date math (now-1h), a duration before now (1h) or an epoch number read by its size (seconds, ms, µs, ns); a number as JSON writes it in a body and in a query string alike, exponent form too (1.7e12, 2.5e+16)',
} as const;

/** A `from` / `to` as resolveTimeRange reads it: an epoch number given as a number is its digits. */
export function timeText(v: string | number | undefined): string | undefined {
  return typeof v === 'number' ? String(v) : v;
}
