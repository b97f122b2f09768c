import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { agentError } from './errors.js';
import { KUBERNETES_INCLUDE, KUBERNETES_SYMLINK_DIR } from './kubernetes-pod-log.js';
import { readTlsOptions } from './tls-options.js';
import { didYouMean } from './did-you-mean.js';
import { linearTimeProblem } from './bounded-regex.js';
import { filterPatternSource, UPPER_CASE_ESCAPE } from './line-filter.js';

/**
 * The agent's YAML config (DESIGN.md §7), validated once at start (and on
 * SIGHUP) against a strict schema: an unknown key is an error naming its
 * path, option names carry their units, and the result is frozen.
 */

export interface MultilineConfig {
  /** A line matching `start` begins a new event; others join the previous one. */
  readonly start?: string;
  /** A line matching `continuation` joins the previous event. */
  readonly continuation?: string;
  /** An event with no new line for this long is complete. */
  readonly timeout_ms: number;
  readonly max_lines: number;
}

/** Line filters every source has (line-filter.ts). */
export interface LineFilterConfig {
  /** When set, only events matching one of these are shipped. */
  readonly include_lines: readonly string[];
  /** Events matching one of these are not shipped. */
  readonly exclude_lines: readonly string[];
}

export interface FileSourceConfig extends LineFilterConfig {
  /**
   * `docker`: json-file logs, unwrapped and joined (docker-json-file.ts);
   * `kubernetes`: the kubelet's pod logs in the CRI format (cri-log.ts,
   * kubernetes-pod-log.ts).
   */
  readonly type: 'file' | 'nginx' | 'docker' | 'kubernetes';
  readonly name: string;
  readonly include: readonly string[];
  readonly exclude: readonly string[];
  readonly labels: Readonly<Record<string, string>>;
  /**
   * IANA zone the source writes offset-less times in (Django's TIME_ZONE);
   * sent with each event as the envelope key `@timezone` (docs/WIRE.md).
   */
  readonly timezone?: string;
  readonly multiline?: MultilineConfig;
  /** Where to start in a file that has no checkpoint and was present at start. */
  readonly start_position: 'beginning' | 'end';
  /** Longest line read as one event: a JSON record (`{…`), which ingest parses only whole. */
  readonly max_line_bytes: number;
  /**
   * Longest plain-text event (and part of a split line): ingest stores such
   * a line as one message and cuts it at its `limits.max_value_bytes`, so
   * the default is that limit's default (line-framer.ts).
   */
  readonly max_message_bytes: number;
  readonly long_lines: 'split' | 'truncate';
  /** A last line without newline is emitted once the file is idle this long. */
  readonly partial_line_flush_ms: number;
  /** The handle of a file idle this long is closed (reopened on change). */
  readonly close_idle_ms: number;
  readonly poll_interval_ms: number;
  /**
   * Directories besides a file's own where rotated files may be moved to
   * (logrotate's `olddir`): searched at start for checkpointed files that
   * were rotated while the agent was down.
   */
  readonly rotated_dirs: readonly string[];
}

export interface JournaldSourceConfig extends LineFilterConfig {
  readonly type: 'journald';
  readonly name: string;
  readonly units: readonly string[];
  /** Services run as user units (`systemctl --user`): entries whose _SYSTEMD_USER_UNIT is one of them. */
  readonly user_units: readonly string[];
  /** journalctl matches, `FIELD=value` (e.g. `SYSLOG_IDENTIFIER=web`). */
  readonly matches: readonly string[];
  readonly directory?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly start_position: 'beginning' | 'end';
  readonly journalctl_path: string;
}

export type SourceConfig = FileSourceConfig | JournaldSourceConfig;

/** How the agent verifies an https server and which certificate it presents (paths; read by tls-options.ts). */
export interface ServerTlsConfig {
  /** PEM CA bundle to trust instead of the system's (a private CA). */
  readonly ca_file?: string;
  /** Client certificate and key for mutual TLS (both or neither). */
  readonly cert_file?: string;
  readonly key_file?: string;
  /** Host name the certificate must carry, when it is not the URL's host. */
  readonly server_name?: string;
  /** Accept any certificate (warned about at every start). */
  readonly insecure_skip_verify: boolean;
}

