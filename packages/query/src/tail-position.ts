/**
 * A live tail's position, `<epoch ms>|<event.id>` (an event's SSE id): where
 * a resumed stream starts, replaying what was stored after it. The server
 * (the resume position of a stream it ends), `logship search --follow` and
 * the search page keep it the same way, so nothing here imports Node.
 */

/**
 * How far ahead of now an event's time still counts as "now" (a host's
 * clock running a little fast). An event stamped further ahead does not
 * move a tail's position: resumed after it, the stream would skip what is
 * stored meanwhile with the ordinary times before it.
 */
export const TAIL_SKEW_MS = 60_000;

export interface TailPosition {
  ts: number;
  /** The event.id; '' for "every event of that millisecond". */
  id: string;
}

/** `<epoch ms>|<event.id>` or epoch ms alone; `ts` is NaN when it is neither. */
export function parseTailPosition(text: string): TailPosition {
  const bar = text.indexOf('|');
  return bar < 0 ? { ts: Number(text), id: '' } : { ts: Number(text.slice(0, bar)), id: text.slice(bar + 1) };
}

export function formatTailPosition(p: TailPosition): string {
  return `${p.ts}|${p.id}`;
}

/** Ties in one millisecond are ordered by event.id, as the stores sort. */
export function isAfter(a: TailPosition, b: TailPosition): boolean {
  return a.ts > b.ts || (a.ts === b.ts && a.id > b.id);
}

/**
 * Where to resume from after seeing `id`: the furthest position seen, but
 * not one past `nowMs` (with TAIL_SKEW_MS). Taking the last event's id as it
 * came, a resume after one stamped an hour ahead asked for what was stored
 * after that hour (everything stored meanwhile was never shown), and after
 * a late one it replayed what the reader already had.
 */
export function laterTailPosition(current: string | undefined, id: string, nowMs: number): string | undefined {
  const next = parseTailPosition(id);
  if (!Number.isFinite(next.ts) || next.ts > nowMs + TAIL_SKEW_MS) return current;
  if (current === undefined) return id;
  return isAfter(next, parseTailPosition(current)) ? id : current;
}
