import type { LogEvent } from '../event.js';
import type { CommitMark } from '../tail-position.js';

/**
 * A committed event the feed does not hold: its id and `@timestamp` (epoch
 * ms), by which the store finds it (committed-lookup.ts). Ingest commits
 * such events when no one listens (with ingest workers they stay on the
 * worker), and the feed lets go of the events it held once no one has
 * listened for a while, or past its bounds.
 */
export interface CommittedRef {
  readonly id: string;
  readonly ts: number;
}

/** One numbered event of the feed: the event, or where it holds none, its ref. */
export type FeedEntry = LogEvent | CommittedRef;

/** Whether an entry is a ref to look up rather than the event (an event always has its `event.id`). */
export function isCommittedRef(entry: FeedEntry): entry is CommittedRef {
  return !('event.id' in entry);
}

/**
 * Newly committed events, pushed by the ingest side to whoever listens (the
 * tail route). The server creates one and passes it to both sides.
 *
 * Every event committed gets the next number of the feed's sequence (its
 * commit order), published or not, and the feed keeps a record of the
 * latest whether anyone listens or not (their ids and times; the events
 * themselves while someone listens), so a reader that comes with a mark
 * (the last event it had, or a search answer's `commit_mark`) gets exactly
 * what was committed after it, whatever those events' times.
 */
export interface LiveFeed {
  /**
   * Registers a listener, told each commit's entries and the sequence
   * number of the first (entries are refs for a commit whose events ingest
   * did not hand over); returns the function that removes it.
   */
  subscribe(listener: (entries: readonly FeedEntry[], firstSeq: number) => void): () => void;
  /** The mark of the last event numbered; seq 0 before any. */
  mark(): CommitMark;
  /** The entries numbered after `mark`, oldest first, when the feed still has a record of every one; else null. */
  since(mark: CommitMark): readonly FeedEntry[] | null;
  /**
   * Resolves true once the feed has numbered `seq` events (at once when it
   * has), false if not within `withinMs`: a read's snapshots may hold
   * commits the thread that numbers them has not been told of yet
   * (http/commit-mark.ts).
   */
  reached?(seq: number, withinMs: number): Promise<boolean>;
}

/** How many of the latest events the feed records (ids and times) for readers that come with a mark, listened to or not, */
export const RECORDED_EVENTS = 50_000;
/** and at most about this many bytes of their ids. */
export const RECORDED_BYTES = 4 * 1024 * 1024;
/** How many of the latest events the feed holds whole while someone listens, */
export const KEPT_EVENTS = 20_000;
/** and at most about this many bytes of them (their string values; a line may be 1 MiB). */
export const KEPT_BYTES = 32 * 1024 * 1024;
/**
 * How long the feed keeps holding events, and asks for them (`size`), once
 * no one listens: a reader that lost its connection, or whose stream the
 * server ended, comes back within this to get what it missed without a
 * look-up in the store.
 */
export const KEPT_MS = 5 * 60_000;

export interface LiveFeedOptions {
  recordedEvents?: number;
  recordedBytes?: number;
  keptEvents?: number;
  keptBytes?: number;
  keptMs?: number;
}

/**
 * The in-process feed the server uses: ingest calls `publish` after a commit, or `skip` when it did not hand the events over.
 *
 * The record is a ring of `recordedEvents` slots, the event numbered `s`
 * in slot `s % recordedEvents`: recording an event is a few stores into
 * preallocated arrays (~10 ns), not pushes into arrays sliced as they grow
 * (~180 ns, as measured at 1,000 events a commit), since every event
 * committed is recorded whether anyone listens or not.
 */
export class LocalLiveFeed implements LiveFeed {
  private readonly listeners = new Set<(entries: readonly FeedEntry[], firstSeq: number) => void>();
  private readonly boot = newBoot();
  private seq = 0;
  private readonly cap: number;
  private readonly ids: (string | undefined)[];
  private readonly times: Float64Array;
  /** The event where held (else undefined), and its size. */
  private readonly events: (LogEvent | undefined)[];
  private readonly sizes: Float64Array;
  /** The record holds seqs recordFrom + 1 … seq, whose ids have idBytes characters. */
  private recordFrom = 0;
  private idBytes = 0;
  /** No event is held at or below heldFrom. */
  private heldFrom = 0;
  private heldBytes = 0;
  private keepUntil = 0;
  private forget: ReturnType<typeof setTimeout> | undefined;
  /** Who waits for the feed to number events up to a seq (reached). */
  private waiters: { seq: number; done: (ok: boolean) => void }[] = [];

  constructor(private readonly opts: LiveFeedOptions = {}) {
    this.cap = Math.max(1, opts.recordedEvents ?? RECORDED_EVENTS);
    this.ids = new Array<string | undefined>(this.cap);
    this.times = new Float64Array(this.cap);
    this.events = new Array<LogEvent | undefined>(this.cap);
    this.sizes = new Float64Array(this.cap);
  }

