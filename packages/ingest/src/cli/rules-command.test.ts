import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
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
