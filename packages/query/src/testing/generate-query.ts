/**
 * Seeded random queries for property and differential tests (parser
 * round-trip here; in-memory matcher vs SQLite vs Elasticsearch elsewhere).
 *
 *   generateQuery(seed | rng, options) → { ast, query }
 *
 * `ast` is the intended AST (every `loc` is {0,0}); `query` is a text that
 * parses to it, written with randomly chosen surface syntax (`AND`/`&&`/space,
 * `NOT`/`-`/`!`, field groups, comparisons or half-open brackets, `_exists_:f`
 * or `f:*`, …). Values come from a vocabulary of log-like fields that callers
 * can replace with values from their corpus so that queries actually hit.
 * shrinkQuery() reduces a failing AST to a small one that still fails.
 */
import type { Location, QueryNode, RangeBound } from '../ast.js';
import { LEVELS } from '../event.js';
import { escapeTerm, serialize, serializeLeafValue } from '../serialize.js';
import { createRng, type Rng } from './rng.js';

export interface QueryVocabulary {
  /** Words for free text and `message` clauses. */
  words: string[];
  /** String (keyword) fields and values they take. */
  keywords: Record<string, string[]>;
  /** Numeric fields and values they take. */
  numbers: Record<string, number[]>;
  /** Boolean fields. */
  booleans: string[];
  /** Fields usually absent, for exists / missing-field semantics. */
  sparse: string[];
  /** Date values for `@timestamp` (date math and ISO). */
  dates: string[];
  /**
   * Text fields besides message (exception / stack fields) that clauses
   * name; free text reaches them too. Optional for callers' older vocabularies.
   */
  textFields?: string[];
}

export const DEFAULT_VOCABULARY: Readonly<QueryVocabulary> = Object.freeze({
  words: ['timeout', 'failed', 'login', 'error', 'connection', 'request', 'completed', 'user', 'database', 'memory', 'get', 'api', 'started', 'retry', 'ok', 'keyerror', 'traceback', 'missing', 'order', 'id'],
  keywords: {
    logger: ['django.security', 'django.db.backends', 'app', 'app.worker'],
    host: ['web-1', 'web-2', 'db-1'],
    user_id: ['user-uuid', 'u-1', 'u-2'],
    path: ['/api/v1/users', '/api/v2/orders', '/health'],
    method: ['GET', 'POST', 'DELETE'],
  },
  numbers: {
    status: [200, 204, 404, 500, 502, 503],
    duration_ms: [5, 250, 1000, 1500, 30000],
    request_time: [0.005, 0.5, 1, 1.25],
  },
  booleans: ['cached'],
  sparse: ['trace_id', 'error.kind'],
  textFields: ['exc_info', 'err.stack', 'error.stack_trace', 'exception'],
  dates: ['now', 'now-1h', 'now-15m', 'now-1d/d', 'now/d', 'now-7d', 'now/w', '2026-02-08', '2026-02-08T12:00:00Z', '2026-02-08||+1d/d'],
});

/** Values that exercise escaping, quoting and Unicode. */
const EXOTIC = ['a:b', 'x y', 'say "hi"', 'back\\slash', '(paren)', 'AND', 'OR', 'NOT', 'TO', '-5', 'é', 'naïve', '日本語', '🙂', '*', '?', '/', '/api/', '&&', '||', 'a=b', '[x]', '{y}', '~', '^', '!'];
const EXOTIC_FIELDS = ['weird field', 'a:b', 'NOT', 'AND', 'x-y', 'ünï', 'a.b.c'];
const LEVEL_WORDS = [...LEVELS, 'warn', 'err', 'crit', 'fatal', 'emerg', 'ERROR', 'Warning', 'INFO'];

export interface GenerateQueryOptions {
  vocabulary?: Partial<QueryVocabulary>;
  /** Maximum and/or/not nesting (default 3). */
  maxDepth?: number;
  /** Maximum children of an and/or (default 3). */
  maxChildren?: number;
  /** Probability of an exotic value or field name (default 0.1). */
  exotic?: number;
}

export interface GeneratedQuery {
  /** The intended AST; locations are {0,0}. */
  ast: QueryNode;
  /** A query text that parses to `ast`. */
  query: string;
}

const LOC: Location = Object.freeze({ start: 0, end: 0 }) as Location;

export function generateQuery(seed: number | Rng, options: GenerateQueryOptions = {}): GeneratedQuery {
  const rng = typeof seed === 'number' ? createRng(seed) : seed;
  const g = new Generator(rng, options);
  const ast = g.node(0);
  return { ast, query: renderQuery(ast, rng) };
}

