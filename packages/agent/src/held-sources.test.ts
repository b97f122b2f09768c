import { test } from 'node:test';
import assert from 'node:assert/strict';
import { attributeHeld, staleSources, UNKNOWN_SOURCE } from './held-sources.js';

const set = (...names: string[]): Set<string> => new Set(names);

test("a held file of an earlier agent (no sources): each line under the source that reads its file, by the checkpoint's keys or the file's positions", () => {
  const b = { ids: ['f:aa@h:10', 'f:bb@h:20', 'j:s=1;i=3'], count: 3, positions: { 'web:bb': { offset: 30 } }, sources: {} };
  assert.equal(staleSources(b, set('app', 'web', 'jd')), true);
  assert.deepEqual(attributeHeld(b, set('app', 'web', 'jd'), set('app:aa', 'web:bb', 'jd:journald')), { app: 1, web: 1, jd: 1 });
  // Nothing in the checkpoint: the held file's own positions, and the one source they name for the rest.
  assert.deepEqual(attributeHeld(b, set('app', 'web'), set()), { web: 3 });
});

test('a renamed source: its held lines go to the source that reads their file now; a source taken out keeps its name', () => {
  const b = { ids: ['f:aa:10', 'f:aa:11'], count: 2, positions: { 'old:aa': { offset: 30 } }, sources: { old: 2 } };
  assert.equal(staleSources(b, set('old')), false);
  assert.deepEqual(attributeHeld(b, set('new'), set('new:aa')), { new: 2 }, 'renamed');
  assert.deepEqual(attributeHeld(b, set('other'), set('other:zz')), { old: 2 }, 'nothing reads that file any more');
});

test('lines nothing tells the source of are counted under an explicit label, once each', () => {
  const b = { ids: ['f:aa:10'], count: 3, positions: { 'a:aa': { offset: 1 }, 'b:bb': { offset: 1 } }, sources: {} };
  assert.deepEqual(attributeHeld(b, set('a', 'b'), set('a:aa', 'b:aa')), { a: 1, [UNKNOWN_SOURCE]: 2 });
});
