/**
 * Uncaught exceptions and java.util.logging records as the runtimes print
 * them (first lines copied from JDK 17, CPython 3.11, rustc 1.92 and Node 20
 * output; test/src/runtime-traces.test.ts runs the runtimes themselves).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sniffPlainText } from './sniff-plain-text.js';

const NOW = Date.parse('2026-12-07T23:30:00Z');
const sniff = (text: string, zone = 'UTC') => sniffPlainText(text, zone, NOW);

test('an uncaught exception as its runtime prints it is an error; one that ends the program is critical', () => {
  const cases: [string, string | undefined][] = [
    ['Traceback (most recent call last):\n  File "/app/worker.py", line 18, in <module>\n    parse("seven")\nRuntimeError: order quantity unreadable', 'error'],
    ['Traceback (most recent call last):\r\n  File "/app/worker.py", line 18, in <module>', 'error'],
    ['Exception in thread "main" java.lang.IllegalStateException: orders worker crashed\n\tat Crash.main(Crash.java:20)', 'error'],
    ['Exception in thread "pool-1-thread-3" java.lang.OutOfMemoryError: Java heap space', 'error'],
    ["thread 'main' (15454) panicked at main.rs:2:66:\nsku missing from price table\nstack backtrace:", 'critical'],
    ["thread 'main' panicked at src/main.rs:2:66:\nsku missing", 'critical'],
    ["thread 'tokio-runtime-worker' panicked at src/pricing.rs:9:5:\nsku missing", 'error'],
    ['/app/checkout.js:2\nfunction charge() { throw new Error(\'x\'); }\n                    ^\n\nError: x\n    at charge (/app/checkout.js:2:27)\n\nNode.js v20.20.2', 'critical'],
    ['node:internal/process/promises:391\n    triggerUncaughtException(err, true /* fromPromise */);\n    ^\n\nError: refused\n\nNode.js v22.1.0', 'critical'],
    ['  + Exception Group Traceback (most recent call last):\n  |   File "/app/checks.py", line 8, in <module>\n  | ExceptionGroup: 2 order checks failed (2 sub-exceptions)', 'error'],
    ['  File "/app/pricing.py", line 2\n    return (order.amount +\n           ^\nSyntaxError: \'(\' was never closed', 'error'],
    ['  File "/app/main.py", line 2\r\n    print(1)\r\n    ^\r\nIndentationError: expected an indented block after \'if\' statement on line 1\r', 'error'],
    // Not the runtime's own words at the event's start: left as before.
    ['2026-12-07 23:18:27,001 INFO orders.worker worker idle\nTraceback (most recent call last):\n  File "/app/w.py"', 'info'],
    ['Traceback (most recent call last): is what Python prints', undefined],
    ['the thread \'main\' panicked at lunch', undefined],
    ['/app/checkout.js:2\nsomething else', undefined],
    ['localhost:8080', undefined],
    // A frame line alone (no multiline), or a traceback's frames without its end: no level.
    ['  File "/app/orders/views.py", line 41, in get', undefined],
    ['  File "/app/pricing.py", line 2\n    return (order.amount +', undefined],
  ];
  for (const [text, level] of cases) assert.equal(sniff(text).level, level, text);
});

test("java.util.logging's two-line records: local time, the calling class as logger, the level on the second line", () => {
  const severe = sniff('Dec 07, 2026 11:18:21 PM com.example.Orders charge\nSEVERE: order 42 failed\njava.lang.IllegalArgumentException: bad order id x42');
  assert.deepEqual(severe, { time: Date.parse('2026-12-07T23:18:21Z'), logger: 'com.example.Orders', level: 'error' });
  assert.deepEqual(sniff('Dec 7, 2026 12:05:09 AM Crash main\r\nWARNING: order 43 slow', 'Europe/Berlin'),
    { time: Date.parse('2026-12-06T23:05:09Z'), logger: 'Crash', level: 'warning' });
  assert.equal(sniff('Dec 07, 2026 12:00:00 PM Crash main\nFINE: cache warmed').level, 'debug');
  assert.equal(sniff('Dec 07, 2026 12:00:00 PM Crash main\nFINE: cache warmed').time, Date.parse('2026-12-07T12:00:00Z'));
  // The header alone (no multiline joining it to its level line) is not read as one.
  assert.deepEqual(sniff('Dec 07, 2026 11:18:21 PM com.example.Orders charge'), {});
});
