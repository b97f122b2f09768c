/**
 * Regular expressions from the server's config that run over every line
 * received (`ingest.redact`): a line anyone can send must not make one
 * backtrack for seconds, as `(a+)+b` does over 30 `a`s in JavaScript.
 *
 * A pattern is accepted only when V8's linear-time engine can run it (the
 * `l` flag: no backreferences, no lookaround, as RE2 in Vector, Promtail
 * and Filebeat). It then runs on the usual backtracking engine, 30× faster
 * on the patterns people write (measured: 2.5 against 80 µs a message for
 * three patterns), and V8 moves any match that backtracks more than
 * BACKTRACKS times to the linear engine, which can run that same pattern.
 * So a hostile value costs a bounded amount per byte (about 2 µs per byte
 * per rule at worst, measured with `(\w+\s?)+:` over 64 KiB of near
 * misses), not time exponential in its length.
 *
 * The source is rewritten first, keeping its meaning:
 *   - the linear engine takes repetition counts up to 16 only: `X{32}`
 *     becomes `X{16}X{16}`, `\d{13,19}` becomes `\d{13}\d{0,6}`;
 *   - it cannot run the `i` flag: ignore_case folds ASCII letters into the
 *     pattern (`a` → `[aA]`, `[a-f]` → `[a-fA-F]`);
 *   - Go's `(?i)` prefix and `(?P<name>` groups read as RE2 means them.
 */
import { setFlagsFromString } from 'node:v8';

/** Backtracks of one match before it moves to the linear engine (V8's default is 50,000). */
const BACKTRACKS = 1000;

// Process-wide and read when a pattern is compiled or run: set before any is.
setFlagsFromString('--enable-experimental-regexp-engine');
setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
setFlagsFromString(`--regexp-backtracks-before-fallback=${BACKTRACKS}`);

/** `l`: V8's linear engine, which only compiles what it can run in linear time (a name, as linters know no such flag). */
const LINEAR = 'gl';

/** The largest repetition count the linear engine compiles. */
const MAX_COUNT = 16;

/** Why a pattern is refused (the config names the key). */
export class LinearRegexError extends Error {}

