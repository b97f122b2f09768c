import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { gunzip as gunzipCb, gzip as gzipCb } from 'node:zlib';
import { Backoff, parseRetryAfter, sleep } from './backoff.js';
import { agentError } from './errors.js';
import type { HeldLines } from './held-lines.js';
import { lineSources, sourcesLess } from './line-sources.js';
import type { Logger } from './log.js';
import { M, type Metrics } from './metrics.js';
import type { Spool, SpoolEntry } from './spool.js';
import type { ServerTlsConfig } from './config.js';
import { isTlsVerifyError, readTlsOptions, type TlsAgentOptions } from './tls-options.js';

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
export interface ServerOptions {
  url: string;
  token?: string;
  timeout_ms: number;
  tls?: ServerTlsConfig;
}

export interface IngestAnswer {
  stored?: number;
  duplicates?: number;
  expired?: number;
  /** `retryable`: the line was not stored for now (its day's partition on the server cannot take writes); sent again, unlike the others. */
  errors?: Array<{ line?: number; reason?: string; code?: string; retryable?: boolean }>;
}

export type Outcome =
  | { kind: 'delivered'; answer: IngestAnswer }
  | { kind: 'retry'; reason: string; retryAfterMs?: number; tlsVerify?: boolean }
  | { kind: 'rejected'; status: number; reason: string };

const RETRYABLE = new Set([401, 403, 404, 408, 429]);
const gzip = promisify(gzipCb);
const gunzip = promisify(gunzipCb);

/**
 * Keep-alive connections to ingest, one socket per origin: batches go out
 * one at a time. Idle sockets are unref'd by node and do not keep the
 * process alive.
 */
export interface Connections {
  readonly http: HttpAgent;
  readonly https: HttpsAgent;
}

export function openConnections(tls: TlsAgentOptions = {}): Connections {
  return {
    http: new HttpAgent({ keepAlive: true, maxSockets: 1 }),
    https: new HttpsAgent({ keepAlive: true, maxSockets: 1, ...tls }),
  };
}

/**
 * POSTs one gzipped batch with node:http(s), not global fetch: undici's
 * fetch allocates headers, WHATWG streams and promises per request that
 * live as long as the request, so at a few hundred batches a second they
 * were promoted out of the young generation (~60 KiB per batch) and the old
 * generation grew by ~15 MiB between full GCs (docs/AGENT.md, "Performance").
 */
export function postBatch(server: ServerOptions, body: Buffer, signal?: AbortSignal, connections?: Connections): Promise<Outcome> {
  const url = new URL(`${server.url}/api/v1/ingest`);
  const tls = url.protocol === 'https:';
  const headers: Record<string, string | number> = {
    'content-type': 'application/x-ndjson',
    'content-encoding': 'gzip',
    'content-length': body.length,
    // Lines ingest cannot store for now come back marked retryable in a 200
    // (keepRetryable sends them again); without this, the whole batch is a 503.
    'x-logship-partial': 'retryable',
  };
  if (server.token) headers.authorization = `Bearer ${server.token}`;
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onStop);
      resolve(outcome);
    };
    // Without kept-alive connections (one-off posts) the TLS options go on the request itself.
    const options = {
      method: 'POST',
      headers,
      ...(connections ? { agent: tls ? connections.https : connections.http } : tls ? readTlsOptions(server.tls) : {}),
    };
    const req = (tls ? httpsRequest : httpRequest)(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err: NodeJS.ErrnoException) => finish({ kind: 'retry', reason: err.code ?? err.message }));
      res.on('end', () => finish(classify(res, Buffer.concat(chunks).toString('utf8'))));
      // A connection lost mid-answer: 'close' without 'end' (after 'end' it changes nothing).
      res.on('close', () => finish({ kind: 'retry', reason: 'the connection closed before the answer was complete' }));
    });
    // Stopping or the timeout ends the request (and its response) with an error.
    const fail = (reason: string): void => {
      finish({ kind: 'retry', reason });
      req.destroy();
    };
    const onStop = (): void => fail('stopping');
    // The listener is removed when the request ends: the stop signal lives
    // as long as the agent and must not collect one listener per request.
    signal?.addEventListener('abort', onStop, { once: true });
    const timer = setTimeout(() => fail(`timed out after ${server.timeout_ms} ms`), server.timeout_ms);
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (isTlsVerifyError(err.code)) finish({ kind: 'retry', reason: `${err.code}: ${err.message}`, tlsVerify: true });
      else finish({ kind: 'retry', reason: err.code ?? err.message });
    });
    if (signal?.aborted) fail('stopping');
    else req.end(body);
  });
}

