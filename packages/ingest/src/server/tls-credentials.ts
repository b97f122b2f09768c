import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { SecureContextOptions } from 'node:tls';
import type { TlsConfig } from '../config/server-config.js';
import { errors } from './errors.js';
import { MistakeList } from '../errors/mistake-list.js';

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
 * leaf, a key that is not the certificate's. Every error names the file;
 * each file's problem is found on its own and all are thrown together
 * (MistakeList), so a missing key and an expired certificate are one round
 * of fixing. Called at start, by `serve --check` and on SIGHUP (the running
 * context stays if this throws).
 */
export function loadTlsCredentials(tls: TlsConfig, now: number = Date.now(), role: 'server' | 'syslog' = 'server'): TlsCredentials {
  const mistakes = new MistakeList();
  const certPem = mistakes.check(() => read('certificate', tls.cert_file), undefined);
  const keyPem = mistakes.check(() => read('key', tls.key_file), undefined);
  const caFile = tls.client_ca_file;
  const caPem = caFile === undefined ? undefined : mistakes.check(() => read('client CA', caFile), undefined);
  const leaf = certPem && mistakes.check(() => certificates('certificate', tls.cert_file, certPem)[0]!, undefined);
  if (leaf) mistakes.check(() => checkValidity(leaf, tls.cert_file, now), undefined);
  const key = keyPem && mistakes.check(() => privateKey(tls.key_file, keyPem), undefined);
  const cas = caFile !== undefined && caPem ? mistakes.check(() => certificates('client CA', caFile, caPem), undefined) : undefined;
  if (leaf && key && !leaf.checkPrivateKey(key)) mistakes.add(errors.tlsKeyMismatch(tls.key_file, tls.cert_file));
  mistakes.throwIfAny();
  // Each is set once nothing was found wrong.
  const context: SecureContextOptions = { cert: certPem!, key: keyPem!, minVersion: tls.min_version };
  const expiries: TlsCredentials['expiries'] = [
    { role, file: tls.cert_file, subject: leaf!.subject, notAfter: seconds(leaf!.validTo) },
  ];
  if (caFile !== undefined) {
    for (const ca of cas!) expiries.push({ role: 'client_ca', file: caFile, subject: ca.subject, notAfter: seconds(ca.validTo) });
    context.ca = caPem!;
  }
  return { context, expiries };
}

function privateKey(file: string, pem: Buffer): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch (err) {
    throw errors.tlsBadPem('key', file, 'private key', (err as Error).message);
  }
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
