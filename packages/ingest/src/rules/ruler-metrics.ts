import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The ruler's own metrics (docs/SERVER.md), per rule group, in the server's registry. */
export interface RulerMetrics {
  evaluations: Counter<'rule_group'>;
  evaluationFailures: Counter<'rule_group'>;
  evaluationsPartial: Counter<'rule_group'>;
  evaluationDuration: Histogram<'rule_group'>;
  lastEvaluation: Gauge<'rule_group'>;
  seriesDropped: Counter<'rule_group'>;
  alerts: Gauge<'state'>;
  notificationsSent: Counter<'rule_group' | 'target'>;
  notificationsFailed: Counter<'rule_group' | 'target'>;
  notificationRetries: Counter<'rule_group' | 'target'>;
  notificationsDropped: Counter<'rule_group' | 'target'>;
  reloads: Counter<'result'>;
  lastReloadSuccessful: Gauge;
  lastReloadSuccess: Gauge;
  rules: Gauge;
}

export function createRulerMetrics(registry: Registry): RulerMetrics {
  const registers = [registry];
  return {
    evaluations: new Counter({ name: 'logship_rules_evaluations_total', help: 'Rule evaluations, by rule group', labelNames: ['rule_group'], registers }),
    evaluationFailures: new Counter({
      name: 'logship_rules_evaluation_failures_total',
      help: 'Rule evaluations that failed (query error or deadline), by rule group',
      labelNames: ['rule_group'],
      registers,
    }),
    // Apart from failures: the read answered, without part of the window (rules/rule-left-out.ts).
    evaluationsPartial: new Counter({
      name: 'logship_rules_evaluations_partial_total',
      help: 'Rule evaluations whose reads left part of the window out (a shard or partition), so the rule\'s alerts kept their state, by rule group',
      labelNames: ['rule_group'],
      registers,
    }),
    evaluationDuration: new Histogram({
      name: 'logship_rules_group_evaluation_duration_seconds',
      help: 'Time to evaluate every rule of a group once',
      labelNames: ['rule_group'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    lastEvaluation: new Gauge({
      name: 'logship_rules_group_last_evaluation_timestamp_seconds',
      help: 'When a group was last evaluated',
      labelNames: ['rule_group'],
      registers,
    }),
    seriesDropped: new Counter({
      name: 'logship_rules_series_dropped_total',
      help: 'group_by values left out beyond alerting.max_series_per_rule',
      labelNames: ['rule_group'],
      registers,
    }),
    alerts: new Gauge({ name: 'logship_rules_alerts', help: 'Alerts by state', labelNames: ['state'], registers }),
    notificationsSent: new Counter({
      name: 'logship_rules_notifications_sent_total',
      help: 'Alerts delivered to a target (Alertmanager or webhook)',
      labelNames: ['rule_group', 'target'],
      registers,
    }),
    notificationsFailed: new Counter({
      name: 'logship_rules_notifications_failed_total',
      help: 'Alerts whose delivery failed after every retry',
      labelNames: ['rule_group', 'target'],
      registers,
    }),
    notificationRetries: new Counter({
      name: 'logship_rules_notification_retries_total',
      help: 'Delivery attempts retried after a failure',
      labelNames: ['rule_group', 'target'],
      registers,
    }),
    notificationsDropped: new Counter({
      name: 'logship_rules_notifications_dropped_total',
      help: 'Alerts dropped because a target\'s queue was full',
      labelNames: ['rule_group', 'target'],
      registers,
    }),
    reloads: new Counter({ name: 'logship_rules_reloads_total', help: 'Rule file reloads, by result', labelNames: ['result'], registers }),
    // As Prometheus's prometheus_config_last_reload_successful: the counter
    // above shows a failure only while it is in the range of increase();
    // the usual "config is stale" alert needs the state itself.
    lastReloadSuccessful: new Gauge({
      name: 'logship_rules_last_reload_successful',
      help: 'Whether the last load of the rule files (start, SIGHUP, reload) succeeded (1) or failed and the rules before it run (0)',
      registers,
    }),
    lastReloadSuccess: new Gauge({
      name: 'logship_rules_last_reload_success_timestamp_seconds',
      help: 'When the rule files last loaded successfully',
      registers,
    }),
    rules: new Gauge({ name: 'logship_rules_loaded', help: 'Alerting rules loaded', registers }),
  };
}
