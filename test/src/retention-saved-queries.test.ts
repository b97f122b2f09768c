/**
 * Retention classes may name saved queries (`match: '@errors'`), as rule
 * files and log metrics may: a real server keeps a 40-day-old error for the
 * class's 90 days. The match was once parsed as it stood, `@errors` matched
 * nothing, and the error fell to the default class's 30 days: refused on
 * arrival as expired.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { ingest, startServer, stopAll } from './harness.js';

after(stopAll);

test('a retention class whose match is a saved query keeps its events for its own days', async () => {
  const server = await startServer({
    configYaml: [
      'saved_queries:',
      "  deploys: 'logger:deploy'",
      'retention:',
      '  default_days: 30',
      '  classes:',
      "    - { name: errs, match: '@errors', days: 90 }",
      "    - { name: deploys, match: '@deploys AND level:info', days: 365 }",
      '',
    ].join('\n'),
  });
  const day = 86_400_000;
  const at = (days: number) => new Date(Date.now() - days * day).toISOString();
  const answer = await ingest(server.url, [
    JSON.stringify({ '@timestamp': at(40), level: 'error', message: 'old error' }),
    JSON.stringify({ '@timestamp': at(200), level: 'info', logger: 'deploy', message: 'old deploy' }),
    JSON.stringify({ '@timestamp': at(40), level: 'info', message: 'old info' }),
  ]);
  assert.deepEqual([answer.stored, answer.expired], [2, 1]);
  const report = (await (await fetch(`${server.url}/api/v1/retention`)).json()) as { classes: { name: string; events: number; match: string }[] };
  const events = Object.fromEntries(report.classes.map((c) => [c.name, c.events]));
  assert.deepEqual(events, { errs: 1, deploys: 1, default: 0 });
});
