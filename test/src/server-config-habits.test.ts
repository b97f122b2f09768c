/**
 * server.yaml written with another server's habits, or the agent's, is
 * told what to write here, through `logship serve --check` as an operator
 * runs it. `data_dir:` (the agent's own key), Loki's `http_listen_port:`
 * and `retention_period:`, Elasticsearch's `path: { data: … }` were an
 * "unknown config key" with nothing more (`path` was even told `did you
 * mean "auth"?`), and `listen: 7700`, a number to YAML, "must be string".
 * A token shorter than 16 characters was "must NOT have fewer than 16
 * characters", with no word of how to make one.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { logshipBin, removeDir, tempDir } from './harness.js';

let dir = '';
before(async () => {
  dir = await tempDir('logship-config-habits-');
});
after(async () => {
  await removeDir(dir);
});

function check(yaml: string): { status: number | null; stderr: string } {
  const file = join(dir, 'server.yaml');
  writeFileSync(file, yaml);
  const r = spawnSync(process.execPath, [logshipBin, 'serve', '--check', '--config', file], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

test('a peer\'s name for listen, data or retention is answered with ours, and the check fails with the code', () => {
  const cases: [string, RegExp][] = [
    ['data_dir: /var/lib/logship\n', /unknown config key "data_dir"; the data folder is `data: DIR` here \(data: \/var\/lib\/logship\); data_dir is the agent's key \(line 1/],
    ['path:\n  data: /var/lib/elasticsearch\n', /unknown config key "path"; the data folder is `data: DIR` here \(data: \/var\/lib\/logship\), Elasticsearch's path\.data/],
    ['http_listen_port: 3100\n', /unknown config key "http_listen_port"; the address is `listen: HOST:PORT` here \(listen: "127\.0\.0\.1:7700" for this host only, ":7700" for every address, with auth\.tokens\)/],
    ['server:\n  http_listen_port: 3100\n', /unknown config key "server"; the address is `listen: HOST:PORT` here .*; server\.url is the agent's key/],
    ['retention_period: 744h\n', /unknown config key "retention_period"; retention is `retention: \{ default_days: 30 \}` here/],
    ['retention:\n  days: 14\n', /unknown config key "retention\.days"; retention is `retention: \{ default_days: 30 \}` here.* \(line 2/],
  ];
  for (const [yaml, message] of cases) {
    const r = check(yaml);
    assert.equal(r.status, 1, `${yaml}: ${r.stderr}`);
    assert.match(r.stderr, message, yaml);
    assert.match(r.stderr, /\(LS_CONFIG_UNKNOWN_KEY\)\n$/, yaml);
  }
  // A near miss of one of ours still gets its nearest name.
  assert.match(check('listn: 127.0.0.1:7700\n').stderr, /unknown config key "listn"; did you mean "listen"\?/);
});

test('listen: 7700 (a number to YAML) is told the HOST:PORT forms, not "must be string"', () => {
  const r = check('listen: 7700\n');
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^logship: config value at "listen" must be HOST:PORT, as text \(listen: "127\.0\.0\.1:7700" for this host only, ":7700" for every address, with auth\.tokens\) \(line 1, column 1 of .*\) \(LS_CONFIG_INVALID\)\n$/);
});

test('a token under 16 characters is told how to make one, without showing it', () => {
  const file = join(dir, 'server.yaml');
  writeFileSync(file, 'auth:\n  tokens:\n    - { name: agents, token: "${LOGSHIP_AGENT_TOKEN}", scopes: [write] }\n');
  const r = spawnSync(process.execPath, [logshipBin, 'serve', '--check', '--config', file], { encoding: 'utf8', env: { ...process.env, LOGSHIP_AGENT_TOKEN: 'secret' } });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^logship: config value at "auth\.tokens\[0\]\.token" is shorter than the 16 characters a token needs \(a short one can be guessed\): make one with `openssl rand -hex 32` \(line 3, .*\) \(LS_CONFIG_INVALID\)\n$/);
  assert.doesNotMatch(r.stderr, /secret/);
});
