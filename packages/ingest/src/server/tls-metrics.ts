import { Gauge, type Registry } from 'prom-client';
import type { TlsCredentials } from './tls-credentials.js';

/**
 * `logship_tls_cert_expiry_timestamp_seconds{role, file, subject}`: when the
 * server's certificate (role "server"), the syslog listener's own one
 * ("syslog") and each client CA certificate ("client_ca") expire, so an operator's own expiry alert
 * (`… - time() < 14 * 86400`) works on it. Reset on each reload so a
 * rotated certificate's old expiry disappears.
 */
export interface TlsMetrics {
  /** Every certificate in use now (HTTPS and syslog), replacing what was reported. */
  set(credentials: ReadonlyArray<TlsCredentials | undefined>): void;
}

export function createTlsMetrics(registry: Registry): TlsMetrics {
  const gauge = new Gauge({
    name: 'logship_tls_cert_expiry_timestamp_seconds',
    help: 'When a certificate the server uses expires (seconds since the epoch)',
    labelNames: ['role', 'file', 'subject'],
    registers: [registry],
  });
  return {
    set(credentials) {
      gauge.reset();
      for (const e of credentials.flatMap((c) => c?.expiries ?? [])) gauge.set({ role: e.role, file: e.file, subject: e.subject.replace(/\n/g, ', ') }, e.notAfter);
    },
  };
}
