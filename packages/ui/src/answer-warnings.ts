/**
 * The `warnings` of the search and aggregate answers (the API's
 * log-reader.ts `answerWarnings`): partitions of the range the store could
 * not read and left out, the rest answered, as Elasticsearch's shard
 * failures. The page asks five questions a search (the hits, three
 * histograms, then pages), each naming the same partitions: said once each.
 */

/** One partition left out of an answer: `code` says why. */
export interface AnswerWarning {
  code: string;
  /** The partition file's name: `2026-12-05.default.db` (its UTC day and retention class). */
  partition: string;
  /** The server's words: the file, what is wrong with it. */
  message: string;
}

/** `more` added to `shown`, one per partition (the first said of it kept), by partition name: oldest day first. */
export function mergeWarnings(shown: readonly AnswerWarning[], more: readonly AnswerWarning[] | undefined): readonly AnswerWarning[] {
  const fresh = (more ?? []).filter((w, i, all) => !shown.some((s) => s.partition === w.partition) && all.findIndex((o) => o.partition === w.partition) === i);
  if (fresh.length === 0) return shown;
  return [...shown, ...fresh].sort((a, b) => a.partition.localeCompare(b.partition));
}

/** A partition's UTC day and retention class, from its file's name; null for a name of another form. */
export function partitionDay(partition: string): { day: string; retention: string } | null {
  const m = /^(\d{4}-\d{2}-\d{2})\.([^.]+)\.db$/.exec(partition);
  return m ? { day: m[1]!, retention: m[2]! } : null;
}

/** Why a partition is left out and what brings it back, in words (README's API section), by the warning's code. */
export function causeWords(w: AnswerWarning): string {
  switch (w.code) {
    case 'LS_STORE_CORRUPT_PARTITION':
      return 'its file is damaged: restore it from a backup or move it aside';
    case 'LS_STORE_PARTITION_DENIED':
      return 'the server\'s user may not open its file: chown it back to that user';
    default:
      return w.message;
  }
}
