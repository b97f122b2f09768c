import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServerConfig, Scope, TokenConfig } from '../config/server-config.js';
import { errors, type LogshipError } from './errors.js';
import { configErrors } from '../config/config-errors.js';
import { createRateLimiter } from './rate-limiter.js';
import { tlsClientResolver } from './tls-client-auth.js';

/** The scope a route asks for, from its `config: { scope }` (set by the ingest and query plugins). */
export function routeScope(request: FastifyRequest): Scope | undefined {
  const scope = (request.routeOptions.config as { scope?: unknown } | undefined)?.scope;
  return scope === 'read' || scope === 'write' ? scope : undefined;
}

const digest = (s: string): string => createHash('sha256').update(s).digest('hex');

/**
 * What an Authorization header may hold a token in. Shippers cannot all
 * send Bearer: Promtail, Fluent Bit and rsyslog send Basic (the token is
 * the password, or the user name when the password is empty), Beats and the
 * Elasticsearch clients send `ApiKey base64(id:key)` (the token is the key,
 * or the whole value) — so each form maps to the same tokens.
 */
export function tokenCandidates(header: string | undefined): string[] {
  if (header === undefined) return [];
  const m = /^(Bearer|Basic|ApiKey)[ \t]+(\S+)\s*$/i.exec(header);
  if (!m) return [];
  const scheme = m[1]!.toLowerCase();
  const value = m[2]!;
  if (scheme === 'bearer') return [value];
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (scheme === 'basic') {
    if (colon === -1) return [];
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);
    return password !== '' ? [password] : user !== '' ? [user] : [];
  }
  // ApiKey: the raw value (a token pasted as is), or id:key encoded.
  return colon === -1 ? [value] : [value, decoded.slice(colon + 1)];
}

const SCHEMES = ['Bearer', 'Basic', 'ApiKey'];

/**
 * The `WWW-Authenticate` challenges of a 401, one header field per scheme
 * the route takes (RFC 9110 §11.6.1 allows several; Elasticsearch with
 * security on answers Basic, Bearer and ApiKey the same way). Bearer stays
 * first, as it was alone before, for clients that read only the first.
 * Basic is offered on write routes only: the shippers that send it (Promtail,
 * Fluent Bit, rsyslog, Logstash) write, while the read routes are what the
 * search page fetches, and a browser answers a Basic challenge with its own
 * login dialog over the page's token prompt. Basic still works there when
 * sent; it is only not asked for.
 */
export function authChallenges(scope: Scope, bearerError?: string): string[] {
  const bearer = bearerError === undefined ? 'Bearer' : `Bearer error="${bearerError}"`;
  return scope === 'write' ? [bearer, 'Basic realm="logship", charset="UTF-8"', 'ApiKey'] : [bearer, 'ApiKey'];
}

/**
 * Why an Authorization header gave no token, for LS_AUTH_MISSING_TOKEN:
 * `Authorization: Token X` (Django REST framework's habit, Splunk's) was
 * answered as if no header had been sent. It names the scheme sent, never
 * the credential: a first word that could be a token (longer than any
 * scheme's name, or alone in the header) is not repeated.
 */
export function whatWasSent(header: string | undefined): string {
  if (header === undefined) return 'no Authorization header was sent';
  const words = header.trim().split(/\s+/).filter((w) => w !== '');
  if (words.length === 0) return 'the Authorization header is empty';
  const accepted = SCHEMES.find((s) => s.toLowerCase() === words[0]!.toLowerCase());
  if (words.length === 1) {
    return accepted !== undefined
      ? `the Authorization header says ${accepted} but holds no token after it`
      : 'the Authorization header holds one word and no scheme before it (a token alone needs "Bearer " before it)';
  }
  if (accepted === undefined) {
    const nameable = /^[A-Za-z][A-Za-z0-9-]{0,15}$/.test(words[0]!);
    return `the Authorization header uses ${nameable ? `the "${words[0]}" scheme` : 'a scheme'}, which this server does not accept (it takes ${SCHEMES.join(', ')})`;
  }
  if (words.length > 2) return `the ${accepted} credentials in the Authorization header are not one word (a token holds no spaces)`;
  if (accepted === 'Basic') return 'the Basic credentials in the Authorization header do not decode to user:password (base64 of "user:TOKEN")';
  return `the ${accepted} credentials in the Authorization header could not be read (one space between "${accepted}" and the token)`;
}

/**
 * Checks a request's Authorization header for a scope: undefined when it may
 * go on, else the coded error to answer with and the headers that go with
 * it. Missing or unknown token → 401, wrong scope → 403, over the token's
 * rate (per client address with `rate_limit.per: client`, the default: a
 * fleet of thousands of hosts shares one token, and one bucket for all of
 * them at 100 requests/s would throttle the fleet) → 429 with Retry-After; more failed attempts from one `client`
 * address than `auth.failed_auth` allows → 429 LS_AUTH_TOO_MANY_FAILURES.
 * Tokens are looked up by their SHA-256 so the comparison time does not
 * depend on how much of a guess was right.
 */
export type Authorize = (authorization: string | undefined, scope: Scope, client?: string) => AuthRefusal | undefined;

export interface AuthRefusal {
  error: LogshipError;
  /** A list is sent as one header field per element (the challenges of a 401). */
  headers: Record<string, string | string[]>;
}

/**
 * undefined when neither tokens nor tls_clients are configured: every route
 * is open (and the server listens on loopback only, unless mutual TLS is on).
 */
