/**
 * Terse AST constructors for tests, so the contract suite does not depend on
 * the parser. Locations are irrelevant to stores and set to zero.
 */
import type { QueryNode, RangeBound } from '@logship/query/core';

const loc = { start: 0, end: 0 };

export const q = {
  all: (): QueryNode => ({ type: 'match_all', loc }),
  term: (field: string | null, value: string, phrase = false): QueryNode => ({ type: 'term', field, value, phrase, loc }),
  phrase: (field: string | null, value: string): QueryNode => ({ type: 'term', field, value, phrase: true, loc }),
  and: (...children: QueryNode[]): QueryNode => ({ type: 'and', children, loc }),
  or: (...children: QueryNode[]): QueryNode => ({ type: 'or', children, loc }),
  not: (child: QueryNode): QueryNode => ({ type: 'not', child, loc }),
  exists: (field: string): QueryNode => ({ type: 'exists', field, loc }),
  wildcard: (field: string | null, pattern: string): QueryNode => ({ type: 'wildcard', field, pattern, loc }),
  regex: (field: string | null, pattern: string): QueryNode => ({ type: 'regex', field, pattern, loc }),
  range: (field: string, lower: RangeBound | null, upper: RangeBound | null): QueryNode => ({
    type: 'range',
    field,
    lower,
    upper,
    loc,
  }),
  gte: (field: string, value: string): QueryNode => q.range(field, { value, inclusive: true }, null),
  gt: (field: string, value: string): QueryNode => q.range(field, { value, inclusive: false }, null),
  lt: (field: string, value: string): QueryNode => q.range(field, null, { value, inclusive: false }),
};
