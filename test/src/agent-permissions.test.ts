/**
 * A log file the agent's user cannot read (a root-owned 0600 log beside
 * readable ones), as on a host where the unit lost its capability or the
 * adm group. The agent said so at every rescan (every 30 polls), the same
 * warning forever, without saying what to do; now it says it once, with
 * the user it runs as and what gives it access, keeps /health degraded
 * while the file stays unreadable, and says when the file is read.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync } from 'node:fs';
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { agentBin, freePort, removeDir, search, startAgent, startServer, stopAll, tempDir, waitFor } from './harness.js';
import { agentYaml } from './agent-support.js';

after(stopAll);

// Root reads any file, so as root the agent runs as nobody.
const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

test('an unreadable file is warned about once, naming the user and what gives access; read once it is readable', async () => {
  const root = await tempDir('logship-agent-perm-');
  try {
    const server = await startServer({ dataDir: join(root, 'server') });
    const logs = join(root, 'logs');
    await mkdir(logs);
    const secret = join(logs, 'secret.log');
    await writeFile(join(logs, 'open.log'), 'an open line\n');
    await writeFile(secret, 'a secret line\n');
    chmodSync(secret, 0o600);
    if (asRoot) {
      chmodSync(root, 0o755);
      chownSync(logs, NOBODY, NOBODY);
      chownSync(join(logs, 'open.log'), NOBODY, NOBODY);
      await mkdir(join(root, 'agent'));
      chownSync(join(root, 'agent'), NOBODY, NOBODY);
    } else {
      chmodSync(secret, 0o000);
    }
    const yaml = (port: number): string => agentYaml({
      server: server.url, dataDir: join(root, 'agent'), include: [`${logs}/*.log`], labels: { job: 'perm' },
      extra: `metrics: { listen: "127.0.0.1:${port}" }`,
    }).replace('poll_interval_ms: 250', 'poll_interval_ms: 20').replace('log_level: warn', 'log_level: info');
    const agent = await startAgent(yaml, join(root, 'agent.yaml'), {}, asRoot ? { uid: NOBODY, gid: NOBODY } : {});
    const port = agent.metricsPort!;
    await waitFor(async () => (await search(server.url, 'job:perm', { limit: 10 })).hits.length === 1 || undefined, { what: 'the open file\'s line' });
    // Rescans look at the file every 30 polls (0.6 s here): several, each failing again.
    await new Promise((r) => setTimeout(r, 2500));
    const warnings = agent.output().split('\n').filter((l) => l.includes('LS_AGENT_FILE_READ') && l.includes(secret));
    assert.equal(warnings.length, 1, agent.output());
    assert.match(warnings[0]!, /permission denied.*runs as (user \S+ )?\(?uid \d+\)?.*read access/);
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string; reasons: string[] };
    assert.equal(health.status, 'degraded', 'still unreadable: still degraded');
    assert.ok(health.reasons.some((r) => r.includes(secret)));

    if (asRoot) chownSync(secret, NOBODY, NOBODY);
    else chmodSync(secret, 0o600);
    await waitFor(async () => (await search(server.url, 'job:perm', { limit: 10 })).hits.length === 2 || undefined, { what: 'the secret line, once readable' });
    await waitFor(() => agent.output().includes('can be read now') || undefined, { what: 'the agent saying so' });
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  } finally {
    await removeDir(root);
  }
});

test('a directory the agent cannot list: --check and the agent say so, /health is degraded; once it can, its files are read', async () => {
  // It watched nothing, said `files: 0` and /health was healthy.
  const root = await tempDir('logship-agent-perm-dir-');
  try {
    const server = await startServer({ dataDir: join(root, 'server') });
    const priv = join(root, 'private');
    await mkdir(priv);
    await writeFile(join(priv, 'app.log'), 'a private line\n');
    chmodSync(root, 0o755);
    chmodSync(priv, asRoot ? 0o700 : 0o000);
    await mkdir(join(root, 'agent'));
    if (asRoot) chownSync(join(root, 'agent'), NOBODY, NOBODY);
    const yaml = (port: number): string => agentYaml({
      server: server.url, dataDir: join(root, 'agent'), include: [`${priv}/*.log`], labels: { job: 'permdir' },
      extra: `metrics: { listen: "127.0.0.1:${port}" }`,
    }).replace('poll_interval_ms: 250', 'poll_interval_ms: 50').replace('log_level: warn', 'log_level: info');
    const cfg = join(root, 'agent.yaml');
    await writeFile(cfg, yaml(await freePort()));
    const as = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
    const check = spawnSync(process.execPath, [agentBin, '--config', cfg, '--check'], { encoding: 'utf8', ...as });
    assert.equal(check.status, 0, check.stderr);
    assert.match(check.stdout, new RegExp(`warning: ${priv} cannot be listed by this user .*permission denied`));
    const agent = await startAgent(yaml, cfg, {}, as);
    const port = agent.metricsPort!;
    const health = async (): Promise<{ status: string; reasons: string[] }> => (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as { status: string; reasons: string[] };
    await waitFor(async () => (await health().catch(() => ({ status: '' }))).status === 'degraded' || undefined, { what: '/health degraded' });
    assert.ok((await health()).reasons.some((r) => r.includes(priv) && r.includes('permission denied')));
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(agent.output().split('\n').filter((l) => l.includes('LS_AGENT_FILE_READ')).length, 1, agent.output());
    if (asRoot) chownSync(priv, NOBODY, NOBODY);
    else chmodSync(priv, 0o755);
    await waitFor(async () => (await search(server.url, 'job:permdir', { limit: 10 })).hits.length === 1 || undefined, { what: 'the line, once the directory can be listed' });
    assert.equal(await agent.stop('SIGTERM'), 0, agent.output());
  } finally {
    chmodSync(join(root, 'private'), 0o755);
    await removeDir(root);
  }
});

test('a data_dir the agent\'s user cannot write: --check and the start say so with a code and what to do, not a bare EACCES', async () => {
  const root = await tempDir('logship-agent-perm-data-');
  try {
    chmodSync(root, 0o755);
    const closed = join(root, 'closed');
    await mkdir(closed);
    chmodSync(closed, asRoot ? 0o755 : 0o555);
    const yaml = agentYaml({ server: 'http://127.0.0.1:9', dataDir: join(closed, 'agent'), include: [`${root}/*.log`], extra: 'metrics: { listen: off }' });
    const cfg = join(root, 'agent.yaml');
    await writeFile(cfg, yaml);
    const as = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
    const check = spawnSync(process.execPath, [agentBin, '--config', cfg, '--check'], { encoding: 'utf8', ...as });
    const said = new RegExp(`LS_AGENT_DATA_DIR: The data_dir ${closed}/agent cannot be used \\(.*(permission denied|EACCES).*chown`);
    assert.equal(check.status, 2, check.stdout + check.stderr);
    assert.match(check.stderr, said);
    const start = spawnSync(process.execPath, [agentBin, '--config', cfg], { encoding: 'utf8', timeout: 20_000, ...as });
    assert.equal(start.status, 2, start.stdout + start.stderr);
    assert.match(start.stderr, said);
  } finally {
    await removeDir(root);
  }
});
