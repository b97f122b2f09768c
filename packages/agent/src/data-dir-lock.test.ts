import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDataDir, lockDataDir } from './data-dir-lock.js';
import { AgentError } from './errors.js';

const bin = join(dirname(fileURLToPath(import.meta.url)), '../bin/logship-agent.js');

/** A data_dir below a plain file: no user, root included, can create it. */
function unusableDataDir(): { root: string; dataDir: string } {
  const root = mkdtempSync(join(tmpdir(), 'logship-agent-datadir-'));
  writeFileSync(join(root, 'a-file'), 'not a folder\n');
  return { root, dataDir: join(root, 'a-file', 'state') };
}

test('a data_dir that cannot be created is LS_AGENT_DATA_DIR naming it, at start and by --check', async () => {
  const { root, dataDir } = unusableDataDir();
  try {
    await assert.rejects(lockDataDir(dataDir), (err: unknown) =>
      err instanceof AgentError && err.code === 'LS_AGENT_DATA_DIR' && err.message.includes(dataDir) && /chown/.test(err.message));
    await assert.rejects(checkDataDir(dataDir), (err: unknown) => err instanceof AgentError && err.code === 'LS_AGENT_DATA_DIR');
    const config = join(root, 'agent.yaml');
    writeFileSync(config, `server: { url: http://127.0.0.1:9 }\ndata_dir: ${dataDir}\nsources: [{ type: file, include: ["${root}/*.log"] }]\n`);
    for (const args of [['--check'], []]) {
      const run = spawnSync(process.execPath, [bin, '--config', config, ...args], { encoding: 'utf8', timeout: 60_000 });
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, new RegExp(`^LS_AGENT_DATA_DIR: The data_dir ${dataDir} cannot be used \\(.*\\); create it and give it to the user the agent runs as`, 'm'));
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('--check on a data_dir that does not exist yet looks at the folder above it and leaves nothing there', async () => {
  const root = mkdtempSync(join(tmpdir(), 'logship-agent-datadir-'));
  try {
    await checkDataDir(join(root, 'not', 'yet'));
    assert.deepEqual(readdirSync(root), []);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
