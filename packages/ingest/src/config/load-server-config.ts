import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { nearestName, resolveTextFields } from '@logship/query/core';
import { LISTEN_NOT_TEXT, peerKeyHint } from './peer-config-keys.js';
import { isTimeZone } from '../normalize/parse-timestamp.js';
import { checkRetentionConfig } from '../retention/retention-config.js';
import { buildAlertingConfig } from '../rules/alerting-config.js';
import { DURATION_PATTERN, notADuration } from '../rules/parse-duration.js';
import { buildLogMetricsConfig } from '../log-metrics/log-metrics-config.js';
import { checkLogMetrics } from '../log-metrics/check-log-metrics.js';
import { errorDefinition, LogshipError } from '../errors/define-error.js';
import { checkAlertingDurations } from './check-alerting-durations.js';
import { checkConfigQueries, checkSavedQueries } from './check-config-queries.js';
import { expandDropQueries, expandRetentionMatches } from './expand-config-queries.js';
import { redactRules, type RawRedactRule } from './redact-rules.js';
import { configErrors as errors } from './config-errors.js';
import { ConfigMistakes } from '../errors/config-mistakes.js';
import { MistakeList } from '../errors/mistake-list.js';
import { parseConfigYaml, type ConfigYaml } from './config-yaml.js';
import { placeConfigMistake } from './place-config-mistake.js';
import { interpolateEnv } from './interpolate-env.js';
import { restoreEnvText } from './restore-env-text.js';
import { parseListen } from './parse-listen.js';
import { configuredListeners, listenClashes } from './listen-clashes.js';
import { pathSegments, withPlace } from '../errors/yaml-places.js';
import { schemaTypeWords } from '../errors/schema-type-words.js';
import { DEFAULT_SERVER_CONFIG, SERVER_CONFIG_SCHEMA, deepFreeze, type ServerConfig, type TlsConfig } from './server-config.js';
import { parseSubject } from './parse-subject.js';

/** Command-line flags; each overrides the file. */
export interface ConfigFlags {
  config?: string;
  data?: string;
  listen?: string;
  store?: string;
  esUrl?: string;
  tlsCertFile?: string;
  tlsKeyFile?: string;
  tlsClientCaFile?: string;
  tlsMinVersion?: string;
}

// allErrors so that an unknown key is reported before what its misspelling made missing.
// verbose: an unknown key's error carries the object's schema, whose keys are the ones to suggest.
const validate = new Ajv({ allErrors: true, strict: true, verbose: true }).compile(SERVER_CONFIG_SCHEMA);

/*
 * file ─ YAML ─ ${ENV} ─ flags ─ schema ─ defaults ─ freeze
 */

/**
 * Reads, validates and freezes the server config. Throws LS_CONFIG_* errors.
 * With `later`, the mistakes found after the schema are added to it and the
 * config is returned with defaults where they were (buildServerConfig): the
 * caller (serve --check) runs its own checks too and throws them all.
 */
export function loadServerConfig(
  flags: ConfigFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
  later?: MistakeList,
): ServerConfig {
  let fromFile: Record<string, unknown> = {};
  // Values that were one `${NAME}` read as numbers or booleans, and their text (interpolate-env.ts).
  const typed = new Map<string, string>();
  if (flags.config !== undefined) {
    let text: string;
    try {
      text = readFileSync(flags.config, 'utf8');
    } catch (err) {
      throw errors.configRead(flags.config, (err as Error).message);
    }
    let yaml: ConfigYaml;
    try {
      yaml = parseConfigYaml(flags.config, text);
    } catch (err) {
      if (err instanceof LogshipError) throw err;
      throw errors.configSyntax(flags.config, (err as Error).message);
    }
    const doc = yaml.value;
    if (doc !== null && doc !== undefined) {
      if (typeof doc !== 'object' || Array.isArray(doc)) throw errors.configInvalid('(root)', 'must be a mapping');
      fromFile = interpolateEnv(doc, env, '', typed) as Record<string, unknown>;
    }
    const file = flags.config;
    return buildServerConfig(fromFile, flags, typed, (path) => {
      const where = yaml.locate(path);
      return where === undefined ? undefined : `${where} of ${file}`;
    }, later);
  }
  return buildServerConfig(fromFile, flags, typed, undefined, later);
}

