import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LogEvent } from '@logship/query';
import { COLUMNS, encodeDoc, eventToRow, rowToEvent, type StoredRow } from './event-row.js';

const codes = (): { codeFor: (name: string) => string; nameOf: (code: string) => string } => {
  const byName = new Map<string, string>();
  const byCode = new Map<string, string>();
  return {
    codeFor: (name) => {
      let code = byName.get(name);
      if (code === undefined) {
        code = byName.size.toString(36);
        byName.set(name, code);
        byCode.set(code, name);
      }
      return code;
    },
    nameOf: (code) => byCode.get(code) as string,
  };
};

/** What the writer stores for a row, read back as the readers do. */
function roundTrip(event: LogEvent): LogEvent {
  const row = eventToRow(event, Date.parse(event['@timestamp']), event['event.id'], 0);
  const { codeFor, nameOf } = codes();
  const stored: StoredRow = { ts: row.ts, eid: row.eid, doc: encodeDoc(row.doc, codeFor) };
  COLUMNS.forEach((column, i) => (stored[column] = row.cols[i]));
  return rowToEvent(stored, nameOf);
}

test('a row built from an event reads back as the same event, doc values of every kind included', () => {
  const event: LogEvent = {
    '@timestamp': '2026-11-23T10:00:00.000Z',
    'event.id': 'e1',
    level: 'error',
    message: 'Login FAILED for "bob"',
    status: 500,
    'http.user_agent': 'curl/8.5 "quoted" \\ back\u2028slash ünï \u{1F600}',
    n: -1.5e-7,
    zero: 0,
    ok: false,
    gone: null,
  };
  assert.deepEqual(roundTrip(event), event);
});

test('promoted fields holding a boolean or null go to doc and keep their rollup key; FTS text is the tokens', () => {
  const row = eventToRow(
    { '@timestamp': '2026-11-23T10:00:00.000Z', 'event.id': 'e2', status: true as unknown as string, duration_ms: null as unknown as string, message: 'GET /api/V1 failed: Timeout!' },
    0,
    'e2',
    7,
  );
  assert.equal(row.index, 7);
  assert.deepEqual(row.doc, ['status', 'true', 'duration_ms', 'null']);
  // null counts as missing in a terms aggregation, so it has no rollup key.
  assert.deepEqual(row.rollupKeys, ['status', 'true']);
  assert.equal(row.text, 'get api v1 failed timeout');
  assert.equal(row.cols[COLUMNS.indexOf('status')], null);
});

test('what JSON cannot hold is left out of doc, as JSON.stringify of the whole event would', () => {
  const event = { '@timestamp': '2026-11-23T10:00:00.000Z', 'event.id': 'e3', kept: 'yes', fn: () => 1 } as unknown as LogEvent;
  const back = roundTrip(event);
  assert.deepEqual(back, { '@timestamp': '2026-11-23T10:00:00.000Z', 'event.id': 'e3', kept: 'yes' });
});
