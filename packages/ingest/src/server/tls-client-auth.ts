import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';
import type { Scope, TlsClientConfig } from '../config/server-config.js';
import { parseSubject, subjectMatches, type Subject } from '../config/parse-subject.js';

export interface TlsClient {
  /** For logs and the rate limiter: `cert:CN=web-1`. */
  name: string;
  scopes: readonly Scope[];
}

/**
 * Finds the `auth.tls_clients` entry a request's client certificate stands
 * for. Only a certificate the TLS layer verified against `client_ca_file`
 * counts (`socket.authorized`); the answer is kept per connection because
 * the certificate cannot change on it.
 */
export function tlsClientResolver(clients: readonly TlsClientConfig[]): (request: FastifyRequest) => TlsClient | undefined {
  const parsed: Array<{ subject: Subject; client: TlsClient }> = clients.map((c) => ({
    subject: parseSubject(c.subject),
    client: { name: `cert:${c.subject}`, scopes: c.scopes },
  }));
  const perSocket = new WeakMap<object, TlsClient | null>();
  return (request) => {
    if (parsed.length === 0) return undefined;
    const socket = request.raw.socket as Partial<TLSSocket>;
    if (socket.encrypted !== true || socket.authorized !== true || typeof socket.getPeerCertificate !== 'function') return undefined;
    let found = perSocket.get(socket);
    if (found === undefined) {
      const subject = socket.getPeerCertificate().subject as unknown as Record<string, string | string[]> | undefined;
      found = (subject && parsed.find((p) => subjectMatches(p.subject, subject))?.client) ?? null;
      perSocket.set(socket, found);
    }
    return found ?? undefined;
  };
}
