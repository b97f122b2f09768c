import type { LogEvent } from '../event.js';
import type { CommitMark } from '../tail-position.js';

/**
 * Newly committed events, pushed by the ingest side to whoever listens (the
 * tail route). The server creates one and passes it to both sides.
 *
 * Each event published gets the next number of the feed's sequence (its
 * commit order), and the feed keeps the latest a while, so a reader that
 * comes back with the mark of the last event it had gets exactly what was
 * committed after it, whatever those events' times.
 */
export interface LiveFeed {
  /** Registers a listener, told each commit's events and the sequence number of the first; returns the function that removes it. */
  subscribe(listener: (events: readonly LogEvent[], firstSeq: number) => void): () => void;
  /** The mark of the last commit numbered: its last event published, or one not published (`skip`); seq 0 before any. */
  mark(): CommitMark;
  /** The events published after `mark`, oldest first, when the feed still has every one of them; else null. */
  since(mark: CommitMark): readonly LogEvent[] | null;
}

/** How many of the latest events the feed keeps for readers that come back, */
export const KEPT_EVENTS = 20_000;
/** and at most about this many bytes of them (their string values; a line may be 1 MiB). */
export const KEPT_BYTES = 32 * 1024 * 1024;
/**
 * How long the feed keeps them, and asks for events (`size`), once no one
 * listens: a reader that lost its connection, or whose stream the server
 * ended, comes back within this to get exactly what it missed.
 */
export const KEPT_MS = 5 * 60_000;

/** The in-process feed the server uses: ingest calls `publish` after a commit. */
export class LocalLiveFeed implements LiveFeed {
  private readonly listeners = new Set<(events: readonly LogEvent[], firstSeq: number) => void>();
  private boot = newBoot();
  private seq = 0;
  /** Events with sequence numbers keptFrom + 1 … seq. */
  private kept: LogEvent[] = [];
  private keptSizes: number[] = [];
  private keptBytes = 0;
  private keptFrom = 0;
  private keepUntil = 0;
  private forget: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly opts: { keptEvents?: number; keptBytes?: number; keptMs?: number } = {}) {}

  subscribe(listener: (events: readonly LogEvent[], firstSeq: number) => void): () => void {
    this.listeners.add(listener);
    clearTimeout(this.forget);
    this.forget = undefined;
    return () => {
      if (!this.listeners.delete(listener) || this.listeners.size > 0) return;
      const ms = this.opts.keptMs ?? KEPT_MS;
      this.keepUntil = Date.now() + ms;
      this.forget = setTimeout(() => this.goBlind(), ms);
      this.forget.unref();
    };
  }

  /**
   * A commit whose events were not published (with ingest workers, no one
   * listened as its request was read, so its events stayed on the worker).
   * It takes a number of its own, so the marks given before it (an
   * answer's commit_mark, with which the search page starts its tail) are
   * no longer answered by `since`, whose "nothing after" would be wrong:
   * such a reader is replayed by time.
   */
  skip(): void {
    this.seq++;
    this.kept = [];
    this.keptSizes = [];
    this.keptBytes = 0;
    this.keptFrom = this.seq;
  }

  publish(events: readonly LogEvent[]): void {
    if (events.length === 0) return;
    const first = this.seq + 1;
    this.seq += events.length;
    if (this.size === 0) {
      this.keptFrom = this.seq;
    } else {
      for (const ev of events) {
        const size = sizeOf(ev);
        this.kept.push(ev);
        this.keptSizes.push(size);
        this.keptBytes += size;
      }
      const max = this.opts.keptEvents ?? KEPT_EVENTS;
      const maxBytes = this.opts.keptBytes ?? KEPT_BYTES;
      // Trimmed by halves, not at each commit: a slice copies the rest.
      if (this.kept.length > 2 * max || this.keptBytes > maxBytes) {
        let drop = 0;
        while (drop < this.kept.length && (this.kept.length - drop > max || this.keptBytes > maxBytes / 2)) this.keptBytes -= this.keptSizes[drop++]!;
        this.kept = this.kept.slice(drop);
        this.keptSizes = this.keptSizes.slice(drop);
        this.keptFrom += drop;
      }
    }
    for (const l of this.listeners) {
      try {
        l(events, first);
      } catch {
        // A failing subscriber must never fail ingest.
      }
    }
  }

  mark(): CommitMark {
    return { boot: this.boot, seq: this.seq };
  }

  since(mark: CommitMark): readonly LogEvent[] | null {
    if (mark.boot !== this.boot || mark.seq < this.keptFrom || mark.seq > this.seq) return null;
    return this.kept.slice(mark.seq - this.keptFrom);
  }

  /**
   * Listeners, plus one while a reader that left may come back for what it
   * missed: ingest then goes on handing events over (with ingest workers
   * they are not sent back to the main thread when no one wants them).
   */
  get size(): number {
    // Past the time, blind now, not when the timer gets to it: ingest may
    // stop publishing as soon as this says 0, and a mark of the old boot
    // would then be answered as if nothing had been committed since.
    if (this.forget !== undefined && Date.now() >= this.keepUntil) {
      clearTimeout(this.forget);
      this.goBlind();
    }
    return this.listeners.size + (this.forget !== undefined ? 1 : 0);
  }

  /**
   * No one has listened for a while: what is kept goes, and so does the
   * sequence. Ingest may commit without publishing from now on, so a mark
   * given before cannot say "nothing after": a new boot sends such a
   * reader to the replay by time.
   */
  private goBlind(): void {
    this.forget = undefined;
    this.kept = [];
    this.keptSizes = [];
    this.keptBytes = 0;
    this.boot = newBoot();
    this.seq = 0;
    this.keptFrom = 0;
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
