import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogshipError } from '../errors/define-error.js';
import { ConfigMistakes } from '../errors/config-mistakes.js';
import { loadRuleFile } from './load-rule-file.js';
import { loadRuleFiles } from './load-rule-files.js';

const opts = { defaultInterval_ms: 60_000, savedQueries: { payments: 'logger:payments' } };

function refused(text: string): LogshipError {
  try {
    loadRuleFile('r.yaml', text, opts);
  } catch (err) {
    assert.ok(err instanceof LogshipError, String(err));
    return err;
  }
  assert.fail('loaded');
}

const rule = (extra: string): string => `groups:\n  - name: g\n    rules:\n      - alert: A\n        query: 'level:error'\n${extra}`;

test('the format of the issue loads with its defaults and every key', () => {
  const [group] = loadRuleFile(
    'r.yaml',
    `groups:
  - name: django
    interval: 30s
    rules:
      - alert: HighErrorRate
        query: 'level:error'
        window: 5m
        aggregate: p95:request_time
        above: 50
        ratio_to: 'job:nginx'
        group_by: [host, event.dataset]
        for: 2m
        keep_firing_for: 1m30s
        labels: { severity: critical }
        annotations: { summary: '{{ $value }} errors on {{ $labels.host }}' }
        sample_lines: 3
      - { alert: PaymentFailures, query: '@payments AND level:error', below: 1 }
`,
    opts,
  );
  assert.equal(group?.interval_ms, 30_000);
  const [a, b] = group?.rules ?? [];
  assert.deepEqual(a?.aggregate, { kind: 'percentile', percent: 95, field: 'request_time' });
  assert.equal(a?.window_ms, 300_000);
  assert.equal(a?.for_ms, 120_000);
  assert.equal(a?.keep_firing_for_ms, 90_000);
  assert.equal(a?.ratioTo?.query, 'job:nginx');
  assert.deepEqual(a?.groupBy, ['host', 'event.dataset']);
  assert.equal(b?.window_ms, 300_000);
  assert.deepEqual(b?.aggregate, { kind: 'count' });
  assert.equal(b?.below, 1);
  assert.equal(b?.ast.type, 'and');
});

test('a misspelt key is refused with its path', () => {
  const err = refused(rule('        windw: 5m\n        above: 1\n'));
  assert.equal(err.code, 'LS_RULES_UNKNOWN_KEY');
  assert.match(err.message, /"groups\[0\]\.rules\[0\]\.windw"/);
  assert.equal(refused('groups:\n  - name: g\n    intervall: 1m\n    rules: []\n').code, 'LS_RULES_UNKNOWN_KEY');
});

