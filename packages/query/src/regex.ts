/**
 * `/regex/` in queries: a small, Lucene-compatible regular-expression dialect
 * evaluated by a Thompson NFA, so matching is O(pattern × value) and no
 * pattern can make the server backtrack exponentially (`/(a+)+b/` is as cheap
 * as `/ab/`). JavaScript's RegExp is never used on user patterns.
 *
 * Dialect (a subset of Lucene/Elasticsearch `regexp`, so the Elasticsearch
 * compiler can pass the pattern through unchanged):
 *   - the pattern matches the WHOLE value (implicitly anchored);
 *   - `.` any character; `[abc]` `[a-z]` `[^…]` classes;
 *   - `|` alternation, `( )` grouping, `* + ?` `{n}` `{n,}` `{n,m}` repetition;
 *   - `\d \D \w \W \s \S` ASCII shorthand classes; `\` before any other
 *     non-digit character makes it literal;
 * Rejected with LS_QUERY_REGEX_INVALID (rather than read differently by
 * different engines): anchors `^ $`, Lucene's optional operators
 * `# @ & < > ~ "` unless escaped, backreferences `\1`, lookaround / `(?…)`,
 * repetition counts above MAX_REPEAT.
 */
import { QueryError, QuerySyntaxError } from './errors.js';

export const MAX_REPEAT = 100;
/** Bound on NFA size after expanding counted repetitions. */
export const MAX_NFA_STATES = 20_000;

type Range = readonly [number, number];

type RegexAst =
  | { t: 'empty' }
  | { t: 'set'; ranges: Range[]; negated: boolean }
  | { t: 'cat'; items: RegexAst[] }
  | { t: 'alt'; items: RegexAst[] }
  | { t: 'rep'; item: RegexAst; min: number; max: number };

const DIGIT: Range[] = [[48, 57]];
const WORD: Range[] = [[48, 57], [65, 90], [95, 95], [97, 122]];
const SPACE: Range[] = [[9, 13], [32, 32]];
const FORBIDDEN = new Set(['^', '$', '#', '@', '&', '<', '>', '~', '"']);

class RegexParseError extends Error {
  constructor(
    readonly reason: string,
    readonly at: number,
    readonly tooLarge = false,
  ) {
    super(reason);
  }
}

