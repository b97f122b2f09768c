import { join } from 'node:path';
import { formatDuration, parseTimeout, timeoutRefusal } from '@logship/query';
import { loadServerConfig } from '../config/load-server-config.js';
import type { ServerConfig } from '../config/server-config.js';
import { retentionReport, type PartitionReport, type RetentionReport } from '../retention/retention-report.js';
import { openStore } from '../store/open-store.js';
import { blockStoreDir, resolveStoreFormat, rowStoreDir } from '../store/store-format.js';
import { hasLocalStore, requireLocalStore } from './require-local-store.js';
import type { PartitionInfo, RetentionInForce } from '../store/log-store.js';
import { readRecordedRetention, RECORDED_RETENTION_FILE } from '../retention/recorded-retention.js';
import { samePolicy } from '../retention/retention-config.js';
import { errors } from '../server/errors.js';
import type { CliIo } from './cli-io.js';
import { parseCommandFlags } from './parse-command-flags.js';
import { bytesBeforeOpen } from './bytes-before-open.js';
import { RETENTION_USAGE } from './command-usage.js';
export { RETENTION_USAGE };


/**
 * `retention status` lists each class with its partitions, sizes and oldest
 * event; `retention run` enforces retention now. Both open the store beside
 * a running server (SQLite in WAL mode allows it).
 *
 * Where the numbers come from, so they are never an empty store's by
 * mistake: `--server URL` asks that server (`GET /api/v1/retention`);
 * otherwise the configured store (`--data`, `--config`, or ./logship-data)
 * when its partition folder exists; otherwise (not for a `--data` given,
 * which names the folder meant) the running server at $LOGSHIP_URL or the
 * config's listen address. A data folder is never
 * created here: with neither, the command fails (LS_CLI_NO_STORE). A
 * server that needs a token gets `--token` or $LOGSHIP_TOKEN; its refusal
 * is LS_CLI_AUTH_FAILED, which says so. A server that does not answer
 * within --timeout (or LOGSHIP_TIMEOUT; default 10 s) is LS_CLI_NO_STORE
 * saying so: a stalled answer was a TimeoutError thrown out of the command.
 */
export async function retentionCommand(argv: string[], io: CliIo, now: () => number = Date.now): Promise<number> {
  const flags = parseCommandFlags(argv, ['config', 'data', 'store', 'esUrl', 'json', 'server', 'token', 'timeout']);
  const action = flags.positionals[0];
  if (flags.help) {
    io.stdout.write(`usage: ${RETENTION_USAGE}\n`);
    return 0;
  }
  if ((action !== 'status' && action !== 'run') || flags.positionals.length > 1) {
    throw errors.cliUsage(`usage: ${RETENTION_USAGE}`);
  }
  let config = loadServerConfig(flags);
  const noLocalStore = config.store.type === 'sqlite' && !hasLocalStore(config.data);
  if (flags.server === undefined && noLocalStore && flags.data !== undefined) {
    // A folder named on the command line is the one meant: another server's
    // numbers (at $LOGSHIP_URL) for a mistyped --data read as that folder's.
    requireLocalStore(
      config.data,
      ' (--data): give the data folder the server uses (its data: or --data), or --server URL to ask a running server',
      ', or ask the running server: --server URL',
    );
  }
  if (flags.server !== undefined || noLocalStore) {
    const server = flags.server ?? process.env.LOGSHIP_URL ?? serverUrlOf(config);
    if (action === 'run') {
      throw errors.cliNoStore(
        `no SQLite data in ${config.data}; retention run works on a data folder (--data DIR or --config FILE); the server at ${server} enforces retention on its own`,
      );
    }
    const report = await fromServer(server, config.data, flags.server !== undefined, flags.token ?? process.env.LOGSHIP_TOKEN, serverTimeout(flags.timeout));
    printReport(report, io, flags.json === true, `server ${server}`);
    return 0;
  }
  // Without --config, the policy the server recorded at its start, not the
  // defaults: a run with the defaults deleted what the server keeps longer.
  let inForce: RetentionInForce | undefined;
  if (config.store.type === 'sqlite') {
    // With --config the record only tells a difference: one that cannot be read does not stop the command.
    const recorded = flags.config === undefined ? readRecordedRetention(config.data) : recordedOrNull(config.data);
    if (flags.config === undefined && recorded) {
      config = { ...config, retention: recorded.retention };
      inForce = {
        ...recorded.retention,
        from: 'config',
        detail: `the server's config as it started on ${recorded.recorded_at} (${recorded.config ?? 'no --config: defaults and flags'}; recorded in ${join(config.data, RECORDED_RETENTION_FILE)})`,
      };
    } else if (flags.config === undefined && action === 'status') {
      inForce = { ...config.retention, from: 'config', detail: `the defaults: no --config, and no policy recorded in ${config.data} by a server (the server's may differ)` };
    } else if (flags.config === undefined) {
      throw errors.cliUsage(
        `retention run without --config applies the policy the server recorded in its data folder at its start, and ${config.data} has none (no server of this version has started on it): give the server's config, --config FILE, or start the server once`,
      );
    } else if (flags.config !== undefined && recorded && !samePolicy(recorded.retention, config.retention)) {
      io.stderr.write(
        `warning: ${flags.config}'s retention differs from the one the server started with on ${recorded.recorded_at} (${recorded.config ?? 'no --config'}); ${action === 'run' ? 'this run applies' : 'shown is'} ${flags.config}'s\n`,
      );
    }
  }
  // The partitions' bytes as they are before this command's own opening
  // adds side files to them (bytes-before-open.ts).
  const measured = config.store.type === 'sqlite'
    ? bytesBeforeOpen(resolveStoreFormat(config.data, config.store.format) === 'blocks' ? blockStoreDir(config.data) : rowStoreDir(config.data))
    : new Map<string, number>();
  // One operation, then exit: no writer or reader threads to start.
  // Never the one to write a shared prefix's retention policy: only servers claim it.
  const store = await openStore(config, { threads: false, claimRetentionPolicy: false });
  try {
    if (action === 'run') {
      const result = await store.enforceRetention(now());
      const before = result.partitionsDropped.map((name) => measured.get(name));
      if (before.every((b) => b !== undefined)) result.bytesRemoved = before.reduce((n: number, b) => n + (b ?? 0), 0);
      if (flags.json) io.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        io.stdout.write(
          `Retention removed ${result.eventsRemoved} events and ${formatBytes(result.bytesRemoved)} ` +
            `in ${result.partitionsDropped.length} partitions${result.partitionsDropped.length ? `: ${result.partitionsDropped.join(', ')}` : ''}.\n`,
        );
        if (inForce) io.stdout.write(`policy from ${inForce.detail}\n`);
      }
      return 0;
    }
    const partitions = (await store.partitions(now())).map((p): PartitionInfo => ({ ...p, bytes: measured.get(p.name) ?? p.bytes }));
    printReport(retentionReport(config.retention, partitions, store.retentionInForce?.() ?? inForce), io, flags.json === true, config.store.type === 'sqlite' ? config.data : 'elasticsearch');
    return 0;
  } finally {
    await store.close();
  }
}

