/**
 * Field-name wildcards: `http.*:500`, `*.status:>=500`, `_exists_:http.*`,
 * `*:timeout` (Kibana, Lucene). A `field_pattern` node matches an event
 * when its clause, with the field replaced by some field of the event whose
 * name matches the pattern, matches. Which fields exist is known only where
 * the data is, so each backend expands the node over the field names it
 * holds (expandFieldPatterns): the matcher over the event's own keys, the
 * stores over the names of the partitions, blocks or indices they read.
 * Names no event of a store holds only add clauses that match nothing, so
 * a store may pass more names than its events have: the answer is the
 * same.
 *
 * Each expanded clause is the clause on that field, with the field's own
 * meaning (a text field's tokens, `level`'s names, `@timestamp`'s dates,
 * another field's exact value), except:
 * - a field for which the clause is not valid is left out, as
 *   Elasticsearch's `lenient` does: `*:>=500` skips `message` (no ranges on
 *   text), `*:error` skips `@timestamp` (not a date);
 * - `_exists_:http.*` and `http.*:*` ask whether a matching field itself is
 *   present (ExistsNode `only`): the fields under it are matched by the
 *   pattern or not, by their own names.
 * Past MAX_FIELD_EXPANSION matching names the query is refused with
 * LS_QUERY_TOO_MANY_CLAUSES (Elasticsearch refuses past 1024 too).
 */
import type { FieldPatternNode, LeafClause, QueryNode } from './ast.js';
import { QueryError, isQueryError } from './errors.js';
import { planLeaf, type PlanOptions } from './fields.js';
import { compileWildcard } from './wildcard.js';

export const MAX_FIELD_EXPANSION = 1024;

/** Whether a query holds a field-name pattern anywhere. */
export function hasFieldPattern(node: QueryNode): boolean {
  switch (node.type) {
    case 'and':
    case 'or':
      return node.children.some(hasFieldPattern);
    case 'not':
      return hasFieldPattern(node.child);
    case 'field_pattern':
      return true;
    default:
      return false;
  }
}

const nameTests = new Map<string, (name: string) => boolean>();

/** Whether a field name matches a pattern (case-sensitive, the whole name; `*` spans dots). */
export function fieldNameMatches(pattern: string, name: string): boolean {
  let test = nameTests.get(pattern);
  if (!test) {
    if (nameTests.size > 256) nameTests.clear();
    test = compileWildcard(pattern);
    nameTests.set(pattern, test);
  }
  return test(name);
}

/** The clause on one concrete field, or null when it is not valid there (left out, as `lenient`). */
export function clauseOnField(node: FieldPatternNode, field: string, opts: PlanOptions): LeafClause | null {
  const clause: LeafClause =
    node.clause.type === 'exists' ? { ...node.clause, field, only: true } : ({ ...node.clause, field } as LeafClause);
  try {
    planLeaf(clause, opts);
  } catch (err) {
    if (isQueryError(err) && (err.code === 'LS_QUERY_INVALID_VALUE' || err.code === 'LS_QUERY_INVALID_DATE')) return null;
    throw err;
  }
  return clause;
}

/** Matches nothing (a pattern no field matches). */
function nothing(node: FieldPatternNode): QueryNode {
  return { type: 'not', child: { type: 'match_all', loc: node.loc }, loc: node.loc };
}

/** A pattern's clauses over `names` (each name once), in the order given. */
export function expandFieldPattern(node: FieldPatternNode, names: Iterable<string>, opts: PlanOptions): QueryNode {
  const children: QueryNode[] = [];
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name) || !fieldNameMatches(node.pattern, name)) continue;
    seen.add(name);
    if (seen.size > MAX_FIELD_EXPANSION) {
      throw new QueryError(
        'LS_QUERY_TOO_MANY_CLAUSES',
        `the field name pattern "${node.clause.field}" matches more than ${MAX_FIELD_EXPANSION} fields; narrow it`,
      );
    }
    const clause = clauseOnField(node, name, opts);
    if (clause) children.push(clause);
  }
  if (children.length === 0) return nothing(node);
  return children.length === 1 ? children[0]! : { type: 'or', children, loc: node.loc };
}

/** The query with every field_pattern replaced by an OR of its clauses over `names`. */
export function expandFieldPatterns(node: QueryNode, names: Iterable<string>, opts: PlanOptions): QueryNode {
  if (!hasFieldPattern(node)) return node;
  const list = [...names];
  const walk = (n: QueryNode): QueryNode => {
    switch (n.type) {
      case 'and':
      case 'or':
        return { ...n, children: n.children.map(walk) };
      case 'not':
        return { ...n, child: walk(n.child) };
      case 'field_pattern':
        return expandFieldPattern(n, list, opts);
      default:
        return n;
    }
  };
  return walk(node);
}
