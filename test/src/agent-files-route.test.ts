/**
 * `GET /files` of the real agent while real files are renamed (a
 * RotatingFileHandler's shift chain, the include naming app.log only): a
 * file renamed away is listed where it is now, not under the path the new
 * app.log holds; `source_path` stays where its content was first seen.
 */
import assert from 'node:assert/strict';
import { appendFile, mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, startAgent, startServer, stopAll, tempDir, waitFor, type ServerHandle } from './harness.js';
import { agentMetric, agentYaml, assertExactlyOnce, ingestDuplicates, jsonLine, range, seqsOf, waitForCount } from './agent-support.js';

interface Listed { path: string; source_path: string; id: string; rotated: boolean; open: boolean }

async function listed(port: number): Promise<Listed[]> {
  const body = (await (await fetch(`http://127.0.0.1:${port}/files`)).json()) as { sources: Record<string, Listed[]> };
  return Object.values(body.sources).flat();
}

const lines = (from: number, to: number, run: string): string => Array.from({ length: to - from }, (_, i) => jsonLine(from + i, run) + '\n').join('');

describe('agent: GET /files across renames', () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-agent-files-');
    server = await startServer({ dataDir: join(root, 'server') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test('a file renamed away (twice) is listed at its new name, the new file at the path', async () => {
    const run = 'filesroute';
    const log = join(root, 'app.log');
    await writeFile(log, lines(0, 10, run));
    // close_idle_ms long: the renamed files stay open, read to their end, and listed.
    const agent = await startAgent(agentYaml({ server: server.url, dataDir: join(root, 'agent'), include: [log], source: '    close_idle_ms: 600000' }), join(root, 'agent.yaml'));
    const port = agent.metricsPort!;
    await waitForCount(server.url, run, 10);
    const first = (await listed(port))[0]!;

    await rename(log, `${log}.1`);
    await writeFile(log, lines(10, 20, run));
    await waitForCount(server.url, run, 20);
    await waitFor(async () => (await listed(port)).length === 2 || undefined, { timeoutMs: 30_000, what: 'two files listed' });
    let files = await listed(port);
    let old = files.find((f) => f.id === first.id)!;
    assert.equal(old.path, `${log}.1`, JSON.stringify(files));
    assert.equal(old.source_path, log);
    assert.equal(old.rotated, true);
    const second = files.find((f) => f.id !== first.id)!;
    assert.deepEqual([second.path, second.rotated], [log, false], JSON.stringify(files));

    // The shift: app.log.1 → app.log.2, app.log → app.log.1, a new app.log; the old files are written on (their old descriptors).
    await rename(`${log}.1`, `${log}.2`);
    await rename(log, `${log}.1`);
    await writeFile(log, lines(20, 30, run));
    await appendFile(`${log}.2`, lines(30, 31, run));
    await waitForCount(server.url, run, 31);
    await waitFor(async () => (await listed(port)).length === 3 || undefined, { timeoutMs: 30_000, what: 'three files listed' });
    files = await listed(port);
    old = files.find((f) => f.id === first.id)!;
    assert.equal(old.path, `${log}.2`, JSON.stringify(files));
    assert.equal(files.find((f) => f.id === second.id)!.path, `${log}.1`, JSON.stringify(files));
    assert.deepEqual(files.map((f) => f.path), [log, `${log}.1`, `${log}.2`], 'one path each, sorted');
    assert.deepEqual(files.map((f) => f.source_path), [log, log, log], 'source_path: where each was first seen');
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });

  test('with an include that matches the rotated names too (app.log*), a renamed file is rotated; every line read once across the rename', async () => {
    const run = 'filesglob';
    const dir = join(root, run);
    const log = join(dir, 'app.log');
    await mkdir(dir);
    const duplicatesBefore = await ingestDuplicates(server.url);
    await writeFile(log, lines(0, 10, run));
    const agent = await startAgent(agentYaml({ server: server.url, dataDir: join(dir, 'agent'), include: [`${log}*`], source: '    close_idle_ms: 600000' }), join(dir, 'agent.yaml'));
    const port = agent.metricsPort!;
    await waitForCount(server.url, run, 10);
    const first = (await listed(port))[0]!;
    assert.deepEqual([first.path, first.rotated], [log, false]);

    // A real rename, the old file written on through its descriptor, a new app.log.
    await rename(log, `${log}.1`);
    await appendFile(`${log}.1`, lines(10, 15, run));
    await writeFile(log, lines(15, 25, run));
    await waitForCount(server.url, run, 25);
    await waitFor(async () => (await listed(port)).length === 2 || undefined, { timeoutMs: 30_000, what: 'two files listed' });
    const files = await listed(port);
    const old = files.find((f) => f.id === first.id)!;
    // The include matches app.log.1 as well: the file was found at its new name and was listed as not rotated.
    assert.deepEqual([old.path, old.source_path, old.rotated], [`${log}.1`, log, true], JSON.stringify(files));
    const fresh = files.find((f) => f.id !== first.id)!;
    assert.deepEqual([fresh.path, fresh.rotated], [log, false], JSON.stringify(files));
    assertExactlyOnce(await seqsOf(server.url, run), range(0, 25));
    // Read once: the agent read 25 lines (none again at the new name), and ingest was sent none twice.
    assert.equal(await agentMetric(`http://127.0.0.1:${port}`, 'lines_read_total', '{source="file-0"}'), 25, await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
    assert.equal(await ingestDuplicates(server.url), duplicatesBefore);
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });
});
