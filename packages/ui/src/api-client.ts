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
}

export class ApiFailure extends Error {
  readonly status: number;
  readonly code: string;
  /** Position of a query error (UTF-16 offset), when the server gave one. */
  readonly offset: number | undefined;

  constructor(status: number, code: string, message: string, offset?: number) {
    super(message);
    this.name = 'ApiFailure';
    this.status = status;
    this.code = code;
    this.offset = offset;
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
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; offset?: number } };
    if (body.error?.code) code = body.error.code;
    if (body.error?.message) message = body.error.message;
    if (typeof body.error?.offset === 'number') offset = body.error.offset;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  return new ApiFailure(res.status, code, message, offset);
}

export async function getJson<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
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
}

export interface SavedQueriesAnswer {
  queries: { name: string; query: string }[];
}
