/**
 * A live tail's position (an event's SSE id): where a resumed stream
 * starts. `<epoch ms>|<event.id>` is a time, from which the stored events
 * are replayed; a live event's id begins with the mark of its commit,
 * `<boot>.<seq>:<epoch ms>|<event.id>`, from which the server replays
 * exactly what it committed after, while it still keeps that (else by
 * time). The server (the resume position of a stream it ends), `logship
 * search --follow` and the search page keep it the same way, so nothing
 * here imports Node.
 */

/**
 * How far ahead of now an event's time still counts as "now" (a host's
 * clock running a little fast). An event stamped further ahead does not
 * move a tail's position: resumed after it, the stream would skip what is
 * stored meanwhile with the ordinary times before it.
 */
export const TAIL_SKEW_MS = 60_000;

/** A place in the server's commit order: its sequence number in one run of its live feed (`boot`). */
export interface CommitMark {
  boot: string;
  seq: number;
}

export interface TailPosition {
  ts: number;
  /** The event.id; '' for "every event of that millisecond". */
  id: string;
  mark?: CommitMark;
}

/** A boot starts with a letter: a position without a mark starts with digits. */
const MARKED = /^([a-z][a-z0-9]*)\.(\d+):/;

/** `[<boot>.<seq>:]<epoch ms>|<event.id>` or epoch ms alone; `ts` is NaN when it is neither. */
export function parseTailPosition(text: string): TailPosition {
  const m = MARKED.exec(text);
  const rest = m ? text.slice(m[0].length) : text;
  const bar = rest.indexOf('|');
  const p: TailPosition = bar < 0 ? { ts: Number(rest), id: '' } : { ts: Number(rest.slice(0, bar)), id: rest.slice(bar + 1) };
  if (m) p.mark = { boot: m[1]!, seq: Number(m[2]) };
  return p;
}

export function formatTailPosition(p: TailPosition): string {
  return `${p.mark ? `${p.mark.boot}.${p.mark.seq}:` : ''}${p.ts}|${p.id}`;
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
  if (!Number.isFinite(next.ts)) return current;
  const cur = current === undefined ? undefined : parseTailPosition(current);
  let time = cur && Number.isFinite(cur.ts) ? { ts: cur.ts, id: cur.id } : undefined;
  if (next.ts <= nowMs + TAIL_SKEW_MS && (time === undefined || isAfter(next, time))) time = { ts: next.ts, id: next.id };
  if (time === undefined) return current;
  // The latest commit seen: marks grow in commit order; another boot is
  // a server started since, whose mark is the one that counts now.
  let mark = cur?.mark;
  if (next.mark && (mark === undefined || mark.boot !== next.mark.boot || next.mark.seq > mark.seq)) mark = next.mark;
  return formatTailPosition(mark ? { ...time, mark } : time);
}