function printReport(report: RetentionReport, io: CliIo, json: boolean, from: string): void {
  if (json) {
    io.stdout.write(`${JSON.stringify(report)}\n`);
    return;
  }
  io.stdout.write(`retention of ${from}\n`);
  // An older server's report has no policy.
  if (report.policy) io.stdout.write(`policy from ${report.policy.detail}\n`);
  for (const c of report.classes) {
    io.stdout.write(
      `class ${c.name} (${c.days} days, match ${c.match}): ${counted(c.partitions.length, 'partition')}, ` +
        `${counted(c.events, 'event')}, ${formatBytes(c.bytes)}, oldest ${c.oldest ?? '-'}\n`,
    );
    for (const p of c.partitions) io.stdout.write(`  ${formatPartition(p)}\n`);
  }
}

/** The server's own address from its config (a wildcard listen address is reached on loopback). */
function serverUrlOf(config: ServerConfig): string {
  const at = config.listen.lastIndexOf(':');
  const host = config.listen.slice(0, at).replace(/^\[|\]$/g, '');
  const reach = host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${reach}:${config.listen.slice(at + 1)}`;
}

/** How long to wait for the server's report: 10 s unless --timeout or LOGSHIP_TIMEOUT says (0: for ever). */
function serverTimeout(flag: string | undefined): number {
  const text = flag ?? (process.env.LOGSHIP_TIMEOUT || undefined);
  if (text === undefined) return 10_000;
  const ms = parseTimeout(text);
  if (ms === null) throw errors.cliUsage(timeoutRefusal(flag !== undefined ? '--timeout' : 'LOGSHIP_TIMEOUT', text));
  return ms;
}

async function fromServer(server: string, dataDir: string, asked: boolean, token: string | undefined, timeoutMs: number): Promise<RetentionReport> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  const signal = timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined;
  let res: Response;
  let text: string;
  try {
    res = await fetch(`${server.replace(/\/+$/, '')}/api/v1/retention`, { headers, ...(signal ? { signal } : {}) });
    // Inside the timeout and this catch: a server that sent its headers and stalled threw a bare TimeoutError.
    text = await res.text();
  } catch (err) {
    const why = signal?.aborted === true
      ? `no answer within ${formatDuration(timeoutMs)}; --timeout (or LOGSHIP_TIMEOUT) waits longer, 0 for ever`
      : (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
    throw errors.cliNoStore(
      asked
        ? `cannot reach the logship server at ${server} (${why})`
        : `no SQLite data in ${dataDir} and no logship server answering at ${server} (${why}); pass --data DIR, --config FILE or --server URL`,
    );
  }
  if (res.status === 401 || res.status === 403) throw authFailed(server, res.status, text, token !== undefined && token !== '');
  if (!res.ok) throw errors.cliNoStore(`the server at ${server} answered ${res.status} to GET /api/v1/retention: ${text.slice(0, 300)}`);
  return JSON.parse(text) as RetentionReport;
}

/** The server refused the token (or its absence): say which, with the server's code, and how to pass one. */
function authFailed(server: string, status: number, body: string, sent: boolean): Error {
  let code = '';
  let message = body.slice(0, 300);
  try {
    const e = (JSON.parse(body) as { error?: { code?: string; message?: string } }).error;
    code = e?.code ?? '';
    message = e?.message ?? message;
  } catch {
    // not JSON: the text as it came
  }
  const why = status === 403 ? 'the token lacks the read scope' : sent ? 'the token was refused' : 'it needs a token';
  return errors.cliAuthFailed(server, `${why} (${status}${code ? ` ${code}` : ''}: ${message})`);
}

function formatPartition(p: PartitionReport): string {
  const oldest = p.oldest ?? '-';
  return `${p.name}  day ${p.day}  ${counted(p.events, 'event')}  ${formatBytes(p.bytes)}  oldest ${oldest}${p.expired ? '  EXPIRED' : ''}`;
}

/** `1 partition`, `3 partitions`: the report read "1 partitions" for the usual class of a day or two. */
function counted(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

function recordedOrNull(dataDir: string): ReturnType<typeof readRecordedRetention> {
  try {
    return readRecordedRetention(dataDir);
  } catch {
    return null;
  }
}
