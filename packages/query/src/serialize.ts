/**
 * AST → query text. `parse(serialize(ast))` equals `ast` apart from `loc`
 * for every AST the parser can produce (and/or with 2+ children, non-empty
 * field names and term values). The output is canonical, not pretty: and/or
 * children that are themselves and/or are always parenthesized, reserved
 * characters are always escaped.
 */
import type { QueryNode, RangeBound } from './ast.js';
import { comparisonAllowed } from './fields.js';

// Everything the grammar treats specially somewhere in a term, plus whitespace.
const RESERVED = new Set(['+', '-', '=', '&', '|', '>', '<', '!', '(', ')', '{', '}', '[', ']', '^', '"', '~', '*', '?', ':', '\\', '/']);
const WHITESPACE = /[ \t\n\r\f\v\u00a0\u3000]/;

/** Escapes a term or field name so it parses back as exactly `text`. */
export function escapeTerm(text: string): string {
  // A bare operator word would be read as the operator.
  if (text === 'AND' || text === 'OR' || text === 'NOT') return `\\${text}`;
  let out = '';
  for (const c of text) out += RESERVED.has(c) || WHITESPACE.test(c) ? `\\${c}` : c;
  return out;
}

export function quotePhrase(text: string): string {
  return `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** A wildcard pattern: its `\x` escapes stay, unescaped `*`/`?` stay, the rest is escaped. */
function serializeWildcard(pattern: string): string {
  let out = '';
  const cps = Array.from(pattern);
  for (let i = 0; i < cps.length; i++) {
    const c = cps[i]!;
    if (c === '\\' && i + 1 < cps.length) out += escapeTerm(cps[++i]!);
    else if (c === '*' || c === '?') out += c;
    else out += escapeTerm(c);
  }
  return out;
}

function serializeBound(bound: RangeBound | null): string {
  if (bound === null) return '*';
  const v = bound.value;
  return /^[^\s[\]{}"\\]+$/.test(v) && v !== '*' && v !== 'TO' ? v : quotePhrase(v);
}

function serializeCompareValue(v: string): string {
  return /^[^\s()"\\=][^\s()"\\]*$/.test(v) ? v : quotePhrase(v);
}

/** The value part of a leaf (what follows `field:`), without the field. */
export function serializeLeafValue(node: QueryNode): string {
  switch (node.type) {
    case 'term':
      if (node.phrase || node.value === '') return quotePhrase(node.value);
      return escapeTerm(node.value);
    case 'wildcard':
      return serializeWildcard(node.pattern);
    case 'regex':
      return `/${node.pattern.replace(/\//g, '\\/')}/`;
    case 'range': {
      const { lower, upper } = node;
      // The comparison shorthand only where it parses back (fields.ts comparisonAllowed).
      if (lower && !upper && comparisonAllowed(node.field, lower.value)) return `>${lower.inclusive ? '=' : ''}${serializeCompareValue(lower.value)}`;
      if (upper && !lower && comparisonAllowed(node.field, upper.value)) return `<${upper.inclusive ? '=' : ''}${serializeCompareValue(upper.value)}`;
      const open = lower === null || lower.inclusive ? '[' : '{';
      const close = upper === null || upper.inclusive ? ']' : '}';
      return `${open}${serializeBound(lower)} TO ${serializeBound(upper)}${close}`;
    }
    case 'exists':
      return '*';
    default:
      throw new TypeError(`${node.type} is not a leaf`);
  }
}

export function serialize(node: QueryNode): string {
  switch (node.type) {
    case 'match_all':
      return '*';
    case 'and':
    case 'or': {
      const op = node.type === 'and' ? ' AND ' : ' OR ';
      return node.children.map(wrap).join(op);
    }
    case 'not':
      return `NOT ${wrap(node.child)}`;
    case 'exists':
      return `_exists_:${escapeTerm(node.field)}`;
    case 'range':
      return `${escapeTerm(node.field)}:${serializeLeafValue(node)}`;
    case 'term':
    case 'wildcard':
    case 'regex':
      return node.field === null ? serializeLeafValue(node) : `${escapeTerm(node.field)}:${serializeLeafValue(node)}`;
    case 'field_pattern':
      // The field name keeps its wildcards: `http.*:500`, `_exists_:http.*`.
      if (node.clause.type === 'exists') return `_exists_:${serializeWildcard(node.pattern)}`;
      return `${serializeWildcard(node.pattern)}:${serializeLeafValue(node.clause)}`;
  }
}

function wrap(node: QueryNode): string {
  return node.type === 'and' || node.type === 'or' ? `(${serialize(node)})` : serialize(node);
}
