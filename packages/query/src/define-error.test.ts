import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CodedError, defineError, listErrorDefinitions } from './define-error.js';
import { QueryError } from './errors.js';
import { apiErrors } from './http/api-error.js';

test('the factory fills templates, carries code, status and retryability, and refuses a duplicate code', () => {
  const make = defineError('LS_TEST_BUSY', 'busy for %s s', 503, { retryable: true });
  const err = make(3);
  assert.ok(err instanceof CodedError);
  assert.deepEqual([err.code, err.message, err.statusCode, err.retryable], ['LS_TEST_BUSY', 'busy for 3 s', 503, true]);
  assert.throws(() => defineError('LS_TEST_BUSY', 'x', 400), /duplicate/);
});

test('query-language and API errors are made by it: every one carries a status', () => {
  const q = new QueryError('LS_QUERY_SYNTAX', 'bad');
  assert.ok(q instanceof CodedError);
  assert.equal(q.statusCode, 400);
  const api = apiErrors.queryTimeout(30_000);
  assert.ok(api instanceof CodedError);
  assert.deepEqual([api.statusCode, api.retryable], [503, true]);
  const codes = listErrorDefinitions().map((d) => d.code);
  assert.ok(codes.includes('LS_QUERY_INVALID_DATE') && codes.includes('LS_API_NOT_FOUND'));
  for (const d of listErrorDefinitions()) {
    if (d.code.startsWith('LS_QUERY_')) assert.equal(d.statusCode, 400, d.code);
  }
});
