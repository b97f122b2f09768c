import { compileMatcher, parse, type LogEvent, type QueryNode } from '@logship/query/core';

/** `ingest.drop` compiled: which rule an event matches, if any. */
export interface DropRules {
  /** The queries, in config order (the `rule` label of the dropped counter). */
  readonly queries: readonly string[];
  /**
   * A predicate for one batch: the index of the first rule the event
   * matches, or -1. Compiled per batch, at the batch's receive time, so date
   * math in a rule (`@timestamp:<now-7d`) means what it says when it runs.
   */
  forBatch(now: number): (event: LogEvent) => number;
}

/**
 * The server's drop rules (`ingest.drop`): events matching one are not
 * stored. Undefined when there are none, so a batch pays nothing for them.
 * The queries were checked at start (config/check-config-queries.ts).
 */
export function dropRules(queries: readonly string[], textFields: readonly string[]): DropRules | undefined {
  if (queries.length === 0) return undefined;
  const asts: QueryNode[] = queries.map((q) => parse(q));
  return {
    queries,
    forBatch(now) {
      const matchers = asts.map((ast) => compileMatcher(ast, { now, textFields }));
      return (event) => {
        for (let i = 0; i < matchers.length; i++) if (matchers[i]!(event)) return i;
        return -1;
      };
    },
  };
}
