import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { LineCounter, parse as parseYaml, parseDocument, YAMLParseError } from 'yaml';
import { agentError } from './errors.js';
import { readTlsOptions, type ServerTlsConfig } from './tls-options.js';
import { Checker, configProblemsError, int, object, oneOf, optStr, str } from './config-checker.js';
import { sourceConfig, type SourceConfig } from './source-config.js';
import { UNKNOWN_SOURCE } from './held-sources.js';

/**
 * The agent's YAML config (DESIGN.md §7), validated once at start (and on
 * SIGHUP) against a strict schema: an unknown key is an error naming its
 * path, option names carry their units, and the result is frozen.
 */

// What a source's config is moved to source-config.ts; importers of the config keep finding it here.
export type { FileSourceConfig, JournaldSourceConfig, LineFilterConfig, MultilineConfig, SourceConfig } from './source-config.js';

export type { ServerTlsConfig } from './tls-options.js';

export interface AgentConfig {
  readonly server: { readonly url: string; readonly token?: string; readonly timeout_ms: number; readonly tls?: ServerTlsConfig };
  readonly data_dir: string;
  readonly host: string;
  readonly batch: { readonly max_events: number; readonly max_bytes: number; readonly max_age_ms: number };
  readonly spool: {
    readonly max_bytes: number;
    readonly when_full: 'block' | 'drop_oldest';
    readonly memory_batches: number;
    /** Lines answered `retryable` held aside while later ones ship (held-lines.ts): at most this many, and bytes. */
    readonly max_held_events: number;
    readonly max_held_bytes: number;
    /** Held lines older than this are dropped and counted (0: held until ingest takes them). */
    readonly max_held_age_s: number;
  };
  readonly retry: { readonly initial_backoff_ms: number; readonly max_backoff_ms: number };
  readonly sources: readonly SourceConfig[];
  /** Absent with `metrics: { listen: off }`. */
  readonly metrics?: { readonly listen: string };
  readonly health: { readonly max_delivery_lag_s: number; readonly max_spool_percent: number };
  readonly shutdown_timeout_ms: number;
  readonly log_level: 'debug' | 'info' | 'warn' | 'error';
}

export const DEFAULT_METRICS_LISTEN = '127.0.0.1:9477';

/** Push endpoints a server.url may end with by mistake: ours, Loki's, Elasticsearch's bulk, OTLP's, VictoriaLogs'. */
const INGEST_ENDPOINTS = /\/(?:api\/v1\/ingest|loki\/api\/v1\/push|api\/prom\/push|_bulk|v1\/logs|insert\/jsonline|insert\/elasticsearch\/_bulk)\/?$/;

function serverTls(v: unknown, c: Checker, url: string): ServerTlsConfig | undefined {
  if (v === undefined || v === null) return undefined;
  const o = object(v, c, ['ca_file', 'cert_file', 'key_file', 'server_name', 'insecure_skip_verify']);
  // TLS options on an http:// URL would ship in clear while the operator believes otherwise.
  if (!url.startsWith('https:')) c.report('needs an https:// server.url');
  const ca_file = optStr(o, 'ca_file', c);
  const cert_file = optStr(o, 'cert_file', c);
  const key_file = optStr(o, 'key_file', c);
  const server_name = optStr(o, 'server_name', c);
  if ((cert_file === undefined) !== (key_file === undefined)) c.report('set both cert_file and key_file, or neither');
  const skip = o.insecure_skip_verify;
  if (skip !== undefined && skip !== null && typeof skip !== 'boolean') c.at('insecure_skip_verify').report('expected true or false');
  return {
    ...(ca_file !== undefined ? { ca_file } : {}),
    ...(cert_file !== undefined ? { cert_file } : {}),
    ...(key_file !== undefined ? { key_file } : {}),
    ...(server_name !== undefined ? { server_name } : {}),
    insecure_skip_verify: skip === true,
  };
}

/** Replaces `${NAME}` (and `${NAME:-default}`) in every string value. */
export function interpolate(value: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string') {
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g, (_m, name: string, dflt?: string) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (dflt !== undefined) return dflt;
      throw agentError('LS_AGENT_CONFIG_ENV', name);
    });
  }
  if (Array.isArray(value)) return value.map((v) => interpolate(v, env));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolate(v, env)]));
  }
  return value;
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const child of Object.values(v)) deepFreeze(child);
    Object.freeze(v);
  }
  return v;
}

