import type { Position } from './batcher.js';

/**
 * Where sources put events: synchronous `emit` (no promise per line), and a
 * flag plus a promise for backpressure when the delivery queue is full.
 */
export interface EventSink {
  /** `source` is the source's name (for per-source metrics), `key` its checkpoint key. */
  /**
   * `together`: how many envelopes after this one go in its batch (the
   * other parts of a cut multiline event, multiline.ts), so that ingest
   * reads them as one.
   */
  emit(envelope: string, source: string, key: string, position: Position, together?: number): void;
  /**
   * An event read and not shipped (a line filter dropped it): its position
   * is checkpointed with the batch that follows the events before it, so
   * it is never read again and never holds a checkpoint back.
   */
  skip(key: string, position: Position): void;
  readonly blocked: boolean;
  /** Resolves when there is room again, or when the agent is stopping. */
  waitForRoom(): Promise<void>;
  /** The agent is stopping: sources should stop reading. */
  readonly closing: boolean;
}
