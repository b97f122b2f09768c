import { readFileSync } from 'node:fs';
import { CliError, EXIT, defaultServer, type ClientOptions } from './client.js';
import { parseTimeout, timeoutRefusal } from './timeout-flag.js';

/** The flags every query command takes to reach an HTTPS server with a private CA or mutual TLS. */
export const TLS_FLAG_OPTIONS = {
  'ca-file': { type: 'string' },
  'cert-file': { type: 'string' },
  'key-file': { type: 'string' },
} as const;

export const TLS_FLAG_USAGE = `  --ca-file FILE    PEM CA that signed the server's certificate (default $LOGSHIP_CA_FILE)
  --cert-file FILE  client certificate for mutual TLS (default $LOGSHIP_CERT_FILE)
  --key-file FILE   its private key (default $LOGSHIP_KEY_FILE)`;

interface ClientFlags {
  server?: string | undefined;
  token?: string | undefined;
  'ca-file'?: string | undefined;
  'cert-file'?: string | undefined;
  'key-file'?: string | undefined;
  timeout?: string | undefined;
}

/**
 * Server, token, TLS files and timeout from the flags, else the environment
 * (LOGSHIP_URL, LOGSHIP_TOKEN, LOGSHIP_CA_FILE, LOGSHIP_CERT_FILE,
 * LOGSHIP_KEY_FILE, LOGSHIP_TIMEOUT). A file that cannot be read, or a
 * timeout that is not a duration, is a usage error naming it.
 */
export function clientOptions(values: ClientFlags, env: NodeJS.ProcessEnv = process.env): ClientOptions {
  const pick = (flag: keyof ClientFlags, name: string): string | undefined => values[flag] ?? (env[name] || undefined);
  const caFile = pick('ca-file', 'LOGSHIP_CA_FILE');
  const certFile = pick('cert-file', 'LOGSHIP_CERT_FILE');
  const keyFile = pick('key-file', 'LOGSHIP_KEY_FILE');
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new CliError('--cert-file and --key-file go together (or LOGSHIP_CERT_FILE and LOGSHIP_KEY_FILE)', EXIT.USAGE);
  }
  const tls: NonNullable<ClientOptions['tls']> = {};
  if (caFile !== undefined) tls.ca = read('--ca-file', caFile);
  if (certFile !== undefined && keyFile !== undefined) {
    tls.cert = read('--cert-file', certFile);
    tls.key = read('--key-file', keyFile);
  }
  const timeout = pick('timeout', 'LOGSHIP_TIMEOUT');
  const timeoutMs = timeout === undefined ? undefined : parseTimeout(timeout);
  if (timeoutMs === null) throw new CliError(timeoutRefusal(values.timeout !== undefined ? '--timeout' : 'LOGSHIP_TIMEOUT', timeout!), EXIT.USAGE);
  return {
    server: serverUrl(values.server ?? defaultServer(env), values.server !== undefined ? '--server' : 'LOGSHIP_URL'),
    token: values.token ?? (env.LOGSHIP_TOKEN || undefined),
    ...(Object.keys(tls).length > 0 ? { tls } : {}),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  };
}

/**
 * The server's address as a URL. `--server 127.0.0.1:7700` (curl's habit)
 * was "cannot reach the logship server (ERR_INVALID_URL); is `logship
 * serve` running?", exit 3, sending people to look at a server that was fine.
 */
function serverUrl(server: string, from: string): string {
  let protocol: string | undefined;
  try {
    protocol = new URL(server).protocol;
  } catch {
    // not a URL at all: said below
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    const bare = server.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '');
    throw new CliError(`${from} ${JSON.stringify(server)} is not an http:// or https:// address: write http://${bare} (https:// when the server has tls)`, EXIT.USAGE);
  }
  return server;
}

function read(flag: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new CliError(`${flag}: cannot read ${file}: ${(err as Error).message}`, EXIT.USAGE);
  }
}
