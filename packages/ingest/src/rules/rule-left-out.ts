/**
 * What a rule's evaluation left out of its window, and what that means for
 * its alerts (docs/ALERTING.md "Partial answers").
 *
 *   evaluateRule ─ with a left-out list in scope (read-left-out.ts) ─► reads
 *     └► nothing left out ─► stepAlerts, as always
 *     └► a partition or shard left out ─► alerts keep their state; health err,
 *        the rule's `partial`/`warnings` in /api/v1/rules, one warn line,
 *        logship_rules_evaluations_partial_total
 *
 * A count over a window some of whose events could not be read is lower
 * than the truth, and a ratio either way: acted on, an `above` rule
 * resolved and a `below` rule fired because a day's index had a shard
 * down or a partition file was locked or damaged, without a word. As a
 * Thanos ruler does with `partial_response_strategy: abort` (and as this
 * ruler already did for a read that failed), the evaluation is not acted
 * on: what was firing keeps firing, what was quiet stays quiet, until an
 * evaluation reads the whole window again.
 */
import { collectingLeftOut, warningsField, type AnswerWarning, type LeftOutPartition, type LogReader, type TimeRange } from '@logship/query/core';

/** Runs `read` with a left-out list; its warnings: the list's, and the partitions the reader leaves out of `range`. */
export async function readingWhole<T>(reader: LogReader, range: TimeRange, read: () => Promise<T>): Promise<{ result: T; warnings: AnswerWarning[] }> {
  const leftOut: LeftOutPartition[] = [];
  const result = await collectingLeftOut(leftOut, read);
  return { result, warnings: warningsField(reader, range, leftOut).warnings ?? [] };
}

/** A partial evaluation's lastError: what was left out, and that nothing changed. */
export function partialError(warnings: readonly AnswerWarning[]): string {
  const what = warnings.map((w) => `${w.message} (${w.code})`).join('; ');
  return `the store answered without part of the window, so the rule's alerts keep their state: ${what}`;
}
