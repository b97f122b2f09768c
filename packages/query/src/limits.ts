/**
 * Caps that keep one query from costing the server more than a query should.
 * Defaults are generous for hand-written queries and small enough that the
 * recursive-descent parser and the matcher stay far from the stack limit.
 */
export interface QueryLimits {
  /** Maximum query length in UTF-16 code units. */
  maxLength: number;
  /** Maximum nesting of and/or/not nodes (a leaf under 3 groups is depth 3). */
  maxDepth: number;
  /** Maximum number of leaf clauses (terms, ranges, …) after field-group expansion. */
  maxClauses: number;
  /** Maximum length of one regular expression pattern. */
  maxRegexLength: number;
}

export const DEFAULT_LIMITS: Readonly<QueryLimits> = Object.freeze({
  maxLength: 8192,
  maxDepth: 32,
  maxClauses: 1024,
  maxRegexLength: 1000,
});

export function resolveLimits(overrides: Partial<QueryLimits> | undefined): QueryLimits {
  return { ...DEFAULT_LIMITS, ...(overrides ?? {}) };
}
