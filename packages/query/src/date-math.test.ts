import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveDate } from './date-math.js';
import { QueryError } from './errors.js';

// Wednesday 2026-02-11 15:34:56.789 UTC.
const now = Date.parse('2026-02-11T15:34:56.789Z');
const iso = (t: number) => new Date(t).toISOString();
const down = (v: string, timeZone?: string) => iso(resolveDate(v, { now, roundUp: false, ...(timeZone ? { timeZone } : {}) }));
const up = (v: string, timeZone?: string) => iso(resolveDate(v, { now, roundUp: true, ...(timeZone ? { timeZone } : {}) }));

const cases: Array<[string, string, string]> = [
  // value, rounded down (>=, <), rounded up (>, <=)
  ['now', '2026-02-11T15:34:56.789Z', '2026-02-11T15:34:56.789Z'],
  ['now-1h', '2026-02-11T14:34:56.789Z', '2026-02-11T14:34:56.789Z'],
  ['now+15m', '2026-02-11T15:49:56.789Z', '2026-02-11T15:49:56.789Z'],
  ['now-30s', '2026-02-11T15:34:26.789Z', '2026-02-11T15:34:26.789Z'],
  ['now-2H', '2026-02-11T13:34:56.789Z', '2026-02-11T13:34:56.789Z'],
  ['now/d', '2026-02-11T00:00:00.000Z', '2026-02-11T23:59:59.999Z'],
  ['now-1d/d', '2026-02-10T00:00:00.000Z', '2026-02-10T23:59:59.999Z'],
  ['now/h', '2026-02-11T15:00:00.000Z', '2026-02-11T15:59:59.999Z'],
  ['now/m', '2026-02-11T15:34:00.000Z', '2026-02-11T15:34:59.999Z'],
  ['now/s', '2026-02-11T15:34:56.000Z', '2026-02-11T15:34:56.999Z'],
  ['now/w', '2026-02-09T00:00:00.000Z', '2026-02-15T23:59:59.999Z'],
  ['now/M', '2026-02-01T00:00:00.000Z', '2026-02-28T23:59:59.999Z'],
  ['now/y', '2026-01-01T00:00:00.000Z', '2026-12-31T23:59:59.999Z'],
  ['now-1M/M', '2026-01-01T00:00:00.000Z', '2026-01-31T23:59:59.999Z'],
  ['now+1w', '2026-02-18T15:34:56.789Z', '2026-02-18T15:34:56.789Z'],
  ['now-1y', '2025-02-11T15:34:56.789Z', '2025-02-11T15:34:56.789Z'],
  ['now-d', '2026-02-10T15:34:56.789Z', '2026-02-10T15:34:56.789Z'],
  ['now/d+1h', '2026-02-11T01:00:00.000Z', '2026-02-12T00:59:59.999Z'],
  ['2026-02-08||+1d/d', '2026-02-09T00:00:00.000Z', '2026-02-09T23:59:59.999Z'],
  // an anchor before || is never filled (Elasticsearch), only rounded by /unit
  ['2026-02-08||+1d', '2026-02-09T00:00:00.000Z', '2026-02-09T00:00:00.000Z'],
  ['2026-01-31||+1M', '2026-02-28T00:00:00.000Z', '2026-02-28T00:00:00.000Z'],
  ['2024-02-29||+1y', '2025-02-28T00:00:00.000Z', '2025-02-28T00:00:00.000Z'],
  // plain dates missing smaller fields are filled with the maximum when rounding up
  ['2026-02-08', '2026-02-08T00:00:00.000Z', '2026-02-08T23:59:59.999Z'],
  ['2026-02', '2026-02-01T00:00:00.000Z', '2026-02-28T23:59:59.999Z'],
  ['2026', '2026-01-01T00:00:00.000Z', '2026-12-31T23:59:59.999Z'],
  ['2026-02-08T12', '2026-02-08T12:00:00.000Z', '2026-02-08T12:59:59.999Z'],
  ['2026-02-08T12:30', '2026-02-08T12:30:00.000Z', '2026-02-08T12:30:59.999Z'],
  ['2026-02-08T12:00:00Z', '2026-02-08T12:00:00.000Z', '2026-02-08T12:00:00.999Z'],
  ['2026-02-08T12:00:00.250Z', '2026-02-08T12:00:00.250Z', '2026-02-08T12:00:00.250Z'],
  ['2026-02-08T12:00:00.5', '2026-02-08T12:00:00.500Z', '2026-02-08T12:00:00.500Z'],
  ['2026-02-08T12:00:00+02:00', '2026-02-08T10:00:00.000Z', '2026-02-08T10:00:00.999Z'],
  ['2026-02-08T12:00:00-0530', '2026-02-08T17:30:00.000Z', '2026-02-08T17:30:00.999Z'],
  ['2026-02-08 12:00:00Z', '2026-02-08T12:00:00.000Z', '2026-02-08T12:00:00.999Z'],
  ['1770552000000', '2026-02-08T12:00:00.000Z', '2026-02-08T12:00:00.000Z'],
  ['1770552000000||/d', '2026-02-08T00:00:00.000Z', '2026-02-08T23:59:59.999Z'],
  ['0', '1970-01-01T00:00:00.000Z', '1970-01-01T00:00:00.000Z'],
];
for (const [value, d, u] of cases) {
  test(`resolveDate ${value}`, () => {
    assert.equal(down(value), d, 'rounded down');
    assert.equal(up(value), u, 'rounded up');
  });
}