class Generator {
  private readonly v: QueryVocabulary;
  private readonly maxDepth: number;
  private readonly maxChildren: number;
  private readonly exotic: number;

  constructor(
    private readonly rng: Rng,
    o: GenerateQueryOptions,
  ) {
    this.v = { ...DEFAULT_VOCABULARY, ...(o.vocabulary ?? {}) };
    this.maxDepth = o.maxDepth ?? 3;
    this.maxChildren = Math.max(2, o.maxChildren ?? 3);
    this.exotic = o.exotic ?? 0.1;
  }

  node(depth: number): QueryNode {
    const r = this.rng;
    if (depth < this.maxDepth && r.chance(0.45)) {
      const kind = r.pick(['and', 'or', 'not'] as const);
      if (kind === 'not') return { type: 'not', child: this.node(depth + 1), loc: LOC };
      const n = r.int(2, this.maxChildren);
      return { type: kind, children: Array.from({ length: n }, () => this.node(depth + 1)), loc: LOC };
    }
    return this.leaf();
  }

  private word(): string {
    return this.rng.chance(this.exotic) ? this.rng.pick(EXOTIC.filter((x) => x !== '')) : this.rng.pick(this.v.words);
  }

  leaf(): QueryNode {
    const r = this.rng;
    const choice = r.int(0, 99);
    if (choice < 2) return { type: 'match_all', loc: LOC };
    if (choice < 22) {
      const others = this.v.textFields ?? [];
      return this.textLeaf(r.chance(0.6) ? null : others.length && r.chance(0.5) ? r.pick(others) : 'message');
    }
    if (choice < 34) return this.levelLeaf();
    if (choice < 44) return this.dateLeaf();
    if (choice < 64) return this.numberLeaf();
    if (choice < 70) {
      const field = r.chance(0.5) && this.v.sparse.length ? r.pick(this.v.sparse) : this.keywordField();
      return { type: 'exists', field, loc: LOC };
    }
    if (choice < 73 && this.v.booleans.length) {
      return { type: 'term', field: r.pick(this.v.booleans), value: r.pick(['true', 'false']), phrase: false, loc: LOC };
    }
    return this.keywordLeaf();
  }

  private keywordField(): string {
    const fields = Object.keys(this.v.keywords);
    if (this.rng.chance(this.exotic) || fields.length === 0) return this.rng.pick(EXOTIC_FIELDS);
    return this.rng.pick(fields);
  }

  private textLeaf(field: string | null): QueryNode {
    const r = this.rng;
    switch (r.int(0, 5)) {
      case 0:
      case 1:
        return { type: 'term', field, value: this.word(), phrase: false, loc: LOC };
      case 2: {
        const n = r.int(2, 3);
        const value = Array.from({ length: n }, () => this.word()).join(r.pick([' ', ' ', '-', ': ']));
        return { type: 'term', field, value, phrase: true, loc: LOC };
      }
      case 3:
        return { type: 'term', field, value: `${this.word()}-${this.word()}`, phrase: false, loc: LOC };
      case 4:
        return { type: 'wildcard', field, pattern: this.wildcardFrom(this.word()), loc: LOC };
      default:
        return { type: 'regex', field, pattern: this.regexFrom(this.word()), loc: LOC };
    }
  }

  private levelLeaf(): QueryNode {
    const r = this.rng;
    const field = 'level';
    switch (r.int(0, 5)) {
      case 0:
      case 1:
      case 2:
        return { type: 'term', field, value: r.pick(LEVEL_WORDS), phrase: r.chance(0.2), loc: LOC };
      case 3:
        return { type: 'wildcard', field, pattern: r.pick(['err*', '*ing', 'warn*', 'c*l', 'in?o', 'E*']), loc: LOC };
      case 4: {
        const a = r.int(0, LEVELS.length - 1);
        const b = r.int(a, LEVELS.length - 1);
        return this.range(field, LEVELS[a]!, LEVELS[b]!);
      }
      default:
        return { type: 'exists', field, loc: LOC };
    }
  }

  private dateLeaf(): QueryNode {
    const r = this.rng;
    const field = '@timestamp';
    const d = () => r.pick(this.v.dates);
    switch (r.int(0, 4)) {
      case 0:
        return { type: 'term', field, value: r.pick(['now/d', '2026-02-08', 'now-1d/d', ...this.v.dates]), phrase: false, loc: LOC };
      case 4:
        return { type: 'exists', field, loc: LOC };
      default:
        return this.range(field, d(), d());
    }
  }

