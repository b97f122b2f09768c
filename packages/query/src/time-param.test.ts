import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTimeParam } from './time-param.js';
import { API_NOW, queryApiApp, sampleEvents } from './testing/query-api-app.js';

const now = Date.parse('2026-02-11T15:00:00.000Z');
const at = (text: string, roundUp = false) => resolveTimeParam(text, { now, roundUp });
const T = Date.parse('2026-02-08T12:00:00.000Z');

test('from/to: an epoch number is read in the unit its size says (seconds, ms, µs, ns)', () => {
  // Before: seconds were read as milliseconds, a range in January 1970.
  assert.equal(at(String(T / 1000)), T, 'seconds (VictoriaLogs, Prometheus)');
  assert.equal(at(String(T / 1000), true), T + 999, 'a whole second as `to` is filled to its end, as a date is');
  assert.equal(at(`${T / 1000}.25`), T + 250, 'fractional seconds');
  assert.equal(at(`${T / 1000}.123456`), T + 123, 'by digits, not float multiplication');
  assert.equal(at(`${T / 1000}.1`), T + 100);
  assert.equal(at(String(T)), T, 'milliseconds (Grafana)');
  assert.equal(at(`${T}123`), T, 'microseconds');
  assert.equal(at(`${T}123456`), T, 'nanoseconds (Loki)');
  assert.equal(at('2026'), Date.parse('2026-01-01T00:00:00Z'), 'four digits stay a year');
  assert.equal(at('2524608000000'), Date.parse('2050-01-01T00:00:00Z'), 'milliseconds after 2038 stay milliseconds');
  assert.equal(at('253402300799999'), Date.parse('9999-12-31T23:59:59.999Z'), 'to the end of 9999');
  assert.equal(at('now-1h'), now - 3_600_000);
  assert.equal(at('2026-02-08', true), Date.parse('2026-02-08T23:59:59.999Z'));
  assert.throws(() => at('12.5.3'), { code: 'LS_QUERY_INVALID_DATE' });
  assert.throws(() => at('253402300800000'), { code: 'LS_QUERY_INVALID_DATE' }, 'past 9999');
  assert.throws(() => at('99999999999y'), { code: 'LS_QUERY_INVALID_DATE' });
});

test('GET and POST /api/v1/search take from/to as epoch seconds and answer the range they searched', async () => {
  const { app, reader } = await queryApiApp(sampleEvents());
  const from = Math.floor(API_NOW / 1000) - 3600;
  const to = Math.floor(API_NOW / 1000);
  const get = await app.inject({ method: 'GET', url: `/api/v1/search?from=${from}&to=${to}` });
  assert.equal(get.statusCode, 200, get.body);
  assert.deepEqual(get.json().range, { from: new Date(from * 1000).toISOString(), to: new Date(to * 1000 + 999).toISOString() });
  assert.deepEqual(reader.requests.at(-1)!.from, from * 1000);
  const post = await app.inject({ method: 'POST', url: '/api/v1/search', payload: { from: from + 0.5, to } });
  assert.equal(post.statusCode, 200, post.body);
  assert.equal(post.json().range.from, new Date(from * 1000 + 500).toISOString());
});

test('from/to: a duration alone is that long before now (VictoriaLogs start=1h, Loki since=1h); an offset whose + URL decoding made a space is read with it', () => {
  // Before: LS_API_BAD_TIME for each of these.
  assert.equal(at('1h'), now - 3_600_000);
  assert.equal(at('-15m'), now - 900_000);
  assert.equal(at('1h30m'), now - 5_400_000);
  assert.equal(at('2d', true), now - 2 * 86_400_000);
  assert.equal(at('2026-02-08T12:00:00 01:00'), Date.parse('2026-02-08T11:00:00Z'), 'curl ?from=2026-02-08T12:00:00+01:00 unencoded');
  assert.equal(at('2026-02-08T12:00:00.5 0130'), Date.parse('2026-02-08T10:30:00.500Z'));
  assert.throws(() => at('1x'), { code: 'LS_QUERY_INVALID_DATE' });
  assert.throws(() => at('1h 01:00'), { code: 'LS_QUERY_INVALID_DATE' });
});
