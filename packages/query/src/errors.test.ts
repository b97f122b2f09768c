import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { QUERY_ERROR_CODES, QuerySyntaxError, caretLine, positionOf } from './errors.js';

// dist/errors.test.js → repository root.
const docPath = fileURLToPath(new URL('../../../docs/QUERY_LANGUAGE.md', import.meta.url));

test('every error code is documented in docs/QUERY_LANGUAGE.md and every documented code exists', () => {
  const doc = readFileSync(docPath, 'utf8');
  const documented = new Set(doc.match(/LS_QUERY_[A-Z_]+/g));
  const codes = new Set(Object.keys(QUERY_ERROR_CODES));
  for (const code of codes) assert.ok(documented.has(code), `${code} missing from the docs`);
  for (const code of documented) assert.ok(codes.has(code), `${code} documented but not defined`);
});

test('positionOf counts lines on \\n, \\r\\n and \\r', () => {
  assert.deepEqual(positionOf('ab\ncd', 4), { offset: 4, line: 2, column: 2 });
  assert.deepEqual(positionOf('ab\r\ncd', 5), { offset: 5, line: 2, column: 2 });
  assert.deepEqual(positionOf('ab\rcd', 3), { offset: 3, line: 2, column: 1 });
});

test('caretLine keeps tabs and windows long lines', () => {
  assert.equal(caretLine('\tx:', positionOf('\tx:', 3)), '\tx:\n\t  ^');
  const long = `${'a'.repeat(200)}:`;
  const caret = caretLine(long, positionOf(long, 200));
  const [text, marker] = caret.split('\n');
  assert.ok(text!.startsWith('…'));
  assert.equal(text![marker!.indexOf('^')], ':');
});

test('QuerySyntaxError carries a stable code and 400 status', () => {
  const err = new QuerySyntaxError('LS_QUERY_SYNTAX', 'expected term', 'a AND', 5, ['term']);
  assert.equal(err.statusCode, 400);
  assert.equal(err.column, 6);
  assert.equal(err.message, 'expected term (line 1, column 6)');
});

test('caretLine under CJK, emoji and combining marks: the caret under the character it names, as a terminal draws them', () => {
  const under = (q: string) => caretLine(q, positionOf(q, q.indexOf('('))).split('\n')[1];
  // Before: one space per CJK character, each drawn two columns wide: the caret sat two columns left of "(".
  assert.equal(under('日本 AND ('), '\u3000\u3000 AND ^'.replace('AND', '   '));
  assert.equal(under('ｆｕｌｌ ('), '\u3000\u3000\u3000\u3000 ^');
  // An emoji (two UTF-16 units, drawn two wide): two spaces, as before.
  assert.equal(under('🚀 AND ('), `${' '.repeat(7)}^`);
  // A combining mark draws nothing: before, one space too many.
  assert.equal(under('e\u0301 AND ('), `${' '.repeat(6)}^`);
});
