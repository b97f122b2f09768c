/**
 * A listener that cannot bind at start (the HTTP port, syslog, OTLP/gRPC),
 * as LS_CONFIG_LISTEN_FAILED naming the config key, the address and what to
 * do, instead of Node's bare `listen EADDRINUSE: address already in use`.
 * grpc-js reports a bind failure only inside its message ("No address
 * added … errors: [listen EADDRINUSE …]"), so the message is read too.
 */
import { configErrors } from '../config/config-errors.js';

const REASONS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'the address is already in use (by another logship, or another program): stop it or choose another port',
  EACCES: 'permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE): choose a port above 1023',
  EADDRNOTAVAIL: 'the address is not one of this host\'s: choose one it has, or 0.0.0.0',
};

/** The coded error for a bind failure of `key`'s listener at `address`; any other error as it was. */
export function listenFailure(key: string, address: string, err: unknown): unknown {
  const own = (err as { code?: unknown } | null)?.code;
  const code = typeof own === 'string' && own in REASONS
    ? own
    : /\b(EADDRINUSE|EACCES|EADDRNOTAVAIL)\b/.exec(err instanceof Error ? err.message : '')?.[1];
  if (code === undefined) return err;
  return configErrors.configListenFailed(address, key, REASONS[code]!, code);
}

/** Runs a listener's start, turning a bind failure into listenFailure's error. */
export async function listening<T>(key: string, address: string, start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (err) {
    throw listenFailure(key, address, err);
  }
}
