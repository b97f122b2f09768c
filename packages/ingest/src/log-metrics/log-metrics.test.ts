import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import type { LogEvent } from '@logship/query';
import { buildLogMetricsConfig } from './log-metrics-config.js';
import { createLogMetrics } from './log-metrics.js';

function event(fields: Record<string, string | number>): LogEvent {
  return { '@timestamp': new Date().toISOString(), 'event.id': String(Math.random()), ...fields } as LogEvent;
}

test('matching events counted by label; past max_series they count in one `other` series', async () => {
  const registry = new Registry();
  const m = createLogMetrics(
    buildLogMetricsConfig([
      { name: 'log_errors_total', query: '@errors', labels: ['host', 'event.dataset'], max_series: 2 },
      { name: 'req_seconds', query: 'job:nginx', histogram: { field: 'request_time', buckets: [0.5, 1] } },
    ]),
    {},
    registry,
  );
  m.observe([
    event({ level: 'error', host: 'a', 'event.dataset': 'x' }),
    event({ level: 'critical', host: 'a', 'event.dataset': 'x' }),
    event({ level: 'info', host: 'a' }),
    event({ level: 'error', host: 'b' }),
    event({ level: 'error', host: 'c' }),
    event({ level: 'error', host: 'd' }),
    event({ job: 'nginx', request_time: '0.7' }),
    event({ job: 'nginx', request_time: 0.2 }),
    event({ job: 'nginx', request_time: 'n/a' }),
  ]);
  // New series are read at 0 by a first scrape (see the next test), counted from the second.
  await registry.metrics();
  const text = await registry.metrics();
  assert.match(text, /^log_errors_total\{host="a",event_dataset="x"\} 2$/m);
  assert.match(text, /^log_errors_total\{host="b",event_dataset=""\} 1$/m);
  assert.match(text, /^log_errors_total\{host="other",event_dataset="other"\} 2$/m);
  assert.doesNotMatch(text, /host="c"/);
  // Numbers only: the string "0.7" is not observed, as stats, percentiles and request_time:>0.5 do not take it.
  assert.match(text, /^req_seconds_bucket\{le="0.5"\} 1$/m);
  assert.match(text, /^req_seconds_bucket\{le="1"\} 1$/m);
  assert.match(text, /^req_seconds_count 1$/m);
});

test('a new label combination is scraped at 0 once, then with its events, so increase() counts them; known series count at once', async () => {
  const registry = new Registry();
  const m = createLogMetrics(
    buildLogMetricsConfig([
      { name: 'log_errors_total', query: '@errors', labels: ['host'] },
      { name: 'all_errors_total', query: '@errors' },
      { name: 'req_seconds', query: 'job:nginx', histogram: { field: 'request_time', buckets: [1] }, labels: ['host'] },
    ]),
    {},
    registry,
  );
  m.observe(Array.from({ length: 60 }, () => event({ level: 'error', host: 'fresh-1' })));
  m.observe([event({ job: 'nginx', host: 'fresh-1', request_time: 0.5 })]);
  let text = await registry.metrics();
  assert.match(text, /^log_errors_total\{host="fresh-1"\} 0$/m);
  assert.match(text, /^req_seconds_count\{host="fresh-1"\} 0$/m);
  // Without labels the counter is exported from the start: no need to hold anything.
  assert.match(text, /^all_errors_total 60$/m);
  m.observe([event({ level: 'error', host: 'fresh-1' })]);
  text = await registry.metrics();
  assert.match(text, /^log_errors_total\{host="fresh-1"\} 61$/m);
  assert.match(text, /^req_seconds_bucket\{le="1",host="fresh-1"\} 1$/m);
  m.observe([event({ level: 'error', host: 'fresh-1' })]);
  assert.match(await registry.metrics(), /^log_errors_total\{host="fresh-1"\} 62$/m);
});
