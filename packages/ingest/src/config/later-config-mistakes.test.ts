/**
 * The config checks after the schema name every mistake once: each query,
 * log metric and alerting duration on its own, and a saved query's mistake
 * not again at the queries written out with it (load-server-config.ts,
 * MistakeList).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadServerConfig } from './load-server-config.js';
import { ConfigMistakes } from '../errors/config-mistakes.js';
import { withFile } from '../testing/with-config-file.js';

/** The first line of each mistake loading `lines` as a config reports together (it must report them as ConfigMistakes). */
function mistakesOf(lines: string[]): string[] {
  let said: string[] = [];
  withFile(lines.join('\n'), (file) => {
    assert.throws(() => loadServerConfig({ config: file }, {}), (err: Error) => {
      assert.ok(err instanceof ConfigMistakes, err.message);
      said = [err.first, ...err.more].map((e) => e.message.split('\n')[0]!);
      return true;
    });
  });
  return said;
}

test('a saved query that fails is told once, at its key, not again at each query written out with it', () => {
  const said = mistakesOf([
    "saved_queries: { errs: 'level:(error', ok: 'level:warn' }",
    "retention: { classes: [ { name: e, match: '@errs', days: 90 }, { name: w, match: '@ok AND level:(', days: 9 } ] }",
    "ingest: { drop: ['@errs OR host:x'] }",
    "log_metrics: [ { name: errs_total, query: '@errs' } ]",
    '',
  ]);
  // The saved query's own mistake, and the class's own (which refers to a sound one); nothing of @errs again.
  assert.equal(said.length, 2, said.join('\n'));
  assert.match(said[0]!, /^config value at "saved_queries\.errs" does not parse/);
  assert.match(said[1]!, /^config value at "retention\.classes\[1\]\.match" does not parse/);
});

test('every retention class and ingest.drop query is checked, not only those before the first unknown @name', () => {
  const said = mistakesOf([
    "retention: { classes: [ { name: a, match: '@nope', days: 9 }, { name: b, match: 'level:(', days: 9 }, { name: c, match: '@nada', days: 9 } ] }",
    "ingest: { drop: ['@zilch', 'status:>>5'] }",
    '',
  ]);
  said.sort();
  assert.equal(said.length, 5, said.join('\n'));
  assert.match(said[0]!, /^config value at "ingest\.drop\[0\]" refers to @zilch, which names no saved query/);
  assert.match(said[1]!, /^config value at "ingest\.drop\[1\]" does not parse/);
  assert.match(said[2]!, /^config value at "retention\.classes\[0\]\.match" refers to @nope/);
  assert.match(said[3]!, /^config value at "retention\.classes\[1\]\.match" does not parse/);
  assert.match(said[4]!, /^config value at "retention\.classes\[2\]\.match" refers to @nada/);
});

test('every log metric and alerting duration is checked, not only up to the first mistake', () => {
  const said = mistakesOf([
    "alerting: { resend_delay: '30s1m', query_timeout: '0s' }",
    "log_metrics: [ { name: a_total, query: 'level:(' }, { name: b_total, query: 'host:(' }, { name: a_total, query: '*' } ]",
    '',
  ]);
  assert.deepEqual(said.map((m) => /^config value at "([^"]+)"/.exec(m)?.[1]), [
    'alerting.resend_delay', 'alerting.query_timeout', 'log_metrics[0].query', 'log_metrics[1].query', 'log_metrics[2].name',
  ], said.join('\n'));
});
