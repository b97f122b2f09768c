import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { errors, listErrorDefinitions, LogshipError, OWNED_ERROR_PREFIXES } from './errors.js';

// dist/server/errors.test.js → repository root.
const ERRORS_MD = fileURLToPath(new URL('../../../../docs/ERRORS.md', import.meta.url));

/** Each row's HTTP column: a status, or `start-up` for a code that never answers a request. */
function documented(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const m of readFileSync(ERRORS_MD, 'utf8').matchAll(/^\|\s*`(LS_[A-Z0-9_]+)`\s*\|\s*(\d{3}|start-up)\s*\|/gm)) {
    if (OWNED_ERROR_PREFIXES.some((p) => m[1]!.startsWith(p))) rows.set(m[1]!, m[2]!);
  }
  return rows;
}

test('docs/ERRORS.md lists exactly the factory codes of our prefixes, with their HTTP status', () => {
  const docs = documented();
  const factory = new Map(listErrorDefinitions().map((d) => [d.code, d.startupOnly ? 'start-up' : String(d.statusCode)]));
  for (const [code, status] of factory) {
    assert.ok(docs.has(code), `${code} is missing from docs/ERRORS.md`);
    assert.equal(docs.get(code), status, `${code} status in docs/ERRORS.md`);
  }
  for (const code of docs.keys()) assert.ok(factory.has(code), `${code} is documented but not in the factory`);
});

// The config and TLS codes said 500 though no request ever gets them: a
// reader of the table took a config mistake for a server failure of a request.
test('config and TLS codes are start-up only; the one 500 of ours is LS_INGEST_INTERNAL', () => {
  const docs = documented();
  for (const d of listErrorDefinitions()) {
    if (d.code.startsWith('LS_CONFIG_') || d.code.startsWith('LS_TLS_')) {
      assert.equal(d.startupOnly, true, `${d.code} is start-up only`);
      assert.equal(docs.get(d.code), 'start-up', `${d.code} in docs/ERRORS.md`);
    }
  }
  assert.deepEqual([...docs].filter(([, status]) => status === '500').map(([code]) => code), ['LS_INGEST_INTERNAL']);
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
