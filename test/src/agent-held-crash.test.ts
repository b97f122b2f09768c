/**
 * SIGKILL at the risky moment of holding lines (agent-held-lines.test.ts):
 * the held file is durable and the checkpoint has not moved past its batch
 * yet (it is written ~100 ms after the acknowledgement). The moment is made
 * to last: a directory where the checkpoint's temp file goes makes every
 * checkpoint write fail, as a crash before it would, so the kill lands there
 * every run. The restarted agent reads on after the held lines (the held
 * file says which positions it covers): nothing is sent again, nothing is
 * held twice, and a held line given up for its age is not read again and
 * held anew with a fresh age.
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { removeDir, startAgent, startServer, stopAll, tempDir, waitFor } from './harness.js';
import { agentMetric, agentYaml, countOf, ingestDuplicates, seqsOf, timedLine } from './agent-support.js';
import { startWithDamagedDay } from './damaged-day.js';

after(stopAll);

function heldFiles(agentDir: string): string[] {
  return readdirSync(join(agentDir, 'spool')).filter((n) => n.endsWith('.held'));
}

/**
 * Starts an agent whose checkpoint cannot be written, waits until it holds
 * the damaged day's five lines of `file`, and kills it (SIGKILL): the held
 * file is durable, the checkpoint is not.
 */
async function killWhileHolding(server: string, root: string, agentDir: string, file: string, extra: string): Promise<void> {
  mkdirSync(join(agentDir, 'checkpoints.json.tmp'), { recursive: true });
  const agent = await startAgent((port) => agentYaml({ server, dataDir: agentDir, include: [file], extra: `metrics: { listen: 127.0.0.1:${port} }\n${extra}` }), join(root, 'first.yaml'));
  await waitFor(async () => (await agentMetric(`http://127.0.0.1:${agent.metricsPort}`, 'lines_held')) === 5, { timeoutMs: 60_000, what: 'five lines held' });
  assert.equal(await agent.stop('SIGKILL'), 'SIGKILL');
  assert.equal(heldFiles(agentDir).length, 1, 'the held file is durable');
  assert.equal(existsSync(join(agentDir, 'checkpoints.json')), false, 'the checkpoint was not written');
  rmdirSync(join(agentDir, 'checkpoints.json.tmp'));
}

test('SIGKILL after lines are held and before the checkpoint moves: nothing is sent again or held twice, and after the repair every line is stored once', { timeout: 240_000 }, async () => {
  const root = await tempDir('logship-held-crash-');
  try {
    const day = await startWithDamagedDay(root);
    const { port, dataDir, damaged } = day;
    let server = day.server;
    const at = day.timeOf;
    const logs = join(root, 'logs');
    mkdirSync(logs);
    const app = join(logs, 'app.log');
    writeFileSync(app, Array.from({ length: 10 }, (_, seq) => timedLine(seq, at(seq), 'crash')).join('\n') + '\n');
    const agentDir = join(root, 'agent');
    await killWhileHolding(server.url, root, agentDir, app, '');
    assert.equal(await countOf(server.url, 'crash'), 5);

    const before = await ingestDuplicates(server.url);
    const agent = await startAgent((metricsPort) => agentYaml({ server: server.url, dataDir: agentDir, include: [app], logLevel: 'info', extra: `metrics: { listen: 127.0.0.1:${metricsPort} }` }), join(root, 'agent.yaml'));
    const metrics = `http://127.0.0.1:${agent.metricsPort}`;
    // Written after the restart: it comes after anything read again, in file order.
    appendFileSync(app, timedLine(10, Date.now(), 'crash') + '\n');
    await waitFor(async () => (await countOf(server.url, 'crash')) === 6, { timeoutMs: 60_000, what: 'the line written after the restart' });
    assert.equal((await ingestDuplicates(server.url)) - before, 0, `nothing sent again:\n${agent.output()}`);
    assert.equal(await agentMetric(metrics, 'lines_held'), 5, 'held once');
    assert.doesNotMatch(agent.output(), /held aside/, 'nothing held anew');

    assert.equal(await server.stop('SIGTERM'), 0);
    renameSync(damaged, `${damaged}.damaged`);
    server = await startServer({ dataDir, port });
    await waitFor(async () => (await agentMetric(metrics, 'lines_held')) === 0 && (await countOf(server.url, 'crash')) === 11, { timeoutMs: 60_000, what: 'the held lines taken' });
    assert.deepEqual((await seqsOf(server.url, 'crash')).sort((a, b) => a - b), Array.from({ length: 11 }, (_, i) => i), 'every line once');
    assert.equal(await agentMetric(metrics, 'events_shipped_total', '{source="file-0"}'), 6, 'the held lines and the new one, once each');
    assert.equal(await agent.stop('SIGTERM'), 0);
  } finally {
    await stopAll();
    await removeDir(root);
  }
});

test('SIGKILL after lines are held and before the checkpoint moves, restarted after spool.max_held_age_s: they are given up once, not read and held again', { timeout: 240_000 }, async () => {
  const root = await tempDir('logship-held-crash-age-');
  try {
    const day = await startWithDamagedDay(root);
    const { server } = day;
    const at = day.timeOf;
    const logs = join(root, 'logs');
    mkdirSync(logs);
    const app = join(logs, 'app.log');
    writeFileSync(app, Array.from({ length: 10 }, (_, seq) => timedLine(seq, at(seq), 'aged')).join('\n') + '\n');
    const agentDir = join(root, 'agent');
    await killWhileHolding(server.url, root, agentDir, app, 'spool: { max_held_age_s: 3600 }');

    // Down longer than spool.max_held_age_s: the held file says since when it holds them.
    const file = join(agentDir, 'spool', heldFiles(agentDir)[0]!);
    const data = readFileSync(file);
    const nl = data.indexOf(10);
    const header = JSON.parse(data.subarray(0, nl).toString('utf8')) as { since_ms: number };
    writeFileSync(file, Buffer.concat([Buffer.from(JSON.stringify({ ...header, since_ms: header.since_ms - 7_200_000 }) + '\n'), data.subarray(nl + 1)]));

    const before = await ingestDuplicates(server.url);
    const agent = await startAgent((metricsPort) => agentYaml({ server: server.url, dataDir: agentDir, include: [app], logLevel: 'info', extra: `metrics: { listen: 127.0.0.1:${metricsPort} }\nspool: { max_held_age_s: 3600 }` }), join(root, 'agent.yaml'));
    const metrics = `http://127.0.0.1:${agent.metricsPort}`;
    appendFileSync(app, timedLine(10, Date.now(), 'aged') + '\n');
    await waitFor(async () => (await countOf(server.url, 'aged')) === 6, { timeoutMs: 60_000, what: 'the line written after the restart' });
    assert.equal(await agentMetric(metrics, 'held_expired_events_total', '{source="file-0"}'), 5, 'given up');
    assert.equal(await agentMetric(metrics, 'lines_held'), 0, `not held again:\n${agent.output()}`);
    assert.doesNotMatch(agent.output(), /held aside/, 'nothing held anew');
    assert.equal((await ingestDuplicates(server.url)) - before, 0, 'nothing sent again');
    assert.deepEqual(heldFiles(agentDir), []);
    assert.equal(await agent.stop('SIGTERM'), 0);
  } finally {
    await stopAll();
    await removeDir(root);
  }
});
