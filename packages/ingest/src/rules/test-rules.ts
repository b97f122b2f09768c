/**
 * `logship rules test`: every rule evaluated once at `now`, changing no
 * alert state, each read with a left-out list as the server's evaluation
 * (ruler.ts) reads, so an evaluation over part of its window says so.
 */
import type { AnswerWarning, LogReader } from '@logship/query/core';
import type { AlertingConfig } from './alerting-config.js';
import { evaluateRule } from './evaluate-rule.js';
import { readingWhole } from './rule-left-out.js';
import { codeOf } from './ruler.js';
import type { AlertRule, RuleGroup } from './rule-types.js';
import { withDeadline } from './with-deadline.js';

export interface TestedRule {
  group: string;
  rule: AlertRule;
  series: { labels: Record<string, string>; value: number; active: boolean }[];
  error: string | null;
  /** What the reads left out (empty when the window was read whole). */
  warnings: AnswerWarning[];
}

export async function testRules(groups: readonly RuleGroup[], reader: LogReader, alerting: AlertingConfig, now: number): Promise<TestedRule[]> {
  const out: TestedRule[] = [];
  for (const g of groups) {
    for (const rule of g.rules) {
      try {
        // With a left-out list, as the server's evaluation reads: a partial answer is said, not taken as the whole.
        const { result: res, warnings } = await withDeadline(rule, alerting.query_timeout_ms, undefined, (signal) =>
          readingWhole(reader, { from: now - rule.window_ms, to: now }, () => evaluateRule(rule, { reader, now, signal, maxSeries: alerting.max_series_per_rule })),
        );
        out.push({ group: g.name, rule, series: res.series.map(({ labels, value, active }) => ({ labels, value, active })), error: null, warnings });
      } catch (err) {
        out.push({ group: g.name, rule, series: [], error: `${(err as Error).message}${codeOf(err)}`, warnings: [] });
      }
    }
  }
  return out;
}
