import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { buildServerConfig } from '../config/load-server-config.js';
import { openStore } from '../store/open-store.js';
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

// docs/ALERTING.md "Partial answers": yesterday's partition file damaged, the
// rules' reads answer without it. rules test printed every rule as if the
// window were whole: ApiQuiet "WOULD FIRE" and ApiBusy "ok" on missing
// events. It marks each as the server does: what was left out, and that
// only an above count may still fire (WebBusy, over its threshold today).
test('rules test over a window with a damaged day marks each rule partial, as /api/v1/rules does, and exits 1', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'logship-rules-partial-'));
  try {
    const data = join(dir, 'data');
    const now = Date.now();
    const yesterday = now - 86_400_000;
    const store = await openStore(buildServerConfig({ data }), { threads: false });
    await store.write([
      ...[1, 2, 3].map((i) => ({ '@timestamp': new Date(now - 1000 * i).toISOString(), 'event.id': `t${i}`, message: 'today', service: 'web' })),
      ...[1, 2, 3].map((i) => ({ '@timestamp': new Date(yesterday + i).toISOString(), 'event.id': `y${i}`, message: 'yesterday', service: 'api' })),
    ]);
    await store.close();
    const day = new Date(yesterday).toISOString().slice(0, 10);
    await writeFile(join(data, 'blocks', `${day}.default.db`), 'x'.repeat(8192));
    const file = join(dir, 'rules.yaml');
    await writeFile(file, [
      'groups:',
      '  - name: g',
      '    rules:',
      "      - { alert: ApiBusy, query: 'service:api', window: 2d, above: 2 }",
      "      - { alert: ApiQuiet, query: 'service:api', window: 2d, below: 1 }",
      "      - { alert: WebBusy, query: 'service:web', window: 2d, above: 2 }",
      '',
    ].join('\n'));
    const run = async (json: boolean): Promise<{ code: number; text: string }> => {
      const stdout = new PassThrough();
      let text = '';
      stdout.on('data', (d: Buffer) => (text += d.toString()));
      const code = await rulesCommand(['test', file, '--data', data, ...(json ? ['--json'] : [])], { stdout, stderr: new PassThrough() });
      return { code, text };
    };
    const plain = await run(false);
    assert.equal(plain.code, 1, plain.text);
    const lines = plain.text.split('\n');
    const keeps = "  PARTIAL: the store answered without part of the window, so the rule's alerts keep their state: ";
    const firesOnly = '  PARTIAL: the store answered without part of the window, so the rule resolves nothing until it reads the whole window (what it read can still fire it: ';
    const partition = `${day}.default.db`;
    assert.equal(lines[0], "g/ApiBusy: count of 'service:api' over 172800s > 2");
    assert.ok(lines[1]!.startsWith(firesOnly) && lines[1]!.includes(partition), lines[1]);
    assert.equal(lines[2], '  value 0: not above in what was read (resolves nothing: partial)');
    assert.equal(lines[3], "g/ApiQuiet: count of 'service:api' over 172800s < 1");
    assert.ok(lines[4]!.startsWith(keeps) && lines[4]!.includes(partition), lines[4]);
    assert.equal(lines[5], '  value 0: not acted on (partial: its alerts would keep their state)');
    assert.equal(lines[6], "g/WebBusy: count of 'service:web' over 172800s > 2");
    assert.ok(lines[7]!.startsWith(firesOnly), lines[7]);
    assert.equal(lines[8], '  value 3: WOULD FIRE');
    const json = await run(true);
    assert.equal(json.code, 1);
    const rules = (JSON.parse(json.text) as { rules: { alert: string; partial: boolean; warnings?: { partition: string; code: string }[] }[] }).rules;
    assert.deepEqual(rules.map((r) => [r.alert, r.partial, r.warnings?.map((w) => w.partition)]), [
      ['ApiBusy', true, [partition]],
      ['ApiQuiet', true, [partition]],
      ['WebBusy', true, [partition]],
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