/** Parses a pattern; throws RegexParseError with an offset into the pattern. */
function parseRegex(pattern: string): RegexAst {
  const cps = Array.from(pattern);
  // Map code-point index → UTF-16 offset for error positions.
  const offsets: number[] = [];
  let o = 0;
  for (const c of cps) {
    offsets.push(o);
    o += c.length;
  }
  offsets.push(o);
  let i = 0;
  const at = (k: number): number => offsets[k] ?? o;
  const peek = (): string | undefined => cps[i];

  function alt(): RegexAst {
    const items = [cat()];
    while (peek() === '|') {
      i++;
      items.push(cat());
    }
    return items.length === 1 ? items[0]! : { t: 'alt', items };
  }

  function cat(): RegexAst {
    const items: RegexAst[] = [];
    for (;;) {
      const c = peek();
      if (c === undefined || c === '|' || c === ')') break;
      items.push(repeat(atom()));
    }
    if (items.length === 0) return { t: 'empty' };
    return items.length === 1 ? items[0]! : { t: 'cat', items };
  }

  function repeat(item: RegexAst): RegexAst {
    for (;;) {
      const c = peek();
      if (c === '*') item = { t: 'rep', item, min: 0, max: Infinity };
      else if (c === '+') item = { t: 'rep', item, min: 1, max: Infinity };
      else if (c === '?') item = { t: 'rep', item, min: 0, max: 1 };
      else if (c === '{') {
        const start = i;
        i++;
        const min = number();
        let max = min;
        if (peek() === ',') {
          i++;
          max = peek() === '}' ? Infinity : number();
        }
        if (peek() !== '}') throw new RegexParseError('expected "}" to close the repetition', at(i));
        if (min > MAX_REPEAT || (max !== Infinity && max > MAX_REPEAT)) {
          throw new RegexParseError(`repetition counts above ${MAX_REPEAT} are not supported`, at(start));
        }
        if (max < min) throw new RegexParseError('repetition {n,m} needs n <= m', at(start));
        item = { t: 'rep', item, min, max };
      } else return item;
      i++;
    }
  }

  function number(): number {
    const start = i;
    while (peek() !== undefined && /[0-9]/.test(peek()!)) i++;
    if (i === start) throw new RegexParseError('expected a number in the repetition', at(i));
    return Number(cps.slice(start, i).join(''));
  }

  function atom(): RegexAst {
    const start = i;
    const c = cps[i++]!;
    switch (c) {
      case '(': {
        if (peek() === '?') throw new RegexParseError('(?…) groups and lookaround are not supported', at(start));
        const inner = alt();
        if (peek() !== ')') throw new RegexParseError('expected ")" to close the group', at(i));
        i++;
        return inner;
      }
      case '.':
        return { t: 'set', ranges: [[0, 0x10ffff]], negated: false };
      case '[':
        return cls(start);
      case '\\':
        return escape(start);
      case '*':
      case '+':
      case '?':
      case '{':
        throw new RegexParseError(`nothing to repeat before "${c}"`, at(start));
      default:
        if (FORBIDDEN.has(c)) {
          throw new RegexParseError(`"${c}" is reserved in regular expressions; escape it as \\${c}`, at(start));
        }
        return lit(c);
    }
  }

  function escape(start: number): RegexAst & { t: 'set' } {
    const e = cps[i++];
    if (e === undefined) throw new RegexParseError('pattern ends with an unfinished escape "\\"', at(start));
    if (/[0-9]/.test(e)) throw new RegexParseError('backreferences (\\1) are not supported', at(start));
    switch (e) {
      case 'd': return { t: 'set', ranges: DIGIT, negated: false };
      case 'D': return { t: 'set', ranges: DIGIT, negated: true };
      case 'w': return { t: 'set', ranges: WORD, negated: false };
      case 'W': return { t: 'set', ranges: WORD, negated: true };
      case 's': return { t: 'set', ranges: SPACE, negated: false };
      case 'S': return { t: 'set', ranges: SPACE, negated: true };
      default:
        return lit(e);
    }
  }

  function cls(start: number): RegexAst {
    let negated = false;
    if (peek() === '^') {
      negated = true;
      i++;
    }
    const ranges: Range[] = [];
    let first = true;
    for (;;) {
      const c = peek();
      if (c === undefined) throw new RegexParseError('expected "]" to close the character class', at(start));
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      const itemStart = i;
      i++;
      let lo: number;
      if (c === '\\') {
        const set = escape(itemStart);
        if (set.negated || set.ranges.length !== 1 || set.ranges[0]![0] !== set.ranges[0]![1]) {
          if (set.negated) throw new RegexParseError('negated shorthand classes inside [] are not supported', at(itemStart));
          ranges.push(...set.ranges);
          continue;
        }
        lo = set.ranges[0]![0];
      } else lo = c.codePointAt(0)!;
      if (peek() === '-' && cps[i + 1] !== undefined && cps[i + 1] !== ']') {
        i++;
        const hc = cps[i++]!;
        let hi: number;
        if (hc === '\\') {
          const set = escape(i - 1);
          if (set.ranges.length !== 1 || set.ranges[0]![0] !== set.ranges[0]![1] || set.negated) {
            throw new RegexParseError('a class range must end at a single character', at(i - 2));
          }
          hi = set.ranges[0]![0];
        } else hi = hc.codePointAt(0)!;
        if (hi < lo) throw new RegexParseError('character class range is out of order', at(itemStart));
        ranges.push([lo, hi]);
      } else ranges.push([lo, lo]);
    }
    return { t: 'set', ranges, negated };
  }

  function lit(c: string): RegexAst & { t: 'set' } {
    const cp = c.codePointAt(0)!;
    return { t: 'set', ranges: [[cp, cp]], negated: false };
  }

  const ast = alt();
  if (i < cps.length) throw new RegexParseError('unbalanced ")"', at(i));
  return ast;
}

