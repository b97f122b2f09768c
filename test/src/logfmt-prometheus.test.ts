/**
 * logfmt from a real Go program: Prometheus (the Debian package the
 * alerting tests use) writes its own log as logfmt on stderr
 * (`ts=… caller=main.go:551 level=info msg="Starting Prometheus Server"
 * mode=server …`). Its stderr goes to a file, the real agent tails the
 * file to a real server, and every line comes back once with its pairs as
 * fields, `msg` as the message, `ts` as the event time: searchable as
 * Loki's `| logfmt` or VictoriaLogs' unpack_logfmt would make it.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { freePort, removeDir, search, searchAll, startAgent, startServer, stopAll, tempDir, track, waitFor, type ServerHandle } from './harness.js';
import { agentYaml } from './agent-support.js';
import { missingPrometheusTools, PROMETHEUS_BIN } from './prometheus-support.js';

const skip = missingPrometheusTools();

describe('logfmt: a real Prometheus log through the agent', { skip }, () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-logfmt-');
    server = await startServer({ dataDir: join(root, 'server') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('every line is stored once, its pairs fields, msg the message, ts the time', async () => {
    const logs = join(root, 'logs');
    const prom = join(root, 'prom');
    await mkdir(logs);
    await mkdir(join(prom, 'data'), { recursive: true });
    await writeFile(join(prom, 'prometheus.yml'), 'global: { scrape_interval: 1s }\n');
    const logFile = join(logs, 'prometheus.log');
    const fd = openSync(logFile, 'a');
    const port = await freePort();
    const proc = spawn(
      PROMETHEUS_BIN,
      [`--config.file=${join(prom, 'prometheus.yml')}`, `--storage.tsdb.path=${join(prom, 'data')}`, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: ['ignore', 'ignore', fd], cwd: prom },
    );
    closeSync(fd);
    const prometheus = track(proc);
    await waitFor(async () => readFileSync(logFile, 'utf8').includes('Server is ready to receive web requests.'), {
      timeoutMs: 30_000,
      what: 'Prometheus ready',
    });
    await prometheus.stop('SIGTERM');

    const lines = readFileSync(logFile, 'utf8').split('\n').filter((l) => l !== '');
    assert.ok(lines.length >= 10, `Prometheus wrote ${lines.length} lines`);
    assert.match(lines[0]!, /^ts=\S+ caller=\S+ level=\w+ /, 'go-kit logfmt, as the test expects');

    await startAgent(
      agentYaml({ server: server.url, dataDir: join(root, 'agent'), include: [logFile], labels: { job: 'prometheus' } }),
      join(root, 'agent.yaml'),
    );
    await waitFor(async () => (await search(server.url, 'job:prometheus', { from: 'now-1h', to: 'now+1h', limit: 1 })).total?.value === lines.length, {
      timeoutMs: 60_000,
      what: `${lines.length} lines stored`,
    });

    const events = await searchAll(server.url, 'job:prometheus', { from: 'now-1h', to: 'now+1h', sort: 'asc' });
    assert.equal(events.length, lines.length);
    for (const line of lines) {
      const ts = /^ts=(\S+)/.exec(line)![1]!;
      const msg = /msg="((?:[^"\\]|\\.)*)"|msg=(\S+)/.exec(line);
      const caller = /caller=(\S+)/.exec(line)![1]!;
      const found = events.filter((e) => e['@timestamp'] === new Date(ts).toISOString() && e.caller === caller);
      assert.ok(found.length >= 1, `no event for ${line}`);
      const e = found.find((f) => (msg ? f.message === (msg[1] !== undefined ? JSON.parse(`"${msg[1]}"`) : msg[2]) : f.message === line));
      assert.ok(e, `no event with the message of ${line}: ${JSON.stringify(found)}`);
      const level = /level=(\w+)/.exec(line)![1]!.toLowerCase();
      assert.equal(e.level, level === 'warn' ? 'warning' : level);
      assert.equal(e.ts, undefined);
      assert.equal(e.msg, undefined);
    }

    // Searched as a Loki user would after `| logfmt`: by a pair, and by the message's words.
    const started = await search(server.url, 'job:prometheus AND mode:server AND "Starting Prometheus Server"', { from: 'now-1h', to: 'now+1h' });
    assert.equal(started.total?.value, 1);
    assert.match(String(started.hits[0]!.version), /^\(version=/);
    const byCaller = await search(server.url, 'caller:main.go*', { from: 'now-1h', to: 'now+1h', limit: 1 });
    assert.ok((byCaller.total?.value ?? 0) >= 3, `caller:main.go* found ${byCaller.total?.value}`);
    const infos = await search(server.url, 'job:prometheus AND level:info', { from: 'now-1h', to: 'now+1h', limit: 1 });
    assert.equal(infos.total?.value, lines.filter((l) => / level=info /.test(l)).length);
  });
});
