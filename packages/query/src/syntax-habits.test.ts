import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QuerySyntaxError } from './errors.js';
import { parse } from './parse.js';

function reason(q: string): string {
  try {
    parse(q);
  } catch (err) {
    assert.ok(err instanceof QuerySyntaxError);
    return err.reason;
  }
  assert.fail(`${q} parsed`);
}

test('level : error (KQL spacing) says the clause without spaces', () => {
  assert.match(reason('level : error'), /but ":" found; a field takes its value with no space around ":" \(level:error\)$/);
  assert.match(reason('host:web-1 AND msg :"a b"'), /\(msg:"a b"\)$/);
});

test('a : after an operator is not a field', () => {
  assert.doesNotMatch(reason('a AND :b'), /no space around/);
});

test('{job="django", level!="debug"} |= "x" (a Loki stream selector) says it as field clauses', () => {
  assert.match(reason('{job="django", level!="debug"} |= "x"'), /; a Loki stream selector is written as field clauses here: job:"django" AND -level:"debug"$/);
  assert.match(reason('{app=~"api.*"}'), /here: app:\/api\.\*\/$/);
});

test('other syntax errors are said as before', () => {
  assert.equal(reason('level:'), 'expected "(", comparison, phrase or term but end of query found');
  assert.equal(reason('x:{a TO b'), 'expected closing bracket (] or }) but end of query found');
});
