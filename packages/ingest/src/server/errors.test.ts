import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { errors, listErrorDefinitions, LogshipError, OWNED_ERROR_PREFIXES } from './errors.js';

// dist/server/errors.test.js → repository root.
const ERRORS_MD = fileURLToPath(new URL('../../../../docs/ERRORS.md', import.meta.url));

function documented(): Map<string, number> {
  const rows = new Map<string, number>();
  for (const m of readFileSync(ERRORS_MD, 'utf8').matchAll(/^\|\s*`(LS_[A-Z0-9_]+)`\s*\|\s*(\d{3})\s*\|/gm)) {
    if (OWNED_ERROR_PREFIXES.some((p) => m[1]!.startsWith(p))) rows.set(m[1]!, Number(m[2]));
  }
  return rows;
}

test('docs/ERRORS.md lists exactly the factory codes of our prefixes, with their HTTP status', () => {
  const docs = documented();
  const factory = new Map(listErrorDefinitions().map((d) => [d.code, d.statusCode]));
  for (const [code, status] of factory) {
    assert.ok(docs.has(code), `${code} is missing from docs/ERRORS.md`);
    assert.equal(docs.get(code), status, `${code} status in docs/ERRORS.md`);
  }
  for (const code of docs.keys()) assert.ok(factory.has(code), `${code} is documented but not in the factory`);
});

test('every factory code uses an owned prefix', () => {
  for (const d of listErrorDefinitions()) {
    assert.ok(OWNED_ERROR_PREFIXES.some((p) => d.code.startsWith(p)), d.code);
  }
});

test('the factory fills message templates in order and carries code and status', () => {
  const err = errors.lineTooLong(2048, 1024);
  assert.ok(err instanceof LogshipError && err instanceof Error);
  assert.equal(err.code, 'LS_INGEST_LINE_TOO_LONG');
  assert.equal(err.statusCode, 400);
  assert.equal(err.message, 'line is 2048 bytes, over the 1024 byte limit');
  assert.equal(errors.lineTooLong.code, 'LS_INGEST_LINE_TOO_LONG');
});
