import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { EventEmitter } from 'node:events';
import { LineFramer, type FramedLine } from './line-framer.js';
import { Multiline } from './multiline.js';

function run(text: string, cfg: { start?: string; continuation?: string }): FramedLine[] {
  const out: FramedLine[] = [];
  const ml = new Multiline({ ...cfg, timeout_ms: 60_000, max_lines: 500 }, (l) => out.push(l));
  const f = new LineFramer(1024, 'split');
  f.push(Buffer.from(text), (l) => ml.push(l));
  ml.flush();
  ml.stop();
  return out;
}

const PY = [
  '2026-02-08 12:00:00,001 ERROR django.request Internal Server Error: /api/orders',
  'Traceback (most recent call last):',
  '  File "/app/views.py", line 10, in get',
  '    return compute()',
  'ZeroDivisionError: division by zero',
  '2026-02-08 12:00:01,002 INFO django.server "GET / HTTP/1.1" 200',
].join('\n') + '\n';

test('a Python traceback joins its log line by a start pattern', () => {
  const out = run(PY, { start: '^\\d{4}-\\d{2}-\\d{2} ' });
  assert.equal(out.length, 2);
  assert.equal(out[0]!.text.toString().split('\n').length, 5);
  assert.match(out[0]!.text.toString(), /ZeroDivisionError/);
  assert.equal(out[0]!.start, 0);
  assert.equal(out[1]!.start, out[0]!.end);
  assert.equal(out[1]!.end, Buffer.byteLength(PY));
});

const JAVA = [
  'Exception in thread "main" java.lang.IllegalStateException: boom',
  '\tat com.example.App.run(App.java:12)',
  '\tat com.example.App.main(App.java:5)',
  'Caused by: java.io.IOException: disk',
  '\t... 2 more',
  'next event',
].join('\n') + '\n';

test('a Java stack trace joins by a continuation pattern', () => {
  const out = run(JAVA, { continuation: '^(\\s+at |\\s+\\.\\.\\. |Caused by:)' });
  assert.deepEqual(out.map((l) => l.text.toString().split('\n').length), [5, 1]);
});

test('the timeout flushes the last event', async () => {
  // The multiline timer is unref'd (it must not keep a stopping agent alive);
  // this interval keeps the test's event loop running until it fires.
  const keepAlive = setInterval(() => {}, 1000);
  const bus = new EventEmitter();
  const ml = new Multiline({ start: '^S', timeout_ms: 20, max_lines: 10 }, (l) => bus.emit('event', l));
  const f = new LineFramer(1024, 'split');
  const got = once(bus, 'event');
  f.push(Buffer.from('S first\n  more\n'), (l) => ml.push(l));
  const [ev] = (await got) as [FramedLine];
  assert.equal(ev.text.toString(), 'S first\n  more');
  assert.equal(ml.pending, false);
  clearInterval(keepAlive);
});

test('blank lines inside a traceback stay in the event; blank lines after it are dropped', () => {
  const chained = [
    '2026-02-08 12:00:00,001 ERROR app failed',
    'Traceback (most recent call last):',
    'ValueError: bad',
    '',
    'During handling of the above exception, another exception occurred:',
    '',
    'Traceback (most recent call last):',
    'KeyError: \'x\'',
    '',
    '',
    '2026-02-08 12:00:01,002 INFO next',
    '',
  ].join('\n') + '\n';
  const out = run(chained, { start: '^\\d{4}-\\d{2}-\\d{2} ' });
  assert.deepEqual(out.map((l) => l.text.toString()), [
    '2026-02-08 12:00:00,001 ERROR app failed\nTraceback (most recent call last):\nValueError: bad\n\n'
      + 'During handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\nKeyError: \'x\'',
    '2026-02-08 12:00:01,002 INFO next',
  ]);
  assert.equal(out[1]!.start, chained.indexOf('2026-02-08 12:00:01'));
  const java = run('Exception: boom\n\tat A.b(A.java:1)\n\n\tat C.d(C.java:2)\n\nnext line\n', { continuation: '^\\s+at ' });
  assert.deepEqual(java.map((l) => l.text.toString()), ['Exception: boom\n\tat A.b(A.java:1)\n\n\tat C.d(C.java:2)', 'next line']);
});

