/**
 * Real Prometheus and Alertmanager (Debian packages `prometheus`,
 * `prometheus-alertmanager`; scripts/test-deps.sh installs them) as child
 * processes on loopback, each with its own config and storage in a temp
 * folder and intervals of a second, for the alerting tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort, track, waitFor, type RunningProcess } from './harness.js';
import { listensOn, PortTaken } from './listening.js';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

/** Skip locally with a warning when the binaries are missing; fail under CI=true. */
export function missingPrometheusTools(): string | false {
  const missing = [PROMETHEUS_BIN, ALERTMANAGER_BIN].filter((b) => !existsSync(b));
  if (missing.length === 0) return false;
  const why = `missing ${missing.join(', ')} (run scripts/test-deps.sh)`;
  if (process.env.CI === 'true') throw new Error(`CI=true but ${why}`);
  console.warn(`WARNING: ${why}: the alerting tests are SKIPPED`);
  return why;
}

export interface ToolHandle extends RunningProcess {
  url: string;
}

/** Alertmanager on `port`, or on a free port (another one if it was taken meanwhile). */
export async function startAlertmanager(dir: string, port?: number): Promise<ToolHandle> {
  await mkdir(join(dir, 'data'), { recursive: true });
  const config = join(dir, 'alertmanager.yml');
  // One receiver that goes nowhere: the test reads what Alertmanager holds.
  await writeFile(
    config,
    'route: { receiver: none, group_wait: 1s, group_interval: 1s, repeat_interval: 1h }\nreceivers: [ { name: none } ]\n',
  );
  return start('Alertmanager', port, (at) => spawn(
    ALERTMANAGER_BIN,
    [`--config.file=${config}`, `--storage.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${at}`, '--cluster.listen-address='],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  ));
}

export async function startPrometheus(dir: string, scrapeTarget: string, rulesYaml: string): Promise<ToolHandle> {
  await mkdir(join(dir, 'data'), { recursive: true });
  await writeFile(join(dir, 'rules.yml'), rulesYaml);
  const config = join(dir, 'prometheus.yml');
  await writeFile(
    config,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      'rule_files: [rules.yml]',
      'scrape_configs:',
      `  - { job_name: logship, static_configs: [ { targets: ["${scrapeTarget}"] } ] }`,
      '',
    ].join('\n'),
  );
  return start('Prometheus', undefined, (at) => spawn(
    PROMETHEUS_BIN,
    [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${at}`],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
  ));
}

/** Launches on `port` or a free one, picking another (twice at most) when a free one was taken meanwhile. */
async function start(name: string, port: number | undefined, launch: (port: number) => ChildProcess): Promise<ToolHandle> {
  for (let attempt = 1; ; attempt++) {
    const at = port ?? (await freePort());
    try {
      return await ready({ ...track(launch(at)), url: `http://127.0.0.1:${at}` }, name, at);
    } catch (err) {
      if (port !== undefined || attempt === 3 || !(err instanceof PortTaken)) throw err;
    }
  }
}

/**
 * Ready once this process says it listens on the port (both log
 * `msg="Listening on" address=…` after the bind; Prometheus's earlier
 * "Start listening" comes before it), holds the listening socket, and
 * answers /-/ready: with files run at once, /-/ready alone was answered by
 * whichever tool listened on the port.
 */
async function ready(h: ToolHandle, name: string, port: number): Promise<ToolHandle> {
  const listening = new RegExp(`msg="Listening on" address=127\\.0\\.0\\.1:${port}\\b`);
  let outcome: 'ready' | 'exited';
  try {
    outcome = await waitFor(
      async () => {
        if (h.proc.exitCode !== null || h.proc.signalCode !== null) return 'exited';
        if (!listening.test(h.output()) || listensOn(h.proc.pid!, port) === false) return false;
        return (await fetch(`${h.url}/-/ready`)).ok && 'ready';
      },
      { timeoutMs: 30_000, what: `${name} on ${h.url}` },
    );
  } catch (err) {
    await h.stop('SIGKILL');
    throw new Error(`${(err as Error).message}\n--- ${name} output ---\n${h.output()}`);
  }
  if (outcome === 'exited') {
    const message = `${name} exited with ${h.proc.exitCode ?? h.proc.signalCode}\n--- ${name} output ---\n${h.output()}`;
    throw h.output().includes(`127.0.0.1:${port}: bind: address already in use`) ? new PortTaken(message) : new Error(message);
  }
  return h;
}

export interface AmAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
  status: { state: string };
}

/** Alertmanager's GET /api/v2/alerts (active, silenced or not). */
export async function alertmanagerAlerts(url: string): Promise<AmAlert[]> {
  const res = await fetch(`${url}/api/v2/alerts`);
  if (!res.ok) throw new Error(`GET /api/v2/alerts → ${res.status}`);
  return (await res.json()) as AmAlert[];
}
