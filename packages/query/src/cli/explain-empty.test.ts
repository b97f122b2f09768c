import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '../parse.js';
import { queryHints } from '../query-hints.js';
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

test('hints after an empty answer: lower-case operators (KQL habit) and values that are no level', () => {
  assert.deepEqual(queryHints(parse('level:error and host:web-1')), ['"and" was searched as a word: operators are upper-case (AND)']);
  assert.deepEqual(queryHints(parse('level:(error or warning) AND not x')), [
    '"or" was searched as a word: operators are upper-case (OR)',
    '"not" was searched as a word: operators are upper-case (NOT)',
  ]);
  assert.match(queryHints(parse('level:warnning'))[0]!, /^"warnning" is no level: level is one of trace, debug, info, notice, warning, error/);
  // Loki's and LogsQL's label matchers, one word each here.
  assert.deepEqual(queryHints(parse('level=error AND status!=200')), [
    '"level=error" was searched as a word: a field\'s value is written with a colon (level:error)',
    '"status!=200" was searched as a word: a field\'s value is written with a colon (-status:200)',
  ]);
  // LogsQL's message field.
  assert.deepEqual(queryHints(parse('_msg:timeout')), ['_msg is no field here: the message is message (message:error), and free text searches it (error)']);
  // LogsQL's time filter.
  assert.deepEqual(queryHints(parse('_time:5m timeout')), ["_time is no field here: the time range is the search's from/to, or a clause on @timestamp (@timestamp:>now-5m)"]);
  assert.deepEqual(queryHints(parse('_time:[2026-01-01 TO *]')), ["_time is no field here: the time range is the search's from/to, or a clause on @timestamp (@timestamp:>now-5m)"]);
  assert.deepEqual(queryHints(parse('job="django"')), ['"job=" was searched as a word: a field\'s value is written with a colon (job:value)']);
  // A level's name as free text (Loki's |= "error" on JSON lines, Kibana's any-field search).
  assert.deepEqual(queryHints(parse('error AND host:web-1')), ['"error" was searched in the text of the events (message, …): for events of level error write level:error']);
  assert.deepEqual(queryHints(parse('"WARN"')), ['"WARN" was searched in the text of the events (message, …): for events of level warning write level:warning']);
  assert.deepEqual(queryHints(parse('message:error 3 timeout')), []);
  // A wildcard of digits on a field that holds numbers (Kibana's status:5* on a keyword).
  assert.deepEqual(queryHints(parse('status:5* AND upstream_status:50?')), [
    'status:5*: a wildcard matches text, not numbers; if the field holds numbers, write a range (status:[500 TO 599])',
    'upstream_status:50?: a wildcard matches text, not numbers; if the field holds numbers, write a range (upstream_status:[500 TO 509])',
  ]);
  assert.deepEqual(queryHints(parse('code:1234* path:/api* host:web-?')), []);
  // Meant as written: upper-case operators, phrases, known levels and aliases.
  for (const q of ['a AND b OR NOT c', '"rock and roll"', 'level:warn', 'level:(err OR fatal)', 'level:err*', 'message:and*', 'a=b*', '"x=y"', 'url:"a=b"', 'x:a=b']) {
    assert.deepEqual(queryHints(parse(q)), [], q);
  }
});

test('status:(500 502) — one field asked for two values at once: the hint says to write OR (Kibana\'s Lucene reads OR)', () => {
  assert.deepEqual(queryHints(parse('status:(500 502)')), [
    "status:(500 502) asks for status to be 500 and 502 at once, which a field of one value never is: for any of them write status:(500 OR 502) (whitespace is AND here, where Kibana's Lucene reads OR)",
  ]);
  assert.match(queryHints(parse('level:error AND host:web-1 host:"web 2"'))[0]!, /^host:\(web-1 "web 2"\) asks for host to be web-1 and "web 2" at once.*host:\(web-1 OR "web 2"\)/);
  assert.match(queryHints(parse('level:(error warning)'))[0]!, /level:\(error OR warning\)/);
  // Words of a text field may well be there together; one level by two names is one value; under NOT it excludes, not empties.
  for (const q of ['message:(timeout refused)', 'exc_info:(KeyError order)', 'level:(error err)', 'NOT status:(500 502)', 'status:(500 OR 502)']) {
    assert.deepEqual(queryHints(parse(q)), [], q);
  }
});

test('status:500..599 and LogsQL\'s level:in(error, warning) — one value here: the hint says the range and the OR', () => {
  assert.deepEqual(queryHints(parse('status:500..599')), ['"status:500..599" was searched as one value: a range is written status:[500 TO 599]']);
  assert.deepEqual(queryHints(parse('level:in(error, warning)')).filter((h) => /in\(…\)|no level/.test(h)), [
    "level:in(…) is LogsQL's; here any of several values is level:(a OR b)",
  ]);
  assert.deepEqual(queryHints(parse('path:/a..b version:1.2.3')), []);
});

test('a text value with no letter or digit (an emoji, an arrow): said to match nothing, not left as an unexplained empty answer', () => {
  const said = (v: string) => `${JSON.stringify(v)} holds no letter or digit, and text is searched word by word (letters and digits): it matches nothing; search a word next to it instead`;
  assert.deepEqual(queryHints(parse('🚀')), [said('🚀')]);
  assert.deepEqual(queryHints(parse('message:"->" AND host:web-1')), [said('->')]);
  // A word, a keyword field's value, and a word beside the emoji are searched as written: no hint.
  assert.deepEqual(queryHints(parse('"🚀 launched" host:🚀 launched')), []);
});

test('punctuation pasted with a traceback line (File "/app/main.py", line 12): the comma empties the whole AND, and the hint says so', () => {
  assert.deepEqual(queryHints(parse('File "/app/main.py", line 12')), [
    '"," holds no letter or digit, and text is searched word by word (letters and digits): it matches nothing, so neither does the whole query (clauses are joined by AND); drop it, or put the copied text in quotes',
  ]);
  // Under OR or alone it empties only itself: the sentence as before.
  assert.match(queryHints(parse('timeout OR ,'))[0]!, /it matches nothing; search a word next to it instead$/);
  assert.match(queryHints(parse(','))[0]!, /it matches nothing; search a word next to it instead$/);
});
