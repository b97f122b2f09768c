/**
 * A query's own mistake as the page says it: at the query, with a caret
 * where the parser or the server placed it (and, for an unknown `@name`,
 * the saved query nearest to it), instead of as a failure of the server.
 */
import { isReferableSavedQueryName, nearestName, savedQueryReferences } from '@logship/query/browser';
import { ApiFailure } from './api-client.js';
import { savedRefOffset } from './query-text.js';

export interface QueryProblem {
  message: string;
  offset: number | null;
  q: string;
  /** For an unknown `@name`: the saved query nearest to it (`@errors`), when one is close. */
  didYouMean?: string;
}

/** What the page says of a problem: an unknown `@name` with the saved query nearest to it. */
export function problemText(problem: QueryProblem): string {
  return problem.didYouMean !== undefined ? `${problem.message}; did you mean ${problem.didYouMean}?` : problem.message;
}

/**
 * An unknown `@name` is the query's mistake, said as a syntax error is: at
 * its place in the bar, with the server's `did_you_mean`. It was a
 * failure banner with the server's code, said again in the field list.
 */
export function unknownSavedQuery(err: ApiFailure, q: string): QueryProblem | null {
  if (err.code !== 'LS_API_UNKNOWN_SAVED_QUERY') return null;
  const name = /"([^"]*)"/.exec(err.message)?.[1];
  if (name === undefined) return null;
  return { message: err.message, offset: savedRefOffset(q, name), q, ...(err.didYouMean !== undefined ? { didYouMean: err.didYouMean } : {}) };
}

/**
 * The first `@name` of `q` that none of the server's saved queries has
 * (`names`, from /api/v1/queries), said in the server's words and with its
 * suggestion (the same references, the same nearest-name rule over the
 * names `@` can refer to): the page says it without asking. Five requests
 * (the search, three histograms, the fields) were each refused with it.
 */
export function unknownSavedRef(q: string, names: readonly string[]): QueryProblem | null {
  const name = savedQueryReferences(q).find((n) => !names.includes(n));
  if (name === undefined) return null;
  const near = nearestName(name, names.filter(isReferableSavedQueryName));
  return { message: `no saved query named "${name}"`, offset: savedRefOffset(q, name), q, ...(near !== null ? { didYouMean: `@${near}` } : {}) };
}

/** A failure that is the query's mistake, which the page says at the query. */
export function queryMistake(err: unknown): boolean {
  return err instanceof ApiFailure
    && (err.code === 'LS_API_UNKNOWN_SAVED_QUERY' || (err.status === 400 && (err.offset !== undefined || err.code.startsWith('LS_QUERY'))));
}
