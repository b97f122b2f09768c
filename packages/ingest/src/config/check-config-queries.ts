/**
 * The queries a server config holds, checked at start as rule files are
 * (rules/load-rule-file.ts): a saved query that cannot be run, or a
 * retention class whose match does not compile, stops the server with
 * LS_CONFIG_INVALID naming the key, instead of answering a user's `@name`
 * later with a caret under text they never typed, or stopping start-up with
 * a bare LS_QUERY_SYNTAX that names no key.
 */
import { compileMatcher, isReferableSavedQueryName, parse, savedQueryReferences } from '@logship/query';
import { configErrors as errors } from './config-errors.js';
import type { ServerConfig } from './server-config.js';
import { MistakeList } from '../errors/mistake-list.js';
import { queryPlace } from '../errors/yaml-places.js';

/**
 * The saved queries, each checked on its own, every mistake kept in
 * `mistakes`. Returned with `*` standing in for each one that failed, for
 * the queries written out with it (retention class matches, ingest.drop,
 * log_metrics, rule files): its mistake is told once, at its own key, not
 * again at each of those with a caret under text no one wrote. Such a
 * config never runs (the mistakes are thrown).
 */
export function checkSavedQueries(saved: Readonly<Record<string, string>>, textFields: readonly string[], mistakes: MistakeList): Readonly<Record<string, string>> {
  let usable: Record<string, string> | null = null;
  for (const [name, text] of Object.entries(saved)) {
    const path = `saved_queries${/^[A-Za-z_][\w-]*$/.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`}`;
    const before = mistakes.size;
    if (!isReferableSavedQueryName(name)) {
      mistakes.add(errors.configInvalid(path, 'cannot be referred to as @name: a name starts with a letter and holds letters, digits, _ and - only ("timestamp" is the @timestamp field)'));
      continue;
    }
    const nested = savedQueryReferences(text);
    if (nested.length > 0) {
      mistakes.add(errors.configInvalid(path, `refers to @${nested[0]}, but saved queries are expanded once: a reference inside one would be searched for as the text "@${nested[0]}" (write out what @${nested[0]} says)`));
    } else {
      mistakes.check(() => checkQuery(path, text, textFields), undefined);
    }
    if (mistakes.size > before) (usable ??= { ...saved })[name] = '*';
  }
  return usable ?? saved;
}

/** Retention class matches and ingest.drop queries (saved queries written out), each checked on its own. */
export function checkConfigQueries(config: Pick<ServerConfig, 'retention' | 'search' | 'ingest'>): void {
  const textFields = config.search.text_fields;
  // Each query is checked on its own: every one that does not parse is named.
  const mistakes = new MistakeList();
  mistakes.each(config.retention.classes, (c, i) => checkQuery(`retention.classes[${i}].match`, c.match, textFields));
  mistakes.each(config.ingest.drop, (q, i) => checkQuery(`ingest.drop[${i}]`, q, textFields));
  mistakes.throwIfAny();
}

/** Parsed and compiled as the query API and the stores do; a query error keeps its code and caret. */
function checkQuery(path: string, text: string, textFields: readonly string[]): void {
  try {
    compileMatcher(parse(text), { now: Date.now(), textFields });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('LS_QUERY_')) throw err;
    const caret = (err as { caret?: unknown }).caret;
    throw errors.configInvalid(path, `does not parse: ${queryPlace((err as Error).message)} (${code})${typeof caret === 'string' && caret ? `\n${caret}` : ''}`);
  }
}