function classify(res: IncomingMessage, text: string): Outcome {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) {
    try {
      return { kind: 'delivered', answer: JSON.parse(text) as IngestAnswer };
    } catch {
      return { kind: 'delivered', answer: {} };
    }
  }
  const header = res.headers['retry-after'];
  const retryAfterMs = parseRetryAfter(header ?? null);
  if (RETRYABLE.has(status) || status >= 500) {
    return { kind: 'retry', reason: `HTTP ${status}${text ? `: ${text.slice(0, 200)}` : ''}`, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  return { kind: 'rejected', status, reason: text.slice(0, 500) };
}

export class Shipper {
  private readonly abort = new AbortController();
  private loop: Promise<void> | null = null;
  private backoff: Backoff;
  private connections: Connections;
  /** When the current run of failed attempts began (null while ingest answers). */
  failingSinceMs: number | null = null;
  /** Batches at the head made of retryable lines that could not be held aside (keepRetryable). */
  private readonly waitingRetryable = new WeakSet<SpoolEntry>();

  constructor(
    private server: ServerOptions,
    retry: { initial_backoff_ms: number; max_backoff_ms: number },
    private readonly spool: Spool,
    /** `held`: the number of the held file of the batch's lines ingest will take later, if one was written for it. */
    private readonly onAck: (entry: SpoolEntry, held?: number) => void,
    private readonly metrics: Metrics,
    private readonly log: Logger,
    private readonly held: HeldLines,
  ) {
    this.backoff = new Backoff(retry.initial_backoff_ms, retry.max_backoff_ms);
    this.connections = this.connect();
  }

  reconfigure(server: ServerOptions, retry: { initial_backoff_ms: number; max_backoff_ms: number }): void {
    this.server = server;
    this.backoff = new Backoff(retry.initial_backoff_ms, retry.max_backoff_ms);
    // The TLS files may have been rotated: new connections read them again. A
    // batch in flight on an old socket fails and is retried (ingest dedupes).
    const old = this.connections;
    this.connections = this.connect();
    old.http.destroy();
    old.https.destroy();
  }

  private connect(): Connections {
    const tls = this.server.tls;
    if (tls?.insecure_skip_verify) {
      this.log.warn('server.tls.insecure_skip_verify is on: the server\'s certificate is not verified, so anyone in the path can read and change what is shipped.', { url: this.server.url });
    }
    return openConnections(readTlsOptions(tls));
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** Stops after the current attempt; a batch in flight stays queued. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.loop;
    this.connections.http.destroy();
    this.connections.https.destroy();
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
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
      const outcome = await postBatch(this.server, body, signal, this.connections);
      if (signal.aborted && outcome.kind === 'retry') break;
      if (outcome.kind === 'retry' && this.waitingRetryable.has(entry) && (await this.hold(entry, body))) {
        // Lines that waited at the head for want of room to hold them (a
        // still-damaged day answers 503 to a batch of only its lines): there is room now.
        continue;
      }
      if (outcome.kind === 'retry') {
        this.failingSinceMs ??= Date.now();
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
        const e = agentError('LS_AGENT_INGEST_REJECTED', entry.count, outcome.status, outcome.reason);
        this.log.error(e.message, { code: e.code });
        this.metrics.inc(...M.batchesRejected);
        this.metrics.inc(...M.eventsRejected, {}, entry.count);
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

/**
 * The lines of `body` ingest answered `retryable` (in order), how many
 * other lines it refused (permanently), and the first retryable reason.
 */
export async function retryableLines(body: Buffer, answer: IngestAnswer): Promise<{ kept: string[]; refused: number; reason: string }> {
  const errors = answer.errors ?? [];
  const again = errors.filter((e) => e.retryable === true && Number.isInteger(e.line));
  if (again.length === 0) return { kept: [], refused: errors.length, reason: '' };
  const lines = (await gunzip(body)).toString('utf8').split('\n');
  const kept = again.map((e) => lines[e.line! - 1]).filter((l): l is string => l !== undefined && l.length > 0);
  return { kept, refused: errors.length - again.length, reason: again[0]!.reason ?? again[0]!.code ?? 'retryable' };
}
