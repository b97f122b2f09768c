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