test('an event is emitted before a line would take it past max_message_bytes; the line starts the next', () => {
  const out: FramedLine[] = [];
  const ml = new Multiline({ start: '^S', timeout_ms: 60_000, max_lines: 500 }, (l) => out.push(l), Date.now, 350);
  const f = new LineFramer(1024, 'split');
  const text = `S ${'h'.repeat(98)}\n${Array.from({ length: 9 }, () => `  ${'c'.repeat(98)}`).join('\n')}\nS next\n`;
  f.push(Buffer.from(text), (l) => ml.push({ ...l, text: Buffer.from(l.text) }));
  ml.flush();
  ml.stop();
  assert.deepEqual(out.map((l) => l.text.toString().split('\n').length), [3, 3, 3, 1, 1]);
  assert.ok(out.every((l) => l.text.length <= 350));
  out.slice(1).forEach((l, i) => assert.equal(l.start, out[i]!.end, 'no line lost between the parts'));
});

test('the parts of an event cut at max_lines or max_message_bytes are emitted together when it ends, numbered, each with the first part\'s start', () => {
  const out: FramedLine[] = [];
  const ml = new Multiline({ start: '^\\d{4}-', timeout_ms: 60_000, max_lines: 4 }, (l) => out.push(l), Date.now, 1000);
  const f = new LineFramer(1024, 'split');
  const frames = Array.from({ length: 9 }, (_, i) => `  File "/app/r.py", line ${i + 1}, in f${i}`);
  const text = ['2026-02-08 12:00:00,001 ERROR boom', 'Traceback (most recent call last):', ...frames, 'RecursionError: maximum recursion depth exceeded', '2026-02-08 12:00:01,002 INFO next'].join('\n') + '\n';
  f.push(Buffer.from(text), (l) => {
    ml.push({ ...l, text: Buffer.from(l.text) });
    // Nothing of the traceback is emitted before its last part: the parts are held.
    if (!l.text.toString().startsWith('2026-02-08 12:00:01')) assert.equal(out.length, 0);
  });
  ml.flush();
  ml.stop();
  assert.deepEqual(out.map((l) => l.text.toString().split('\n').length), [4, 4, 4, 1]);
  assert.deepEqual(out.map((l) => l.cut), [{ part: 1, parts: 3, firstStart: 0 }, { part: 2, parts: 3, firstStart: 0 }, { part: 3, parts: 3, firstStart: 0 }, undefined]);
  assert.match(out[2]!.text.toString(), /RecursionError: maximum recursion depth exceeded$/);
  out.slice(1).forEach((l, i) => assert.equal(l.start, out[i]!.end, 'no line lost between the parts'));
});

// Rust's tracing-subscriber 0.3.23 (its default fmt, which colours a file or
// pipe too) and a panic, as a program built by rustc 1.95 wrote them.
const TRACING = [
  '\u001b[2m2026-12-07T23:32:52.457102Z\u001b[0m \u001b[32m INFO\u001b[0m \u001b[2mrtr\u001b[0m\u001b[2m:\u001b[0m pricing order \u001b[3morder\u001b[0m\u001b[2m=\u001b[0m42',
  '\u001b[2m2026-12-07T23:32:52.457175Z\u001b[0m \u001b[31mERROR\u001b[0m \u001b[2mrtr\u001b[0m\u001b[2m:\u001b[0m price table',
  'missing sku A-17',
  '',
  "thread 'main' (1717) panicked at src/main.rs:6:27:",
  'sku missing from price table',
  'stack backtrace:',
  '   0: __rustc::rust_begin_unwind',
].join('\n') + '\n';

test('patterns are tested on a line without its terminal colour codes; the event keeps them', () => {
  const out = run(TRACING, { start: '^(\\d{4}-\\d{2}-\\d{2}|thread .* panicked at )' });
  assert.deepEqual(out.map((l) => l.text.toString().split('\n').length), [1, 2, 4]);
  assert.match(out[1]!.text.toString(), /^\u001b\[2m2026-12-07T23:32:52\.457175Z\u001b\[0m \u001b\[31mERROR.*\nmissing sku A-17$/);
  assert.match(out[2]!.text.toString(), /^thread 'main' \(1717\) panicked at/);
});
