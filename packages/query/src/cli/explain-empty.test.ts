import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../parse.js';
import { editDistance, fieldsOf, nearestName } from './explain-empty.js';

test('the fields a query names, free text and match_all aside', () => {
  assert.deepEqual([...fieldsOf(parse('levle:error AND (user_id:x OR NOT _exists_:trace_id) timeout *'))].sort(), ['levle', 'trace_id', 'user_id']);
});

test('the nearest known field name, only when close enough to be a typo', () => {
  assert.equal(editDistance('levle', 'level'), 2);
  assert.equal(nearestName('levle', ['level', 'logger', 'message']), 'level');
  assert.equal(nearestName('duraton_ms', ['duration_ms', 'status']), 'duration_ms');
  assert.equal(nearestName('Level', ['level']), 'level');
  assert.equal(nearestName('zzzzzz', ['level', 'logger']), null);
  assert.equal(nearestName('x', []), null);
});
