import type { ErrorObject } from 'ajv';

/**
 * Ajv's refusal of a value's type ("must be string", "must be number") in
 * words, with the value given: `must be a number, not "50"`, as the query
 * API says a body's type (query/http/api-error.ts). Shared by the two files
 * an operator writes, the server config and the rule files; here, below
 * both rooms, as yaml-places.ts is.
 */
const TYPE_WORDS: Readonly<Record<string, string>> = {
  integer: 'a whole number',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping (key: value)',
  array: 'a list',
  null: 'empty',
};

/** The value as the file holds it: a scalar as JSON, a list or mapping by its kind (it may be long). */
export function givenValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'a mapping';
  if (value === null || value === undefined) return 'empty';
  return JSON.stringify(value);
}

/**
 * `must be A or B, not VALUE` for a type refusal (`type`, or the `anyOf` of
 * types a label value has: every branch's type at that place, once), from
 * the validator's errors (`verbose`, so each carries its value); undefined
 * for any other keyword.
 */
export function schemaTypeWords(e: ErrorObject, all: readonly ErrorObject[]): string | undefined {
  if (e.keyword !== 'type' && e.keyword !== 'anyOf') return undefined;
  const types = all
    .filter((v) => v.keyword === 'type' && v.instancePath === e.instancePath)
    .flatMap((v) => ([] as unknown[]).concat((v.params as { type: unknown }).type).flatMap((t) => String(t).split(',')));
  const words = [...new Set(types)].map((t) => TYPE_WORDS[t] ?? t);
  if (words.length === 0) return undefined;
  const either = words.length < 2 ? words[0]! : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]!}`;
  return `must be ${either}, not ${givenValue(e.data)}`;
}
