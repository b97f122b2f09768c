/**
 * `logship retention status` tells the truth (issue 15 item 8): without
 * --data it reads the configured data folder when there is one, and
 * otherwise asks the running server (GET /api/v1/retention); it never
 * creates an empty ./logship-data and reports 0 events. Real server
 * processes on SQLite and on Elasticsearch.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { freePort, ingest, logshipBin, removeDir, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';

const run = promisify(execFile);
const ES_URL = process.env.LOGSHIP_TEST_ES_URL;
if (!ES_URL && process.env.CI === 'true') throw new Error('CI=true but LOGSHIP_TEST_ES_URL is not set: scripts/test.sh starts Elasticsearch');
if (!ES_URL) console.warn('WARNING: LOGSHIP_TEST_ES_URL is not set: the Elasticsearch half of retention-status is SKIPPED');

interface Report {
  classes: { name: string; events: number; oldest: string | null; partitions: { oldest: string | null }[] }[];
}
const eventsOf = (r: Report): number => r.classes.reduce((n, c) => n + c.events, 0);

function suite(name: string, config: (() => string) | null, skip: boolean): void {
  describe(`retention status (${name})`, { skip }, () => {
    let root: string;
    let server: ServerHandle;
    let elsewhere: string;
    const prefix = `retention-status-${process.pid}`;

    before(async () => {
      root = await tempDir('logship-retention-status-');
      server = await startServer({ dataDir: join(root, 'data'), ...(config ? { configYaml: config() } : {}) });
      const now = Date.now();
      const lines = Array.from({ length: 120 }, (_, i) =>
        JSON.stringify({ time: new Date(now - i * 1000).toISOString(), level: i % 3 === 0 ? 'error' : 'info', msg: `event ${i}`, n: i }));
      assert.equal((await ingest(server.url, lines)).stored, 120);
      // A working directory with no logship-data in it, as a user's shell would be.
      elsewhere = join(root, 'elsewhere');
      await mkdir(elsewhere);
    });

    after(async () => {
      await stopAll();
      if (config && name === 'elasticsearch') {
        await fetch(`${ES_URL}/${prefix}-*`, { method: 'DELETE' }).catch(() => {});
        await fetch(`${ES_URL}/_index_template/${prefix}-logship`, { method: 'DELETE' }).catch(() => {});
      }
      await removeDir(root);
    });

    test('GET /api/v1/retention reports the server store', async () => {
      const res = await fetch(`${server.url}/api/v1/retention`);
      assert.equal(res.status, 200);
      const report = (await res.json()) as Report;
      assert.equal(eventsOf(report), 120);
      assert.equal(report.classes.find((c) => c.name === 'errors')?.events, 40);
      // Times in one form: a partition's oldest event as ISO, as its class's.
      const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
      for (const c of report.classes.filter((k) => k.events > 0)) {
        assert.match(c.oldest ?? '', ISO, c.name);
        for (const p of c.partitions) assert.match(p.oldest ?? '', ISO, c.name);
        assert.equal(c.oldest, c.partitions.map((p) => p.oldest ?? '').sort()[0], c.name);
      }
    });

    test('item 10: once ingest is idle, the server checkpoints its WAL (SQLite)', { skip: name !== 'sqlite' }, async () => {
      // A new data folder gets the block store (store-format.ts), which checkpoints as the row store does.
      const dir = join(server.dataDir, 'blocks');
      const walBytes = (): number =>
        readdirSync(dir).filter((f) => f.endsWith('-wal')).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
      await waitFor(() => walBytes() === 0, { what: `the WAL to be checkpointed (${walBytes()} bytes)` });
      const res = await fetch(`${server.url}/api/v1/retention`);
      assert.equal(eventsOf((await res.json()) as Report), 120, 'everything still there');
    });

    test('without --data it asks the running server, and creates no ./logship-data', async () => {
      const env = { ...process.env, LOGSHIP_URL: server.url };
      const json = await run(process.execPath, [logshipBin, 'retention', 'status', '--json'], { cwd: elsewhere, env });
      assert.equal(eventsOf(JSON.parse(json.stdout) as Report), 120);
      const human = await run(process.execPath, [logshipBin, 'retention', 'status'], { cwd: elsewhere, env });
      assert.match(human.stdout, new RegExp(`^retention of server ${server.url.replace(/[.]/g, '\\.')}`, 'm'));
      // One partition is "1 partition" (it read "1 partitions").
      const errorParts = (JSON.parse(json.stdout) as Report).classes.find((c) => c.name === 'errors')!.partitions.length;
      assert.match(human.stdout, new RegExp(`^class errors \\(90 days, .*\\): ${errorParts} partition${errorParts === 1 ? '' : 's'}, 40 events`, 'm'));
      const explicit = await run(process.execPath, [logshipBin, 'retention', 'status', '--server', server.url, '--json'], { cwd: elsewhere });
      assert.equal(eventsOf(JSON.parse(explicit.stdout) as Report), 120);
      assert.equal(existsSync(join(elsewhere, 'logship-data')), false, 'no empty data folder was created');
    });

    test('--data naming a folder with no store fails with LS_CLI_NO_STORE naming it, rather than answering with the server at LOGSHIP_URL', async () => {
      const missing = join(root, 'no-such-data');
      const env = { ...process.env, LOGSHIP_URL: server.url };
      const err = await run(process.execPath, [logshipBin, 'retention', 'status', '--data', missing], { cwd: elsewhere, env })
        .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }), (e: { code: number; stdout: string; stderr: string }) => e);
      assert.equal(err.code, 1, err.stdout);
      assert.match(err.stderr, new RegExp(`no SQLite data in ${missing.replace(/[.]/g, '\\.')} \\(--data\\).*\\(LS_CLI_NO_STORE\\)`));
      assert.equal(existsSync(missing), false, 'no data folder was created');
    });

    test('with neither a data folder nor a server it fails with LS_CLI_NO_STORE and creates nothing', async () => {
      const env = { ...process.env, LOGSHIP_URL: `http://127.0.0.1:${await freePort()}` };
      const err = await run(process.execPath, [logshipBin, 'retention', 'status'], { cwd: elsewhere, env }).catch((e: { code: number; stderr: string }) => e);
      assert.equal((err as { code?: number }).code, 1);
      assert.match((err as { stderr: string }).stderr, /no SQLite data in .*logship-data and no logship server answering .*\(LS_CLI_NO_STORE\)/);
      const runErr = await run(process.execPath, [logshipBin, 'retention', 'run'], { cwd: elsewhere, env }).catch((e: { code: number; stderr: string }) => e);
      assert.equal((runErr as { code?: number }).code, 1);
      assert.equal(existsSync(join(elsewhere, 'logship-data')), false);
    });
  });
}

suite('sqlite', null, false);
suite('elasticsearch', () => `store: { type: elasticsearch, url: "${ES_URL}", index_prefix: retention-status-${process.pid}, replicas: 0 }\n`, !ES_URL);

describe('retention status against a server that needs a token', () => {
  const READ = 'retention-read-token-0123';
  const WRITE = 'retention-write-token-0123';
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-retention-auth-');
    server = await startServer({
      dataDir: join(root, 'data'),
      configYaml: `auth: { tokens: [ { name: reader, token: ${READ}, scopes: [read] }, { name: agent, token: ${WRITE}, scopes: [write] } ] }\n`,
    });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  const status = (args: string[], env: Record<string, string> = {}) => {
    const clean = { ...process.env, ...env };
    if (!env.LOGSHIP_TOKEN) delete clean.LOGSHIP_TOKEN;
    return run(process.execPath, [logshipBin, 'retention', 'status', '--server', server.url, '--json', ...args], { cwd: root, env: clean })
      .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }), (e: { code: number; stdout: string; stderr: string }) => e);
  };

  test('no token, an unknown one, one without the read scope: LS_CLI_AUTH_FAILED saying so and naming --token, not LS_CLI_NO_STORE', async () => {
    for (const [args, why] of [
      [[], /it needs a token \(401 LS_AUTH_MISSING_TOKEN: /],
      [['--token', 'not-a-known-token-0123'], /the token was refused \(401 LS_AUTH_INVALID_TOKEN: /],
      [['--token', WRITE], /the token lacks the read scope \(403 LS_AUTH_FORBIDDEN_SCOPE: /],
    ] as const) {
      const r = await status([...args]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`^logship: the logship server at ${server.url.replace(/[.]/g, '\\.')} refused the request: `));
      assert.match(r.stderr, why);
      assert.match(r.stderr, /--token TOKEN or LOGSHIP_TOKEN \(LS_CLI_AUTH_FAILED\)\n$/);
      assert.doesNotMatch(r.stderr, /LS_CLI_NO_STORE/);
    }
  });

  test('with the read token, by --token or LOGSHIP_TOKEN, it reports', async () => {
    for (const r of [await status(['--token', READ]), await status([], { LOGSHIP_TOKEN: READ })]) {
      assert.equal(r.code, 0, r.stderr);
      assert.ok(Array.isArray((JSON.parse(r.stdout) as Report).classes));
    }
  });
});

/** Every file under `dir` (relative path) with its size, as fs.stat sees it. */
function filesUnder(dir: string): Map<string, number> {
  const sizes = new Map<string, number>();
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else sizes.set(relative(dir, path), statSync(path).size);
    }
  };
  walk(dir);
  return sizes;
}

