import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import type { TlsConfig } from '../config/server-config.js';
import { errors } from './errors.js';

/** What the HTTPS server runs with, read from `tls` and checked. */
export interface TlsCredentials {
  /** For `https.createServer` and `server.setSecureContext`. */
  context: SecureContextOptions;
  /** Expiry per file (seconds since the epoch), for `logship_tls_cert_expiry_timestamp_seconds`. */
  expiries: Array<{ role: 'server' | 'syslog' | 'client_ca'; file: string; subject: string; notAfter: number }>;
}

/**
 * Reads the certificate, key and client CA and refuses what would fail later
 * and more obscurely: an unreadable file, no PEM, an expired or not yet valid
 * leaf, a key that is not the certificate's. Every error names the file.
 * Called at start and on SIGHUP (the running context stays if this throws).
 */
export function loadTlsCredentials(tls: TlsConfig, now: number = Date.now(), role: 'server' | 'syslog' = 'server'): TlsCredentials {
  const certPem = read('certificate', tls.cert_file);
  const keyPem = read('key', tls.key_file);
  const chain = certificates('certificate', tls.cert_file, certPem);
  const leaf = chain[0]!;
  checkValidity(leaf, tls.cert_file, now);
  let key: KeyObject;
  try {
    key = createPrivateKey(keyPem);
  } catch (err) {
    throw errors.tlsBadPem('key', tls.key_file, 'private key', (err as Error).message);
  }
  if (!leaf.checkPrivateKey(key)) throw errors.tlsKeyMismatch(tls.key_file, tls.cert_file);

  const context: SecureContextOptions = { cert: certPem, key: keyPem, minVersion: tls.min_version };
  const expiries: TlsCredentials['expiries'] = [
    { role, file: tls.cert_file, subject: leaf.subject, notAfter: seconds(leaf.validTo) },
  ];
  if (tls.client_ca_file !== undefined) {
    const caPem = read('client CA', tls.client_ca_file);
    for (const ca of certificates('client CA', tls.client_ca_file, caPem)) {
      expiries.push({ role: 'client_ca', file: tls.client_ca_file, subject: ca.subject, notAfter: seconds(ca.validTo) });
    }
    context.ca = caPem;
  }
  return { context, expiries };
}

function read(what: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw errors.tlsRead(what, file, (err as Error).message);
  }
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function certificates(what: string, file: string, pem: Buffer): X509Certificate[] {
  const blocks = pem.toString('utf8').match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw errors.tlsBadPem(what, file, 'certificate', 'no BEGIN CERTIFICATE block');
  return blocks.map((b) => {
    try {
      return new X509Certificate(b);
    } catch (err) {
      throw errors.tlsBadPem(what, file, 'certificate', (err as Error).message);
    }
  });
}

function checkValidity(cert: X509Certificate, file: string, now: number): void {
  if (Date.parse(cert.validTo) < now) throw errors.tlsExpired(file, new Date(cert.validTo).toISOString());
  if (Date.parse(cert.validFrom) > now) throw errors.tlsNotYetValid(file, new Date(cert.validFrom).toISOString());
}

const seconds = (date: string): number => Math.floor(Date.parse(date) / 1000);
