/**
 * Stack traces as real runtimes print them (javac + java, python3, go, rustc,
 * node with pino), shipped by a real agent with docs/AGENT.md's multiline
 * lines as written there (read from the file, so the docs and this test
 * cannot drift), then searched for by the words a user would type. Each
 * program runs here rather than from captured output: one small file per
 * runtime compiles and runs in a second or two (Go's cold build cache: ~20 s
 * once). Only tracing-subscriber's coloured lines are captured (TRACING:
 * building it needs crates.io). A runtime missing from the machine skips
 * its test and says so.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, repoRoot, search, startAgent, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';
import { waitForAcknowledged } from './agent-support.js';

/** The `multiline:` line docs/AGENT.md gives under `# <title>`, with a short timeout for the last event. */
function docsMultiline(title: string): string {
  const lines = readFileSync(join(repoRoot, 'docs/AGENT.md'), 'utf8').split('\n');
  const at = lines.indexOf(`# ${title}`);
  const line = at >= 0 ? lines[at + 1] ?? '' : '';
  assert.ok(line.startsWith('multiline: {'), `docs/AGENT.md has no multiline line under "# ${title}"`);
  return line.slice('multiline: '.length).replace(/ }$/, ', timeout_ms: 300 }');
}

const installed = (cmd: string): boolean => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).error === undefined;
const skipUnless = (...cmds: string[]): { skip?: string } => {
  const missing = cmds.filter((c) => !installed(c));
  return missing.length > 0 ? { skip: `${missing.join(', ')} not installed` } : {};
};

/** Runs a program with its stdout and stderr appended to `file`, as a unit's `StandardOutput=append:` does. */
function runInto(file: string, cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): number | null {
  const fd = openSync(file, 'a');
  try {
    const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', fd, fd], timeout: 120_000 });
    if (r.error) throw r.error;
    return r.status;
  } finally {
    closeSync(fd);
  }
}

function compile(cmd: string, args: string[], cwd: string, env: Record<string, string> = {}): void {
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
}

const JAVA = `import java.util.logging.*;
public class Crash {
  static class Connection implements AutoCloseable {
    public void close() { throw new IllegalStateException("socket close failed", new java.io.IOException("broken pipe")); }
  }
  static void load(String id) {
    try { Integer.parseInt(id); } catch (NumberFormatException e) { throw new IllegalArgumentException("bad order id " + id, e); }
  }
  static void process() { try (Connection c = new Connection()) { load("x42"); } }
  public static void main(String[] args) {
    if (args[0].equals("jul")) {
      Logger log = Logger.getLogger("com.example.Orders");
      log.info("order service started");
      try { process(); } catch (RuntimeException e) { log.log(Level.SEVERE, "order 42 failed", e); }
      log.warning("order 43 slow");
      return;
    }
    System.err.println(java.time.LocalDateTime.now() + " ERROR order 42 failed");
    try { process(); } catch (RuntimeException e) { e.printStackTrace(); }
    System.err.println(java.time.LocalDateTime.now() + " INFO order 43 placed");
    // PostgreSQL's JDBC driver words a server error on indented lines of the message.
    try { throw new java.sql.SQLException("ERROR: duplicate key value violates unique constraint \\"orders_pkey\\"\\n  Detail: Key (id)=(44) already exists.", "23505"); }
    catch (java.sql.SQLException e) { System.err.println(java.time.LocalDateTime.now() + " ERROR order 44 not saved"); e.printStackTrace(); }
    throw new IllegalStateException("orders worker crashed", new RuntimeException("queue closed"));
  }
}
`;

const PYTHON = `import logging, sys
logging.basicConfig(filename=sys.argv[1], format="%(asctime)s %(levelname)s %(name)s %(message)s", level=logging.INFO)
log = logging.getLogger("orders.worker")
log.info("worker started")
try:
    {}["customer_id"]
except KeyError:
    try:
        raise ConnectionRefusedError("payments upstream refused")
    except ConnectionRefusedError:
        log.exception("charge for order 42 failed")
log.info("worker idle")
def parse(v):
    try:
        return int(v)
    except ValueError as e:
        raise RuntimeError("order quantity unreadable") from e
parse("seven")
`;

