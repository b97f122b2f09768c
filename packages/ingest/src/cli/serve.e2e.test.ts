import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { freePort } from '../testing/free-port.js';
import { createInterface } from 'node:readline';
import { serveLogship, spawnLogship } from '../testing/logship-cli.js';

const minutesAgo = (n: number) => new Date(Date.now() - n * 60_000).toISOString();

function batch(tag: string, n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(JSON.stringify({ '@timestamp': minutesAgo(1), 'log.level': i % 2 ? 'error' : 'info', message: `${tag} event ${i}`, 'ecs.version': '8.11', 'event.id': `${tag}-${i}` }));
  }
  return lines.join('\n') + '\n';
}

async function count(url: string, q: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/search?q=${encodeURIComponent(q)}&from=now-1h&to=now&limit=1000`);
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { hits: unknown[] }).hits.length;
}

test('logship serve: health, ready, ingest, search; SIGKILL after an answer loses nothing; SIGTERM exits 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-serve-'));
  const procs: ChildProcess[] = [];
  try {
    let s = await serveLogship(['--data', dir, '--listen', '127.0.0.1:0']);
    procs.push(s.proc);
    assert.deepEqual(await (await fetch(`${s.url}/health`)).json(), { status: 'healthy' });
    assert.deepEqual(await (await fetch(`${s.url}/health/ready`)).json(), { status: 'ready', checks: { store: 'ok' } });
    assert.ok(s.stdout.some((l) => /loopback/.test(l)), 'says it listens on loopback only without tokens');

    const first = batch('first', 50);
    const res = await fetch(`${s.url}/api/v1/ingest`, { method: 'POST', body: first + 'garbage\n' });
    const answer = (await res.json()) as { stored: number; errors: { line: number; code: string }[] };
    // Killed the moment the answer arrived: what it acknowledged must survive.
    s.proc.kill('SIGKILL');
    assert.equal(answer.stored, 50);
    assert.deepEqual(answer.errors.map((e) => [e.line, e.code]), [[51, 'LS_INGEST_LINE_NOT_JSON']]);
    assert.equal((await s.exit).signal, 'SIGKILL');

    s = await serveLogship(['--data', dir, '--listen', '127.0.0.1:0']);
    procs.push(s.proc);
    assert.equal(await count(s.url, 'first'), 50);
    assert.equal(await count(s.url, 'first AND level:error'), 25);

    // The same batch again (an agent retrying sends the same bytes) adds nothing.
    const again = (await (await fetch(`${s.url}/api/v1/ingest`, { method: 'POST', body: first })).json()) as { duplicates: number };
    assert.equal(again.duplicates, 50);

    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(metrics, /^logship_ingest_events_duplicate_total 50$/m);

    // retention status / run from another process while the server runs.
    const status = spawnLogship(['retention', 'status', '--data', dir, '--json']);
    assert.equal((await status.exit).code, 0, status.stderr.join('\n'));
    const report = JSON.parse(status.stdout.join('\n')) as { classes: { name: string; events: number }[] };
    assert.equal(report.classes.find((c) => c.name === 'errors')?.events, 25);
    assert.equal(report.classes.find((c) => c.name === 'default')?.events, 25);
    const human = spawnLogship(['retention', 'status', '--data', dir]);
    assert.equal((await human.exit).code, 0, human.stderr.join('\n'));
    assert.match(human.stdout.join('\n'), /^class errors \(90 days, match .*\): 1 partition, 25 events, .*, oldest \d{4}-/m);
    assert.match(human.stdout.join('\n'), /^ {2}\S+ {2}day \d{4}-\d{2}-\d{2} {2}25 events/m);
    const runNow = spawnLogship(['retention', 'run', '--data', dir]);
    assert.equal((await runNow.exit).code, 0, runNow.stderr.join('\n'));
    assert.match(runNow.stdout.join('\n'), /^Retention removed 0 events/);

    s.proc.kill('SIGTERM');
    const exit = await s.exit;
    assert.equal(exit.code, 0);
    assert.ok(s.stdout.some((l) => /logship stopped/.test(l)));
  } finally {
    for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a port in use stops logship serve with LS_CONFIG_LISTEN_FAILED naming the key and the address', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-serve-'));
  // Another program holding a port, as a second logship would.
  const other = createNetServer();
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const port = (other.address() as AddressInfo).port;
  try {
    const http = spawnLogship(['serve', '--data', join(dir, 'a'), '--listen', `127.0.0.1:${port}`]);
    assert.equal((await http.exit).code, 1);
    assert.deepEqual(http.stderr.filter((l) => l.startsWith('logship:')), [
      `logship: cannot listen on 127.0.0.1:${port} (listen): the address is already in use (by another logship, or another program): stop it or choose another port (EADDRINUSE) (LS_CONFIG_LISTEN_FAILED)`,
    ]);
    assert.doesNotMatch(http.stderr.join('\n'), /^\s+at /m, 'no stack');

    const file = join(dir, 'syslog.yaml');
    writeFileSync(file, `listen: 127.0.0.1:0\ndata: ${join(dir, 'b')}\nsyslog: { listen_tcp: "127.0.0.1:${port}" }\n`);
    const syslog = spawnLogship(['serve', '--config', file]);
    assert.equal((await syslog.exit).code, 1);
    assert.match(syslog.stderr.join('\n'), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(syslog\\.listen_tcp\\): the address is already in use .*\\(EADDRINUSE\\) \\(LS_CONFIG_LISTEN_FAILED\\)`));
  } finally {
    await new Promise((resolve) => other.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('logship serve refuses a public address without tokens, and reports config errors with their code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-serve-'));
  try {
    const pub = spawnLogship(['serve', '--data', dir, '--listen', '0.0.0.0:0']);
    assert.equal((await pub.exit).code, 1);
    assert.match(pub.stderr.join('\n'), /LS_CONFIG_PUBLIC_WITHOUT_TOKENS/);

    const file = join(dir, 'logship.yaml');
    writeFileSync(file, 'listen: 127.0.0.1:0\nstorage: {}\n');
    const bad = spawnLogship(['serve', '--config', file]);
    assert.equal((await bad.exit).code, 1);
    assert.match(bad.stderr.join('\n'), /unknown config key "storage"; did you mean "store"\? \(line 2, column 1 of .*logship\.yaml\) \(LS_CONFIG_UNKNOWN_KEY\)/);

    // Queries of the config are checked before anything starts (issue: they answered 400 later, or a bare LS_QUERY_SYNTAX).
    writeFileSync(file, `listen: 127.0.0.1:0\ndata: ${dir}\nsaved_queries: { bad: 'level:(' }\n`);
    const saved = spawnLogship(['serve', '--config', file]);
    assert.equal((await saved.exit).code, 1);
    assert.match(saved.stderr.join('\n'), /^logship: config value at "saved_queries\.bad" does not parse: expected .*\(LS_QUERY_SYNTAX\) \(line 3, column 18 of .*logship\.yaml\)\nlevel:\(\n {7}\^ \(LS_CONFIG_INVALID\)$/);
    assert.deepEqual(saved.stdout, [], 'never listened');
    writeFileSync(file, `listen: 127.0.0.1:0\ndata: ${dir}\nretention: { classes: [ { name: x, match: 'level:(', days: 3 } ] }\n`);
    const match = spawnLogship(['serve', '--config', file]);
    assert.equal((await match.exit).code, 1);
    assert.match(match.stderr.join('\n'), /config value at "retention\.classes\[0\]\.match" does not parse: .*\(LS_QUERY_SYNTAX\)[\s\S]*\(LS_CONFIG_INVALID\)$/);

    const usage = spawnLogship(['serve', '--port', '3']);
    assert.equal((await usage.exit).code, 2);
    assert.match(usage.stderr.join('\n'), /LS_CLI_USAGE/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGHUP without rule_files logs no error (it reloads what is configured: TLS files, rule files)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-serve-hup-'));
  const s = await serveLogship(['--data', join(dir, 'data'), '--listen', '127.0.0.1:0']);
  try {
    s.proc.kill('SIGHUP');
    // A request after the signal: its log line shows the handler has run.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await fetch(`${s.url}/health`)).status, 200);
    await new Promise((r) => setTimeout(r, 200));
    const errors = s.stdout.filter((l) => l.startsWith('{') && (JSON.parse(l) as { level: number }).level >= 50);
    assert.deepEqual(errors, []);
  } finally {
    s.proc.kill('SIGTERM');
    assert.equal((await s.exit).code, 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGHUP rotates a token on a running server (the new one works, the leaked one is refused), says which keys wait for a restart; a file that does not load, or auth that cannot be swapped, keeps the running tokens', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-serve-hup-config-'));
  const cfg = join(dir, 'server.yaml');
  const token = (name: string) => `    - { name: ${name}, token: "${name}-token-0123456789", scopes: [read, write] }\n`;
  writeFileSync(cfg, `data: ${join(dir, 'data')}\nlisten: 127.0.0.1:0\nauth:\n  tokens:\n${token('first')}`);
  const s = await serveLogship(['--config', cfg]);
  const lines = (): { level: number; msg: string; changed?: string[]; tokens?: string[] }[] =>
    s.stdout.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: number; msg: string; changed?: string[]; tokens?: string[] });
  const hupLine = async (n: number) => {
    // Until the test's timeout: a server that logs nothing on SIGHUP fails it.
    while (!t.signal.aborted) {
      const hup = lines().filter((l) => l.msg.startsWith('Received SIGHUP'));
      if (hup.length >= n) return hup[n - 1]!;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no SIGHUP line ${n} in the log: ${s.stdout.join('\n')}`);
  };
  const status = async (name: string) => (await fetch(`${s.url}/api/v1/search?q=*`, { headers: { authorization: `Bearer ${name}-token-0123456789` } })).status;
  try {
    s.proc.kill('SIGHUP');
    assert.match((await hupLine(1)).msg, /has no other change/);
    assert.equal(await status('first'), 200);

    // The token leaked: replaced by another, and the retention changed too.
    writeFileSync(cfg, `data: ${join(dir, 'data')}\nlisten: 127.0.0.1:0\nauth:\n  tokens:\n${token('second')}retention: { default_days: 10 }\n`);
    s.proc.kill('SIGHUP');
    const reloaded = await hupLine(2);
    assert.equal(reloaded.level, 30);
    assert.match(reloaded.msg, /auth reloaded/);
    assert.deepEqual(reloaded.tokens, ['second']);
    assert.ok(!s.stdout.join('\n').includes('second-token-0123456789'), 'a token is never logged');
    const changed = await hupLine(3);
    assert.equal(changed.level, 40);
    assert.deepEqual(changed.changed, ['retention']);
    assert.match(changed.msg, /changed at retention, which take effect at the next restart/);
    assert.equal(await status('second'), 200);
    assert.equal(await status('first'), 401);

    // A mistake in the file: nothing of it is taken, the running tokens stay.
    writeFileSync(cfg, `data: ${join(dir, 'data')}\nlisten: 127.0.0.1:0\nauth:\n  tokens:\n${token('third')}retention: { default_dayz: 10 }\n`);
    s.proc.kill('SIGHUP');
    const broken = await hupLine(4);
    assert.equal(broken.level, 50);
    assert.match(broken.msg, /does not load now, so the running tokens and config stay/);
    assert.equal(await status('second'), 200);
    assert.equal(await status('third'), 401);

    // No tokens at all would open every route: refused, the running tokens stay.
    writeFileSync(cfg, `data: ${join(dir, 'data')}\nlisten: 127.0.0.1:0\nretention: { default_days: 10 }\n`);
    s.proc.kill('SIGHUP');
    const opened = await hupLine(5);
    assert.equal(opened.level, 50);
    assert.match(opened.msg, /cannot be put in force without a restart, so the running tokens stay/);
    assert.equal(await status('second'), 200);
    assert.equal((await fetch(`${s.url}/api/v1/search?q=*`)).status, 401);
    assert.equal((await fetch(`${s.url}/health`)).status, 200);
  } finally {
    s.proc.kill('SIGTERM');
    assert.equal((await s.exit).code, 0);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a second logship serve on the same data folder is refused with its reason; after the first is SIGKILLed a server starts on it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-serve-lock-'));
  const data = join(dir, 'data');
  const first = await serveLogship(['--data', data, '--listen', '127.0.0.1:0']);
  try {
    const second = spawnLogship(['serve', '--data', data, '--listen', '127.0.0.1:0']);
    const listening = new Promise<'listening'>((resolve) =>
      createInterface({ input: second.proc.stdout! }).on('line', (l) => l.startsWith('logship listening') && resolve('listening')),
    );
    if ((await Promise.race([second.exit, listening])) === 'listening') {
      second.proc.kill('SIGKILL');
      assert.fail('a second server started on the same data folder');
    }
    assert.equal((await second.exit).code, 1, second.stdout.join('\n'));
    assert.match(second.stderr.join('\n'), /is in use by another logship process .*\(LS_STORE_DATA_DIR\)/);
    assert.equal((await fetch(`${first.url}/health/ready`)).status, 200);

    first.proc.kill('SIGKILL');
    await first.exit;
    // The kernel dropped the lock with the process: no stale lock to clear.
    const third = await serveLogship(['--data', data, '--listen', '127.0.0.1:0']);
    assert.equal((await fetch(`${third.url}/health/ready`)).status, 200);
    third.proc.kill('SIGTERM');
    assert.equal((await third.exit).code, 0);
  } finally {
    first.proc.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});

test('logship serve --check: what the server would do, creating nothing; a mistake the start would hit exits 1 with its code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-check-'));
  try {
    const rules = join(dir, 'alerts.yaml');
    writeFileSync(rules, 'groups:\n  - name: g\n    rules:\n      - alert: Errors\n        query: "level:error"\n        aggregate: count\n        window: 5m\n        above: 10\n');
    const config = join(dir, 'server.yaml');
    const data = join(dir, 'var', 'data');
    // Ports free now, on loopback: the check binds what it checks (fixed ports could be another program's).
    const port = await freePort();
    const udpPort = await freePort();
    writeFileSync(config, `listen: "127.0.0.1:${port}"\ndata: ${data}\nauth: { tokens: [{ name: ops, token: "t0123456789abcdef", scopes: [read, write] }] }\nrule_files: ["${rules}", "${join(dir, 'none-*.yaml')}"]\nsyslog: { listen_udp: "127.0.0.1:${udpPort}" }\n`);
    const ok = spawnLogship(['serve', '--check', '--config', config]);
    assert.equal((await ok.exit).code, 0, ok.stderr.join('\n'));
    assert.equal(ok.stdout[0], `The config is valid: ${config}`);
    const text = ok.stdout.join('\n');
    assert.match(text, new RegExp(`listen: http://127\\.0\\.0\\.1:${port}, 1 token\\(s\\)`));
    assert.match(text, new RegExp(`store: blocks in ${data}/blocks`));
    assert.match(text, /retention: errors 90 d, debug 7 d, other 30 d/);
    assert.match(text, /rules: 1 in 1 group\(s\) from 1 file\(s\)/);
    assert.match(text, new RegExp(`syslog: udp 127\\.0\\.0\\.1:${udpPort}`));
    assert.match(text, /warning: The rule_files glob ".*none-\*\.yaml" matches no file/);
    assert.throws(() => statSync(join(dir, 'var')), /ENOENT/, 'a check creates no folder');

    const failing = async (yaml: string, code: string): Promise<void> => {
      writeFileSync(config, yaml);
      const r = spawnLogship(['serve', '--check', '--config', config]);
      assert.equal((await r.exit).code, 1, `${yaml}: ${r.stdout.join('\n')}`);
      assert.match(r.stderr.join('\n'), new RegExp(`\\(${code}\\)`), yaml);
      assert.ok(!r.stdout.some((l) => l.startsWith('The config is valid')));
    };
    writeFileSync(rules, 'groups:\n  - name: g\n    rules:\n      - alert: Errors\n        query: "level:(error"\n        aggregate: count\n        window: 5m\n        above: 10\n');
    await failing(`rule_files: ["${rules}"]\ndata: ${data}\n`, 'LS_QUERY_SYNTAX');
    await failing(`listen: "0.0.0.0:7700"\ndata: ${data}\n`, 'LS_CONFIG_PUBLIC_WITHOUT_TOKENS');
    await failing(`tls: { cert_file: ${join(dir, 'missing.pem')}, key_file: ${join(dir, 'missing.key')} }\ndata: ${data}\n`, 'LS_TLS_[A-Z_]+');
    await failing(`data: ${join(config, 'data')}\n`, 'LS_STORE_DATA_DIR');
    await failing(`store: { type: elasticsearch, url: "http://127.0.0.1:9", ca_file: ${join(dir, 'missing-ca.pem')} }\n`, 'LS_ES_BAD_OPTIONS');
    await failing(`retention: { default_days: 0 }\n`, 'LS_CONFIG_INVALID');
    // A folder access() passes for root but where nothing can be created: /proc (and a read-only mount).
    await failing(`data: /proc/logship-nope\n`, 'LS_STORE_DATA_DIR');
    assert.ok(!existsSync('/proc/logship-nope'));

    // YAML mistakes YAML reads without complaint are reported as the YAML mistake, with line and column.
    const says = async (yaml: string, pattern: RegExp): Promise<void> => {
      writeFileSync(config, yaml);
      const r = spawnLogship(['serve', '--check', '--config', config]);
      assert.equal((await r.exit).code, 1, yaml);
      assert.match(r.stderr.join('\n'), pattern, yaml);
    };
    await says(`data: ${data}\nlimits: {max_body_bytes:100}\n`, /"max_body_bytes:100" at line 2, column 10 is a key with no value: YAML needs a space after the colon \(max_body_bytes: 100\) \(LS_CONFIG_YAML_SYNTAX\)/);
    await says(`data: ${data}\nlimits:\n  max_body_bytes: 100\n max_line_bytes: 10\n`, /not valid YAML: .*at line 4, column 1.*/);
    // A key that lost its indentation: where it is.
    await says(`data: ${data}\nlimits:\nmax_body_bytes: 100\n`, /unknown config key "max_body_bytes" \(line 3, column 1 of .*server\.yaml\) \(LS_CONFIG_UNKNOWN_KEY\)/);
    await says(`data: ${data}\nauth:\n  tokens:\n    - { name: a, token: "t0123456789abcdef" }\n`, /auth\.tokens\[0\]" must have required property 'scopes' \(line 4, column 7 of /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
