/**
 * Which live events an answer already counts. Live adds the events the
 * tail sends to the search's figures (total, histogram, field list, top
 * values); a late event (stamped inside the range) committed after the
 * search started but before one of those reads is in that answer and sent
 * by the tail too, and the figures, unlike the list, have no ids to set
 * it apart: it was counted twice. Each answer now carries the server's
 * `commit_mark` (`<boot>.<seq>`: the last event published before its read
 * began) and each live event the mark of its commit (its SSE id's start):
 * one with the same boot and a seq at most the answer's is in the answer,
 * and is not added again. Without a mark on either side (an older server,
 * Elasticsearch after a failed refresh, an event replayed by time) it is
 * added, as before. The server's mark errs one way only (an event it
 * marks as counted is in the answer; one committed just before the read
 * but published after the mark is still added twice): packages/query
 * src/http/commit-mark.ts.
 */
import { parseTailPosition, type CommitMark, type LogEvent } from '@logship/query/browser';

/** By event object: the arrivals are the objects the stream parsed, passed on as they are. */
const marks = new WeakMap<LogEvent, CommitMark>();

/** Keeps the commit mark a live event's SSE id begins with (none for one replayed by time). */
export function keepCommitMark(ev: LogEvent, sseId: string | undefined): void {
  const mark = sseId === undefined ? undefined : parseTailPosition(sseId).mark;
  if (mark) marks.set(ev, mark);
}

/** An answer's `commit_mark` (`<boot>.<seq>`); undefined when it has none. */
export function answerMark(text: string | undefined): CommitMark | undefined {
  return typeof text === 'string' ? parseTailPosition(`${text}:0|`).mark : undefined;
}

/** Whether the answer marked `mark` counts `ev` already. */
export function inAnswer(ev: LogEvent, mark: CommitMark | undefined): boolean {
  if (mark === undefined) return false;
  const m = marks.get(ev);
  return m !== undefined && m.boot === mark.boot && m.seq <= mark.seq;
}

/** `events` the answer marked `mark` does not count yet. */
export function notInAnswer(events: readonly LogEvent[], mark: CommitMark | undefined): readonly LogEvent[] {
  return mark === undefined ? events : events.filter((ev) => !inAnswer(ev, mark));
}
