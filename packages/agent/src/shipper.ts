import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import { Backoff, sleep } from './backoff.js';
import { agentError } from './errors.js';
import type { HeldLines } from './held-lines.js';
import { IngestSender } from './ingest-sender.js';
import { lineSources, sourcesLess } from './line-sources.js';
import type { Logger } from './log.js';
import { M, type Metrics } from './metrics.js';
import { retryableLines, type IngestAnswer, type ServerOptions } from './post-batch.js';
import type { Spool, SpoolEntry } from './spool.js';

const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);

/**
 * Delivers spooled batches to ingest one at a time, oldest first, so that
 * acknowledgements arrive in order and checkpoints only move forward.
 *
 * Outcomes (as Vector names them):
 * - Delivered: HTTP 200. The batch is committed; per-line errors in the
 *   answer are permanent and are logged and counted, never retried.
 * - Errored (retryable): network errors, timeouts, 5xx, 408, 429, and
 *   also 401, 403 and 404: those say the agent is misconfigured (token, URL),
 *   which an operator fixes, and dropping every batch meanwhile would lose
 *   all logs. Retried with exponential backoff and jitter, honouring
 *   Retry-After.
 * - Too large (413): the batch is split in halves and sent again.
 * - Rejected (permanent): 400, 415, 422 and other 4xx (and 413 for a single
 *   event), which say the batch itself is unacceptable. Retrying cannot help and would stall every
 *   later batch, so the batch is logged loudly (with the answer), counted,
 *   and dropped; its positions are checkpointed.
 */
export class Shipper {
  private readonly sender: IngestSender;
  private backoff: Backoff;
  /** When the current run of failed attempts began (null while ingest answers). */
  failingSinceMs: number | null = null;
  /** Why the latest attempt of that run failed, for /health: a lag alone does not say "wrong token" from "server down". */
  lastFailure: string | null = null;
  /** Batches at the head made of retryable lines that could not be held aside (keepRetryable). */
  private readonly waitingRetryable = new WeakSet<SpoolEntry>();

  constructor(
    server: ServerOptions,
    retry: { initial_backoff_ms: number; max_backoff_ms: number },
    private readonly spool: Spool,
    /** `held`: the number of the held file of the batch's lines ingest will take later, if one was written for it. */
    private readonly onAck: (entry: SpoolEntry, held?: number) => void,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly held: HeldLines,
  ) {
    this.backoff = new Backoff(retry.initial_backoff_ms, retry.max_backoff_ms);
    this.warnIfInsecure(server);
    this.sender = new IngestSender(server, (signal) => this.run(signal), metrics, log);
  }

  reconfigure(server: ServerOptions, retry: { initial_backoff_ms: number; max_backoff_ms: number }): void {
    this.backoff = new Backoff(retry.initial_backoff_ms, retry.max_backoff_ms);
    this.warnIfInsecure(server);
    this.sender.reconfigure(server);
  }

  /** Here, not in IngestSender: the held lines' retrier uses the same server settings, and one warning is enough. */
  private warnIfInsecure(server: ServerOptions): void {
    if (server.tls?.insecure_skip_verify) {
      this.log.warn('server.tls.insecure_skip_verify is on: the server\'s certificate is not verified, so anyone in the path can read and change what is shipped.', { url: server.url });
    }
  }

  start(): void {
    this.sender.start();
  }

  /** Stops after the current attempt; a batch in flight stays queued. */
  stop(): Promise<void> {
    return this.sender.stop();
  }

