/**
 * The server config's `rule_files` and `alerting` sections (docs/ALERTING.md):
 * where rule files are, how often they run, and where alerts go.
 */
import { DURATION_PATTERN, parseDuration } from './parse-duration.js';

export interface AlertingConfig {
  /** Default group interval. */
  evaluation_interval_ms: number;
  /** A firing alert is re-sent this often (Prometheus's --rules.alert.resend-delay). */
  resend_delay_ms: number;
  /** Deadline of one rule's queries; past it the evaluation fails and is reported. */
  query_timeout_ms: number;
  /** group_by series per rule; the rest are dropped and counted. */
  max_series_per_rule: number;
  /** Base of generatorURL (the search page); default the server's own address. */
  external_url: string | null;
  alertmanager: { urls: string[]; timeout_ms: number };
  /**
   * A webhook is told of changes (firing, resolved) and reminded of a firing
   * alert every repeat_interval, as Alertmanager notifies its receivers; not
   * sent every resend_delay as Alertmanager itself is.
   */
  webhooks: { url: string; timeout_ms: number; repeat_interval_ms: number }[];
}

/** Alertmanager's default repeat_interval. */
export const DEFAULT_WEBHOOK_REPEAT_MS = 4 * 3_600_000;

export const DEFAULT_ALERTING: AlertingConfig = {
  evaluation_interval_ms: 60_000,
  resend_delay_ms: 60_000,
  query_timeout_ms: 30_000,
  max_series_per_rule: 100,
  external_url: null,
  alertmanager: { urls: [], timeout_ms: 10_000 },
  webhooks: [],
};

const duration = { type: 'string', pattern: DURATION_PATTERN } as const;
const url = { type: 'string', pattern: '^https?://' } as const;

export const ALERTING_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    evaluation_interval: duration,
    resend_delay: duration,
    query_timeout: duration,
    max_series_per_rule: { type: 'integer', minimum: 1, maximum: 10_000 },
    external_url: url,
    alertmanager: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: { anyOf: [url, { type: 'array', minItems: 1, items: url }] },
        timeout: duration,
      },
    },
    webhooks: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['url'],
        properties: { url, timeout: duration, repeat_interval: duration },
      },
    },
  },
} as const;

export const RULE_FILES_SCHEMA = { type: 'array', items: { type: 'string', minLength: 1 } } as const;

interface RawAlerting {
  evaluation_interval?: string;
  resend_delay?: string;
  query_timeout?: string;
  max_series_per_rule?: number;
  external_url?: string;
  alertmanager?: { url: string | string[]; timeout?: string };
  webhooks?: { url: string; timeout?: string; repeat_interval?: string }[];
}

/** Schema-validated raw section → config with durations in ms. */
export function buildAlertingConfig(raw: RawAlerting | undefined): AlertingConfig {
  const d = DEFAULT_ALERTING;
  const ms = (v: string | undefined, fallback: number): number => (v === undefined ? fallback : (parseDuration(v) ?? fallback));
  const r = raw ?? {};
  const am = r.alertmanager;
  return {
    evaluation_interval_ms: ms(r.evaluation_interval, d.evaluation_interval_ms),
    resend_delay_ms: ms(r.resend_delay, d.resend_delay_ms),
    query_timeout_ms: ms(r.query_timeout, d.query_timeout_ms),
    max_series_per_rule: r.max_series_per_rule ?? d.max_series_per_rule,
    external_url: r.external_url?.replace(/\/+$/, '') ?? null,
    alertmanager: {
      urls: am === undefined ? [] : (Array.isArray(am.url) ? am.url : [am.url]).map((u) => u.replace(/\/+$/, '')),
      timeout_ms: ms(am?.timeout, d.alertmanager.timeout_ms),
    },
    webhooks: (r.webhooks ?? []).map((w) => ({
      url: w.url,
      timeout_ms: ms(w.timeout, 10_000),
      repeat_interval_ms: ms(w.repeat_interval, DEFAULT_WEBHOOK_REPEAT_MS),
    })),
  };
}
