/**
 * Which live events an answer already counts. Live adds the events the
 * tail sends to the search's figures (total, histogram, field list, top
 * values); a late event (stamped inside the range) committed after the
 * search started but before one of those reads is in that answer and sent
 * by the tail too, and the figures, unlike the list, have no ids to set
 * it apart: it was counted twice. Each answer now carries the server's
 * `commit_mark` (`<boot>.<seq>`: the last event published before its read
 * began) and each live event the mark of its commit (its SSE id's start):
 * one with the same boot and a seq at most the answer's, stamped inside
 * the answer's range, is in the answer, and is not added again. (One
 * stamped after the range's end, the usual new event, is not in it however
 * early it was committed: skipped, the bars lost it.) Without a mark on either side (an older server,
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

/** What an answer counts: the events committed up to its mark and stamped in its range (epoch ms, both ends in). */
export interface AnswerMark extends CommitMark {
  from: number;
  to: number;
}

/** An answer's `commit_mark` with its `range`; undefined when it lacks either. */
export function answerMark(answer: { commit_mark?: string | undefined; range?: { from: string; to: string } | undefined } | null | undefined): AnswerMark | undefined {
  const mark = typeof answer?.commit_mark === 'string' ? parseTailPosition(`${answer.commit_mark}:0|`).mark : undefined;
  const from = Date.parse(answer?.range?.from ?? '');
  const to = Date.parse(answer?.range?.to ?? '');
  return mark && Number.isFinite(from) && Number.isFinite(to) ? { ...mark, from, to } : undefined;
}

/** Whether the answer marked `mark` counts `ev` already. */
export function inAnswer(ev: LogEvent, mark: AnswerMark | undefined): boolean {
  if (mark === undefined) return false;
  const m = marks.get(ev);
  if (m === undefined || m.boot !== mark.boot || m.seq > mark.seq) return false;
  const t = Date.parse(ev['@timestamp']);
  return t >= mark.from && t <= mark.to;
}

/** `events` the answer marked `mark` does not count yet. */
export function notInAnswer(events: readonly LogEvent[], mark: AnswerMark | undefined): readonly LogEvent[] {
  return mark === undefined ? events : events.filter((ev) => !inAnswer(ev, mark));
}
