import type { ServerConfig } from '../config/server-config.js';
import { loadTlsCredentials, type TlsCredentials } from './tls-credentials.js';

/**
 * The credentials of the RFC 5425 syslog listener: its own
 * `syslog.tls_cert_file`/`tls_key_file`, else the HTTPS listener's `tls`;
 * undefined when `syslog.listen_tls` is off. Shared by the server and
 * `logship serve --check`, so the check refuses what the start would.
 */
export function syslogTlsCredentials(config: ServerConfig, now: number): TlsCredentials | undefined {
  const { listen_tls, tls_cert_file, tls_key_file } = config.syslog;
  if (listen_tls === undefined) return undefined;
  if (tls_cert_file === undefined || tls_key_file === undefined) return config.tls ? loadTlsCredentials(config.tls, now) : undefined;
  return loadTlsCredentials({ cert_file: tls_cert_file, key_file: tls_key_file, min_version: config.tls?.min_version ?? 'TLSv1.2' }, now, 'syslog');
}
