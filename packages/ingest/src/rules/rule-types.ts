import type { QueryNode } from '@logship/query/core';

/** What a rule computes over its window (docs/ALERTING.md). */
export type RuleAggregate =
  | { kind: 'count' }
  | { kind: 'rate' }
  | { kind: 'avg' | 'max' | 'min' | 'sum'; field: string }
  | { kind: 'percentile'; percent: number; field: string };

export interface AlertRule {
  /** Identity across reloads and restarts: file, group, alert name, labels, and which of identical ones. */
  key: string;
  /** The identity alert-state.json files written before `key` used (file, group, position, name): read once after an upgrade. */
  legacyKey: string;
  name: string;
  query: string;
  ast: QueryNode;
  window_ms: number;
  aggregate: RuleAggregate;
  /** As written (`count`, `p95:request_time`). */
  aggregateText: string;
  above: number | null;
  below: number | null;
  ratioTo: { query: string; ast: QueryNode } | null;
  groupBy: string[];
  for_ms: number;
  keep_firing_for_ms: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  sampleLines: number;
}

export interface RuleGroup {
  name: string;
  file: string;
  interval_ms: number;
  rules: AlertRule[];
}
