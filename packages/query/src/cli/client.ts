import { request as nodeHttpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { CLI_WORDS, backwardsRange } from '../http/backwards-range.js';
import { cliBadTime } from '../http/time-advice.js';
import { cutAnswerMessage, noAnswerMessage, notLogshipMessage, timeoutMessage } from './client-errors.js';
import { DEFAULT_TIMEOUT_MS } from './timeout-flag.js';

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
  /** The server answered with a refusal or a failure (401, 403, 429, 5xx), or what answered is not logship. */
  SERVER: 3,
  /** No answer: the connection was refused, the host is unknown, TLS failed, it broke before the answer was whole, or nothing came within --timeout. */
  UNREACHABLE: 4,
  /** The reader of the output closed it (`| head`): 128 + SIGPIPE, as the bin answers an EPIPE (ingest's cli-io.ts). */
  CLOSED_PIPE: 141,
});

export class CliError extends Error {
  /** `code`: the LS_CLIENT_* code when the line has one a caller acts on (LS_CLIENT_TIMEOUT ends a --follow). */
  constructor(message: string, readonly exitCode: number, readonly code?: string) {
    super(message);
    this.name = 'CliError';
  }
}

export interface ClientOptions {
  server: string;
  token?: string | undefined;
  /** PEM contents: a private CA to trust, a client certificate and key (mutual TLS). */
  tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer };
  /** How long one answer may take, in ms (--timeout); 0 waits for ever; default DEFAULT_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** The client's timeout in ms: 0 for none. */
export function timeoutOf(opts: ClientOptions): number {
  return opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
}

/**
 * A timer that aborts a request's signal when the server has not answered
 * in time (nothing at all, or an answer that does not end). Unref'd: a
 * request whose connection closed unanswered still ends the process's
 * work at once (settledWhenIdle), not at the timeout.
 */
export class Deadline {
  readonly signal: AbortSignal;
  private readonly timer: NodeJS.Timeout | undefined;
  private fired = false;

  constructor(readonly ms: number) {
    const ac = new AbortController();
    this.signal = ac.signal;
    if (ms > 0) {
      this.timer = setTimeout(() => {
        this.fired = true;
        ac.abort(new Error(`no answer within ${ms} ms`));
      }, ms);
      this.timer.unref();
    }
  }

  get expired(): boolean {
    return this.fired;
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}

/** The CliError of a request that timed out; `began` when its answer had started. */
export function timeoutError(opts: ClientOptions, ms: number, began: boolean): CliError {
  return new CliError(timeoutMessage(opts.server, ms, began), EXIT.UNREACHABLE, 'LS_CLIENT_TIMEOUT');
}

/**
 * LOGSHIP_URL, else the local server. Set but empty (`LOGSHIP_URL=` in a
 * script, an unset CI variable) is unset, as for the TLS variables: it was a
 * usage error, `LOGSHIP_URL "" is not an http:// or https:// address`.
 */
export function defaultServer(env: NodeJS.ProcessEnv = process.env): string {
  return env.LOGSHIP_URL || 'http://127.0.0.1:7700';
}

interface ErrorBody {
  error?: { code?: string; message?: string; caret?: string; param?: string; value?: unknown; maximum?: number; from?: unknown; to?: unknown; to_default?: unknown; did_you_mean?: unknown };
}

/** The API's parameter a command's flag is sent as, where the names differ (`stats --by F --size N` is by_size). */
const FLAG_OF_PARAM: Record<string, string> = { by_size: '--size' };

/** Routes that take their parameters as a JSON body too (README "HTTP API"). */
const POST_ROUTES = new Set(['/api/v1/search', '/api/v1/aggregate']);
/** Past this, a GET's URL nears node's 16 KiB header limit (431): a query of 2,000 CJK characters is 18 KiB encoded. */
const MAX_GET_URL = 8 * 1024;
/** Parameters that are integers in a JSON body (a body's values are not converted). */
const INTEGER_PARAMS = new Set(['limit', 'size', 'by_size']);

/**
 * GET an API path (POST with a JSON body when the URL would be long and the
 * route takes one); returns the parsed JSON body or throws a CliError.
 */
export async function getJson<T>(opts: ClientOptions, path: string, params: URLSearchParams): Promise<T> {
  const url = `${path}?${params}`;
  // One deadline for the whole answer, its body too: a server that sent its
  // headers and then stalled held the command as long as one that sent nothing.
  const deadline = new Deadline(timeoutOf(opts));
  let text: string;
  let res: Response;
  try {
    res = POST_ROUTES.has(path) && url.length > MAX_GET_URL
      ? await request(opts, path, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(Object.fromEntries([...params].map(([k, v]) => [k, INTEGER_PARAMS.has(k) ? Number(v) : v]))),
      }, deadline)
      : await request(opts, url, {}, deadline);
    try {
      text = await res.text();
    } catch (err) {
      if (deadline.expired) throw timeoutError(opts, deadline.ms, true);
      throw new CliError(cutAnswerMessage(opts.server, err), EXIT.UNREACHABLE);
    }
  } finally {
    deadline.clear();
  }
  if (!res.ok) throw errorFromBody(res.status, text, opts.server);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  // A 200 that is not logship's (a web server's page, a proxy's login form)
  // threw a SyntaxError that the bin printed as exit 1, "nothing found".
  // Search and aggregate answers always state their range.
  if (body === null || typeof body !== 'object' || (RANGED_ROUTES.has(path) && typeof (body as { range?: unknown }).range !== 'object')) {
    throw new CliError(notLogshipMessage(opts.server, res.status, text), EXIT.SERVER);
  }
  return body as T;
}

