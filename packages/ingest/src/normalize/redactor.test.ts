import assert from 'node:assert/strict';
import { test } from 'node:test';
import { linearRegex, LinearRegexError } from './linear-regex.js';
import { Redactor, DEFAULT_REPLACEMENT, type RedactRule } from './redactor.js';
import { normalizeLine } from './normalize-line.js';
import { contentId } from './content-id.js';
import { DEFAULT_NORMALIZE_LIMITS } from './limits.js';

const KEY = Buffer.alloc(32, 7);
const NOW = Date.parse('2026-12-06T10:00:00.000Z');

function redactor(rules: Partial<RedactRule>[], key: Uint8Array = KEY): Redactor {
  const full = rules.map((r) => ({ name: r.pattern!, replacement: DEFAULT_REPLACEMENT, ...r }) as RedactRule);
  return new Redactor(full.map((r) => r.name), full, key, DEFAULT_NORMALIZE_LIMITS.max_value_bytes);
}

const norm = (line: string, redact?: Redactor) => normalizeLine(line, { now: NOW, limits: DEFAULT_NORMALIZE_LIMITS, redact });

test('patterns the linear engine cannot run, and ones that match nothing, are refused with the reason', () => {
  assert.throws(() => linearRegex('(a)\\1'), (e: Error) => e instanceof LinearRegexError && /linear time/.test(e.message));
  assert.throws(() => linearRegex('(?<=token=)\\w+'), /linear time/);
  assert.throws(() => linearRegex('x*'), /empty string/);
  assert.throws(() => linearRegex('\\b'), /empty string/);
  assert.throws(() => linearRegex('('), /is not a regular expression/);
});

test('a pattern that backtracks exponentially in JavaScript finishes over a hostile line (the linear engine takes over)', () => {
  // Without the fallback this replace does not end in any useful time (2^n steps).
  const re = linearRegex('(a+)+b');
  const line = 'a'.repeat(100_000) + 'c';
  assert.equal(line.replace(re, 'X'), line);
  assert.equal('xaab'.replace(re, 'X'), 'xX');
});

test("Go's (?i) and (?P<name>…) read as RE2 means them; ignore_case folds ASCII letters, not escapes, classes' other case or group names", () => {
  assert.equal('Password=hunter2 PASSWORD=x'.replace(linearRegex('(?i)password=\\S+'), 'password=*'), 'password=* password=*');
  assert.equal('user=Bob'.replace(linearRegex('user=(?P<who>\\w+)'), 'user=<$<who>>'), 'user=<Bob>');
  const folded = linearRegex('token-[a-f0-9]+\\d{2}(?<rest>x)', true);
  assert.equal('TOKEN-AB12cd34X'.replace(folded, '[t]'), '[t]');
  assert.equal('token-zz99x'.replace(folded, '[t]'), 'token-zz99x', 'z is outside a-f in either case');
  assert.equal('tab\there'.replace(linearRegex('\\t', true), ' '), 'tab here', '\\t stays an escape');
});

test('without fields a rule reads every string field but @timestamp, event.id, level and the flags ingest sets', () => {
  const r = redactor([{ pattern: 'secret-\\w+' }]);
  const event = { '@timestamp': '2026-12-06T10:00:00.000Z', 'event.id': 'secret-id', level: 'info', message: 'got secret-abc and secret-def', url: '/x?k=secret-1', n: 5, 'logship.original_timestamp': 'secret-t', 'logship.note': 'a sender\'s secret-x' } as never;
  assert.equal(r.matches(event), true);
  r.apply(event);
  assert.deepEqual(event, { '@timestamp': '2026-12-06T10:00:00.000Z', 'event.id': 'secret-id', level: 'info', message: 'got [REDACTED] and [REDACTED]', url: '/x?k=[REDACTED]', n: 5, 'logship.original_timestamp': 'secret-t', 'logship.note': 'a sender\'s [REDACTED]' });
  assert.deepEqual(r.takeCounts(), [3], 'values changed, not matches');
  assert.deepEqual(r.takeCounts(), [0]);
});

test('a rule with fields reads only those; rules apply in order, each to what the ones before left; $1 names a group', () => {
  const r = redactor([
    { pattern: '(card=)\\d{12}(\\d{4})', replacement: '$1************$2', fields: ['message'] },
    { pattern: '\\*{12}', replacement: '#', fields: ['message', 'other'] },
  ]);
  const event = { '@timestamp': 't', 'event.id': '', message: 'pay card=4111111111111111 ok', note: 'card=4111111111111111' } as never;
  r.apply(event);
  assert.equal((event as Record<string, string>).message, 'pay card=#1111 ok');
  assert.equal((event as Record<string, string>).note, 'card=4111111111111111', 'not a field the rules name');
});

