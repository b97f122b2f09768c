/**
 * Live tail over GET /api/v1/tail (server-sent events). EventSource cannot
 * send an Authorization header, so the stream is read with fetch and the SSE
 * frames are split here; on a dropped connection it resumes after the
 * latest commit and the furthest time it saw (laterTailPosition; the route
 * replays from there). A stream the
 * server ends (`event: end`, at its maximum duration) resumes at once; one
 * it ends with `event: error` is shown as the error, and when the error says
 * a retry can help (a reader that fell behind) the page is told (onCut),
 * which starts again from a new search. What a replay from the store left
 * out (`event: warning`) is passed on (onWarnings). A 503 LS_API_TOO_MANY_STREAMS
 * right after the page gave its own stream up is asked again shortly
 * before it counts (the server may learn of that close after the request).
 */
import { laterTailPosition, type LogEvent } from '@logship/query/browser';
import { ApiFailure, authHeaders, failureOf, queryString } from './api-client.js';
import type { AnswerWarning } from './answer-warnings.js';

export interface TailHandlers {
  /** `id`: the frame's SSE id (a live event's begins with its commit's mark). */
  onEvent: (ev: LogEvent, id: string | undefined) => void;
  onError: (err: ApiFailure | Error) => void;
  /** The stream is open (the server has subscribed it to new events). */
  onOpen: () => void;
  /**
   * The server cut the stream off (a reader that fell behind), a second
   * after its error was shown: the stream is not resumed here. What the
   * server still held for the reader was dropped, more than the server
   * may keep to replay exactly; a search run again counts every event.
   */
  onCut: () => void;
  /**
   * An `event: warning` frame: what a replay from the store left out
   * (partitions, indices), as a search answer's `warnings`. It has no id:
   * the resume position stays the last event's.
   */
  onWarnings: (warnings: AnswerWarning[]) => void;
}

/**
 * Starts following `q`, from `after` (a position, `<epoch ms>|<event.id>` or
 * epoch ms: the server first replays what was stored after it) or from now;
 * returns a function that stops it.
 */
export function startTail(q: string, handlers: TailHandlers, after?: string): () => void {
  const abort = new AbortController();
  let lastId: string | undefined = after;
  let open = false;
  let quickRetries = 0;
  const run = async (): Promise<void> => {
    while (!abort.signal.aborted) {
      try {
        const qs = queryString({ q, after: lastId });
        const res = await fetch(`/api/v1/tail?${qs}`, { headers: authHeaders(), signal: abort.signal });
        if (!res.ok || !res.body) {
          const failure = await failureOf(res);
          // Refused for want of a stream just after the page gave its own
          // up (a new query, a new search): the server may not have been
          // told of that close yet, as the new request got there first.
          // Asked again shortly, with no error shown; only then is the
          // refusal the server's word, waited out as below.
          if (failure.code === 'LS_API_TOO_MANY_STREAMS' && quickRetries < QUICK_RETRIES
            && Date.now() - ownClosedAt < OWN_CLOSE_WINDOW_MS) {
            quickRetries++;
            await new Promise((r) => setTimeout(r, QUICK_RETRY_MS));
            continue;
          }
          handlers.onError(failure);
          // Busy (LS_API_TOO_MANY_STREAMS), or the server down behind a
          // proxy: tried again after Retry-After. Live stopped for good
          // here, as it still does after a query the server refused.
          if (!RETRIED_STATUSES.has(res.status)) return;
          await new Promise((r) => setTimeout(r, retryDelayMs(res)));
          continue;
        }
        open = true;
        handlers.onOpen();
        const closing: { ended: boolean; failure: StreamFailure | null } = { ended: false, failure: null };
        await readFrames(res.body, abort.signal, (id, event, data) => {
          if (id) lastId = laterTailPosition(lastId, id, Date.now());
          if (event === 'log') handlers.onEvent(JSON.parse(data) as LogEvent, id);
          else if (event === 'end') closing.ended = true;
          else if (event === 'warning') {
            const warnings = warningsOf(data);
            if (warnings.length > 0) handlers.onWarnings(warnings);
          }
          else if (event === 'error') closing.failure = streamFailure(res.status, data);
        });
        if (closing.failure) {
          // Shown as the API's other errors are; the page's search runs
          // again once the stream is back (onOpen).
          handlers.onError(closing.failure.error);
          if (!closing.failure.retryable) return;
          await new Promise((r) => setTimeout(r, 1000));
          if (!abort.signal.aborted) handlers.onCut();
          return;
        } else if (closing.ended) {
          continue; // nothing went wrong: no pause
        }
      } catch (err) {
        if (abort.signal.aborted) return;
        handlers.onError(err as Error);
      } finally {
        open = false;
      }
      // The server closed or the network dropped: resume shortly.
      await new Promise((r) => setTimeout(r, 1000));
    }
  };
  void run();
  return () => {
    if (open) ownClosedAt = Date.now();
    abort.abort();
  };
}

/** When the page last gave up a stream the server had open for it (one tail at a time). */
let ownClosedAt = -Infinity;
/** Quick retries of a stream refused right after the page's own close: at most a second of them. */
const QUICK_RETRIES = 4;
const QUICK_RETRY_MS = 250;
const OWN_CLOSE_WINDOW_MS = 5_000;

/** Statuses after which the same request can succeed later. */
const RETRIED_STATUSES = new Set([502, 503, 504]);

/** The answer's Retry-After (seconds), within 1-30 s; else 2 s. */
function retryDelayMs(res: Response): number {
  const s = Number(res.headers.get('retry-after'));
  return Number.isFinite(s) && s > 0 ? Math.min(Math.max(s, 1), 30) * 1000 : 2000;
}

/** An `event: warning` frame's `{ warnings }`; those of another shape left out (a frame the page cannot read is not a reason to stop). */
function warningsOf(data: string): AnswerWarning[] {
  try {
    const body = JSON.parse(data) as { warnings?: unknown };
    if (!Array.isArray(body.warnings)) return [];
    return body.warnings.filter((w): w is AnswerWarning => typeof w === 'object' && w !== null
      && typeof (w as AnswerWarning).code === 'string' && typeof (w as AnswerWarning).partition === 'string' && typeof (w as AnswerWarning).message === 'string');
  } catch {
    return [];
  }
}

interface StreamFailure {
  error: ApiFailure;
  /** The server said a resumed stream can go on (LS_API_TAIL_TOO_SLOW). */
  retryable: boolean;
}

/** An `event: error` frame's `{ code, message, retryable }` as the page's failure. */
function streamFailure(status: number, data: string): StreamFailure {
  try {
    const body = JSON.parse(data) as { code?: unknown; message?: unknown; retryable?: unknown };
    const code = typeof body.code === 'string' ? body.code : 'LS_API_TAIL_ERROR';
    const message = typeof body.message === 'string' ? body.message : data;
    return { error: new ApiFailure(status, code, message), retryable: body.retryable === true };
  } catch {
    return { error: new ApiFailure(status, 'LS_API_TAIL_ERROR', data), retryable: false };
  }
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
