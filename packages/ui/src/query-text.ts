/**
 * Editing query text from the page: filter clauses added by clicks, saved
 * query references masked for the browser-side parse, and the history kept
 * in localStorage.
 */
import type { FieldValue } from '@logship/query/browser';

/** `field:"value"` (numbers and booleans bare, so they compare as such). */
export function clauseFor(field: string, value: FieldValue): string {
  const name = field.replace(/([\s:\\()"])/g, '\\$1');
  if (value === null) return `-_exists_:${name}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${name}:${value}`;
  return `${name}:"${String(value).replace(/(["\\])/g, '\\$1')}"`;
}

/** Adds `clause` (or its negation) to `q` with AND, keeping q's own precedence. */
export function addClause(q: string, clause: string, negate: boolean): string {
  const c = negate ? (clause.startsWith('-') ? clause.slice(1) : `-${clause}`) : clause;
  const base = q.trim();
  if (base === '' || base === '*') return c;
  const wrapped = /\bOR\b/.test(base) ? `(${base})` : base;
  return `${wrapped} AND ${c}`;
}

const SAVED_REF = /(^|[\s(!+-])@([A-Za-z][\w-]*)/g;

/**
 * Saved references (`@errors`) are expanded by the server; for the parse in
 * the browser each becomes a plain word of the same length, so positions of
 * errors stay where the user typed them.
 */
export function maskSavedRefs(q: string): string {
  return q.replace(SAVED_REF, (whole, lead: string, name: string) =>
    name === 'timestamp' ? whole : `${lead}${'x'.repeat(name.length + 1)}`);
}

const HISTORY_KEY = 'logship.history';
const HISTORY_MAX = 30;

export function readHistory(): string[] {
  try {
    const v = JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export function rememberQuery(q: string): string[] {
  const t = q.trim();
  if (t === '') return readHistory();
  const next = [t, ...readHistory().filter((h) => h !== t)].slice(0, HISTORY_MAX);
  try {
    localStorage.setItem(HISTORY_KEY, JSON.stringify(next));
  } catch {
    // Storage full or disabled: history is a convenience.
  }
  return next;
}