/** server.url: an http(s) address, with its scheme, that is not an endpoint; '' was said missing already. */
function serverUrl(url: string, c: Checker): void {
  if (url === '') return;
  // `url: logs.internal:7700` (curl's and the logship CLI's habit) was "not a valid URL", or for
  // `logs:7700` a URL of scheme `logs:`, "must be an http or https URL": say the scheme is missing.
  if (!url.includes('://') && /^(\[[^\]]+\]|[\w.-]+):\d+(\/.*)?$/.test(url)) {
    c.report(`has no scheme: write http://${url} (https://${url} when the server has tls)`);
    return;
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    c.report('is not a valid URL');
    return;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    c.report('must be an http or https URL');
    return;
  }
  // The agent adds /api/v1/ingest itself; an endpoint pasted in (ours, or Loki's, Elasticsearch's or
  // OTLP's from a peer's config) was posted to as `<url>/api/v1/ingest` and answered 404 forever.
  const endpoint = INGEST_ENDPOINTS.exec(u.pathname);
  if (endpoint) {
    const base = `${u.origin}${u.pathname.slice(0, endpoint.index)}`;
    c.report(`is the server's address, to which the agent adds /api/v1/ingest itself, not an endpoint (${endpoint[0]}): write ${base}`);
  }
}

/** Validates an already-parsed config document. */
/**
 * Validates an already-parsed config document; every mistake found is
 * thrown at once (`place` says where a key's path is in the file).
 */
