import { boundedRegex } from './bounded-regex.js';
import { withoutTerminalColours } from './terminal-colours.js';

/**
 * A source's `include_lines` and `exclude_lines` (Filebeat's names; the
 * `drop` stage of Promtail, Fluent Bit's grep): an event is kept when it
 * matches one of `include` (or `include` is empty) and none of `exclude`.
 * Events are tested whole, after multiline joining, so a traceback is kept
 * or dropped as one. Patterns were checked by config.ts to run in linear
 * time; `(?i)` at a pattern's start (Go's syntax, which the peers' users
 * write) matches regardless of case. Patterns see the text without its
 * terminal colour codes, as a terminal shows it and as ingest stores it
 * (terminal-colours.ts): `^\d{4}-` or `\bDEBUG\b` would miss a coloured
 * `\x1b[2m2026-…` or `\x1b[34mDEBUG\x1b[0m`.
 */
export class LineFilter {
  private readonly include: readonly Pattern[];
  private readonly exclude: readonly Pattern[];
  private readonly folds: boolean;

  constructor(include: readonly string[], exclude: readonly string[]) {
    this.include = include.map(compileFilterPattern);
    this.exclude = exclude.map(compileFilterPattern);
    this.folds = [...this.include, ...this.exclude].some((p) => p.fold);
  }

  /** A filter that keeps everything is not worth running: null then. */
  static of(include: readonly string[], exclude: readonly string[]): LineFilter | null {
    return include.length === 0 && exclude.length === 0 ? null : new LineFilter(include, exclude);
  }

  keeps(shipped: string): boolean {
    const text = withoutTerminalColours(shipped);
    // Lower-cased once per event, only when a (?i) pattern needs it.
    const lower = this.folds ? text.toLowerCase() : text;
    const test = (p: Pattern): boolean => p.re.test(p.fold ? lower : text);
    if (this.include.length > 0 && !this.include.some(test)) return false;
    return !this.exclude.some(test);
  }
}

interface Pattern {
  readonly re: RegExp;
  /** Matched against the lower-cased text. */
  readonly fold: boolean;
}

const CASE_INSENSITIVE = '(?i)';

/**
 * The pattern V8 runs for a filter pattern as written. `(?i)` cannot be
 * the `i` flag, which the linear-time engine does not run: the rest is
 * lower-cased and matched against lower-cased text instead.
 */
export function filterPatternSource(pattern: string): { source: string; fold: boolean } {
  if (!pattern.startsWith(CASE_INSENSITIVE)) return { source: pattern, fold: false };
  return { source: pattern.slice(CASE_INSENSITIVE.length).toLowerCase(), fold: true };
}

/** Escapes whose meaning changes when lower-cased (`\D` is not `\d`): refused after `(?i)`. */
export const UPPER_CASE_ESCAPE = /\\[A-Z]/;

function compileFilterPattern(pattern: string): Pattern {
  const { source, fold } = filterPatternSource(pattern);
  return { re: boundedRegex(source), fold };
}
