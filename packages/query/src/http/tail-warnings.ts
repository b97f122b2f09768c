/**
 * What a live tail's store reads left out, said in its stream as
 * `event: warning` (data `{"warnings": [{code, partition, message}]}`, a
 * search answer's `warnings`; no `id`, so a reader's resume position stays
 * its last event's):
 *
 *   catch-up by time, refs read back by id (tail-route.ts) ─► with a left-out list (read-left-out.ts)
 *      ─► warningsField over the range read ─► the ones not said yet on this stream ─► `event: warning`
 *
 * A replay from the store went on without a partition it could not read
 * (locked, damaged, denied) or an Elasticsearch index whose shards failed,
 * and the stream said nothing: the reader took the gap for a quiet time.
 * On the embedded stores a locked partition failed the whole catch-up (no
 * list in scope), which went live without a word to the reader.
 */
import { warningsField, type AnswerWarning, type LogReader, type TimeRange } from '../log-reader.js';
import { collectingLeftOut, type LeftOutPartition } from '../read-left-out.js';

/** The SSE frame of `warnings`. */
export function warningFrame(warnings: readonly AnswerWarning[]): string {
  return `event: warning\ndata: ${JSON.stringify({ warnings })}\n\n`;
}

/** The times a tail's refs span. */
export function refsRange(refs: readonly { ts: number }[]): TimeRange {
  let from = Infinity;
  let to = -Infinity;
  for (const r of refs) {
    from = Math.min(from, r.ts);
    to = Math.max(to, r.ts);
  }
  return { from, to };
}

/** A stream's reader of the store: runs a read with a left-out list and writes what it left out of `range`, each partition and cause once a stream. */
export type WarnedRead = <T>(range: TimeRange, read: () => Promise<T>) => Promise<T>;

export function tailWarnings(reader: LogReader, write: (frame: string) => void): WarnedRead {
  const said = new Set<string>();
  return async (range, read) => {
    const leftOut: LeftOutPartition[] = [];
    const result = await collectingLeftOut(leftOut, read);
    const warnings = range.from <= range.to ? (warningsField(reader, range, leftOut).warnings ?? []) : [];
    const fresh = warnings.filter((w) => !said.has(`${w.code}\u0000${w.partition}`));
    for (const w of fresh) said.add(`${w.code}\u0000${w.partition}`);
    if (fresh.length > 0) write(warningFrame(fresh));
    return result;
  };
}
