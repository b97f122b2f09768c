/**
 * `logship search --follow` printed a stream's `event: error` frame as its
 * JSON (`server: {"code":"LS_API_TAIL_TOO_SLOW",…}`); it says it as a
 * sentence, with the code, and that it resumes when the error is retryable.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiErrors } from '../http/api-error.js';
import { streamErrorLine } from './follow.js';

test("the tail's too-slow frame, as the route sends it, reads as a sentence that says the CLI resumes", () => {
  const line = streamErrorLine(JSON.stringify(apiErrors.tailTooSlow()));
  assert.equal(line, 'the server ended the stream: client too slow; reconnect with Last-Event-ID (LS_API_TAIL_TOO_SLOW); resuming after the last event printed');
  assert.doesNotMatch(line, /[{}"]/);
});

test('a frame that is not retryable says no resume; one that is not JSON, or has no message, is shown as it came', () => {
  assert.equal(streamErrorLine('{"code":"LS_X","message":"gone"}'), 'the server ended the stream: gone (LS_X)');
  assert.equal(streamErrorLine('not json'), 'the server ended the stream: not json');
  assert.equal(streamErrorLine('{"code":"LS_X"}'), 'the server ended the stream: {"code":"LS_X"}');
  assert.equal(streamErrorLine('null'), 'the server ended the stream: null');
});
