/**
 * GET /api/v1/tail?q=QUERY — matching events as server-sent events, as they
 * are committed.
 *
 *   ingest ─commit─► LiveFeed.publish ─► per-connection matcher ─► queue ─► SSE `event: log`
 *                                                         heartbeat ─► `: keep-alive` every N s
 *                                       maxDurationMs ─► queue sent ─► `event: end` (resume position) ─► close
 *
 * Each event's SSE id is its position, `<epoch ms>|<event.id>`, and for an
 * event sent live the mark of its commit before it, `<boot>.<seq>:` (the
 * live feed numbers every event committed; live-feed.ts). A client that
 * reconnects with `Last-Event-ID` (or `?after=`), or starts after a search
 * answer's `commit_mark`, first gets what it missed, then the live stream:
 * with a mark the feed still has a record of (its latest 50,000 events,
 * listened to or not, in this run of the server), exactly the matching
 * events committed after that mark, in commit order, whatever their times
 * (those the feed no longer holds, or never had, read from the store by
 * id: committed-lookup.ts); else,
 * from the store, what is stamped after the position, in timestamp order
 * (100 pages; one longer ends the stream at its last event, `event: end`
 * with reason `replay_limit`, and the resumed stream replays on from there).
 * That position is a time: a late event (stamped before it) committed while
 * the client was away is not replayed then.
 *
 * A stream lasts at most maxDurationMs (server `search.tail_max_duration_s`,
 * as Loki's tail_max_duration): then it ends with `event: end`, whose `id`
 * (and `after`) is where to resume, so a reader that reconnects with it
 * neither misses nor repeats an event. The server shutting down ends every
 * open stream the same way. What its store reads left out (a partition, an
 * index whose shards failed) is said as `event: warning` (tail-warnings.ts).
 */
import './route-config.js';
import type { FastifyInstance } from 'fastify';
import type { QueryNode } from '../ast.js';
import type { LogEvent } from '../event.js';
import type { LogReader, SearchResult } from '../log-reader.js';
import { compileMatcher } from '../matcher.js';
import { formatTailPosition, isAfter, TAIL_SKEW_MS, type CommitMark, type TailPosition } from '../tail-position.js';
import { apiErrors } from './api-error.js';
import { lookUpCommitted } from './committed-lookup.js';
import { isCommittedRef, type CommittedRef, type FeedEntry, type LiveFeed } from './live-feed.js';
import type { QueryCompiler } from './query-compiler.js';
import { refsRange, tailWarnings } from './tail-warnings.js';
import { tailPositionParam } from './tail-position-param.js';

export interface TailRouteOptions {
  reader: LogReader;
  feed: LiveFeed;
  now: () => number;
  compile: QueryCompiler;
  /** The text fields live events are matched with (the store's list). */
  textFields?: readonly string[];
  heartbeatMs: number;
  /** Events still queued for a client from earlier commits, past which it is cut off as too slow (one commit is taken whole, and what came during its replay). */
  maxQueue: number;
  maxStreams: number;
  /** How long one stream lasts before the server ends it (`event: end`); 0: no limit. */
  maxDurationMs: number;
  /** How long a closed stream's reader has to take what is still buffered for it before its connection is dropped. */
  lingerMs: number;
  /** Events in each page of a replay from the store (at most REPLAY_PAGES of them). */
  replayPageSize: number;
}

