import { resolveDate } from '../date-math.js';
import type { TimeRange } from '../log-reader.js';
import { apiErrors } from './api-error.js';

/**
 * Turns the API's `from`/`to` (ISO dates, epoch ms or date math such as
 * `now-1h`) into epoch milliseconds. `to` is an inclusive upper bound, so it
 * rounds up (`now/d` means the end of today), as Elasticsearch does.
 */
export function resolveTimeRange(
  from: string | undefined,
  to: string | undefined,
  now: number,
  defaultFrom: string,
): TimeRange {
  const fromText = from === undefined || from === '' ? defaultFrom : from;
  const toText = to === undefined || to === '' ? 'now' : to;
  const resolved = {
    from: resolveOne('from', fromText, now, false),
    to: resolveOne('to', toText, now, true),
  };
  if (resolved.from > resolved.to) throw apiErrors.badRange(fromText, toText);
  return resolved;
}

function resolveOne(param: string, text: string, now: number, roundUp: boolean): number {
  try {
    return resolveDate(text, { now, roundUp });
  } catch (err) {
    throw apiErrors.badTime(param, text, err instanceof Error ? err.message : String(err));
  }
}
