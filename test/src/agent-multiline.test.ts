/**
 * Multiline through real processes: a Python traceback (joined by a start
 * pattern) and a Java stack trace (joined by a continuation pattern) each
 * arrive as one event, including a trace that is the last thing in its file
 * (flushed by the multiline timeout).
 */
import assert from 'node:assert/strict';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, search, startAgent, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';
import { agentYaml, waitForAcknowledged } from './agent-support.js';

// Today's date: events older than the retention period would not be stored.
const DAY = new Date().toISOString().slice(0, 10);

const PYTHON = [
  `${DAY} 12:00:00,001 INFO django.server "GET /health HTTP/1.1" 200`,
  `${DAY} 12:00:01,002 ERROR django.request Internal Server Error: /api/orders/17`,
  'Traceback (most recent call last):',
  '  File "/app/orders/views.py", line 41, in get',
  '    total = compute_total(order)',
  '  File "/app/orders/pricing.py", line 12, in compute_total',
  '    return order.amount / order.quantity',
  'ZeroDivisionError: division by zero',
  `${DAY} 12:00:02,003 INFO django.server "GET /api/orders HTTP/1.1" 200`,
].join('\n') + '\n';

const JAVA = [
  'Exception in thread "main" java.lang.IllegalStateException: inventory out of sync',
  '\tat com.example.inventory.Sync.run(Sync.java:88)',
  '\tat com.example.inventory.Main.main(Main.java:21)',
  'Caused by: java.sql.SQLTransientConnectionException: pool exhausted',
  '\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:696)',
  '\t... 2 more',
].join('\n') + '\n';

