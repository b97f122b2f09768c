import { isScalar, LineCounter, parseDocument, visit, type Document } from 'yaml';
import { placeIn } from '../errors/yaml-places.js';
import { configErrors as errors } from './config-errors.js';

/**
 * The config file's YAML, read with where each node is: a syntax error, a
 * key that YAML reads but no one means (`max_body_bytes:100`, a colon
 * without its space, is the key "max_body_bytes:100" with no value), and
 * the schema's complaints (`locate`) all name a line and column, as
 * promtool and Vector do; "unknown config key" alone sent operators
 * looking for a key they never wrote.
 */
export interface ConfigYaml {
  /** The document as plain data (null for an empty file). */
  value: unknown;
  /** `line L, column C` of the node at a config path (keys, array indexes), or of the nearest parent found. */
  locate(path: readonly (string | number)[]): string | undefined;
}

export function parseConfigYaml(file: string, text: string): ConfigYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
  const at = (offset: number): string => {
    const { line, col } = lineCounter.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  // The library's own message names the line and column and shows the text.
  if (doc.errors.length > 0) throw errors.configSyntax(file, doc.errors[0]!.message);
  missingSpace(doc, file, at);
  return {
    value: doc.toJS({ maxAliasCount: 100 }),
    locate: (path) => placeIn(doc, lineCounter, path),
  };
}

/** A key holding `:` followed by text, and no value: `key:value` meant as `key: value`. */
function missingSpace(doc: Document, file: string, at: (offset: number) => string): void {
  visit(doc, {
    Pair(_key, pair) {
      const k = pair.key;
      if (!isScalar(k) || typeof k.value !== 'string' || !/^[A-Za-z_][\w.-]*:\S/.test(k.value)) return;
      if (pair.value !== null && !(isScalar(pair.value) && pair.value.value === null)) return;
      const [name, ...rest] = k.value.split(':');
      const where = k.range ? at(k.range[0]) : 'an unknown place';
      throw errors.configSyntax(file, `"${k.value}" at ${where} is a key with no value: YAML needs a space after the colon (${name}: ${rest.join(':')})`);
    },
  });
}
