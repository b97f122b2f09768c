/**
 * Why a query that parsed may have found nothing although the user meant
 * something that would match: habits from other query languages that this
 * one reads differently, said in words after an empty answer.
 */
import type { QueryNode } from './ast.js';
import { LEVELS } from './event.js';
import { levelFromQuery } from './levels.js';

/** Lower-case operators: Kibana's KQL takes them, Lucene (and this language) searches them as words. */
const LOWER_OPERATORS = new Set(['and', 'or', 'not']);

function walk(node: QueryNode, visit: (leaf: QueryNode) => void): void {
  if (node.type === 'and' || node.type === 'or') node.children.forEach((c) => walk(c, visit));
  else if (node.type === 'not') walk(node.child, visit);
  else visit(node);
}

/** One sentence per habit found in `ast`, in the order of the query. */
export function queryHints(ast: QueryNode): string[] {
  const operators = new Set<string>();
  const levels = new Set<string>();
  walk(ast, (leaf) => {
    if (leaf.type !== 'term' || leaf.phrase) return;
    if (LOWER_OPERATORS.has(leaf.value)) operators.add(leaf.value);
    else if (leaf.field === 'level' && levelFromQuery(leaf.value) === undefined) levels.add(leaf.value);
  });
  const hints: string[] = [];
  for (const op of operators) {
    hints.push(`"${op}" was searched as a word: operators are upper-case (${op.toUpperCase()})`);
  }
  for (const value of levels) {
    hints.push(`"${value}" is no level: level is one of ${LEVELS.join(', ')} (or an alias such as warn, err, fatal)`);
  }
  return hints;
}