  private async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const entry = await this.spool.head(signal);
      if (!entry) break;
      if (entry.count === 0) {
        // Positions only (events a line filter dropped): nothing to send,
        // acknowledged in its turn, after every batch before it.
        this.onAck(entry);
        await this.spool.remove(entry);
        continue;
      }
      const body = await this.spool.body(entry);
      const outcome = await this.sender.post(body);
      if (!outcome) break;
      if (outcome.kind === 'retry' && this.waitingRetryable.has(entry) && (await this.hold(entry, body))) {
        // Lines that waited at the head for want of room to hold them (a
        // still-damaged day answers 503 to a batch of only its lines): there is room now.
        continue;
      }
      if (outcome.kind === 'retry') {
        // Unlike the held lines' retrier (held-retrier.ts), a failed attempt here
        // holds up every later batch: this is the outage that /health, the
        // metrics and the log report, with a backoff of the queue's own.
        this.failingSinceMs ??= Date.now();
        this.lastFailure = outcome.reason.length > 300 ? `${outcome.reason.slice(0, 300)}…` : outcome.reason;
        this.metrics.inc(...M.batchesRetried);
        const delay = this.backoff.next(outcome.retryAfterMs);
        const e = agentError('LS_AGENT_INGEST_UNAVAILABLE', outcome.reason);
        // One warning per outage, not one per attempt.
        if (outcome.tlsVerify) {
          const t = agentError('LS_AGENT_TLS_VERIFY_FAILED', outcome.reason);
          if (this.backoff.attempts === 1) this.log.error(`${t.message}; check server.url, server.tls.ca_file and server.tls.server_name`, { code: t.code, retry_in_ms: delay });
          else this.log.debug(t.message, { code: t.code, retry_in_ms: delay, attempt: this.backoff.attempts });
        } else if (this.backoff.attempts === 1) {
          if (/^HTTP 40[134]/.test(outcome.reason)) this.log.error(`${e.message}; check server.url and server.token`, { code: e.code, retry_in_ms: delay });
          else this.log.warn(e.message, { code: e.code, retry_in_ms: delay });
        }
        else this.log.debug(e.message, { code: e.code, retry_in_ms: delay, attempt: this.backoff.attempts });
        await sleep(delay, signal);
        continue;
      }
      this.failingSinceMs = null;
      this.lastFailure = null;
      if (this.backoff.attempts > 0) this.log.info('Ingest is reachable again.', { after_attempts: this.backoff.attempts });
      this.backoff.reset();
      if (outcome.kind === 'rejected' && outcome.status === 413 && entry.count > 1) {
        // Too large for the server's limit: halve it rather than drop it. The
        // first half carries no positions; the second carries the batch's, so
        // checkpoints still only move once everything is acknowledged.
        const lines = (await gunzip(body)).toString('utf8').split('\n').filter((l) => l.length > 0);
        const mid = Math.ceil(lines.length / 2);
        const halves = [lines.slice(0, mid), lines.slice(mid)];
        // Each half counts its own lines per source: held lines of either are counted when ingest takes them.
        const first = lineSources(halves[0]!, entry.positions, entry.sources);
        const parts = await Promise.all(halves.map(async (h, k) => ({
          body: await gzip(h.join('\n') + '\n', { level: 3 }),
          count: h.length,
          positions: k === 0 ? {} : entry.positions,
          sources: k === 0 ? first : sourcesLess(entry.sources, first),
        })));
        this.log.warn('Ingest refused a batch as too large (HTTP 413); it is sent again in two halves.', { events: entry.count });
        await this.spool.splitHead(entry, parts);
        continue;
      }
      const { retryable, heldSources, heldNumber } = outcome.kind === 'delivered' ? await this.keepRetryable(entry, body, outcome.answer) : { retryable: 'none' as const, heldSources: {} };
      if (retryable === 'head') {
        await sleep(this.backoff.next(), signal);
        continue;
      }
      if (outcome.kind === 'rejected') {
        this.sender.reportRejected(entry.count, outcome);
      } else {
        const errors = (outcome.answer.errors ?? []).filter((e) => retryable === 'none' || e.retryable !== true);
        if (errors.length > 0) {
          this.metrics.inc(...M.eventsRejected, {}, errors.length);
          this.log.warn('Ingest refused some events of a batch; they are not retried.', { count: errors.length, first: errors[0] });
        }
        this.metrics.inc(...M.batchesShipped);
        // Per source: events of acknowledged batches (a line ingest refused
        // is also counted in events_rejected_total, which has no source).
        // Not held lines: they are counted when ingest takes them (held-retrier.ts).
        for (const [source, n] of Object.entries(sourcesLess(entry.sources, heldSources))) this.metrics.inc(...M.eventsShipped, { source }, n);
      }
      // Held lines are in a durable file by now (HeldLines.add): the checkpoint may pass them.
      this.onAck(entry, heldNumber);
      await this.spool.remove(entry);
    }
  }

  /**
   * Ingest committed the batch but for lines it answered `retryable` (their
   * day's partition on the server cannot take writes, a damaged file). Those
   * lines are held aside with the batch's positions (held-lines.ts) and the
   * queue moves on: 'held'. Past the bound on held lines, the batch at the
   * head becomes those lines alone, sent again after a backoff before any
   * later batch, as before lines were held: 'head'. 'none' when there are none.
   * `heldSources`: the held lines per source, not shipped yet; `heldNumber`:
   * the held file written for them.
   */
  private async keepRetryable(entry: SpoolEntry, body: Buffer, answer: IngestAnswer): Promise<{ retryable: 'none' | 'held' | 'already' | 'head'; heldSources: Record<string, number>; heldNumber?: number }> {
    const { kept, refused, reason } = await retryableLines(body, answer);
    if (kept.length === 0) return { retryable: 'none', heldSources: {} };
    this.metrics.inc(...M.batchesRetried);
    const e = agentError('LS_AGENT_INGEST_UNAVAILABLE', `${kept.length} of ${entry.count} events were not stored for now: ${reason}`);
    const first = this.held.length === 0;
    const held = await this.held.add(kept, entry.positions, entry.sources);
    if (held.kind !== 'full') {
      // Once per run of held lines, not once per batch that has some.
      if (first) this.log.warn(`${e.message}; they are held aside and sent again with backoff while later lines are shipped`, { code: e.code });
      else this.log.debug(`${e.message}; they are held aside`, { code: e.code });
      return { retryable: held.kind, heldSources: lineSources(kept, entry.positions, entry.sources), ...(held.kind === 'held' ? { heldNumber: held.number } : {}) };
    }
    if (refused > 0) this.metrics.inc(...M.eventsRejected, {}, refused);
    this.log.warn(`${e.message}; only they are sent again, before any later batch`, { code: e.code });
    const part = { body: await gzip(kept.join('\n') + '\n', { level: 3 }), count: kept.length, positions: entry.positions, sources: entry.sources };
    await this.spool.splitHead(entry, [part]);
    const head = await this.spool.head();
    if (head) this.waitingRetryable.add(head);
    return { retryable: 'head', heldSources: {} };
  }

  /** Holds the head batch (lines answered `retryable` that waited for room) aside; false if it does not fit. */
  private async hold(entry: SpoolEntry, body: Buffer): Promise<boolean> {
    const lines = (await gunzip(body)).toString('utf8').split('\n').filter((l) => l.length > 0);
    const held = await this.held.add(lines, entry.positions, entry.sources);
    if (held.kind === 'full') return false;
    this.log.info('Lines that waited at the head of the queue are held aside now; later lines are shipped.', { lines: entry.count });
    // The batch's other lines (stored with it, or refused) are acknowledged now; its held lines when ingest takes them.
    for (const [source, n] of Object.entries(sourcesLess(entry.sources, lineSources(lines, entry.positions, entry.sources)))) this.metrics.inc(...M.eventsShipped, { source }, n);
    this.onAck(entry, held.kind === 'held' ? held.number : undefined);
    await this.spool.remove(entry);
    return true;
  }
}

