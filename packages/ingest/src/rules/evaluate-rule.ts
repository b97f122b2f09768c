/**
 * One rule at one instant:
 *
 *   window [now-window, now] ─► group_by? terms (bounded) per field, + events without it ─► per group:
 *     aggregate(query ∧ group)  [÷ count(ratio_to ∧ group)] ─► value ─► above/below?
 *
 * Everything goes through the store's LogReader (count, aggregate, search),
 * so evaluation uses the same rollups and indexes as the search API, and
 * the signal bounds it by the query deadline.
 */
import type { LogEvent, LogReader, QueryNode } from '@logship/query/core';
import type { AlertRule } from './rule-types.js';

export interface RuleSeries {
  /** The group_by values, as labels (field names sanitized to label names). */
  labels: Record<string, string>;
  value: number;
  /** Whether the value crosses the threshold. */
  active: boolean;
  /** The rule's query narrowed to this group (for sample lines). */
  filter: QueryNode;
}

export interface RuleEvaluation {
  series: RuleSeries[];
  /** Groups left out beyond max_series_per_rule (a lower bound: the store is asked for one more than fits). */
  dropped: number;
}

export interface EvaluateOptions {
  reader: LogReader;
  now: number;
  signal?: AbortSignal;
  maxSeries: number;
}

const LOC = { start: 0, end: 0 };

export function labelName(field: string): string {
  const s = field.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[0-9]/.test(s) ? `_${s}` : s;
}

function and(a: QueryNode, b: QueryNode): QueryNode {
  return { type: 'and', children: [a, b], loc: LOC };
}

/**
 * The events a group's terms bucket `value` counted: those with that value,
 * or with an array holding it (terms count an array under each element, so
 * such an event is in the group of each of its elements, as a Kibana rule
 * grouped by a multi-valued field puts it).
 */
function exact(field: string, value: string): QueryNode {
  return { type: 'term', field, value, phrase: true, loc: LOC };
}

export async function evaluateRule(rule: AlertRule, opts: EvaluateOptions): Promise<RuleEvaluation> {
  const { reader, now, signal } = opts;
  const from = now - rule.window_ms;
  const range = { from, to: now, now, ...(signal ? { signal } : {}) };

  // Each group: the filter that selects it and its labels.
  let groups: { labels: Record<string, string>; filter: QueryNode | null }[] = [{ labels: {}, filter: null }];
  let dropped = 0;
  for (const field of rule.groupBy) {
    const next: typeof groups = [];
    for (const g of groups) {
      const budget = opts.maxSeries - next.length;
      const query = g.filter ? and(rule.ast, g.filter) : rule.ast;
      const res = await reader.aggregate({ ...range, query, agg: { type: 'terms', field, size: Math.max(1, budget) + 1 } });
      if (res.type !== 'terms') continue;
      const buckets = res.buckets.slice(0, Math.max(0, budget));
      // One more bucket than the budget was asked for, so an overflow shows (as at least one series dropped).
      dropped += res.buckets.length - buckets.length;
      let empty = false;
      for (const b of buckets) {
        // An empty value is no label at all, to Alertmanager (it drops
        // empty labels) and to Prometheus: as a series of its own it was one
        // alert there with the events without the field, taking turns.
        if (b.key === '') {
          empty = true;
          continue;
        }
        const f = exact(field, b.key);
        next.push({ labels: { ...g.labels, [labelName(field)]: b.key }, filter: g.filter ? and(g.filter, f) : f });
      }
      // Events without the field (or with it empty) are a series of their
      // own, without the label, as `sum by (host)` makes one of series that
      // have no host (and as log_metrics counts them under ""): else an
      // error event with no logger never counted towards `group_by: [logger]`.
      if (res.missing_count > 0 || empty) {
        if (next.length >= opts.maxSeries) {
          dropped += 1;
        } else {
          const missing: QueryNode = { type: 'not', child: { type: 'exists', field, loc: LOC }, loc: LOC };
          const none: QueryNode = !empty
            ? missing
            : res.missing_count > 0
              ? { type: 'or', children: [missing, exact(field, '')], loc: LOC }
              : exact(field, '');
          next.push({ labels: { ...g.labels }, filter: g.filter ? and(g.filter, none) : none });
        }
      }
    }
    groups = next;
  }

  const series: RuleSeries[] = [];
  for (const g of groups) {
    const query = g.filter ? and(rule.ast, g.filter) : rule.ast;
    let value = await aggregateValue(rule, reader, { ...range, query });
    if (value === null) continue;
    if (rule.ratioTo) {
      const denominator = await reader.count({ ...range, query: g.filter ? and(rule.ratioTo.ast, g.filter) : rule.ratioTo.ast });
      // No traffic, no ratio: the rule has nothing to say (not "0 %").
      if (denominator === 0) continue;
      value /= denominator;
    }
    const active = rule.above !== null ? value > rule.above : value < (rule.below as number);
    series.push({ labels: g.labels, value, active, filter: query });
  }
  return { series, dropped };
}

async function aggregateValue(
  rule: AlertRule,
  reader: LogReader,
  req: { query: QueryNode; from: number; to: number; now: number; signal?: AbortSignal },
): Promise<number | null> {
  const a = rule.aggregate;
  switch (a.kind) {
    case 'count':
      return reader.count(req);
    case 'rate':
      return (await reader.count(req)) / (rule.window_ms / 1000);
    case 'percentile': {
      const res = await reader.aggregate({ ...req, agg: { type: 'percentiles', field: a.field, percents: [a.percent] } });
      if (res.type !== 'percentiles') return null;
      return res.values[String(a.percent)] ?? null;
    }
    default: {
      const res = await reader.aggregate({ ...req, agg: { type: 'stats', field: a.field } });
      if (res.type !== 'stats') return null;
      return res.count === 0 ? null : a.kind === 'sum' ? res.sum : res[a.kind];
    }
  }
}

/** The newest `n` events of a series, one line each, for the `samples` annotation. */
export async function sampleLines(
  reader: LogReader,
  rule: AlertRule,
  filter: QueryNode,
  now: number,
  signal?: AbortSignal,
): Promise<string> {
  const res = await reader.search({
    query: filter,
    from: now - rule.window_ms,
    to: now,
    now,
    limit: rule.sampleLines,
    sort: 'desc',
    ...(signal ? { signal } : {}),
  });
  return res.hits.map(sampleLine).join('\n');
}

const MAX_SAMPLE_CHARS = 500;

function sampleLine(e: LogEvent): string {
  const parts = [e['@timestamp'], e.host, e.level, e.logger].filter((p) => typeof p === 'string' && p !== '');
  // One line per event, as `samples` promises: a multi-line message (a
  // traceback) keeps its line breaks as `\n`, so a receiver that splits the
  // annotation on newlines still sees one event per line.
  const message = (typeof e.message === 'string' ? e.message : JSON.stringify(e)).replace(/\r?\n/g, '\\n');
  const line = `${parts.join(' ')} ${message}`;
  return line.length > MAX_SAMPLE_CHARS ? `${line.slice(0, MAX_SAMPLE_CHARS)}…` : line;
}
