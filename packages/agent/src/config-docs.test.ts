/**
 * The agent configs README.md and docs/AGENT.md show are configs the agent
 * takes: a key renamed or removed in config.ts fails here, not on a host.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { validateConfig } from './config.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const yamlBlocks = (file: string): Record<string, unknown>[] =>
  [...readFileSync(join(root, file), 'utf8').matchAll(/```yaml\n([\s\S]*?)\n```/g)]
    .map((m) => parse(m[1]!.replace(/\$\{[A-Z_]+\}/g, 'token-from-agent-env')) as Record<string, unknown>)
    .filter((c) => c !== null && typeof c === 'object' && 'sources' in c);

for (const file of ['README.md', 'docs/AGENT.md']) {
  test(`${file}: the agent config it shows is valid`, () => {
    const configs = yamlBlocks(file);
    assert.ok(configs.length > 0);
    for (const c of configs) assert.doesNotThrow(() => validateConfig(c));
  });
}
