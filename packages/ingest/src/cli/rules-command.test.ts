import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { rulesCommand } from './rules-command.js';

test('rules test names the denominator of a ratio_to rule, whose value is a share and not a count', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'logship-rules-test-'));
  try {
    const file = join(dir, 'nginx.yaml');
    // docs/ALERTING.md's "error rate (5xx) > 1 %" rule.
    await writeFile(
      file,
      "groups:\n  - name: nginx\n    rules:\n      - alert: High5xxRatio\n        query: 'job:nginx AND status:>=500'\n        ratio_to: 'job:nginx'\n        window: 5m\n        above: 0.01\n",
    );
    // A data folder with an (empty) block store in it, as a new server's.
    await mkdir(join(dir, 'data', 'blocks'), { recursive: true });
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (d: Buffer) => (text += d.toString()));
    const code = await rulesCommand(['test', file, '--data', join(dir, 'data')], { stdout, stderr: new PassThrough() });
    assert.equal(code, 0);
    assert.equal(text.split('\n')[0], "nginx/High5xxRatio: count of 'job:nginx AND status:>=500' / count of 'job:nginx' over 300s > 0.01");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('rules test on a folder with no store (a mistyped --data) fails with LS_CLI_NO_STORE and creates nothing, rather than "no value" for every rule', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'logship-rules-test-'));
  try {
    const file = join(dir, 'errors.yaml');
    await writeFile(file, "groups:\n  - name: app\n    rules:\n      - { alert: ManyErrors, query: 'level:error', window: 5m, above: 3 }\n");
    const missing = join(dir, 'no-such-data');
    const stdout = new PassThrough();
    let text = '';
    stdout.on('data', (d: Buffer) => (text += d.toString()));
    await assert.rejects(
      rulesCommand(['test', file, '--data', missing], { stdout, stderr: new PassThrough() }),
      (err: Error & { code?: string }) => err.code === 'LS_CLI_NO_STORE' && err.message.includes(`no SQLite data in ${missing}`),
    );
    assert.equal(text, '');
    assert.equal(existsSync(missing), false, 'no data folder was created');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
