/**
 * Regular expressions from the server's config that run over every line
 * received (`ingest.redact`): a line anyone can send must never make one
 * backtrack for seconds, as `(a+)+b` does over 30 `a`s in JavaScript.
 *
 * A pattern is accepted only when V8's linear-time engine can run it (the
 * `l` flag: no backreferences, no lookaround, as RE2 in Vector, Promtail
 * and Filebeat). It then runs on the usual backtracking engine, 30× faster
 * on the patterns people write (measured: 2.5 against 80 µs a message for
 * three patterns), and V8 moves a match that backtracks past its limit to
 * the linear engine, which can run that same pattern. The `i` flag is one
 * the linear engine cannot run: ignore_case folds ASCII letters into the
 * pattern instead (`a` → `[aA]`).
 */
import { setFlagsFromString } from 'node:v8';

// Process-wide and read when a pattern is compiled: set before any is.
setFlagsFromString('--enable-experimental-regexp-engine');
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');

/** `l`: V8's linear engine, which only compiles what it can run in linear time (a name, as linters know no such flag). */
const LINEAR = 'gl';

/** Why a pattern is refused (the config names the key). */
export class LinearRegexError extends Error {}

/**
 * A global RegExp of `source` that cannot run away on any input. Go's
 * `(?i)` prefix and `(?P<name>` groups are read as ignore_case and
 * `(?<name>`, so patterns written for RE2 keep working.
 */
export function linearRegex(source: string, ignoreCase = false): RegExp {
  let src = source;
  if (src.startsWith('(?i)')) {
    src = src.slice(4);
    ignoreCase = true;
  }
  src = src.replaceAll('(?P<', '(?<');
  if (ignoreCase) src = foldAsciiCase(src);
  try {
    new RegExp(src, LINEAR);
  } catch (err) {
    const reason = (err as Error).message;
    throw new LinearRegexError(
      /linear time/.test(reason)
        ? 'cannot run in linear time: backreferences and lookaround are not supported (as in RE2)'
        : `is not a regular expression: ${reason.replace(/^Invalid regular expression: /, '')}`,
    );
  }
  const re = new RegExp(src, 'g');
  if (EMPTY_PROBES.some((s) => [...s.matchAll(re)].some((m) => m[0] === ''))) {
    throw new LinearRegexError('can match the empty string (as `x*`, `^` or `\\b` do), which would write its replacement between characters');
  }
  return re;
}

/** Texts in which a pattern that can match nothing likely does (anchors, word boundaries, optional parts). */
const EMPTY_PROBES = ['', 'a', ' ', 'a b', '0', '-', 'a.b'];

/** ASCII letters as both cases: outside a class `a` → `[aA]`; inside one the other case (ranges too) is added. */
function foldAsciiCase(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      const n = escapeLength(src, i);
      out += src.slice(i, i + n);
      i += n;
    } else if (c === '[') {
      const end = classEnd(src, i);
      out += foldClass(src.slice(i, end));
      i = end;
    } else if (c === '(' && src.startsWith('(?<', i) && src[i + 3] !== '=' && src[i + 3] !== '!') {
      // A group's name is not text to match.
      const close = src.indexOf('>', i);
      const end = close < 0 ? src.length : close + 1;
      out += src.slice(i, end);
      i = end;
    } else if (c === '{') {
      const close = src.indexOf('}', i);
      const end = close < 0 ? i + 1 : close + 1;
      out += src.slice(i, end);
      i = end;
    } else {
      out += isAsciiLetter(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
      i++;
    }
  }
  return out;
}

function foldClass(cls: string): string {
  // cls is `[...]` (or runs to the end of an unterminated pattern, which the compile then refuses).
  let extra = '';
  let i = cls[1] === '^' ? 2 : 1;
  const end = cls.endsWith(']') ? cls.length - 1 : cls.length;
  while (i < end) {
    if (cls[i] === '\\') {
      i += escapeLength(cls, i);
      continue;
    }
    const a = cls[i]!;
    if (cls[i + 1] === '-' && i + 2 < end && cls[i + 2] !== '\\') {
      const b = cls[i + 2]!;
      if (isAsciiLetter(a) && isAsciiLetter(b) && (a <= 'Z') === (b <= 'Z')) extra += `${swapCase(a)}-${swapCase(b)}`;
      i += 3;
      continue;
    }
    if (isAsciiLetter(a)) extra += swapCase(a);
    i++;
  }
  // First in the class (after `^` and a leading `-`), where it cannot join a range with what stood there.
  let at = cls[1] === '^' ? 2 : 1;
  if (cls[at] === '-') at++;
  return extra === '' ? cls : cls.slice(0, at) + extra + cls.slice(at);
}

/** Characters of the escape at `i` (`\d`, `\u{1F600}`, `\x41`, `\p{L}`, `\k<n>`…). */
function escapeLength(s: string, i: number): number {
  const next = s[i + 1];
  if (next === undefined) return 1;
  if ((next === 'u' && s[i + 2] === '{') || next === 'p' || next === 'P') {
    const close = s.indexOf('}', i);
    return close < 0 ? 2 : close - i + 1;
  }
  if (next === 'k' && s[i + 2] === '<') {
    const close = s.indexOf('>', i);
    return close < 0 ? 2 : close - i + 1;
  }
  if (next === 'u') return 6;
  if (next === 'x') return 4;
  if (next === 'c') return 3;
  return 2;
}

/** Index just past the class that opens at `i`. */
function classEnd(s: string, i: number): number {
  let j = i + 1;
  if (s[j] === '^') j++;
  // A `]` first in a class is a literal in JavaScript only as `[]`/`[^]`, the empty classes.
  while (j < s.length && s[j] !== ']') j += s[j] === '\\' ? escapeLength(s, j) : 1;
  return Math.min(j + 1, s.length);
}

function isAsciiLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function swapCase(c: string): string {
  return c <= 'Z' ? c.toLowerCase() : c.toUpperCase();
}
