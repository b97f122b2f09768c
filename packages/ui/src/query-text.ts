/**
 * Editing query text from the page: filter clauses added by clicks, saved
 * query references masked for the browser-side parse, and the history kept
 * in localStorage.
 */
import { parse, type FieldValue, type QueryNode } from '@logship/query/browser';

// Characters the grammar reserves in a field name (query.peggy, TermStartChar).
const FIELD_RESERVED = /[\s+\-=&|><!(){}[\]^"~*?:\\/]/;
// Of those, the ones a name may hold unescaped after its first character (TermInnerChar).
const FIELD_INNER = /[-+=!]/;

/**
 * A field name as query text: reserved characters escaped, so a field such
 * as `a/b`, `labels[app]` or `x~y` parses back as that field; `-` and the
 * like stay bare inside a name (`http-user-agent`), where the grammar allows them.
 */
export function escapeField(field: string): string {
  const cps = Array.from(field);
  let out = '';
  cps.forEach((c, i) => {
    const innerOk = i > 0 && (FIELD_INNER.test(c) || ((c === '&' || c === '|') && cps[i + 1] !== c));
    out += FIELD_RESERVED.test(c) && !innerOk ? `\\${c}` : c;
  });
  return out;
}

/** `field:"value"` (numbers and booleans bare, so they compare as such). */
export function clauseFor(field: string, value: FieldValue): string {
  const name = escapeField(field);
  if (value === null) return `-_exists_:${name}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${name}:${value}`;
  return `${name}:"${String(value).replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * Whether `q AND clause` would bind the clause to q's last alternative only:
 * q's top level is an OR (`a OR b`, `a || b`). A query that does not parse
 * is wrapped too, as the safe reading.
 */
function topLevelOr(q: string): boolean {
  try {
    return parse(maskSavedRefs(q)).type === 'or';
  } catch {
    return true;
  }
}

/** A node as a comparable string: no positions, and `level:error` the same as `level:"error"`. */
function shape(node: QueryNode): string {
  if (node.type === 'not') return `not(${shape(node.child)})`;
  if (node.type === 'and' || node.type === 'or') return `${node.type}(${node.children.map(shape).join(',')})`;
  return JSON.stringify(Object.entries(node).filter(([k]) => k !== 'loc' && k !== 'phrase').sort(([a], [b]) => a.localeCompare(b)));
}

/**
 * `q` with `clause` in it, when its top-level AND chain already holds that
 * filter or its opposite: the same one again changes nothing, the opposite
 * is replaced, as Kibana's filter pills flip. Null when neither is there.
 * Before, a second "filter for" wrote `level:"error" AND level:"error"`,
 * and "filter out" after it `level:"error" AND -level:"error"` (0 hits).
 */
function withinChain(q: string, clause: string): string | null {
  let chain: QueryNode[];
  let wanted: string;
  let opposite: string;
  try {
    const ast = parse(maskSavedRefs(q));
    chain = ast.type === 'and' ? ast.children : [ast];
    const c = parse(clause);
    wanted = shape(c);
    opposite = c.type === 'not' ? shape(c.child) : `not(${wanted})`;
  } catch {
    return null;
  }
  for (const node of chain) {
    const s = shape(node);
    if (s === wanted) return q;
    if (s === opposite) return `${q.slice(0, node.loc.start)}${clause}${q.slice(node.loc.end)}`;
  }
  return null;
}

/** The histogram's errors and warnings series: `q` with a level clause added. */
export function levelQuery(q: string, levels: 'errors' | 'warnings'): string {
  const clause = levels === 'errors' ? 'level:(error OR critical OR alert OR emergency)' : 'level:warning';
  return q.trim() === '' || q.trim() === '*' ? clause : `(${q}) AND ${clause}`;
}

/** Adds `clause` (or its negation) to `q` with AND, keeping q's own precedence. */
export function addClause(q: string, clause: string, negate: boolean): string {
  const c = negate ? (clause.startsWith('-') ? clause.slice(1) : `-${clause}`) : clause;
  const base = q.trim();
  if (base === '' || base === '*') return c;
  const kept = withinChain(base, c);
  if (kept !== null) return kept;
  const wrapped = topLevelOr(base) ? `(${base})` : base;
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

/** Where `@name` is in `q` (the offset of its `@`), as the server reads saved references; null when it is not. */
export function savedRefOffset(q: string, name: string): number | null {
  for (const m of q.matchAll(SAVED_REF)) {
    if (m[2] === name) return m.index + m[1]!.length;
  }
  return null;
}

const EXCERPT_SIDE = 60;

/** An error's excerpt: the query around it, and that line's text up to the mistake. */
export interface ErrorExcerpt {
  text: string;
  /** `text` up to the mistake: drawn invisible before the caret, so the caret is under it. */
  before: string;
}

/**
 * The line of the query holding an error's offset, at most 60 characters
 * either side, `…` where it is cut. Whole, a 20,000-character query filled
 * the page with itself and the caret was off screen. The caret is placed
 * after an invisible copy of the text before it, not after spaces: spaces
 * counted in characters put it a column left per CJK character (drawn
 * wider than a space, by whatever font has the glyph) and a column right
 * per combining mark (drawn over the letter before it); the same text in
 * the same font is as wide as it is drawn, whatever the fonts installed.
 */
export function errorExcerpt(q: string, offset: number): ErrorExcerpt {
  const at = Math.min(offset, q.length);
  // The caret can only sit under the line it is on.
  const lineStart = at === 0 ? 0 : Math.max(q.lastIndexOf('\n', at - 1), q.lastIndexOf('\r', at - 1)) + 1;
  const nl = q.slice(at).search(/[\r\n]/);
  const lineEnd = nl < 0 ? q.length : at + nl;
  const start = Math.max(lineStart, at - EXCERPT_SIDE);
  const end = Math.min(lineEnd, at + EXCERPT_SIDE);
  // `…` only where the line is cut: the error's message says which line it is.
  const lead = start > lineStart ? '…' : '';
  return { text: `${lead}${q.slice(start, end)}${end < lineEnd ? '…' : ''}`, before: `${lead}${q.slice(start, at)}` };
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