export interface AgentConfig {
  readonly server: { readonly url: string; readonly token?: string; readonly timeout_ms: number; readonly tls?: ServerTlsConfig };
  readonly data_dir: string;
  readonly host: string;
  readonly batch: { readonly max_events: number; readonly max_bytes: number; readonly max_age_ms: number };
  readonly spool: { readonly max_bytes: number; readonly when_full: 'block' | 'drop_oldest'; readonly memory_batches: number };
  readonly retry: { readonly initial_backoff_ms: number; readonly max_backoff_ms: number };
  readonly sources: readonly SourceConfig[];
  /** Absent with `metrics: { listen: off }`. */
  readonly metrics?: { readonly listen: string };
  readonly health: { readonly max_delivery_lag_s: number; readonly max_spool_percent: number };
  readonly shutdown_timeout_ms: number;
  readonly log_level: 'debug' | 'info' | 'warn' | 'error';
}

type Obj = Record<string, unknown>;

export const DEFAULT_METRICS_LISTEN = '127.0.0.1:9477';
/** ingest's default `limits.max_value_bytes`: the longest message it stores whole. */
export const DEFAULT_MAX_MESSAGE_BYTES = 65_536;
/** Where docker's json-file driver writes (the `docker` preset's default include). */
export const DOCKER_INCLUDE = '/var/lib/docker/containers/*/*-json.log';

class Checker {
  constructor(readonly path: string) {}
  fail(msg: string): never {
    throw agentError('LS_AGENT_CONFIG_INVALID', this.path || '(root)', msg);
  }
  at(key: string | number): Checker {
    return new Checker(typeof key === 'number' ? `${this.path}[${key}]` : this.path ? `${this.path}.${key}` : key);
  }
}

const suggestion = (word: string, allowed: readonly string[]): string => {
  const s = didYouMean(word, allowed);
  return s !== undefined ? `; did you mean ${s}?` : '';
};

function object(v: unknown, c: Checker, allowed: readonly string[], elsewhere?: (key: string) => string | undefined): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) c.fail('expected a mapping');
  for (const k of Object.keys(v as Obj)) {
    if (allowed.includes(k)) continue;
    const other = elsewhere?.(k);
    c.at(k).fail(`unknown key${other !== undefined ? `: ${other}` : suggestion(k, allowed)} (allowed here: ${allowed.join(', ')})`);
  }
  return v as Obj;
}

function str(o: Obj, key: string, c: Checker, dflt?: string): string {
  const v = o[key];
  if (v === undefined || v === null) {
    if (dflt === undefined) return c.at(key).fail('is required');
    return dflt;
  }
  if (typeof v !== 'string' || v === '') return c.at(key).fail('expected a non-empty string');
  return v;
}

function optStr(o: Obj, key: string, c: Checker): string | undefined {
  return o[key] === undefined || o[key] === null ? undefined : str(o, key, c);
}

function int(o: Obj, key: string, c: Checker, dflt: number, min = 0): number {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) return c.at(key).fail(`expected an integer >= ${min}`);
  return v;
}

function oneOf<T extends string>(o: Obj, key: string, c: Checker, values: readonly T[], dflt: T): T {
  const v = o[key];
  if (v === undefined || v === null) return dflt;
  if (typeof v !== 'string' || !values.includes(v as T)) {
    c.at(key).fail(`expected one of ${values.join(', ')}${typeof v === 'string' ? suggestion(v, values) : ''}`);
  }
  return v as T;
}

function strList(o: Obj, key: string, c: Checker, required: boolean): string[] {
  const v = o[key];
  if (v === undefined || v === null) {
    if (required) c.at(key).fail('is required');
    return [];
  }
  if (!Array.isArray(v)) return c.at(key).fail('expected a list of strings');
  return v.map((item, i) => {
    if (typeof item !== 'string' || item === '') return c.at(key).at(i).fail('expected a non-empty string');
    return item;
  });
}

