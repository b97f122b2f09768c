import type { RetentionConfig } from '../retention/retention-config.js';
import { DEFAULT_RETENTION, RETENTION_KEYS_SCHEMA } from '../retention/retention-config.js';
import { DEFAULT_NORMALIZE_LIMITS, type NormalizeLimits } from '../normalize/limits.js';
import type { RedactRule } from '../normalize/redactor.js';
import { DEFAULT_TEXT_FIELDS } from '@logship/query/core';
import { ALERTING_CONFIG_SCHEMA, DEFAULT_ALERTING, RULE_FILES_SCHEMA, type AlertingConfig } from '../rules/alerting-config.js';
import { LOG_METRICS_SCHEMA, type LogMetricConfig } from '../log-metrics/log-metrics-config.js';

export type Scope = 'read' | 'write';

export interface TokenConfig {
  name: string;
  token: string;
  scopes: Scope[];
  /** Overrides auth.rate_limit.requests_per_s for this token. */
  requests_per_s?: number;
}

/** A client certificate subject standing for a token (mutual TLS). */
export interface TlsClientConfig {
  /** `CN=web-1` or `CN=web-1,O=Acme`: every attribute named must match the certificate's subject. */
  subject: string;
  scopes: Scope[];
}

/** HTTPS on the listen port; with client_ca_file, mutual TLS. */
export interface TlsConfig {
  cert_file: string;
  key_file: string;
  /** PEM CA bundle: clients must present a certificate it signed. */
  client_ca_file?: string;
  min_version: 'TLSv1.2' | 'TLSv1.3';
}

export interface IngestLimits extends NormalizeLimits {
  /** Request body as sent (compressed or not). */
  max_body_bytes: number;
  /** Body after gunzip: the guard against gzip bombs. */
  max_decompressed_bytes: number;
  /** One NDJSON line. */
  max_line_bytes: number;
}

export interface ElasticsearchStoreConfig {
  type: 'elasticsearch';
  url: string;
  api_key?: string;
  username?: string;
  password?: string;
  /** PEM file of the CA that signed the cluster's certificate. */
  ca_file?: string;
  /** Index names are `<index_prefix>-<class>-YYYY.MM.DD`. */
  index_prefix?: string;
  shards?: number;
  /** 0 for a single-node cluster. */
  replicas?: number;
  /**
   * Replace the index prefix's retention policy in the cluster with this
   * server's `retention` at start. Without it the policy the first server
   * wrote there rules every server of the prefix (docs/ELASTICSEARCH.md).
   */
  retention_overwrite?: boolean;
  /**
   * Start even when the cluster cannot be reached (default false: the
   * start fails with LS_ES_UNAVAILABLE). Until it is reached the server is
   * not ready and answers ingest and searches 503 with Retry-After, so
   * agents hold their lines; a server booting beside its cluster, or a
   * fleet riding out a cluster restart, starts instead of exhausting its
   * restarts. Refused credentials and untrusted certificates still fail.
   */
  start_when_unavailable?: boolean;
}

export interface SqliteStoreConfig {
  type: 'sqlite';
  /**
   * Partition format for new writes: `rows` (one SQLite row per event,
   * `<data>/sqlite`, docs/SQLITE_STORE.md) or `blocks` (column blocks,
   * `<data>/blocks`, docs/BLOCK_STORE.md). Absent: rows in a data folder
   * that already holds row partitions (until `logship store migrate`),
   * blocks in any other (store/store-format.ts).
   */
  format?: 'blocks' | 'rows';
}

