import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineError, isLogshipError, listErrorDefinitions, LogshipError } from './define-error.js';
// Every room's codes, so the registry holds them all.
import '../server/errors.js';
import '../store/store-error.js';
import '../elasticsearch/es-error.js';

// dist/errors/define-error.test.js → repository root.
const DOCS = fileURLToPath(new URL('../../../../docs/', import.meta.url));

/** `| \`CODE\` | STATUS |` rows of every docs/*.md page. */
function documentedStatuses(): Map<string, string> {
  const rows = new Map<string, string>();
  for (const page of readdirSync(DOCS).filter((f) => f.endsWith('.md'))) {
    for (const m of readFileSync(DOCS + page, 'utf8').matchAll(/^\|\s*`(LS_[A-Z0-9_]+)`\s*\|\s*(\d{3}|start-up)\s*\|/gm)) {
      rows.set(m[1]!, m[2]!);
    }
  }
  return rows;
}

test('every code the ingest package defines is documented in docs/ with its HTTP status', () => {
  const docs = documentedStatuses();
  const defined = listErrorDefinitions();
  assert.ok(defined.some((d) => d.code.startsWith('LS_STORE_')) && defined.some((d) => d.code.startsWith('LS_ES_')));
  for (const d of defined) assert.equal(docs.get(d.code), d.startupOnly ? 'start-up' : String(d.statusCode), `${d.code} in docs/*.md`);
});

test('the factory fills templates, carries code, status and retryability, and refuses a duplicate code', () => {
  const retryable = defineError('LS_TEST_RETRYABLE', 'try %s again in %s', 503, { retryable: true });
  const cause = new Error('EIO');
  const err = retryable.withCause({ cause, retryAfterS: 7 }, 'it', 'a moment');
  assert.ok(err instanceof LogshipError && isLogshipError(err, 'LS_TEST_RETRYABLE'));
  assert.equal(err.message, 'try it again in a moment');
  assert.deepEqual([err.code, err.statusCode, err.retryable, err.retryAfterS, err.cause], ['LS_TEST_RETRYABLE', 503, true, 7, cause]);
  const permanent = defineError('LS_TEST_PERMANENT', 'no', 400)();
  assert.deepEqual([permanent.retryable, permanent.retryAfterS], [false, undefined]);
  assert.equal(retryable('x').retryAfterS, 5, 'retryable errors default to 5 s');
  assert.throws(() => defineError('LS_TEST_PERMANENT', 'again', 400), /duplicate/);
  const startup = defineError('LS_TEST_STARTUP', 'bad file %s', 'start-up');
  assert.deepEqual([startup.startupOnly, startup('x').statusCode, permanent.statusCode], [true, 500, 400]);
});
