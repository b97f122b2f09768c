import { test } from 'node:test';
import assert from 'node:assert/strict';
import { QuerySyntaxError } from './errors.js';
import { compileMatcher } from './matcher.js';
import { parse } from './parse.js';
import { quoteHint } from './quote-hint.js';

const now = Date.parse('2026-12-07T12:00:00Z');

/** What the hint says for `field` of `q`. */
function hint(q: string, field: string): string | null {
  return quoteHint(q, parse(q), field);
}

/** Whether the phrase a hint or error proposes finds `message`: the advice must be true. */
function finds(advice: string, message: string): boolean {
  const phrase = /^("(?:[^"\\]|\\.)*")$|put it in quotes: ("(?:[^"\\]|\\.)*")$/.exec(advice);
  assert.ok(phrase, advice);
  return compileMatcher(parse(phrase[1] ?? phrase[2]!), { now })({ '@timestamp': '2026-12-07T11:00:00.000Z', 'event.id': 'e1', message });
}

test('a field no event has that reads as a trace\'s file and line: quoting it searches the text', () => {
  assert.equal(hint('Crash.java:7', 'Crash.java'), '"Crash.java:7"');
  assert.equal(hint('main.go:7 AND level:error', 'main.go'), '"main.go:7"');
  // Java's frame pasted whole: the file and line are the clause inside the parentheses.
  assert.equal(hint('at com.example.Foo.bar(Foo.java:42)', 'Foo.java'), '"Foo.java:42"');
  // A line number after a name with no extension (a Makefile, a script).
  assert.equal(hint('Makefile:12', 'Makefile'), '"Makefile:12"');
  // Prose with a colon (Go's panic line): the sentence up to an operator.
  assert.equal(hint('panic: runtime error', 'panic'), '"panic: runtime error"');
  assert.equal(hint('panic: runtime error AND host:web-1', 'panic'), '"panic: runtime error"');
  assert.ok(finds(hint('Crash.java:7', 'Crash.java')!, 'Exception in thread "main" java.lang.IllegalStateException\n\tat Crash.main(Crash.java:7)'));
  assert.ok(finds(hint('panic: runtime error', 'panic')!, 'panic: runtime error: index out of range [5] with length 3'));
  // A field name meant as one: none.
  for (const [q, f] of [['levle:error', 'levle'], ['"Crash.java":7', 'Crash.java'], ['user_id:abc', 'user_id'], ['hots:(web-1 web-2)', 'hots']] as const) {
    assert.equal(hint(q, f), null, q);
  }
});

test('main::price, main.rs:2:66, Crash.java:7:12: the syntax error says to quote the text, at the colon', () => {
  const cases: [string, number, string, string][] = [
    ['main::price', 5, '"main::price"', 'error in main::price: no such item'],
    ['main.rs:2:66', 9, '"main.rs:2:66"', "thread 'main' panicked at src/main.rs:2:66:"],
    ['Crash.java:7:12', 12, '"Crash.java:7:12"', 'at Crash.java:7:12'],
    // Rust's panic line pasted whole, and Node's ENOENT: the whole text is the phrase.
    ["thread 'main' panicked at src/main.rs:2:66:", 37, `"thread 'main' panicked at src/main.rs:2:66:"`, "thread 'main' panicked at src/main.rs:2:66:\nindex out of bounds"],
    ["Error: ENOENT: no such file or directory, open '/x'", 13, `"Error: ENOENT: no such file or directory, open '/x'"`, "Error: ENOENT: no such file or directory, open '/x'"],
    // Beside a field clause only the word is quoted.
    ['level:error main.rs:2:66', 21, '"main.rs:2:66"', 'main.rs:2:66'],
  ];
  for (const [q, offset, phrase, message] of cases) {
    assert.throws(() => parse(q), (err: unknown) => {
      assert.ok(err instanceof QuerySyntaxError, q);
      assert.equal(err.code, 'LS_QUERY_SYNTAX');
      assert.equal(err.offset, offset, q);
      assert.ok(err.message.includes(`to search text holding colons, put it in quotes: ${phrase}`), err.message);
      assert.ok(finds(err.message.replace(/ \(line \d+, column \d+\)$/, ''), message), `${phrase} finds ${JSON.stringify(message)}`);
      return true;
    });
  }
  // KQL's spaced colon keeps its own advice.
  assert.throws(() => parse('level : error'), /no space around ":" \(level:error\)/);
});
