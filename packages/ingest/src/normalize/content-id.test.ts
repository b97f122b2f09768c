import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FieldValue, LogEvent } from '@logship/query';
import { contentId, contentIdOfRow, sortContentNames } from './content-id.js';

const base: LogEvent = { '@timestamp': '2026-02-08T12:00:01.234Z', 'event.id': 'x', message: 'hello', status: 500, ok: true, gone: null };

test('contentId ignores key order and event.id, and sees every value with its type', () => {
  const id = contentId(base);
  assert.match(id, /^[A-Za-z0-9_-]{22}$/);
  assert.equal(contentId({ gone: null, ok: true, status: 500, message: 'hello', 'event.id': 'other', '@timestamp': '2026-02-08T12:00:01.234Z' }), id);
  assert.notEqual(contentId({ ...base, status: '500' }), id);
  assert.notEqual(contentId({ ...base, ok: 'true' }), id);
  assert.notEqual(contentId({ ...base, gone: 'null' }), id);
  assert.notEqual(contentId({ ...base, message: 'hello ' }), id);
  assert.notEqual(contentId({ ...base, extra: 1 }), id);
  // One field's value cannot pass for two fields.
  assert.notEqual(contentId({ '@timestamp': base['@timestamp'], 'event.id': '', a: '1:bs1:c' }), contentId({ '@timestamp': base['@timestamp'], 'event.id': '', a: '', b: 'c' }));
});

test('contentId: the time as epoch ms, left out for receive-stamped events', () => {
  const id = contentId(base);
  assert.equal(contentId({ ...base, '@timestamp': '2026-02-08T12:00:01.234000Z' }), id);
  assert.notEqual(contentId({ ...base, '@timestamp': '2026-02-08T12:00:01.235Z' }), id);
  const stamped = { ...base, 'logship.no_timestamp': true };
  assert.equal(contentId({ ...stamped, '@timestamp': '2027-01-01T00:00:00.000Z' }), contentId(stamped));
  const future = { ...base, 'logship.future_timestamp': true, 'logship.original_timestamp': '2030-01-01T00:00:00.000Z' };
  assert.equal(contentId({ ...future, '@timestamp': '2027-01-01T00:00:00.000Z' }), contentId(future));
});

test('contentIdOfRow gives contentId of the row as an event, -0 as 0', () => {
  const events: LogEvent[] = [
    { ...base },
    { '@timestamp': '2026-02-08T12:00:02.000Z', 'event.id': '', message: 'm', 'logship.no_timestamp': true, n: -0 },
  ];
  const names = sortContentNames(['message', '@timestamp', 'status', 'ok', 'gone', 'logship.no_timestamp', 'n', 'event.id']);
  const columns = names.map((name) =>
    events.map((e): FieldValue | undefined => (name === '@timestamp' ? Date.parse(e['@timestamp']) : name === 'n' && e.n !== undefined ? 0 : e[name])),
  );
  events.forEach((e, row) => assert.equal(contentIdOfRow(names, columns, row), contentId(e)));
});

test('contentId is the same function as ever: stored blocks keep no id and compute it again when read', () => {
  // Ids computed on 2026-12-04: a change to how the content is hashed must leave them as they are.
  const events: LogEvent[] = [
    { '@timestamp': '2026-02-08T12:00:01.234Z', 'event.id': 'x', message: 'hello', level: 'info', status: 500, ok: true, bad: false, gone: null },
    { '@timestamp': '2026-02-08T12:00:01.234Z', 'event.id': 'x', message: 'héllo wörld — ✓ 𝄞', κλειδί: 'τιμή', n: -0, f: 1.5e-7, big: 1e21 },
    { '@timestamp': '2026-02-08T12:00:01.234Z', 'event.id': 'x', message: 'lone \ud800 surrogate', k: 'v' },
    { '@timestamp': '2026-02-08T12:00:01.234Z', 'event.id': 'x', 'logship.no_timestamp': true, message: 'stamped' },
    { '@timestamp': '1969-12-31T23:59:59.999Z', 'event.id': 'x', message: '', empty: '', nested: '{"a":1}', obj: { a: [1, 'b'] } as unknown as string },
    { '@timestamp': '2026-02-08T12:00:01.234Z', 'event.id': 'x', ['\ud83d\ude00key']: 'emoji key', ['k'.repeat(300)]: 'v'.repeat(5000) },
  ];
  const want = ['TKy3xGBRcNWf4rLPZrf7lg', 'LgkE6u0cE4sL3iCMqIB9wB', '26Xt2pu4c_yxEPQn8qu-qk', 'MPaaeEXDcDzj5QH4BAGzYy', 'E9w4-78sp73CPUOQLScfNk', '6yFOGKI21T7ffgKN_S1Rhw'];
  assert.deepEqual(events.map((e) => contentId(e)), want);
  const names = sortContentNames([...new Set(events.flatMap((e) => Object.keys(e)))]);
  const columns = names.map((n) => events.map((e) => (n === '@timestamp' ? Date.parse(e[n]) : (e[n] as FieldValue | undefined))));
  assert.deepEqual(events.map((_, row) => contentIdOfRow(names, columns, row)), want);
});