/**
 * Validates an already-parsed config object with flags applied. `fromEnv`:
 * values interpolateEnv read as numbers or booleans, by JSON pointer, with
 * their text, put back where the schema wants text (restore-env-text.ts).
 */
export function buildServerConfig(
  input: Record<string, unknown>,
  flags: ConfigFlags = {},
  fromEnv: ReadonlyMap<string, string> = new Map(),
  /** Where a config path is in the file (`line L, column C of FILE`), for the schema's errors. */
  locate?: (path: readonly (string | number)[]) => string | undefined,
  /** Where the mistakes after the schema go, for a caller that throws them itself (loadServerConfig); else they are thrown here. */
  later?: MistakeList,
): ServerConfig {
  const raw = structuredClone(input);
  if (flags.data !== undefined) raw.data = flags.data;
  if (flags.listen !== undefined) raw.listen = flags.listen;
  if (flags.store !== undefined || flags.esUrl !== undefined) {
    const store = { ...((raw.store as Record<string, unknown> | undefined) ?? {}) };
    if (flags.store !== undefined) store.type = flags.store;
    if (flags.esUrl !== undefined) store.url = flags.esUrl;
    store.type ??= flags.esUrl !== undefined ? 'elasticsearch' : 'sqlite';
    raw.store = store;
  }

  applyTlsFlags(raw, flags);

  let valid = validate(raw);
  if (!valid && fromEnv.size > 0 && restoreEnvText(raw, validate.errors ?? [], fromEnv)) valid = validate(raw);
  if (!valid) {
    // Every mistake at once (allErrors), an unknown key first: what its misspelling made missing follows it.
    const found = schemaMistakes(validate.errors ?? []);
    const listed = [...found.filter((e) => e.keyword === 'additionalProperties'), ...found.filter((e) => e.keyword !== 'additionalProperties')];
    const [first, ...more] = listed.map((e) => schemaError(e, locate, validate.errors ?? []));
    if (first === undefined) throw schemaError(undefined, locate);
    throw more.length === 0 ? first : new ConfigMistakes(first, more);
  }
  // From here each check that does not need another's result runs even when
  // one before it failed: every mistake is reported at once, as the
  // schema's are (a default stands in for a part that failed, so the
  // checks after it still run; such a config goes back only to a caller
  // holding `later`, which throws what it holds).
  // Gathered here, then given their keys' places (placeConfigMistake) before they go to `later` or are thrown.
  const mistakes = new MistakeList();
  mistakes.check(() => checkAlertingDurations(raw.alerting), undefined);

  const d = DEFAULT_SERVER_CONFIG;
  const text_fields = mistakes.check(() => textFields((raw.search as { text_fields?: string[] } | undefined)?.text_fields), d.search.text_fields);
  // Checked before the queries written out with them, which a broken one would fail again.
  const saved = checkSavedQueries((raw.saved_queries as Record<string, string> | undefined) ?? {}, text_fields, mistakes);
  const auth = (raw.auth ?? {}) as Partial<ServerConfig['auth']>;
  const config: ServerConfig = {
    listen: (raw.listen as string | undefined) ?? d.listen,
    data: resolve((raw.data as string | undefined) ?? d.data),
    store: (raw.store as ServerConfig['store'] | undefined) ?? d.store,
    auth: {
      tokens: auth.tokens ?? [],
      rate_limit: { ...d.auth.rate_limit, ...auth.rate_limit },
      tls_clients: auth.tls_clients ?? [],
      failed_auth: { ...d.auth.failed_auth, ...auth.failed_auth },
    },
    ...(raw.tls ? { tls: { min_version: 'TLSv1.2', ...(raw.tls as Omit<TlsConfig, 'min_version'>) } } : {}),
    // Each refused value its own mistake at its own key (retention-config.ts words them; LS_CONFIG_INVALID, not a store's error).
    retention: expandRetentionMatches(checkRetentionConfig(raw.retention, (path, detail) => mistakes.add(errors.configInvalid(path, detail))), saved, mistakes),
    saved_queries: saved,
    limits: { ...d.limits, ...(raw.limits as object | undefined) },
    search: {
      text_fields,
      tail_max_duration_s: (raw.search as { tail_max_duration_s?: number } | undefined)?.tail_max_duration_s ?? d.search.tail_max_duration_s,
    },
    ingest: {
      default_timezone: mistakes.check(() => timeZone((raw.ingest as { default_timezone?: string } | undefined)?.default_timezone ?? d.ingest.default_timezone), d.ingest.default_timezone),
      drop: expandDropQueries((raw.ingest as { drop?: string[] } | undefined)?.drop ?? [], saved, mistakes),
      redact: mistakes.check(() => redactRules((raw.ingest as { redact?: RawRedactRule[] } | undefined)?.redact ?? []), []),
      ...((raw.ingest as { workers?: number } | undefined)?.workers !== undefined ? { workers: (raw.ingest as { workers: number }).workers } : {}),
      ...((raw.ingest as { redact_key_file?: string } | undefined)?.redact_key_file !== undefined
        ? { redact_key_file: resolve((raw.ingest as { redact_key_file: string }).redact_key_file) }
        : {}),
    },
    log: { ...d.log, ...(raw.log as object | undefined) },
    rule_files: (raw.rule_files as string[] | undefined) ?? [],
    alerting: mistakes.check(() => buildAlertingConfig(raw.alerting as Parameters<typeof buildAlertingConfig>[0]), d.alerting),
    log_metrics: mistakes.check(() => buildLogMetricsConfig(raw.log_metrics as Parameters<typeof buildLogMetricsConfig>[0]), []),
    syslog: { ...(raw.syslog as ServerConfig['syslog'] | undefined) },
    otlp: { ...(raw.otlp as ServerConfig['otlp'] | undefined) },
  };
  // A listen address given by --listen is not the file's: it has no place there.
  const placeOf = (key: string): string | undefined => (key === 'listen' && flags.listen !== undefined ? undefined : locate?.(pathSegments(key) ?? []));
  // Placed here: LS_CONFIG_BAD_LISTEN names the address, not its key, which placeConfigMistake needs.
  const listeners = configuredListeners(config);
  for (const { key, address } of listeners) {
    try {
      parseListen(address);
    } catch (err) {
      const where = err instanceof LogshipError ? placeOf(key) : undefined;
      mistakes.add(where === undefined ? err : withPlace(err as LogshipError, where));
    }
  }
  // The second key is placed as any refused value (placeConfigMistake); the first is named by its line.
  for (const { key, other, both } of listenClashes(config)) {
    const line = /^line \d+/.exec(placeOf(other) ?? '')?.[0];
    mistakes.add(errors.configInvalid(key, `takes the port of ${other}${line !== undefined ? ` (${line})` : ''}: ${key} and ${other} ${both}; give each listener a port of its own`));
  }
  const { listen_tls } = config.syslog;
  if (listen_tls !== undefined) {
    const own = config.syslog.tls_cert_file !== undefined || config.syslog.tls_key_file !== undefined;
    // Without files of its own the listener takes the server's tls block (RFC 5425 over the same certificate).
    if (own ? config.syslog.tls_cert_file === undefined || config.syslog.tls_key_file === undefined : config.tls === undefined) {
      mistakes.add(errors.configInvalid('syslog.listen_tls', 'needs syslog.tls_cert_file and syslog.tls_key_file, or a tls block'));
    }
  }
  mistakes.check(() => checkStore(config.store), undefined);
  mistakes.check(() => checkTokens(config), undefined);
  mistakes.check(() => checkTlsClients(config), undefined);
  mistakes.check(() => checkConfigQueries(config), undefined);
  mistakes.check(() => checkLogMetrics(config.log_metrics, config.saved_queries), undefined);
  const placed = later ?? new MistakeList();
  for (const m of mistakes.all) placed.add(locate ? placeConfigMistake(m, locate) : m);
  if (later === undefined) placed.throwIfAny();
  return deepFreeze(config);
}

