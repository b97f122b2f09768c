/**
 * A rule file stopped at its first mistake: a file with a query that does
 * not parse, a window that is no duration and a misspelt key took three
 * rounds of fixing and checking, in `logship rules check` as at the
 * server's start. `promtool check rules` lists every error of a file; so
 * do `rules check`, `serve --check` and the start now, each mistake a line
 * with its own code, naming the file and the path in it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLogship } from '../testing/logship-cli.js';



const RULES = `groups:
  - name: web
    rules:
      - alert: BadQuery
        query: 'status:>=500 AND'
        above: 1
      - alert: BadWindow
        query: 'level:error'
        window: 5 minutes
        above: 1
      - alert: Misspelt
        query: 'level:error'
        windw: 5m
        above: 1
  - name: web
    rules:
      - { alert: Good, query: 'level:error', above: 1 }
`;

// [what the line says, its code], in the order they come.
const MISTAKES: Array<[RegExp, string]> = [
  [/unknown key "groups\[0\]\.rules\[2\]\.windw"/, 'LS_RULES_UNKNOWN_KEY'],
  [/the query at "groups\[0\]\.rules\[0\]\.query" does not parse/, 'LS_RULES_BAD_QUERY'],
  [/value at "groups\[0\]\.rules\[1\]\.window" "5 minutes" is not a duration/, 'LS_RULES_INVALID'],
  [/value at "groups\[1\]\.name" repeats the group name "web"/, 'LS_RULES_INVALID'],
];

/** The entries of `text` that start with `start`, each with the lines (a caret) that belong to it. */
function entries(text: string, start: string): string[] {
  return text.trimEnd().split(new RegExp(`\\n(?=${start.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')})`)).filter((e) => e.startsWith(start));
}

function assertEvery(found: string[], file: string, output: string): void {
  assert.equal(found.length, MISTAKES.length, output);
  MISTAKES.forEach(([said, code], i) => {
    const entry = found[i]!;
    assert.match(entry, said, output);
    assert.ok(entry.includes(`rule file ${file}`), entry);
    // The code ends the entry's first line (rules check) or the entry (the server's lines).
    assert.ok(entry.split('\n')[0]!.endsWith(`(${code})`) || entry.endsWith(`(${code})`), entry);
  });
}

test('a rule file\'s every mistake, in rules check, serve --check and the start, each with its code', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'logship-rules-mistakes-'));
  try {
    const file = join(dir, 'web.yaml');
    writeFileSync(file, RULES);
    const good = join(dir, 'good.yaml');
    writeFileSync(good, "groups:\n  - name: ok\n    rules:\n      - { alert: Fine, query: 'level:error', above: 1 }\n");

    const check = await runLogship(['rules', 'check', good, file]);
    assert.equal(check.code, 1, check.stderr);
    assert.match(check.stdout, new RegExp(`^Checking ${good}\\n  SUCCESS: 1 rules found\\nChecking ${file}\\n  FAILED:\\n`));
    assertEvery(entries(check.stdout, '    rule file '), file, check.stdout);
    // The caret stays under the query it points into.
    assert.match(check.stdout, /\n {4}status:>=500 AND\n {4} {16}\^\n/);

    const config = join(dir, 'server.yaml');
    writeFileSync(config, `listen: 127.0.0.1:0\nrule_files: [${file}]\n`);
    const serveCheck = await runLogship(['serve', '--check', '--config', config, '--data', join(dir, 'data')]);
    assert.equal(serveCheck.code, 1, serveCheck.stderr);
    assert.equal(serveCheck.stdout, '');
    assertEvery(entries(serveCheck.stderr, 'logship: '), file, serveCheck.stderr);

    const start = await runLogship(['serve', '--config', config, '--data', join(dir, 'data')]);
    assert.equal(start.code, 1, start.stderr);
    assertEvery(entries(start.stderr, 'logship: '), file, start.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
