/**
 * The CLI's time range: `--from` / `--to` when given; otherwise the
 * query's own `@timestamp` bounds decide on the server (query-time-range.ts),
 * and only a query without any gets the CLI's default window (the hour
 * before `--to`, else now-1h), so
 * `logship search '@timestamp:[now-3h TO now]'` searches three hours.
 */
import { parse } from '../parse.js';
import { queryTimeBounds } from '../query-time-range.js';
import { resolveTimeParam } from '../time-param.js';

export const CLI_DEFAULT_FROM = 'now-1h';
const CLI_DEFAULT_WINDOW_MS = 3_600_000;

/** Sets `from` / `to` on `params` as described above. */
export function setTimeParams(params: URLSearchParams, q: string, from: string | undefined, to: string | undefined): void {
  if (from !== undefined) params.set('from', from);
  if (to !== undefined) params.set('to', to);
  if (from !== undefined) return;
  let bounded = false;
  try {
    const own = queryTimeBounds(parse(q), { now: Date.now() });
    bounded = own.from !== null || own.to !== null;
  } catch {
    // A query the server will refuse anyway (with its own message).
  }
  if (bounded) return;
  if (to === undefined) {
    params.set('from', CLI_DEFAULT_FROM);
    return;
  }
  // `--to` alone: the hour before it (`--to now-2h` is now-3h..now-2h), not
  // now-1h, which would lie after it; a `--to` ahead of now (`now+1h`) keeps
  // the hour before now, not the hour before it, which held nothing yet.
  try {
    const now = Date.now();
    params.set('from', String(Math.min(resolveTimeParam(to, { now, roundUp: true }), now) - CLI_DEFAULT_WINDOW_MS));
  } catch {
    // A `to` the server will refuse anyway (with its own message).
  }
}