export function validateConfig(doc: unknown, env: NodeJS.ProcessEnv = process.env, place?: (keys: readonly (string | number)[]) => string): AgentConfig {
  const c = new Checker('');
  const o = object(interpolate(doc ?? {}, env), c, ['server', 'data_dir', 'host', 'batch', 'spool', 'retry', 'sources',
    'metrics', 'health', 'shutdown_timeout_ms', 'log_level']);

  const sc = c.at('server');
  // `server: http://logs:7700` is the natural first guess (Promtail's `clients: [url: …]` is a list of mappings too).
  if (typeof o.server === 'string') sc.report(`expected a mapping: write server: { url: ${o.server} }`);
  const so = typeof o.server === 'string' ? {} : object(o.server, sc, ['url', 'token', 'timeout_ms', 'tls']);
  const url = typeof o.server === 'string' ? '' : str(so, 'url', sc);
  serverUrl(url, sc.at('url'));
  const token = optStr(so, 'token', sc);
  const tls = serverTls(so.tls, sc.at('tls'), url);

  const bc = c.at('batch');
  const bo = o.batch === undefined ? {} : object(o.batch, bc, ['max_events', 'max_bytes', 'max_age_ms']);
  const spc = c.at('spool');
  const spo = o.spool === undefined ? {} : object(o.spool, spc, ['max_bytes', 'when_full', 'memory_batches', 'max_held_events', 'max_held_bytes', 'max_held_age_s']);
  const rc = c.at('retry');
  const ro = o.retry === undefined ? {} : object(o.retry, rc, ['initial_backoff_ms', 'max_backoff_ms']);

  if (!Array.isArray(o.sources)) c.at('sources').report(o.sources === undefined ? 'is required' : 'expected a list');
  const sources = (Array.isArray(o.sources) ? o.sources as unknown[] : [])
    .flatMap((s, i) => c.guard(() => [sourceConfig(s, c.at('sources').at(i), i)], []));
  const names = new Set<string>();
  sources.forEach((s, i) => {
    if (names.has(s.name)) c.at('sources').at(i).at('name').report(`duplicates the name ${s.name}`);
    // Held lines no source can be told for are counted under it: a source of that name would have them in its counts.
    if (s.name === UNKNOWN_SOURCE) {
      c.at('sources').at(i).at('name').report(`${UNKNOWN_SOURCE} is taken: the agent counts held lines whose source it cannot tell under source="${UNKNOWN_SOURCE}" in its metrics; choose another name`);
    }
    names.add(s.name);
  });

  // On by default, on loopback only: an operator can alert on /health
  // without having to remember to turn it on.
  let metrics: { listen: string } | undefined = { listen: DEFAULT_METRICS_LISTEN };
  if (o.metrics !== undefined && o.metrics !== null) {
    const mc = c.at('metrics');
    const mo = object(o.metrics, mc, ['listen']);
    const listen = str(mo, 'listen', mc, DEFAULT_METRICS_LISTEN);
    if (listen === 'off') metrics = undefined;
    else if (!/^[^\s:]*:\d{1,5}$/.test(listen) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(listen)) mc.at('listen').report('expected HOST:PORT or off');
    // 127.0.0.1:99999 passed --check and was only a warning at start, the agent running without /health.
    else if (Number(listen.slice(listen.lastIndexOf(':') + 1)) > 65535) mc.at('listen').report('the port must be from 0 to 65535');
    else metrics = { listen };
  }
  const hc = c.at('health');
  const ho = o.health === undefined || o.health === null ? {} : object(o.health, hc, ['max_delivery_lag_s', 'max_spool_percent']);
  const maxSpoolPercent = int(ho, 'max_spool_percent', hc, 80, 1);
  if (maxSpoolPercent > 100) hc.at('max_spool_percent').report('expected an integer from 1 to 100');

  const config = {
    server: {
      url: url.replace(/\/+$/, ''),
      ...(token !== undefined ? { token } : {}),
      timeout_ms: int(so, 'timeout_ms', sc, 30_000, 1),
      ...(tls ? { tls } : {}),
    },
    data_dir: str(o, 'data_dir', c),
    host: str(o, 'host', c, hostname()),
    batch: {
      max_events: int(bo, 'max_events', bc, 1000, 1),
      max_bytes: int(bo, 'max_bytes', bc, 1024 * 1024, 1024),
      max_age_ms: int(bo, 'max_age_ms', bc, 1000, 1),
    },
    spool: {
      max_bytes: int(spo, 'max_bytes', spc, 1024 * 1024 * 1024, 0),
      when_full: oneOf(spo, 'when_full', spc, ['block', 'drop_oldest'] as const, 'block'),
      memory_batches: int(spo, 'memory_batches', spc, 4, 1),
      // 0 holds nothing aside: shipping waits for such lines, as before they were held.
      max_held_events: int(spo, 'max_held_events', spc, 100_000, 0),
      max_held_bytes: int(spo, 'max_held_bytes', spc, 64 * 1024 * 1024, 0),
      // 0 never gives them up: dropping lines is the operator's decision (a day lost for good).
      max_held_age_s: int(spo, 'max_held_age_s', spc, 0, 0),
    },
    retry: {
      initial_backoff_ms: int(ro, 'initial_backoff_ms', rc, 200, 1),
      max_backoff_ms: int(ro, 'max_backoff_ms', rc, 30_000, 1),
    },
    sources,
    ...(metrics ? { metrics } : {}),
    health: { max_delivery_lag_s: int(ho, 'max_delivery_lag_s', hc, 300, 1), max_spool_percent: maxSpoolPercent },
    shutdown_timeout_ms: int(o, 'shutdown_timeout_ms', c, 5000, 0),
    log_level: oneOf(o, 'log_level', c, ['debug', 'info', 'warn', 'error'] as const, 'info'),
  };
  if (c.problems.length > 0) throw configProblemsError(c.problems, place);
  return deepFreeze(config);
}

/**
 * Where a key's path is in the YAML text: ` (line 3, column 8)` of its
 * value, or of the nearest mapping above it that is there (a missing key's
 * place is its mapping's); '' for the document itself.
 */
function placeIn(text: string): (keys: readonly (string | number)[]) => string {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return (keys) => {
    for (let n = keys.length; n > 0; n--) {
      const node = doc.getIn(keys.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range === undefined) continue;
      const { line, col } = lines.linePos(node.range[0]);
      return ` (line ${line}, column ${col})`;
    }
    return '';
  };
}

/** Where a key's path is in the config file (` (line 3, column 8)`), for --check's warnings; '' when it cannot be read. */
export function placeInFile(file: string): (keys: readonly (string | number)[]) => string {
  try {
    return placeIn(readFileSync(file, 'utf8'));
  } catch {
    return () => '';
  }
}

/** Reads, parses and validates the YAML config file. */
export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw agentError('LS_AGENT_CONFIG_READ', `${file}: ${(err as Error).message}`, err);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (err) {
    if (err instanceof YAMLParseError) throw agentError('LS_AGENT_CONFIG_SYNTAX', err.message, err);
    throw err;
  }
  const config = validateConfig(doc, env, placeIn(text));
  // Unreadable or malformed TLS files are config errors (--check, SIGHUP), not shipping failures.
  if (config.server.tls) readTlsOptions(config.server.tls);
  return config;
}
