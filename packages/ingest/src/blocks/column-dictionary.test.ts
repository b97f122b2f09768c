/** A decoded string column's dictionary codes name each row's own value, and filters through them answer as row by row. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldValue, LogEvent } from '@logship/query';
import { decodeColumn, encodeBlock } from './block-codec.js';
import { columnDictionary, dictionaryRows } from './column-dictionary.js';

function column(events: LogEvent[], name: string): (FieldValue | undefined)[] {
  const block = encodeBlock(events, { textFields: ['message'] });
  const c = block.columns.find((x) => x.meta.name === name)!;
  return decodeColumn(c.meta, c.data, block.count, true);
}

/** Letters only: strings that differ in numbers are stored as templates instead (template-strings.ts). */
const word = (k: number): string => (k < 26 ? '' : word(Math.floor(k / 26) - 1)) + String.fromCharCode(97 + (k % 26));
const at = (i: number): string => new Date(Date.UTC(2026, 10, 20) + i).toISOString();

for (const distinct of [3, 300, 3000]) {
  test(`a dictionary of ${distinct} strings, some rows without the field: codes give every row its value`, () => {
    const n = 8000;
    const events: LogEvent[] = Array.from({ length: n }, (_, i) => {
      const e: LogEvent = { '@timestamp': at(i), 'event.id': `e${i}` };
      if (i % 7 !== 3) e['message'] = `message ${word(Math.floor(i / 4) % distinct)} of the run`;
      return e;
    });
    const col = column(events, 'message');
    const dict = columnDictionary(col);
    assert.ok(dict, 'kept');
    assert.equal(dict.codes.BYTES_PER_ELEMENT, distinct < 256 ? 1 : 2);
    for (let r = 0; r < n; r++) {
      const c: number = dict.codes[r]!;
      assert.equal(c === 0 ? undefined : dict.values[c - 1], col[r], `row ${r}`);
    }
    const rows = Array.from({ length: n }, (_, r) => r).filter((r) => r % 3 !== 0);
    const tests: ((v: FieldValue | undefined) => boolean)[] = [
      (v) => v === undefined,
      (v) => typeof v === 'string' && v.includes('message b'),
      () => false,
    ];
    for (const t of tests) assert.deepEqual(dictionaryRows(dict, rows, t), rows.filter((r) => t(col[r])));
  });
}

test('a column decoded without asking for its dictionary keeps none', () => {
  const events: LogEvent[] = Array.from({ length: 600 }, (_, i) => ({ '@timestamp': at(i), 'event.id': `e${i}`, host: `web-${i % 3}` }));
  const block = encodeBlock(events, { textFields: ['message'] });
  const c = block.columns.find((x) => x.meta.name === 'host')!;
  assert.equal(columnDictionary(decodeColumn(c.meta, c.data, block.count)), undefined);
});

test('columns of numbers, mixed types or distinct strings keep no dictionary', () => {
  const events: LogEvent[] = Array.from({ length: 600 }, (_, i) => ({
    '@timestamp': at(i),
    'event.id': `e${i}`,
    n: i % 5,
    mixed: i % 2 === 0 ? 'a' : 1,
    id: `id-${i}-${i * 31}`,
  }));
  for (const name of ['n', 'mixed', 'id']) assert.equal(columnDictionary(column(events, name)), undefined, name);
});
