/**
 * What the live tail tests share: a reader of /api/v1/tail that keeps every
 * frame it gets (split here, not with the CLI's or the page's own code,
 * which the tests check), and one that never reads.
 */
import { request, type IncomingMessage } from 'node:http';
import { waitFor } from './harness.js';

export interface SseFrame {
  id?: string;
  event: string;
  data: string;
}

export interface TailReader {
  frames: SseFrame[];
  /** The `event: log` frames' events so far. */
  events(): Record<string, unknown>[];
  /** Resolves when the server ends the stream (or it is aborted). */
  closed: Promise<void>;
  abort(): void;
  /** Waits until `check(frames)` holds. */
  until(check: (frames: SseFrame[]) => boolean, what: string, timeoutMs?: number): Promise<void>;
}

/** Splits complete frames off `buf`, pushing them; returns what is left. */
function splitFrames(buf: string, into: SseFrame[]): string {
  let end: number;
  while ((end = buf.indexOf('\n\n')) >= 0) {
    const raw = buf.slice(0, end);
    buf = buf.slice(end + 2);
    const frame: SseFrame = { event: 'message', data: '' };
    const data: string[] = [];
    for (const line of raw.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const key = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (key === 'id') frame.id = value;
      else if (key === 'event') frame.event = value;
      else if (key === 'data') data.push(value);
    }
    frame.data = data.join('\n');
    if (data.length > 0) into.push(frame);
  }
  return buf;
}

/** Opens /api/v1/tail?q=… (after `after`, when given) and reads it as it comes. */
export async function openTail(url: string, q: string, after?: string): Promise<TailReader> {
  const ac = new AbortController();
  const params = new URLSearchParams({ q, ...(after !== undefined ? { after } : {}) });
  const res = await fetch(`${url}/api/v1/tail?${params}`, { signal: ac.signal });
  if (res.status !== 200) throw new Error(`tail → ${res.status}: ${await res.text()}`);
  const frames: SseFrame[] = [];
  const closed = (async () => {
    const decoder = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf = splitFrames(buf + decoder.decode(chunk, { stream: true }), frames);
      }
    } catch {
      // aborted
    }
  })();
  return {
    frames,
    events: () => frames.filter((f) => f.event === 'log').map((f) => JSON.parse(f.data) as Record<string, unknown>),
    closed,
    abort: () => ac.abort(),
    until: (check, what, timeoutMs = 30_000) => waitFor(() => check(frames), { timeoutMs, what }).then(
      () => undefined,
      (err: Error) => { throw new Error(`${err.message}; the frames: ${frames.map((f) => f.event).join(' ') || 'none'}`); },
    ),
  };
}

export interface StalledTail {
  /** Starts reading at last; resolves with every frame once the server has closed the stream. */
  readAll(): Promise<SseFrame[]>;
  destroy(): void;
}

/**
 * A tail whose reader stops reading once the stream has started (its
 * socket paused): what the server sends piles up in the socket buffers,
 * then in the server's queue.
 */
export async function openStalledTail(url: string, q: string): Promise<StalledTail> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    const req = request(`${url}/api/v1/tail?${new URLSearchParams({ q })}`, (r) => resolve(r));
    req.on('error', reject);
    req.end();
  });
  if (res.statusCode !== 200) throw new Error(`tail → ${res.statusCode}`);
  res.pause();
  return {
    readAll: () => new Promise((resolve, reject) => {
      const frames: SseFrame[] = [];
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { buf = splitFrames(buf + chunk, frames); });
      res.on('end', () => resolve(frames));
      res.on('error', reject);
      res.resume();
    }),
    destroy: () => res.destroy(),
  };
}