/**
 * Throws a positioned LS_QUERY_REGEX_INVALID when `pattern` (which starts at
 * `offset` in `query`) is not in the supported dialect.
 */
export function validateRegex(pattern: string, query: string, offset: number): void {
  try {
    buildMatcher(pattern, false);
  } catch (err) {
    if (err instanceof RegexParseError) {
      if (err.tooLarge) {
        throw new QuerySyntaxError('LS_QUERY_REGEX_TOO_LARGE', `regular expression too large: ${err.reason}`, query, offset - 1);
      }
      throw new QuerySyntaxError('LS_QUERY_REGEX_INVALID', `invalid regular expression: ${err.reason}`, query, offset + err.at);
    }
    throw err;
  }
}

// ---- NFA ------------------------------------------------------------------

interface State {
  /** Character test, or null for a split/epsilon state. */
  set: { ranges: Range[]; negated: boolean } | null;
  out: number[];
}

const ACCEPT = -1;

/**
 * Compiles a pattern to a whole-value matcher. `caseInsensitive` also accepts
 * the simple upper/lower-case variant of each character (used for `message`
 * tokens, which are stored lower-cased).
 */
/**
 * Text that every value the pattern matches holds: the runs of single
 * literal characters at its top level (`.*time(out|d).*` → `time`), so a
 * scan can rule values out by a substring search before running the NFA.
 * `caseInsensitive`: for the lower-cased tokens of a text field (the
 * matcher's text regex), where only ASCII characters other than the
 * upper-case letters count: each of those matches only itself there,
 * while `S` and `I` also match `ſ` and `ı`, which lower-casing keeps.
 * An invalid pattern has none (compiling it fails anyway).
 */
export function regexRuns(pattern: string, caseInsensitive = false): string[] {
  let ast: RegexAst;
  try {
    ast = parseRegex(pattern);
  } catch {
    return [];
  }
  const runs: string[] = [];
  let run = '';
  for (const item of ast.t === 'cat' ? ast.items : [ast]) {
    const cp = item.t === 'set' && !item.negated && item.ranges.length === 1 && item.ranges[0]![0] === item.ranges[0]![1] ? item.ranges[0]![0] : -1;
    if (cp >= 0 && literalCounts(cp, caseInsensitive)) run += String.fromCodePoint(cp);
    else {
      if (run !== '') runs.push(run);
      run = '';
    }
  }
  if (run !== '') runs.push(run);
  return runs;
}

function literalCounts(cp: number, caseInsensitive: boolean): boolean {
  if (cp >= 0xd800 && cp <= 0xdfff) return false;
  return !caseInsensitive || (cp < 0x80 && !(cp >= 65 && cp <= 90));
}

export function compileRegex(pattern: string, caseInsensitive = false): (value: string) => boolean {
  try {
    return buildMatcher(pattern, caseInsensitive);
  } catch (err) {
    if (err instanceof RegexParseError) {
      throw new QueryError(err.tooLarge ? 'LS_QUERY_REGEX_TOO_LARGE' : 'LS_QUERY_REGEX_INVALID', `invalid regular expression /${pattern}/: ${err.reason}`);
    }
    throw err;
  }
}

