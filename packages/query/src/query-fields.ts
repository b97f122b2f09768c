/** The field names a query's clauses name (free text and match-all name none). */
import type { QueryNode } from './ast.js';

export function fieldsOf(node: QueryNode, out = new Set<string>()): Set<string> {
  switch (node.type) {
    case 'and':
    case 'or':
      for (const c of node.children) fieldsOf(c, out);
      break;
    case 'not':
      fieldsOf(node.child, out);
      break;
    // A pattern names no one field (`http.*:500`).
    case 'match_all':
    case 'field_pattern':
      break;
    default:
      if (node.field !== null) out.add(node.field);
  }
  return out;
}