const RUST = `use std::collections::HashMap;
fn price(m: &HashMap<&str, u32>, sku: &str) -> u32 { *m.get(sku).expect("sku missing from price table") }
fn main() {
    let now = std::env::args().nth(1).unwrap();
    eprintln!("{now}  INFO shop: pricing order 42");
    let worker = std::thread::Builder::new().name("pricing-worker".into()).spawn(|| price(&HashMap::new(), "B-9")).unwrap();
    let _ = worker.join();
    eprintln!("{now}  WARN shop: pricing worker lost");
    println!("{}", price(&HashMap::new(), "A-17"));
}
`;

const GO = `package main

import (
	"log"
	"sync"
)

type Server struct{ cache map[string]*int }

func (s *Server) handle(id string) int { return *s.cache[id] }

func main() {
	s := &Server{cache: map[string]*int{}}
	log.Printf("handling order %s", "42")
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); s.handle("42") }()
	wg.Wait()
}
`;

/**
 * Rust's tracing-subscriber 0.3.23 (its default fmt, which colours a file or
 * pipe too) and a panic, as a program built by rustc 1.95 with cargo wrote
 * them: captured, not built here, because the build fetches crates from
 * crates.io and compiles them (33 s on this machine). The date is made
 * yesterday's (its time of day is fixed: today's could be ahead of now).
 */
const TRACING_DAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const TRACING = [
  '\u001b[2m2026-12-07T23:32:52.457102Z\u001b[0m \u001b[32m INFO\u001b[0m \u001b[2mrtr\u001b[0m\u001b[2m:\u001b[0m pricing order \u001b[3morder\u001b[0m\u001b[2m=\u001b[0m42',
  '\u001b[2m2026-12-07T23:32:52.457175Z\u001b[0m \u001b[31mERROR\u001b[0m \u001b[2mrtr\u001b[0m\u001b[2m:\u001b[0m price table',
  'missing sku A-17',
  '',
  "thread 'main' (1717) panicked at src/main.rs:6:27:",
  'sku missing from price table',
  'stack backtrace:',
  '   0: __rustc::rust_begin_unwind',
  '             at /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/std/src/panicking.rs:689:5',
  '   1: core::panicking::panic_fmt',
  '             at /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/panicking.rs:80:14',
  '   2: core::option::expect_failed',
  '             at /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/option.rs:2245:5',
  '   3: rtr::main',
  '             at ./src/main.rs:6:27',
  'note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.',
].join('\n').replaceAll('2026-12-07', TRACING_DAY) + '\n';

const NODE_CRASH = `console.error(new Date().toISOString() + ' INFO checkout started');
function charge() { throw new Error('charge declined for order 42', { cause: new TypeError('amount is not a number') }); }
charge();
`;

const NODE_PINO = `const log = require(process.env.PINO)();
log.info('checkout started');
log.error(new Error('charge declined for order 42', { cause: new TypeError('amount is not a number') }), 'charge failed');
`;