test('resolveDate now/d in Europe/Paris rounds at local midnight', () => {
  assert.equal(down('now/d', 'Europe/Paris'), '2026-02-10T23:00:00.000Z');
  assert.equal(up('now/d', 'Europe/Paris'), '2026-02-11T22:59:59.999Z');
  assert.equal(down('2026-02-08', 'Europe/Paris'), '2026-02-07T23:00:00.000Z');
  // an explicit offset wins over the time zone option
  assert.equal(down('2026-02-08T12:00:00Z', 'Europe/Paris'), '2026-02-08T12:00:00.000Z');
});

test('resolveDate now/d with a fixed +05:30 offset', () => {
  assert.equal(down('now/d', '+05:30'), '2026-02-10T18:30:00.000Z');
});

test('resolveDate +1d across a DST change keeps the wall-clock time (America/New_York)', () => {
  // 2026-03-08 02:00 local: clocks go forward. Noon to noon is 23 hours.
  const t = resolveDate('2026-03-07T12:00:00-05:00||+1d', { now, roundUp: false, timeZone: 'America/New_York' });
  assert.equal(iso(t), '2026-03-08T16:00:00.000Z');
});

for (const bad of ['banana', 'now-1x', 'now+', 'now/', 'now/2d', '2026-13-01', '2026-02-30', '2026-02-08T25:00', 'now-1h junk', 'now-99999999999y', '']) {
  test(`resolveDate rejects ${JSON.stringify(bad)}`, () => {
    assert.throws(
      () => resolveDate(bad, { now, roundUp: false }),
      (err: unknown) => err instanceof QueryError && err.code === 'LS_QUERY_INVALID_DATE',
    );
  });
}

test('resolveDate rejects an unknown time zone', () => {
  assert.throws(
    () => resolveDate('now/d', { now, roundUp: false, timeZone: 'Mars/Olympus' }),
    (err: unknown) => err instanceof QueryError && err.code === 'LS_QUERY_INVALID_DATE',
  );
});

test('resolveDate properties over 5000 random clocks and expressions', async () => {
  const { createRng } = await import('./testing/rng.js');
  const rng = createRng(2026);
  const units = ['y', 'M', 'w', 'd', 'h', 'H', 'm', 's'];
  for (let i = 0; i < 5000; i++) {
    const clock = rng.int(1_000_000_000_000, 4_102_444_800_000); // 2001 … 2100: 13-digit epoch ms, never read as a year
    const unit = rng.pick(units);
    const math = `now${rng.pick(['+', '-'])}${rng.int(0, 400)}${rng.pick(units)}/${unit}`;
    const lo = resolveDate(math, { now: clock, roundUp: false });
    const hi = resolveDate(math, { now: clock, roundUp: true });
    assert.ok(lo <= hi, `${math} at ${clock}: down ${lo} > up ${hi}`);
    // Rounding is idempotent and the rounded period is contiguous.
    assert.equal(resolveDate(`${lo}||/${unit}`, { now: 0, roundUp: false }), lo, `${math}: down is a unit start`);
    assert.equal(resolveDate(`${hi}||/${unit}`, { now: 0, roundUp: true }), hi, `${math}: up is a unit end`);
    assert.equal(resolveDate(`${hi + 1}||/${unit}`, { now: 0, roundUp: false }), hi + 1, `${math}: up + 1ms starts the next unit`);
    if (unit === 'd') assert.equal(hi - lo + 1, 86_400_000);
    if (unit === 'w') assert.equal(new Date(lo).getUTCDay(), 1, 'weeks start on Monday');
  }
});

test('dates outside the years 0000-9999 are refused the same way in date math, epoch ms and ISO forms', () => {
  const now = Date.parse('2026-02-08T12:00:00Z');
  for (const text of ['now+10000y', 'now-2027y', '253402300800000', '-62167219200001', '9999-12-31||+1d', 'now+100000000d']) {
    assert.throws(() => resolveDate(text, { now, roundUp: true }), { code: 'LS_QUERY_INVALID_DATE' }, text);
  }
  assert.equal(resolveDate('9999-12-31', { now, roundUp: true }), Date.parse('9999-12-31T23:59:59.999Z'));
  assert.equal(resolveDate('0000-01-01', { now, roundUp: false }), -62_167_219_200_000);
  assert.equal(resolveDate('now+7000y', { now, roundUp: false }), Date.parse('9026-02-08T12:00:00Z'));
});
