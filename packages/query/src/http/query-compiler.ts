import type { QueryNode } from '../ast.js';
import { parse } from '../parse.js';
import { apiErrors } from './api-error.js';
import { expandSavedQueries } from './saved-queries.js';

/** Query text (with `@saved` references) → AST; throws typed errors. */
export type QueryCompiler = (q: string) => QueryNode;

export function makeQueryCompiler(saved: ReadonlyMap<string, string>): QueryCompiler {
  return (q) => {
    const expanded = expandSavedQueries(q, saved, (name) => {
      throw apiErrors.unknownSavedQuery(name);
    });
    return parse(expanded);
  };
}