describe('agent: multiline', () => {
  let root: string;
  let server: ServerHandle;

  /** An agent reading `file` as `job`, joining its lines with `multiline` (a YAML flow map). */
  function startFileAgent(name: string, file: string, job: string, multiline: string) {
    // Its metrics port (the harness's pick) answers /files: how far the file is acknowledged.
    const yaml = agentYaml({ server: server.url, dataDir: join(root, name), include: [file], labels: { job }, source: `    multiline: ${multiline}` });
    return startAgent(yaml, join(root, `${name}.yaml`));
  }

  before(async () => {
    root = await tempDir('logship-agent-ml-');
    server = await startServer({ dataDir: join(root, 'server') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('a Python traceback and a Java stack trace each arrive as one event', async () => {
    const logs = join(root, 'logs');
    await mkdir(logs);
    const yaml = [
      'server:', `  url: ${server.url}`,
      `data_dir: ${join(root, 'agent')}`,
      'batch: { max_age_ms: 100 }',
      'log_level: warn',
      'sources:',
      '  - type: file',
      '    name: python',
      `    include: ["${logs}/django.log"]`,
      '    labels: { job: ml-python }',
      "    multiline: { start: '^\\d{4}-\\d{2}-\\d{2} ', timeout_ms: 300 }",
      '  - type: file',
      '    name: java',
      `    include: ["${logs}/java.log"]`,
      '    labels: { job: ml-java }',
      `    multiline: { continuation: '${JAVA_CONTINUATION}', timeout_ms: 300 }`,
      '',
    ].join('\n');
    await appendFile(join(logs, 'django.log'), PYTHON);
    await appendFile(join(logs, 'java.log'), JAVA);
    const agent = await startAgent(yaml, join(root, 'agent.yaml'));

    const python = await waitFor(async () => {
      const r = await search(server.url, 'job:"ml-python"', { limit: 100 });
      return r.hits.length >= 3 ? r.hits : undefined;
    }, { timeoutMs: 30_000, what: 'three python events' });
    const java = await waitFor(async () => {
      const r = await search(server.url, 'job:"ml-java"', { limit: 100 });
      return r.hits.length >= 1 ? r.hits : undefined;
    }, { timeoutMs: 30_000, what: 'the java event' });
    // Every line acknowledged: the events the lines made are all stored, none still to come.
    await waitForAcknowledged(agent.metricsPort!, [join(logs, 'django.log'), join(logs, 'java.log')]);

    assert.equal((await search(server.url, 'job:"ml-python"', { limit: 100 })).hits.length, 3, 'three python events, not nine lines');
    const tb = python.filter((h) => String(h.message).includes('Traceback'));
    assert.equal(tb.length, 1);
    const text = String(tb[0]!.message);
    assert.match(text, /Internal Server Error: \/api\/orders\/17/);
    assert.match(text, /ZeroDivisionError: division by zero/);
    assert.equal(tb[0]!.level, 'error');
    const zde = await search(server.url, 'job:"ml-python" AND ZeroDivisionError', { limit: 10 });
    assert.equal(zde.hits.length, 1, 'the whole traceback is one searchable event');

    assert.equal((await search(server.url, 'job:"ml-java"', { limit: 100 })).hits.length, 1, 'one java event, not six lines');
    const jm = String(java[0]!.message);
    assert.match(jm, /IllegalStateException/);
    assert.match(jm, /Caused by: java\.sql\.SQLTransientConnectionException/);
    assert.match(jm, /\.\.\. 2 more/);
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });

  test('a chained Python traceback keeps its blank lines; blank lines between records are not events', async () => {
    const logs = join(root, 'chained');
    await mkdir(logs);
    const chained = [
      `${DAY} 12:00:00,001 ERROR worker.tasks Task sync_orders failed`,
      'Traceback (most recent call last):',
      '  File "/app/tasks.py", line 8, in sync_orders',
      '    rows = fetch()',
      'ConnectionError: upstream closed',
      '',
      'During handling of the above exception, another exception occurred:',
      '',
      'Traceback (most recent call last):',
      '  File "/app/tasks.py", line 10, in sync_orders',
      '    retry()',
      'RuntimeError: retry budget exhausted',
      '',
      '',
      `${DAY} 12:00:01,002 INFO worker.tasks Task sync_orders retried`,
      '',
    ].join('\r\n') + '\r\n';
    await appendFile(join(logs, 'worker.log'), chained);
    const agent = await startFileAgent('agent-chained', join(logs, 'worker.log'), 'ml-chained', "{ start: '^\\d{4}-\\d{2}-\\d{2} ', timeout_ms: 300 }");
    await waitFor(async () => {
      const r = await search(server.url, 'job:"ml-chained"', { limit: 100 });
      return r.hits.length >= 2 ? r.hits : undefined;
    }, { timeoutMs: 30_000, what: 'two events' });
    await waitForAcknowledged(agent.metricsPort!, [join(logs, 'worker.log')]);
    const hits = (await search(server.url, 'job:"ml-chained"', { limit: 100 })).hits;
    assert.equal(hits.length, 2, 'the chained traceback and the next record, no blank events');
    const tb = String(hits.find((h) => String(h.message).includes('Traceback'))!.message);
    assert.match(tb, /ConnectionError: upstream closed\n\nDuring handling of the above exception, another exception occurred:\n\nTraceback/);
    assert.match(tb, /RuntimeError: retry budget exhausted$/, 'the blank lines after it are not part of it');
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });

  test("a logback record that logged an exception keeps the exception's own line, with docs/AGENT.md's Java continuation pattern", async () => {
    const logs = join(root, 'logback');
    await mkdir(logs);
    // As logback-classic 1.5 writes log.error("…", e) with its default pattern.
    const lines = [
      '12:00:00.968 [main] INFO  com.example.OrderService - order 42 placed',
      '12:00:00.983 [main] ERROR com.example.OrderService - order 42 failed',
      'java.lang.IllegalMonitorStateException: order 42 closed',
      '\tat Demo.main(Demo.java:6)',
      'Caused by: java.lang.NumberFormatException: For input string: "x"',
      '\tat java.base/java.lang.Integer.parseInt(Integer.java:668)',
      '\t... 1 common frames omitted',
      'Exception in thread "main" com.example.OrderError: order 43 lost',
      '\tat Demo.main(Demo.java:9)',
      '12:00:01.002 [main] INFO  com.example.OrderService - order 44 placed',
    ].join('\n') + '\n';
    await appendFile(join(logs, 'app.log'), lines);
    const agent = await startFileAgent('agent-logback', join(logs, 'app.log'), 'ml-logback', `{ continuation: '${JAVA_CONTINUATION}', timeout_ms: 300 }`);
    await waitFor(async () => {
      const r = await search(server.url, 'job:"ml-logback"', { limit: 100 });
      return r.hits.length >= 4 ? r.hits : undefined;
    }, { timeoutMs: 30_000, what: 'four events' });
    await waitForAcknowledged(agent.metricsPort!, [join(logs, 'app.log')]);
    const hits = (await search(server.url, 'job:"ml-logback"', { limit: 100 })).hits;
    assert.equal(hits.length, 4, hits.map((h) => h.message).join('\n---\n'));
    const failed = await search(server.url, 'job:"ml-logback" AND IllegalMonitorStateException', { limit: 10 });
    assert.equal(failed.hits.length, 1);
    assert.equal(failed.hits[0]!.level, 'error', 'the exception is part of the record that logged it');
    assert.match(String(failed.hits[0]!.message), /order 42 failed\njava\.lang\.IllegalMonitorStateException: order 42 closed\n\tat Demo/);
    assert.match(String(failed.hits[0]!.message), /\.\.\. 1 common frames omitted$/);
    assert.equal((await search(server.url, 'job:"ml-logback" AND OrderError', { limit: 10 })).hits.length, 1);
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });

  test("Go panics (GOTRACEBACK=all, a re-panic) each arrive as one event with docs/AGENT.md's Go continuation pattern; exclude_lines drops a whole event", async () => {
    const logs = join(root, 'go');
    await mkdir(logs);
    // Printed by go1.26 programs (a nil map read in a goroutine, run with
    // GOTRACEBACK=all; a recovered panic re-panicking), stderr and the
    // standard logger's stdout into one file, as a unit with
    // StandardOutput=append:/var/log/shop.log and StandardError=inherit writes them.
    const lines = [
      `${DAY.replace(/-/g, '/')} 05:55:20 listening on :8080`,
      'panic: runtime error: invalid memory address or nil pointer dereference',
      '[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x54fb8a]',
      '',
      'goroutine 20 [running]:',
      'main.(*Server).handle(...)',
      '\t/app/shop/main.go:14',
      'main.main.func1()',
      '\t/app/shop/main.go:24 +0x12a',
      'created by main.main in goroutine 1',
      '\t/app/shop/main.go:22 +0xeb',
      '',
      'goroutine 1 [runnable]:',
      'main.main()',
      '\t/app/shop/main.go:26 +0xf7',
      `${DAY.replace(/-/g, '/')} 05:55:23 order service started`,
      'panic: runtime error: index out of range [3] with length 2 [recovered]',
      '\tpanic: order total failed',
      '',
      'goroutine 1 [running]:',
      'main.(*Order).Total.func1()',
      '\t/app/orders/main.go:15 +0x4b',
      'panic({0x4c6480?, 0x3e9b8e43a018?})',
      '\t/usr/local/go/src/runtime/panic.go:860 +0x13a',
      'main.(*Order).Total(0x4cf68d?, {0x3e9b8e4160e0?, 0x2?, 0x3e9b8e431f08?})',
      '\t/app/orders/main.go:18 +0x6d',
      'main.main()',
      '\t/app/orders/main.go:25 +0xa5',
      '',
    ].join('\n');
    await appendFile(join(logs, 'shop.log'), lines);
    const yaml = agentYaml({
      server: server.url, dataDir: join(root, 'agent-go'), include: [join(logs, 'shop.log')], labels: { job: 'ml-go' },
      source: `    multiline: { continuation: '${GO_CONTINUATION}', timeout_ms: 300 }\n    exclude_lines: ['index out of range']`,
    });
    const agent = await startAgent(yaml, join(root, 'agent-go.yaml'));
    await waitFor(async () => {
      const r = await search(server.url, 'job:"ml-go"', { limit: 100 });
      return r.hits.length >= 3 ? r.hits : undefined;
    }, { timeoutMs: 30_000, what: 'three events' });
    await waitForAcknowledged(agent.metricsPort!, [join(logs, 'shop.log')]);
    const hits = (await search(server.url, 'job:"ml-go"', { limit: 100 })).hits;
    const messages = hits.map((h) => String(h.message));
    assert.equal(messages.length, 3, messages.join('\n---\n'));
    const panic = messages.find((m) => m.startsWith('panic: runtime error: invalid memory address'));
    assert.ok(panic, messages.join('\n---\n'));
    assert.match(panic, /pc=0x54fb8a\]\n\ngoroutine 20 \[running\]:\nmain\.\(\*Server\)\.handle\(\.\.\.\)\n\t\/app\/shop\/main\.go:14\n/);
    assert.match(panic, /created by main\.main in goroutine 1\n\t\/app\/shop\/main\.go:22 \+0xeb\n\ngoroutine 1 \[runnable\]:\nmain\.main\(\)\n\t\/app\/shop\/main\.go:26 \+0xf7$/);
    // Go's runtime panic ended the program: critical, as a logger's fatal.
    assert.equal(hits.find((h) => String(h.message) === panic)?.level, 'critical');
    assert.ok(messages.some((m) => m.endsWith('listening on :8080')));
    assert.ok(messages.some((m) => m.endsWith('order service started')));
    // The re-panic matched exclude_lines on its first line: none of its lines arrived.
    assert.equal((await search(server.url, 'job:"ml-go" AND "order total failed"', { limit: 10 })).hits.length, 0);
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });

  test('a start pattern that backtracks exponentially over a line does not stall the agent', async () => {
    const logs = join(root, 'backtrack');
    await mkdir(logs);
    // `^(\w+\s?)+:` over 40 letters and no colon: 2^40 steps on a backtracking engine.
    await appendFile(join(logs, 'app.log'), ['Error: first', 'a'.repeat(40) + '!', 'Warning: second', ''].join('\n'));
    const agent = await startFileAgent('agent-backtrack', join(logs, 'app.log'), 'ml-backtrack', "{ start: '^(\\w+\\s?)+:', timeout_ms: 300 }");
    const hits = await waitFor(async () => {
      const r = await search(server.url, 'job:"ml-backtrack"', { limit: 100 });
      return r.hits.length >= 2 ? r.hits : undefined;
    }, { timeoutMs: 30_000, what: 'both events' });
    assert.deepEqual(hits.map((h) => h.message).sort(), [`Error: first\n${'a'.repeat(40)}!`, 'Warning: second']);
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });
});

/** docs/AGENT.md's continuation pattern for Go panics, as a YAML single-quoted string holds it. */
const GO_CONTINUATION = '^(\\s|\\[signal |goroutine \\d+ \\[|created by |\\.\\.\\.additional frames elided|[\\w.*/()\\[\\]-]+\\(.*\\)$)';

/** docs/AGENT.md's continuation pattern for Java, as a YAML single-quoted string holds it. */
const JAVA_CONTINUATION = '^(\\s|Caused by: |[\\w$]+(\\.[\\w$]+)+(Exception|Error)(:|$))';