export interface ServerConfig {
  /** HOST:PORT. */
  listen: string;
  /** Data folder of the SQLite store. */
  data: string;
  store: SqliteStoreConfig | ElasticsearchStoreConfig;
  auth: {
    tokens: TokenConfig[];
    /**
     * Per token and client address (`per: client`, the default: a fleet
     * sharing one token gets a bucket a host, and one runaway sender is held
     * back without throttling the others), or per token across all its
     * clients (`per: token`); 0 turns the limit off.
     */
    rate_limit: { requests_per_s: number; burst: number; per: 'client' | 'token' };
    /** Verified client certificates standing for tokens (needs tls.client_ca_file). */
    tls_clients: TlsClientConfig[];
    /**
     * Failed authentications (no or unknown token) per client address:
     * `burst` at once, refilled at `per_s`. Once spent, that address gets 429
     * for every authenticated route until the bucket refills, so tokens
     * cannot be guessed faster than this. 0 turns it off.
     */
    failed_auth: { per_s: number; burst: number };
  };
  tls?: TlsConfig;
  retention: RetentionConfig;
  saved_queries: Record<string, string>;
  limits: IngestLimits;
  search: {
    /**
     * The text fields: free text searches them, and they are analyzed like
     * message (query package resolveTextFields: message first).
     */
    text_fields: readonly string[];
    /**
     * How long one live tail stream (/api/v1/tail) lasts before the server
     * ends it with `event: end` and the reader resumes where it was (Loki's
     * tail_max_duration): a tail left open for days holds a connection and
     * a stream slot. 0: no limit.
     */
    tail_max_duration_s: number;
  };
  ingest: {
    /** IANA zone in which a timestamp without an offset is read, unless the event says `@timezone`. */
    default_timezone: string;
    /**
     * Queries (saved query references written out): an event matching one
     * is not stored, and its sender is told it was taken (`dropped`), as
     * Promtail's drop stage or Filebeat's drop_event do at the shipper.
     */
    drop: readonly string[];
    /**
     * Patterns replaced in every stored event's string fields (or the
     * fields a rule names) before anything else sees it, in rule order
     * (normalize/redactor.ts).
     */
    redact: readonly RedactRule[];
    /**
     * The key redacted events' ids are taken with (server/redaction-key.ts);
     * default `<data>/redaction.key`, made at the first start with rules.
     * Servers sharing one Elasticsearch name one file, so a line retried
     * through another server is still one event.
     */
    redact_key_file?: string;
    /**
     * Threads that normalize native requests (`POST /api/v1/ingest`) and
     * encode them for the block store, beside the main thread that reads
     * and answers requests (server/ingest-workers.ts). 0: all on the main
     * thread (the default).
     */
    workers?: number;
  };
  log: { level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent' };
  /** Globs of rule files (docs/ALERTING.md), relative to the working directory. */
  rule_files: string[];
  alerting: AlertingConfig;
  log_metrics: LogMetricConfig[];
  /** Syslog listeners (RFC 5424 / 3164), off unless an address is given. */
  syslog: {
    listen_tcp?: string;
    listen_udp?: string;
    /** RFC 5425: syslog over TLS; needs tls_cert_file and tls_key_file. */
    listen_tls?: string;
    /** PEM certificate (chain) and key of the TLS listener. */
    tls_cert_file?: string;
    tls_key_file?: string;
  };
  /** OTLP/gRPC logs on a port of its own, off unless an address is given (OTLP/HTTP is always on /v1/logs). */
  otlp: { grpc_listen?: string };
}

export const DEFAULT_SERVER_CONFIG: ServerConfig = deepFreeze({
  // Loopback by default: nothing is exposed until someone decides to.
  listen: '127.0.0.1:7700',
  data: './logship-data',
  store: { type: 'sqlite' },
  auth: { tokens: [], rate_limit: { requests_per_s: 100, burst: 200, per: 'client' }, tls_clients: [], failed_auth: { per_s: 1, burst: 20 } },
  retention: DEFAULT_RETENTION,
  saved_queries: {},
  limits: {
    max_body_bytes: 10 * 1024 * 1024,
    max_decompressed_bytes: 100 * 1024 * 1024,
    max_line_bytes: 1024 * 1024,
    ...DEFAULT_NORMALIZE_LIMITS,
  },
  search: { text_fields: DEFAULT_TEXT_FIELDS, tail_max_duration_s: 3600 },
  ingest: { default_timezone: 'UTC', drop: [], redact: [] },
  log: { level: 'info' },
  rule_files: [],
  alerting: DEFAULT_ALERTING,
  log_metrics: [],
  syslog: {},
  otlp: {},
});

const positiveInt = { type: 'integer', minimum: 1 } as const;
const scopesSchema = { type: 'array', minItems: 1, uniqueItems: true, items: { enum: ['read', 'write'] } } as const;

/**
 * The file's shape. `additionalProperties: false` everywhere: a misspelt key
 * is an error naming its path, never silently ignored. `retention`'s keys
 * come from the retention module, which owns its shape and checks its values.
 */
export const SERVER_CONFIG_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    listen: { type: 'string', minLength: 1 },
    data: { type: 'string', minLength: 1 },
    store: {
      type: 'object',
      additionalProperties: false,
      required: ['type'],
      properties: {
        type: { enum: ['sqlite', 'elasticsearch'] },
        format: { enum: ['blocks', 'rows'] },
        url: { type: 'string', minLength: 1 },
        api_key: { type: 'string' },
        username: { type: 'string' },
        password: { type: 'string' },
        ca_file: { type: 'string', minLength: 1 },
        index_prefix: { type: 'string', minLength: 1 },
        shards: positiveInt,
        replicas: { type: 'integer', minimum: 0 },
        retention_overwrite: { type: 'boolean' },
        start_when_unavailable: { type: 'boolean' },
      },
    },
    auth: {
      type: 'object',
      additionalProperties: false,
      properties: {
        tokens: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'token', 'scopes'],
            properties: {
              name: { type: 'string', minLength: 1 },
              // Short tokens are guessable; 16 characters is the floor.
              token: { type: 'string', minLength: 16 },
              scopes: scopesSchema,
              requests_per_s: { type: 'number', minimum: 0 },
            },
          },
        },
        tls_clients: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['subject', 'scopes'],
            properties: { subject: { type: 'string', minLength: 3 }, scopes: scopesSchema },
          },
        },
        rate_limit: {
          type: 'object',
          additionalProperties: false,
          properties: { requests_per_s: { type: 'number', minimum: 0 }, burst: positiveInt, per: { enum: ['client', 'token'] } },
        },
        failed_auth: {
          type: 'object',
          additionalProperties: false,
          properties: { per_s: { type: 'number', minimum: 0 }, burst: positiveInt },
        },
      },
    },
    tls: {
      type: 'object',
      additionalProperties: false,
      required: ['cert_file', 'key_file'],
      properties: {
        cert_file: { type: 'string', minLength: 1 },
        key_file: { type: 'string', minLength: 1 },
        client_ca_file: { type: 'string', minLength: 1 },
        min_version: { enum: ['TLSv1.2', 'TLSv1.3'] },
      },
    },
    retention: RETENTION_KEYS_SCHEMA,
    saved_queries: { type: 'object', additionalProperties: { type: 'string', minLength: 1 } },
    limits: {
      type: 'object',
      additionalProperties: false,
      properties: {
        max_body_bytes: positiveInt,
        max_decompressed_bytes: positiveInt,
        max_line_bytes: positiveInt,
        max_fields: positiveInt,
        max_depth: positiveInt,
        max_value_bytes: positiveInt,
        max_future_s: { type: 'integer', minimum: 0 },
      },
    },
    search: {
      type: 'object',
      additionalProperties: false,
      properties: {
        text_fields: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
        tail_max_duration_s: { type: 'integer', minimum: 0 },
      },
    },
    ingest: {
      type: 'object',
      additionalProperties: false,
      properties: {
        default_timezone: { type: 'string', minLength: 1 },
        drop: { type: 'array', items: { type: 'string', minLength: 1 } },
        redact_key_file: { type: 'string', minLength: 1 },
        workers: { type: 'integer', minimum: 0, maximum: 64 },
        redact: {
          type: 'array',
          items: {
            // A pattern alone, or a rule with its options.
            anyOf: [
              { type: 'string', minLength: 1 },
              {
                type: 'object',
                additionalProperties: false,
                required: ['pattern'],
                properties: {
                  name: { type: 'string', minLength: 1 },
                  pattern: { type: 'string', minLength: 1 },
                  replacement: { type: 'string' },
                  fields: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, uniqueItems: true },
                  ignore_case: { type: 'boolean' },
                },
              },
            ],
          },
        },
      },
    },
    log: {
      type: 'object',
      additionalProperties: false,
      properties: { level: { enum: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] } },
    },
    rule_files: RULE_FILES_SCHEMA,
    alerting: ALERTING_CONFIG_SCHEMA,
    log_metrics: LOG_METRICS_SCHEMA,
    syslog: {
      type: 'object',
      additionalProperties: false,
      properties: {
        listen_tcp: { type: 'string', minLength: 1 },
        listen_udp: { type: 'string', minLength: 1 },
        listen_tls: { type: 'string', minLength: 1 },
        tls_cert_file: { type: 'string', minLength: 1 },
        tls_key_file: { type: 'string', minLength: 1 },
      },
    },
    otlp: {
      type: 'object',
      additionalProperties: false,
      properties: { grpc_listen: { type: 'string', minLength: 1 } },
    },
  },
} as const;

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
