/**
 * parse(query) → AST.
 *
 *   query text ──limits──▶ peggy parser (grammar/query.peggy) ──raw tree──▶
 *   build-ast.ts (field groups, `*`, `_exists_`, `~`/`^`, limits) ──▶ QueryNode
 *
 * Every failure is a QueryError with a stable code; peggy's own errors are
 * translated into QuerySyntaxError (offset, line, column, expected, caret).
 */
import type { QueryNode } from './ast.js';
import { buildAst } from './build-ast.js';
import { QueryError, QuerySyntaxError } from './errors.js';
import { parse as peggyParse } from './grammar/parser.generated.js';
import { syntaxHabit } from './syntax-habits.js';
import { unclosedRange } from './unclosed-range.js';
import { resolveLimits, type QueryLimits } from './limits.js';
import type { RawNode } from './raw.js';

export interface ParseOptions {
  /** Override any of DEFAULT_LIMITS. */
  limits?: Partial<QueryLimits>;
}

interface PeggyExpectation {
  type: 'literal' | 'class' | 'any' | 'end' | 'other';
  text?: string;
  description?: string;
}

interface PeggySyntaxError {
  message: string;
  expected: PeggyExpectation[] | null;
  found: string | null;
  location: { start: { offset: number } };
}

function isPeggyError(err: unknown): err is PeggySyntaxError {
  return err instanceof Error && err.name === 'SyntaxError' && 'location' in err && 'expected' in err;
}

export function parse(query: string, options: ParseOptions = {}): QueryNode {
  const limits = resolveLimits(options.limits);
  if (typeof query !== 'string') {
    throw new QueryError('LS_QUERY_SYNTAX', 'query must be a string');
  }
  if (query.length > limits.maxLength) {
    throw new QuerySyntaxError(
      'LS_QUERY_TOO_LONG',
      `query is ${query.length} characters; the limit is ${limits.maxLength}`,
      query,
      limits.maxLength,
    );
  }
  let raw: RawNode;
  try {
    raw = peggyParse(query, {}) as RawNode;
  } catch (err) {
    if (isPeggyError(err)) throw fromPeggy(err, query);
    // Deep nesting can exhaust the stack of the recursive-descent parser
    // before build-ast.ts gets to count it.
    if (err instanceof RangeError) {
      throw new QuerySyntaxError('LS_QUERY_TOO_DEEP', `query nests deeper than ${limits.maxDepth} levels`, query, 0);
    }
    throw err;
  }
  return buildAst(raw, query, limits);
}

// Peggy reports every alternative it tried; users want a short list in words.
// Literals that only continue or decorate a term (`&`, `~`, …) are dropped.
const LITERALS: Record<string, string | null> = {
  '"': 'phrase',
  '(': '"("',
  ')': '")"',
  '<=': 'comparison',
  '>=': 'comparison',
  '<': 'comparison',
  '>': 'comparison',
  TO: '"TO"',
};

function describe(e: PeggyExpectation): string | null {
  switch (e.type) {
    case 'literal':
      return LITERALS[e.text ?? ''] ?? null;
    case 'end':
      return 'end of query';
    case 'other':
      if (e.description === 'whitespace' || e.description === 'phrase character') return null;
      return e.description === 'closing quote' ? 'closing quote (")' : (e.description ?? null);
    default:
      // Character classes and `any` are internal detail (term characters).
      return null;
  }
}

function fromPeggy(err: PeggySyntaxError, query: string): QuerySyntaxError {
  const offset = err.location.start.offset;
  // A grammar action called error(): the message is already specific.
  if (err.expected === null) return new QuerySyntaxError('LS_QUERY_SYNTAX', err.message, query, offset);
  const raw = err.expected ?? [];
  let expected = [...new Set(raw.map(describe).filter((d): d is string => d !== null))].sort();
  if (expected.length === 0 && raw.some((e) => e.description === 'whitespace')) expected = ['whitespace'];
  const found = err.found === null ? 'end of query' : tokenAt(query, offset);
  const habit = syntaxHabit(query, offset);
  const range = unclosedRange(query, offset, found);
  if (range !== null) {
    return new QuerySyntaxError('LS_QUERY_SYNTAX', `${range.reason}${habit ? `; ${habit}` : ''}`, query, offset, expected);
  }
  const list =
    expected.length <= 1
      ? (expected[0] ?? 'something else')
      : `${expected.slice(0, -1).join(', ')} or ${expected[expected.length - 1]}`;
  return new QuerySyntaxError('LS_QUERY_SYNTAX', `expected ${list} but ${found} found${habit ? `; ${habit}` : ''}`, query, offset, expected);
}

/** The word at `offset` (up to 20 characters), to name what was found. */
function tokenAt(query: string, offset: number): string {
  const m = /^[^\s()"]{1,20}/.exec(query.slice(offset));
  if (m) return JSON.stringify(m[0]);
  return /\s/.test(query.charAt(offset)) ? 'whitespace' : JSON.stringify(query.charAt(offset));
}
