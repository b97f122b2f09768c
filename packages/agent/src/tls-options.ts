import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AgentOptions } from 'node:https';
import { agentError } from './errors.js';

/** The node:https agent options for `server.tls`. */
export type TlsAgentOptions = Pick<AgentOptions, 'ca' | 'cert' | 'key' | 'servername' | 'rejectUnauthorized'>;

/** How the agent verifies an https server and which certificate it presents (the paths the config names; read here). */
export interface ServerTlsConfig {
  /** PEM CA bundle to trust instead of the system's (a private CA). */
  readonly ca_file?: string;
  /** Client certificate and key for mutual TLS (both or neither). */
  readonly cert_file?: string;
  readonly key_file?: string;
  /** Host name the certificate must carry, when it is not the URL's host. */
  readonly server_name?: string;
  /** Accept any certificate (warned about at every start). */
  readonly insecure_skip_verify: boolean;
}

/**
 * Reads the files `server.tls` names. Throws LS_AGENT_TLS_FILE naming the
 * key and file when one cannot be read or holds no PEM of the right kind, so
 * `--check` and SIGHUP catch it rather than every shipping attempt.
 */
export function readTlsOptions(tls: ServerTlsConfig | undefined): TlsAgentOptions {
  if (!tls) return {};
  const out: TlsAgentOptions = { rejectUnauthorized: !tls.insecure_skip_verify };
  if (tls.ca_file !== undefined) {
    out.ca = read('ca_file', tls.ca_file);
    parse('ca_file', tls.ca_file, () => new X509Certificate(out.ca as Buffer));
  }
  if (tls.cert_file !== undefined && tls.key_file !== undefined) {
    out.cert = read('cert_file', tls.cert_file);
    out.key = read('key_file', tls.key_file);
    const cert = parse('cert_file', tls.cert_file, () => new X509Certificate(out.cert as Buffer));
    const key = parse('key_file', tls.key_file, () => createPrivateKey(out.key as Buffer));
    if (!cert.checkPrivateKey(key)) throw agentError('LS_AGENT_TLS_FILE', 'key_file', tls.key_file, `the key does not belong to the certificate in ${tls.cert_file}`);
  }
  if (tls.server_name !== undefined) out.servername = tls.server_name;
  return out;
}

function read(key: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw agentError('LS_AGENT_TLS_FILE', key, file, (err as Error).message, err);
  }
}

function parse<T>(key: string, file: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw agentError('LS_AGENT_TLS_FILE', key, file, `not a PEM file of that kind (${(err as Error).message})`, err);
  }
}

/**
 * Error codes node and OpenSSL give when the server's certificate is not
 * trusted, does not name the host, or has expired, or when the server
 * refuses the agent's certificate: the setup, not an outage, so reported as
 * an error (and still retried, never sent unverified).
 */
const VERIFY_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'HOSTNAME_MISMATCH',
  // The server (mutual TLS) refused the agent's certificate, or its absence.
  'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
  'ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR', 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE',
]);

export function isTlsVerifyError(code: string | undefined): boolean {
  return code !== undefined && VERIFY_CODES.has(code);
}
