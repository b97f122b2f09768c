import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/**
 * A small HTTP server speaking the ingest side of the wire contract
 * (docs/WIRE.md) for the agent's own tests: the agent may not depend on the
 * ingest package, and these tests need to switch failure modes on and off.
 * End-to-end tests in test/ use the real `logship serve`. It keeps events by
 * event.id (as ingest deduplicates) and counts how often each id arrived.
 */
export interface ReceivedEvent {
  [key: string]: unknown;
  '@raw': string;
  'event.id': string;
}

export type FailureMode = null | { status: number; retryAfterS?: number } | 'reset' | 'hang';

export class IngestReceiver {
  readonly events = new Map<string, ReceivedEvent>();
  readonly arrivals = new Map<string, number>();
  requests = 0;
  failedRequests = 0;
  failure: FailureMode = null;
  lastAuthorization: string | undefined;
  lastEncoding: string | undefined;
  /**
   * Lines this matches are not stored and answered `retryable: true` in the
   * 200 (as ingest answers lines of a damaged day, docs/WIRE.md); a batch of
   * only such lines is answered 503, as ingest does.
   */
  retryable: ((ev: ReceivedEvent) => boolean) | null = null;
  /** false: a batch of only such lines is answered 200 with each marked, as docs/WIRE.md may come to say. */
  wholeRetryable503 = true;
  /** Answers 413 to bodies (as sent) larger than this. */
  maxBodyBytes = Infinity;
  private server: Server | null = null;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get duplicates(): number {
    let n = 0;
    for (const c of this.arrivals.values()) n += c - 1;
    return n;
  }

  async start(port = 0): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.requests++;
        if (this.failure === 'hang') {
          // Never answers: the agent's request timeout has to give up.
          this.failedRequests++;
          return;
        }
        if (this.failure === 'reset') {
          this.failedRequests++;
          req.socket.destroy();
          return;
        }
        if (this.failure) {
          this.failedRequests++;
          const headers: Record<string, string> = {};
          if (this.failure.retryAfterS !== undefined) headers['retry-after'] = String(this.failure.retryAfterS);
          res.writeHead(this.failure.status, headers).end('{"error":"test failure"}');
          return;
        }
        if (Buffer.concat(chunks).length > this.maxBodyBytes) {
          this.failedRequests++;
          res.writeHead(413).end('{"code":"LS_INGEST_BODY_TOO_LARGE"}');
          return;
        }
        this.lastAuthorization = req.headers.authorization;
        this.lastEncoding = req.headers['content-encoding'];
        let body = Buffer.concat(chunks);
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
        let stored = 0;
        let duplicates = 0;
        const texts = body.toString('utf8').split('\n');
        const refused = this.retryable === null ? [] : texts.flatMap((l, i) => (l && this.retryable!(JSON.parse(l) as ReceivedEvent) ? [i] : []));
        if (this.wholeRetryable503 && refused.length > 0 && refused.length === texts.filter((l) => l).length) {
          this.failedRequests++;
          res.writeHead(503, { 'retry-after': '0' }).end('{"error":{"code":"LS_INGEST_STORE_UNAVAILABLE"}}');
          return;
        }
        for (const [i, line] of texts.entries()) {
          if (!line || refused.includes(i)) continue;
          const ev = JSON.parse(line) as ReceivedEvent;
          const id = ev['event.id'];
          this.arrivals.set(id, (this.arrivals.get(id) ?? 0) + 1);
          if (this.events.has(id)) duplicates++;
          else {
            this.events.set(id, ev);
            stored++;
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ stored, duplicates, expired: 0, errors: refused.map((i) => ({ line: i + 1, code: 'LS_INGEST_STORE_UNAVAILABLE', reason: 'a damaged day', retryable: true })) }));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** The raw texts received, in no particular order. */
  raws(): string[] {
    return [...this.events.values()].map((e) => e['@raw']);
  }
}

/** Polls until `check` is true; fails with `what` after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
