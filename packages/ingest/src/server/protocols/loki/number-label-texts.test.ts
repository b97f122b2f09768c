import { test } from 'node:test';
import assert from 'node:assert/strict';
import { numberLabelTexts } from './number-label-texts.js';

const asObject = (m: Map<number, Map<string, string>>) => Object.fromEntries([...m].map(([i, labels]) => [i, Object.fromEntries(labels)]));

test('each stream\'s number labels as written, past strings, arrays and objects holding brackets and quotes', () => {
  const text = ` {"other": {"streams": [1]}, "streams": [
    {"values": [["1", "a } ] \\" line"]], "stream": {"s": "x}", "n": 12345678901234567890, "f": -1.50e+3}},
    {"stream": {"t": true, "o": {"n": 1}}},
    {"stream": {"n": 1, "n": "later"}, "stream": {"m": 2}}
  ]}`;
  assert.deepEqual(asObject(numberLabelTexts(text)), { 0: { n: '12345678901234567890', f: '-1.50e+3' }, 1: {}, 2: { m: '2' } });
});

test('a name given twice keeps its last value, and streams given twice the last array, as JSON.parse does', () => {
  assert.deepEqual(asObject(numberLabelTexts('{"streams": [{"stream": {"a": 1}}], "streams": [{"stream": {"b": 2, "b": 30}}]}')), { 0: { b: '30' } });
});