function applyTlsFlags(raw: Record<string, unknown>, flags: ConfigFlags): void {
  const given = {
    cert_file: flags.tlsCertFile,
    key_file: flags.tlsKeyFile,
    client_ca_file: flags.tlsClientCaFile,
    min_version: flags.tlsMinVersion,
  };
  const set = Object.entries(given).filter(([, v]) => v !== undefined);
  if (set.length === 0) return;
  const tls = { ...((raw.tls as Record<string, unknown> | undefined) ?? {}), ...Object.fromEntries(set) };
  // `--tls-cert-file` alone was 'config value at "tls" must have required
  // property key_file', naming a config key the operator never wrote.
  for (const [has, needs] of [['cert_file', 'key_file'], ['key_file', 'cert_file']] as const) {
    if (tls[has] !== undefined && tls[needs] === undefined) {
      const flag = (k: string): string => `--tls-${k.replace('_', '-')}`;
      throw errors.configInvalid('tls', `needs ${needs}: ${given[has] !== undefined ? flag(has) : `tls.${has}`} was given without ${flag(needs)} (or tls.${needs} in the config)`);
    }
  }
  raw.tls = tls;
}

function checkStore(store: ServerConfig['store']): void {
  if (store.type === 'elasticsearch' && !store.url) {
    throw errors.configInvalid('store.url', 'is required when store.type is elasticsearch');
  }
  if (store.type === 'elasticsearch' && (store as { format?: unknown }).format !== undefined) {
    throw errors.configInvalid('store.format', 'applies to store.type sqlite only');
  }
  if (store.type === 'sqlite' && (store as { retention_overwrite?: unknown }).retention_overwrite !== undefined) {
    throw errors.configInvalid('store.retention_overwrite', 'applies to store.type elasticsearch only (a shared cluster\'s retention policy)');
  }
  if (store.type === 'sqlite' && (store as { start_when_unavailable?: unknown }).start_when_unavailable !== undefined) {
    throw errors.configInvalid('store.start_when_unavailable', 'applies to store.type elasticsearch only (an embedded store is always available)');
  }
}

