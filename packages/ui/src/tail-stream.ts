/**
 * Live tail over GET /api/v1/tail (server-sent events). EventSource cannot
 * send an Authorization header, so the stream is read with fetch and the SSE
 * frames are split here; on a dropped connection it resumes after the last
 * id it saw (the route replays from there).
 */
import type { LogEvent } from '@logship/query/browser';
import { authHeaders, failureOf, queryString, type ApiFailure } from './api-client.js';
import { LIVE_SKEW_MS } from './search-results.js';

export interface TailHandlers {
  onEvent: (ev: LogEvent) => void;
  onError: (err: ApiFailure | Error) => void;
  /** The stream is open (the server has subscribed it to new events). */
  onOpen: () => void;
}

/**
 * Starts following `q`, from `after` (a position, `<epoch ms>|<event.id>` or
 * epoch ms: the server first replays what was stored after it) or from now;
 * returns a function that stops it.
 */
export function startTail(q: string, handlers: TailHandlers, after?: string): () => void {
  const abort = new AbortController();
  let lastId: string | undefined = after;
  const run = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        const qs = queryString({ q, after: lastId });
        const res = await fetch(`/api/v1/tail?${qs}`, { headers: authHeaders(), signal: abort.signal });
        if (!res.ok || !res.body) {
          handlers.onError(await failureOf(res));
          return;
        }
        handlers.onOpen();
        await readFrames(res.body, abort.signal, (id, event, data) => {
          if (id) lastId = laterPosition(lastId, id);
          if (event === 'log') handlers.onEvent(JSON.parse(data) as LogEvent);
        });
      } catch (err) {
        if (abort.signal.aborted) return;
        handlers.onError(err as Error);
      }
      // The server closed or the network dropped: resume shortly.
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void run();
  return () => abort.abort();
}

/**
 * Where to resume from: the furthest position seen, but not one past now
 * (with the tail's allowance for skew). The last event's id was taken as
 * it came: after one stamped an hour ahead, a reconnect asked for what was
 * stored after that hour and everything stored meanwhile was never shown;
 * after a late one, it replayed what the page already had.
 */
export function laterPosition(current: string | undefined, id: string): string | undefined {
  const next = position(id);
  if (!Number.isFinite(next.ts) || next.ts > Date.now() + LIVE_SKEW_MS) return current;
  if (current === undefined) return id;
  const cur = position(current);
  return next.ts > cur.ts || (next.ts === cur.ts && next.id > cur.id) ? id : current;
}

/** `<epoch ms>|<event.id>` (or epoch ms alone) read. */
function position(text: string): { ts: number; id: string } {
  const bar = text.indexOf('|');
  return bar < 0 ? { ts: Number(text), id: '' } : { ts: Number(text.slice(0, bar)), id: text.slice(bar + 1) };
}

async function readFrames(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  onFrame: (id: string | undefined, event: string, data: string) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true });
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      let id: string | undefined;
      let event = 'message';
      const data: string[] = [];
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const key = colon < 0 ? line : line.slice(0, colon);
        const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (key === 'id') id = val;
        else if (key === 'event') event = val;
        else if (key === 'data') data.push(val);
      }
      if (data.length > 0) onFrame(id, event, data.join('\n'));
    }
  }
}
