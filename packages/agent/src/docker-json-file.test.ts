import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DockerJoiner } from './docker-json-file.js';

const piece = (log: string, stream = 'stdout'): string => JSON.stringify({ log, stream, time: '2026-12-03T10:00:00.123456789Z' });

test('a json-file line is unwrapped; pieces of a line split at 16 KiB are joined at the first piece offset', () => {
  const j = new DockerJoiner(1 << 20);
  assert.deepEqual(j.push(piece('hello\n'), 0), { text: 'hello', start: 0, stream: 'stdout', time: '2026-12-03T10:00:00.123456789Z', truncated: false });
  const long = 'x'.repeat(16384);
  assert.equal(j.push(piece(long, 'stderr'), 100), null);
  assert.equal(j.pending, true);
  assert.equal(j.push(piece(long, 'stderr'), 200), null);
  assert.deepEqual(j.push(piece('end\r\n', 'stderr'), 300), { text: `${long}${long}end`, start: 100, stream: 'stderr', time: '2026-12-03T10:00:00.123456789Z', truncated: false });
  assert.equal(j.pending, false);
});

test('a joined line over the limit is truncated and flagged; a line that is not docker JSON passes as it is', () => {
  const j = new DockerJoiner(10);
  assert.equal(j.push(piece('abcdefgh'), 0), null);
  assert.deepEqual(j.push(piece('ijklmn\n'), 50), { text: 'abcdefghij', start: 0, stream: 'stdout', time: '2026-12-03T10:00:00.123456789Z', truncated: true });
  assert.deepEqual(j.push('plain text', 90), { text: 'plain text', start: 90, stream: 'unknown', time: undefined, truncated: false });
});

test('a stderr line between the pieces of a stdout line is its own line; the stdout line is still joined', () => {
  // dockerd copies stdout and stderr with a goroutine each: pieces of one stream interleave with the other's lines.
  const j = new DockerJoiner(1 << 20);
  assert.equal(j.push(piece('aaa'), 0), null);
  assert.deepEqual(j.push(piece('warning: between\n', 'stderr'), 30), { text: 'warning: between', start: 30, stream: 'stderr', time: '2026-12-03T10:00:00.123456789Z', truncated: false });
  assert.equal(j.heldFrom, 0, 'the checkpoint stays before the held stdout piece');
  assert.equal(j.push(piece('bbb', 'stderr'), 70), null);
  assert.equal(j.heldFrom, 0);
  assert.deepEqual(j.push(piece('ccc\n'), 100), { text: 'aaaccc', start: 0, stream: 'stdout', time: '2026-12-03T10:00:00.123456789Z', truncated: false });
  assert.equal(j.heldFrom, 70);
  assert.deepEqual(j.flush(), [{ text: 'bbb', start: 70, stream: 'stderr', time: '2026-12-03T10:00:00.123456789Z', truncated: false }], 'flushed as far as it got');
  assert.equal(j.pending, false);
  assert.equal(j.heldFrom, Infinity);
});

test('the cap counts UTF-8 bytes and cuts at a character boundary', () => {
  const j = new DockerJoiner(10);
  assert.equal(j.push(piece('€€€'), 0), null); // 9 bytes
  assert.deepEqual(j.push(piece('€x\n'), 50), { text: '€€€', start: 0, stream: 'stdout', time: '2026-12-03T10:00:00.123456789Z', truncated: true });
  assert.deepEqual(j.push(piece('ünïcödé€€€€\n'), 90), { text: 'ünïcöd', start: 90, stream: 'stdout', time: '2026-12-03T10:00:00.123456789Z', truncated: true });
});
