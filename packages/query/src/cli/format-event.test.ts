import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEvent, printable } from './format-event.js';

const ESC = '\x1b';

test('formatEvent: control characters in an event are shown as escapes, never sent to the terminal', () => {
  const ev = {
    '@timestamp': '2026-12-05T23:56:43.657Z',
    'event.id': 'x',
    level: 'info',
    message: `innocent ${ESC}[2J${ESC}]0;pwned\x07 line\rFAKE: all good\u202e\nsecond line`,
    host: `esc${ESC}[31m-host`,
    extra: `a${ESC}[1mb`,
  };
  for (const color of [false, true]) {
    const line = formatEvent(ev, { color, fields: ['extra'] });
    // Before: the message's ESC, BEL and CR, the host's and the field's ESC went out raw.
    const withoutOwnColors = line.replace(/\x1b\[[0-9;]*m/g, (seq) => (color ? '' : seq));
    assert.doesNotMatch(withoutOwnColors, /[\x00-\x09\x0b-\x1f\x7f\u202e]/, JSON.stringify(line));
    assert.ok(line.includes('innocent \\x1b[2J\\x1b]0;pwned\\x07 line\\rFAKE: all good\\u202e\n    second line'), line);
    assert.ok(line.includes('esc\\x1b[31m-host'), line);
    assert.ok(line.includes('extra=a\\x1b[1mb'), line);
  }
});

test('printable: text, newlines, tabs and non-Latin scripts are kept', () => {
  assert.equal(printable('état 日本語 🚀\tcol\nnext'), 'état 日本語 🚀\tcol\nnext');
  assert.equal(printable('\x00\x7f\x9b'), '\\x00\\x7f\\x9b');
});