function labels(o: Obj, c: Checker): Record<string, string> {
  const v = o.labels;
  if (v === undefined || v === null) return {};
  const lc = c.at('labels');
  if (typeof v !== 'object' || Array.isArray(v)) lc.fail('expected a mapping of label names to strings');
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Obj)) {
    if (k.startsWith('@') || k === 'event.id' || k === 'source' || k === 'host') lc.at(k).fail('is reserved by the wire format');
    if (typeof val !== 'string' && typeof val !== 'number' && typeof val !== 'boolean') lc.at(k).fail('expected a string');
    out[k] = String(val);
  }
  return out;
}

function regex(o: Obj, key: string, c: Checker): string | undefined {
  const v = optStr(o, key, c);
  if (v === undefined) return undefined;
  try {
    new RegExp(v);
  } catch (err) {
    c.at(key).fail(`is not a valid regular expression (${(err as Error).message})`);
  }
  return v;
}

/**
 * `include_lines` / `exclude_lines`: valid JavaScript patterns that V8's
 * linear-time engine can run, since they are tested against every event
 * (bounded-regex.ts); the error says how to write what it cannot run.
 */
function filterPatterns(o: Obj, key: string, c: Checker): string[] {
  return strList(o, key, c, false).map((pattern, i) => {
    const pc = c.at(key).at(i);
    const { source, fold } = filterPatternSource(pattern);
    if (fold && UPPER_CASE_ESCAPE.test(pattern)) pc.fail('after (?i) an escape of an upper-case letter (\\D, \\W, \\S, \\B) is not supported; write it as a class ([^0-9] for \\D)');
    try {
      new RegExp(source);
    } catch (err) {
      pc.fail(`is not a valid regular expression (${(err as Error).message})`);
    }
    const problem = linearTimeProblem(source);
    if (problem !== null) {
      pc.fail('cannot be matched in linear time, so a crafted line could stall the agent: lookahead (and lookbehind before Node 24), backreferences, '
        + '\\p{…} and counts above 16 are not supported (write x{32} as x{16}x{16})');
    }
    return pattern;
  });
}

function multiline(v: unknown, c: Checker): MultilineConfig | undefined {
  if (v === undefined || v === null) return undefined;
  // Filebeat's pattern + negate + match say in three keys what start and continuation say in one.
  const o = object(v, c, ['start', 'continuation', 'timeout_ms', 'max_lines'], (k) => (['pattern', 'negate', 'match'].includes(k)
    ? "Filebeat's pattern/negate/match: negate: true with match: after is start: PATTERN, negate: false with match: after is continuation: PATTERN"
    : undefined));
  const start = regex(o, 'start', c);
  const continuation = regex(o, 'continuation', c);
  if ((start === undefined) === (continuation === undefined)) c.fail('set exactly one of start or continuation');
  return {
    ...(start !== undefined ? { start } : {}),
    ...(continuation !== undefined ? { continuation } : {}),
    timeout_ms: int(o, 'timeout_ms', c, 1000, 1),
    max_lines: int(o, 'max_lines', c, 500, 1),
  };
}

const FILE_KEYS = ['type', 'name', 'include', 'exclude', 'labels', 'timezone', 'multiline', 'include_lines', 'exclude_lines', 'start_position',
  'max_line_bytes', 'max_message_bytes', 'long_lines', 'partial_line_flush_ms', 'close_idle_ms', 'poll_interval_ms', 'rotated_dirs'] as const;
