/**
 * A file whose bytes are not UTF-8 (a Latin-1 log, a stray byte) through
 * the real agent and server: the line is stored with U+FFFD in place of
 * the bad bytes and flagged `logship.invalid_utf8`, as a body ingest
 * decodes itself is; valid lines around it are not flagged.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { removeDir, search, startAgent, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';
import { agentYaml } from './agent-support.js';

// Today's date: an event older than the retention period would not be stored.
const DAY = new Date().toISOString().slice(0, 10);
let root: string;
let server: ServerHandle;

before(async () => {
  root = await tempDir('logship-agent-enc-');
  server = await startServer({ dataDir: join(root, 'server') });
});

after(async () => {
  await stopAll();
  await removeDir(root);
});

test('a line that is not UTF-8 is stored flagged logship.invalid_utf8; the lines around it are not', async () => {
  const logs = join(root, 'logs');
  await mkdir(logs);
  await appendFile(join(logs, 'app.log'), Buffer.concat([
    Buffer.from('{"level":"info","msg":"before"}\n'),
    Buffer.from('{"level":"error","msg":"caf'), Buffer.from([0xe9]), Buffer.from(' closed","user":"b'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n'),
    Buffer.from(`${DAY} 12:00:00,000 ERROR latin1 plain caf`), Buffer.from([0xe9]), Buffer.from('\n'),
    Buffer.from('{"level":"info","msg":"after café"}\n'),
  ]));
  const yaml = agentYaml({ server: server.url, dataDir: join(root, 'agent'), include: [join(logs, 'app.log')], labels: { job: 'enc' }, extra: 'metrics: { listen: off }' });
  const agent = await startAgent(yaml, join(root, 'agent.yaml'));
  const hits = await waitFor(async () => {
    const r = await search(server.url, 'job:enc', { limit: 100 });
    return r.hits.length >= 4 ? r.hits : undefined;
  }, { timeoutMs: 30_000, what: 'four events' });
  assert.equal(hits.length, 4);
  const flagged = hits.filter((h) => h['logship.invalid_utf8'] === true).map((h) => h.message).sort();
  assert.deepEqual(flagged, [`${DAY} 12:00:00,000 ERROR latin1 plain caf\uFFFD`, 'caf\uFFFD closed']);
  const json = hits.find((h) => h.message === 'caf\uFFFD closed')!;
  assert.equal(json.level, 'error', 'still read as the JSON line it is');
  assert.equal(json.user, 'b\uFFFD\uFFFD');
  assert.equal(hits.find((h) => h.message === 'after café')!['logship.invalid_utf8'], undefined);
  assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
});
