/**
 * The ruler over HTTP, in the shapes Prometheus uses for the same routes so
 * Grafana and other tools that read a Prometheus ruler read this one:
 *
 *   GET  /api/v1/rules          { status, data: { groups: [ { name, file, interval, rules: [...] } ], groupNextToken? } }
 *   GET  /api/v1/alerts         { status, data: { alerts: [ { labels, annotations, state, activeAt, value } ] } }
 *   POST /api/v1/rules/reload   re-read the rule files (400 with the mistake; the running rules stay)
 *
 * Times are RFC 3339, durations and evaluation times seconds, values strings
 * (Go's %e), as Prometheus writes them. Fields of ours are added, none renamed.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { checkIntegerParams } from '@logship/query';
import type { AlertInstance } from './alert-state.js';
import { formatDuration } from './parse-duration.js';
import { prometheusValue } from './render-template.js';
import type { Ruler, RuleRuntime } from './ruler.js';
import { rulesErrors as errors } from './rules-errors.js';
import { firesOnPart } from './rule-left-out.js';

const ZERO_TIME = '0001-01-01T00:00:00Z';

function iso(ms: number | null): string {
  return ms === null ? ZERO_TIME : new Date(ms).toISOString();
}

function alertJson(a: AlertInstance) {
  return {
    labels: a.labels,
    annotations: a.annotations,
    state: a.state,
    activeAt: iso(a.activeAt),
    ...(a.keepFiringSince !== null ? { keepFiringSince: iso(a.keepFiringSince) } : {}),
    value: prometheusValue(a.value),
  };
}

/** Prometheus's group token: sha1 of `file;name`, in hex. */
function groupToken(file: string, name: string): string {
  return createHash('sha1').update(`${file};${name}`).digest('hex');
}

function ruleState(r: RuleRuntime): 'inactive' | 'pending' | 'firing' {
  let state: 'inactive' | 'pending' | 'firing' = 'inactive';
  for (const a of r.alerts.values()) {
    if (a.state === 'firing') return 'firing';
    if (a.state === 'pending') state = 'pending';
  }
  return state;
}

function ruleJson(r: RuleRuntime, ruler: Ruler) {
  const rule = r.rule;
  return {
    state: ruleState(r),
    name: rule.name,
    query: rule.query,
    duration: rule.for_ms / 1000,
    keepFiringFor: rule.keep_firing_for_ms / 1000,
    labels: rule.labels,
    annotations: rule.annotations,
    alerts: [...r.alerts.values()].filter((a) => a.state !== 'inactive').map(alertJson),
    health: r.health,
    ...(r.lastError !== null ? { lastError: r.lastError } : {}),
    // Ours: the last evaluation read only part of its window, and what it left out (alerts kept their state,
    // but for a rule what was read can fire, fires_on_part: rule-left-out.ts).
    partial: r.warnings.length > 0,
    ...(r.warnings.length > 0 ? { warnings: r.warnings, fires_on_part: firesOnPart(rule) } : {}),
    evaluationTime: r.evaluationTime_s,
    lastEvaluation: iso(r.lastEvaluation),
    type: 'alerting',
    // Ours: what the rule computes and the value it last saw.
    window: formatDuration(rule.window_ms),
    aggregate: rule.aggregateText,
    ...(rule.ratioTo ? { ratio_to: rule.ratioTo.query } : {}),
    ...(rule.above !== null ? { above: rule.above } : { below: rule.below }),
    group_by: rule.groupBy,
    value: r.lastValue === null ? null : prometheusValue(r.lastValue),
    generatorURL: ruler.generatorUrl(rule),
  };
}

export async function rulesRoutes(app: FastifyInstance, opts: { ruler: Ruler }): Promise<void> {
  // group_limit as decimal digits, as the query API's integers (0x10 was 16; Prometheus refuses it too).
  checkIntegerParams(app);
  const { ruler } = opts;
  const names = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } as const;
  app.get(
    '/api/v1/rules',
    {
      config: { scope: 'read' },
      schema: {
        summary: 'Alerting rules with their state, last evaluation, value and alerts (Prometheus /api/v1/rules shape)',
        // Prometheus's filters, so the tools that send them get what they asked for.
        querystring: {
          type: 'object',
          // Parameters it does not know are ignored, as Prometheus ignores them: a
          // Grafana newer than this server sends filters of later Prometheus versions
          // (`match[]`, …), and a 400 emptied its whole rule list.
          properties: {
            type: { enum: ['alert', 'record'] },
            'rule_name[]': names,
            'rule_group[]': names,
            'file[]': names,
            exclude_alerts: { type: 'boolean' },
            // Prometheus 3's paging, which Grafana's rule list sends.
            group_limit: { type: 'integer', minimum: 1 },
            group_next_token: { type: 'string' },
          },
        },
      },
    },
    async (request) => {
      const q = request.query as Record<string, string | string[] | boolean | undefined>;
      const list = (v: unknown): Set<string> | null => (v === undefined ? null : new Set(Array.isArray(v) ? v : [String(v)]));
      const ruleNames = list(q['rule_name[]']);
      const groupNames = list(q['rule_group[]']);
      const files = list(q['file[]']);
      const groups = ruler.groupRuntimes
        .filter((g) => (!groupNames || groupNames.has(g.group.name)) && (!files || files.has(g.group.file)))
        .map((g) => ({
          name: g.group.name,
          file: g.group.file,
          interval: g.group.interval_ms / 1000,
          limit: 0,
          rules:
            q.type === 'record'
              ? []
              : g.rules
                  .filter((r) => !ruleNames || ruleNames.has(r.rule.name))
                  .map((r) => {
                    const json = ruleJson(r, ruler);
                    return q.exclude_alerts === true ? { ...json, alerts: undefined } : json;
                  }),
          evaluationTime: g.evaluationTime_s,
          lastEvaluation: iso(g.lastEvaluation),
        }))
        // As Prometheus: a group without rules (all filtered out by type or
        // rule_name[], or none in the file) is left out, before paging.
        .filter((g) => g.rules.length > 0);
      const limit = q.group_limit as number | undefined;
      const token = q.group_next_token as string | undefined;
      if (limit === undefined) {
        if (token !== undefined) throw errors.rulesBadPage('group_next_token needs group_limit');
        return { status: 'success', data: { groups } };
      }
      // As Prometheus: the token names the first group of the next page.
      let start = 0;
      if (token !== undefined) {
        start = groups.findIndex((g) => groupToken(g.file, g.name) === token);
        if (start < 0) throw errors.rulesBadPage(`group_next_token "${token}" names no rule group`);
      }
      const page = groups.slice(start, start + limit);
      const next = groups[start + limit];
      return { status: 'success', data: { groups: page, ...(next ? { groupNextToken: groupToken(next.file, next.name) } : {}) } };
    },
  );

  app.get(
    '/api/v1/alerts',
    { config: { scope: 'read' }, schema: { summary: 'Pending and firing alerts (Prometheus /api/v1/alerts shape)' } },
    async () => ({
      status: 'success',
      data: {
        alerts: ruler.groupRuntimes.flatMap((g) =>
          g.rules.flatMap((r) => [...r.alerts.values()].filter((a) => a.state !== 'inactive').map(alertJson)),
        ),
      },
    }),
  );

  app.post(
    '/api/v1/rules/reload',
    { config: { scope: 'write' }, schema: { summary: 'Re-read the rule files; a mistake answers 400 and the running rules stay' } },
    async () => {
      const loaded = ruler.reload();
      return { status: 'success', data: loaded };
    },
  );
}
