/**
 * End-to-end harness: starts the real `logship serve` and `logship-agent`
 * processes (the same bin files users run), talks to them over loopback HTTP,
 * and cleans up. Tests import only this file to drive the system.
 *
 *   test ──spawn──► logship serve (SQLite in a temp dir) ◄──POST ingest── logship-agent ◄── files
 *     └────────────── GET /api/v1/search ──────┘
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const logshipBin = join(repoRoot, 'packages/ingest/bin/logship.js');
export const agentBin = join(repoRoot, 'packages/agent/bin/logship-agent.js');

/** A fresh temp directory removed by the returned cleanup. */
export async function tempDir(prefix = 'logship-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

import { freePort } from './free-port.js';
import { listensOn, PortTaken, type Transport } from './listening.js';

export { freePort };

export async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` until it returns a truthy value or the deadline passes. */
export async function waitFor<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { timeoutMs = 30_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      const why = lastError instanceof Error ? `: last error ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await sleep(intervalMs);
  }
}

export interface RunningProcess {
  proc: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends a signal and waits for exit; resolves to the exit code or signal. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<number | string>;
  exited: Promise<number | string>;
}

const running = new Set<RunningProcess>();

/** Follows a child process (output, stop, exit) so stopAll() ends it too. */
export function track(proc: ChildProcess): RunningProcess {
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
  proc.stderr?.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number | string>((r) => {
    proc.once('exit', (code, signal) => r(code ?? signal ?? 'unknown'));
  });
  const rp: RunningProcess = {
    proc,
    output: () => out,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000) {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill(signal);
        const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
        const res = await exited;
        clearTimeout(timer);
        running.delete(rp);
        return res;
      }
      running.delete(rp);
      return exited;
    },
  };
  running.add(rp);
  void exited.then(() => running.delete(rp));
  return rp;
}

/** Kills every process this harness started; call from an `after` hook. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((p) => p.stop('SIGKILL')));
}

process.once('exit', () => {
  for (const p of running) p.proc.kill('SIGKILL');
});

export interface ServerHandle extends RunningProcess {
  url: string;
  port: number;
  dataDir: string;
  /** The config's listeners beside HTTP (OTLP/gRPC, syslog), each held by this server (checked before startServer resolves). */
  listeners: ServerListener[];
}

/** A listener a server config opens beside its HTTP port: its key, port and transport. */
export interface ServerListener {
  key: string;
  port: number;
  transport: Transport;
}

/** `grpc_listen: "127.0.0.1:4317"`, `listen_udp: 127.0.0.1:5514`: a listener key, its address and port (flow or block YAML). */
const LISTENER_KEYS = /\b(grpc_listen|listen_tcp|listen_udp|listen_tls)\s*:\s*["']?[^"'\s,}]*:(\d+)["']?/g;
const LISTENER_SECTION: Readonly<Record<string, string>> = { grpc_listen: 'otlp', listen_tcp: 'syslog', listen_udp: 'syslog', listen_tls: 'syslog' };

/** The listeners beside HTTP that a server config text opens (server.ts binds them before the HTTP port). */
export function serverListeners(yaml: string): ServerListener[] {
  return [...yaml.matchAll(LISTENER_KEYS)].map(([, key, port]) => ({
    key: `${LISTENER_SECTION[key!]}.${key}`,
    port: Number(port),
    transport: key === 'listen_udp' ? 'udp' : 'tcp',
  }));
}

export interface StartServerOptions {
  dataDir?: string;
  port?: number;
  /** Server YAML config text, written to a file and passed as --config. */
  configYaml?: string;
  args?: string[];
  env?: Record<string, string>;
  /** Runs the server as this user (tests run as root start it as nobody, to whom file permissions apply). */
  as?: { uid: number; gid: number };
  /**
   * Given the server's output so far as soon as it is spawned, before it is
   * ready: for a test that acts on what a server says while it starts (a
   * wait it logs), rather than on a guess of how long starting takes.
   */
  onSpawn?: (output: () => string) => void;
}

/**
 * Runs a `logship` command to its end (any exit code): its code and output.
 * `as` runs it as another user (the tests as root run commands as nobody).
 */
export function runLogship(args: string[], as: { uid: number; gid: number } | Record<string, never> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const proc = spawn(process.execPath, [logshipBin, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], ...as });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((r) => proc.on('exit', (code) => r({ code, stdout, stderr })));
}

const execFileAsync = promisify(execFile);

/**
 * `logship serve --check` on a config (written to `<dir>/check.yaml`) and
 * data folder `<dir>/data`: its exit code, stderr and stdout.
 */
