import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import { parseRetryAfter } from './backoff.js';
import type { ServerTlsConfig } from './config.js';
import { isTlsVerifyError, readTlsOptions, type TlsAgentOptions } from './tls-options.js';

/**
 * One POST of a batch to ingest and what its answer means (an `Outcome`),
 * for both loops that send: the shipper's queue (shipper.ts) and the held
 * lines' retrier (held-retrier.ts), each on connections of its own
 * (ingest-sender.ts). What each does with an outcome is theirs.
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

// Retried, not rejected: why 401, 403 and 404 are among them is in shipper.ts (Shipper).
const RETRYABLE = new Set([401, 403, 404, 408, 429]);
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
    // (Shipper.keepRetryable holds them aside); without this, the whole batch is a 503.
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
