/**
 * The tree the peggy grammar returns, before build-ast.ts turns it into the
 * public AST. Internal: field groups and `~`/`^` modifiers are still here.
 */
import type { Location, RangeBound } from './ast.js';

export interface RawTermValue {
  kind: 'term';
  /** Unescaped text. */
  value: string;
  /** Text with literal `\`, `*`, `?` escaped, unescaped wildcards kept. */
  pattern: string;
  /** An unescaped `*` or `?` occurs. */
  wildcard: boolean;
  /** The value is exactly one unescaped `*`. */
  star: boolean;
  loc: Location;
}

export interface RawPhraseValue {
  kind: 'phrase';
  value: string;
  loc: Location;
}

export interface RawRegexValue {
  kind: 'regex';
  pattern: string;
  loc: Location;
}

export interface RawRangeValue {
  kind: 'range';
  lower: RangeBound | null;
  upper: RangeBound | null;
  loc: Location;
}

export interface RawModifier {
  type: 'modifier';
  feature: 'fuzzy' | 'boost';
  loc: Location;
}

export type RawValue =
  | RawTermValue
  | RawPhraseValue
  | RawRegexValue
  | RawRangeValue
  | (RawModifier & { value: RawValue });

export type RawNode =
  | { type: 'empty'; loc: Location }
  | { type: 'match_all'; loc: Location }
  | { type: 'and' | 'or'; children: RawNode[]; loc: Location }
  | { type: 'not'; child: RawNode; loc: Location }
  /** `fieldPattern`: the field name holds a wildcard; the name in WildcardNode pattern syntax. */
  | { type: 'group'; field: string; fieldPattern?: string; fieldLoc: Location; child: RawNode; loc: Location }
  | { type: 'clause'; field: string | null; fieldPattern?: string; fieldLoc: Location | null; value: RawValue; loc: Location }
  | (RawModifier & { child: RawNode });
