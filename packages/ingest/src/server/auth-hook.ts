import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerConfig, Scope, TokenConfig } from '../config/server-config.js';
import { errors } from './errors.js';
import { createRateLimiter } from './rate-limiter.js';

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
 * With no tokens configured every route is open (the server then refuses to
 * listen anywhere but loopback).
 */
export function registerAuthHook(app: FastifyInstance, auth: ServerConfig['auth'], now: () => number): void {
  if (auth.tokens.length === 0) return;
  const byDigest = new Map<string, TokenConfig>(auth.tokens.map((t) => [digest(t.token), t]));
  const limiter = createRateLimiter(auth.rate_limit.burst, now);
  const failures = createRateLimiter(auth.failed_auth.burst, now);
  const failedPerS = auth.failed_auth.per_s;

  // An address that spent its failed-attempt budget is refused before its
  // token is even looked at: otherwise guessing would go on at full speed,
  // only with 429 for the wrong guesses and 200 for the right one.
  const refuseGuessing = (request: FastifyRequest, reply: FastifyReply, waitMs: number): never => {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    reply.header('retry-after', String(seconds));
    throw errors.tooManyAuthFailures(request.ip, seconds);
  };
  const failed = (request: FastifyRequest, reply: FastifyReply, err: Error): never => {
    const waitMs = failures.take(request.ip, failedPerS);
    if (waitMs > 0) refuseGuessing(request, reply, waitMs);
    throw err;
  };

  app.addHook('onRequest', async (request, reply) => {
    const scope = routeScope(request);
    if (scope === undefined) return;
    const blockedMs = failures.wait(request.ip, failedPerS);
    if (blockedMs > 0) return refuseGuessing(request, reply, blockedMs);
    const header = request.headers.authorization;
    const m = header === undefined ? null : /^Bearer[ \t]+(\S+)\s*$/i.exec(header);
    if (!m) {
      reply.header('www-authenticate', 'Bearer');
      return failed(request, reply, errors.missingToken());
    }
    const token = byDigest.get(digest(m[1]!));
    if (!token) {
      reply.header('www-authenticate', 'Bearer error="invalid_token"');
      return failed(request, reply, errors.invalidToken());
    }
    if (!token.scopes.includes(scope)) throw errors.forbiddenScope(token.name, scope);
    const waitMs = limiter.take(token.name, token.requests_per_s ?? auth.rate_limit.requests_per_s);
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      reply.header('retry-after', String(seconds));
      throw errors.rateLimited(token.name, seconds);
    }
  });
}
