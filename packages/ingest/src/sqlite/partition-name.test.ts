import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dayEndMs, dayStartMs, parsePartitionFileName, partitionFileName, utcDay } from './partition-name.js';

test('partition file names round-trip', () => {
  const key = { day: '2026-11-23', className: 'errors' };
  assert.equal(partitionFileName(key), '2026-11-23.errors.db');
  assert.deepEqual(parsePartitionFileName('2026-11-23.errors.db'), key);
});

test('WAL side files and impossible dates are not partitions', () => {
  assert.equal(parsePartitionFileName('2026-11-23.errors.db-wal'), null);
  assert.equal(parsePartitionFileName('2026-02-30.default.db'), null);
  // Dates Date.parse refuses: a stray file so named stopped `logship serve` at start ("Invalid time value").
  for (const name of ['2026-13-45.default.db', '2026-02-32.default.db', '0000-00-00.errors.db']) assert.equal(parsePartitionFileName(name), null, name);
  assert.equal(parsePartitionFileName('2026-11-23.bad.class.db'), null);
});

test('a day spans exactly its UTC milliseconds', () => {
  const start = dayStartMs('2026-11-23');
  assert.equal(utcDay(start), '2026-11-23');
  assert.equal(utcDay(dayEndMs('2026-11-23')), '2026-11-23');
  assert.equal(utcDay(dayEndMs('2026-11-23') + 1), '2026-11-24');
  assert.equal(utcDay(start - 1), '2026-11-22');
});
