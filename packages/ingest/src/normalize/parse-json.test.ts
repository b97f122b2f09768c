import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseJson, unsafeIntegersAsStrings } from './parse-json.js';
import { normalizeLine } from './normalize-line.js';
import { DEFAULT_NORMALIZE_LIMITS } from './limits.js';

const opts = { now: Date.parse('2026-02-08T12:00:00Z'), limits: DEFAULT_NORMALIZE_LIMITS };

test('integers beyond 2^53 are kept as their digits; safe integers, floats and strings are as JSON.parse reads them', () => {
  assert.deepEqual(
    parseJson('{"trace_id":1234567890123456789,"n":-9007199254740993,"safe":9007199254740991,"f":12345678901234567890.5,"e":1e21,"s":"1234567890123456789","a":[18446744073709551615]}'),
    {
      trace_id: '1234567890123456789',
      n: '-9007199254740993',
      safe: 9007199254740991,
      f: Number('12345678901234567890.5'),
      e: 1e21,
      s: '1234567890123456789',
      a: ['18446744073709551615'],
    },
  );
  // Digits inside strings, escaped quotes included, are left alone.
  assert.equal(unsafeIntegersAsStrings('{"k":"a\\"1234567890123456789","x":1}'), null);
  assert.deepEqual(parseJson('{"x": 12 }'), { x: 12 });
  assert.deepEqual(parseJson('{"x":NaN,"y":1}'), { x: 'NaN', y: 1 }, "Python's NaN, as before");
  assert.throws(() => parseJson('{"x":'), SyntaxError);
});

test('an ingested line keeps a trace id beyond 2^53 exactly (was rounded to another id)', () => {
  const direct = normalizeLine('{"msg":"m","trace_id":1234567890123456789,"span":{"id":9007199254740993},"small":42}', opts).event;
  assert.equal(direct.trace_id, '1234567890123456789');
  assert.equal(direct['span.id'], '9007199254740993');
  assert.equal(direct.small, 42);
  const envelope = normalizeLine(JSON.stringify({ '@raw': '{"msg":"m","snowflake":1790000000000000001}', host: 'h' }), opts).event;
  assert.equal(envelope.snowflake, '1790000000000000001');
});
