/**
 * A query's own mistake as the page says it: at the query, with a caret
 * where the parser or the server placed it (and, for an unknown `@name`,
 * the saved query nearest to it), instead of as a failure of the server.
 */
import { nearestName } from '@logship/query/browser';
import { ApiFailure } from './api-client.js';
import { savedRefOffset } from './query-text.js';

export interface QueryProblem {
  message: string;
  offset: number | null;
  q: string;
  /** The `@name` no saved query has, when that is the problem. */
  unknownSaved?: string;
}

/**
 * What the page says of a problem: an unknown `@name` with the saved query
 * nearest to it (the list may come after the search's answer, so it is
 * looked up as the page shows it).
 */
export function problemText(problem: QueryProblem, savedNames: readonly string[]): string {
  const nearest = problem.unknownSaved !== undefined ? nearestName(problem.unknownSaved, savedNames) : null;
  return nearest !== null ? `${problem.message}; did you mean @${nearest}?` : problem.message;
}

/**
 * An unknown `@name` is the query's mistake, said as a syntax error is: at
 * its place in the bar, with the saved query nearest to it. It was a
 * failure banner with the server's code, said again in the field list.
 */
export function unknownSavedQuery(err: ApiFailure, q: string): QueryProblem | null {
  if (err.code !== 'LS_API_UNKNOWN_SAVED_QUERY') return null;
  const name = /"([^"]*)"/.exec(err.message)?.[1];
  if (name === undefined) return null;
  return { message: err.message, offset: savedRefOffset(q, name), q, unknownSaved: name };
}

/** A failure that is the query's mistake, which the page says at the query. */
export function queryMistake(err: unknown): boolean {
  return err instanceof ApiFailure
    && (err.code === 'LS_API_UNKNOWN_SAVED_QUERY' || (err.status === 400 && (err.offset !== undefined || err.code.startsWith('LS_QUERY'))));
}

