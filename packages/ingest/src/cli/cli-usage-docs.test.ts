/**
 * README.md's command table and each command's usage (what `--help`
 * prints) name the same flags: a flag added to a command without a word in
 * the README, or a README flag the command no longer takes, fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COUNT_USAGE, SEARCH_USAGE, STATS_USAGE, TOP_USAGE } from '@logship/query';
import { RETENTION_USAGE } from './retention-command.js';
import { RULES_USAGE } from './rules-command.js';
import { SERVE_USAGE } from './serve-command.js';
import { STORE_USAGE } from './store-command.js';

const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../../README.md'), 'utf8');
const TLS_FLAGS = ['--ca-file', '--cert-file', '--key-file'];

const flagsOf = (text: string): string[] => [...new Set(text.match(/--[a-z][a-z-]*/g) ?? [])].sort();

/** The flags in the first cell of the README rows of `logship COMMAND` (its syntax; the second cell explains). */
function readmeFlags(command: string): string[] {
  const rows = readme.split('\n').filter((l) => l.startsWith(`| \`npx logship ${command} `) || l.startsWith(`| \`npx logship ${command}\``));
  assert.ok(rows.length > 0, `README.md has a row for logship ${command}`);
  const cells = rows.map((r) => r.replace(/\\\|/g, '¦').split('|')[1]!);
  const flags = cells.flatMap(flagsOf);
  // `(+ --server, --token and the TLS flags, as search)`
  if (cells.some((c) => c.includes('the TLS flags'))) flags.push(...TLS_FLAGS);
  return [...new Set(flags)].sort();
}

const USAGES: Record<string, string> = {
  serve: SERVE_USAGE,
  search: SEARCH_USAGE,
  top: TOP_USAGE,
  count: COUNT_USAGE,
  stats: STATS_USAGE,
  retention: RETENTION_USAGE,
  rules: RULES_USAGE,
  store: STORE_USAGE,
};

for (const [command, usage] of Object.entries(USAGES)) {
  test(`logship ${command}: the README names the flags --help does, and no other`, () => {
    assert.deepEqual(readmeFlags(command), flagsOf(usage));
  });
}
