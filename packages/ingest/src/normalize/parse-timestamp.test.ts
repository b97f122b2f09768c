import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseTimestamp } from './parse-timestamp.js';

const iso = (v: Parameters<typeof parseTimestamp>[0]) => {
  const ms = parseTimestamp(v);
  return ms === undefined ? undefined : new Date(ms).toISOString();
};

test('ISO 8601 with zone, offset, fraction digits', () => {
  assert.equal(iso('2026-02-08T12:00:00Z'), '2026-02-08T12:00:00.000Z');
  assert.equal(iso('2026-02-08T12:00:00.123456789Z'), '2026-02-08T12:00:00.123Z');
  assert.equal(iso('2026-02-08T14:00:00+02:00'), '2026-02-08T12:00:00.000Z');
  assert.equal(iso('2026-02-08T14:00:00+0200'), '2026-02-08T12:00:00.000Z');
  assert.equal(iso('2026-02-08 12:00:00,5'), '2026-02-08T12:00:00.500Z');
});

test('epoch numbers by magnitude: s, ms, µs, ns, numeric strings', () => {
  assert.equal(iso(1770552000), '2026-02-08T12:00:00.000Z');
  assert.equal(iso(1770552000.25), '2026-02-08T12:00:00.250Z');
  assert.equal(iso(1770552000123), '2026-02-08T12:00:00.123Z');
  assert.equal(iso(1770552000123456), '2026-02-08T12:00:00.123Z');
  assert.equal(iso('1770552000123456789'), '2026-02-08T12:00:00.123Z');
});

test('nginx time_local and RFC 2822', () => {
  assert.equal(iso('08/Feb/2026:13:00:00 +0100'), '2026-02-08T12:00:00.000Z');
  assert.equal(iso('Sun, 08 Feb 2026 12:00:00 GMT'), '2026-02-08T12:00:00.000Z');
});

test('garbage is not a time', () => {
  for (const v of ['yesterday', '1', '', 'v1.2', true, null, -5, '2026-13-45T99:99:99Z']) {
    assert.equal(parseTimestamp(v as never), undefined, String(v));
  }
});