function checkTlsClients(config: ServerConfig): void {
  if (config.auth.tls_clients.length > 0 && !config.tls?.client_ca_file) {
    // Without a client CA no certificate is verified, so none may stand for a token.
    throw errors.configInvalid('auth.tls_clients', 'needs tls.client_ca_file (mutual TLS) to verify client certificates');
  }
  const mistakes = new MistakeList();
  config.auth.tls_clients.forEach((c, i) => {
    try {
      parseSubject(c.subject);
    } catch (err) {
      mistakes.add(errors.configInvalid(`auth.tls_clients[${i}].subject`, (err as Error).message));
    }
  });
  mistakes.throwIfAny();
}

function textFields(value: string[] | undefined): readonly string[] {
  try {
    return resolveTextFields(value);
  } catch (err) {
    throw errors.configInvalid('search.text_fields', `is invalid: ${(err as Error).message}`);
  }
}

function timeZone(value: string): string {
  if (!isTimeZone(value)) throw errors.configInvalid('ingest.default_timezone', `"${value}" is not an IANA time zone name (e.g. UTC, Europe/Paris)`);
  return value;
}

function checkTokens(config: ServerConfig): void {
  const names = new Set<string>();
  const secrets = new Set<string>();
  const mistakes = new MistakeList();
  config.auth.tokens.forEach((t, i) => {
    if (names.has(t.name)) mistakes.add(errors.configInvalid(`auth.tokens[${i}].name`, `repeats the name "${t.name}"`));
    if (secrets.has(t.token)) mistakes.add(errors.configInvalid(`auth.tokens[${i}].token`, 'repeats another token'));
    names.add(t.name);
    secrets.add(t.token);
  });
  mistakes.throwIfAny();
}

