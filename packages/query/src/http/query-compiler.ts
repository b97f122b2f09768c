import type { QueryNode } from '../ast.js';
import { parse } from '../parse.js';
import { apiErrors } from './api-error.js';
import { expandSavedQueries, isReferableSavedQueryName } from './saved-queries.js';

/** Query text (with `@saved` references) → AST; throws typed errors. */
export type QueryCompiler = (q: string) => QueryNode;

export function makeQueryCompiler(saved: ReadonlyMap<string, string>): QueryCompiler {
  // What `@name` can be told to try instead: a name `@` can refer to.
  const referable = [...saved.keys()].filter(isReferableSavedQueryName);
  return (q) => {
    const expanded = expandSavedQueries(q, saved, (name) => {
      throw apiErrors.unknownSavedQuery(name, referable);
    });
    return parse(expanded);
  };
}
