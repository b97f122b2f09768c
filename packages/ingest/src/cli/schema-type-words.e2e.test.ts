/**
 * A value of the wrong type in a rule file or the server config is said in
 * words with the value given, at its line and column: Ajv's own ("value at
 * "groups[0].rules[0].above" must be number") named neither what was
 * written nor, for a duration given as a bare number, what one looks like.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/logship.js', import.meta.url));

function logship(args: string[]): Promise<{ code: number; text: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code) : 0, text: `${stdout}${stderr}` });
    });
  });
}

test('rules check: a value of the wrong type names the type wanted, the value given and its line and column', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-type-words-'));
  try {
    const file = join(dir, 'rule.yaml');
    writeFileSync(file, [
      'groups:',
      '  - name: web',
      '    rules:',
      '      - alert: ManyErrors',
      "        query: 'level:error'",
      '        above: "50"',
      '        window: 5',
      '        labels: { team: [a, b] }',
      '',
    ].join('\n'));
    const out = await logship(['rules', 'check', file]);
    assert.equal(out.code, 1, out.text);
    for (const said of [
      'value at "groups[0].rules[0].above" must be a number, not "50" (line 6, column 9) (LS_RULES_INVALID)',
      'value at "groups[0].rules[0].window" "5" is not a duration: a number and its unit with no space (ms, s, m, h, d, w, y), units largest first, each once: 30s, 1m, 1h30m, 500ms (line 7, column 9) (LS_RULES_INVALID)',
      'value at "groups[0].rules[0].labels.team" must be a string, a number or true or false, not a list (line 8, column 19) (LS_RULES_INVALID)',
    ]) {
      assert.ok(out.text.includes(`rule file ${file}: ${said}`), `${said}\nnot in\n${out.text}`);
    }
    assert.doesNotMatch(out.text, /must be (string|number|integer)\b/, out.text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve --check: the server config\'s type refusals say the same, with the value given', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-type-words-'));
  try {
    const config = join(dir, 'server.yaml');
    writeFileSync(config, `data: ${join(dir, 'data')}\nlimits: { max_body_bytes: "10MB" }\nsearch: { text_fields: msg }\n`);
    const out = await logship(['serve', '--check', '--config', config]);
    assert.equal(out.code, 1, out.text);
    for (const said of [
      `config value at "limits.max_body_bytes" must be a whole number, not "10MB" (line 2, column 11 of ${config}) (LS_CONFIG_INVALID)`,
      `config value at "search.text_fields" must be a list, not "msg" (line 3, column 11 of ${config}) (LS_CONFIG_INVALID)`,
    ]) {
      assert.ok(out.text.includes(said), `${said}\nnot in\n${out.text}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
