import { expandSavedQueries, parse, QuerySyntaxError, savedQueryMap, type QueryNode } from '@logship/query';

export interface QueryProblem {
  reason: string;
  /** The query line with a caret under the mistake ('' when there is no position). */
  caret: string;
}

/**
 * A rule's or a log metric's query text → AST, with `@name` saved queries
 * expanded the way the query API does. Throws a QueryProblem-shaped error
 * (reason + caret) for the caller to wrap with the config path.
 */
export function compileRuleQuery(text: string, saved: Readonly<Record<string, string>>): QueryNode {
  // A Map, as the query API keeps them: `@constructor` is an unknown name, not a built-in.
  const all = savedQueryMap(saved);
  let expanded: string;
  try {
    expanded = expandSavedQueries(text, all, (name) => {
      throw new RuleQueryError({ reason: `@${name} names no saved query`, caret: '' });
    });
  } catch (err) {
    if (err instanceof RuleQueryError) throw err;
    throw new RuleQueryError({ reason: (err as Error).message, caret: '' });
  }
  try {
    return parse(expanded);
  } catch (err) {
    if (err instanceof QuerySyntaxError) throw new RuleQueryError({ reason: `${err.message} (${err.code})`, caret: err.caret });
    throw new RuleQueryError({ reason: `${(err as Error).message} (${(err as { code?: string }).code ?? 'LS_QUERY_SYNTAX'})`, caret: '' });
  }
}

export class RuleQueryError extends Error {
  readonly problem: QueryProblem;
  constructor(problem: QueryProblem) {
    super(problem.reason);
    this.problem = problem;
  }
}
