import type { CheckpointEntry } from './checkpoint-store.js';

/** A position to checkpoint once the event that carries it is acknowledged. */
export type Position = Omit<CheckpointEntry, 'updated_ms'>;

/** What a batch delivers: NDJSON lines, and where each source got to. */
export interface Batch {
  readonly lines: string[];
  readonly bytes: number;
  /** Checkpoint key → position after the batch's last event of that key. */
  readonly positions: Record<string, Position>;
  /** Source name → events of that source in the batch. */
  readonly sources: Record<string, number>;
}

export interface BatchLimits {
  readonly max_events: number;
  readonly max_bytes: number;
  readonly max_age_ms: number;
}

/**
 * Groups envelopes into batches sealed by count, by bytes, or by the age of
 * their first event, whichever comes first.
 */
export class Batcher {
  private lines: string[] = [];
  private bytes = 0;
  private positions: Record<string, Position> = {};
  private sources: Record<string, number> = {};
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private limits: BatchLimits,
    private readonly seal: (batch: Batch) => void,
  ) {}

  setLimits(limits: BatchLimits): void {
    this.limits = limits;
  }

  get size(): number {
    return this.lines.length;
  }

  add(line: string, source: string, key: string, position: Position): void {
    const len = Buffer.byteLength(line) + 1;
    if (this.lines.length > 0 && this.bytes + len > this.limits.max_bytes) this.flush();
    this.lines.push(line);
    this.bytes += len;
    this.positions[key] = position;
    this.sources[source] = (this.sources[source] ?? 0) + 1;
    if (this.lines.length >= this.limits.max_events || this.bytes >= this.limits.max_bytes) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => { this.timer = null; this.flush(); }, this.limits.max_age_ms);
  }

  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.lines.length === 0) return;
    const batch: Batch = { lines: this.lines, bytes: this.bytes, positions: this.positions, sources: this.sources };
    this.lines = [];
    this.bytes = 0;
    this.positions = {};
    this.sources = {};
    this.seal(batch);
  }
}
