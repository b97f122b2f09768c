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
  assert.match(reason('{job="django", level!="debug"} |= "x"'), /; a LogQL \(Loki\) query is written here as: job:"django" AND -level:"debug" AND "x"$/);
  assert.match(reason('{app=~"api.*"}'), /here as: app:\/api\.\*\/$/);
});

/** The query a syntax error's LogQL hint says to write. */
function logqlHint(q: string): string {
  const m = /a LogQL \(Loki\) query is written here as: (.*?)(?: \(no \| |$| \(\| )/.exec(reason(q));
  assert.ok(m, `${q}: ${reason(q)}`);
  return m[1]!;
}

for (const [q, want] of [
  ['{app="x"} |= "error" | json', 'app:"x" AND "error"'],
  ['{app="api", env!="dev"} |= "timeout" != "debug" | json | status >= 500', 'app:"api" AND -env:"dev" AND "timeout" AND -"debug" AND status:>=500'],
  ['{app="x"} |~ "time.?out" | logfmt | level="error"', 'app:"x" AND /time.?out/ AND level:"error"'],
  ['{app="x"} !~ "health" | level != "debug" | status >= 500 and method="GET"', 'app:"x" AND -/health/ AND -level:"debug" AND status:>=500 AND method:"GET"'],
  ['{app="x"} |= `C:\\dir`', 'app:"x" AND "C:\\\\dir"'],
] as const) {
  test(`${q} (a LogQL pipeline) says the whole query here, which parses`, () => {
    assert.equal(logqlHint(q), want);
    assert.doesNotThrow(() => parse(want));
  });
}

test('LogQL stages with no equivalent, parsers and metric queries are named', () => {
  assert.match(reason('{app="x"} |= "error" | json'), /\(no \| json needed: ingest already made fields of JSON and logfmt lines\)$/);
  assert.match(reason('{app="x"} | line_format "{{.msg}}"'), /\| line_format "\{\{\.msg\}\}" has no equivalent here and was left out\)$/);
  assert.match(reason('sum by (level) (count_over_time({app="x"} |= "err" [5m]))'), /a LogQL metric query has no form here: count the events with logship count 'app:"x" AND "err"'/);
});

test('error | stats count() and other LogsQL pipes name what does it here', () => {
  assert.match(reason('error | stats count()'), /"\| stats" is a LogsQL pipe, and a query here only filters: count with `logship count QUERY`/);
  assert.match(reason('level:error | sort by (_time) | limit 10'), /"\| sort" is a LogsQL pipe.*--sort asc/);
  assert.match(reason('error | limit 10'), /--limit N/);
  assert.match(reason('level:error | json'), /drop "\| json": ingest already made fields/);
  assert.doesNotMatch(reason('a | b'), /LogsQL|LogQL/);
});

test('other syntax errors are said as before', () => {
  assert.equal(reason('level:'), 'expected "(", comparison, phrase or term but end of query found');
  assert.equal(reason('a AND ('), 'expected "(", NOT, comparison, phrase or term but end of query found');
});

test('level:=error, ~"time.*out", path:~"^/api", status:!=200 — LogsQL operators said as written here', () => {
  assert.match(reason('level:=error'), /; ":=" is LogsQL's exact match; here level:error is already exact/);
  assert.match(reason('level:="error"'), /here level:"error" is already exact/);
  assert.match(reason('~"time.*out"'), /; ~ is LogsQL's regular expression; here it is written between slashes and matches the whole value: message:\/\.\*time\.\*out\.\*\/$/);
  assert.match(reason('path:~"^/api/v1"'), /: path:\/\\\/api\\\/v1\.\*\/$/);
  assert.match(reason('path:~"html$"'), /: path:\/\.\*html\/$/);
  assert.match(reason('status:!=200 AND level:error'), /; a field is negated before it here: NOT status:200 \(or -status:…\)$/);
  // What the hint writes parses.
  for (const q of ['level:error', 'message:/.*time.*out.*/', 'path:/\\/api\\/v1.*/', 'path:/.*html/', 'NOT status:200']) assert.doesNotThrow(() => parse(q), q);
});