describe('retention status --data on a stopped store', () => {
  let root: string;

  before(async () => {
    root = await tempDir('logship-retention-bytes-');
    const server = await startServer({ dataDir: join(root, 'data') });
    const now = Date.now();
    const levels = ['error', 'debug', 'info'];
    const lines = Array.from({ length: 90 }, (_, i) => JSON.stringify({ time: new Date(now - i * 1000).toISOString(), level: levels[i % 3], msg: `event ${i}` }));
    assert.equal((await ingest(server.url, lines)).stored, 90);
    assert.equal(await server.stop('SIGTERM'), 0);
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('reports the bytes on disk, not its own opening\'s -shm, and leaves no file behind', async () => {
    const data = join(root, 'data');
    const before = filesUnder(data);
    // A partition and its side files: YYYY-MM-DD.<class>.db[-wal|-shm], in the store's folder.
    const PARTITION = /^(?:blocks|sqlite)\/(\d{4}-\d\d-\d\d\.[^.]+\.db)(?:-wal|-shm)?$/;
    const onDisk = new Map<string, number>();
    for (const [file, size] of before) {
      const name = PARTITION.exec(file)?.[1];
      if (name !== undefined) onDisk.set(name, (onDisk.get(name) ?? 0) + size);
    }
    assert.ok(onDisk.size >= 3, `a partition per class: ${[...before.keys()].join(', ')}`);
    const r = await run(process.execPath, [logshipBin, 'retention', 'status', '--data', data, '--json'], { cwd: root });
    const report = JSON.parse(r.stdout) as { classes: { bytes: number; partitions: { name: string; bytes: number }[] }[] };
    const reported = new Map(report.classes.flatMap((c) => c.partitions.map((p) => [p.name, p.bytes] as const)));
    // Before: each 32 KiB more, the -shm its own opening created.
    assert.deepEqual(reported, onDisk);
    assert.equal(report.classes.reduce((n, c) => n + c.bytes, 0), [...onDisk.values()].reduce((n, b) => n + b, 0));
    assert.deepEqual(filesUnder(data), before, 'no file created, removed or changed');
  });
});

describe('retention status --server that does not answer', () => {
  test('accepts and never answers, or sends its headers and stalls: LS_CLI_NO_STORE naming the server and --timeout, exit 1, not a hang or a thrown TimeoutError', { timeout: 60_000 }, async () => {
    const sockets = new Set<Socket>();
    const silent = createNetServer((socket) => { sockets.add(socket); socket.on('error', () => {}); });
    const stalling = createServer((_req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.write('{"classes":['); });
    for (const s of [silent, stalling]) {
      s.listen(0, '127.0.0.1');
      await once(s, 'listening');
    }
    try {
      for (const [s, args] of [[silent, ['--timeout', '300ms']], [stalling, []]] as const) {
        const url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
        const env = { ...process.env, LOGSHIP_TIMEOUT: '0.3' };
        const err = await run(process.execPath, [logshipBin, 'retention', 'status', '--server', url, ...args], { env })
          .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
        // Before: the stalled answer threw a TimeoutError out of the command.
        assert.equal(err.code, 1, err.stderr);
        assert.equal(err.stderr, `logship: cannot reach the logship server at ${url} (no answer within 300ms; --timeout (or LOGSHIP_TIMEOUT) waits longer, 0 for ever) (LS_CLI_NO_STORE)\n`);
      }
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
      stalling.closeAllConnections();
      stalling.close();
    }
  });
});