function buildMatcher(pattern: string, caseInsensitive: boolean): (value: string) => boolean {
  const ast = parseRegex(pattern);
  const states: State[] = [];

  const add = (s: State): number => {
    if (states.length >= MAX_NFA_STATES) {
      throw new RegexParseError(`pattern expands to more than ${MAX_NFA_STATES} states`, 0, true);
    }
    states.push(s);
    return states.length - 1;
  };

  // Builds a fragment; returns [start, list of (state, slot) to patch].
  type Frag = { start: number; holes: number[] };
  function frag(node: RegexAst): Frag {
    switch (node.t) {
      case 'empty': {
        const s = add({ set: null, out: [ACCEPT] });
        return { start: s, holes: [s] };
      }
      case 'set': {
        const s = add({ set: { ranges: node.ranges, negated: node.negated }, out: [ACCEPT] });
        return { start: s, holes: [s] };
      }
      case 'cat': {
        let first: Frag | null = null;
        let holes: number[] = [];
        for (const item of node.items) {
          const f = frag(item);
          if (first === null) first = f;
          else patch(holes, f.start);
          holes = f.holes;
        }
        return { start: first!.start, holes };
      }
      case 'alt': {
        const fs = node.items.map(frag);
        const s = add({ set: null, out: fs.map((f) => f.start) });
        return { start: s, holes: fs.flatMap((f) => f.holes) };
      }
      case 'rep': {
        // Counted repetition is expanded into copies; MAX_NFA_STATES bounds it.
        const parts: RegexAst[] = [];
        for (let k = 0; k < node.min; k++) parts.push(node.item);
        let result: Frag;
        if (node.max === Infinity) {
          // x{n,} = x…x x*
          const loop = add({ set: null, out: [] });
          const body = frag(node.item);
          patch(body.holes, loop);
          states[loop]!.out = [body.start, ACCEPT];
          const star: Frag = { start: loop, holes: [loop] };
          result = parts.length ? chain([...parts.map(frag), star]) : star;
        } else {
          // x{n,m} = x…x x?x?…x? (m-n optional copies)
          const opt: Frag[] = [];
          for (let k = node.min; k < node.max; k++) {
            const body = frag(node.item);
            const split = add({ set: null, out: [body.start, ACCEPT] });
            opt.push({ start: split, holes: [...body.holes, split] });
          }
          const frags = [...parts.map(frag), ...opt];
          if (frags.length === 0) {
            const s = add({ set: null, out: [ACCEPT] });
            return { start: s, holes: [s] };
          }
          result = chain(frags);
        }
        return result;
      }
    }
  }

  function chain(frags: Frag[]): Frag {
    for (let k = 1; k < frags.length; k++) patch(frags[k - 1]!.holes, frags[k]!.start);
    return { start: frags[0]!.start, holes: frags[frags.length - 1]!.holes };
  }

  function patch(holes: number[], target: number): void {
    for (const h of holes) {
      const out = states[h]!.out;
      for (let k = 0; k < out.length; k++) if (out[k] === ACCEPT) out[k] = target;
    }
  }

  const start = frag(ast).start;

  const fold = (cp: number): number[] => {
    const c = String.fromCodePoint(cp);
    const lo = c.toLowerCase();
    const up = c.toUpperCase();
    const out = [cp];
    if (lo.length === c.length && lo !== c) out.push(lo.codePointAt(0)!);
    if (up.length === c.length && up !== c) out.push(up.codePointAt(0)!);
    return out;
  };

  const test = (set: { ranges: Range[]; negated: boolean }, cp: number): boolean => {
    const cands = caseInsensitive ? fold(cp) : [cp];
    let hit = false;
    for (const c of cands) {
      for (const [lo, hi] of set.ranges) {
        if (c >= lo && c <= hi) {
          hit = true;
          break;
        }
      }
      if (hit) break;
    }
    return set.negated ? !hit : hit;
  };

  return (value: string): boolean => {
    let current = new Set<number>();
    let accepted = false;
    const close = (into: Set<number>, s: number): boolean => {
      // Iterative epsilon closure; returns whether ACCEPT is reachable.
      let acc = false;
      const stack = [s];
      while (stack.length) {
        const x = stack.pop()!;
        if (x === ACCEPT) {
          acc = true;
          continue;
        }
        if (into.has(x)) continue;
        into.add(x);
        const st = states[x]!;
        if (st.set === null) for (const o of st.out) stack.push(o);
      }
      return acc;
    };
    accepted = close(current, start);
    for (const ch of value) {
      const cp = ch.codePointAt(0)!;
      const next = new Set<number>();
      accepted = false;
      for (const x of current) {
        const st = states[x]!;
        if (st.set !== null && test(st.set, cp)) {
          for (const o of st.out) if (close(next, o)) accepted = true;
        }
      }
      if (next.size === 0 && !accepted) return false;
      current = next;
    }
    return accepted;
  };
}
