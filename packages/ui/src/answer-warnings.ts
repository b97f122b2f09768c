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

/** Whether the warnings are Elasticsearch's (its `partition` an index): the notice says "indices" then. */
export function fromElasticsearch(warnings: readonly AnswerWarning[]): boolean {
  return warnings.length > 0 && warnings.every((w) => w.code.startsWith('LS_ES_'));
}

/**
 * What a user needs of an Elasticsearch shard failure's message
 * (elasticsearch/partial-answer.ts: `… 1 of 2 shards failed; index I,
 * shard 0: TYPE: REASON; the events of …`): how many shards failed and
 * the reason's first sentence, without the exception's type; the rest
 * (Elasticsearch's advice on fielddata, say, ~300 characters) is in the
 * item's title. Null for a message of another form.
 */
function shardFailure(message: string): string | null {
  const of = /(\d+) of (\d+) shards failed/.exec(message);
  if (!of) return null;
  const said = /, shard \d+: (?:[a-z_]+: )?(.*?); the events of the shards that failed/.exec(message)?.[1];
  // The first sentence: up to a full stop followed by a space (an index name's dots have none).
  const first = said === undefined ? undefined : /^.*?\.(?=\s|$)/.exec(said)?.[0] ?? said;
  return `${of[1]} of ${of[2]} shards failed${first ? `: ${first}` : ''}`;
}

/** Why a partition is left out and what brings it back, in words (README's API section), by the warning's code. */
export function causeWords(w: AnswerWarning): string {
  switch (w.code) {
    case 'LS_STORE_CORRUPT_PARTITION':
      return 'its file is damaged: restore it from a backup or move it aside';
    case 'LS_STORE_PARTITION_DENIED':
      return 'the server\'s user may not open its file: chown it back to that user';
    case 'LS_STORE_PARTITION_LOCKED':
      return 'another process holds its file locked (an sqlite3 session, a backup): it is searched again once that process lets go';
    case 'LS_ES_SHARDS_FAILED':
      return shardFailure(w.message) ?? w.message;
    case 'LS_ES_TIMED_OUT': {
      const answered = /(\d+) of (\d+) shards answered/.exec(w.message);
      return `the cluster's search timeout (search.default_search_timeout) passed before every shard was read${answered ? ` (${answered[1]} of ${answered[2]} shards answered)` : ''}: search a shorter range, or raise the timeout`;
    }
    default:
      return w.message;
  }
}