  private numberLeaf(): QueryNode {
    const r = this.rng;
    const fields = Object.keys(this.v.numbers);
    if (fields.length === 0) return this.keywordLeaf();
    const field = r.pick(fields);
    const values = this.v.numbers[field]!;
    const num = () => String(r.pick(values));
    switch (r.int(0, 5)) {
      case 0:
      case 1:
        return { type: 'term', field, value: r.chance(0.85) ? num() : r.pick(['abc', '5e2', '500.0', '-1']), phrase: r.chance(0.15), loc: LOC };
      case 2:
        return { type: 'exists', field, loc: LOC };
      default:
        return this.range(field, num(), num());
    }
  }

  private keywordLeaf(): QueryNode {
    const r = this.rng;
    const field = this.keywordField();
    const values = this.v.keywords[field] ?? [];
    const value = () => (values.length === 0 || r.chance(this.exotic) ? r.pick(EXOTIC) : r.pick(values));
    switch (r.int(0, 6)) {
      case 0:
      case 1: {
        const v = value();
        return { type: 'term', field, value: v, phrase: v === '' || r.chance(0.4), loc: LOC };
      }
      case 2:
        return { type: 'wildcard', field, pattern: this.wildcardFrom(value() || 'x'), loc: LOC };
      case 3:
        return { type: 'regex', field, pattern: this.regexFrom(value()), loc: LOC };
      case 4:
        return this.range(field, value(), value());
      default:
        return { type: 'exists', field, loc: LOC };
    }
  }

  /** A range with random sides: open, inclusive or exclusive. */
  private range(field: string, a: string, b: string): QueryNode {
    const r = this.rng;
    const bound = (value: string): RangeBound | null => (r.chance(0.2) ? null : { value, inclusive: r.chance(0.5) });
    return { type: 'range', field, lower: bound(a), upper: bound(b), loc: LOC };
  }

  /** A wildcard pattern matching (some) strings like `value`; never exactly `*`. */
  private wildcardFrom(value: string): string {
    const r = this.rng;
    const cps = Array.from(value);
    const out: string[] = cps.map((c) => (c === '*' || c === '?' || c === '\\' ? `\\${c}` : c));
    switch (r.int(0, 3)) {
      case 0:
        out.splice(r.int(1, Math.max(1, out.length)), out.length, '*');
        break;
      case 1:
        out.splice(0, r.int(0, Math.max(0, out.length - 1)), '*');
        break;
      case 2:
        out[r.int(0, out.length - 1)] = '?';
        break;
      default:
        out.splice(r.int(0, out.length), 0, '*');
    }
    const pattern = out.join('');
    return pattern === '*' ? '**' : pattern;
  }

  /** A valid regex in logship's dialect derived from `value`. */
  private regexFrom(value: string): string {
    const r = this.rng;
    // `/` needs no regex escape (the serializer escapes it for the delimiter).
    const lit = Array.from(value).map((c) => (/[\p{L}\p{N}/]/u.test(c) ? c : `\\${c}`));
    switch (r.int(0, 4)) {
      case 0:
        return lit.join('');
      case 1:
        return `${lit.slice(0, Math.max(1, lit.length - 2)).join('')}.*`;
      case 2:
        return `(${lit.join('')}|${r.pick(this.v.words)})`;
      case 3:
        return `[a-z]+${lit.slice(-1).join('')}`;
      default:
        if (lit.length) lit[r.int(0, lit.length - 1)] = '.';
        return lit.join('') || '.*';
    }
  }
}

// ---- rendering with random surface syntax -----------------------------------

/** Query text for `ast` using randomly chosen but equivalent syntax. */
export function renderQuery(ast: QueryNode, rng: Rng): string {
  return render(ast, rng);
}

function render(node: QueryNode, rng: Rng): string {
  switch (node.type) {
    case 'match_all':
      return rng.pick(['*', '*:*']);
    case 'and':
    case 'or': {
      const field = groupField(node);
      if (field !== null && rng.chance(0.5)) return `${escapeTerm(field)}:(${renderGroup(node, rng)})`;
      const ops = node.type === 'and' ? [' AND ', ' && ', ' '] : [' OR ', ' || '];
      return node.children.map((c) => wrap(c, rng)).join(rng.pick(ops));
    }
    case 'not': {
      const field = groupField(node);
      if (field !== null && rng.chance(0.3)) return `${escapeTerm(field)}:(${renderGroup(node, rng)})`;
      return `${rng.pick(['NOT ', '-', '!', '! '])}${wrap(node.child, rng)}`;
    }
    case 'exists':
      return rng.chance(0.5) ? `_exists_:${escapeTerm(node.field)}` : `${escapeTerm(node.field)}:*`;
    case 'range':
      return `${escapeTerm(node.field)}:${renderRange(node, rng)}`;
    case 'term':
    case 'wildcard':
    case 'regex':
      if (node.field === null) return serializeLeafValue(node);
      return `${escapeTerm(node.field)}:${rng.chance(0.1) ? ' ' : ''}${serializeLeafValue(node)}`;
    case 'field_pattern':
      return serialize(node);
  }
}

