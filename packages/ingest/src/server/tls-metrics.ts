import { Gauge, type Registry } from 'prom-client';
import type { TlsCredentials } from './tls-credentials.js';

/**
 * `logship_tls_cert_expiry_timestamp_seconds{role, file, subject}`: when the
 * server's certificate (role "server") and each client CA certificate
 * ("client_ca") expire, so an operator's own expiry alert
 * (`… - time() < 14 * 86400`) works on it. Reset on each reload so a
 * rotated certificate's old expiry disappears.
 */
export function createTlsMetrics(registry: Registry): { set(credentials: TlsCredentials): void } {
  const gauge = new Gauge({
    name: 'logship_tls_cert_expiry_timestamp_seconds',
    help: 'When a certificate the server uses expires (seconds since the epoch)',
    labelNames: ['role', 'file', 'subject'],
    registers: [registry],
  });
  return {
    set(credentials) {
      gauge.reset();
      for (const e of credentials.expiries) gauge.set({ role: e.role, file: e.file, subject: e.subject.replace(/\n/g, ', ') }, e.notAfter);
    },
  };
}
