/**
 * A `logship serve` that is refused leaves the disk as it found it: the
 * checks that need no data folder (the config, tokens against a public
 * address, each port) come before the folder is created or locked, and a
 * start that fails later removes the folders it created. The lock's
 * guarantee stays: the same config started twice is refused for its data
 * folder (LS_STORE_DATA_DIR), not for the port the first one holds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

// dist/cli/serve-refused-start.e2e.test.js → packages/ingest/bin/logship.js
const BIN = fileURLToPath(new URL('../../bin/logship.js', import.meta.url));

interface Run {
  kill(): void;
  /** Resolves with the URL once the server listens, or with its exit code and stderr. */
  outcome: Promise<{ url: string } | { code: number | null; stderr: string }>;
  exit: Promise<number | null>;
}

function serve(args: string[]): Run {
  const proc = spawn(process.execPath, [BIN, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: proc.stderr }).on('line', (l) => stderr.push(l));
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  const outcome = new Promise<{ url: string } | { code: number | null; stderr: string }>((resolve) => {
    createInterface({ input: proc.stdout }).on('line', (l) => {
      const m = /^logship listening on (http:\/\/\S+)$/.exec(l);
      if (m) resolve({ url: m[1]! });
    });
    void exit.then((code) => resolve({ code, stderr: stderr.join('\n') }));
  });
  return { kill: () => proc.kill('SIGKILL'), outcome, exit };
}

async function refused(args: string[]): Promise<string> {
  const run = serve(args);
  const o = await run.outcome;
  if ('url' in o) {
    run.kill();
    assert.fail(`logship serve ${args.join(' ')} started on ${o.url}`);
  }
  assert.equal(o.code, 1, o.stderr);
  return o.stderr;
}

async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

test('a start refused for tokens, a port in use or a broken rule file leaves no new data folder behind', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-refused-'));
  const { server: other, port } = await holdPort();
  try {
    assert.match(await refused(['--listen', '0.0.0.0:0', '--data', join(dir, 'data3')]), /\(LS_CONFIG_PUBLIC_WITHOUT_TOKENS\)/);
    assert.match(await refused(['--listen', `127.0.0.1:${port}`, '--data', join(dir, 'data2')]), /cannot listen on 127\.0\.0\.1:\d+ \(listen\): .*\(LS_CONFIG_LISTEN_FAILED\)/);
    // A mistyped `data:` creating two levels, refused for the port of another key.
    const cfg = join(dir, 'server.yaml');
    writeFileSync(cfg, `listen: 127.0.0.1:0\ndata: ${join(dir, 'typo', 'data')}\nsyslog: { listen_udp: "127.0.0.1:0", listen_tcp: "127.0.0.1:${port}" }\n`);
    assert.match(await refused(['--config', cfg]), /\(syslog\.listen_tcp\).*\(LS_CONFIG_LISTEN_FAILED\)/);
    // Refused once the store is open (a rule file that does not load): what the start created goes.
    writeFileSync(join(dir, 'rules.yaml'), 'groups: [ { name: g, rules: [ { alert: A, query: "level:(", above: 1 } ] } ]\n');
    writeFileSync(cfg, `listen: 127.0.0.1:0\ndata: ${join(dir, 'typo', 'data')}\nrule_files: [ ${join(dir, 'rules.yaml')} ]\n`);
    assert.match(await refused(['--config', cfg]), /rules\.yaml/);
    assert.deepEqual(readdirSync(dir).sort(), ['rules.yaml', 'server.yaml'], 'no data folder created by a refused start');
  } finally {
    await new Promise((resolve) => other.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a refused start leaves a folder that existed untouched, and its lock released', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-refused-'));
  const { server: other, port } = await holdPort();
  const data = join(dir, 'data');
  try {
    // A folder of the operator's, never served from: not even a lock file appears.
    mkdirSync(join(data, 'notes'), { recursive: true });
    writeFileSync(join(data, 'notes', 'keep.txt'), 'mine\n');
    assert.match(await refused(['--listen', `127.0.0.1:${port}`, '--data', data]), /\(LS_CONFIG_LISTEN_FAILED\)/);
    assert.deepEqual(readdirSync(data), ['notes']);
    // rule_files refused after the store opened: the folder stays (with what the store made), unlocked.
    writeFileSync(join(dir, 'rules.yaml'), 'groups: [ { name: g, rules: [ { alert: A, query: "level:(", above: 1 } ] } ]\n');
    const cfg = join(dir, 'server.yaml');
    writeFileSync(cfg, `listen: 127.0.0.1:0\ndata: ${data}\nrule_files: [ ${join(dir, 'rules.yaml')} ]\n`);
    await refused(['--config', cfg]);
    assert.ok(existsSync(join(data, 'notes', 'keep.txt')));
    // It has a lock file now, so it is locked before the port check: refused for the port, then released.
    assert.ok(existsSync(join(data, 'logship.lock')));
    assert.match(await refused(['--listen', `127.0.0.1:${port}`, '--data', data]), /\(LS_CONFIG_LISTEN_FAILED\)/);
    const run = serve(['--listen', '127.0.0.1:0', '--data', data]);
    const o = await run.outcome;
    assert.ok('url' in o, `a server starts on the folder a refused start released: ${JSON.stringify(o)}`);
    run.kill();
    await run.exit;
    assert.ok(existsSync(join(data, 'notes', 'keep.txt')));
  } finally {
    await new Promise((resolve) => other.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the same config started twice: the second is refused for its data folder (LS_STORE_DATA_DIR), not for the port the first holds, and removes nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-refused-'));
  const data = join(dir, 'data');
  const { server: probe, port } = await holdPort();
  await new Promise((resolve) => probe.close(resolve));
  const first = serve(['--listen', `127.0.0.1:${port}`, '--data', data]);
  try {
    const o = await first.outcome;
    assert.ok('url' in o, JSON.stringify(o));
    const stderr = await refused(['--listen', `127.0.0.1:${port}`, '--data', data]);
    assert.match(stderr, /is in use by another logship process .*\(LS_STORE_DATA_DIR\)/);
    assert.doesNotMatch(stderr, /LS_CONFIG_LISTEN_FAILED/);
    assert.equal((await fetch(`${o.url}/health/ready`)).status, 200);
    assert.ok(existsSync(join(data, 'logship.lock')));
  } finally {
    first.kill();
    await first.exit;
    rmSync(dir, { recursive: true, force: true });
  }
});
