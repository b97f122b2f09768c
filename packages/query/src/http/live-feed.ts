import type { LogEvent } from '../event.js';

/**
 * Newly committed events, pushed by the ingest side to whoever listens (the
 * tail route). The server creates one and passes it to both sides.
 */
export interface LiveFeed {
  /** Registers a listener; returns the function that removes it. */
  subscribe(listener: (events: readonly LogEvent[]) => void): () => void;
}

/** The in-process feed the server uses: ingest calls `publish` after a commit. */
export class LocalLiveFeed implements LiveFeed {
  private readonly listeners = new Set<(events: readonly LogEvent[]) => void>();

  subscribe(listener: (events: readonly LogEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(events: readonly LogEvent[]): void {
    if (events.length === 0) return;
    for (const l of this.listeners) {
      try {
        l(events);
      } catch {
        // A failing subscriber must never fail ingest.
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