test('a query that does not parse is refused with its path and caret', () => {
  const err = refused(rule('        above: 1\n        ratio_to: \'job:(nginx\'\n'));
  assert.equal(err.code, 'LS_RULES_BAD_QUERY');
  assert.match(err.message, /"groups\[0\]\.rules\[0\]\.ratio_to"/);
  assert.match(err.message, /\njob:\(nginx\n {10}\^$/);
  assert.match(refused(rule('        above: 1\n').replace("'level:error'", "'@nosuch'")).message, /@nosuch names no saved query/);
});

test('values of the wrong kind are refused with their path', () => {
  const cases: [string, RegExp][] = [
    ['        window: 5 minutes\n        above: 1\n', /rules\[0\]\.window" "5 minutes" is not a duration/],
    ['        above: 1\n        below: 2\n', /exactly one of "above" and "below"/],
    ['        window: 5m\n', /exactly one of "above" and "below"/],
    ['        above: 1\n        aggregate: median:x\n', /rules\[0\]\.aggregate" "median:x" is not/],
    ['        above: 1\n        aggregate: p100:x\n', /rules\[0\]\.aggregate"/],
    ['        above: 1\n        annotations: { summary: "{{ .Foo }}" }\n', /annotations\.summary" has \{\{ \.Foo \}\}/],
    ['        above: 1\n        labels: { "bad-name": x }\n', /labels\.bad-name" is not a Prometheus label name/],
    ['        above: 1\n        sample_lines: 500\n', /sample_lines" must be <= 20/],
    ['        above: "50"\n', /rules\[0\]\.above" must be a number, not "50"/],
    // Each of these made several series one label set: one alert, its value taking turns.
    ['        above: 1\n        group_by: [event.dataset, event_dataset]\n', /rules\[0\]\.group_by\[1\]" "event_dataset" becomes the label "event_dataset", as group_by\[0\] does/],
    ['        above: 1\n        group_by: [severity]\n        labels: { severity: page }\n', /rules\[0\]\.group_by\[0\]" "severity" becomes the label "severity", which the rule's labels set too/],
    ['        above: 1\n        group_by: [alertname]\n', /rules\[0\]\.group_by\[0\]" "alertname" becomes the label "alertname"/],
    ['        above: 1\n        group_by: [__name__]\n', /group_by\[0\]" "__name__" becomes the label "__name__": labels starting with __ are reserved/],
  ];
  for (const [extra, message] of cases) {
    const err = refused(rule(extra));
    assert.equal(err.code, 'LS_RULES_INVALID', extra);
    assert.match(err.message, message, extra);
  }
  assert.match(refused('groups:\n  - name: g\n    rules:\n      - { query: x, above: 1 }\n').message, /rules\[0\]\.alert" is required/);
  assert.match(refused('groups:\n  - { name: g, rules: [] }\n  - { name: g, rules: [] }\n').message, /groups\[1\]\.name" repeats the group name "g"/);
  assert.equal(refused('groups: [').code, 'LS_RULES_YAML_SYNTAX');
  assert.deepEqual(loadRuleFile('empty.yaml', '', opts), []);
});

test('rule_files globs: matched files in order, a missing plain path refused, an empty glob reported', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-rule-files-'));
  try {
    writeFileSync(join(dir, 'b.yaml'), 'groups:\n  - { name: b, rules: [] }\n');
    writeFileSync(join(dir, 'a.yaml'), 'groups:\n  - { name: a, rules: [] }\n');
    writeFileSync(join(dir, 'c.txt'), 'not rules');
    const loaded = loadRuleFiles([join(dir, '*.yaml'), join(dir, 'none-*.yml')], opts);
    assert.deepEqual(loaded.groups.map((g) => g.name), ['a', 'b']);
    assert.deepEqual(loaded.emptyGlobs, [join(dir, 'none-*.yml')]);
    assert.throws(() => loadRuleFiles([join(dir, 'missing.yaml')], opts), { code: 'LS_RULES_READ_FAILED' });
    writeFileSync(join(dir, 'dup.yaml'), 'groups:\n  - { name: a, rules: [] }\n');
    assert.throws(() => loadRuleFiles([join(dir, '*.yaml')], opts), /repeats the group name "a" of/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the example rule file of docs/ALERTING.md (the seeds\' alerts) loads', async () => {
  const { readFileSync } = await import('node:fs');
  const doc = readFileSync(new URL('../../../../docs/ALERTING.md', import.meta.url), 'utf8');
  const example = [...doc.matchAll(/```yaml\n(groups:\n[\s\S]*?)```/g)].map((m) => m[1] as string).find((t) => t.includes('query:'));
  assert.ok(example);
  const groups = loadRuleFile('ALERTING.md', example, { defaultInterval_ms: 60_000, savedQueries: {} });
  assert.deepEqual(
    groups.flatMap((g) => g.rules.map((r) => r.name)),
    ['HighErrorRate', 'PaymentFailures', 'DatabaseErrors', 'TooManyErrors', 'High5xxRatio', 'SlowRequests'],
  );
});

test('a Prometheus rule file: numbers and booleans in labels and annotations load as text, `expr` and `record` are refused saying what to write instead', () => {
  const [group] = loadRuleFile('r.yaml', rule('        above: 1\n        labels: { priority: 1, page: true, team: web }\n        annotations: { runbook: 3 }\n'), opts);
  assert.deepEqual(group?.rules[0]?.labels, { priority: '1', page: 'true', team: 'web' });
  assert.deepEqual(group?.rules[0]?.annotations, { runbook: '3' });
  const expr = refused('groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: rate(errors_total[5m]) > 1\n');
  assert.equal(expr.code, 'LS_RULES_UNKNOWN_KEY');
  assert.match(expr.message, /"groups\[0\]\.rules\[0\]\.expr": a rule here is `query` .* with `above` or `below`, not PromQL; .*log_metrics/);
  assert.match(refused('groups:\n  - name: g\n    rules:\n      - record: job:errors:rate5m\n        expr: x\n').message, /there are no recording rules; log_metrics/);
  assert.match(refused(rule('        above: 1\n        constructor: 1\n')).message, /unknown key "groups\[0\]\.rules\[0\]\.constructor" \(line 7, column 9\)$/);
});

test('every mistake of a rule file is reported at once, each with its path and code; a rule the schema refused is not checked further', () => {
  const text = `groups:
  - name: web
    rules:
      - { alert: BadQuery, query: 'level:(error', above: 1 }
      - { alert: BadWindow, query: 'level:error', window: 5 minutes, above: 1 }
      - { alert: Misspelt, query: 'level:error', windw: 5m, above: 1 }
      - { alert: Typed, query: 'level:(', window: 5, above: 1 }
      - { alert: BadFor, query: 'level:error', for: soon, above: 1, labels: { bad-name: x } }
  - name: web
    interval: 0s
    rules: []
`;
  const err = refused(text);
  assert.ok(err instanceof ConfigMistakes, err.message);
  const told = [err.first, ...err.more].map((m) => [m.code, m.message.split('\n')[0]!.replace(/^rule file r\.yaml: /, '')]);
  const expected: [string, RegExp][] = [
    // The schema's first, unknown keys leading; then each group and rule in turn.
    ['LS_RULES_UNKNOWN_KEY', /^unknown key "groups\[0\]\.rules\[2\]\.windw"; did you mean "window"\? \(line 6, column 50\)$/],
    ['LS_RULES_INVALID', /^value at "groups\[0\]\.rules\[3\]\.window" "5" is not a duration: .*30s, 1m, 1h30m, 500ms \(line 7, column 43\)$/],
    ['LS_RULES_BAD_QUERY', /^the query at "groups\[0\]\.rules\[0\]\.query" does not parse/],
    ['LS_RULES_INVALID', /^value at "groups\[0\]\.rules\[1\]\.window" "5 minutes" is not a duration/],
    ['LS_RULES_INVALID', /^value at "groups\[0\]\.rules\[4\]\.labels\.bad-name" is not a Prometheus label name/],
    ['LS_RULES_INVALID', /^value at "groups\[0\]\.rules\[4\]\.for" "soon" is not a duration/],
    ['LS_RULES_INVALID', /^value at "groups\[1\]\.name" repeats the group name "web" \(line 9, column 5\)$/],
    ['LS_RULES_INVALID', /^value at "groups\[1\]\.interval" must be at least 1s \(line 10, column 5\)$/],
  ];
  assert.equal(told.length, expected.length, told.map((t) => t.join(' ')).join('\n'));
  expected.forEach(([code, said], i) => {
    assert.equal(told[i]![0], code, told[i]![1]);
    assert.match(told[i]![1]!, said);
  });
  // rules[3]'s query does not parse either, but a rule of the wrong shape is left out of the later checks: one line for it.
  assert.ok(!told.some(([, m]) => m!.includes('rules[3].query')));
  assert.equal(err.code, 'LS_RULES_UNKNOWN_KEY');
});

test('rule_files: every file\'s mistakes at once, a missing path and a group name two files share among them', () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-rule-files-'));
  try {
    writeFileSync(join(dir, 'a.yaml'), 'groups:\n  - { name: a, rules: [] }\n');
    writeFileSync(join(dir, 'b.yaml'), "groups:\n  - name: b\n    rules:\n      - { alert: B, query: 'level:(', above: 1 }\n");
    writeFileSync(join(dir, 'c.yaml'), 'groups:\n  - { name: a, rules: [] }\n');
    let err: unknown;
    try {
      loadRuleFiles([join(dir, 'missing.yaml'), join(dir, '*.yaml')], opts);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ConfigMistakes, String(err));
    const told = [err.first, ...err.more].map((m) => `${m.code} ${m.message}`);
    assert.equal(told.length, 3, told.join('\n'));
    assert.match(told[0]!, /^LS_RULES_READ_FAILED cannot read rule file .*missing\.yaml/);
    assert.match(told[1]!, /^LS_RULES_BAD_QUERY rule file .*b\.yaml: the query at "groups\[0\]\.rules\[0\]\.query"/);
    assert.match(told[2]!, /^LS_RULES_INVALID rule file .*c\.yaml: value at "groups\[0\]\.name" repeats the group name "a" of .*a\.yaml/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
