import { configErrors as errors } from '../config/config-errors.js';
import { compileRuleQuery, RuleQueryError } from '../rules/compile-rule-query.js';
import type { LogMetricConfig } from './log-metrics-config.js';

/** Refuses a config whose log metrics would clash or whose queries do not parse, naming the path. */
export function checkLogMetrics(metrics: readonly LogMetricConfig[], saved: Readonly<Record<string, string>>): void {
  const names = new Set<string>();
  metrics.forEach((m, i) => {
    if (names.has(m.name)) throw errors.configInvalid(`log_metrics[${i}].name`, `repeats the name "${m.name}"`);
    if (m.name.startsWith('logship_')) throw errors.configInvalid(`log_metrics[${i}].name`, 'must not start with logship_ (the server\'s own metrics)');
    names.add(m.name);
    try {
      compileRuleQuery(m.query, saved);
    } catch (err) {
      if (!(err instanceof RuleQueryError)) throw err;
      const caret = err.problem.caret ? `\n${err.problem.caret}` : '';
      throw errors.configInvalid(`log_metrics[${i}].query`, `does not parse: ${err.problem.reason}${caret}`);
    }
  });
}
