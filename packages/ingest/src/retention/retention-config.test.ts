import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isStoreError } from '../store/store-error.js';
import { DEFAULT_RETENTION, validateRetentionConfig } from './retention-config.js';

const rejects = (input: unknown, pattern: RegExp): void => {
  assert.throws(
    () => validateRetentionConfig(input),
    (err) => isStoreError(err, 'LS_STORE_RETENTION_CONFIG') && pattern.test(err.message),
  );
};

test('absent retention means the DESIGN.md defaults', () => {
  assert.equal(validateRetentionConfig(undefined), DEFAULT_RETENTION);
  assert.equal(DEFAULT_RETENTION.default_days, 30);
  assert.deepEqual(
    DEFAULT_RETENTION.classes.map((c) => [c.name, c.days]),
    [
      ['errors', 90],
      ['debug', 7],
    ],
  );
});

test('partial config keeps defaults for the keys it omits', () => {
  const cfg = validateRetentionConfig({ default_days: 14 });
  assert.equal(cfg.default_days, 14);
  assert.equal(cfg.classes, DEFAULT_RETENTION.classes);
  assert.equal(cfg.check_interval_s, 600);
  assert.ok(Object.isFrozen(cfg));
});

test('custom classes replace the default ones', () => {
  const cfg = validateRetentionConfig({ classes: [{ name: 'audit', match: 'logger:audit', days: 365 }] });
  assert.deepEqual(cfg.classes, [{ name: 'audit', match: 'logger:audit', days: 365 }]);
});

test('unknown keys, bad days, bad names and duplicate names are rejected with their path', () => {
  rejects({ default_dayz: 3 }, /unknown key retention\.default_dayz; did you mean "default_days"\?/);
  rejects({ default_days: 0 }, /default_days/);
  rejects({ default_days: '30' }, /default_days/);
  rejects({ classes: {} }, /classes must be a list/);
  rejects({ classes: [{ name: 'a b', match: 'x', days: 1 }] }, /classes\[0\]\.name/);
  rejects({ classes: [{ name: 'x', match: 'x', days: 1, extra: 1 }] }, /classes\[0\]\.extra/);
  rejects({ classes: [{ name: 'x', mach: 'x', days: 1 }] }, /unknown key retention\.classes\[0\]\.mach; did you mean "match"\?/);
  rejects({ classes: [{ name: 'x', match: '', days: 1 }] }, /classes\[0\]\.match/);
  rejects({ classes: [{ name: 'x', match: 'a', days: 1 }, { name: 'x', match: 'b', days: 2 }] }, /classes\[1\]\.name "x"/);
  rejects({ classes: [{ name: 'default', match: 'a', days: 1 }] }, /reserved/);
  rejects([], /must be an object/);
});

test('check_interval_s is refused in seconds, not days', () => {
  rejects({ check_interval_s: 0 }, /retention\.check_interval_s must be a positive number of seconds, written without a unit \(600\), not 0/);
  rejects({ default_days: -1 }, /retention\.default_days must be a positive number of days, written without a unit \(14\), not -1/);
});
