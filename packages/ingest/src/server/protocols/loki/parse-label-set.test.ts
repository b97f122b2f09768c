import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLabelSet } from './parse-label-set.js';

test('plain label sets, as Promtail writes them', () => {
  assert.deepEqual(parseLabelSet('{job="varlogs", filename="/var/log/syslog"}'), { job: 'varlogs', filename: '/var/log/syslog' });
  assert.deepEqual(parseLabelSet('{}'), {});
  assert.deepEqual(parseLabelSet('{app="café"}'), { app: 'café' });
});

// Promtail and Alloy quote values with Go's strconv.Quote; these are its outputs
// (Go: fmt.Println(strconv.Quote(v))). A label it could not read cost the whole push a 400.
test("every escape Go's strconv.Quote writes is read", () => {
  const cases: [string, string][] = [
    ['"line\\r\\nend"', 'line\r\nend'],
    ['"bell\\a back\\b ff\\f vt\\v tab\\t"', 'bell\x07 back\b ff\f vt\v tab\t'],
    ['"ctl\\x01\\x1b[0m"', 'ctl\x01\x1b[0m'],
    ['"del\\x7f"', 'del\x7f'],
    ['"zero\\u200bwidth"', 'zero\u200bwidth'],
    ['"bom\\ufeff"', 'bom\ufeff'],
    ['"tag\\U000e0041"', 'tag\u{e0041}'],
    ['"quote\\" and \\\\ back"', 'quote" and \\ back'],
    // A byte that is not UTF-8 (a file name in Latin-1): read as U+FFFD, as the line's bytes would be.
    ['"/var/log/caf\\xe9.log"', '/var/log/caf\ufffd.log'],
    // Bytes of one UTF-8 character written as escapes (strconv.Quote does not, but Go reads them so).
    ['"\\xc3\\xa9\\303\\251"', 'éé'],
  ];
  for (const [quoted, value] of cases) assert.deepEqual(parseLabelSet(`{filename=${quoted}}`), { filename: value }, quoted);
});

test('what Go could not unquote is still refused with a coded error', () => {
  for (const text of ['{a="\\q"}', '{a="\\x4"}', '{a="\\ud800"}', '{a="\\U00110000"}', '{a="\\u12"}', '{a="open}']) {
    assert.throws(() => parseLabelSet(text), (err: unknown) => (err as { code?: string }).code === 'LS_INGEST_BAD_PAYLOAD', text);
  }
});

// Loki's distributor refuses such a stream (validation.DuplicateLabelNames; Prometheus'
// label parser for names): read, a name given twice kept its last value.
test('a name given twice is LS_INGEST_LOKI_DUPLICATE_LABEL, in Loki\'s words', () => {
  assert.throws(
    () => parseLabelSet('{job="a", host="h", job="b"}'),
    (err: unknown) => (err as { code?: string }).code === 'LS_INGEST_LOKI_DUPLICATE_LABEL' && /stream '\{job="a", host="h", job="b"\}' has duplicate label name: 'job'/.test((err as Error).message),
  );
});

test('names: Loki\'s, and . and : after the first character, and a leading @; others are LS_INGEST_LOKI_BAD_LABEL_NAME', () => {
  assert.deepEqual(parseLabelSet('{_a1="x", service.name="s", k8s:pod="p", @zone="z"}'), { _a1: 'x', 'service.name': 's', 'k8s:pod': 'p', '@zone': 'z' });
  for (const text of ['{1abc="x"}', '{.a="x"}', '{:a="x"}', '{a@b="x"}', '{@="x"}', '{@@a="x"}']) {
    assert.throws(() => parseLabelSet(text), (err: unknown) => (err as { code?: string }).code === 'LS_INGEST_LOKI_BAD_LABEL_NAME', text);
  }
});
