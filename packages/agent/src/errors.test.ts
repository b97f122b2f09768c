import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AGENT_ERRORS, agentError } from './errors.js';
import { M } from './metrics.js';

const doc = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '../../../docs/AGENT.md'), 'utf8');

test('every error code is documented in docs/AGENT.md, and every documented code exists', () => {
  const documented = new Set([...doc.matchAll(/^\| `(LS_AGENT_[A-Z_]+)` \|/gm)].map((m) => m[1]));
  assert.deepEqual([...documented].sort(), Object.keys(AGENT_ERRORS).sort());
});

test('every metric is documented, and every documented metric exists', () => {
  const documented = new Set([...doc.matchAll(/^\| `logship_agent_([a-z_]+)` \|/gm)].map((m) => m[1]));
  assert.deepEqual([...documented].sort(), Object.values(M).map(([name]) => name).sort());
});

test('the factory fills the template and keeps the code', () => {
  const e = agentError('LS_AGENT_CONFIG_INVALID', 'spool.max_byte', 'unknown key');
  assert.equal(e.code, 'LS_AGENT_CONFIG_INVALID');
  assert.equal(e.message, 'The config is invalid at spool.max_byte: unknown key');
  const cause = new Error('EACCES');
  assert.equal(agentError('LS_AGENT_FILE_READ', '/x', cause.message, cause).cause, cause);
});

test('retryable says whether the agent tries again by itself', () => {
  assert.equal(agentError('LS_AGENT_INGEST_UNAVAILABLE', 'ECONNREFUSED').retryable, true);
  assert.equal(agentError('LS_AGENT_INGEST_REJECTED', 3, 400, 'bad').retryable, false);
  assert.equal(agentError('LS_AGENT_CONFIG_INVALID', 'x', 'y').retryable, false);
});
