import { expandSavedQueries, savedQueryMap } from '@logship/query';
import type { RetentionConfig } from '../retention/retention-config.js';
import { configErrors as errors } from './config-errors.js';

/**
 * Retention class matches with their `@name` saved queries written out, as
 * rule files and log metrics have them. The stores parse a match as it is,
 * where `@errors` is no reference: `match: '@errors'` was accepted and then
 * matched no event, so errors fell to the default class and were deleted
 * after its days (30) instead of the class's (90).
 */
export function expandRetentionMatches(retention: RetentionConfig, saved: Readonly<Record<string, string>>): RetentionConfig {
  if (!retention.classes.some((c) => c.match.includes('@'))) return retention;
  const all = savedQueryMap(saved);
  const classes = retention.classes.map((c, i) =>
    Object.freeze({
      ...c,
      match: expandSavedQueries(c.match, all, (name) => {
        throw errors.configInvalid(`retention.classes[${i}].match`, `refers to @${name}, which names no saved query`);
      }),
    }),
  );
  return Object.freeze({ ...retention, classes: Object.freeze(classes) as RetentionConfig['classes'] });
}

/** `ingest.drop` queries with their `@name` references written out, for the same reason. */
export function expandDropQueries(queries: readonly string[], saved: Readonly<Record<string, string>>): readonly string[] {
  if (!queries.some((q) => q.includes('@'))) return queries;
  const all = savedQueryMap(saved);
  return queries.map((q, i) =>
    expandSavedQueries(q, all, (name) => {
      throw errors.configInvalid(`ingest.drop[${i}]`, `refers to @${name}, which names no saved query`);
    }),
  );
}