const JOURNALD_KEYS = ['type', 'name', 'units', 'user_units', 'matches', 'directory', 'labels', 'include_lines', 'exclude_lines',
  'start_position', 'journalctl_path'] as const;

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function source(v: unknown, c: Checker, index: number): SourceConfig {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) c.fail('expected a mapping');
  const type = oneOf(v as Obj, 'type', c, ['file', 'nginx', 'docker', 'kubernetes', 'journald'] as const, 'file');
  if ((v as Obj).type === undefined) c.at('type').fail('is required (file, nginx, docker, kubernetes or journald)');
  if (type === 'journald') {
    const o = object(v, c, JOURNALD_KEYS, (k) => ((FILE_KEYS as readonly string[]).includes(k) ? 'a key of file sources, not of journald' : undefined));
    const directory = optStr(o, 'directory', c);
    return {
      type,
      name: str(o, 'name', c, `journald-${index}`),
      units: strList(o, 'units', c, false),
      user_units: strList(o, 'user_units', c, false),
      matches: strList(o, 'matches', c, false).map((m, i) => {
        if (!/^[A-Z0-9_]+=/.test(m)) c.at('matches').at(i).fail('expected FIELD=value (an upper-case journal field name)');
        return m;
      }),
      ...(directory !== undefined ? { directory } : {}),
      labels: labels(o, c),
      include_lines: filterPatterns(o, 'include_lines', c),
      exclude_lines: filterPatterns(o, 'exclude_lines', c),
      start_position: oneOf(o, 'start_position', c, ['beginning', 'end'] as const, 'beginning'),
      journalctl_path: str(o, 'journalctl_path', c, 'journalctl'),
    };
  }
  const o = object(v, c, FILE_KEYS, (k) => ((JOURNALD_KEYS as readonly string[]).includes(k) ? `a key of journald sources, not of ${type}` : undefined));
  const preset = type === 'docker' ? DOCKER_INCLUDE : type === 'kubernetes' ? KUBERNETES_INCLUDE : undefined;
  const include = preset !== undefined && o.include === undefined ? [preset] : strList(o, 'include', c, true);
  if (include.length === 0) c.at('include').fail('needs at least one path or glob');
  include.forEach((p, i) => { if (!p.startsWith('/')) c.at('include').at(i).fail('must be an absolute path'); });
  if (type === 'kubernetes') {
    // Refused rather than skipped: a source that reads nothing would look healthy.
    include.forEach((p, i) => {
      if (p.startsWith(KUBERNETES_SYMLINK_DIR)) {
        c.at('include').at(i).fail(`${KUBERNETES_SYMLINK_DIR} holds symlinks to the files under /var/log/pods, without the pod uid; `
          + `include ${KUBERNETES_INCLUDE} (the default) instead, or every line would be read twice`);
      }
    });
  }
  const rotatedDirs = strList(o, 'rotated_dirs', c, false);
  rotatedDirs.forEach((p, i) => { if (!p.startsWith('/')) c.at('rotated_dirs').at(i).fail('must be an absolute path'); });
  const ml = multiline(o.multiline, c.at('multiline'));
  const base: Record<string, string> = type === 'nginx' ? { job: 'nginx', 'log.type': 'nginx' } : {};
  const maxLineBytes = int(o, 'max_line_bytes', c, 256 * 1024, 64);
  const maxMessageBytes = int(o, 'max_message_bytes', c, Math.min(DEFAULT_MAX_MESSAGE_BYTES, maxLineBytes), 64);
  if (maxMessageBytes > maxLineBytes) c.at('max_message_bytes').fail(`expected at most max_line_bytes (${maxLineBytes})`);
  const timezone = optStr(o, 'timezone', c);
  if (timezone !== undefined && !isTimeZone(timezone)) c.at('timezone').fail(`"${timezone}" is not an IANA time zone name (e.g. America/Chicago)`);
  return {
    type,
    name: str(o, 'name', c, `${type}-${index}`),
    include,
    exclude: strList(o, 'exclude', c, false),
    labels: { ...base, ...labels(o, c) },
    ...(timezone !== undefined ? { timezone } : {}),
    ...(ml ? { multiline: ml } : {}),
    include_lines: filterPatterns(o, 'include_lines', c),
    exclude_lines: filterPatterns(o, 'exclude_lines', c),
    start_position: oneOf(o, 'start_position', c, ['beginning', 'end'] as const, 'beginning'),
    max_line_bytes: maxLineBytes,
    max_message_bytes: maxMessageBytes,
    long_lines: oneOf(o, 'long_lines', c, ['split', 'truncate'] as const, 'split'),
    partial_line_flush_ms: int(o, 'partial_line_flush_ms', c, 1000, 1),
    close_idle_ms: int(o, 'close_idle_ms', c, 60_000, 1),
    poll_interval_ms: int(o, 'poll_interval_ms', c, 1000, 10),
    rotated_dirs: rotatedDirs,
  };
}

