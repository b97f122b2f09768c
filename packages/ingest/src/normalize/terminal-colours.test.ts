import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeLine } from './normalize-line.js';
import { DEFAULT_NORMALIZE_LIMITS } from './limits.js';

const opts = { now: Date.parse('2026-12-07T23:40:00Z'), limits: DEFAULT_NORMALIZE_LIMITS };
const raw = (line: string) => normalizeLine(JSON.stringify({ '@raw': line, 'event.id': 'f:1:0' }), opts).event;

test("a coloured line (Rust's tracing-subscriber by default) is stored as a terminal shows it, its time and level read", () => {
  // tracing-subscriber 0.3.23's default fmt into a file, as a program built by rustc 1.95 wrote it.
  const info = raw('\u001b[2m2026-12-07T23:32:52.457102Z\u001b[0m \u001b[32m INFO\u001b[0m \u001b[2mrtr\u001b[0m\u001b[2m:\u001b[0m pricing order \u001b[3morder\u001b[0m\u001b[2m=\u001b[0m42');
  assert.equal(info.message, '2026-12-07T23:32:52.457102Z  INFO rtr: pricing order order=42');
  assert.equal(info.level, 'info');
  assert.equal(info['@timestamp'], '2026-12-07T23:32:52.457Z');
  const error = raw('\u001b[2m2026-12-07T23:32:52.457175Z\u001b[0m \u001b[31mERROR\u001b[0m \u001b[2mrtr\u001b[0m\u001b[2m:\u001b[0m price table\nmissing sku A-17');
  assert.equal(error.message, '2026-12-07T23:32:52.457175Z ERROR rtr: price table\nmissing sku A-17');
  assert.equal(error.level, 'error');
  // logrus's coloured text formatter (ForceColors), cursor and erase codes: all taken out.
  assert.equal(raw('\u001b[31mERRO\u001b[0m[0000] payment failed  \u001b[31morder\u001b[0m=42').message, 'ERRO[0000] payment failed  order=42');
  assert.equal(raw('\u001b[2K\u001b[1Gdownloading 40%').message, 'downloading 40%');
  // A line without any is untouched; an ESC that starts no code stays.
  assert.equal(raw('plain \u001b line').message, 'plain \u001b line');
});

test('a journal entry and a fluentd-wrapped line keep their printed text too', () => {
  const line = '\u001b[2m2026-12-07T23:32:52.457175Z\u001b[0m \u001b[31mERROR\u001b[0m \u001b[2mrtr\u001b[0m\u001b[2m:\u001b[0m price table';
  const journal = normalizeLine(JSON.stringify({ MESSAGE: line, PRIORITY: '6', _SYSTEMD_UNIT: 'rtr.service', __REALTIME_TIMESTAMP: '1796685172457175', __CURSOR: 's=1;i=1' }), opts).event;
  assert.equal(journal.message, '2026-12-07T23:32:52.457175Z ERROR rtr: price table');
  const fluent = normalizeLine(JSON.stringify({ log: line, container_name: '/rtr', source: 'stdout' }), opts).event;
  assert.equal(fluent.message, '2026-12-07T23:32:52.457175Z ERROR rtr: price table');
  assert.equal(fluent.level, 'error');
});

test("a shipper's record of a coloured plain-text line (Filebeat's filestream over _bulk, Vector's file source) is stored and read as the agent's line is", () => {
  const line = '\u001b[2m2026-12-07T23:32:52.457175Z\u001b[0m \u001b[31mERROR\u001b[0m \u001b[2mrtr\u001b[0m\u001b[2m:\u001b[0m price table';
  const ecs = normalizeLine(JSON.stringify({ '@timestamp': '2026-12-07T23:32:53.000Z', message: line, 'ecs.version': '8.11.0', 'log.file.path': '/var/log/rtr.log' }), opts).event;
  assert.equal(ecs.message, '2026-12-07T23:32:52.457175Z ERROR rtr: price table');
  assert.equal(ecs.level, 'error');
  const generic = normalizeLine(JSON.stringify({ timestamp: '2026-12-07T23:32:53.000Z', message: line, host: 'rtr-1' }), opts).event;
  assert.equal(generic.message, '2026-12-07T23:32:52.457175Z ERROR rtr: price table');
  assert.equal(generic.level, 'error');
});
