/**
 * A duration the schema refuses says what a duration looks like, at every
 * duration key: `alerting.evaluation_interval: 1 minute` was told `must
 * match pattern "^[0-9]+(ms|[smhdwy])…$"`. The rule files and the checks
 * after the schema (`30s1m`) use the same words (rules/parse-duration.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadServerConfig } from './load-server-config.js';
import { ConfigMistakes } from '../errors/config-mistakes.js';
import type { LogshipError } from '../errors/define-error.js';
import { loadRuleFile } from '../rules/load-rule-file.js';
import { withFile } from '../testing/with-config-file.js';

const LOOKS_LIKE = 'is not a duration: a number and its unit with no space (ms, s, m, h, d, w, y), units largest first, each once: 30s, 1m, 1h30m, 500ms';

test('every alerting duration key refuses "1 minute" with what a duration looks like, at its line', () => {
  const yaml = [
    'alerting:',
    '  evaluation_interval: 1 minute',
    '  resend_delay: 2 hours',
    '  query_timeout: 30 sec',
    '  alertmanager: { url: "http://am:9093", timeout: 5 s }',
    '  webhooks:',
    '    - { url: "http://hook", timeout: 1 min, repeat_interval: 4 hours }',
    '  external_url: search.example.com',
    '',
  ].join('\n');
  withFile(yaml, (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), (err: LogshipError) => {
      assert.ok(err instanceof ConfigMistakes, err.message);
      const said = [err.first, ...err.more].map((e) => `${e.code} ${e.message.replaceAll(file, 'FILE')}`);
      // In the schema's order of keys.
      assert.deepEqual(said, [
        `LS_CONFIG_INVALID config value at "alerting.evaluation_interval" "1 minute" ${LOOKS_LIKE} (line 2, column 3 of FILE)`,
        `LS_CONFIG_INVALID config value at "alerting.resend_delay" "2 hours" ${LOOKS_LIKE} (line 3, column 3 of FILE)`,
        `LS_CONFIG_INVALID config value at "alerting.query_timeout" "30 sec" ${LOOKS_LIKE} (line 4, column 3 of FILE)`,
        'LS_CONFIG_INVALID config value at "alerting.external_url" "search.example.com" is not a URL: it starts with http:// or https:// (line 8, column 3 of FILE)',
        `LS_CONFIG_INVALID config value at "alerting.alertmanager.timeout" "5 s" ${LOOKS_LIKE} (line 5, column 42 of FILE)`,
        `LS_CONFIG_INVALID config value at "alerting.webhooks[0].timeout" "1 min" ${LOOKS_LIKE} (line 7, column 29 of FILE)`,
        `LS_CONFIG_INVALID config value at "alerting.webhooks[0].repeat_interval" "4 hours" ${LOOKS_LIKE} (line 7, column 45 of FILE)`,
      ]);
      return true;
    });
  });
});

test('a duration the pattern takes but the parser does not (30s1m), and a rule file\'s, are told in the same words', () => {
  withFile('alerting: { resend_delay: 30s1m }\n', (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), { code: 'LS_CONFIG_INVALID', message: new RegExp(`^config value at "alerting\\.resend_delay" "30s1m" ${LOOKS_LIKE.replace(/[()]/g, '\\$&')} \\(line 1, column 13 of `) });
  });
  const rules = 'groups:\n  - name: g\n    rules:\n      - { alert: A, query: "level:error", window: 5 minutes, above: 1 }\n';
  assert.throws(() => loadRuleFile('r.yaml', rules, { defaultInterval_ms: 60_000, savedQueries: {} }), (err: LogshipError) => {
    assert.equal(err.code, 'LS_RULES_INVALID');
    assert.ok(err.message.startsWith(`rule file r.yaml: value at "groups[0].rules[0].window" "5 minutes" ${LOOKS_LIKE}`), err.message);
    return true;
  });
});