function renderRange(node: Extract<QueryNode, { type: 'range' }>, rng: Rng): string {
  // Half-open ranges also have a bracket form: `>=5` is `[5 TO *]`.
  if ((node.lower === null) !== (node.upper === null) && rng.chance(0.4)) {
    const b = (node.lower ?? node.upper)!;
    const quoted = /^[^\s[\]{}"\\]+$/.test(b.value) && b.value !== '*' && b.value !== 'TO' ? b.value : `"${b.value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
    return node.lower ? `${b.inclusive ? '[' : '{'}${quoted} TO *]` : `[* TO ${quoted}${b.inclusive ? ']' : '}'}`;
  }
  return serializeLeafValue(node);
}

function wrap(node: QueryNode, rng: Rng): string {
  return node.type === 'and' || node.type === 'or' ? `(${render(node, rng)})` : render(node, rng);
}

/** The field shared by every leaf under `node`, if it can be written as a field group. */
function groupField(node: QueryNode): string | null {
  const fields = new Set<string>();
  const visit = (n: QueryNode): boolean => {
    switch (n.type) {
      case 'and':
      case 'or':
        return n.children.every(visit);
      case 'not':
        return visit(n.child);
      case 'match_all':
      case 'field_pattern':
        return false;
      case 'exists':
      case 'range':
        fields.add(n.field);
        return true;
      default:
        if (n.field === null) return false;
        fields.add(n.field);
        return true;
    }
  };
  if (!visit(node) || fields.size !== 1) return null;
  const [field] = fields;
  // Inside `_exists_:( … )` values are field names, not values.
  return field === '_exists_' ? null : field!;
}

function renderGroup(node: QueryNode, rng: Rng): string {
  switch (node.type) {
    case 'and':
    case 'or':
      return node.children
        .map((c) => (c.type === 'and' || c.type === 'or' ? `(${renderGroup(c, rng)})` : renderGroup(c, rng)))
        .join(node.type === 'and' ? rng.pick([' AND ', ' ']) : ' OR ');
    case 'not': {
      const c = node.child;
      return `NOT ${c.type === 'and' || c.type === 'or' ? `(${renderGroup(c, rng)})` : renderGroup(c, rng)}`;
    }
    case 'range':
      return renderRange(node, rng);
    default:
      return serializeLeafValue(node);
  }
}

// ---- shrinking --------------------------------------------------------------

/** Smaller ASTs derived from `node`, most aggressive first. */
export function shrinkCandidates(node: QueryNode): QueryNode[] {
  switch (node.type) {
    case 'and':
    case 'or': {
      const out: QueryNode[] = [...node.children];
      if (node.children.length > 2) {
        node.children.forEach((_, i) => out.push({ ...node, children: node.children.filter((__, j) => j !== i) }));
      }
      node.children.forEach((child, i) => {
        for (const smaller of shrinkCandidates(child)) {
          out.push({ ...node, children: node.children.map((c, j) => (j === i ? smaller : c)) });
        }
      });
      return out;
    }
    case 'not':
      return [node.child, ...shrinkCandidates(node.child).map((child) => ({ ...node, child }))];
    case 'match_all':
      return [];
    default:
      return [{ type: 'match_all', loc: node.loc }];
  }
}

/**
 * Greedy shrink: repeatedly replace `ast` by the first smaller candidate for
 * which `fails` still returns true. Returns a local minimum.
 */
export function shrinkQuery(ast: QueryNode, fails: (candidate: QueryNode) => boolean, maxSteps = 500): QueryNode {
  let current = ast;
  for (let step = 0; step < maxSteps; step++) {
    const next = shrinkCandidates(current).find((c) => {
      try {
        return fails(c);
      } catch {
        return false;
      }
    });
    if (!next) break;
    current = next;
  }
  return current;
}

/** The AST with every `loc` removed, for deep-equality checks. */
export function stripLocations(node: QueryNode): unknown {
  return JSON.parse(JSON.stringify(node, (k, v: unknown) => (k === 'loc' ? undefined : v)));
}
