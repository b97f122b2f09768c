/**
 * docs/SERVER.md's "Config file" block is the operator's reference: it
 * loads as a config, what it says are the defaults are the defaults, and
 * every key the schema accepts is named in it (or in a comment of it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { buildServerConfig } from './load-server-config.js';
import { DEFAULT_SERVER_CONFIG, SERVER_CONFIG_SCHEMA } from './server-config.js';
import { DEFAULT_RETENTION } from '../retention/retention-config.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '../../../..');
const doc = readFileSync(join(root, 'docs/SERVER.md'), 'utf8');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const block = /these are the defaults:\n\n```yaml\n([\s\S]*?)\n```/.exec(doc)?.[1];

/** Every property name anywhere in a JSON schema. */
function keysOf(schema: unknown, into = new Set<string>()): Set<string> {
  if (schema === null || typeof schema !== 'object') return into;
  const s = schema as Record<string, unknown>;
  if (s.properties !== undefined && typeof s.properties === 'object') {
    for (const [k, v] of Object.entries(s.properties as Record<string, unknown>)) {
      into.add(k);
      keysOf(v, into);
    }
  }
  for (const k of ['items', 'additionalProperties']) keysOf(s[k], into);
  for (const k of ['anyOf', 'oneOf']) for (const v of (s[k] as unknown[] | undefined) ?? []) keysOf(v, into);
  return into;
}

test('docs/SERVER.md: the defaults block loads and is the defaults', () => {
  assert.ok(block !== undefined, 'the block after "these are the defaults:"');
  const config = JSON.parse(JSON.stringify(buildServerConfig(parse(block) as Record<string, unknown>))) as typeof DEFAULT_SERVER_CONFIG;
  // `workers: 0` is written out for the reader; absent is the same (app.ts: `?? 0`).
  assert.equal(config.ingest.workers, 0);
  delete (config.ingest as { workers?: number }).workers;
  // The same as no file at all (data resolved the same way).
  assert.deepEqual(config, JSON.parse(JSON.stringify(buildServerConfig({}))));
  assert.equal(DEFAULT_SERVER_CONFIG.data, './logship-data');
});

test('docs/SERVER.md: every key the config accepts is in the defaults block', () => {
  const keys = keysOf(SERVER_CONFIG_SCHEMA);
  for (const k of Object.keys(DEFAULT_RETENTION)) keys.add(k);
  for (const k of Object.keys(DEFAULT_RETENTION.classes[0]!)) keys.add(k);
  const missing = [...keys].filter((k) => !new RegExp(`(^|[^\\w])${k}([^\\w]|$)`, 'm').test(block ?? ''));
  assert.deepEqual(missing, []);
});

test('README.md: the server configs it shows (Configuration, Installing the server on a host) load', () => {
  // Each ${VAR} its own value, as server.env would give them (two tokens may not be equal).
  const env = (text: string): string => text.replace(/\$\{([A-Z_]+)\}/g, (_, name: string) => `${name.toLowerCase()}-0123456789abcdef`);
  const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)\n```/g), ...readme.matchAll(/<<'YAML'\n([\s\S]*?)\nYAML/g)]
    .map((m) => parse(env(m[1]!)) as Record<string, unknown>)
    .filter((c) => !('sources' in c)); // the agent's, checked by the agent's tests
  assert.equal(blocks.length, 2);
  for (const b of blocks) assert.doesNotThrow(() => buildServerConfig(b), JSON.stringify(b).slice(0, 80));
});
