/**
 * A rule file's mistake names its line and column and the key meant, as the
 * server config's do: `logship rules check` said `unknown key
 * "groups[0].rules[0].abov"` and no more, and the same file loaded by
 * SIGHUP logged the error with two stack traces (~2 KB). The reload's log
 * line is now its code and message; the running rules stay, as before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/logship.js', import.meta.url));

const rules = (key: string): string => `groups:
  - name: web
    rules:
      - alert: ManyErrors
        query: 'level:error'
        ${key}: 5
`;
const SAID = 'unknown key "groups[0].rules[0].abov"; did you mean "above"? (line 6, column 9)';

test('rules check names the misspelt key\'s line and column and the key meant', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-rule-places-'));
  try {
    const file = join(dir, 'rule.yaml');
    writeFileSync(file, rules('abov'));
    const out = await new Promise<{ code: number; text: string }>((resolve) => {
      execFile(process.execPath, [BIN, 'rules', 'check', file], (err, stdout, stderr) => {
        resolve({ code: err ? Number((err as { code?: number }).code) : 0, text: `${stdout}${stderr}` });
      });
    });
    assert.equal(out.code, 1, out.text);
    assert.ok(out.text.includes(`rule file ${file}: ${SAID} (LS_RULES_UNKNOWN_KEY)`), out.text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('SIGHUP with a rule file that does not load: one log line with its code and placed message, no stack; the running rules stay', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-rule-places-hup-'));
  const file = join(dir, 'rule.yaml');
  writeFileSync(file, rules('above'));
  const cfg = join(dir, 'server.yaml');
  writeFileSync(cfg, `data: ${join(dir, 'data')}\nlisten: 127.0.0.1:0\nrule_files: ["${file}"]\n`);
  const proc = spawn(process.execPath, [BIN, 'serve', '--config', cfg], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stdout: string[] = [];
  createInterface({ input: proc.stdout }).on('line', (l) => stdout.push(l));
  const exit = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  // Until the test's timeout: a server that never logs it fails the test.
  const line = async (match: (l: string) => boolean, what: string): Promise<string> => {
    while (!t.signal.aborted) {
      const found = stdout.find(match);
      if (found !== undefined) return found;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${what} in the output: ${stdout.join('\n')}`);
  };
  try {
    const url = /^logship listening on (http:\/\/\S+)$/.exec(await line((l) => l.startsWith('logship listening on '), 'address'))![1]!;
    writeFileSync(file, rules('abov'));
    proc.kill('SIGHUP');
    const logged = await line((l) => l.includes('the rule files did not load'), 'reload failure');
    const entry = JSON.parse(logged) as { level: number; code?: string; error?: string; msg: string; err?: unknown };
    assert.equal(entry.level, 50);
    assert.equal(entry.code, 'LS_RULES_UNKNOWN_KEY');
    // Both mistakes, each placed, in the one line (JSON keeps the message's newline escaped).
    assert.equal(entry.error, `rule file ${file}: ${SAID}\n  and rule file ${file}: value at "groups[0].rules[0]" needs exactly one of "above" and "below" (line 4, column 9) (LS_RULES_INVALID)`);
    assert.equal(logged.split('\n').length, 1);
    assert.equal(entry.msg, 'Received SIGHUP; the rule files did not load, so the rules already running stay.');
    assert.equal(entry.err, undefined, logged);
    assert.doesNotMatch(logged, /stack|\n\s+at |\\n\s+at /, logged);
    const running = (await (await fetch(`${url}/api/v1/rules`)).json()) as { data: { groups: { rules: { name: string }[] }[] } };
    assert.deepEqual(running.data.groups.flatMap((g) => g.rules.map((r) => r.name)), ['ManyErrors']);
  } finally {
    proc.kill('SIGTERM');
    assert.equal(await exit, 0);
    rmSync(dir, { recursive: true, force: true });
  }
});
