/**
 * JavaScript functions registered on every partition connection. They carry
 * the parts of the query semantics SQL cannot express exactly: the matcher's
 * tokenizer, and its linear-time wildcard and regex engines. So SQL and the
 * matcher share one implementation of each; FTS5 and the indexes only narrow
 * the candidates these functions then decide on.
 */
import type Database from 'better-sqlite3';
import { arrayElements, compileRegex, compileWildcard, keywordValueTest, tokenize } from '@logship/query/core';

/** Compiled patterns, shared by all connections; bounded. */
const compiled = new Map<string, (value: string) => boolean>();

export function compiledPattern(kind: 'wildcard' | 'regex' | 'regex_ci', pattern: string): (value: string) => boolean {
  const key = `${kind}\u0000${pattern}`;
  let fn = compiled.get(key);
  if (!fn) {
    fn = kind === 'wildcard' ? compileWildcard(pattern) : compileRegex(pattern, kind === 'regex_ci');
    if (compiled.size >= 500) compiled.clear();
    compiled.set(key, fn);
  }
  return fn;
}

/** Keyword tests by their plan's JSON (compile-sql.ts elementsSql), shared by all connections; bounded. */
const elementTests = new Map<string, (v: unknown) => boolean>();

function elementTest(json: string): (v: unknown) => boolean {
  let test = elementTests.get(json);
  if (!test) {
    test = keywordValueTest(JSON.parse(json) as Parameters<typeof keywordValueTest>[0]) as (v: unknown) => boolean;
    if (elementTests.size >= 500) elementTests.clear();
    elementTests.set(json, test);
  }
  return test;
}

/** True when `needle` occurs as a run of adjacent tokens in `hay`. */
export function containsPhrase(hay: readonly string[], needle: readonly string[]): boolean {
  if (needle.length === 0) return false;
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** The text message_fts indexes for a message. */
export function ftsText(message: string): string {
  return tokenize(message).join(' ');
}

export function registerSqlFunctions(db: Database.Database): void {
  // One-entry cache: several text clauses of one query test the same row.
  let lastText: string | null = null;
  let lastTokens: string[] = [];
  const tokensOf = (text: string): string[] => {
    if (text !== lastText) {
      lastText = text;
      lastTokens = tokenize(text);
    }
    return lastTokens;
  };
  const lists = new Map<string, string[]>();
  const listOf = (json: string): string[] => {
    let list = lists.get(json);
    if (!list) {
      list = JSON.parse(json) as string[];
      if (lists.size >= 500) lists.clear();
      lists.set(json, list);
    }
    return list;
  };
  const fn = (name: string, impl: (a: unknown, b: unknown) => boolean): void => {
    db.function(name, { deterministic: true }, (a: unknown, b: unknown) => (impl(a, b) ? 1 : 0));
  };
  fn('ls_terms', (text, json) => {
    if (typeof text !== 'string' || typeof json !== 'string') return false;
    const tokens = tokensOf(text);
    return listOf(json).every((t) => tokens.includes(t));
  });
  fn('ls_phrase', (text, json) => typeof text === 'string' && typeof json === 'string' && containsPhrase(tokensOf(text), listOf(json)));
  fn('ls_text_wildcard', (text, pattern) => {
    if (typeof text !== 'string' || typeof pattern !== 'string') return false;
    return tokensOf(text).some(compiledPattern('wildcard', pattern));
  });
  fn('ls_text_regex', (text, pattern) => {
    if (typeof text !== 'string' || typeof pattern !== 'string') return false;
    return tokensOf(text).some(compiledPattern('regex_ci', pattern));
  });
  fn('ls_wildcard', (value, pattern) => typeof value === 'string' && typeof pattern === 'string' && compiledPattern('wildcard', pattern)(value));
  fn('ls_regex', (value, pattern) => typeof value === 'string' && typeof pattern === 'string' && compiledPattern('regex', pattern)(value));
  // An array's JSON text by its elements (query package array-values.ts): the keyword plan as JSON.
  fn('ls_elements', (value, json) => {
    if (typeof json !== 'string') return false;
    const elements = arrayElements(typeof value === 'string' ? value : undefined);
    return elements !== null && elements.some(elementTest(json));
  });
  db.function('ls_date', { deterministic: true }, (value: unknown) => {
    if (typeof value !== 'string') return null;
    const t = Date.parse(value);
    return Number.isNaN(t) ? null : t;
  });
}
