/**
 * Follows /api/v1/tail (server-sent events) and hands each event to `emit`.
 * Reconnects with Last-Event-ID after a dropped connection, so a server
 * restart loses nothing that was committed meanwhile; the first connection
 * starts at `after` the same way. A stream the server ends (`event: end`:
 * search.tail_max_duration_s reached, or the server shutting down) is
 * resumed at once from the position it names, which is the one kept here.
 * A server that does not answer within --timeout, or whose stream goes
 * silent (keep-alives too: stream-silence.ts), ends it with
 * LS_CLIENT_TIMEOUT: retrying would wait on it again.
 */
import { laterTailPosition } from '../tail-position.js';
import type { AnswerWarning } from '../log-reader.js';
import { CliError, Deadline, EXIT, errorFromBody, request, timeoutOf, type ClientOptions } from './client.js';
import { silentStreamMessage } from './client-errors.js';
import { SilenceWatch, silenceLimit } from './stream-silence.js';

/** The tail position of an event: its SSE id. */
export function tailPosition(ev: Record<string, unknown>): string {
  return `${Date.parse(String(ev['@timestamp']))}|${String(ev['event.id'])}`;
}

export async function follow(
  client: ClientOptions,
  q: string,
  /** False when the output is full: no more is read from the stream until `drained` resolves. */
  emit: (ev: Record<string, unknown>) => boolean | void,
  signal: AbortSignal,
  /** Where to start (an SSE id, `<epoch ms>|<event.id>`): the stream first replays what was stored after it. */
  after?: string,
  /**
   * Resolves once the output takes more. Writing on regardless, a pager
   * that stopped reading (`--follow | less`) had every event since kept in
   * this process's memory; waiting, the stream is read no faster than the
   * output, and a server that finds it too slow cuts it off, to be resumed
   * from the last event printed.
   */
  drained: () => Promise<void> = () => Promise.resolve(),
): Promise<void> {
  let lastId: string | undefined = after;
  // A resume replays from the furthest position not ahead of the clock
  // (laterTailPosition): an event stamped 60-100 s ahead that was printed
  // comes again. The page drops it by id; so does this, over the last ids.
  const printedIds = new RecentIds(RECENT_IDS);
  let failures = 0;
  // Retries went on for two minutes without a word: the terminal looked
  // like a quiet stream while the server was gone. Said once per outage.
  let down = false;
  const lost = (why: string) => {
    if (down) return;
    down = true;
    process.stderr.write(`the stream of new events stopped: ${why}\nreconnecting (Ctrl-C to stop)\n`);
  };
  while (!signal.aborted) {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (lastId) headers['last-event-id'] = lastId;
    let res: Response;
    // Per connection: the wait for its answer (--timeout), and its silence.
    const conn = new AbortController();
    const deadline = new Deadline(timeoutOf(client));
    try {
      res = await request(client, `/api/v1/tail?${new URLSearchParams({ q })}`, { headers, signal: AbortSignal.any([signal, conn.signal]) }, deadline);
    } catch (err) {
      deadline.clear();
      if (signal.aborted) return;
      if (err instanceof CliError && err.code === 'LS_CLIENT_TIMEOUT') throw err;
      if (++failures > 30) throw err;
      lost(err instanceof Error ? err.message : String(err));
      await new Promise((r) => setTimeout(r, Math.min(1000 * failures, 5000)));
      continue;
    }
    if (!res.ok) {
      const err = errorFromBody(res.status, await res.text().catch(() => ''), client.server);
      deadline.clear();
      if (err.exitCode === EXIT.USAGE) throw err;
      if (++failures > 30) throw err;
      lost(err.message);
      await new Promise((r) => setTimeout(r, 2000));
      continue;
    }
    deadline.clear();
    failures = 0;
    if (down) {
      down = false;
      process.stderr.write('reconnected: what was committed meanwhile follows\n');
    }
    const limit = silenceLimit(timeoutOf(client), res.headers);
    const silence = limit ? new SilenceWatch(limit.ms, () => conn.abort()) : null;
    try {
      const body = res.body as unknown as AsyncIterable<Uint8Array>;
      for await (const frame of sseFrames(silence ? silence.watched(body) : body)) {
        // The furthest position up to now, not the last: after an event
        // stamped an hour ahead, a resume skipped what was stored meanwhile.
        if (frame.id) lastId = laterTailPosition(lastId, frame.id, Date.now());
        if (frame.event === 'log' && frame.data) {
          const ev = JSON.parse(frame.data) as Record<string, unknown>;
          const id = ev['event.id'];
          if (typeof id === 'string' && !printedIds.add(id)) continue;
          if (emit(ev) === false) {
            // Not reading while the output is full: that silence is the reader's.
            silence?.pause();
            await drained();
            silence?.resume();
          }
        }
        if (frame.event === 'error' && frame.data) process.stderr.write(`${streamErrorLine(frame.data)}\n`);
        // What a replay from the store left out (http/tail-warnings.ts), as the search's warnings are said.
        if (frame.event === 'warning' && frame.data) {
          for (const w of (JSON.parse(frame.data) as { warnings?: AnswerWarning[] }).warnings ?? []) process.stderr.write(`warning: ${w.message} [${w.code}]\n`);
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      if (silence?.fired && limit) throw new CliError(silentStreamMessage(client.server, limit.ms, limit.heartbeatMs), EXIT.UNREACHABLE, 'LS_CLIENT_TIMEOUT');
      if (err instanceof CliError) throw err;
      // dropped connection: reconnect from lastId
    } finally {
      silence?.stop();
    }
  }
}

/**
 * What an `event: error` frame says, as a sentence: its JSON was printed
 * as it came (`server: {"code":"LS_API_TAIL_TOO_SLOW",…}`). A retryable
 * one is followed by a resume from the last event printed (the loop above).
 */
export function streamErrorLine(data: string): string {
  let body: unknown;
  try {
    body = JSON.parse(data);
  } catch {
    return `the server ended the stream: ${data}`;
  }
  const { code, message, retryable } = (body ?? {}) as { code?: unknown; message?: unknown; retryable?: unknown };
  if (typeof message !== 'string') return `the server ended the stream: ${data}`;
  const coded = typeof code === 'string' ? ` (${code})` : '';
  return `the server ended the stream: ${message}${coded}${retryable === true ? '; resuming after the last event printed' : ''}`;
}

/** How many printed ids a follow remembers: more than a resume can replay that was printed. */
const RECENT_IDS = 10_000;

/** The last `max` ids added, oldest forgotten first. */
class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly max: number) {}

  /** False when `id` is among the last added (then it is not added again). */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.max) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }
}

interface SseFrame {
  id?: string;
  event?: string;
  data?: string;
}

/** Splits a text/event-stream body into frames (blank-line separated). */
export async function* sseFrames(body: AsyncIterable<Uint8Array>): AsyncGenerator<SseFrame> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body) {
    buf += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buf.indexOf('\n\n')) >= 0) {
      const raw = buf.slice(0, end);
      buf = buf.slice(end + 2);
      const frame: SseFrame = {};
      const data: string[] = [];
      for (const line of raw.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const key = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (key === 'data') data.push(value);
        else if (key === 'id') frame.id = value;
        else if (key === 'event') frame.event = value;
      }
      if (data.length > 0) frame.data = data.join('\n');
      if (frame.data !== undefined || frame.id !== undefined) yield frame;
    }
  }
}
