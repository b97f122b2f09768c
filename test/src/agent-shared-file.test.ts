/**
 * One file matched by two sources (overlapping globs, or on purpose: the
 * same log with other labels, or only its errors with include_lines). Both
 * sources read it, but their events had the same ids, so ingest stored the
 * ones that arrived first, with whichever source's labels that was. As
 * Promtail's scrape configs and Vector's sources do, each source now ships
 * its lines with its own labels; the first source keeps its ids.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdir, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { removeDir, search, startAgent, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';
import { agentYaml } from './agent-support.js';

let root: string;
let server: ServerHandle;

before(async () => {
  root = await tempDir('logship-agent-shared-');
  server = await startServer({ dataDir: join(root, 'server') });
});

after(async () => {
  await stopAll();
  await removeDir(root);
});

test('a file two sources match is shipped by each with its own labels; the first source keeps its event ids', async () => {
  const logs = join(root, 'logs');
  await mkdir(logs);
  const file = join(logs, 'app.log');
  await appendFile(file, 'INFO started\nERROR disk full\nINFO stopped\n');
  const yaml = [
    agentYaml({ server: server.url, dataDir: join(root, 'agent'), include: [join(logs, '*.log')], labels: { job: 'all' }, extra: 'metrics: { listen: off }' }),
    '  - type: file',
    '    name: errors',
    `    include: [${JSON.stringify(file)}]`,
    '    labels: { job: errors }',
    "    include_lines: ['^ERROR']",
    '',
  ].join('\n');
  const agent = await startAgent(yaml, join(root, 'agent.yaml'));
  const hits = await waitFor(async () => {
    const r = await search(server.url, 'job:(all OR errors)', { limit: 100 });
    return r.hits.length >= 4 ? r.hits : undefined;
  }, { what: 'three lines of job all and one of job errors' });
  const byJob = (job: string): string[] => hits.filter((h) => h.job === job).map((h) => String(h.message)).sort();
  assert.deepEqual(byJob('all'), ['ERROR disk full', 'INFO started', 'INFO stopped']);
  assert.deepEqual(byJob('errors'), ['ERROR disk full']);
  const ids = hits.map((h) => String(h['event.id']));
  assert.ok(hits.filter((h) => h.job === 'all').every((h) => /^f:c[0-9a-f]+@[0-9a-f]{8}:[A-P]\d+$/.test(String(h['event.id']))), ids.join(' '));
  assert.ok(hits.filter((h) => h.job === 'errors').every((h) => /^f:c[0-9a-f]+~errors@[0-9a-f]{8}:[A-P]\d+$/.test(String(h['event.id']))), ids.join(' '));
  assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  assert.match(agent.output(), /A file is read by two sources/);
});

test('a later source that reads the file through a symlink (a /var/log/containers link) ships it too', async () => {
  const real = join(root, 'pods');
  await mkdir(real);
  await appendFile(join(real, '0.log'), 'through the link\n');
  const links = join(root, 'containers');
  await mkdir(links);
  await symlink(join(real, '0.log'), join(links, 'web.log'));
  const yaml = [
    agentYaml({ server: server.url, dataDir: join(root, 'agent-link'), include: [join(real, '*.log')], labels: { job: 'real' }, extra: 'metrics: { listen: off }' }),
    '  - type: file',
    `    include: [${JSON.stringify(join(links, '*.log'))}]`,
    '    labels: { job: link }',
    '',
  ].join('\n');
  const agent = await startAgent(yaml, join(root, 'agent-link.yaml'));
  const hits = await waitFor(async () => {
    const r = await search(server.url, 'job:(real OR link)', { limit: 100 });
    return r.hits.length >= 2 ? r.hits : undefined;
  }, { what: 'the line from each source' });
  assert.deepEqual(hits.map((h) => String(h.job)).sort(), ['link', 'real']);
  assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
});
