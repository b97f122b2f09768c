import { request as nodeHttpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { CLI_WORDS, backwardsRange } from '../http/backwards-range.js';

/**
 * A small HTTP client for the query API, shared by the CLI commands. It
 * turns the API's error bodies into `CliError`s with a stable exit code.
 */
export const EXIT = Object.freeze({
  /** Found something (search: at least one hit). */
  OK: 0,
  /** Ran fine, found nothing (like grep). */
  NO_MATCH: 1,
  /** The user's mistake: bad flag, bad query (syntax error with caret). */
  USAGE: 2,
  /** The server could not be reached or failed. */
  SERVER: 3,
});

export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'CliError';
  }
}

export interface ClientOptions {
  server: string;
  token?: string | undefined;
  /** PEM contents: a private CA to trust, a client certificate and key (mutual TLS). */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
}

export function defaultServer(): string {
  return process.env.LOGSHIP_URL ?? 'http://127.0.0.1:7700';
}

interface ErrorBody {
  error?: { code?: string; message?: string; caret?: string; param?: string; maximum?: number; from?: unknown; to?: unknown; to_default?: unknown };
}

/** The API's parameter a command's flag is sent as, where the names differ (`stats --by F --size N` is by_size). */
const FLAG_OF_PARAM: Record<string, string> = { by_size: '--size' };

/** Routes that take their parameters as a JSON body too (README "HTTP API"). */
const POST_ROUTES = new Set(['/api/v1/search', '/api/v1/aggregate']);
/** Past this, a GET's URL nears node's 16 KiB header limit (431): a query of 2,000 CJK characters is 18 KiB encoded. */
const MAX_GET_URL = 8 * 1024;
/** Parameters that are integers in a JSON body (a body's values are not converted). */
const INTEGER_PARAMS = new Set(['limit', 'size']);

/**
 * GET an API path (POST with a JSON body when the URL would be long and the
 * route takes one); returns the parsed JSON body or throws a CliError.
 */
export async function getJson<T>(opts: ClientOptions, path: string, params: URLSearchParams): Promise<T> {
  const url = `${path}?${params}`;
  const res = POST_ROUTES.has(path) && url.length > MAX_GET_URL
    ? await request(opts, path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(Object.fromEntries([...params].map(([k, v]) => [k, INTEGER_PARAMS.has(k) ? Number(v) : v]))),
    })
    : await request(opts, url);
  const text = await res.text();
  if (!res.ok) throw errorFromBody(res.status, text);
  return JSON.parse(text) as T;
}

export async function request(opts: ClientOptions, pathAndQuery: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (opts.token) headers.set('authorization', `Bearer ${opts.token}`);
  const url = `${opts.server.replace(/\/+$/, '')}${pathAndQuery}`;
  try {
    if (opts.tls && url.startsWith('https:')) return await httpsRequest(url, { ...init, headers }, opts.tls);
    return await fetch(url, { ...init, headers });
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause ?? (err as { code?: string; message?: string });
    throw new CliError(
      `cannot reach the logship server at ${opts.server} (${cause.code ?? cause.message ?? (err as Error).message}); ` +
        'is `logship serve` running? Set --server or LOGSHIP_URL (and --ca-file for a private CA).',
      EXIT.SERVER,
    );
  }
}

/**
 * GET over node:https with a private CA or a client certificate, answered as
 * a fetch Response (the body streams, for /api/v1/tail). Global fetch takes
 * no CA or client certificate without undici's own dispatcher, which node
 * does not expose.
 */
function httpsRequest(url: string, init: RequestInit & { headers: Headers }, tls: NonNullable<ClientOptions['tls']>): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = nodeHttpsRequest(url, {
      method: init.method ?? 'GET',
      headers: Object.fromEntries(init.headers.entries()),
      ...tls,
      ...(init.signal ? { signal: init.signal } : {}),
    }, (res) => {
      const headers = new Headers();
      for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
      const status = res.statusCode ?? 502;
      const body = status === 204 || status === 304 ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
      resolve(new Response(body, { status, headers }));
    });
    req.on('error', reject);
    req.end(typeof init.body === 'string' ? init.body : undefined);
  });
}

export function errorFromBody(status: number, text: string): CliError {
  let body: ErrorBody = {};
  try {
    body = JSON.parse(text) as ErrorBody;
  } catch {
    // not JSON: fall through with the raw text
  }
  const e = body.error;
  if (typeof e?.code !== 'string') {
    // Every logship error carries a code: this answer is from something else
    // (a wrong --server, a proxy's error page), not a mistake in the query.
    const first = text.trim().split('\n')[0]?.slice(0, 200) ?? '';
    return new CliError(
      `error ${status} without a logship error (${first || 'empty body'}); is --server (or LOGSHIP_URL) a logship server's address?`,
      EXIT.SERVER,
    );
  }
  let message = e.message ?? '';
  // The range's refusal names the API's parameters; said with the flags the user wrote.
  if (e.code === 'LS_API_BAD_RANGE' && typeof e.from === 'string' && typeof e.to === 'string') {
    message = `the time range is backwards: ${backwardsRange(e.from, e.to, e.to_default === true, CLI_WORDS)}`;
  }
  // `stats … --by level --size 500`: the server names its by_size, which the user never wrote.
  const flag = typeof e.param === 'string' ? FLAG_OF_PARAM[e.param] : undefined;
  if (flag !== undefined && typeof e.maximum === 'number') message += ` (${flag} ${e.maximum} at most)`;
  const caret = e.caret ? `\n${e.caret}` : '';
  const exitCode = status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429 ? EXIT.USAGE : EXIT.SERVER;
  return new CliError(`error ${status} [${e.code}]: ${message}${caret}`, exitCode);
}
