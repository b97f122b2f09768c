import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from './parse.js';
import { serialize } from './serialize.js';
import { generateQuery, stripLocations } from './testing/generate-query.js';

const roundTrip = (q: string) => serialize(parse(q));

const canonical: Array<[string, string]> = [
  ['level:ERROR AND @timestamp:[now-1h TO now]', 'level:ERROR AND @timestamp:[now-1h TO now]'],
  ['duration_ms:>1000', 'duration_ms:>1000'],
  ['user_id:"user-uuid"', 'user_id:"user-uuid"'],
  ['logger:"django.security" AND message:"login failed"', 'logger:"django.security" AND message:"login failed"'],
  ['status:>=500', 'status:>=500'],
  ['a b OR c', '(a AND b) OR c'],
  ['-a && !b', 'NOT a AND NOT b'],
  ['status:(500 OR 502)', 'status:500 OR status:502'],
  ['user_id:*', '_exists_:user_id'],
  ['*:*', '*'],
  ['', '*'],
  ['bytes:{0 TO *]', 'bytes:>0'],
  ['x:[1 TO 5}', 'x:[1 TO 5}'],
  ['path:/api/*', 'path:\\/api\\/*'],
  ['path:/\\/api\\/v[0-9]+/', 'path:/\\/api\\/v[0-9]+/'],
  ['a\\:b:"say \\"hi\\""', 'a\\:b:"say \\"hi\\""'],
  ['\\AND \\OR', '\\AND AND \\OR'],
  ['temp:-5', 'temp:\\-5'],
  ['x:"=5" x:>"-5"', 'x:"=5" AND x:>-5'],
  // A string bound is written with brackets: the comparison form is for numbers.
  ['x:{"=5" TO *]', 'x:{=5 TO *]'],
];
for (const [q, expected] of canonical) {
  test(q, () => {
    assert.equal(roundTrip(q), expected);
    assert.deepEqual(stripLocations(parse(roundTrip(q))), stripLocations(parse(q)));
  });
}

test('parse(serialize(parse(q))) equals parse(q) for 5000 generated queries', () => {
  for (let seed = 1; seed <= 5000; seed++) {
    const { ast, query } = generateQuery(seed, { exotic: 0.2 });
    let parsed;
    try {
      parsed = parse(query);
    } catch (err) {
      assert.fail(`seed ${seed}: generated query does not parse: ${query}\n${String(err)}`);
    }
    assert.deepEqual(stripLocations(parsed), stripLocations(ast), `seed ${seed}: ${query} parsed to a different AST`);
    const again = serialize(parsed);
    assert.deepEqual(stripLocations(parse(again)), stripLocations(parsed), `seed ${seed}: ${query} → ${again}`);
  }
});

test('field-name patterns serialize back to what parses to them', () => {
  for (const q of ['http.*:500', '*.status:>=500', '_exists_:http.*', 'a\\*b*:c', 'h?:(x OR y)', 'NOT *:"a b"', 'f*:/a.c/']) {
    const ast = parse(q);
    assert.deepEqual(stripLocations(parse(serialize(ast))), stripLocations(ast), q);
  }
});
