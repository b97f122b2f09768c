/**
 * The query AST: a discriminated union on `type`. Every node carries the
 * source span it was parsed from, so errors and warnings can point at it.
 *
 * CONTRACT: the SQLite and Elasticsearch compilers and the in-memory matcher
 * all consume this shape. Change it only additively.
 *
 * Values are kept as the user wrote them (unescaped strings); the consumer
 * decides, per field, whether a value compares as text, keyword, number or
 * date (see `fields.ts` for the field kinds). Date math (`now-1h/d`) stays a
 * string here and is resolved by `resolveDate` against an injected clock.
 */

/** Half-open span of the query text: [start, end) in UTF-16 offsets. */
export interface Location {
  start: number;
  end: number;
}

/** The default field searched by free text. */
export const DEFAULT_FIELD = 'message';

export interface AndNode {
  type: 'and';
  children: QueryNode[];
  loc: Location;
}

export interface OrNode {
  type: 'or';
  children: QueryNode[];
  loc: Location;
}

export interface NotNode {
  type: 'not';
  child: QueryNode;
  loc: Location;
}

/** The empty query, `*` or `*:*`: matches every event. */
export interface MatchAllNode {
  type: 'match_all';
  loc: Location;
}

/**
 * `field:value`, `field:"a phrase"` or free text (`field` = null means the
 * default field, `message`). `phrase` is true when the value was quoted.
 */
export interface TermNode {
  type: 'term';
  field: string | null;
  value: string;
  phrase: boolean;
  /**
   * The whole value only, not an array's elements (array-values.ts): what
   * a terms bucket's key selects (group-aggregate.ts). Never set by the parser.
   */
  whole?: boolean;
  loc: Location;
}

/** `field:pat*ern?` — `*` any run of characters, `?` exactly one. Escaped wildcards are literal and appear escaped with `\` in `pattern`. */
export interface WildcardNode {
  type: 'wildcard';
  field: string | null;
  pattern: string;
  loc: Location;
}

/** `field:/regex/` — the pattern between the slashes, unescaped `\/`. Anchored to the whole value, as in Lucene. */
export interface RegexNode {
  type: 'regex';
  field: string | null;
  pattern: string;
  /** As TermNode's. */
  whole?: boolean;
  loc: Location;
}

export interface RangeBound {
  /** The bound as written (a number, a date, date math, or a keyword). */
  value: string;
  inclusive: boolean;
}

/**
 * `field:[a TO b]`, `field:{a TO *]`, and comparisons `field:>a` (lower
 * exclusive), `field:>=a`, `field:<b`, `field:<=b`. A null bound is open (`*`).
 */
export interface RangeNode {
  type: 'range';
  field: string;
  lower: RangeBound | null;
  upper: RangeBound | null;
  loc: Location;
}

/** `_exists_:field` or `field:*`. */
export interface ExistsNode {
  type: 'exists';
  field: string;
  /**
   * The field itself only, not the fields under it (`_exists_:http` also
   * finds `http.status`; with `only` it does not). Set on the clauses a
   * field pattern expands to (field-patterns.ts), never by the parser.
   */
  only?: boolean;
  loc: Location;
}

export type LeafClause = TermNode | WildcardNode | RegexNode | RangeNode | ExistsNode;

/**
 * A clause whose field name holds a wildcard (`http.*:500`, `*.status:>=500`,
 * `_exists_:http.*`, Kibana and Lucene): it matches an event when `clause`
 * with its field replaced by some field of the event whose name matches
 * `pattern` matches (docs/QUERY_LANGUAGE.md, "Field-name wildcards").
 * `pattern` is in the WildcardNode syntax (`\*` a literal star);
 * `clause.field` holds the pattern too, for messages only. Which
 * fields exist is known only where the data is: backends expand it with
 * expandFieldPatterns() (field-patterns.ts) over the field names they hold.
 */
export interface FieldPatternNode {
  type: 'field_pattern';
  pattern: string;
  clause: LeafClause;
  loc: Location;
}

export type QueryNode =
  | AndNode
  | OrNode
  | NotNode
  | MatchAllNode
  | TermNode
  | WildcardNode
  | RegexNode
  | RangeNode
  | ExistsNode
  | FieldPatternNode;

export type QueryNodeType = QueryNode['type'];
