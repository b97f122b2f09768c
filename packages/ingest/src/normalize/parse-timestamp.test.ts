import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fastTime, isTimeZone, parseText, parseTimestamp } from './parse-timestamp.js';

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

// Issue 15 item 4: offset-less times in the source's zone, DST-correct.
test('offset-less text is read in the given zone; an explicit offset wins', () => {
  // Chicago in winter is UTC-6, in summer UTC-5.
  assert.equal(parseTimestamp('2026-01-15 09:00:00,250', 'America/Chicago'), Date.parse('2026-01-15T15:00:00.250Z'));
  assert.equal(parseTimestamp('2026-07-15T09:00:00', 'America/Chicago'), Date.parse('2026-07-15T14:00:00.000Z'));
  assert.equal(parseTimestamp('2026-07-15T09:00:00+02:00', 'America/Chicago'), Date.parse('2026-07-15T07:00:00.000Z'));
  assert.equal(parseTimestamp('2026-07-15T09:00:00Z', 'America/Chicago'), Date.parse('2026-07-15T09:00:00.000Z'));
  assert.equal(parseTimestamp(1784106000, 'America/Chicago'), 1784106000_000, 'epoch numbers are instants');
  assert.equal(parseTimestamp('2026-07-15 09:00:00'), Date.parse('2026-07-15T09:00:00.000Z'), 'UTC by default');
});

test('spring forward (2026-03-08 in Chicago): times before, in and after the gap', () => {
  const z = 'America/Chicago';
  assert.equal(parseTimestamp('2026-03-08 01:59:59', z), Date.parse('2026-03-08T07:59:59Z'));
  // 02:30 never happened: read with the offset before the change (CST), i.e. 03:30 CDT.
  assert.equal(parseTimestamp('2026-03-08 02:30:00', z), Date.parse('2026-03-08T08:30:00Z'));
  assert.equal(parseTimestamp('2026-03-08 03:00:00', z), Date.parse('2026-03-08T08:00:00Z'));
  assert.equal(parseTimestamp('2026-03-08 03:30:00', z), Date.parse('2026-03-08T08:30:00Z'));
});

test('fall back (2026-11-01 in Chicago): the repeated hour is its first occurrence', () => {
  const z = 'America/Chicago';
  assert.equal(parseTimestamp('2026-11-01 00:59:59', z), Date.parse('2026-11-01T05:59:59Z'));
  assert.equal(parseTimestamp('2026-11-01 01:30:00', z), Date.parse('2026-11-01T06:30:00Z'), 'CDT, the earlier 01:30');
  assert.equal(parseTimestamp('2026-11-01 02:00:00', z), Date.parse('2026-11-01T08:00:00Z'));
  // Europe turns the clocks on another day, at 01:00 UTC.
  assert.equal(parseTimestamp('2026-10-25 02:30:00', 'Europe/Berlin'), Date.parse('2026-10-25T00:30:00Z'));
  assert.equal(parseTimestamp('2026-03-29 02:30:00', 'Europe/Berlin'), Date.parse('2026-03-29T01:30:00Z'));
});

test('isTimeZone knows IANA names', () => {
  assert.equal(isTimeZone('America/Chicago'), true);
  assert.equal(isTimeZone('UTC'), true);
  assert.equal(isTimeZone('Mars/Olympus'), false);
});