/** A global RegExp of `source` whose every match costs time linear in the value (see above). */
export function linearRegex(source: string, ignoreCase = false): RegExp {
  let src = source;
  if (src.startsWith('(?i)')) {
    src = src.slice(4);
    ignoreCase = true;
  }
  src = rewrite(src, ignoreCase);
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

const QUANTIFIER = /^\{(\d+)(?:(,)(\d*))?\}(\??)/;

/**
 * One pass over the pattern's tokens: escapes and classes copied whole
 * (classes folded), group names kept, letters folded, and counted
 * repetitions above MAX_COUNT split, which needs where the atom before
 * them starts (a character, an escape, a class or a whole group).
 */
function rewrite(src: string, fold: boolean): string {
  let out = '';
  /** Where in `out` the last atom starts (-1: none, as after `|` or `(`). */
  let atom = -1;
  /** For each open group: where it starts in `out`. */
  const groups: number[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      const n = escapeLength(src, i);
      atom = out.length;
      out += src.slice(i, i + n);
      i += n;
    } else if (c === '[') {
      const end = classEnd(src, i);
      atom = out.length;
      out += fold ? foldClass(src.slice(i, end)) : src.slice(i, end);
      i = end;
    } else if (c === '(') {
      groups.push(out.length);
      const goName = src.startsWith('(?P<', i);
      const named = goName || (src.startsWith('(?<', i) && src[i + 3] !== '=' && src[i + 3] !== '!');
      if (named) {
        // A group's name is not text to match: copied up to its `>`.
        const skip = src.indexOf('>', i) + 1 || src.length;
        out += '(?<' + src.slice(i + (goName ? 4 : 3), skip);
        i = skip;
      } else {
        // `(`, or `(?:`, `(?=`, `(?!` (`(?<=`, `(?<!`: their `<` and `=` are not letters either).
        const open = src[i + 1] === '?' ? src.slice(i, i + 3) : '(';
        out += open;
        i += open.length;
      }
      atom = -1;
    } else if (c === ')') {
      const start = groups.pop();
      out += ')';
      i++;
      atom = start ?? -1;
    } else if (c === '|') {
      out += c;
      i++;
      atom = -1;
    } else if (c === '{' && QUANTIFIER.test(src.slice(i))) {
      const m = QUANTIFIER.exec(src.slice(i))!;
      i += m[0].length;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? Infinity : Number(m[3]);
      if (atom < 0 || (min <= MAX_COUNT && max <= MAX_COUNT)) {
        out += m[0];
        continue;
      }
      const unit = out.slice(atom);
      if (/\((?!\?[:=!]|\?<[=!])/.test(unit.replace(/\\./g, ''))) {
        throw new LinearRegexError(`repeats a capturing group more than ${MAX_COUNT} times ({${m[1]}${m[2] ?? ''}${m[3] ?? ''}}): write the group as (?:…)`);
      }
      out = out.slice(0, atom) + splitCount(unit, min, max, m[4]!);
    } else {
      atom = out.length;
      out += fold && isAsciiLetter(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
      i++;
    }
  }
  return out;
}

/** `unit{min,max}` as repetitions of at most MAX_COUNT each, in the same greedy (or lazy) order. */
function splitCount(unit: string, min: number, max: number, lazy: string): string {
  const group = unit.length === 1 || unit.startsWith('\\') || unit.startsWith('[') || unit.startsWith('(') ? unit : `(?:${unit})`;
  let out = '';
  for (let left = min; left > 0; left -= MAX_COUNT) out += `${group}{${Math.min(left, MAX_COUNT)}}${lazy}`;
  if (max === Infinity) return out + `${group}*${lazy}`;
  for (let left = max - min; left > 0; left -= MAX_COUNT) out += `${group}{0,${Math.min(left, MAX_COUNT)}}${lazy}`;
  return out;
}

/** With ignore_case: each ASCII letter's other case added, for single letters and ranges. */
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
    const a = cls.charCodeAt(i);
    if (cls[i + 1] === '-' && i + 2 < end && cls[i + 2] !== '\\') {
      const b = cls.charCodeAt(i + 2);
      extra += otherCaseOfRange(a, b);
      i += 3;
      continue;
    }
    if (isAsciiLetter(cls[i]!)) extra += swapCase(cls[i]!);
    i++;
  }
  // First in the class (after `^` and a leading `-`), where it cannot join a range with what stood there.
  let at = cls[1] === '^' ? 2 : 1;
  if (cls[at] === '-') at++;
  return extra === '' ? cls : cls.slice(0, at) + extra + cls.slice(at);
}

/** The other case of the letters in the range from code `lo` to `hi` (`X-c`: x-z and A-C). */
function otherCaseOfRange(lo: number, hi: number): string {
  let out = '';
  for (const [from, to, shift] of [[65, 90, 32], [97, 122, -32]] as const) {
    const a = Math.max(lo, from);
    const b = Math.min(hi, to);
    if (a <= b) out += `${String.fromCharCode(a + shift)}-${String.fromCharCode(b + shift)}`;
  }
  return out;
}

/**
 * Characters of the escape at `i`, read as JavaScript reads it without the
 * `u` flag: `\x41` and `\u0041` only with their hex digits (else the letter
 * alone), `\cA` only with a letter, `\k<n>` a backreference by name.
 * `\p{…}` is refused: without `u` it is the text `p{…}`, not RE2's class.
 */
function escapeLength(s: string, i: number): number {
  const next = s[i + 1];
  if (next === undefined) return 1;
  if (next === 'p' || next === 'P') throw new LinearRegexError(`uses \\${next}, a Unicode class that is not supported here`);
  if (next === 'x' && /^[0-9a-fA-F]{2}/.test(s.slice(i + 2))) return 4;
  if (next === 'u' && /^[0-9a-fA-F]{4}/.test(s.slice(i + 2))) return 6;
  if (next === 'c' && isAsciiLetter(s[i + 2] ?? '')) return 3;
  if (next === 'k' && s[i + 2] === '<') {
    const close = s.indexOf('>', i);
    return close < 0 ? 2 : close - i + 1;
  }
  return 2;
}

/** Index just past the class that opens at `i`. */
function classEnd(s: string, i: number): number {
  let j = i + 1;
  if (s[j] === '^') j++;
  while (j < s.length && s[j] !== ']') j += s[j] === '\\' ? escapeLength(s, j) : 1;
  return Math.min(j + 1, s.length);
}

function isAsciiLetter(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

function swapCase(c: string): string {
  return c <= 'Z' ? c.toLowerCase() : c.toUpperCase();
}