  subscribe(listener: (entries: readonly FeedEntry[], firstSeq: number) => void): () => void {
    this.listeners.add(listener);
    clearTimeout(this.forget);
    this.forget = undefined;
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
      const ms = this.opts.keptMs ?? KEPT_MS;
      this.keepUntil = Date.now() + ms;
      this.forget = setTimeout(() => this.letGo(), ms);
      this.forget.unref();
    };
  }

  /**
   * A commit whose events ingest did not hand over (with ingest workers,
   * no one listened as its request was read, so its events stayed on the
   * worker): its new events' ids and `@timestamp`s (epoch ms). They take
   * numbers as published ones do, and listeners get their refs.
   */
  skip(ids: readonly string[], times: readonly number[]): void {
    if (ids.length === 0) return;
    const first = this.seq + 1;
    const refs: CommittedRef[] = [];
    for (let i = 0; i < ids.length; i++) {
      this.record(ids[i]!, times[i]!, undefined);
      if (this.listeners.size > 0) refs.push({ id: ids[i]!, ts: times[i]! });
    }
    this.trimHeld();
    this.tell(refs, first);
    this.wake();
  }

  /** A commit's new events, with their `@timestamp`s as epoch ms when the caller has them (else parsed here). */
  publish(events: readonly LogEvent[], times?: readonly number[]): void {
    if (events.length === 0) return;
    const first = this.seq + 1;
    const hold = this.size > 0;
    for (let i = 0; i < events.length; i++) {
      const ev = events[i]!;
      this.record(ev['event.id'], times?.[i] ?? Date.parse(ev['@timestamp']), hold ? ev : undefined);
    }
    this.trimHeld();
    this.tell(events, first);
    this.wake();
  }

  reached(seq: number, withinMs: number): Promise<boolean> {
    if (this.seq >= seq) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const waiter = {
        seq,
        done: (ok: boolean) => {
          clearTimeout(timer);
          this.waiters = this.waiters.filter((w) => w !== waiter);
          resolve(ok);
        },
      };
      const timer = setTimeout(() => waiter.done(false), withinMs);
      this.waiters.push(waiter);
    });
  }

  /** Those waiting for a seq numbered now. */
  private wake(): void {
    if (this.waiters.length === 0) return;
    for (const w of this.waiters.filter((x) => x.seq <= this.seq)) w.done(true);
  }

  mark(): CommitMark {
    return { boot: this.boot, seq: this.seq };
  }

  since(mark: CommitMark): readonly FeedEntry[] | null {
    if (mark.boot !== this.boot || mark.seq < this.recordFrom || mark.seq > this.seq) return null;
    const out: FeedEntry[] = [];
    for (let s = mark.seq + 1; s <= this.seq; s++) {
      const at = s % this.cap;
      out.push(this.events[at] ?? { id: this.ids[at]!, ts: this.times[at]! });
    }
    return out;
  }

  /**
   * Listeners, plus one while a reader that left may come back for what it
   * missed: ingest then goes on handing events over (with ingest workers
   * they are not sent back to the main thread when no one wants them).
   */
  get size(): number {
    // Past the time, let go now, not when the timer gets to it: ingest may
    // stop handing events over as soon as this says 0.
    if (this.forget !== undefined && Date.now() >= this.keepUntil) {
      clearTimeout(this.forget);
      this.letGo();
    }
    return this.listeners.size + (this.forget !== undefined ? 1 : 0);
  }

  private record(id: string, ts: number, ev: LogEvent | undefined): void {
    const s = ++this.seq;
    // The slot's previous event (s - cap) leaves the record.
    if (s - this.cap > this.recordFrom) this.dropOldest();
    const at = s % this.cap;
    this.ids[at] = id;
    this.times[at] = ts;
    this.idBytes += id.length;
    if (ev) {
      const size = sizeOf(ev);
      this.events[at] = ev;
      this.sizes[at] = size;
      this.heldBytes += size;
    }
    // Past the bytes of ids, the oldest go until half is left.
    if (this.idBytes > (this.opts.recordedBytes ?? RECORDED_BYTES)) {
      const half = (this.opts.recordedBytes ?? RECORDED_BYTES) / 2;
      while (this.idBytes > half && this.recordFrom < this.seq) this.dropOldest();
    }
  }

  private dropOldest(): void {
    const s = ++this.recordFrom;
    const at = s % this.cap;
    this.idBytes -= this.ids[at]!.length;
    this.ids[at] = undefined;
    this.release(s);
    if (this.heldFrom < s) this.heldFrom = s;
  }

  private tell(entries: readonly FeedEntry[], first: number): void {
    if (entries.length === 0) return;
    for (const l of this.listeners) {
      try {
        l(entries, first);
      } catch {
        // A failing subscriber must never fail ingest.
      }
    }
  }

  /** Past a bound, the oldest events held go (their refs stay), by halves rather than at each commit. */
  private trimHeld(): void {
    const max = this.opts.keptEvents ?? KEPT_EVENTS;
    const maxBytes = this.opts.keptBytes ?? KEPT_BYTES;
    if (this.seq - this.heldFrom <= 2 * max && this.heldBytes <= maxBytes) return;
    while (this.heldFrom < this.seq && (this.seq - this.heldFrom > max || this.heldBytes > maxBytes / 2)) this.release(++this.heldFrom);
  }

  private release(s: number): void {
    const at = s % this.cap;
    if (this.events[at] === undefined) return;
    this.events[at] = undefined;
    this.heldBytes -= this.sizes[at]!;
    this.sizes[at] = 0;
  }

  /**
   * No one has listened for a while: the events held go (ingest may stop
   * handing them over from now on); their record stays, so marks given
   * before are still answered, the store giving the events.
   */
  private letGo(): void {
    this.forget = undefined;
    while (this.heldFrom < this.seq) this.release(++this.heldFrom);
  }
}

/** About what an event holds: its string values' lengths, and a little for the rest. */
function sizeOf(ev: LogEvent): number {
  let n = 64;
  for (const key in ev) {
    const v = ev[key];
    n += key.length + (typeof v === 'string' ? v.length : 8);
  }
  return n;
}

function newBoot(): string {
  return `b${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}