interface TailParams {
  q?: string;
  after?: string;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Pages of a replay from the store (of `replayPageSize` events, 1,000 on the server). */
const REPLAY_PAGES = 100;
/**
 * Live events that may queue while a replay runs, none of which the reader
 * can take yet: as many as the server's replay may send. Past that (a store
 * far slower than ingest) the reader is cut off, so memory stays bounded.
 */
const MAX_QUEUED_DURING_REPLAY = 100_000;

/**
 * A queued live event the feed gave as a ref (committed without handing
 * its event over): `event` once read from the store, null when it does not
 * match (or the store no longer has it).
 */
class Pending {
  event: LogEvent | null | undefined;
  constructor(readonly ref: CommittedRef) {}
}

/** A queued item's event to send: null for none, undefined while it is still to be read. */
function readyEvent(item: LogEvent | Pending): LogEvent | null | undefined {
  return item instanceof Pending ? item.event : item;
}

/** An event's SSE id: its position, with its commit's mark when it came live. */
function sseFrame(ev: LogEvent, mark: CommitMark | undefined): string {
  const id = formatTailPosition({ ts: Date.parse(ev['@timestamp']), id: ev['event.id'], ...(mark ? { mark } : {}) });
  return `id: ${id}\nevent: log\ndata: ${JSON.stringify(ev)}\n\n`;
}

/** Why the server ends a stream, and what it tells the reader. */
type EndReason = 'max_duration' | 'shutdown' | 'replay_limit';

/** The frame that ends a stream (at its maximum duration, or as the server shuts down). */
function endFrame(reason: EndReason, resumeAt: string, maxDurationMs: number): string {
  const why = reason === 'max_duration' ? `the stream reached its maximum duration (${maxDurationMs / 1000} s)`
    : reason === 'replay_limit' ? `the replay reached the most one stream sends (${REPLAY_PAGES} pages)` : 'the server is shutting down';
  const data = { reason, message: `${why}; reconnect after ${resumeAt} to go on`, after: resumeAt };
  return `id: ${resumeAt}\nevent: end\ndata: ${JSON.stringify(data)}\n\n`;
}

/** One server-sent event of the stream, as the OpenAPI document describes it (its `data` is JSON text). */
const TAIL_EVENT_SCHEMA = {
  type: 'object',
  required: ['event', 'data'],
  properties: {
    event: { type: 'string', enum: ['log', 'warning', 'error', 'end'] },
    data: { type: 'string', description: 'log: the event; warning: {warnings: [{code, partition, message}]}, what a replay from the store left out; error: {code, message, retryable}; end: {reason, message, after}' },
    id: { type: 'string' },
  },
} as const;

export function registerTailRoute(app: FastifyInstance, opts: TailRouteOptions): void {
  let open = 0;
  // The open streams' ends. Shutting down, the server waits for every open
  // connection: an open tail (a page left in live mode) held a SIGTERM'd
  // server for ever, until it was killed.
  const ends = new Set<(reason: EndReason) => void>();
  app.addHook('preClose', async () => {
    for (const end of ends) end('shutdown');
  });
  app.get<{ Querystring: TailParams }>('/api/v1/tail', {
    config: {
      scope: 'read',
      // The handler writes the stream itself (hijacked), so this is the document's only.
      openapi: { response: { 200: { description: 'A stream of server-sent events', content: { 'text/event-stream': { schema: TAIL_EVENT_SCHEMA } } } } },
    },
    schema: {
      summary: 'Follow matching events as server-sent events',
      description: '`event: log` frames (id `<boot>.<seq>:<epoch ms>|<event.id>`: the commit\'s mark, then the event\'s position; the event as data) as matching events are committed; '
        + '`event: warning` (data: warnings, as a search answer\'s) when a replay from the store left a partition or index out; '
        + '`event: error` (LS_API_TAIL_TOO_SLOW, retryable) before the server cuts off a reader that fell behind; '
        + '`event: end` (data: reason, after) when the stream reaches search.tail_max_duration_s, the server shuts down, or a replay reaches 100 pages (replay_limit): reconnect with its id.',
      querystring: {
        type: 'object',
        additionalProperties: false,
        properties: {
          q: { type: 'string' },
          after: { type: 'string', description: 'Resume after this position (an SSE id, or `<epoch ms>|<event.id>`); same as Last-Event-ID' },
        },
      },
    },
  }, async (req, reply) => {
    const query = opts.compile(req.query.q ?? '');
    const matches = compileMatcher(query, { now: opts.now(), ...(opts.textFields ? { textFields: opts.textFields } : {}) });
    if (open >= opts.maxStreams) {
      throw apiErrors.tooManyStreams(opts.maxStreams);
    }
    const lastId = req.query.after ?? (req.headers['last-event-id'] as string | undefined);
    const position = lastId ? tailPositionParam(lastId, req.query.after !== undefined ? 'after' : 'Last-Event-ID') : null;

    open++;
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      // The keep-alive period, so that a client tells a quiet stream from a
      // dead one by it (cli/stream-silence.ts), whatever the server's setting.
      'x-logship-heartbeat-ms': String(opts.heartbeatMs),
    });
    res.write(': logship tail\nretry: 2000\n\n');
    const readWarned = tailWarnings(opts.reader, (frame) => {
      if (!closed) res.write(frame);
    });

    // Where a reader resumes when the stream ends: the furthest position
    // sent, not one stamped past now (laterTailPosition's rule); without a
    // position nor an event, when the stream opened (nothing matching was
    // committed since, or it would have been sent).
    let resumeAt: TailPosition = position ?? { ts: opts.now(), id: '' };
    const send = (ev: LogEvent, mark?: CommitMark): boolean => {
      const at = { ts: Date.parse(ev['@timestamp']), id: ev['event.id'] };
      if (at.ts <= opts.now() + TAIL_SKEW_MS && isAfter(at, resumeAt)) resumeAt = at;
      return res.write(sseFrame(ev, mark));
    };

    // Live events queue up while the catch-up query runs, then flow.
    // queue[head…] are still to send (an index, not shift(): a batch of
    // thousands shifted one by one moved the rest each time).
    let queue: (LogEvent | Pending)[] = [];
    let head = 0;
    // queue[i]'s commit mark: the feed's boot (one while anyone listens) and seqs[i].
    let seqs: number[] = [];
    const boot = opts.feed.mark().boot;
    // A position with the mark of a commit the feed still has a record of
    // resumes from the feed: exactly what was committed after it, whatever
    // its events' times (those it no longer holds read from the store by
    // id). Else the store is searched by time (`catchUp`). Taken in the
    // same turn as the subscription below, so no commit falls between them.
    const kept = position?.mark ? opts.feed.since(position.mark) : null;
    let catchingUp = position !== null && (kept === null || kept.some(isCommittedRef));
    let closed = false;
    let ending = false;
    // Refs of the queue being read from the store (resolvePending).
    let resolving = false;
    let endMark: CommitMark | undefined;
    // The replay's ids, kept until the live events queued during it are
    // sent (`backlog`, the queue's first ones): a commit the replay read
    // too is not sent twice. Cleared as the replay ended, a socket full
    // then left the rest of those to 'drain', which sent them again.
    const seen = new Set<string>();
    let backlog = 0;
    const flush = () => {
      if (closed || catchingUp) return;
      while (head < queue.length) {
        const ev = readyEvent(queue[head]!);
        if (ev === undefined) {
          resolvePending();
          return;
        }
        head++;
        const replayed = ev !== null && backlog > 0 && seen.has(ev['event.id']);
        if (backlog > 0 && --backlog === 0) seen.clear();
        if (ev === null || replayed) continue;
        if (!send(ev, { boot, seq: seqs[head - 1]! })) break; // resume on 'drain'
      }
      if (head === queue.length) {
        queue = [];
        seqs = [];
        head = 0;
      }
    };
    const unsubscribe = opts.feed.subscribe((entries, firstSeq) => {
      // Slow is what is still queued from before this commit: one commit of
      // more than maxQueue matching events (a shipper's large batch) is
      // taken whole, or every open tail was cut however fast its reader.
      // What came while a replay ran is not counted either (the reader
      // could take none of it): a reader resuming into a busy server was
      // cut off as too slow by the commits of its own replay's time.
      const waiting = queue.length - head - backlog;
      if (waiting > (catchingUp || resolving ? MAX_QUEUED_DURING_REPLAY : opts.maxQueue)) {
        res.write(`event: error\ndata: ${JSON.stringify(apiErrors.tailTooSlow())}\n\n`);
        close();
        return;
      }
      if (head > 0) {
        queue = queue.slice(head);
        seqs = seqs.slice(head);
        head = 0;
      }
      for (let i = 0; i < entries.length; i++) {
        const entry = entries[i]!;
        if (isCommittedRef(entry)) queue.push(new Pending(entry));
        else if (matches(entry)) queue.push(entry);
        else continue;
        seqs.push(firstSeq + i);
      }
      flush();
    });
    // The queue's refs not yet read, read from the store (the stream's own
    // query), then sent in their place: the flush stops at the first until
    // then, so commit order holds.
    const resolvePending = () => {
      if (resolving || closed) return;
      const pending: Pending[] = [];
      for (let i = head; i < queue.length; i++) {
        const item = queue[i]!;
        if (item instanceof Pending && item.event === undefined) pending.push(item);
      }
      if (pending.length === 0) return;
      resolving = true;
      const refs = pending.map((p) => p.ref);
      readWarned(refsRange(refs), () => lookUpCommitted(opts.reader, query, refs, {
        now: opts.now(), pageSize: opts.replayPageSize, maxPages: Infinity, stopped: () => closed,
      })).then((found) => {
        for (const p of pending) p.event = found?.get(p.ref.id) ?? null;
      }, (err: unknown) => {
        req.log.warn({ err, events: pending.length }, 'reading a tail\'s committed events from the store failed; they are not sent');
        for (const p of pending) p.event = null;
      }).finally(() => {
        resolving = false;
        if (ending) end(endReason);
        else flush();
      });
    };
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), opts.heartbeatMs);
    // At its maximum duration the stream ends once what it owes is sent: a
    // catch-up still running first finishes (cut short, the live events
    // queued meanwhile, sent, would move the resume position past stored
    // ones it had not replayed yet), then the queue goes out whole (it is
    // held in memory already), so the resume position is past every event
    // committed before the end.
    let endReason: EndReason = 'max_duration';
    const end = (reason: EndReason) => {
      if (closed) return;
      if (reason === 'shutdown') endReason = reason;
      ending = true;
      if (catchingUp) return; // the catch-up's end comes back here
      if (endMark === undefined) {
        unsubscribe();
        // Every matching event committed up to now is sent below: resumed
        // at this mark, the reader gets what was committed after it.
        endMark = opts.feed.mark();
      }
      if (resolving) return; // its end comes back here
      if (queue.slice(head).some((item) => readyEvent(item) === undefined)) {
        resolvePending();
        return;
      }
      while (head < queue.length) {
        const ev = readyEvent(queue[head++]!);
        if (ev && !seen.has(ev['event.id'])) send(ev, { boot, seq: seqs[head - 1]! });
      }
      res.write(endFrame(endReason, formatTailPosition({ ts: resumeAt.ts, id: resumeAt.id, mark: endMark }), opts.maxDurationMs));
      close();
    };
    // setTimeout takes at most 2^31-1 ms (24.8 days) and fires at once past
    // it: a month asked for ended every stream as it opened.
    const deadline = opts.maxDurationMs > 0 ? setTimeout(() => end('max_duration'), Math.min(opts.maxDurationMs, MAX_TIMER_MS)) : undefined;
    const close = () => {
      if (closed) return;
      closed = true;
      open--;
      ends.delete(end);
      clearInterval(heartbeat);
      clearTimeout(deadline);
      unsubscribe();
      res.end();
      // A reader that takes nothing more (a `logship search --follow`
      // suspended with Ctrl-Z, cut off as too slow) kept what was written
      // for it, megabytes, and its connection for as long as it lived.
      if (!res.writableFinished) {
        const linger = setTimeout(() => res.destroy(), opts.lingerMs);
        linger.unref();
        res.once('close', () => clearTimeout(linger));
      }
    };
    ends.add(end);
    res.on('drain', flush);
    req.raw.on('close', close);
    res.on('error', close);

    if (position?.mark && kept) {
      // The refs among what was committed after the mark, read from the
      // store; when that takes too many pages, or the store's reads may
      // miss an acknowledged write (Elasticsearch after a failed refresh),
      // the replay by time below.
      let found: Map<string, LogEvent> | null = new Map();
      if (catchingUp && opts.reader.seesAcknowledgedWrites?.() === false) found = null;
      else if (catchingUp) {
        try {
          const refs = kept.filter(isCommittedRef);
          found = await readWarned(refsRange(refs), () => lookUpCommitted(opts.reader, query, refs, {
            now: opts.now(), pageSize: opts.replayPageSize, maxPages: REPLAY_PAGES, stopped: () => closed,
          }));
        } catch (err) {
          req.log.warn({ err }, 'reading a tail\'s committed events from the store failed; replaying by time');
          found = null;
        }
      }
      if (found) {
        const { boot: from, seq } = position.mark;
        for (let i = 0; i < kept.length; i++) {
          const entry: FeedEntry = kept[i]!;
          const ev = isCommittedRef(entry) ? found.get(entry.id) : matches(entry) ? entry : undefined;
          if (ev && !closed) send(ev, { boot: from, seq: seq + 1 + i });
        }
        if (catchingUp) {
          catchingUp = false;
          if (ending) end(endReason);
          flush();
        }
        return reply;
      }
    }
    if (position && catchingUp) {
      let more = false;
      try {
        more = await readWarned({ from: position.ts, to: opts.now() + TAIL_SKEW_MS }, () => catchUp(opts, query, position, () => closed, (ev) => {
          if (closed) return;
          seen.add(ev['event.id']);
          send(ev);
        }));
      } catch (err) {
        req.log.warn({ err }, 'tail catch-up failed; continuing live');
      }
      catchingUp = false;
      if (more && !closed) {
        // Stored events are left after the replay's last page: going live
        // from here, they were never sent. The stream ends at the last one
        // replayed (a time, no commit mark: what is queued is not sent), and
        // the resumed stream replays on from there.
        unsubscribe();
        res.write(endFrame('replay_limit', formatTailPosition({ ts: resumeAt.ts, id: resumeAt.id }), opts.maxDurationMs));
        close();
        return reply;
      }
      backlog = queue.length - head;
      if (backlog === 0) seen.clear();
      if (ending) end(endReason);
      flush();
    }
    return reply;
  });
}

/** Replays, oldest first, the stored events after `position`; true when some are left after its last page. */
async function catchUp(
  opts: TailRouteOptions,
  query: QueryNode,
  position: TailPosition,
  /** True once the reader is gone: no more pages. */
  stopped: () => boolean,
  emit: (ev: LogEvent) => void,
): Promise<boolean> {
  let cursor: string | null = null;
  const now = opts.now();
  for (let pages = 0; pages < REPLAY_PAGES && !stopped(); pages++) {
    const page: SearchResult = await opts.reader.search({
      query, from: position.ts, to: now + TAIL_SKEW_MS, limit: opts.replayPageSize, sort: 'asc', cursor, now,
    });
    for (const ev of page.hits) {
      const ts = Date.parse(ev['@timestamp']);
      // Same millisecond: ties are ordered by event.id, as the stores sort.
      if (ts === position.ts && ev['event.id'] <= position.id) continue;
      emit(ev);
    }
    cursor = page.next_cursor;
    if (!cursor || page.hits.length === 0) return false;
  }
  return cursor !== null && !stopped();
}
