/**
 * A value the checks after the schema refuse names its key's line and
 * column, as an unknown key does (docs/SERVER.md), says its mistake once
 * in plain words, and is the config's LS_CONFIG_INVALID: a retention age
 * was a 500 store error blaming the whole `retention` section ("config value
 * at "retention" is invalid: The retention configuration is invalid:
 * retention.default_days must be …"), and a time zone, a class name or a
 * query that does not parse named no line of the file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadServerConfig } from './load-server-config.js';
import { ConfigMistakes } from '../errors/config-mistakes.js';
import type { LogshipError } from '../errors/define-error.js';
import { withFile } from '../testing/with-config-file.js';

/** Every mistake loading `yaml` reports, each as [code, message]. */
function mistakesOf(yaml: string): { code: string; message: string }[] {
  let said: { code: string; message: string }[] = [];
  withFile(yaml, (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), (err: LogshipError) => {
      const all = err instanceof ConfigMistakes ? [err.first, ...err.more] : [err];
      said = all.map((e) => ({ code: e.code, message: e.message.replaceAll(file, 'FILE') }));
      return true;
    });
  });
  return said;
}

function refused(yaml: string, expected: RegExp[]): void {
  const said = mistakesOf(yaml);
  assert.equal(said.length, expected.length, said.map((s) => s.message).join('\n'));
  said.forEach((s, i) => {
    assert.equal(s.code, 'LS_CONFIG_INVALID', s.message);
    assert.match(s.message, expected[i]!);
    // Said once: no section-wide prefix before the key's own words.
    assert.doesNotMatch(s.message, /is invalid: |retention configuration is invalid/, s.message);
  });
}

test('retention ages and the check interval: each at its own key and line, said once', () => {
  refused('listen: 127.0.0.1:7700\nretention:\n  default_days: -3\n  check_interval_s: 0\n', [
    /^config value at "retention\.default_days" must be a positive number of days, written without a unit \(14\), not -3 \(line 3, column 3 of FILE\)$/,
    /^config value at "retention\.check_interval_s" must be a positive number of seconds, written without a unit \(600\), not 0 \(line 4, column 3 of FILE\)$/,
  ]);
  refused('retention: { default_days: thirty }\n', [/^config value at "retention\.default_days" must be a positive number of days.*not "thirty" \(line 1, column 14 of FILE\)$/]);
  refused('retention:\n  default_days: 14d\n', [/^config value at "retention\.default_days" .*not "14d" \(line 2, column 3 of FILE\)$/]);
});

test('retention classes: days 0, a name used twice and the reserved name, each at its line', () => {
  refused(
    [
      'retention:',
      '  classes:',
      '    - { name: audit, match: "logger:audit", days: 0 }',
      '    - name: errors',
      '      match: "level:error"',
      '      days: 90',
      '    - name: errors',
      '      match: "level:critical"',
      '      days: 9',
      '    - { name: default, match: "*", days: 9 }',
      '',
    ].join('\n'),
    [
      /^config value at "retention\.classes\[0\]\.days" must be a positive number of days.*not 0 \(line 3, column 45 of FILE\)$/,
      /^config value at "retention\.classes\[2\]\.name" "errors" repeats the name of retention\.classes\[1\]\.name: each class needs its own \(line 7, column 7 of FILE\)$/,
      /^config value at "retention\.classes\[3\]\.name" "default" is reserved: .* \(line 10, column 9 of FILE\)$/,
    ],
  );
});

test('a class whose days are refused still has its match checked: every mistake at once', () => {
  refused('retention:\n  classes:\n    - { name: audit, match: "logger:(", days: 0 }\n', [
    /^config value at "retention\.classes\[0\]\.days" .*not 0 \(line 3, column 41 of FILE\)$/,
    /^config value at "retention\.classes\[0\]\.match" does not parse: .* \(line 3, column 22 of FILE\)\nlogger:\(\n {8}\^$/,
  ]);
});

test('a time zone that does not exist names its line', () => {
  refused('ingest:\n  default_timezone: Mars/Olympus\n', [
    /^config value at "ingest\.default_timezone" "Mars\/Olympus" is not an IANA time zone name \(e\.g\. UTC, Europe\/Paris\) \(line 2, column 3 of FILE\)$/,
  ]);
});

test('a query that does not parse names its line on its first line, the caret under the query after it', () => {
  const said = mistakesOf("saved_queries:\n  ok: 'level:warn'\n  bad: 'level:('\nretention:\n  classes:\n    - { name: x, match: 'host:(', days: 3 }\n");
  assert.deepEqual(said.map((s) => s.code), ['LS_CONFIG_INVALID', 'LS_CONFIG_INVALID']);
  const [saved, match] = said.map((s) => s.message.split('\n'));
  assert.match(saved![0]!, /^config value at "saved_queries\.bad" does not parse: .* \(column 8 of the query\) \(LS_QUERY_SYNTAX\) \(line 3, column 3 of FILE\)$/);
  assert.equal(saved![1], 'level:(');
  assert.match(saved![2]!, /^ {7}\^$/);
  assert.match(match![0]!, /^config value at "retention\.classes\[0\]\.match" does not parse: .* \(column 7 of the query\) \(LS_QUERY_SYNTAX\) \(line 6, column 18 of FILE\)$/);
  assert.equal(match![1], 'host:(');
});

test('a saved query whose name is not a plain word is found by its quoted name', () => {
  refused("saved_queries:\n  'my query': 'level:error'\n", [/^config value at "saved_queries\["my query"\]" cannot be referred to as @name.* \(line 2, column 3 of FILE\)$/]);
});
