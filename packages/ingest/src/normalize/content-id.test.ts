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