/** Routes whose every answer carries `range`. */
const RANGED_ROUTES = new Set(['/api/v1/search', '/api/v1/aggregate']);

/**
 * Sends a request and resolves with the answer's status and headers. Its
 * `deadline` bounds the wait (by default, until the headers: a caller that
 * passes one bounds the body with it too, and clears it); past it, the
 * request is aborted and LS_CLIENT_TIMEOUT thrown.
 */
export async function request(opts: ClientOptions, pathAndQuery: string, init: RequestInit = {}, deadline?: Deadline): Promise<Response> {
  const headers = new Headers(init.headers);
  if (opts.token) headers.set('authorization', `Bearer ${opts.token}`);
  const url = `${opts.server.replace(/\/+$/, '')}${pathAndQuery}`;
  const bound = deadline ?? new Deadline(timeoutOf(opts));
  const signal = init.signal ? AbortSignal.any([init.signal, bound.signal]) : bound.signal;
  try {
    if (opts.tls && url.startsWith('https:')) return await httpsRequest(url, { ...init, headers, signal }, opts.tls);
    return await settledWhenIdle(fetch(url, { ...init, headers, signal }));
  } catch (err) {
    // An abort (Ctrl-C during --follow) is the caller's own.
    if (init.signal?.aborted) throw err;
    if (bound.expired) throw timeoutError(opts, bound.ms, false);
    throw new CliError(noAnswerMessage(opts.server, err), EXIT.UNREACHABLE);
  } finally {
    if (deadline === undefined) bound.clear();
  }
}

/**
 * Node 20's fetch never settles when the server closes a new connection
 * before reading the request (a port forward or proxy with nothing behind
 * it): the process, with nothing left to run, stopped with no word (the
 * bin's 70, "a bug"). Nothing left to run while a request waits is that
 * close, so it is answered as the closed connection it is.
 */
function settledWhenIdle<T>(pending: Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const closed = (): void => reject(Object.assign(new Error('the connection closed without an answer'), { code: 'UND_ERR_CLOSED' }));
    process.once('beforeExit', closed);
    void pending.then(resolve, reject).finally(() => process.off('beforeExit', closed));
  });
}

/**
 * GET over node:https with a private CA or a client certificate, answered as
 * a fetch Response (the body streams, for /api/v1/tail). Global fetch takes
 * no CA or client certificate without undici's own dispatcher, which node
 * does not expose.
 */
function httpsRequest(url: string, init: RequestInit & { headers: Headers; signal: AbortSignal }, tls: NonNullable<ClientOptions['tls']>): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = nodeHttpsRequest(url, {
      method: init.method ?? 'GET',
      headers: Object.fromEntries(init.headers.entries()),
      ...tls,
      signal: init.signal,
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

/** Said after a 401 or 403, by the server's code: what to pass. */
const AUTH_HINTS: Record<string, string> = {
  LS_AUTH_MISSING_TOKEN: 'pass --token TOKEN (or set LOGSHIP_TOKEN), a token with the read scope',
  LS_AUTH_INVALID_TOKEN: 'the server does not know the token of --token (or LOGSHIP_TOKEN); check it against auth.tokens',
  LS_AUTH_FORBIDDEN_SCOPE: 'use a token with the read scope in --token (or LOGSHIP_TOKEN)',
};

/** The CliError of an answer that is not 2xx; `server` names where it came from when it is not logship's. */
export function errorFromBody(status: number, text: string, server = 'the server'): CliError {
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
    return new CliError(notLogshipMessage(server, status, text), EXIT.SERVER);
  }
  let message = e.message ?? '';
  // The range's refusal names the API's parameters; said with the flags the user wrote.
  if (e.code === 'LS_API_BAD_RANGE' && typeof e.from === 'string' && typeof e.to === 'string') {
    message = `the time range is backwards: ${backwardsRange(e.from, e.to, e.to_default === true, CLI_WORDS)}`;
  }
  // A --from or --to that is no time: its advice in flags (`--from now-1d/d`), not the API's `from=now-1d/d`.
  if (e.code === 'LS_API_BAD_TIME' && (e.param === 'from' || e.param === 'to') && typeof e.value === 'string') {
    message = cliBadTime(e.param, e.value) ?? message;
  }
  // `stats … --by level --size 500`: the server names its by_size, which the user never wrote.
  const flag = typeof e.param === 'string' ? FLAG_OF_PARAM[e.param] : undefined;
  if (flag !== undefined && typeof e.maximum === 'number') message += ` (${flag} ${e.maximum} at most)`;
  // `@eror`: the saved query the server found nearest, as the page says it.
  if (typeof e.did_you_mean === 'string') message += `; did you mean ${e.did_you_mean}?`;
  const hint = AUTH_HINTS[e.code];
  if (hint !== undefined && (status === 401 || status === 403)) message += `; ${hint}`;
  const caret = e.caret ? `\n${e.caret}` : '';
  const exitCode = status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 429 ? EXIT.USAGE : EXIT.SERVER;
  return new CliError(`error ${status} [${e.code}]: ${message}${caret}`, exitCode);
}
