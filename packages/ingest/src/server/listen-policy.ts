import type { ServerConfig } from '../config/server-config.js';
import { isLoopback } from '../config/parse-listen.js';
import { errors } from './errors.js';

/**
 * Without tokens every route is open, so the server listens only on
 * loopback — unless mutual TLS is on: then only holders of a certificate the
 * client CA signed can connect at all, which is itself the access control.
 * Throws LS_CONFIG_PUBLIC_WITHOUT_TOKENS; returns the warning to log, if any.
 */
export function checkListenPolicy(config: ServerConfig, host: string): string | undefined {
  if (config.auth.tokens.length > 0 || config.auth.tls_clients.length > 0) return undefined;
  if (config.tls?.client_ca_file !== undefined) {
    return 'No auth tokens are configured; every client with a certificate from tls.client_ca_file can use every route.';
  }
  if (!isLoopback(host)) throw errors.configNoTokensPublic(config.listen);
  return `No auth tokens are configured, so the server listens on loopback (${host}) only.`;
}
