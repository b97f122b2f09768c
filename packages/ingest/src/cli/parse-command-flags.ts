import { parseArgs } from 'node:util';
import { nearestName } from '@logship/query/core';
import type { ConfigFlags } from '../config/load-server-config.js';
import { errors } from '../server/errors.js';

export interface CommandFlags extends ConfigFlags {
  json?: boolean;
  /** `serve --check`: check the config and what it names, then exit. */
  check?: boolean;
  /** `serve --check --offline`: without contacting an Elasticsearch cluster. */
  offline?: boolean;
  /** `retention status --server URL`: ask that server instead of a data folder. */
  server?: string;
  /** Its read token (default $LOGSHIP_TOKEN), as `logship search --token`. */
  token?: string;
  /** `retention status --server URL --timeout 30s`: how long to wait for its answer (as `logship search --timeout`). */
  timeout?: string;
  help?: boolean;
  positionals: string[];
}

/** Flags shared by `serve` and `retention`; anything else is a usage error. */
export function parseCommandFlags(argv: string[], allowed: readonly (keyof ConfigFlags | 'json' | 'server' | 'token' | 'timeout' | 'check' | 'offline')[]): CommandFlags {
  const options = {
    config: { type: 'string' },
    data: { type: 'string' },
    listen: { type: 'string' },
    store: { type: 'string' },
    'es-url': { type: 'string' },
    'tls-cert-file': { type: 'string' },
    'tls-key-file': { type: 'string' },
    'tls-client-ca-file': { type: 'string' },
    'tls-min-version': { type: 'string' },
    json: { type: 'boolean' },
    check: { type: 'boolean' },
    offline: { type: 'boolean' },
    server: { type: 'string' },
    token: { type: 'string' },
    timeout: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  } as const;
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw errors.cliUsage(flagErrorMessage(err as NodeJS.ErrnoException, allowed));
  }
  const v = parsed.values;
  const flags: CommandFlags = { positionals: parsed.positionals, help: v.help };
  const given: Record<string, unknown> = {
    config: v.config,
    data: v.data,
    listen: v.listen,
    store: v.store,
    esUrl: v['es-url'],
    tlsCertFile: v['tls-cert-file'],
    tlsKeyFile: v['tls-key-file'],
    tlsClientCaFile: v['tls-client-ca-file'],
    tlsMinVersion: v['tls-min-version'],
    json: v.json,
    check: v.check,
    offline: v.offline,
    server: v.server,
    token: v.token,
    timeout: v.timeout,
  };
  for (const [key, value] of Object.entries(given)) {
    if (value === undefined) continue;
    if (!(allowed as readonly string[]).includes(key)) {
      throw errors.cliUsage(`option --${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} does not apply to this command`);
    }
    (flags as unknown as Record<string, unknown>)[key] = value;
  }
  return flags;
}

/**
 * node's text for an unknown flag ("To specify a positional argument
 * starting with a '-', place it at the end of the command after '--'")
 * sends someone who mistyped `--listen` down the wrong road: name the flag,
 * the nearest one this command takes, and where the list is.
 */
function flagErrorMessage(err: NodeJS.ErrnoException, allowed: readonly string[]): string {
  const m = /Unknown option '(-{1,2}[^'=]+)/.exec(err.message);
  if (err.code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || m === null) return err.message;
  const flags = allowed.map((k) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
  const near = nearestName(m[1]!.replace(/^-+/, ''), flags);
  return `unknown option ${m[1]}${near !== null ? `: did you mean --${near}?` : ''} (--help lists the options)`;
}
