import { agentError } from './errors.js';
import type { Logger } from './log.js';
import { M, type Metrics } from './metrics.js';
import { openConnections, postBatch, type Connections, type Outcome, type ServerOptions } from './post-batch.js';
import { readTlsOptions } from './tls-options.js';

/**
 * A loop that sends batches to ingest on keep-alive connections of its own,
 * and what every such loop does the same way: start once, stop after the
 * attempt in flight, new connections when the config is reloaded, a batch
 * refused for good said and counted. The shipper's queue (shipper.ts) and
 * the held lines' retrier (held-retrier.ts) each run one, so that neither
 * waits for the other's socket: a day the server cannot store for hours
 * costs retries, not shipping. How each waits between attempts and what it
 * does with an answer are theirs (their comments say why they differ).
 */
export class IngestSender {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private connections: Connections;

  constructor(
    private server: ServerOptions,
    /** The loop; it returns once `signal` aborts (stop). */
    private readonly run: (signal: AbortSignal) => Promise<void>,
    private readonly metrics: Metrics,
    private readonly log: Logger,
  ) {
    this.connections = openConnections(readTlsOptions(server.tls));
  }

  /**
   * The TLS files may have been rotated: new connections read them again. A
   * batch in flight on an old socket fails and is retried (ingest dedupes).
   */
  reconfigure(server: ServerOptions): void {
    this.server = server;
    const old = this.connections;
    this.connections = openConnections(readTlsOptions(server.tls));
    old.http.destroy();
    old.https.destroy();
  }

  start(): void {
    this.loop ??= this.run(this.abort.signal);
  }

  /** Stops after the current attempt; a batch in flight stays where it was (queued, or held). */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.connections.http.destroy();
    this.connections.https.destroy();
  }

  /**
   * POSTs `body`; null when the attempt failed because the loop is stopping
   * (stop ends a request in flight): the loop then ends and leaves its batch
   * as it was, for the next start. An answer that came while stopping counts.
   */
  async post(body: Buffer): Promise<Outcome | null> {
    const signal = this.abort.signal;
    const outcome = await postBatch(this.server, body, signal, this.connections);
    return signal.aborted && outcome.kind === 'retry' ? null : outcome;
  }

  /**
   * Ingest refused a batch of `count` lines for good (retrying cannot help):
   * said loudly with the answer and counted; the caller drops it.
   */
  reportRejected(count: number, outcome: { status: number; reason: string }): void {
    const e = agentError('LS_AGENT_INGEST_REJECTED', count, outcome.status, outcome.reason);
    this.log.error(e.message, { code: e.code });
    this.metrics.inc(...M.batchesRejected);
    this.metrics.inc(...M.eventsRejected, {}, count);
  }
}
