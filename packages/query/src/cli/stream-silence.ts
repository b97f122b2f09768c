/**
 * How `search --follow` tells a quiet stream from a dead one. The tail
 * sends a `: keep-alive` comment every few seconds when no event matches;
 * a stream that carries nothing at all, keep-alives included, for several
 * of those periods has a server (or a network path) that stopped, and the
 * command waited on it for ever, looking like a quiet query.
 */

/** The header in which the tail states its keep-alive period (ms). */
export const HEARTBEAT_HEADER = 'x-logship-heartbeat-ms';
/** The tail's period when the answer does not state one (query-api-plugin's default). */
const DEFAULT_HEARTBEAT_MS = 15_000;
/** How many keep-alive periods of silence end the stream. */
const SILENT_PERIODS = 4;

export interface SilenceLimit {
  /** Silence, in ms, after which the stream is given up. */
  ms: number;
  /** The server's keep-alive period, for the message. */
  heartbeatMs: number;
}

/**
 * The silence a stream is allowed: the longer of the client's timeout and
 * four keep-alive periods (a short --timeout for the first answer must not
 * end a stream between two keep-alives); none when the timeout is 0.
 */
export function silenceLimit(timeoutMs: number, headers: Headers): SilenceLimit | null {
  if (timeoutMs === 0) return null;
  const stated = Number(headers.get(HEARTBEAT_HEADER));
  const heartbeatMs = Number.isSafeInteger(stated) && stated > 0 ? stated : DEFAULT_HEARTBEAT_MS;
  return { ms: Math.min(Math.max(timeoutMs, SILENT_PERIODS * heartbeatMs), 2 ** 31 - 1), heartbeatMs };
}

/**
 * Calls `onSilent` once when `touch` has not been called for `ms`. Paused
 * while the command does not read (its output is full: `--follow | less`
 * paused), when a silence is the reader's, not the server's.
 */
export class SilenceWatch {
  private timer: NodeJS.Timeout | undefined;
  private done = false;
  fired = false;

  constructor(private readonly ms: number, private readonly onSilent: () => void) {
    this.resume();
  }

  touch(): void {
    this.resume();
  }

  pause(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  resume(): void {
    if (this.done) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.stop();
      this.onSilent();
    }, this.ms);
    // The stream's socket keeps the process alive, not this.
    this.timer.unref();
  }

  stop(): void {
    this.done = true;
    this.pause();
  }

  /** `body`'s chunks, each one touching the watch as it is read. */
  async *watched(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    for await (const chunk of body) {
      this.touch();
      yield chunk;
    }
  }
}
