/**
 * What a rule's evaluation left out of its window, and what that means for
 * its alerts (docs/ALERTING.md "Partial answers").
 *
 *   evaluateRule ─ with a left-out list in scope (read-left-out.ts) ─► reads
 *     └► nothing left out ─► stepAlerts, as always
 *     └► a partition or shard left out ─► alerts keep their state; health err,
 *        the rule's `partial`/`warnings` in /api/v1/rules, one warn line,
 *        logship_rules_evaluations_partial_total
 *        └► a rule whose value what was read can only understate (firesOnPart)
 *           ─► series above the threshold in what was read step up as usual
 *              (raiseAlerts); nothing is resolved
 *
 * A count over a window some of whose events could not be read is lower
 * than the truth, and a ratio either way: acted on, an `above` rule
 * resolved and a `below` rule fired because a day's index had a shard
 * down or a partition file was locked or damaged, without a word. As a
 * Thanos ruler does with `partial_response_strategy: abort` (and as this
 * ruler already did for a read that failed), the evaluation is not acted
 * on: what was firing keeps firing, what was quiet stays quiet, until an
 * evaluation reads the whole window again. Except upward where that is
 * sound: a count, a rate or a max over part of the window is at most the
 * whole's, so for an `above` rule on one of those a series above the
 * threshold in what was read is above it in the whole, and fires (an
 * outage while a day's file is damaged or a shard is down still alerts);
 * only resolving waits for the whole window.
 */
import type { AlertRule } from './rule-types.js';
import { collectingLeftOut, warningsField, type AnswerWarning, type LeftOutPartition, type LogReader, type TimeRange } from '@logship/query/core';

/** Runs `read` with a left-out list; its warnings: the list's, and the partitions the reader leaves out of `range`. */
export async function readingWhole<T>(reader: LogReader, range: TimeRange, read: () => Promise<T>): Promise<{ result: T; warnings: AnswerWarning[] }> {
  const leftOut: LeftOutPartition[] = [];
  const result = await collectingLeftOut(leftOut, read);
  return { result, warnings: warningsField(reader, range, leftOut).warnings ?? [] };
}

/** Whether part of the window can only understate the rule's value: an `above` rule (no ratio) on a count, a rate or a max. */
export function firesOnPart(rule: Pick<AlertRule, 'aggregate' | 'above' | 'ratioTo'>): boolean {
  const kind = rule.aggregate.kind;
  return rule.above !== null && rule.ratioTo === null && (kind === 'count' || kind === 'rate' || kind === 'max');
}

/** A partial evaluation's lastError: what was left out, and what it did (nothing, or fire only). */
export function partialError(warnings: readonly AnswerWarning[], firesOnly: boolean): string {
  const what = warnings.map((w) => `${w.message} (${w.code})`).join('; ');
  const did = firesOnly
    ? 'so the rule resolves nothing until it reads the whole window (what it read can still fire it: its value over part of the window is at most the whole\'s)'
    : "so the rule's alerts keep their state";
  return `the store answered without part of the window, ${did}: ${what}`;
}
