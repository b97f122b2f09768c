/**
 * Every code the query package defines is a row of docs/*.md: the API's
 * and the CLI's with the HTTP status they carry (— for one only sent inside
 * a stream), the query language's (all 400) in docs/QUERY_LANGUAGE.md's
 * table. A code added without its row, or documented with another status,
 * fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { listErrorDefinitions } from './define-error.js';
// Every room's codes, so the registry holds them all.
import './errors.js';
import './http/api-error.js';
import './cli/client-errors.js';

// dist/error-docs.test.js → repository root.
const DOCS = fileURLToPath(new URL('../../../docs/', import.meta.url));

/** `| \`CODE\` | CELL |` rows of every docs/*.md page: the cell after the code. */
function documentedRows(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const page of readdirSync(DOCS).filter((f) => f.endsWith('.md'))) {
    for (const m of readFileSync(DOCS + page, 'utf8').matchAll(/^\|\s*`(LS_[A-Z0-9_]+)`\s*\|\s*([^|]*?)\s*\|/gm)) rows.set(m[1]!, m[2]!);
  }
  return rows;
}

test('every code the query package defines is a row of docs/*.md, with its HTTP status', () => {
  const docs = documentedRows();
  const defined = listErrorDefinitions();
  assert.ok(['LS_QUERY_', 'LS_API_', 'LS_CLIENT_'].every((p) => defined.some((d) => d.code.startsWith(p))));
  for (const d of defined) {
    assert.ok(docs.has(d.code), `${d.code} is a row of docs/*.md`);
    // The query language's table says what each means; they are all 400 (define-error.test.ts).
    if (d.code.startsWith('LS_QUERY_')) continue;
    assert.equal(docs.get(d.code), d.statusCode === null ? '—' : String(d.statusCode), `${d.code}'s status in docs/*.md`);
  }
});
