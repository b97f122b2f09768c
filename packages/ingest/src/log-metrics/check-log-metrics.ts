import { configErrors as errors } from '../config/config-errors.js';
import { MistakeList } from '../errors/mistake-list.js';
import { labelName } from '../rules/evaluate-rule.js';
import { compileRuleQuery, RuleQueryError } from '../rules/compile-rule-query.js';
import type { LogMetricConfig } from './log-metrics-config.js';

/** The series a histogram writes besides its name: another metric with one of these names would clash with them. */
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

/**
 * Refuses a config whose log metrics would clash or whose queries do not parse, naming the path.
 * What it checks beyond the schema would otherwise reach /metrics: a label
 * named twice or reserved (`__name__`, a histogram's `le`) or a bucket
 * written twice makes text Prometheus's parser refuses, and one bad line
 * fails the whole scrape — every logship metric, not just that one.
 */
export function checkLogMetrics(metrics: readonly LogMetricConfig[], saved: Readonly<Record<string, string>>): void {
  const names = new Map<string, string>();
  // Each metric checked on its own, every one's mistake told (its own first).
  const mistakes = new MistakeList();
  mistakes.each(metrics, (m, i) => {
    const owner = names.get(m.name);
    if (owner !== undefined) {
      throw errors.configInvalid(`log_metrics[${i}].name`, owner === m.name ? `repeats the name "${m.name}"` : `"${m.name}" is a series of the histogram "${owner}"`);
    }
    if (m.name.startsWith('logship_')) throw errors.configInvalid(`log_metrics[${i}].name`, 'must not start with logship_ (the server\'s own metrics)');
    const series = m.histogram ? [m.name, ...HISTOGRAM_SUFFIXES.map((s) => m.name + s)] : [m.name];
    for (const s of series) {
      const other = names.get(s);
      if (other !== undefined) throw errors.configInvalid(`log_metrics[${i}].name`, `the histogram "${m.name}" writes "${s}", which is the metric "${other}"`);
    }
    for (const s of series) names.set(s, m.name);
    checkLabels(m, i);
    if (m.histogram) checkBuckets(m.histogram.buckets, i);
    try {
      compileRuleQuery(m.query, saved);
    } catch (err) {
      if (!(err instanceof RuleQueryError)) throw err;
      const caret = err.problem.caret ? `\n${err.problem.caret}` : '';
      throw errors.configInvalid(`log_metrics[${i}].query`, `does not parse: ${err.problem.reason}${caret}`);
    }
  });
  mistakes.throwIfAny();
}

function checkLabels(m: LogMetricConfig, i: number): void {
  const seen = new Map<string, number>();
  m.labels.forEach((field, j) => {
    const path = `log_metrics[${i}].labels[${j}]`;
    const label = labelName(field);
    const first = seen.get(label);
    if (first !== undefined) throw errors.configInvalid(path, `"${field}" becomes the label "${label}", as labels[${first}] "${m.labels[first]}" does`);
    seen.set(label, j);
    if (label.startsWith('__')) throw errors.configInvalid(path, `"${field}" becomes the label "${label}": labels starting with __ are reserved by Prometheus`);
    if (m.histogram && label === 'le') throw errors.configInvalid(path, '"le" is the bucket label of a histogram');
  });
}

function checkBuckets(buckets: readonly number[], i: number): void {
  // buildLogMetricsConfig sorted them, so a repeat is next to its twin.
  buckets.forEach((b, j) => {
    if (j > 0 && buckets[j - 1] === b) throw errors.configInvalid(`log_metrics[${i}].histogram.buckets`, `holds ${b} twice: an observation would be counted in both`);
  });
}
