import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { STORE_ERROR_CODES, isStoreError, storeError, storeErrorDetail } from './store-error.js';

const doc = fileURLToPath(new URL('../../../../docs/SQLITE_STORE.md', import.meta.url));

test('the error codes and docs/SQLITE_STORE.md list the same codes, with the same HTTP status', () => {
  const section = fs.readFileSync(doc, 'utf8').split('\n## Errors')[1]?.split('\n## ')[0] ?? '';
  const documented = new Map([...section.matchAll(/^\| `(LS_STORE_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1]!, Number(m[2])]));
  const defined = new Map(Object.values(STORE_ERROR_CODES).map((d) => [d.code, d.statusCode]));
  assert.deepEqual([...documented].sort(), [...defined].sort());
});

test('a store error carries its code, status, retryability, the code message and the detail', () => {
  const cause = new Error('EACCES');
  const err = storeError('LS_STORE_DATA_DIR', 'cannot use /x', cause);
  assert.equal(err.code, 'LS_STORE_DATA_DIR');
  assert.equal(err.statusCode, 500);
  assert.equal(err.retryable, false);
  assert.equal(isStoreError(err, 'LS_STORE_DATA_DIR'), true);
  assert.equal(isStoreError(err, 'LS_STORE_CLOSED'), false);
  assert.equal(err.message, 'The data directory is unusable: cannot use /x');
  assert.equal(err.cause, cause);
  assert.ok(!isStoreError(new Error('x')));
  const failed = storeError('LS_STORE_WRITE_FAILED', 'disk full');
  assert.equal(failed.retryable, true);
  assert.equal(failed.statusCode, 503);
  assert.equal(storeError('LS_STORE_BAD_CURSOR', 'x').statusCode, 400);
});

test("storeErrorDetail: a store error's own detail, also when rebuilt from its message on another thread", () => {
  const failed = storeError('LS_STORE_WRITE_FAILED', 'database or disk is full');
  assert.equal(storeErrorDetail(failed), 'database or disk is full');
  // As writer-thread.ts rebuilds it: the code and the whole message, no cause.
  const rebuilt = storeError('LS_STORE_WRITE_FAILED', '');
  rebuilt.message = failed.message;
  assert.equal(storeErrorDetail(rebuilt), 'database or disk is full');
  assert.equal(storeErrorDetail(new Error('plain')), 'plain');
  assert.equal(storeErrorDetail('text'), 'text');
  // A message that is not the template's (set by hand) is kept whole.
  const odd = storeError('LS_STORE_CLOSED', 'x');
  odd.message = 'something else';
  assert.equal(storeErrorDetail(odd), 'something else');
});
