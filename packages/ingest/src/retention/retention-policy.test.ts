import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMatcher, parse, type LogEvent } from '@logship/query';
import { DAY_MS, DEFAULT_RETENTION } from './retention-config.js';
import { createRetentionPolicy } from './retention-policy.js';

const policy = createRetentionPolicy(DEFAULT_RETENTION, (query) => compileMatcher(parse(query), { now: 0 }));
const ev = (level?: string): LogEvent => ({ '@timestamp': '2026-11-23T00:00:00.000Z', 'event.id': 'x', ...(level ? { level } : {}) });

test('the first matching class wins; unmatched events are default', () => {
  assert.deepEqual(
    ['error', 'critical', 'alert', 'emergency', 'debug', 'trace', 'info', 'warning', undefined].map((l) => policy.classify(ev(l))),
    ['errors', 'errors', 'errors', 'errors', 'debug', 'debug', 'default', 'default', 'default'],
  );
  assert.deepEqual(policy.classNames, ['errors', 'debug', 'default']);
});

test('cutoffs follow each class age; unknown classes fall back to the default age', () => {
  const now = Date.parse('2026-11-23T12:00:00.000Z');
  assert.equal(policy.cutoff('errors', now), now - 90 * DAY_MS);
  assert.equal(policy.cutoff('debug', now), now - 7 * DAY_MS);
  assert.equal(policy.cutoff('default', now), now - 30 * DAY_MS);
  assert.equal(policy.daysOf('removed-class'), 30);
});