test('the fast path reads every time it takes exactly as the general path does', () => {
  // Generated near-ISO and near-nginx texts: each part valid, out of range, short
  // or odd, so both what fastTime takes and what it leaves to parseText are exercised.
  let seed = 11;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return Math.floor(seed / 65536) % n;
  };
  const pick = <T>(xs: readonly T[]): T => xs[rnd(xs.length)]!;
  // Mostly valid parts (the fast path's), some out of range or malformed (the general path's).
  // Days 29–31 a month does not have are refused the same way on both paths, as 32 is.
  const two = (): string => (rnd(4) > 0 ? pick(['00', '01', '02', '04', '09', '10', '12', '23', '28']) : pick(['13', '24', '29', '30', '31', '32', '59', '60', '7', 'x1', '99']));
  let taken = 0;
  for (let i = 0; i < 40_000; i++) {
    const text = i % 2 === 1 ? nginxText() : isoText();
    for (const zone of ['UTC', 'America/Chicago']) {
      const fast = fastTime(text, zone);
      if (fast === null) continue;
      taken++;
      assert.equal(fast, parseText(text, zone), `${text} in ${zone}`);
    }
  }
  assert.ok(taken > 2000, `the fast path took ${taken}`);

  function nginxText(): string {
    return (
      two() + '/' + (rnd(4) > 0 ? pick(['Jan', 'Feb', 'dec', 'DEC', 'Dec']) : pick(['Foo', 'Ja1', 'De'])) + '/' +
      (rnd(4) > 0 ? '2026' : pick(['0099', '0100', '9999', '202'])) + ':' + two() + ':' + two() + ':' + two() +
      pick([' ', ' ', ' ', '_']) + pick(['+', '-', '+', '-', '*']) + two() + two()
    );
  }

  function isoText(): string {
    return (
      (rnd(4) > 0 ? '2026' : pick(['1999', '0099', '0100', '9999', '202', '20261'])) +
      (rnd(8) > 0 ? '-' : '/') + two() + '-' + two() +
      pick(['T', 't', ' ', '_']) + two() + ':' + two() +
      pick(['', ':' + two(), ':5']) +
      pick(['', '.', '.5', ',12', '.123', '.123456789', '.999999999999999999999999', ',0001']) +
      pick(['', 'Z', 'z', ' Z', '+01:00', '-05:30', '+0130', '+01', '+24:00', '-23:59', '+01:60', '+1', 'X', '+01:0'])
    );
  }
});

test('a day its month does not have is no time (not carried into the next month): 2026-02-30, 04-31, nginx and RFC 2822 alike; leap days are', () => {
  for (const zone of ['UTC', 'America/Chicago']) {
    for (const text of [
      '2026-02-30T10:00:00Z', '2026-02-29T10:00:00.123Z', '2026-04-31 10:00:00', '2026-04-31 10:00:00,123', '2026-06-31T10:00:00+02:00',
      '2100-02-29T00:00:00Z', '30/Feb/2026:10:00:00 +0000', '31/Sep/2026:10:00:00 -0500', 'Mon, 30 Feb 2026 10:00:00 GMT', '31 Nov 2026 10:00 +0000',
    ]) {
      assert.equal(parseTimestamp(text, zone), undefined, `${text} in ${zone}`);
      assert.equal(parseText(text, zone), undefined, `${text} in ${zone} (general path)`);
    }
  }
  assert.equal(parseTimestamp('2028-02-29T10:00:00Z'), Date.parse('2028-02-29T10:00:00Z'));
  assert.equal(parseTimestamp('2000-02-29 10:00:00'), Date.parse('2000-02-29T10:00:00Z'));
  assert.equal(parseTimestamp('31/Dec/2026:23:59:59 +0000'), Date.parse('2026-12-31T23:59:59Z'));
  assert.equal(parseTimestamp('Thu, 30 Apr 2026 10:00:00 GMT'), Date.parse('2026-04-30T10:00:00Z'));
});

test("a zone named after the time: Rails' `… UTC`, Go's time.Time.String() `… +0100 CET` (and its ` m=+…` monotonic reading)", () => {
  for (const zone of ['UTC', 'America/Chicago']) {
    assert.equal(parseTimestamp('2026-12-06 12:00:00 UTC', zone), Date.parse('2026-12-06T12:00:00Z'), zone);
    assert.equal(parseTimestamp('2026-12-06 12:00:00 GMT', zone), Date.parse('2026-12-06T12:00:00Z'), zone);
    assert.equal(parseTimestamp('2026-12-06 12:00:00.123456789 +0000 UTC', zone), Date.parse('2026-12-06T12:00:00.123Z'), zone);
    assert.equal(parseTimestamp('2026-12-06 07:00:00 -0500 EST', zone), Date.parse('2026-12-06T12:00:00Z'), zone);
    assert.equal(parseTimestamp('2026-12-06 13:00:00.1 +0100 CET m=+0.000123456', zone), Date.parse('2026-12-06T12:00:00.100Z'), zone);
  }
  // A bare abbreviation other than UTC/GMT names no offset; an impossible day is still none.
  assert.equal(parseTimestamp('2026-12-06 12:00:00 CET'), undefined);
  assert.equal(parseTimestamp('2026-02-30 12:00:00 UTC'), undefined);
});
