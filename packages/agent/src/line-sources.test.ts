import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lineSources, sourcesLess } from './line-sources.js';

const line = (id: string): string => JSON.stringify({ '@raw': 'x', 'event.id': id });

test('held lines of a batch of two sources are given the source their event id names', () => {
  const positions = { 'app:cabc-i1-2': { offset: 9 }, 'web:i1-3': { offset: 4 }, 'jd:journald': { cursor: 's=1' } };
  const budget = { app: 3, web: 2, jd: 1 };
  const got = lineSources([line('f:cabc-i1-2@h:A0'), line('f:i1-3:B12'), line('f:cabc-i1-2:A5'), line('j:s=1;i=0000000000000001')], positions, budget);
  assert.deepEqual(got, { app: 2, web: 1, jd: 1 });
  assert.deepEqual(sourcesLess(budget, got), { app: 1, web: 1 });
});

test('a line no key decides goes to the source with most events left, never past the batch', () => {
  const got = lineSources([line('j:a'), line('j:b'), line('j:c'), 'not json'], { 'a:journald': {}, 'b:journald': {} }, { a: 1, b: 2 });
  assert.deepEqual(got, { a: 1, b: 2 });
});