test('a redacted event keeps an id of its own: a retry is the same event, two lines differing only in the secret stay two', () => {
  const r = redactor([{ pattern: 'token=\\w+', replacement: 'token=[REDACTED]' }]);
  // No timestamp: such events dedupe by id alone (limits.ts), the case where sharing an id would lose one.
  const a = norm(JSON.stringify({ message: 'login ok token=aaa', host: 'web-1' }), r);
  const again = norm(JSON.stringify({ message: 'login ok token=aaa', host: 'web-1' }), r);
  const b = norm(JSON.stringify({ message: 'login ok token=bbb', host: 'web-1' }), r);
  assert.equal(a.event.message, 'login ok token=[REDACTED]');
  assert.equal(b.event.message, a.event.message);
  assert.equal(again.event['event.id'], a.event['event.id']);
  assert.notEqual(b.event['event.id'], a.event['event.id']);
  // Stored as a given id: it is not the content id of what is stored, which a read would compute.
  assert.equal(a.contentId, false);
  assert.notEqual(a.event['event.id'], contentId(a.event, a.time));
  assert.equal(a.event['event.id'].length, 22);
  // Another key, another id: without the key an id cannot be tested against guesses of the token.
  const other = norm(JSON.stringify({ message: 'login ok token=aaa', host: 'web-1' }), redactor([{ pattern: 'token=\\w+', replacement: 'token=[REDACTED]' }], Buffer.alloc(32, 9)));
  assert.notEqual(other.event['event.id'], a.event['event.id']);
});

test('an event no rule matches keeps its content id; a given event.id is kept either way', () => {
  const r = redactor([{ pattern: 'token=\\w+' }]);
  const plain = norm(JSON.stringify({ message: 'nothing here' }), r);
  assert.equal(plain.contentId, true);
  assert.equal(plain.event['event.id'], norm(JSON.stringify({ message: 'nothing here' })).event['event.id']);
  const given = norm(JSON.stringify({ message: 'x token=abc', 'event.id': 'mine-1' }), r);
  assert.equal(given.event['event.id'], 'mine-1');
  assert.equal(given.event.message, 'x [REDACTED]');
});

test('ignore_case keeps a class whose last or first character is a literal -', () => {
  assert.equal('BEARER a-B_c.9 x'.replace(linearRegex('bearer [a-z0-9._-]+', true), '[t]'), '[t] x');
  assert.equal('x-Y'.replace(linearRegex('[-a-z]+', true), '_'), '_');
  assert.equal('Q'.replace(linearRegex('[^a-z]', true), '_'), 'Q', 'negated: neither case of a letter');
});

test('counted repetitions above 16 are split so the linear engine runs them; \\p and a capturing group repeated more are refused', () => {
  assert.equal('card 4111111111111111 ok, 12345678901234567890123 not'.replace(linearRegex('\\b\\d{13,19}\\b'), '[card]'), 'card [card] ok, 12345678901234567890123 not');
  assert.equal('sha d41d8cd98f00b204e9800998ecf8427e.'.replace(linearRegex('[a-f0-9]{32}'), 'H'), 'sha H.');
  assert.equal('x'.repeat(40).replace(linearRegex('x{20,}?'), '-'), '--');
  assert.throws(() => linearRegex('(ab){20}'), /capturing group/);
  assert.throws(() => linearRegex('\\p{L}+'), /Unicode class/);
});

test('folding leaves literal braces, escapes and group names alone, and covers mixed-case ranges', () => {
  assert.equal('{"SECRET":{"Value":"X"}}'.replace(linearRegex('"secret":{"value":"x"}', true), '-'), '{-}');
  assert.equal('y! D'.replace(linearRegex('[X-c]', true), '_'), '_! D', 'X-c holds Y-Z…a-c: y and B fold in, D does not');
  assert.equal('B'.replace(linearRegex('[X-c]', true), '_'), '_');
  assert.equal('User=bob'.replace(linearRegex('(?P<k>user)=\\w+', true), '$<k>=*'), 'User=*');
});

test('a value a replacement made longer than the cap is cut again and flagged', () => {
  const r = new Redactor(['x'], [{ name: 'x', pattern: '[^ ]', replacement: '[REDACTED]' }], KEY, 100);
  const event = { '@timestamp': 't', 'event.id': '', message: 'abcdefghijklmnopqrstuvwxyz' } as Record<string, unknown>;
  r.apply(event as never);
  assert.equal(Buffer.byteLength(event.message as string), 100);
  assert.equal(event['logship.truncated'], true);
});

test('two redacted lines that differ only by a lone surrogate against U+FFFD keep two ids', () => {
  const r = redactor([{ pattern: 'token=\\w+' }]);
  const a = norm(JSON.stringify({ message: 'x token=abc \ud800' }), r);
  const b = norm(JSON.stringify({ message: 'x token=abc \ufffd' }), r);
  assert.notEqual(a.event['event.id'], b.event['event.id']);
});