export async function serveCheck(dir: string, configYaml: string): Promise<{ code: number; stderr: string; stdout: string }> {
  const cfg = join(dir, 'check.yaml');
  await writeFile(cfg, configYaml);
  return execFileAsync(process.execPath, [logshipBin, 'serve', '--check', '--config', cfg, '--data', join(dir, 'data')]).then(
    (r) => ({ code: 0, stderr: r.stderr, stdout: r.stdout }),
    (err: { code: number; stderr: string; stdout: string }) => ({ code: err.code, stderr: err.stderr, stdout: err.stdout }),
  );
}

/**
 * Starts `logship serve` on a free loopback port and waits for its own
 * "listening" line and /health. Files run three at a time, and two may be
 * given the same free port: the second server exits on EADDRINUSE, but the
 * first's /health could answer before it did, and in one CI run a page
 * suite seeded and searched another file's server (350 events where it
 * wrote 250). So /health counts only after the line naming this port, and
 * a port taken meanwhile is given up for another (a port the test chose
 * is not). The config's other listeners (OTLP/gRPC, syslog TCP, UDP and
 * TLS, from `configYaml` or the file of a `--config` in `args`) must be
 * held by this process too, as /proc shows (listening.ts): a test sending
 * to one then reaches this server and no other.
 */
export async function startServer(opts: StartServerOptions = {}): Promise<ServerHandle> {
  const dataDir = opts.dataDir ?? (await tempDir('logship-data-'));
  for (let attempt = 1; ; attempt++) {
    try {
      return await launchServer(opts, dataDir, opts.port ?? (await freePort()));
    } catch (err) {
      if (opts.port !== undefined || attempt === 3 || !(err instanceof PortTaken)) throw err;
    }
  }
}

async function launchServer(opts: StartServerOptions, dataDir: string, port: number): Promise<ServerHandle> {
  const args = [logshipBin, 'serve', '--data', dataDir, '--listen', `127.0.0.1:${port}`];
  const configFile = opts.args?.[opts.args.indexOf('--config') + 1];
  const configText = opts.configYaml ?? (opts.args?.includes('--config') && configFile ? await readFile(configFile, 'utf8').catch(() => '') : '');
  const listeners = serverListeners(configText);
  if (opts.configYaml !== undefined) {
    const cfg = join(dataDir, '..', `logship-server-${port}.yaml`);
    await writeFile(cfg, opts.configYaml);
    args.push('--config', cfg);
  }
  args.push(...(opts.args ?? []));
  const proc = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...opts.as,
  });
  const rp = track(proc);
  opts.onSpawn?.(() => rp.output());
  const url = `http://127.0.0.1:${port}`;
  const announced = new RegExp(`^logship listening on \\S+:${port}$`, 'm');
  try {
    // waitFor retries a check that throws, so an exit ends the wait as a result.
    const exited = await waitFor(
      async () => {
        if (proc.exitCode !== null) return { code: proc.exitCode };
        if (!announced.test(rp.output())) return false;
        const res = await fetch(`${url}/health`);
        // Where /proc cannot tell (undefined), the server's bind before its HTTP port is the proof.
        return res.ok && listeners.every((l) => listensOn(proc.pid!, l.port, l.transport) !== false) && { code: null };
      },
      { timeoutMs: 30_000, what: `logship serve on ${url}${listeners.map((l) => `, ${l.key} ${l.port}/${l.transport} held`).join('')}` },
    );
    if (exited.code !== null) {
      const message = `server exited with ${exited.code}: ${rp.output()}`;
      throw rp.output().includes(`127.0.0.1:${port} (listen): the address is already in use`) ? new PortTaken(message) : new Error(message);
    }
  } catch (err) {
    await rp.stop('SIGKILL');
    if (err instanceof PortTaken) throw err;
    throw new Error(`${(err as Error).message}\n--- server output ---\n${rp.output()}`);
  }
  return { ...rp, url, port, dataDir, listeners };
}

export interface AgentHandle extends RunningProcess {
  configPath: string;
  /** metrics.listen's loopback port, bound by this agent (checked before startAgent resolves). */
  metricsPort?: number;
}

/** An agent's config text, or one made for a metrics port the harness picks (and picks again if it is taken). */
export type AgentConfig = string | ((metricsPort: number) => string);

/**
 * Starts `logship-agent --config FILE` with the given YAML config text. With
 * a loopback metrics.listen port it resolves once this agent holds that port
 * (an agent whose port is taken only logs so and runs on, while another
 * file's agent answers /health there); a config made for a port the harness
 * picks gets another port if that one was taken. A config without a
 * `metrics` key is given one on a port the harness picks (`metricsPort`):
 * the agent's default, 127.0.0.1:9477, is one port for every agent of every
 * file running at once, and the second agent there only warned.
 */
