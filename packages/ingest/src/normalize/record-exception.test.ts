/**
 * `error.type` and `error.message` on stored events: plain-text traces
 * (trace-exception.ts) through the agent's envelope, a wrapped docker line
 * and a shipper's record, and JSON loggers that carry an exception under
 * their own names (record-exception.ts). ECS records keep their own.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeLine } from './normalize-line.js';
import { DEFAULT_NORMALIZE_LIMITS } from './limits.js';

const opts = { now: Date.parse('2026-12-07T23:30:00.000Z'), limits: DEFAULT_NORMALIZE_LIMITS };
const norm = (line: unknown) => normalizeLine(JSON.stringify(line), opts).event;
const TRACE = 'Traceback (most recent call last):\n  File "/app/worker.py", line 18, in <module>\n    parse("seven")\nRuntimeError: order quantity unreadable';

test('a plain-text trace gets its exception as error.type and error.message; the message stays whole', () => {
  const event = norm({ '@raw': TRACE, source: '/var/log/app/stderr.log' });
  assert.equal(event['error.type'], 'RuntimeError');
  assert.equal(event['error.message'], 'order quantity unreadable');
  assert.equal(event.message, TRACE);
  assert.equal(event.level, 'error');
  const go = norm({ '@raw': 'panic: runtime error: invalid memory address or nil pointer dereference\n[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x1]\n\ngoroutine 6 [running]:' });
  assert.deepEqual([go['error.type'], go['error.message']], ['panic', 'runtime error: invalid memory address or nil pointer dereference']);
  // A line that is not a trace has neither.
  const plain = norm({ '@raw': '2026-12-07 23:18:27,001 ERROR orders.worker KeyError: x' });
  assert.equal('error.type' in plain, false);
  assert.equal('error.message' in plain, false);
});

test("a Python traceback longer than max_value_bytes keeps its exception, which the cut message lost", () => {
  const long = `Traceback (most recent call last):\n${'  File "/app/deep.py", line 1, in f\n    f()\n'.repeat(3000)}RecursionError: maximum recursion depth exceeded`;
  const event = norm({ '@raw': long });
  assert.equal(event['logship.truncated'], true);
  assert.doesNotMatch(String(event.message), /RecursionError/);
  assert.equal(event['error.type'], 'RecursionError');
});

test("a trace wrapped by docker or Fluent Bit (`log`) and a shipper's plain-text record get the same fields", () => {
  const docker = norm({ log: `${TRACE}\n`, stream: 'stderr', time: '2026-12-07T23:18:27.000000001Z' });
  assert.equal(docker['error.type'], 'RuntimeError');
  const filebeat = norm({ '@timestamp': '2026-12-07T23:18:27.000Z', message: TRACE, 'ecs.version': '8.0.0', 'log.file.path': '/var/log/app.log' });
  assert.equal(filebeat['error.type'], 'RuntimeError');
  assert.equal(filebeat['error.message'], 'order quantity unreadable');
});

test('JSON loggers: pino and bunyan err, loguru exception, python-json-logger exc_info, structlog exception; ECS keeps its own', () => {
  const pino = norm({ level: 50, time: 1770552000123, msg: 'charge failed', err: { type: 'TypeError', message: 'amount is not a number', stack: 'TypeError: amount is not a number\n    at f (/a.js:1:1)' } });
  assert.deepEqual([pino['error.type'], pino['error.message'], pino['err.type']], ['TypeError', 'amount is not a number', 'TypeError']);
  const bunyan = norm({ v: 0, level: 50, time: '2026-12-07T23:18:27.000Z', msg: 'x', err: { name: 'RangeError', message: 'too far', stack: 'RangeError: too far' } });
  assert.equal(bunyan['error.type'], 'RangeError');
  const loguru = norm({ text: `charge failed\n${TRACE}\n`, record: { level: { name: 'ERROR', no: 40 }, message: 'charge failed', exception: { type: 'KeyError', value: "'customer_id'", traceback: true }, time: { timestamp: 1770552000.5 } } });
  assert.deepEqual([loguru['error.type'], loguru['error.message']], ['KeyError', "'customer_id'"]);
  const pjl = norm({ asctime: '2026-12-07 23:18:27,001', levelname: 'ERROR', name: 'orders', message: 'charge failed', exc_info: TRACE });
  assert.deepEqual([pjl['error.type'], pjl['error.message'], pjl.exc_info], ['RuntimeError', 'order quantity unreadable', TRACE]);
  const structlog = norm({ event: 'charge failed', level: 'error', timestamp: '2026-12-07T23:18:27Z', exception: TRACE });
  assert.equal(structlog['error.type'], 'RuntimeError');
  const ecs = norm({ '@timestamp': '2026-12-07T23:18:27.000Z', 'log.level': 'error', message: TRACE, 'error.type': 'builtins.RuntimeError', 'error.message': 'its own', 'ecs.version': '1.6.0' });
  assert.deepEqual([ecs['error.type'], ecs['error.message']], ['builtins.RuntimeError', 'its own']);
  // A pjl record without exc_info, or whose exc_info is not a traceback, has none.
  assert.equal('error.type' in norm({ levelname: 'ERROR', name: 'x', message: 'y', exc_info: 'NoneType: None' }), false);
});

test("a shipper's record with its own error.message and no error.type keeps it: the trace's type is added, its message not set beside", () => {
  // Filebeat's ECS record of a plain-text trace, no level, an error.message of its own (a processor's).
  const event = norm({ '@timestamp': '2026-12-07T23:18:27.000Z', message: TRACE, 'ecs.version': '8.0.0', 'error.message': 'its own' });
  assert.equal(event['error.type'], 'RuntimeError');
  assert.equal(event['error.message'], 'its own');
  // Not the trace's words under a name that says they are the record's own (putField's `_original`).
  assert.equal('error.message_original' in event, false);
});
