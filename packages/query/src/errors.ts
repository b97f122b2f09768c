/**
 * Typed query errors. Every error has a stable `code` (documented in
 * docs/QUERY_LANGUAGE.md; a test keeps the two lists in sync) and is a 400 to
 * the HTTP API, made by the package's factory (define-error.ts). Errors that
 * point into the query text are QuerySyntaxError instances and carry
 * offset/line/column and a caret line for display.
 */
import { CodedError, defineError, type ErrorFactory } from './define-error.js';

export const QUERY_ERROR_CODES = {
  LS_QUERY_SYNTAX: 'The query is not valid syntax.',
  LS_QUERY_UNSUPPORTED: 'The query uses a feature logship parses but does not support (fuzzy `~`, boost `^`).',
  LS_QUERY_TOO_LONG: 'The query text is longer than the limit.',
  LS_QUERY_TOO_DEEP: 'The query nests groups or NOTs deeper than the limit.',
  LS_QUERY_TOO_MANY_CLAUSES: 'The query has more clauses than the limit.',
  LS_QUERY_REGEX_TOO_LARGE: 'A regular expression is longer than the limit.',
  LS_QUERY_REGEX_INVALID: 'A regular expression is malformed or uses an unsupported construct.',
  LS_QUERY_INVALID_DATE: 'A date or date-math expression cannot be resolved.',
  LS_QUERY_INVALID_VALUE: 'A value does not fit its field (e.g. an unknown level in a level range).',
} as const;

export type QueryErrorCode = keyof typeof QUERY_ERROR_CODES;

/** Every query code is the user's mistake: 400; the message is the raiser's. */
const QUERY_ERRORS = Object.fromEntries(
  Object.keys(QUERY_ERROR_CODES).map((code) => [code, defineError(code, '%s', 400)]),
) as Record<QueryErrorCode, ErrorFactory>;

/** Base of every error this package throws about a query. */
export class QueryError extends CodedError {
  declare readonly code: QueryErrorCode;

  constructor(code: QueryErrorCode, message: string) {
    super(QUERY_ERRORS[code], message);
    this.name = 'QueryError';
  }
}

export interface QueryPosition {
  /** UTF-16 offset into the query, 0-based. */
  offset: number;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
}

/** A query error that points at a position in the query text. */
export class QuerySyntaxError extends QueryError {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  /** What the parser would have accepted at `offset` (empty for non-syntax codes). */
  readonly expected: string[];
  /** The offending query line with a `^` under the position, for display. */
  readonly caret: string;
  /** Short reason without the position, e.g. `expected term but ")" found`. */
  readonly reason: string;

  constructor(
    code: QueryErrorCode,
    reason: string,
    query: string,
    offset: number,
    expected: string[] = [],
  ) {
    const pos = positionOf(query, offset);
    super(code, `${reason} (line ${pos.line}, column ${pos.column})`);
    this.name = 'QuerySyntaxError';
    this.offset = pos.offset;
    this.line = pos.line;
    this.column = pos.column;
    this.expected = expected;
    this.reason = reason;
    this.caret = caretLine(query, pos);
  }
}

export function isQueryError(err: unknown): err is QueryError {
  return err instanceof QueryError;
}

/** Line and column of a UTF-16 offset (lines split on \n, \r\n or \r). */
export function positionOf(query: string, offset: number): QueryPosition {
  const at = Math.max(0, Math.min(offset, query.length));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < at; i++) {
    const ch = query.charCodeAt(i);
    if (ch === 10 || (ch === 13 && query.charCodeAt(i + 1) !== 10)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { offset: at, line, column: at - lineStart + 1 };
}

const CARET_WINDOW = 60;

/**
 * The line of `query` holding `pos` and a caret under it. Long lines are cut
 * to a window around the position so the caret stays on screen; tabs before
 * the caret are repeated so it lines up in a terminal.
 */
export function caretLine(query: string, pos: QueryPosition): string {
  const lines = query.split(/\r\n|\r|\n/);
  let text = lines[pos.line - 1] ?? '';
  let col = pos.column - 1;
  if (text.length > CARET_WINDOW * 2) {
    const from = Math.max(0, col - CARET_WINDOW);
    const to = Math.min(text.length, col + CARET_WINDOW);
    text = (from > 0 ? '…' : '') + text.slice(from, to) + (to < text.length ? '…' : '');
    col = col - from + (from > 0 ? 1 : 0);
  }
  return `${text}\n${padUnder(text.slice(0, col))}^`;
}

/** Characters a terminal draws two columns wide: CJK ideographs, kana, Hangul, fullwidth forms. */
const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff01-\uff60\uffe0-\uffe6]/u;

/**
 * Blanks as wide as `before` is drawn: a caret under `日本 AND (` sat one
 * column left per CJK character (each drawn two wide). A wide character
 * gets the ideographic space (as wide in any font that draws it wide),
 * a character outside the BMP (an emoji) two spaces, a combining mark none.
 */
function padUnder(before: string): string {
  let pad = '';
  for (const ch of before) {
    if (ch === '\t') pad += '\t';
    else if (/\p{M}/u.test(ch)) continue;
    else if (WIDE.test(ch)) pad += '\u3000';
    else pad += ch.length > 1 ? '  ' : ' ';
  }
  return pad;
}
