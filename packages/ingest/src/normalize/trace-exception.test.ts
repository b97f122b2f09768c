/**
 * Exceptions read from traces as runtimes print them (copied from CPython
 * 3.11, JDK 17, Go 1.x, rustc 1.92 and Node 20 output; test/src/runtime-traces.test.ts
 * runs the runtimes themselves), and text that must give nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceException } from './trace-exception.js';

const PY_CHAINED = `2026-12-07 23:18:27,001 ERROR orders.worker charge for order 42 failed
Traceback (most recent call last):
  File "/app/worker.py", line 6, in <module>
    {}["customer_id"]
    ~~^^^^^^^^^^^^^^^
KeyError: 'customer_id'

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "/app/worker.py", line 9, in <module>
    raise ConnectionRefusedError("payments upstream refused")
ConnectionRefusedError: payments upstream refused`;

const PY_GROUP = `Traceback (most recent call last):
  File "/tmp/tfx/g.py", line 4, in <module>
    {}["x"]
    ~~^^^^^
KeyError: 'x'

During handling of the above exception, another exception occurred:

  + Exception Group Traceback (most recent call last):
  |   File "/tmp/tfx/g.py", line 6, in <module>
  |     f()
  |   File "/tmp/tfx/g.py", line 2, in f
  |     raise ExceptionGroup("2 order checks failed", [ValueError("qty"), TypeError("sku")])
  | ExceptionGroup: 2 order checks failed (2 sub-exceptions)
  +-+---------------- 1 ----------------
    | ValueError: qty
    +---------------- 2 ----------------
    | TypeError: sku
    +------------------------------------`;

test('Python: the outermost exception of a chain (printed last), a group, a SyntaxError, notes and bare types', () => {
  assert.deepEqual(traceException(PY_CHAINED), { type: 'ConnectionRefusedError', message: 'payments upstream refused' });
  assert.deepEqual(traceException(PY_GROUP), { type: 'ExceptionGroup', message: '2 order checks failed (2 sub-exceptions)' });
  // A group that was the context of the exception raised last: the last one is the outermost.
  assert.deepEqual(traceException(`${PY_GROUP.slice(PY_GROUP.indexOf('  + '))}\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback (most recent call last):\n  File "/a.py", line 9, in <module>\n    raise RuntimeError("gave up")\nRuntimeError: gave up`),
    { type: 'RuntimeError', message: 'gave up' });
  assert.deepEqual(traceException('Traceback (most recent call last):\n  File "<frozen runpy>", line 198, in _run_module_as_main\n  File "/app/pricing.py", line 2\n    return (order.amount +\n           ^\nSyntaxError: \'(\' was never closed'),
    { type: 'SyntaxError', message: "'(' was never closed" });
  assert.deepEqual(traceException('  File "/app/pricing.py", line 2\n    return (order.amount +\n           ^\nSyntaxError: \'(\' was never closed'),
    { type: 'SyntaxError', message: "'(' was never closed" });
  // A message of two lines, then a note (add_note): the exception's first line.
  assert.deepEqual(traceException('Traceback (most recent call last):\n  File "/tmp/tfx/n.py", line 3, in <module>\n    raise e\nValueError: bad\nsecond line\nretry: later'),
    { type: 'ValueError', message: 'bad' });
  assert.deepEqual(traceException('Traceback (most recent call last):\r\n  File "<string>", line 1, in <module>\r\nKeyboardInterrupt\r'), { type: 'KeyboardInterrupt' });
  assert.deepEqual(traceException('Traceback (most recent call last):\n  File "/app/v.py", line 1, in get\nrequests.exceptions.ConnectionError: refused'),
    { type: 'requests.exceptions.ConnectionError', message: 'refused' });
});

test('JVM: the uncaught exception, or a logged trace\'s top exception, never a Caused by', () => {
  assert.deepEqual(traceException('Exception in thread "main" java.lang.IllegalStateException: orders worker crashed\n\tat Crash.main(Crash.java:24)\nCaused by: java.lang.RuntimeException: queue closed\n\t... 1 more'),
    { type: 'java.lang.IllegalStateException', message: 'orders worker crashed' });
  assert.deepEqual(traceException('Exception in thread "main" java.lang.StackOverflowError\n\tat Crash.f(Crash.java:3)'), { type: 'java.lang.StackOverflowError' });
  assert.deepEqual(traceException('2026-12-07T23:18:27.123 ERROR order 42 failed\njava.lang.IllegalArgumentException: bad order id x42\n\tat Crash.load(Crash.java:7)\n\tSuppressed: java.lang.IllegalStateException: socket close failed\n\t\tat Crash$Connection.close(Crash.java:4)\nCaused by: java.lang.NumberFormatException: For input string: "x42"\n\t... 3 more'),
    { type: 'java.lang.IllegalArgumentException', message: 'bad order id x42' });
  // java.util.logging: the level line is not an exception; a message's indented lines are not either.
  assert.deepEqual(traceException('Dec 07, 2026 11:18:21 PM com.example.Orders charge\nSEVERE: order 42 failed\njava.lang.IllegalArgumentException: bad order id x42\n\tat Crash.load(Crash.java:7)'),
    { type: 'java.lang.IllegalArgumentException', message: 'bad order id x42' });
  assert.deepEqual(traceException('2026-12-07T23:18:27 ERROR order 44 not saved\njava.sql.SQLException: ERROR: duplicate key value violates unique constraint "orders_pkey"\n  Detail: Key (id)=(44) already exists.\n\tat Crash.main(Crash.java:22)'),
    { type: 'java.sql.SQLException', message: 'ERROR: duplicate key value violates unique constraint "orders_pkey"' });
  // A logger's name before a colon is not a class.
  assert.equal(traceException('orders.worker: charge failed\n\tat somewhere'), undefined);
});

test('Go, Rust and Node: panics and uncaught errors', () => {
  assert.deepEqual(traceException('panic: runtime error: index out of range [5] with length 3\n\ngoroutine 1 [running]:\nmain.main()\n\t/tmp/tfx/r.go:2 +0x9'),
    { type: 'panic', message: 'runtime error: index out of range [5] with length 3' });
  assert.deepEqual(traceException('fatal error: all goroutines are asleep - deadlock!\n\ngoroutine 1 [semacquire]:'), { type: 'fatal error', message: 'all goroutines are asleep - deadlock!' });
  // Re-panicked: the first line's panic is not the one that ended the program.
  assert.deepEqual(traceException('panic: first [recovered]\n\tpanic: second\n\ngoroutine 1 [running]:'), { type: 'panic' });
  assert.deepEqual(traceException('2026/12/07 23:18:27 http: panic serving [::1]:53412: nil map\ngoroutine 6 [running]:'), { type: 'panic', message: 'nil map' });
  assert.deepEqual(traceException("thread 'main' (15454) panicked at main.rs:2:66:\nsku missing from price table\nstack backtrace:\n   0: __rustc::rust_begin_unwind"),
    { type: 'panic', message: 'sku missing from price table' });
  assert.deepEqual(traceException("thread 'pricing-worker' panicked at src/main.rs:2:66:\nsku missing\nnote: run with `RUST_BACKTRACE=1` environment variable to display a backtrace"),
    { type: 'panic', message: 'sku missing' });
  assert.deepEqual(traceException("thread 'main' panicked at 'sku missing', src/main.rs:2:5"), { type: 'panic', message: 'sku missing' });
  assert.deepEqual(traceException("thread 'main' panicked at src/main.rs:2:5:\nsku missing\nand then a line no panic prints"), { type: 'panic' });
  assert.deepEqual(traceException("/tmp/tfx/c.js:1\nfunction f() { null.x; }\n                    ^\n\nTypeError: Cannot read properties of null (reading 'x')\n    at f (/tmp/tfx/c.js:1:21)\n\nNode.js v20.20.2"),
    { type: 'TypeError', message: "Cannot read properties of null (reading 'x')" });
  assert.deepEqual(traceException('node:fs:750\n  return binding.read(fd, buffer, offset, length, position);\n                 ^\n\nError: EBADF: bad file descriptor, read\n    at Object.readSync (node:fs:750:18)\n{\n  errno: -9\n}\n\nNode.js v20.20.2'),
    { type: 'Error', message: 'EBADF: bad file descriptor, read' });
  // A thrown string has no type.
  assert.equal(traceException('[eval]:1\nthrow "x"\n^\nx\n(Use `node --trace-uncaught ...` to show where the exception was thrown)\n\nNode.js v20.20.2'), undefined);
});

test('text that is not a trace gives nothing', () => {
  for (const text of [
    'ERROR: disk full', 'KeyError: x', 'Traceback (most recent call last): is what Python prints', 'the thread \'main\' panicked at lunch',
    '  File "/app/orders/views.py", line 41, in get', 'Traceback (most recent call last):\n  File "/a.py", line 1, in f',
    '2026-12-07 INFO starting\nconfig.Loader: ok', 'java.lang.Exception: no frames here', 'a panic: in the middle',
  ]) {
    assert.equal(traceException(text), undefined, text);
  }
});
