import { agentError } from './errors.js';
import type { HeldBatch, HeldLines } from './held-lines.js';
import { UNKNOWN_SOURCE } from './held-sources.js';
import { IngestSender } from './ingest-sender.js';
import type { Logger } from './log.js';
import { M, type Metrics } from './metrics.js';
import { retryableLines, type ServerOptions } from './post-batch.js';

/**
 * Sends held lines (held-lines.ts) again, with backoff, beside the shipper's queue and on a connection of its own
 * (ingest-sender.ts), so that a day the server cannot store for hours costs retries, not shipping.
 * A held batch leaves when ingest takes it (its positions then move), when
 * ingest refuses it permanently (as the shipper drops such a batch), or
 * shrinks to the lines ingest still answers `retryable`.
 */
export class HeldRetrier {
  private readonly sender: IngestSender;

  constructor(
    server: ServerOptions,
    private readonly held: HeldLines,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.sender = new IngestSender(server, (signal) => this.run(signal), metrics, log);
  }

  reconfigure(server: ServerOptions): void {
    this.sender.reconfigure(server);
  }

  start(): void {
    this.sender.start();
  }

  stop(): Promise<void> {
    return this.sender.stop();
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.dropExpired();
      const next = this.held.next();
      if (next === null || next.waitMs > 0) {
        const expires = this.held.expiresInMs;
        await this.held.wait(Math.min(next === null ? 60_000 : next.waitMs, expires ?? 60_000), signal);
        continue;
      }
      const b = next.batch;
      const body = await this.held.body(b);
      const outcome = await this.sender.post(body);
      if (!outcome) break;
      if (outcome.kind === 'retry' || (outcome.kind === 'rejected' && outcome.status === 413)) {
        // A day that is still damaged answers 503 to a batch of only its lines (docs/WIRE.md).
        // Not the shipper's backoff and outage report: this is the usual answer while the day
        // stays damaged, and the queue says when ingest is unreachable; one backoff for all
        // held batches (HeldLines.defer) keeps thousands of them to one request per backoff.
        const delay = this.held.defer(b, outcome.kind === 'retry' ? outcome.retryAfterMs : undefined);
        this.log.debug('Held lines were not taken yet; they are sent again later.', { lines: b.count, retry_in_ms: delay, reason: outcome.reason });
        continue;
      }
      if (outcome.kind === 'rejected') {
        this.sender.reportRejected(b.count, outcome);
        this.held.progressed(b);
        await this.held.remove(b);
        continue;
      }
      const { kept, refused } = await retryableLines(body, outcome.answer);
      if (refused > 0) this.metrics.inc(...M.eventsRejected, {}, refused);
      if (kept.length > 0) {
        if (kept.length < b.count) this.held.progressed(b);
        else this.held.defer(b);
        // Shipped now: the lines that left it (as with a batch, those ingest refused included).
        for (const [source, n] of Object.entries(await this.held.shrink(b, kept))) this.metrics.inc(...M.eventsShipped, { source }, n);
        continue;
      }
      this.log.info('Held lines were taken by ingest.', { lines: b.count, held_for_s: Math.round((Date.now() - b.sinceMs) / 1000) });
      // Counted here, not with the batch they came in (Shipper.run): they were not stored then.
      for (const [source, n] of Object.entries(countedSources(b))) this.metrics.inc(...M.eventsShipped, { source }, n);
      this.held.progressed(b);
      await this.held.remove(b);
    }
  }

  /**
   * Gives up the lines held longer than spool.max_held_age_s (a day the
   * server lost for good): counted per source, said once per sweep, and
   * the checkpoint is past them already, so they are not read again.
   */
  private async dropExpired(): Promise<void> {
    const expired = this.held.expired();
    if (expired.length === 0) return;
    const sources: Record<string, number> = {};
    let lines = 0;
    for (const b of expired) {
      lines += b.count;
      for (const [source, n] of Object.entries(countedSources(b))) {
        sources[source] = (sources[source] ?? 0) + n;
        this.metrics.inc(...M.heldExpired, { source }, n);
      }
      await this.held.giveUp(b);
    }
    const e = agentError('LS_AGENT_HELD_EXPIRED', lines, this.held.maxAgeS);
    this.log.warn(e.message, { code: e.code, lines, sources, oldest_held_s: Math.round((Date.now() - Math.min(...expired.map((b) => b.sinceMs))) / 1000) });
  }
}

/** `b`'s lines per source; any its sources do not account for under UNKNOWN_SOURCE, so that each line is counted once. */
function countedSources(b: HeldBatch): Record<string, number> {
  const out = { ...b.sources };
  const left = b.count - Object.values(out).reduce((n, k) => n + k, 0);
  if (left > 0) out[UNKNOWN_SOURCE] = (out[UNKNOWN_SOURCE] ?? 0) + left;
  return out;
}
