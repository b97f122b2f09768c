/**
 * `logship retention status|run --data DIR` without `--config` apply the
 * policy the server enforces, which it records in its data folder at start
 * (retention.json), not the defaults: with the defaults, a run deleted the
 * year-old errors of a server configured to keep them a year. A real server
 * process and the real CLI on its data folder.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { ingest, logshipBin, removeDir, runLogship, search, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';

const run = promisify(execFile);
const CONFIG = `retention:
  default_days: 400
  classes:
    - { name: errors, match: 'level:(error OR critical OR alert OR emergency)', days: 365 }
`;

describe('retention status|run --data without --config', () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-retention-recorded-');
    server = await startServer({ dataDir: join(root, 'data'), configYaml: CONFIG });
    // 100 days old: past the default policy's 30 and 90 days, within the server's 400 and 365.
    const time = new Date(Date.now() - 100 * 86_400_000).toISOString();
    const lines = [
      JSON.stringify({ time, level: 'error', msg: 'kept a year' }),
      JSON.stringify({ time, level: 'info', msg: 'kept 400 days' }),
    ];
    assert.equal((await ingest(server.url, lines)).stored, 2);
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test("status shows the server's policy and where it comes from", async () => {
    const r = await run(process.execPath, [logshipBin, 'retention', 'status', '--data', server.dataDir, '--json'], { cwd: root });
    const report = JSON.parse(r.stdout) as { policy: { detail: string }; classes: { name: string; days: number; events: number }[] };
    assert.deepEqual(report.classes.map((c) => [c.name, c.days, c.events]), [['errors', 365, 1], ['default', 400, 1]]);
    assert.match(report.policy.detail, /the server's config as it started on .*logship-server-\d+\.yaml; recorded in .*retention\.json/);
  });

  test("run applies the server's policy: nothing the server keeps is removed", async () => {
    const r = await run(process.execPath, [logshipBin, 'retention', 'run', '--data', server.dataDir], { cwd: root });
    assert.match(r.stdout, /^Retention removed 0 events and 0 B in 0 partitions\.\npolicy from the server's config/);
    const found = await search(server.url, 'kept', { from: 'now-200d' });
    assert.equal(found.hits.length, 2);
  });

  test('run refuses a folder with no recorded policy rather than apply the defaults', async () => {
    await stopAll();
    rmSync(join(server.dataDir, 'retention.json'));
    const partitions = (): string[] => readdirSync(join(server.dataDir, 'blocks')).sort();
    const before = partitions();
    const err = await run(process.execPath, [logshipBin, 'retention', 'run', '--data', server.dataDir], { cwd: root })
      .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }), (e: { code: number; stdout: string; stderr: string }) => e);
    assert.equal(err.code, 2, err.stdout);
    assert.match(err.stderr, /retention run without --config applies the policy the server recorded .* has none .*--config FILE.*\(LS_CLI_USAGE\)/);
    assert.deepEqual(partitions(), before, 'no partition removed');
    const status = await run(process.execPath, [logshipBin, 'retention', 'status', '--data', server.dataDir], { cwd: root });
    assert.match(status.stdout, /^policy from the defaults: no --config, and no policy recorded in .* by a server \(the server's may differ\)$/m);
    assert.equal(existsSync(join(server.dataDir, 'retention.json')), false);
  });
});

// A record there but unreadable (another user's, mode 0640, for a CLI not
// run as the server's user) or cut short was read as none: status showed the
// defaults as "no policy recorded by a server", run said no server had
// started on the folder. Now either says which file and why.
describe('a recorded policy that cannot be read', () => {
  // Root reads any file: as root the CLI runs as nobody, as an operator outside the server's group would.
  const asRoot = process.getuid?.() === 0;
  const NOBODY = 65534;
  let root: string;
  let data: string;

  before(async () => {
    root = await tempDir('logship-retention-unreadable-');
    const server = await startServer({ dataDir: join(root, 'data'), configYaml: CONFIG });
    data = server.dataDir;
    assert.equal((await ingest(server.url, [JSON.stringify({ level: 'info', msg: 'one' })])).stored, 1);
    await stopAll();
  });

  after(async () => {
    await removeDir(root);
  });

  test('cut short: status and run name the file, neither shows nor applies the defaults', async () => {
    writeFileSync(join(data, 'retention.json'), '{ "version": 1, "retention": { "default_d');
    for (const action of ['status', 'run']) {
      const r = await runLogship(['retention', action, '--data', data]);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stderr, /retention\.json is not a retention policy recorded by a server of this version.*--config FILE.*\(LS_STORE_DATA_DIR\)/);
      assert.doesNotMatch(r.stdout + r.stderr, /the defaults|no server of this version has started/);
    }
    // With --config the record only tells a difference: the command goes on.
    const cfg = join(root, 'server.yaml');
    writeFileSync(cfg, CONFIG);
    const withConfig = await runLogship(['retention', 'status', '--data', data, '--config', cfg]);
    assert.equal(withConfig.code, 0, withConfig.stdout + withConfig.stderr);
  });

  test('not readable by this user: status says so, not "no policy recorded"', async () => {
    writeFileSync(join(data, 'retention.json'), JSON.stringify({ version: 1, retention: { default_days: 400, classes: [], check_interval_s: 600 }, config: null, recorded_at: new Date().toISOString() }));
    chmodSync(join(data, 'retention.json'), asRoot ? 0o600 : 0o000);
    for (const dir of [root, data, join(data, 'blocks')]) chmodSync(dir, 0o755);
    const r = await runLogship(['retention', 'status', '--data', data], asRoot ? { uid: NOBODY, gid: NOBODY } : {});
    chmodSync(join(data, 'retention.json'), 0o640);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /cannot read .*retention\.json, the retention policy the server recorded at its start: EACCES.*run this as the user the server runs as.*\(LS_STORE_DATA_DIR\)/);
    assert.doesNotMatch(r.stdout, /no policy recorded/);
  });

  // The unit's data folder is logship's, mode 0750: to an operator outside
  // its group the store's folders looked missing, and the command said "no
  // SQLite data in /var/lib/logship (--data)", as for a mistyped folder.
  test('a data folder this user may not look inside: says so, not "no SQLite data"', async () => {
    chmodSync(data, asRoot ? 0o700 : 0o000);
    const r = await runLogship(['retention', 'status', '--data', data], asRoot ? { uid: NOBODY, gid: NOBODY } : {});
    chmodSync(data, 0o755);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /this user \(uid \d+\) may not read the data folder .*EACCES.*run the command as the user the server runs as.*--server URL.*\(LS_STORE_DATA_DIR\)/);
    assert.doesNotMatch(r.stderr, /no SQLite data/);
  });
});

test('a data folder where the policy cannot be recorded stops serve with LS_STORE_DATA_DIR naming the file, not an uncoded error', async () => {
  const root = await tempDir('logship-retention-recorded-');
  try {
    const data = join(root, 'data');
    // A folder where the record goes: the rename over it fails as a full or read-only disk would make the write.
    mkdirSync(join(data, 'retention.json', 'in-the-way'), { recursive: true });
    const r = await runLogship(['serve', '--data', data, '--listen', '127.0.0.1:0']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /cannot write .*retention\.json.*\(LS_STORE_DATA_DIR\)/);
  } finally {
    await removeDir(root);
  }
});

test('a start that fails (its port taken) records no policy: retention run without --config would apply one no server ran', async () => {
  const root = await tempDir('logship-retention-recorded-');
  const taken = createServer();
  try {
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    const data = join(root, 'data');
    // A folder that was there before: a refused start removes one it made itself (serve-refused-start.e2e), leaving nothing to list.
    mkdirSync(data);
    const r = await runLogship(['serve', '--data', data, '--listen', `127.0.0.1:${port}`]);
    assert.notEqual(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stderr, /EADDRINUSE|in use/);
    assert.equal(existsSync(join(data, 'retention.json')), false);
    assert.deepEqual(readdirSync(data).filter((f) => f.startsWith('retention.json')), []);
  } finally {
    taken.close();
    await removeDir(root);
  }
});