describe('stack traces from real runtimes', () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-traces-');
    server = await startServer({ dataDir: join(root, 'server') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  /** Ships `files` (each with its docs multiline line, or none) as job `job` until `n` events are stored; once every file is acknowledged to its end they are still `n`. */
  async function ship(job: string, files: [string, string | null][], n: number): Promise<Record<string, unknown>[]> {
    const yaml = [
      'server:', `  url: ${server.url}`, `data_dir: ${join(root, `agent-${job}`)}`, 'batch: { max_age_ms: 100 }', 'log_level: warn', 'sources:',
      ...files.flatMap(([file, multiline], i) => [
        '  - type: file', `    name: ${job}-${i}`, `    include: [${JSON.stringify(file)}]`, `    labels: { job: ${job} }`, '    poll_interval_ms: 250',
        ...(multiline ? [`    multiline: ${multiline}`] : []),
      ]),
      '',
    ].join('\n');
    const agent = await startAgent(yaml, join(root, `agent-${job}.yaml`));
    const all = async () => (await search(server.url, `job:"${job}"`, { limit: 100, sort: 'asc' })).hits;
    await waitFor(async () => (await all()).length >= n, { timeoutMs: 30_000, what: `${n} events of ${job}` });
    // Every file acknowledged to its end (the agent's /files, on the port the harness gave it): nothing more is to come.
    await waitForAcknowledged(agent.metricsPort!, files.map(([file]) => file));
    const hits = await all();
    assert.equal(hits.length, n, hits.map((h) => `[${String(h.level)}] ${String(h.message)}`).join('\n---\n'));
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
    return hits;
  }

  /** How many events of `job` the words find. */
  const found = async (job: string, q: string): Promise<number> => (await search(server.url, `job:"${job}" AND (${q})`, { limit: 100 })).hits.length;
  /**
   * The one event whose message starts with `start` (and holds `holding`):
   * found by its text, since id-less lines received together can tie on
   * their time and come back in either order.
   */
  const messageOf = (hits: Record<string, unknown>[], start: string, holding = ''): string => {
    const all = hits.map((h) => String(h.message));
    const m = all.filter((t) => t.startsWith(start) && t.includes(holding));
    assert.equal(m.length, 1, `one event starting with ${start}${holding ? ` holding ${holding}` : ''}: ${all.join('\n---\n')}`);
    return m[0]!;
  };
  const levelOf = (hits: Record<string, unknown>[], start: string, holding = ''): unknown => {
    const m = messageOf(hits, start, holding);
    return hits.find((h) => h.message === m)?.level;
  };
  /** The exception read from an event's trace, ECS style: [error.type, error.message]. */
  const errorOf = (hit: Record<string, unknown> | undefined): [unknown, unknown] => [hit?.['error.type'], hit?.['error.message']];
  /** `error.type`'s values among a job's events and how many have each, as the field sidebar and `stats count by` count them. */
  const errorTypes = async (job: string): Promise<Record<string, number>> => {
    const q = new URLSearchParams({ q: `job:"${job}"`, from: 'now-2d', to: 'now+1h', type: 'terms', field: 'error.type', size: '20' });
    const res = await fetch(`${server.url}/api/v1/aggregate?${q}`);
    const body = (await res.json()) as { buckets?: { key: string; count: number }[] };
    assert.equal(res.status, 200, JSON.stringify(body));
    return Object.fromEntries((body.buckets ?? []).map((b) => [b.key, b.count]));
  };

  test('Java: suppressed exceptions and their causes stay in the trace; java.util.logging records are read; an uncaught exception is an error', skipUnless('javac', 'java'), async () => {
    const dir = join(root, 'java');
    await mkdir(dir);
    await writeFile(join(dir, 'Crash.java'), JAVA);
    compile('javac', ['Crash.java'], dir);
    // java.util.logging writes the JVM's local time: UTC here, as the server reads it.
    runInto(join(dir, 'jul.log'), 'java', ['Crash', 'jul'], dir, { TZ: 'UTC' });
    assert.equal(runInto(join(dir, 'stderr.log'), 'java', ['Crash', 'print'], dir), 1, 'the uncaught exception ends the JVM with status 1');

    const jul = await ship('java-jul', [[join(dir, 'jul.log'), docsMultiline("Java: java.util.logging's default two-line SimpleFormatter")]], 3);
    const severe = jul.find((h) => String(h.message).includes('SEVERE: order 42 failed'));
    assert.ok(severe, jul.map((h) => String(h.message)).join('\n---\n'));
    const trace = String(severe.message);
    assert.match(trace, /\nSEVERE: order 42 failed\njava\.lang\.IllegalArgumentException: bad order id x42\n\tat Crash\.load\(Crash\.java:7\)/);
    assert.match(trace, /\n\tSuppressed: java\.lang\.IllegalStateException: socket close failed\n\t\tat Crash\$Connection\.close/);
    assert.match(trace, /\n\tCaused by: java\.io\.IOException: broken pipe\n/);
    assert.match(trace, /\nCaused by: java\.lang\.NumberFormatException: For input string: "x42"\n[\s\S]*\t\.\.\. \d+ more$/);
    assert.equal(severe.level, 'error');
    assert.equal(severe.logger, 'Crash', "the class that logged, as SimpleFormatter's header names it");
    assert.ok(Math.abs(Date.parse(String(severe['@timestamp'])) - Date.now()) < 10 * 60_000, `the record's own time: ${String(severe['@timestamp'])}`);
    assert.equal(jul.find((h) => String(h.message).includes('WARNING: order 43 slow'))?.level, 'warning');
    assert.equal(jul.find((h) => String(h.message).includes('INFO: order service started'))?.level, 'info');
    assert.deepEqual(errorOf(severe), ['java.lang.IllegalArgumentException', 'bad order id x42'], 'the top exception, not a suppressed one or a cause');
    assert.deepEqual(errorOf(jul.find((h) => String(h.message).includes('WARNING: order 43 slow'))), [undefined, undefined]);
    for (const q of ['NumberFormatException', 'Suppressed', '"socket close failed"', '"broken pipe"', '"Caused by"', '"Crash.java:7"']) {
      assert.equal(await found('java-jul', q), 1, q);
    }

    const printed = await ship('java-print', [[join(dir, 'stderr.log'), docsMultiline('Java: logback, log4j, printStackTrace()')]], 4);
    const logged = String(printed.find((h) => String(h.message).includes(' ERROR order 42 failed'))?.message);
    assert.match(logged, /^\d{4}-\d{2}-\d{2}T[\d:.]+ ERROR order 42 failed\njava\.lang\.IllegalArgumentException: bad order id x42\n/);
    assert.match(logged, /\n\tSuppressed: java\.lang\.IllegalStateException: socket close failed\n[\s\S]*\n\tCaused by: java\.io\.IOException: broken pipe\n[\s\S]*\nCaused by: java\.lang\.NumberFormatException/);
    const uncaught = messageOf(printed, 'Exception in thread "main" java.lang.IllegalStateException: orders worker crashed\n');
    assert.match(uncaught, /\nCaused by: java\.lang\.RuntimeException: queue closed\n\t\.\.\. 1 more$/);
    assert.equal(levelOf(printed, 'Exception in thread'), 'error', 'an uncaught exception is an error');
    assert.equal(await found('java-print', '"orders worker crashed"'), 1);
    const unsaved = String(printed.find((h) => String(h.message).includes(' ERROR order 44 not saved'))?.message);
    assert.match(unsaved, /\njava\.sql\.SQLException: ERROR: duplicate key value violates unique constraint "orders_pkey"\n {2}Detail: Key \(id\)=\(44\) already exists\.\n\tat Crash\.main\(Crash\.java:\d+\)$/);
    assert.equal(await found('java-print', '"already exists" AND "Crash.java"'), 1, 'the message\'s indented line and the frames under it are one event');
    assert.equal(await found('java-print', 'level:error'), 3, 'the two logged failures and the uncaught exception');
    assert.equal(await found('java-print', 'Suppressed AND NumberFormatException'), 1, 'the suppressed exception is in the trace it belongs to');
    assert.deepEqual(errorOf(printed.find((h) => h.message === uncaught)), ['java.lang.IllegalStateException', 'orders worker crashed'], 'the uncaught exception, not its cause');
    assert.deepEqual(errorOf(printed.find((h) => String(h.message) === logged)), ['java.lang.IllegalArgumentException', 'bad order id x42']);
    assert.deepEqual(errorOf(printed.find((h) => String(h.message) === unsaved)), ['java.sql.SQLException', 'ERROR: duplicate key value violates unique constraint "orders_pkey"']);
    assert.deepEqual(await errorTypes('java-print'), { 'java.lang.IllegalStateException': 1, 'java.lang.IllegalArgumentException': 1, 'java.sql.SQLException': 1 });
  });

  test('Python: chained tracebacks are one event; an uncaught traceback and a SyntaxError (from an import, and of the script run) are errors', skipUnless('python3'), async () => {
    const dir = join(root, 'python');
    await mkdir(dir);
    await writeFile(join(dir, 'worker.py'), PYTHON);
    await writeFile(join(dir, 'pricing.py'), 'def total(order):\n    return (order.amount +\n            order.tax\n');
    // The records go to app.log; the interpreter's uncaught traceback to stderr, as under systemd.
    assert.equal(runInto(join(dir, 'stderr.log'), 'python3', ['worker.py', join(dir, 'app.log')], dir), 1);
    assert.equal(runInto(join(dir, 'import.log'), 'python3', ['-c', 'import pricing'], dir), 1);
    // Run as the script itself, the SyntaxError has no Traceback line.
    assert.equal(runInto(join(dir, 'script.log'), 'python3', ['pricing.py'], dir), 1);
    const dated = docsMultiline('Python logging, records starting with their date');

    const hits = await ship('py', [[join(dir, 'app.log'), dated], [join(dir, 'stderr.log'), dated], [join(dir, 'import.log'), dated], [join(dir, 'script.log'), dated]], 6);
    const logged = hits.find((h) => String(h.message).includes(' ERROR orders.worker charge for order 42 failed\nTraceback'));
    assert.ok(logged, hits.map((h) => String(h.message)).join('\n---\n'));
    assert.match(String(logged.message), /KeyError: 'customer_id'\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback \(most recent call last\):\n[\s\S]*\nConnectionRefusedError: payments upstream refused$/);
    assert.equal(logged.level, 'error');
    const uncaught = messageOf(hits, 'Traceback (most recent call last):\n  File', 'RuntimeError');
    assert.match(uncaught, /ValueError: invalid literal for int\(\) with base 10: 'seven'\n\nThe above exception was the direct cause of the following exception:\n\nTraceback[\s\S]*\nRuntimeError: order quantity unreadable$/);
    assert.equal(hits.find((h) => h.message === uncaught)?.level, 'error', 'an uncaught traceback is an error');
    const syntax = hits.find((h) => String(h.message).startsWith('Traceback') && String(h.message).includes('SyntaxError'));
    assert.match(String(syntax?.message), /^Traceback \(most recent call last\):\n[\s\S]*File ".*pricing\.py", line 2\n {4}return \(order\.amount \+\n +\^\nSyntaxError: '\(' was never closed$/);
    assert.equal(syntax?.level, 'error');
    const script = messageOf(hits, '  File "');
    assert.match(script, /^ {2}File ".*pricing\.py", line 2\n {4}return \(order\.amount \+\n +\^\nSyntaxError: '\(' was never closed$/);
    assert.equal(levelOf(hits, '  File "'), 'error');
    assert.equal(await found('py', 'level:error'), 4);
    // The outermost exception of each chain, which Python prints last.
    assert.deepEqual(errorOf(logged), ['ConnectionRefusedError', 'payments upstream refused']);
    assert.deepEqual(errorOf(hits.find((h) => h.message === uncaught)), ['RuntimeError', 'order quantity unreadable']);
    assert.deepEqual(errorOf(syntax), ['SyntaxError', "'(' was never closed"]);
    assert.deepEqual(errorOf(hits.find((h) => h.message === script)), ['SyntaxError', "'(' was never closed"]);
    assert.deepEqual(await errorTypes('py'), { SyntaxError: 2, ConnectionRefusedError: 1, RuntimeError: 1 });
    assert.equal(await found('py', 'error.type:SyntaxError'), 2);
    assert.equal(await found('py', 'error.type:RuntimeError'), 1, 'not the ValueError it was raised from');
    for (const [q, n] of [['customer_id', 1], ['ConnectionRefusedError', 1], ['"direct cause"', 1], ['"order quantity unreadable"', 1], ['SyntaxError', 2], ['"never closed"', 2], ['"pricing.py"', 2], ['"worker.py"', 2]] as const) {
      assert.equal(await found('py', q), n, q);
    }
  });

  test('Go: a panic with every goroutine (GOTRACEBACK=all) is one critical event; the log.Printf line before it is its own', skipUnless('go'), async () => {
    const dir = join(root, 'go');
    await mkdir(dir);
    await writeFile(join(dir, 'main.go'), GO);
    // Built, not `go run` (which adds its own `exit status 2` line): 0.5 s with Go's build cache warm, about 20 s cold on 2 cores.
    compile('go', ['build', '-o', 'shop', 'main.go'], dir, { GOTOOLCHAIN: 'local', GOFLAGS: '' });
    assert.equal(runInto(join(dir, 'shop.log'), join(dir, 'shop'), [], dir, { GOTRACEBACK: 'all' }), 2);

    const hits = await ship('go', [[join(dir, 'shop.log'), docsMultiline('Go: panics and fatal errors')]], 2);
    const panic = messageOf(hits, 'panic: runtime error: invalid memory address or nil pointer dereference\n');
    assert.match(panic, /^panic: .*\n\[signal SIGSEGV: [^\n]*\]\n\ngoroutine \d+ \[running\]:\nmain\.\(\*Server\)\.handle\(\.\.\.\)\n\t.*\/main\.go:10\n[\s\S]*\ncreated by main\.main in goroutine 1\n\t.*\/main\.go:\d+ \+0x[0-9a-f]+\n\ngoroutine 1 \[/);
    assert.equal(levelOf(hits, 'panic: '), 'critical', 'the program ended');
    assert.match(messageOf(hits, `${new Date().getFullYear()}/`), /^\d{4}\/\d{2}\/\d{2} [\d:]+ handling order 42$/);
    assert.equal(await found('go', '"nil pointer dereference"'), 1);
    assert.deepEqual(errorOf(hits.find((h) => h.message === panic)), ['panic', 'runtime error: invalid memory address or nil pointer dereference']);
    assert.equal(await found('go', 'error.type:panic'), 1);
    assert.equal(await found('go', '"main.go" AND handle'), 1);
    assert.equal(await found('go', 'goroutine AND SIGSEGV'), 1);
  });

  test("Rust: a panic with RUST_BACKTRACE=1 is one event; the main thread's is critical, another thread's an error", skipUnless('rustc'), async () => {
    const dir = join(root, 'rust');
    await mkdir(dir);
    await writeFile(join(dir, 'main.rs'), RUST);
    compile('rustc', ['-g', '-o', 'shop', 'main.rs'], dir);
    const now = new Date().toISOString();
    assert.equal(runInto(join(dir, 'shop.log'), join(dir, 'shop'), [now], dir, { RUST_BACKTRACE: '1' }), 101);

    await writeFile(join(dir, 'tracing.log'), TRACING);
    const rust = docsMultiline("Rust: records starting with their date (tracing's), panics");
    const hits = await ship('rust', [[join(dir, 'shop.log'), rust], [join(dir, 'tracing.log'), rust]], 7);
    // The panic of the program built here (tracing.log's has the thread id 1717).
    const built = hits.filter((h) => !String(h.message).startsWith("thread 'main' (1717)"));
    const main = messageOf(built, "thread 'main'");
    assert.match(main, /^thread 'main' (\(\d+\) )?panicked at main\.rs:2:\d+:\nsku missing from price table\nstack backtrace:\n[\s\S]*main::price\n +at \.\/main\.rs:2:\d+\n[\s\S]*\nnote: .*RUST_BACKTRACE=full/);
    assert.equal(levelOf(built, "thread 'main'"), 'critical', 'the program ended');
    assert.match(messageOf(hits, "thread 'pricing-worker'"), /panicked at main\.rs:2:\d+:\nsku missing from price table\nstack backtrace:/);
    assert.equal(levelOf(hits, "thread 'pricing-worker'"), 'error', 'the program went on');
    assert.equal(levelOf(hits, now, ' INFO shop'), 'info');
    assert.equal(levelOf(hits, now, ' WARN shop'), 'warning');
    assert.equal(await found('rust', '"sku missing from price table"'), 3);
    assert.deepEqual(errorOf(built.find((h) => h.message === main)), ['panic', 'sku missing from price table']);
    assert.deepEqual(errorOf(hits.find((h) => String(h.message).startsWith("thread 'pricing-worker'"))), ['panic', 'sku missing from price table']);
    assert.deepEqual(await errorTypes('rust'), { panic: 3 });
    assert.equal(await found('rust', 'panicked AND "main.rs"'), 3);
    // tracing's coloured records: each its own event, stored as a terminal shows them, time and level read.
    const info = hits.find((h) => h.message === `${TRACING_DAY}T23:32:52.457102Z  INFO rtr: pricing order order=42`);
    assert.equal(info?.level, 'info', hits.map((h) => JSON.stringify(h.message)).join('\n'));
    assert.equal(info?.['@timestamp'], `${TRACING_DAY}T23:32:52.457Z`);
    assert.equal(hits.find((h) => h.message === `${TRACING_DAY}T23:32:52.457175Z ERROR rtr: price table\nmissing sku A-17`)?.level, 'error');
    assert.equal(hits.filter((h) => String(h.message).startsWith("thread 'main'")).every((h) => h.level === 'critical'), true);
    assert.equal(await found('rust', 'level:error AND "missing sku"'), 1);
    assert.equal(await found('rust', '"0m" OR "32m"'), 0, 'no colour code among the words');
  });

  test("Node: an uncaught Error with a cause is one critical event; pino's err is searchable by its cause", skipUnless('node'), async () => {
    const dir = join(root, 'node');
    await mkdir(dir);
    await writeFile(join(dir, 'checkout.js'), NODE_CRASH);
    await writeFile(join(dir, 'pino-app.js'), NODE_PINO);
    assert.equal(runInto(join(dir, 'checkout.log'), process.execPath, ['checkout.js'], dir), 1);
    runInto(join(dir, 'pino.log'), process.execPath, ['pino-app.js'], dir, { PINO: createRequire(import.meta.url).resolve('pino') });

    const hits = await ship('node', [[join(dir, 'checkout.log'), docsMultiline('Node: records starting with their date, uncaught exceptions')], [join(dir, 'pino.log'), null]], 4);
    const crash = messageOf(hits, `${join(dir, 'checkout.js')}:2\n`);
    assert.match(crash, /\n\nError: charge declined for order 42\n {4}at charge \(.*checkout\.js:2:\d+\)\n[\s\S]*\[cause\]: TypeError: amount is not a number\n[\s\S]*\n}\n\nNode\.js v\d+\.\d+\.\d+$/);
    assert.equal(levelOf(hits, join(dir, 'checkout.js')), 'critical', 'the process ended');
    const pino = hits.find((h) => h.message === 'charge failed');
    assert.equal(pino?.level, 'error');
    assert.equal(pino?.['err.type'], 'Error');
    assert.match(String(pino?.['err.stack']), /\ncaused by: TypeError: amount is not a number\n/);
    assert.deepEqual(errorOf(hits.find((h) => h.message === crash)), ['Error', 'charge declined for order 42'], 'the uncaught error, not its cause');
    // pino's err serializer writes the causes' messages into err.message; it is the record's own.
    assert.deepEqual(errorOf(pino), ['Error', 'charge declined for order 42: amount is not a number'], "pino's err.type and err.message");
    assert.deepEqual(await errorTypes('node'), { Error: 2 });
    assert.equal(await found('node', 'TypeError'), 2);
    assert.equal(await found('node', '"amount is not a number"'), 2);
    assert.equal(await found('node', '"checkout.js"'), 1);
    assert.equal(await found('node', 'level:critical OR level:error'), 2);
  });
});
