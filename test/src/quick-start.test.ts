/**
 * The quick start stops the agent before the server (issue 15 item 10): a
 * terminal's Ctrl-C reaches the whole foreground process group, so the
 * server and agent must not receive it themselves; scripts/demo/run.mjs
 * stops the agent first (it ships what it holds), then the server. Checked
 * by sending SIGINT to the script's whole process group, as a terminal does.
 *
 * A port another program already answers on is said as the server's failure
 * to listen, with how to pick another port, and nothing is shipped there. A
 * second demo on the same folder says a demo already runs there, and leaves
 * the first one's server.log as it was (it emptied it).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { freePort, removeDir, repoRoot, tempDir, waitFor } from './harness.js';

const dirs: string[] = [];
after(async () => {
  for (const d of dirs) await removeDir(d);
});

interface LogLine {
  time?: string | number;
  msg?: string;
  message?: string;
  queued_batches?: number;
}

async function logLines(file: string): Promise<LogLine[]> {
  const text = await readFile(file, 'utf8');
  return text.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as LogLine);
}

test('Ctrl-C (SIGINT to the process group) stops the agent with nothing queued, then the server', async () => {
  const dir = await tempDir('logship-quick-start-');
  dirs.push(dir);
  const port = await freePort();
  const { proc, output, exited } = startDemo(dir, port);
  try {
    await waitFor(() => output().includes('Ctrl-C stops everything.'), { what: 'the quick start to come up', timeoutMs: 60_000 });
    // Let the generator, agent and server work for a moment.
    await waitFor(async () => {
      const res = await fetch(`http://127.0.0.1:${port}/api/v1/search?q=*&from=now-1h&limit=1`);
      return res.ok && ((await res.json()) as { hits: unknown[] }).hits.length > 0;
    }, { what: 'demo events to be stored', timeoutMs: 30_000 });
    process.kill(-proc.pid!, 'SIGINT');
    assert.equal(await exited, 0, output());
  } finally {
    if (proc.exitCode === null) process.kill(-proc.pid!, 'SIGKILL');
  }
  assert.match(output(), /stopping: agent first/);
  const agent = await logLines(join(dir, 'agent.log'));
  const stopped = agent.find((l) => (l.msg ?? l.message) === 'The agent stopped.');
  assert.ok(stopped, `the agent logged its stop: ${JSON.stringify(agent.slice(-3))}`);
  assert.equal(stopped.queued_batches, 0, 'nothing left queued in the spool');
  assert.ok(!agent.some((l) => /refused|failed to ship|unreachable/i.test(String(l.msg ?? l.message))), 'the server was up while the agent shipped');
  const server = await logLines(join(dir, 'server.log'));
  const serverStop = server.find((l) => /^Received SIG/.test(String(l.msg ?? l.message)));
  assert.ok(serverStop, `the server logged the signal it got: ${JSON.stringify(server.slice(-3))}`);
  assert.ok(new Date(serverStop.time!).getTime() >= new Date(stopped.time!).getTime(), 'the server stopped after the agent');
});

test('a port another program answers on: the quick start says the server could not listen and how to pick another port, and ships nothing there', async () => {
  const dir = await tempDir('logship-quick-start-busy-');
  dirs.push(dir);
  // Another program on the port, answering every request with 200 (as
  // another logship answers /health/ready).
  const asked: string[] = [];
  const other = createServer((req, res) => {
    asked.push(`${req.method} ${req.url}`);
    res.end('{}');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
  const port = (other.address() as { port: number }).port;
  try {
    const { proc, output, exited } = startDemo(dir, port);
    try {
      assert.equal(await exited, 1, output());
    } finally {
      if (proc.exitCode === null) process.kill(-proc.pid!, 'SIGKILL');
    }
    const out = output();
    assert.doesNotMatch(out, /Search page:/, 'no server of the demo\'s is announced');
    assert.match(out, /logship serve did not start:\nlogship: cannot listen on 127\.0\.0\.1:\d+ .*already in use.*LS_CONFIG_LISTEN_FAILED/);
    assert.match(out, /LOGSHIP_DEMO_PORT=7701 npm start/);
    assert.deepEqual(asked.filter((a) => a.startsWith('POST')), [], 'the demo shipped nothing to the other program');
  } finally {
    await new Promise((r) => other.close(r));
  }
});

/** scripts/demo/run.mjs on `dir` and `port`, in its own process group, as a terminal runs `npm start`. */
function startDemo(dir: string, port: number): { proc: ChildProcessWithoutNullStreams; output: () => string; exited: Promise<number | null> } {
  const proc = spawn(process.execPath, [join(repoRoot, 'scripts/demo/run.mjs')], {
    cwd: repoRoot,
    env: { ...process.env, LOGSHIP_DEMO_DIR: dir, LOGSHIP_DEMO_PORT: String(port) },
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
  return { proc, output: () => out, exited };
}

test('a second demo on the folder of one that runs says so and how to run both, and leaves the first one\'s server.log whole', async () => {
  const dir = await tempDir('logship-quick-start-twice-');
  dirs.push(dir);
  const first = startDemo(dir, await freePort());
  try {
    await waitFor(() => first.output().includes('Ctrl-C stops everything.'), { what: 'the first demo to come up', timeoutMs: 60_000 });
    const logBefore = await readFile(join(dir, 'server.log'), 'utf8');
    assert.match(logBefore, /^logship listening on /m);
    const second = startDemo(dir, await freePort());
    try {
      assert.equal(await second.exited, 1, second.output());
    } finally {
      if (second.proc.exitCode === null) process.kill(-second.proc.pid!, 'SIGKILL');
    }
    assert.doesNotMatch(second.output(), /Search page:/);
    assert.match(second.output(), /logship serve did not start:\nlogship: .* is in use by another logship process .*\(LS_STORE_DATA_DIR\)/);
    assert.match(second.output(), /A demo already runs on .* \(Ctrl-C it there\), or give this one a folder and port of its own: LOGSHIP_DEMO_DIR=\S+ LOGSHIP_DEMO_PORT=0 npm start/);
    const logAfter = await readFile(join(dir, 'server.log'), 'utf8');
    assert.ok(logAfter.startsWith(logBefore), 'the first demo\'s server.log kept what it held');
    process.kill(-first.proc.pid!, 'SIGINT');
    assert.equal(await first.exited, 0, first.output());
  } finally {
    // After a failed assertion: Ctrl-C first, so that the demo stops its server and agent (their
    // process groups are their own; a SIGKILL of the script's group would leave them running).
    if (first.proc.exitCode === null) {
      process.kill(-first.proc.pid!, 'SIGINT');
      await Promise.race([first.exited, new Promise((r) => setTimeout(r, 30_000).unref())]);
    }
    if (first.proc.exitCode === null) process.kill(-first.proc.pid!, 'SIGKILL');
  }
});

test('with 9477 held (a first demo\'s agent), the demo\'s agent gets a metrics port of its own, and the banner names it', async () => {
  // Before: the agent only warned in agent.log that 127.0.0.1:9477 was in use, and the banner said nothing of it.
  const holder = createServer((_req, res) => res.end('not the demo\'s agent'));
  await new Promise<void>((resolve) => {
    // Held by someone else already (an agent on this machine) is held all the same.
    holder.once('error', () => resolve());
    holder.listen(9477, '127.0.0.1', () => resolve());
  });
  const dir = await tempDir('logship-quick-start-metrics-');
  dirs.push(dir);
  const demo = startDemo(dir, await freePort());
  try {
    await waitFor(() => demo.output().includes('Ctrl-C stops everything.'), { what: 'the demo to come up', timeoutMs: 60_000 });
    const m = /^ {2}agent: {6}metrics http:\/\/127\.0\.0\.1:(\d+)\/metrics {3}\(health: http:\/\/127\.0\.0\.1:(\d+)\/health\)$/m.exec(demo.output());
    assert.ok(m, demo.output());
    assert.notEqual(m[1], '9477');
    assert.equal(m[1], m[2]);
    // The agent itself answers there.
    await waitFor(async () => (await fetch(`http://127.0.0.1:${m[1]}/metrics`).catch(() => null))?.ok === true, { what: 'the agent\'s metrics', timeoutMs: 30_000 });
    const metrics = await (await fetch(`http://127.0.0.1:${m[1]}/metrics`)).text();
    assert.match(metrics, /^logship_agent_/m);
    process.kill(-demo.proc.pid!, 'SIGINT');
    assert.equal(await demo.exited, 0, demo.output());
  } finally {
    if (demo.proc.exitCode === null) {
      process.kill(-demo.proc.pid!, 'SIGINT');
      await Promise.race([demo.exited, new Promise((r) => setTimeout(r, 30_000).unref())]);
    }
    if (demo.proc.exitCode === null) process.kill(-demo.proc.pid!, 'SIGKILL');
    await new Promise((r) => holder.close(() => r(undefined)));
  }
});
