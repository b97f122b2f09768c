import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STORE_ERROR_CODES, isStoreError, storeError } from './store-error.js';

const doc = fileURLToPath(new URL('../../../../docs/SQLITE_STORE.md', import.meta.url));

test('the error codes and docs/SQLITE_STORE.md list the same codes', () => {
  const section = fs.readFileSync(doc, 'utf8').split('\n## Errors')[1]?.split('\n## ')[0] ?? '';
  const documented = [...section.matchAll(/^\| `(LS_STORE_[A-Z_]+)` \|/gm)].map((m) => m[1]);
  assert.deepEqual(documented.sort(), Object.keys(STORE_ERROR_CODES).sort());
});

test('a store error carries its code, the code message and the detail', () => {
  const cause = new Error('EACCES');
  const err = storeError('LS_STORE_DATA_DIR', 'cannot use /x', cause);
  assert.equal(err.code, 'LS_STORE_DATA_DIR');
  assert.equal(isStoreError(err, 'LS_STORE_DATA_DIR'), true);
  assert.equal(isStoreError(err, 'LS_STORE_CLOSED'), false);
  assert.equal(err.message, `${STORE_ERROR_CODES.LS_STORE_DATA_DIR}: cannot use /x`);
  assert.equal(err.cause, cause);
  assert.ok(!isStoreError(new Error('x')));
});
