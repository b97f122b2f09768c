import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { API_ERROR_CODES } from './api-error.js';

test('docs/ERRORS.md lists exactly the query API codes, with their HTTP status', () => {
  const doc = readFileSync(new URL('../../../../docs/ERRORS.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('## Query API (`LS_API_*`)'));
  assert.ok(section.length > 0, 'the section exists');
  const rows = [...section.matchAll(/^\| `(LS_(?:API|CONTEXT)_[A-Z_]+)` \| (\d{3}|—) \|/gm)].map((m) => [m[1], m[2] === '—' ? null : Number(m[2])]);
  assert.deepEqual(Object.fromEntries(rows), { ...API_ERROR_CODES });
});
