import { isMap, isScalar, type Document, type LineCounter, type Node } from 'yaml';
import { errorDefinition, LogshipError } from './define-error.js';

/**
 * Where a key of a YAML file is, for the mistakes of the two files an
 * operator writes, the server config (config/config-yaml.ts) and the rule
 * files (rules/load-rule-file.ts): both name a key's line and column, as
 * promtool and Vector do. Here, below both rooms, since the rules room
 * imports no other.
 */

/** `line L, column C` of the node at a path (keys, list indexes), or of the nearest parent found. */
export function placeIn(doc: Document, lineCounter: LineCounter, path: readonly (string | number)[]): string | undefined {
  let node: unknown = doc.contents;
  let found: Node | undefined;
  for (const key of path) {
    if (!isMap(node) && !(node && typeof node === 'object' && 'items' in node)) break;
    const items = (node as { items: unknown[] }).items;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(key));
      if (!pair) break;
      found = pair.key as Node;
      node = pair.value;
    } else {
      const item = typeof key === 'number' ? items[key] : undefined;
      if (!item) break;
      found = item as Node;
      node = item;
    }
  }
  if (!found?.range) return undefined;
  const { line, col } = lineCounter.linePos(found.range[0]);
  return `line ${line}, column ${col}`;
}

/**
 * `retention.classes[0].match` → ['retention', 'classes', 0, 'match'];
 * `saved_queries["a.b"]` → ['saved_queries', 'a.b'] (a name that is not a
 * plain word is written quoted). Null for what is not such a path.
 */
export function pathSegments(path: string): (string | number)[] | null {
  const segments: (string | number)[] = [];
  const part = /(?:^|\.)([A-Za-z_][\w-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  let at = 0;
  while (at < path.length) {
    part.lastIndex = at;
    const m = part.exec(path);
    if (m === null) return null;
    segments.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)));
    at = part.lastIndex;
  }
  return segments.length > 0 ? segments : null;
}

/** The error with ` (where)` at the end of its first line: before a query's caret, which must stay under its text. */
export function withPlace(err: LogshipError, where: string): LogshipError {
  const def = errorDefinition(err.code);
  if (def === undefined) return err;
  const newline = err.message.indexOf('\n');
  const message = newline < 0 ? `${err.message} (${where})` : `${err.message.slice(0, newline)} (${where})${err.message.slice(newline)}`;
  return new LogshipError(def, message, { args: err.args });
}

/**
 * A query error's own place (`(line 1, column 8)`) said as the query's,
 * before the file's place is put after it: two bare line-and-column pairs
 * in one message read as two places of the file.
 */
export function queryPlace(message: string): string {
  return message.replace(/\(line (\d+), column (\d+)\)/, (_, line: string, col: string) => (line === '1' ? `(column ${col} of the query)` : `(line ${line}, column ${col} of the query)`));
}
