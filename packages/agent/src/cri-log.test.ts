import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CriJoiner, parseCriLine, type CriLine } from './cri-log.js';
import { utf8Boundary } from './utf8-boundary.js';

const T = '2026-12-05T10:00:00.123456789Z';
const b = (s: string): Buffer => Buffer.from(s);
const text = (line: string): string | undefined => parseCriLine(b(line))?.text.toString('utf8');
/** A joined line with its text as a string, to compare. */
const str = (l: CriLine | null): (Omit<CriLine, 'text'> & { text: string }) | null => l && { ...l, text: l.text.toString('utf8') };

test('a CRI line: time, stream, P or F, and the text after the tags\' space, its own spaces kept', () => {
  const p = parseCriLine(b(`${T} stderr F   indented  text `))!;
  assert.deepEqual({ ...p, text: p.text.toString() }, { time: T, stream: 'stderr', partial: false, text: '  indented  text ' });
  assert.equal(parseCriLine(b(`${T} stdout P {"a":1}`))!.partial, true);
  // Tags are `:`-separated, the first says partial or full (the kubelet keeps it forward compatible).
  assert.equal(parseCriLine(b(`${T} stdout P:x {"a":1}`))!.partial, true);
  assert.equal(text(`${T} stdout F `), '', 'an empty printed line');
  // CRI-O may write its local offset; containerd trims trailing zeros of the fraction.
  assert.equal(parseCriLine(b('2026-12-05T11:00:00.5+01:00 stdout F x'))!.time, '2026-12-05T11:00:00.5+01:00');
  assert.equal(text('2026-12-05T10:00:00Z stdout F x'), 'x');
});

test('a line that is not CRI is not parsed', () => {
  for (const line of [
    'plain text line', `${T} stdout`, `${T} stdout F`, `${T} stdin F x`, `${T} stdout X x`,
    `2026-12-05 10:00:00 stdout F x`, `{"log":"x\\n","stream":"stdout","time":"${T}"}`, '',
  ]) assert.equal(parseCriLine(b(line)), null, line);
});

test('P pieces are joined with the F one at the first piece\'s offset and time', () => {
  const j = new CriJoiner(1 << 20);
  assert.deepEqual(str(j.push(b(`${T} stdout F hello`), 0)), { text: 'hello', start: 0, stream: 'stdout', time: T, truncated: false });
  assert.equal(j.push(b(`${T} stdout P {"levelname":"ERROR",`), 40), null);
  assert.equal(j.pending, true);
  assert.equal(j.heldFrom, 40);
  assert.equal(j.push(b(`2026-12-05T10:00:00.2Z stdout P "message":`), 100), null);
  assert.deepEqual(str(j.push(b(`2026-12-05T10:00:00.3Z stdout F "boom"}`), 150)),
    { text: '{"levelname":"ERROR","message":"boom"}', start: 40, stream: 'stdout', time: T, truncated: false });
  assert.equal(j.pending, false);
  assert.equal(j.heldFrom, Infinity);
});

test('a stderr line between the pieces of a stdout line is its own line; the stdout line is still joined', () => {
  const j = new CriJoiner(1 << 20);
  assert.equal(j.push(b(`${T} stdout P aaa`), 0), null);
  assert.deepEqual(str(j.push(b(`${T} stderr F warning: between`), 30)), { text: 'warning: between', start: 30, stream: 'stderr', time: T, truncated: false });
  assert.equal(j.heldFrom, 0, 'the checkpoint stays before the held stdout piece');
  assert.equal(j.push(b(`${T} stderr P bbb`), 70), null);
  assert.equal(j.heldFrom, 0);
  assert.deepEqual(str(j.push(b(`${T} stdout F ccc`), 100)), { text: 'aaaccc', start: 0, stream: 'stdout', time: T, truncated: false });
  assert.equal(j.heldFrom, 70);
  assert.deepEqual(j.flush().map(str), [{ text: 'bbb', start: 70, stream: 'stderr', time: T, truncated: false }], 'flushed as far as it got');
  assert.equal(j.pending, false);
});

test('pieces split inside a UTF-8 character are joined as bytes', () => {
  const j = new CriJoiner(1 << 20);
  const euro = Buffer.from('€'); // 3 bytes
  assert.equal(j.push(Buffer.concat([b(`${T} stdout P price `), euro.subarray(0, 1)]), 0), null);
  assert.equal(j.push(Buffer.concat([b(`${T} stdout F `), euro.subarray(1), b('5')]), 50)!.text.toString(), 'price €5');
});

test('a joined line over max_line_bytes is cut at a character boundary and flagged; a line that is not CRI passes as it is', () => {
  const j = new CriJoiner(10);
  assert.equal(j.push(b(`${T} stdout P abcdefgh`), 0), null);
  assert.deepEqual(str(j.push(b(`${T} stdout F ijklmn`), 40)), { text: 'abcdefghij', start: 0, stream: 'stdout', time: T, truncated: true });
  assert.deepEqual(str(j.push(b(`${T} stdout F 12345678€€`), 80)), { text: '12345678', start: 80, stream: 'stdout', time: T, truncated: true });
  assert.deepEqual(str(j.push(b(`${T} stdout F short`), 90, true)), { text: 'short', start: 90, stream: 'stdout', time: T, truncated: true }, 'cut by the framer');
  assert.deepEqual(str(j.push(b('not a cri line'), 120)), { text: 'not a cri line', start: 120, stream: 'unknown', time: undefined, truncated: false });
});

test('utf8Boundary drops only an incomplete last character', () => {
  const s = Buffer.from('a€𝄞');
  assert.equal(utf8Boundary(s), s.length);
  assert.equal(utf8Boundary(s.subarray(0, s.length - 1)), 4);
  assert.equal(utf8Boundary(s.subarray(0, 3)), 1);
  assert.equal(utf8Boundary(s.subarray(0, 1)), 1);
});
