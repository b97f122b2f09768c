/**
 * The page's HTTP client: every call carries the read token kept for this
 * browser session (sessionStorage), and every failure becomes an ApiFailure
 * with the server's code, so the page can say what went wrong (a 401 asks for
 * a token, a 400 on a query points at its position).
 */
import type { LogEvent } from '@logship/query/browser';
import type { AnswerWarning } from './answer-warnings.js';

const TOKEN_KEY = 'logship.token';

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
  // The new token is tried by one request before the rest go.
  gate = 'first';
  refusal = null;
}

export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  /** Position of a query error (UTF-16 offset), when the server gave one. */
  readonly offset: number | undefined;
  /** The server's suggestion for an unknown name (`@errors` for `@eror`), when it gave one. */
  readonly didYouMean: string | undefined;

  constructor(status: number, code: string, message: string, offset?: number, didYouMean?: string) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
    this.offset = offset;
    this.didYouMean = didYouMean;
  }

  get isAuth(): boolean {
    return this.status === 401 || this.status === 403;
  }
}

/**
 * fetch's own rejection (a TypeError, "Failed to fetch"): the server is down
 * or unreachable, which the browser's words do not say. Each place that
 * asks the server said them as they were (a field's values, the lines
 * around, Download, the alerts panel), where the search said this.
 */
export class ServerUnreachable extends Error {
  constructor(why: string) {
    super(`Cannot reach the server (${why})`);
    this.name = 'ServerUnreachable';
  }
}

/**
 * A request not sent: the server refused the last token (or asked for one),
 * and the page waits for the user to give another. Carries that refusal.
 */
export class SignInNeeded extends ApiFailure {
  constructor(refused: ApiFailure) {
    super(refused.status, refused.code, refused.message);
    this.name = 'SignInNeeded';
  }
}

/** A refusal that only another token can answer: none, a wrong one, one without the read scope, too many wrong ones. */
export function isSignInRefusal(err: unknown): boolean {
  return err instanceof ApiFailure && (err.isAuth || err.code === 'LS_AUTH_TOO_MANY_FAILURES');
}

/**
 * The sign-in gate. The page asks for seven things at once as it opens
 * (the search, three histograms, the fields, saved queries, alerts), and on
 * a server with `auth.tokens` all seven were refused before the token
 * prompt showed, each refusal's words said again around it. Now the first
 * request of the page (and the first after a new token) goes alone: once it
 * is answered the rest go too, or, refused, none is sent until the user
 * gives a token (each throws SignInNeeded at once).
 */
let gate: 'first' | 'open' | 'refused' = 'first';
let refusal: ApiFailure | null = null;
/** The first request's answer, while it is out: the others wait for it. */
let probe: Promise<void> | null = null;

/**
 * Waits its turn at the gate. Returns, to the request that tries the token,
 * what to call with its outcome; null to the others, which go once it came.
 */
async function passGate(): Promise<((outcome: Promise<unknown>) => void) | null> {
  for (;;) {
    if (gate === 'open') return null;
    if (gate === 'refused') throw new SignInNeeded(refusal!);
    if (probe === null) {
      // Claimed before any await: requests asked in the same tick wait.
      let done!: () => void;
      probe = new Promise<void>((resolve) => { done = resolve; });
      return (outcome) => {
        outcome.then(
          () => { gate = 'open'; },
          (err: unknown) => {
            if (err instanceof ApiFailure && isSignInRefusal(err)) {
              gate = 'refused';
              refusal = err;
            } else if (err instanceof ApiFailure) {
              // The server answered otherwise (a 400, a 503): it took the token.
              gate = 'open';
            }
            // Aborted, or the server unreachable: nothing learnt, the next request tries.
          },
        ).finally(() => {
          probe = null;
          done();
        });
      };
    }
    await probe;
  }
}

/** What the page says of a failed request: the server's code and words, or that it cannot be reached. */
export function failureText(err: unknown): string {
  if (err instanceof ApiFailure) return `${err.code}: ${err.message}`;
  if (err instanceof TypeError) return new ServerUnreachable(err.message).message;
  return err instanceof Error ? err.message : String(err);
}

export type Params = Record<string, string | number | undefined>;

export function authHeaders(): Record<string, string> {
  const token = readToken();
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function queryString(params: Params): string {
  const usp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) usp.set(k, String(v));
  return usp.toString();
}

export async function failureOf(res: Response): Promise<ApiFailure> {
  let code = `HTTP_${res.status}`;
  let message = res.statusText || `HTTP ${res.status}`;
  let offset: number | undefined;
  let didYouMean: string | undefined;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; offset?: number; did_you_mean?: unknown } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
    if (typeof body.error?.offset === 'number') offset = body.error.offset;
    if (typeof body.error?.did_you_mean === 'string') didYouMean = body.error.did_you_mean;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  return new ApiFailure(res.status, code, message, offset, didYouMean);
}

export async function getJson<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
  const learn = await passGate();
  const answer = signal?.aborted ? Promise.reject(signal.reason as Error) : send<T>(path, params, signal);
  learn?.(answer);
  return answer;
}

async function send<T>(path: string, params: Params, signal?: AbortSignal): Promise<T> {
  const qs = queryString(params);
  let res: Response;
  try {
    res = await fetch(qs ? `${path}?${qs}` : path, { headers: authHeaders(), ...(signal ? { signal } : {}) });
  } catch (err) {
    throw err instanceof TypeError ? new ServerUnreachable(err.message) : err;
  }
  if (!res.ok) throw await failureOf(res);
  return (await res.json()) as T;
}

export interface TimeRangeAnswer {
  from: string;
  to: string;
}

export interface SearchAnswer {
  hits: LogEvent[];
  total: { value: number; relation: 'eq' | 'gte' };
  took_ms: number;
  next_cursor: string | null;
  range?: TimeRangeAnswer;
  /** The server's commit mark as the read began (commit-marks.ts): live events at or below it are in this answer. */
  commit_mark?: string;
  /** Partitions of the range left out of this answer (answer-warnings.ts); absent when none. */
  warnings?: AnswerWarning[];
}

export interface HistogramAnswer {
  type: 'date_histogram';
  interval_ms: number;
  buckets: { key: number; count: number }[];
  range?: TimeRangeAnswer;
  commit_mark?: string;
  warnings?: AnswerWarning[];
}

export interface FieldsAnswer {
  counts: 'exact' | 'sampled';
  fields: { name: string; types: string[]; count: number }[];
  /** The fields free text searches (the server's `search.text_fields`); absent from servers before it was told. */
  text_fields?: string[];
  range?: TimeRangeAnswer;
  commit_mark?: string;
}

export interface ValuesAnswer {
  field: string;
  counts: 'exact' | 'sampled';
  values: { value: string | number | boolean; count: number }[];
  other_count: number;
  missing_count: number;
  range?: TimeRangeAnswer;
  commit_mark?: string;
}

export interface ContextAnswer {
  anchor: LogEvent;
  before: LogEvent[];
  after: LogEvent[];
  /** Partitions (indices) its reads went through and left out, as a search answer's. */
  warnings?: AnswerWarning[];
}

export interface SavedQueriesAnswer {
  queries: { name: string; query: string }[];
}
