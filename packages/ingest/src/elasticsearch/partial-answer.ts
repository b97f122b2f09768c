/**
 * What one Elasticsearch read left out, as the warnings of the API's answer.
 *
 *   _search / _count ─► 200 with _shards.failed > 0  ─► LS_ES_SHARDS_FAILED, one per failed index
 *                    └► 200 with timed_out: true      ─► LS_ES_TIMED_OUT, for the indices read
 *                    └► 4xx/5xx (every shard failed)  ─► thrown, as before (transport-error.ts)
 *
 * Elasticsearch answers a search whose query or aggregation fails on some
 * shards only (a field mapped as `text` in one day's index and `keyword` in
 * the others, a shard that is not allocated) with the other shards' hits,
 * totals and buckets and a 200: taken as the whole answer, a day's events
 * went missing without a word, where the embedded stores say the same of a
 * partition they left out. `_clusters.skipped` needs no check: a store's
 * index patterns cannot name a remote cluster (its prefix holds no `:`).
 */
import type { estypes } from '@elastic/elasticsearch';
import { addLeftOut, leftOutList, type AnswerWarning } from '@logship/query/core';
import { esError } from './es-error.js';

/** An Elasticsearch reason can quote a whole mapping or script; the start says what went wrong. */
const MAX_REASON = 500;

/** The part of a _search or _count answer that says whether every shard answered. */
export interface ShardReport {
  _shards?: estypes.ShardStatistics;
  timed_out?: boolean;
}

const WHAT_IS_MISSING = 'the events of the shards that failed are left out of this answer (hits, total and aggregations)';

function reasonOf(cause: estypes.ErrorCause | undefined): string {
  if (!cause) return 'no reason given';
  // A generic reason ("all shards failed", "runtime error") says less than what caused it.
  const inner = cause.caused_by;
  const text = cause.reason ?? inner?.reason ?? '';
  const words = `${cause.type}${text ? `: ${text}` : ''}`;
  return words.length > MAX_REASON ? `${words.slice(0, MAX_REASON)}…` : words;
}

/**
 * The warnings `answer` calls for, `indices` being what the read named (its
 * index patterns): one per index with a failed shard (the first reason
 * Elasticsearch gave for it, and how many of the read's shards failed),
 * and one when the read stopped at the cluster's search timeout. Empty
 * when every shard answered in full.
 */
export function partialAnswerWarnings(answer: ShardReport, indices: string): AnswerWarning[] {
  const warnings: AnswerWarning[] = [];
  const shards = answer._shards;
  if (shards && shards.failed > 0) {
    const of = `${shards.failed} of ${shards.total} shards failed`;
    const byIndex = new Map<string, estypes.ShardFailure>();
    // Elasticsearch lists one failure per index and cause (not per shard), the first per index is kept.
    for (const f of shards.failures ?? []) {
      const index = f.index ?? indices;
      if (!byIndex.has(index)) byIndex.set(index, f);
    }
    if (byIndex.size === 0) {
      warnings.push(warning('LS_ES_SHARDS_FAILED', indices, `${of} on ${indices}, without a reason; ${WHAT_IS_MISSING}`));
    }
    for (const [index, f] of byIndex) {
      warnings.push(warning('LS_ES_SHARDS_FAILED', index, `${of}; index ${index}, shard ${f.shard}: ${reasonOf(f.reason)}; ${WHAT_IS_MISSING}`));
    }
  }
  if (answer.timed_out === true) {
    const answered = shards ? `${shards.successful} of ${shards.total} shards answered; ` : '';
    warnings.push(warning(
      'LS_ES_TIMED_OUT',
      indices,
      `${answered}the cluster's search.default_search_timeout passed before the shards had read everything, and what they had not read is left out of this answer`,
    ));
  }
  return warnings;
}

function warning(code: 'LS_ES_SHARDS_FAILED' | 'LS_ES_TIMED_OUT', partition: string, detail: string): AnswerWarning {
  return { code, partition, message: esError(code, detail).message };
}

/**
 * Adds `answer`'s warnings to what the running read left out (the API's
 * answer names them: @logship/query read-left-out.ts); returns `answer`.
 * A read whose owner keeps no list goes on with what the other shards
 * answered, as it did before shard failures were told; the ruler and
 * `logship rules test` keep one (rules/rule-left-out.ts).
 */
export function notePartial<T extends ShardReport>(answer: T, indices: string): T {
  const list = leftOutList();
  if (list) {
    addLeftOut(list, partialAnswerWarnings(answer, indices).map((w) => ({ partition: w.partition, code: w.code, reason: w.message, message: w.message })));
  }
  return answer;
}