export function createAuthorize(auth: ServerConfig['auth'], now: () => number): Authorize | undefined {
  if (auth.tokens.length === 0 && auth.tls_clients.length === 0) return undefined;
  const byDigest = new Map<string, TokenConfig>(auth.tokens.map((t) => [digest(t.token), t]));
  const limiter = createRateLimiter(auth.rate_limit.burst, now);
  const failures = createRateLimiter(auth.failed_auth.burst, now);
  const failedPerS = auth.failed_auth.per_s;
  const perClient = auth.rate_limit.per !== 'token';
  // A client address that spent its failed-attempt budget is refused before
  // its token is even looked at: otherwise guessing would go on at full
  // speed, only with 429 for the wrong guesses and 200 for the right one.
  const guessing = (client: string, waitMs: number): AuthRefusal => {
    const seconds = Math.max(1, Math.ceil(waitMs / 1000));
    return { error: errors.tooManyAuthFailures(client, seconds), headers: { 'retry-after': String(seconds) } };
  };
  return (authorization, scope, client): AuthRefusal | undefined => {
    if (client !== undefined) {
      const blockedMs = failures.wait(client, failedPerS);
      if (blockedMs > 0) return guessing(client, blockedMs);
    }
    const failed = (refusal: AuthRefusal): AuthRefusal => {
      const waitMs = client === undefined ? 0 : failures.take(client, failedPerS);
      return waitMs > 0 ? guessing(client!, waitMs) : refusal;
    };
    const candidates = tokenCandidates(authorization);
    if (candidates.length === 0) return failed({ error: errors.missingToken(whatWasSent(authorization)), headers: { 'www-authenticate': authChallenges(scope) } });
    let token: TokenConfig | undefined;
    for (const c of candidates) if ((token = byDigest.get(digest(c)))) break;
    if (!token) return failed({ error: errors.invalidToken(), headers: { 'www-authenticate': authChallenges(scope, 'invalid_token') } });
    if (!token.scopes.includes(scope)) return { error: errors.forbiddenScope(token.name, scope), headers: {} };
    const key = perClient && client !== undefined ? `${token.name}\u0000${client}` : token.name;
    const waitMs = limiter.take(key, token.requests_per_s ?? auth.rate_limit.requests_per_s);
    if (waitMs > 0) {
      const seconds = Math.max(1, Math.ceil(waitMs / 1000));
      // The wait on the error too, not only in the header: a protocol that answers in its own shape (OTLP/gRPC's RetryInfo) reads it there.
      return { error: errors.rateLimited.withCause({ retryAfterS: seconds }, token.name, seconds), headers: { 'retry-after': String(seconds) } };
    }
    return undefined;
  };
}

/** The auth in force, replaceable while the server runs (SIGHUP). */
export interface AuthControl {
  /** The current tokens' check (undefined while none are configured: every route open), for listeners outside fastify (OTLP/gRPC). */
  authorize: Authorize;
  /** Whether tokens or client certificates are configured now. */
  enabled(): boolean;
  /**
   * Puts `auth` in force for the next request, all at once: new tokens
   * work, removed ones answer 401, rate-limit buckets start full. Refused
   * (throws LS_CONFIG_INVALID, the running auth stays) when it would turn
   * auth off or on: an open server is held to loopback at start
   * (listen-policy.ts), and a server started open has no token check to
   * turn on; both need a restart.
   */
  replace(auth: ServerConfig['auth']): void;
}

/**
 * App-wide onRequest hook: routes that declare a scope need a token holding
 * it (Bearer, or Basic/ApiKey as above). A request without an Authorization
 * header whose client certificate (verified by mutual TLS) matches an
 * `auth.tls_clients` entry has that entry's scopes instead, with its own rate
 * limit. Returns the control over it: the token check for listeners outside
 * fastify (OTLP/gRPC), which follows a replacement too, and replace().
 */
export function registerAuthHook(app: FastifyInstance, auth: ServerConfig['auth'], now: () => number): AuthControl {
  let current = build(auth, now);
  const control: AuthControl = {
    authorize: (authorization, scope, client) => current?.authorize(authorization, scope, client),
    enabled: () => current !== undefined,
    replace(next) {
      const made = build(next, now);
      if ((made === undefined) !== (current === undefined)) {
        throw configErrors.configInvalid('auth', made === undefined ? 'would have no tokens, opening every route: that needs a restart (and a loopback listen address)' : 'adds tokens to a server started without any: that needs a restart');
      }
      current = made;
    },
  };
  app.addHook('onRequest', async (request, reply) => {
    const live = current;
    if (!live) return;
    const scope = routeScope(request);
    if (scope === undefined) return;
    const client = request.headers.authorization === undefined ? live.tlsClient(request) : undefined;
    if (client) {
      if (!client.scopes.includes(scope)) throw errors.forbiddenScope(client.name, scope);
      const waitMs = live.certLimiter.take(client.name, live.auth.rate_limit.requests_per_s);
      if (waitMs > 0) {
        const seconds = Math.max(1, Math.ceil(waitMs / 1000));
        reply.header('retry-after', String(seconds));
        throw errors.rateLimited.withCause({ retryAfterS: seconds }, client.name, seconds);
      }
      return;
    }
    const refusal = live.authorize(request.headers.authorization, scope, request.ip);
    if (refusal) {
      for (const [k, v] of Object.entries(refusal.headers)) reply.header(k, v);
      throw refusal.error;
    }
  });
  return control;
}

interface BuiltAuth {
  auth: ServerConfig['auth'];
  authorize: Authorize;
  tlsClient: ReturnType<typeof tlsClientResolver>;
  certLimiter: ReturnType<typeof createRateLimiter>;
}

function build(auth: ServerConfig['auth'], now: () => number): BuiltAuth | undefined {
  const authorize = createAuthorize(auth, now);
  if (!authorize) return undefined;
  return { auth, authorize, tlsClient: tlsClientResolver(auth.tls_clients), certLimiter: createRateLimiter(auth.rate_limit.burst, now) };
}