/**
 * The schema's errors, one per mistake: a value no branch of an `anyOf`
 * takes (an `ingest.redact` entry, `alerting.alertmanager.url`) gives an
 * error per branch and one for the anyOf itself. Of those, an unknown key
 * is kept (`patern` in a redact rule), else the first branch's error: what
 * was told when only one error was.
 */
function schemaMistakes(all: readonly ErrorObject[]): ErrorObject[] {
  const isAlternative = (e: ErrorObject): boolean => e.keyword === 'anyOf' || e.keyword === 'oneOf';
  const groupOf = (e: ErrorObject): ErrorObject | undefined => all.find((a) => isAlternative(a) && e !== a
    && e.schemaPath.startsWith(`${a.schemaPath}/`) && (e.instancePath === a.instancePath || e.instancePath.startsWith(`${a.instancePath}/`)));
  return all.filter((e) => {
    if (isAlternative(e)) return false;
    const group = groupOf(e);
    if (group === undefined) return true;
    const members = all.filter((m) => !isAlternative(m) && groupOf(m) === group);
    const unknownKeys = members.filter((m) => m.keyword === 'additionalProperties');
    return unknownKeys.length > 0 ? unknownKeys.includes(e) : members[0] === e;
  });
}

function schemaError(e: ErrorObject | undefined, locate?: (path: readonly (string | number)[]) => string | undefined, all: readonly ErrorObject[] = []): LogshipError {
  if (!e) return errors.configInvalid('(root)', 'is invalid');
  const segments: (string | number)[] = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
  if (e.keyword === 'additionalProperties') segments.push((e.params as { additionalProperty: string }).additionalProperty);
  const where = locate?.(segments);
  const plain = schemaErrorAt(e, all);
  if (where === undefined) return plain;
  const def = errorDefinition(plain.code);
  return def ? new LogshipError(def, `${plain.message} (${where})`) : plain;
}

function schemaErrorAt(e: ErrorObject, all: readonly ErrorObject[]): LogshipError {
  // '/auth/tokens/0' → 'auth.tokens[0]'
  const path = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
  if (e.keyword === 'additionalProperties') {
    const key = (e.params as { additionalProperty: string }).additionalProperty;
    // The agent says which key was meant; so does the server (`limits.max_body_byte`).
    const known = Object.keys((e.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {});
    const full = path ? `${path}.${key}` : key;
    const peer = peerKeyHint(full);
    if (peer !== undefined) return errors.configUnknownKey(full, `; ${peer}`);
    const near = nearestName(key, known);
    return errors.configUnknownKey(full, near !== null ? `; did you mean "${near}"?` : '');
  }
  if (e.keyword === 'type' && path === 'listen') return errors.configInvalid('listen', LISTEN_NOT_TEXT);
  // "must NOT have fewer than 16 characters" said nothing of how to make one (the value itself is not shown: a secret).
  if (e.keyword === 'minLength' && /^auth\.tokens\[\d+\]\.token$/.test(path)) {
    return errors.configInvalid(path, 'is shorter than the 16 characters a token needs (a short one can be guessed): make one with `openssl rand -hex 32`');
  }
  // A duration key's pattern (`1 minute`) says what a duration looks like; a URL's what it starts with.
  if (e.keyword === 'pattern' && (e.params as { pattern: string }).pattern === DURATION_PATTERN) return errors.configInvalid(path, notADuration(String(e.data)));
  if (e.keyword === 'pattern' && (e.params as { pattern: string }).pattern === '^https?://') {
    return errors.configInvalid(path, `${JSON.stringify(e.data)} is not a URL: it starts with http:// or https://`);
  }
  if (e.keyword === 'enum') {
    const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
    return errors.configInvalid(path || '(root)', `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  }
  const typed = schemaTypeWords(e, all);
  if (typed !== undefined) return errors.configInvalid(path || '(root)', typed);
  return errors.configInvalid(path || '(root)', e.message ?? 'is invalid');
}
