import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerConfig, Scope, TokenConfig } from '../config/server-config.js';
import { errors } from './errors.js';
import { createRateLimiter } from './rate-limiter.js';
import { tlsClientResolver } from './tls-client-auth.js';

/** The scope a route asks for, from its `config: { scope }` (set by the ingest and query plugins). */
export function routeScope(request: FastifyRequest): Scope | undefined {
  const scope = (request.routeOptions.config as { scope?: unknown } | undefined)?.scope;
  return scope === 'read' || scope === 'write' ? scope : undefined;
}

const digest = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * App-wide onRequest hook: routes that declare a scope need a Bearer token
 * holding it. Missing or unknown token → 401, wrong scope → 403, over the
 * token's rate → 429 with Retry-After. Tokens are looked up by their SHA-256
 * so the comparison time does not depend on how much of a guess was right.
 * Without a Bearer header, a client certificate verified by mutual TLS and
 * named in `auth.tls_clients` stands for a token with that entry's scopes.
 * With neither tokens nor tls_clients every route is open (the server then
 * refuses to listen anywhere but loopback unless mutual TLS is on).
 */
export function registerAuthHook(app: FastifyInstance, auth: ServerConfig['auth'], now: () => number): void {
  if (auth.tokens.length === 0 && auth.tls_clients.length === 0) return;
  const tlsClient = tlsClientResolver(auth.tls_clients);
  const byDigest = new Map<string, TokenConfig>(auth.tokens.map((t) => [digest(t.token), t]));
  const limiter = createRateLimiter(auth.rate_limit.burst, now);
  const limit = (name: string, perSecond: number, reply: FastifyReply): void => {
    const waitMs = limiter.take(name, perSecond);
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      reply.header('retry-after', String(seconds));
      throw errors.rateLimited(name, seconds);
    }
  };

  app.addHook('onRequest', async (request, reply) => {
    const scope = routeScope(request);
    if (scope === undefined) return;
    const header = request.headers.authorization;
    const m = header === undefined ? null : /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
    if (!m) {
      const client = tlsClient(request);
      if (client) {
        if (!client.scopes.includes(scope)) throw errors.forbiddenScope(client.name, scope);
        limit(client.name, auth.rate_limit.requests_per_s, reply);
        return;
      }
      reply.header('www-authenticate', 'Bearer');
      throw errors.missingToken();
    }
    const token = byDigest.get(digest(m[1]!));
    if (!token) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      throw errors.invalidToken();
    }
    if (!token.scopes.includes(scope)) throw errors.forbiddenScope(token.name, scope);
    limit(token.name, token.requests_per_s ?? auth.rate_limit.requests_per_s, reply);
  });
}
