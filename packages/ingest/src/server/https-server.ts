import type { Server as HttpServer } from 'node:http';
import { createServer, type Server as HttpsServer } from 'node:https';
import type { FastifyServerFactory } from 'fastify';
import type { TlsCredentials } from './tls-credentials.js';

/**
 * A fastify serverFactory that serves HTTPS on the listen port (every route:
 * ingest, the query API, SSE tail, the page). With a client CA the TLS layer
 * itself refuses a client without a certificate the CA signed, before any
 * route runs (mutual TLS).
 */
export function httpsServerFactory(credentials: TlsCredentials, maxHeaderSize: number): FastifyServerFactory {
  const mutual = credentials.context.ca !== undefined;
  // fastify's types want an http.Server; an https.Server serves the same
  // 'request' events and fastify reads `socket.encrypted` for request.protocol.
  return (handler, options) => {
    const server = createServer({ ...credentials.context, requestCert: mutual, rejectUnauthorized: mutual, maxHeaderSize }, handler);
    // What fastify sets on a server it makes itself (it skips them for a
    // factory's), so HTTPS keeps connections as long as HTTP does.
    const o = options as { keepAliveTimeout?: number; requestTimeout?: number; connectionTimeout?: number };
    if (o.keepAliveTimeout !== undefined) server.keepAliveTimeout = o.keepAliveTimeout;
    if (o.requestTimeout !== undefined) server.requestTimeout = o.requestTimeout;
    if (o.connectionTimeout !== undefined) server.setTimeout(o.connectionTimeout);
    return server as unknown as HttpServer;
  };
}

/**
 * New certificate, key and client CA for new handshakes; connections already
 * open keep theirs, so a SIGHUP drops nothing.
 */
export function replaceCredentials(server: HttpServer, credentials: TlsCredentials): void {
  (server as unknown as HttpsServer).setSecureContext(credentials.context);
}