export async function startAgent(config: AgentConfig, configPath: string, env: Record<string, string> = {}, as: { uid?: number; gid?: number; detached?: boolean } = {}): Promise<AgentHandle> {
  if (typeof config === 'string' && metricsKey.test(config)) return launchAgent(config, configPath, env, as);
  for (let attempt = 1; ; attempt++) {
    try {
      const port = await freePort();
      return await launchAgent(withMetrics(typeof config === 'string' ? config : config(port), port), configPath, env, as);
    } catch (err) {
      if (attempt === 3 || !(err instanceof PortTaken)) throw err;
    }
  }
}

/** A top-level `metrics` key: the test chose the listener (its port, or off). */
const metricsKey = /^metrics\s*:/m;

/** The config with `metrics.listen` on loopback `port` when it says nothing of metrics. */
function withMetrics(yaml: string, port: number): string {
  if (metricsKey.test(yaml)) return yaml;
  return `${yaml}${yaml === '' || yaml.endsWith('\n') ? '' : '\n'}metrics: { listen: "127.0.0.1:${port}" }\n`;
}

/** metrics.listen on loopback, in flow (`metrics: { listen: … }`) or block form. */
const metricsListen = /^metrics:\s*(?:\{\s*listen:\s*|\n[ \t]+listen:[ \t]*)["']?127\.0\.0\.1:(\d+)["']?[ \t]*(?:\}|$)/m;

async function launchAgent(yaml: string, configPath: string, env: Record<string, string>, as: object): Promise<AgentHandle> {
  await writeFile(configPath, yaml);
  const proc = spawn(process.execPath, [agentBin, '--config', configPath], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...as,
  });
  const rp = track(proc);
  const port = Number(metricsListen.exec(yaml)?.[1]);
  if (!Number.isInteger(port)) return { ...rp, configPath };
  let outcome: 'bound' | 'exited' | 'taken';
  try {
    outcome = await waitFor(async () => {
      // An agent that exits before listening is handed back: the test reads why.
      if (proc.exitCode !== null || proc.signalCode !== null) return 'exited';
      if (/cannot be served.*EADDRINUSE/.test(rp.output())) return 'taken';
      const held = listensOn(proc.pid!, port);
      // Where /proc cannot tell, the agent's own /files route is the next best proof.
      return (held ?? (await fetch(`http://127.0.0.1:${port}/files`)).ok) && 'bound';
    }, { timeoutMs: 30_000, what: `logship-agent listening on 127.0.0.1:${port}` });
  } catch (err) {
    await rp.stop('SIGKILL');
    throw new Error(`${(err as Error).message}\n--- agent output ---\n${rp.output()}`);
  }
  if (outcome === 'taken') {
    await rp.stop('SIGKILL');
    throw new PortTaken(`logship-agent: 127.0.0.1:${port} (metrics.listen) is taken: ${rp.output()}`);
  }
  return { ...rp, configPath, metricsPort: port };
}

export interface SearchOptions {
  from?: string;
  to?: string;
  limit?: number;
  sort?: 'asc' | 'desc';
  cursor?: string;
  token?: string;
}

export interface SearchAnswer {
  hits: Record<string, unknown>[];
  next_cursor: string | null;
  total?: { value: number; relation: string };
}

/** One page of GET /api/v1/search. Throws with the body on a non-2xx answer. */
export async function search(url: string, q: string, opts: SearchOptions = {}): Promise<SearchAnswer> {
  const params = new URLSearchParams({ q, from: opts.from ?? 'now-30d', to: opts.to ?? 'now+1d' });
  if (opts.limit !== undefined) params.set('limit', String(opts.limit));
  if (opts.sort) params.set('sort', opts.sort);
  if (opts.cursor) params.set('cursor', opts.cursor);
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${url}/api/v1/search?${params}`, { headers });
  const body = await res.text();
  if (!res.ok) throw new Error(`search ${q} → ${res.status}: ${body}`);
  return JSON.parse(body) as SearchAnswer;
}

/** Every hit of a query, walking `next_cursor` pages. */
export async function searchAll(url: string, q: string, opts: SearchOptions = {}): Promise<Record<string, unknown>[]> {
  const hits: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await search(url, q, { limit: 1000, ...opts, cursor });
    hits.push(...page.hits);
    if (!page.next_cursor || page.hits.length === 0) return hits;
    cursor = page.next_cursor;
  }
}

/** POSTs NDJSON lines to the ingest API and returns the parsed answer. */
export async function ingest(url: string, lines: string[], token?: string): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${url}/api/v1/ingest`, { method: 'POST', headers, body: lines.join('\n') + '\n' });
  const body = await res.text();
  if (!res.ok) throw new Error(`ingest → ${res.status}: ${body}`);
  return JSON.parse(body) as Record<string, unknown>;
}
