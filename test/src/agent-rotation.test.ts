/**
 * Rotation through real processes: 200,000 lines written by an appending
 * writer while the file is rotated 50 times, by rename and by copytruncate;
 * the real agent ships them to the real server, and the search API counts.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { removeDir, startAgent, startServer, stopAll, tempDir, type ServerHandle } from './harness.js';
import { agentYaml, assertExactlyOnce, jsonLine, LogWriter, range, seqsOf, waitForCount } from './agent-support.js';

const TOTAL = 200_000;
const ROTATIONS = 50;
const CHUNK = 500;

describe('agent: rotation while writing', () => {
  let root: string;
  let server: ServerHandle;

  before(async () => {
    root = await tempDir('logship-agent-rot-');
    server = await startServer({ dataDir: join(root, 'server') });
  });

  after(async () => {
    await stopAll();
    await removeDir(root);
  });

  test(`${TOTAL} lines, ${ROTATIONS} rename rotations: every line exactly once`, async () => {
    const logs = join(root, 'rename');
    await mkdir(logs);
    const agent = await startAgent(agentYaml({ server: server.url, dataDir: join(root, 'agent-rename'), include: [`${logs}/app.log*`] }),
      join(root, 'rename.yaml'));
    const writer = new LogWriter(join(logs, 'app.log'));
    const every = TOTAL / ROTATIONS;
    for (let seq = 0; seq < TOTAL; seq += CHUNK) {
      let text = '';
      for (let i = seq; i < seq + CHUNK; i++) text += jsonLine(i, 'rename') + '\n';
      await writer.write(text);
      if ((seq + CHUNK) % every === 0 && seq + CHUNK < TOTAL) await writer.rotateByRename(join(logs, `app.log.${(seq + CHUNK) / every}`));
    }
    await writer.close();
    await waitForCount(server.url, 'rename', TOTAL);
    assertExactlyOnce(await seqsOf(server.url, 'rename'), range(0, TOTAL));
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });

  test(`${TOTAL} lines, ${ROTATIONS} copytruncate rotations: no duplicates, loss only between copy and truncate`, async () => {
    const logs = join(root, 'copytruncate');
    await mkdir(logs);
    const agent = await startAgent(agentYaml({ server: server.url, dataDir: join(root, 'agent-ct'), include: [`${logs}/app.log*`] }),
      join(root, 'ct.yaml'));
    const file = join(logs, 'app.log');
    const writer = new LogWriter(file);
    const every = TOTAL / ROTATIONS;
    // Lines written after a copy and before its truncate are lost by
    // copytruncate's design; the writer records which ones they were.
    const inWindow = new Set<number>();
    for (let seq = 0; seq < TOTAL; seq += CHUNK) {
      let text = '';
      for (let i = seq; i < seq + CHUNK; i++) text += jsonLine(i, 'ct') + '\n';
      await writer.write(text);
      if ((seq + CHUNK) % every === 0 && seq + CHUNK < TOTAL) {
        await copyFile(file, join(logs, `app.log.${(seq + CHUNK) / every}`));
        // One chunk lands between the copy and the truncate.
        const next = seq + CHUNK;
        let window = '';
        for (let i = next; i < next + 10; i++) { window += jsonLine(i, 'ct') + '\n'; inWindow.add(i); }
        await writer.write(window);
        await truncate(file, 0);
        let rest = '';
        for (let i = next + 10; i < next + CHUNK; i++) rest += jsonLine(i, 'ct') + '\n';
        await writer.write(rest);
        seq += CHUNK;
      }
    }
    await writer.close();
    const expectedMin = TOTAL - inWindow.size;
    await waitForCount(server.url, 'ct', expectedMin);
    // Give late lines (there should be none) a moment to show up.
    await new Promise((r) => setTimeout(r, 2000));
    const seqs = await seqsOf(server.url, 'ct');
    const got = new Set(seqs);
    assert.equal(got.size, seqs.length, 'no duplicates');
    const lost = range(0, TOTAL).filter((s) => !got.has(s));
    const lostOutside = lost.filter((s) => !inWindow.has(s));
    console.log(`copytruncate: ${lost.length} of ${TOTAL} lines lost, all written between a copy and its truncate (${inWindow.size} were at risk)`);
    assert.deepEqual(lostOutside, [], 'no line written outside a copy→truncate window is lost');
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  });
});
