import { expandSavedQueries, savedQueryMap } from '@logship/query';
import type { RetentionConfig } from '../retention/retention-config.js';
import { configErrors as errors } from './config-errors.js';
import type { MistakeList } from '../errors/mistake-list.js';

/**
 * Retention class matches with their `@name` saved queries written out, as
 * rule files and log metrics have them. The stores parse a match as it is,
 * where `@errors` is no reference: `match: '@errors'` was accepted and then
 * matched no event, so errors fell to the default class and were deleted
 * after its days (30) instead of the class's (90).
 */
export function expandRetentionMatches(retention: RetentionConfig, saved: Readonly<Record<string, string>>, mistakes: MistakeList): RetentionConfig {
  if (!retention.classes.some((c) => c.match.includes('@'))) return retention;
  const all = savedQueryMap(saved);
  const classes = retention.classes.map((c, i) => Object.freeze({ ...c, match: expanded(c.match, all, `retention.classes[${i}].match`, mistakes) }));
  return Object.freeze({ ...retention, classes: Object.freeze(classes) as RetentionConfig['classes'] });
}

/** `ingest.drop` queries with their `@name` references written out, for the same reason. */
export function expandDropQueries(queries: readonly string[], saved: Readonly<Record<string, string>>, mistakes: MistakeList): readonly string[] {
  if (!queries.some((q) => q.includes('@'))) return queries;
  const all = savedQueryMap(saved);
  return queries.map((q, i) => expanded(q, all, `ingest.drop[${i}]`, mistakes));
}

/**
 * One query written out; a reference to no saved query is kept in
 * `mistakes` and `*` stands in for the query, so that every query's mistake
 * is told, not only the first's (such a config is never run).
 */
function expanded(text: string, all: ReturnType<typeof savedQueryMap>, path: string, mistakes: MistakeList): string {
  return mistakes.check(
    () => expandSavedQueries(text, all, (name) => {
      throw errors.configInvalid(path, `refers to @${name}, which names no saved query`);
    }),
    '*',
  );
}
