import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogEvent } from '@logship/query/core';
import { shareCutTraceErrors } from './cut-trace.js';

const part = (n: number, of: number, message: string, extra: Record<string, unknown> = {}): LogEvent => ({
  '@timestamp': '2026-02-08T12:00:00.000Z', 'event.id': `f:x:${n}`, message, 'log.cut.part': n, 'log.cut.parts': of, 'log.cut.first': 'f:x:1', ...extra,
} as LogEvent);

const FRAMES = Array.from({ length: 4 }, (_, i) => `  File "/app/r.py", line ${i + 1}, in f\n    f()`);

test('every part of a cut Python traceback gets the exception its last part holds', () => {
  const parts = [
    part(1, 3, `Traceback (most recent call last):\n${FRAMES.slice(0, 2).join('\n')}`),
    part(2, 3, FRAMES[2]!),
    part(3, 3, `${FRAMES[3]}\nRecursionError: maximum recursion depth exceeded`, { 'error.type': 'RecursionError', 'error.message': 'maximum recursion depth exceeded' }),
  ];
  const other = { '@timestamp': '2026-02-08T12:00:00.000Z', 'event.id': 'f:y:1', message: 'another line' } as LogEvent;
  shareCutTraceErrors([parts[2]!, other, parts[0]!, parts[1]!], 65536);
  for (const p of parts) {
    assert.equal(p['error.type'], 'RecursionError', String(p['event.id']));
    assert.equal(p['error.message'], 'maximum recursion depth exceeded');
  }
  assert.equal(other['error.type'], undefined);
});

test('a group not whole in the request (a part missing, or twice) keeps what each part read alone', () => {
  const missing = [part(1, 3, `Traceback (most recent call last):\n${FRAMES[0]}`), part(3, 3, `${FRAMES[1]}\nValueError: bad`, { 'error.type': 'ValueError' })];
  shareCutTraceErrors(missing, 65536);
  assert.equal(missing[0]!['error.type'], undefined);
  assert.equal(missing[1]!['error.type'], 'ValueError');
  const twice = [part(1, 2, `Traceback (most recent call last):\n${FRAMES[0]}`), part(1, 2, `Traceback (most recent call last):\n${FRAMES[0]}`)];
  shareCutTraceErrors(twice, 65536);
  assert.equal(twice[0]!['error.type'], undefined);
});

test('an exception longer than max_value_bytes is cut on every part, flagged', () => {
  const parts = [part(1, 2, `Traceback (most recent call last):\n${FRAMES[0]}`), part(2, 2, `${FRAMES[1]}\nValueError: ${'x'.repeat(100)}`)];
  shareCutTraceErrors(parts, 20);
  for (const p of parts) {
    assert.equal(p['error.message'], 'x'.repeat(20));
    assert.equal(p['logship.truncated'], true);
  }
});
