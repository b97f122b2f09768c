/**
 * The harness's startAgent hands back an agent that holds its metrics port,
 * never one beside another process listening there: an agent whose port is
 * taken only logs so and runs on, and the test then read another file's
 * agent's /health and /metrics. A port the harness picks is picked again
 * when taken; a port the test chose is an error. A config that says nothing
 * of metrics gets a port the harness picks: the agent's default,
 * 127.0.0.1:9477, was one port for every agent of the files running at once.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { agentYaml } from './agent-support.js';
import { freePort, removeDir, startAgent, stopAll, tempDir } from './harness.js';
import { listensOn } from './listening.js';

after(stopAll);

/** Another process's listener on a free port, answering healthy to everything, as an agent would. */
async function impostor(): Promise<{ port: number; close: () => Promise<void> }> {
  const port = await freePort();
  const srv = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"healthy"}'));
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  return { port, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

function yamlFor(root: string, name: string, port: number): string {
  // Nothing to ship to: the agent retries quietly while the test looks at its listener.
  return agentYaml({ server: 'http://127.0.0.1:9', dataDir: join(root, name), include: [join(root, '*.log')], extra: `metrics: { listen: "127.0.0.1:${port}" }` });
}

test('an agent whose metrics port another process holds is an error naming the port, not the other one\'s /health', async () => {
  const root = await tempDir('logship-start-agent-');
  const other = await impostor();
  try {
    await assert.rejects(startAgent(yamlFor(root, 'taken', other.port), join(root, 'taken.yaml')), new RegExp(`127\\.0\\.0\\.1:${other.port} \\(metrics\\.listen\\) is taken`));
    assert.equal(listensOn(process.pid, other.port), true, 'the other listener is this test process\'s');
  } finally {
    await other.close();
    await removeDir(root);
  }
});

test('a config made for a picked port is made again for another port when that one is taken', async () => {
  const root = await tempDir('logship-start-agent-');
  const other = await impostor();
  try {
    const picked: number[] = [];
    // The first config ignores its port for the taken one, as if another file had bound it meanwhile.
    const agent = await startAgent((port) => {
      picked.push(port);
      return yamlFor(root, `agent-${picked.length}`, picked.length === 1 ? other.port : port);
    }, join(root, 'agent.yaml'));
    assert.equal(picked.length, 2, 'a second port was picked');
    assert.equal(agent.metricsPort, picked[1]);
    assert.equal(listensOn(agent.proc.pid!, picked[1]!), true, 'the agent holds its port');
    assert.equal(listensOn(agent.proc.pid!, other.port), false);
    const files = (await (await fetch(`http://127.0.0.1:${picked[1]}/files`)).json()) as { sources?: unknown };
    assert.ok(files.sources !== undefined, 'the agent\'s own /files answers');
    await agent.stop();
  } finally {
    await other.close();
    await removeDir(root);
  }
});

test('agents whose configs say nothing of metrics each get a port of their own, held by them, not the default 9477; `off` stays off', async () => {
  const root = await tempDir('logship-start-agent-');
  try {
    const plain = (name: string): string => agentYaml({ server: 'http://127.0.0.1:9', dataDir: join(root, name), include: [join(root, '*.log')] });
    assert.doesNotMatch(plain('a'), /^metrics/m, 'the config has no metrics key');
    // At once, as files running together start theirs.
    const [a, b] = await Promise.all([startAgent(plain('a'), join(root, 'a.yaml')), startAgent(plain('b'), join(root, 'b.yaml'))]);
    assert.ok(a.metricsPort !== undefined && b.metricsPort !== undefined, 'each agent\'s metrics port is handed back');
    assert.notEqual(a.metricsPort, b.metricsPort);
    assert.notEqual(a.metricsPort, 9477);
    for (const agent of [a, b]) {
      assert.equal(listensOn(agent.proc.pid!, agent.metricsPort!), true, 'the agent holds its port');
      assert.equal(listensOn(agent.proc.pid!, 9477), false, 'and not the default one');
      const files = (await (await fetch(`http://127.0.0.1:${agent.metricsPort}/files`)).json()) as { sources?: unknown };
      assert.ok(files.sources !== undefined, 'the agent\'s own /files answers');
      assert.doesNotMatch(agent.output(), /cannot be served/);
    }
    const off = await startAgent(agentYaml({ server: 'http://127.0.0.1:9', dataDir: join(root, 'off'), include: [join(root, '*.log')], extra: 'metrics: { listen: off }' }), join(root, 'off.yaml'));
    assert.equal(off.metricsPort, undefined, 'a config that turns metrics off is left so');
    await Promise.all([a.stop(), b.stop(), off.stop()]);
  } finally {
    await removeDir(root);
  }
});