function serverTls(v: unknown, c: Checker, url: string): ServerTlsConfig | undefined {
  if (v === undefined || v === null) return undefined;
  const o = object(v, c, ['ca_file', 'cert_file', 'key_file', 'server_name', 'insecure_skip_verify']);
  // TLS options on an http:// URL would ship in clear while the operator believes otherwise.
  if (!url.startsWith('https:')) c.fail('needs an https:// server.url');
  const ca_file = optStr(o, 'ca_file', c);
  const cert_file = optStr(o, 'cert_file', c);
  const key_file = optStr(o, 'key_file', c);
  const server_name = optStr(o, 'server_name', c);
  if ((cert_file === undefined) !== (key_file === undefined)) c.fail('set both cert_file and key_file, or neither');
  const skip = o.insecure_skip_verify;
  if (skip !== undefined && skip !== null && typeof skip !== 'boolean') c.at('insecure_skip_verify').fail('expected true or false');
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

/** Validates an already-parsed config document. */
export function validateConfig(doc: unknown, env: NodeJS.ProcessEnv = process.env): AgentConfig {
  const c = new Checker('');
  const o = object(interpolate(doc ?? {}, env), c, ['server', 'data_dir', 'host', 'batch', 'spool', 'retry', 'sources',
    'metrics', 'health', 'shutdown_timeout_ms', 'log_level']);

  const sc = c.at('server');
  const so = object(o.server, sc, ['url', 'token', 'timeout_ms', 'tls']);
  const url = str(so, 'url', sc);
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') sc.at('url').fail('must be an http or https URL');
  } catch (err) {
    if ((err as { code?: string }).code === 'LS_AGENT_CONFIG_INVALID') throw err;
    sc.at('url').fail('is not a valid URL');
  }
  const token = optStr(so, 'token', sc);
  const tls = serverTls(so.tls, sc.at('tls'), url);

  const bc = c.at('batch');
  const bo = o.batch === undefined ? {} : object(o.batch, bc, ['max_events', 'max_bytes', 'max_age_ms']);
  const spc = c.at('spool');
  const spo = o.spool === undefined ? {} : object(o.spool, spc, ['max_bytes', 'when_full', 'memory_batches']);
  const rc = c.at('retry');
  const ro = o.retry === undefined ? {} : object(o.retry, rc, ['initial_backoff_ms', 'max_backoff_ms']);

  if (!Array.isArray(o.sources)) c.at('sources').fail(o.sources === undefined ? 'is required' : 'expected a list');
  const sources = (o.sources as unknown[]).map((s, i) => source(s, c.at('sources').at(i), i));
  const names = new Set<string>();
  sources.forEach((s, i) => {
    if (names.has(s.name)) c.at('sources').at(i).at('name').fail(`duplicates the name ${s.name}`);
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
    else if (!/^[^\s:]*:\d{1,5}$/.test(listen) && !/^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(listen)) mc.at('listen').fail('expected HOST:PORT or off');
    else metrics = { listen };
  }
  const hc = c.at('health');
  const ho = o.health === undefined || o.health === null ? {} : object(o.health, hc, ['max_delivery_lag_s', 'max_spool_percent']);
  const maxSpoolPercent = int(ho, 'max_spool_percent', hc, 80, 1);
  if (maxSpoolPercent > 100) hc.at('max_spool_percent').fail('expected an integer from 1 to 100');

  return deepFreeze({
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
  });
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
  const config = validateConfig(doc, env);
  // Unreadable or malformed TLS files are config errors (--check, SIGHUP), not shipping failures.
  if (config.server.tls) readTlsOptions(config.server.tls);
  return config;
}
